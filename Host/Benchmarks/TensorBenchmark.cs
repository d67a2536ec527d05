using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflow.Torch;

namespace Workflow.Host.Benchmarks;

/// <summary>
/// Our binding against PyTorch on the same libtorch and thread count: per-op dispatch overhead on tiny tensors
/// and conv2d / matmul / attention at SD-like shapes. Rounds alternate between the two sides (who goes first
/// alternates too), each after a short pause so the other side's OpenMP workers stop spinning, so that noise
/// from other work on the machine falls on both. Each side reports the median over rounds of the time per call
/// after warm-up rounds; ratio = ours / PyTorch.
/// </summary>
public static class TensorBenchmark
{
    private const int WarmupRounds = 2;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public sealed record Case(string Name, double OursSeconds, double TorchSeconds, double Target)
    {
        public double Ratio => OursSeconds / TorchSeconds;

        public bool MeetsTarget => Target >= 1.03 ? Ratio <= Target : Ratio < Target;
    }

    public sealed record Report(IReadOnlyList<Case> Cases, int Threads, string Libtorch, string PyTorch, Device Device)
    {
        public JsonObject ToJson() => new()
        {
            ["cases"] = new JsonArray(Cases.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["ours_s"] = c.OursSeconds,
                ["torch_s"] = c.TorchSeconds,
                ["ratio"] = Math.Round(c.Ratio, 4),
            }).ToArray()),
            ["threads"] = Threads,
            ["device"] = Device.ToString(),
            ["libtorch"] = Libtorch,
            ["pytorch"] = PyTorch,
            ["targets"] = new JsonObject { ["dispatch_ratio_below"] = 1.0, ["compute_ratio_at_most"] = 1.03 },
        };
    }

    /// <summary>Times <paramref name="cases"/> (default <see cref="TensorBenchCase.Standard"/>) on both sides, on <paramref name="device"/>.</summary>
    public static Report Run(string python, int? threads, Device device, IReadOnlyList<TensorBenchCase>? cases = null)
    {
        if (threads is { } count)
            torch.set_num_threads(count);
        cases = [.. (cases ?? TensorBenchCase.Standard).Select(c => c.On(device))];
        using var reference = TensorReference.Start(python, cases, torch.get_num_threads(), device);
        var results = cases.Select((c, index) => Measure(c, device, () => reference.Round(index))).ToList();
        return new Report(results, torch.get_num_threads(), torch.__version__, reference.TorchVersion, device);
    }

    private static Case Measure(TensorBenchCase benchCase, Device device, Func<double> theirRound)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(0);
        var op = benchCase.Prepare(generator, device);
        Func<double> ourRound = () => Time(op, benchCase.Iterations, device);
        for (var i = 0; i < WarmupRounds; i++)
        {
            ourRound();
            theirRound();
        }
        var (ours, theirs) = (new List<double>(), new List<double>());
        for (var round = 0; round < benchCase.Rounds; round++)
        {
            var oursFirst = round % 2 == 0;
            var first = AfterPause(oursFirst ? ourRound : theirRound);
            var second = AfterPause(oursFirst ? theirRound : ourRound);
            ours.Add(oursFirst ? first : second);
            theirs.Add(oursFirst ? second : first);
        }
        return new Case(benchCase.Name, Median(ours), Median(theirs), benchCase.Target);
    }

    private static double AfterPause(Func<double> round)
    {
        Thread.Sleep(Pause);
        return round();
    }

    /// <summary>Seconds per call over <paramref name="iterations"/> calls; on a GPU, until the queued work is done.</summary>
    private static double Time(Action op, int iterations, Device device)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
            op();
        torch.synchronize(device);
        return clock.Elapsed.TotalSeconds / iterations;
    }

    private static double Median(List<double> samples) => samples.Order().ElementAt(samples.Count / 2);
}
