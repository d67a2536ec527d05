using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.NodeSdk;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The load benchmark reads every tensor of the file PyTorch writes and reports memory beside torch.load's (no figure is asserted).</summary>
public sealed class LoadBenchmarkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-load-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [PyTorchTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Report_has_time_and_memory_for_both_readers(bool legacy)
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var values = new Dictionary<string, string?> { ["size-mb"] = "8", ["python"] = ReferencePython.Executable, ["legacy"] = legacy ? "true" : null };

        var report = new LoadBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        Assert.Equal(("PyTorchFile", 2, 8.0), ((string)report["reader"]!, (int)report["tensors"]!, (double)report["tensor_mb"]!));
        Assert.All(["open_s", "load_s", "peak_rss_mb"], key => Assert.True((double)report[key]! > 0, key));
        Assert.All(["anon_added_mb", "file_backed_added_mb"], key => Assert.NotNull(report[key]));
        Assert.All(["total_s", "peak_rss_mb", "anon_added_mb"], key => Assert.True((double)report["reference"]![key]! > 0, key));
        Assert.False(File.Exists((string)report["file"]!), "the written file is deleted");
    }
}
