using Workflow.Host.Benchmarks;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Host.Tests.Benchmarks;

/// <summary>The tensor benchmark's two sides on tiny shapes: every op runs in both, the report has the promised shape. No timing is asserted.</summary>
public sealed class TensorBenchmarkTests
{
    [PyTorchFact]
    public void Both_sides_time_every_op_and_the_json_reports_ratios()
    {
        var cases = Enum.GetValues<TensorOp>().Select(op => new TensorBenchCase(op.ToString(), op, TinyShapes(op), Iterations: 2, Rounds: 1)).ToList();

        var report = TensorBenchmark.Run(PyTorch.Python, threads: null, Device.CPU, cases);

        Assert.Equal(cases.Select(c => c.Name), report.Cases.Select(c => c.Name));
        Assert.All(report.Cases, c => Assert.True(c.OursSeconds > 0 && c.TorchSeconds > 0, c.ToString()));
        var json = report.ToJson();
        var first = json["cases"]![0]!.AsObject();
        Assert.Equal(["name", "ours_s", "torch_s", "ratio"], first.Select(p => p.Key));
        Assert.Equal(report.Threads, json["threads"]!.GetValue<int>());
    }

    [Fact]
    public void A_reference_that_cannot_run_is_reported_not_thrown_raw()
    {
        var cases = new[] { new TensorBenchCase("add", TensorOp.Add, [[1]], 1, 1) };
        Assert.Throws<TensorReference.UnavailableException>(() => TensorBenchmark.Run("/nonexistent/python3", null, Device.CPU, cases));
        Assert.Throws<TensorReference.UnavailableException>(() => TensorBenchmark.Run("/bin/false", null, Device.CPU, cases));
    }

    private static long[][] TinyShapes(TensorOp op) => op switch
    {
        TensorOp.Conv2d => [[1, 2, 4, 4], [2, 2, 3, 3]],
        TensorOp.Matmul => [[4, 3], [3, 2]],
        TensorOp.Attention => [[1, 2, 4, 8], [1, 2, 3, 8]],
        _ => [[4]],
    };
}
