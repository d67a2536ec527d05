using System.Text.Json.Nodes;
using Workflow.Torch;

namespace Workflow.NodeSdk;

/// <summary>
/// Marks a benchmark a plugin offers to <c>workflow bench &lt;name&gt;</c>. It reports figures (ratios against a
/// reference where it has one), never pass or fail.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BenchmarkAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; init; } = "";
}

/// <summary>A benchmark: its command-line options, and a run that returns one JSON object of figures.</summary>
public interface IBenchmark
{
    IReadOnlyList<BenchmarkOption> Options { get; }

    JsonObject Run(BenchmarkRun run);
}

/// <summary>An option of a benchmark, written <c>--name VALUE</c>, or <c>--name</c> alone for a flag.</summary>
public sealed record BenchmarkOption(string Name, string Description, string? Default = null, bool IsFlag = false);

/// <summary>The option values of one run (flags as "true"), the folders, and where to report what it is doing.</summary>
public sealed record BenchmarkRun(IReadOnlyDictionary<string, string?> Values, NodePaths Paths, Action<string> Log, CancellationToken Cancellation)
{
    /// <summary>Where models run (the host's --device).</summary>
    public Device Device { get; init; } = Device.CPU;

    /// <summary>The host's --precision (null: "default"); a benchmark that builds models may run them in it.</summary>
    public ScalarType? Precision { get; init; }

    /// <summary><see cref="Precision"/>, or the host's default for <see cref="Device"/>: float16 on CUDA, float32 on the CPU.</summary>
    public ScalarType WeightDtype => Precision ?? WeightPrecision.DefaultFor(Device);

    public bool Flag(string name) => Values.GetValueOrDefault(name) == "true";

    public string? Value(string name) => Values.GetValueOrDefault(name);

    public int Int(string name, int fallback) =>
        int.TryParse(Value(name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
