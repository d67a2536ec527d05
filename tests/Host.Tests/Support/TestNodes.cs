using System.Collections.Concurrent;
using Workflow.NodeSdk;

namespace Workflow.Host.Tests.Support;

// Stub nodes for engine tests: small, deterministic, and observable through their outputs and the run's events.

[Node("TestConstant", Category = "test")]
public sealed class TestConstant : INode
{
    public long Execute([Int(Min = -100, Max = 100)] long value = 0) => value;
}

[Node("TestAdd", Category = "test")]
public sealed class TestAdd : INode
{
    public long Execute([Int(Min = -1000, Max = 1000)] long a, [Int(Min = -1000, Max = 1000)] long b) => a + b;
}

[Node("TestOptional", Category = "test")]
public sealed class TestOptional : INode
{
    public long Execute(long a, long? b = null) => a + (b ?? 1000);
}

[Node("TestText", Category = "test")]
public sealed class TestText : INode
{
    public string Execute([String(Multiline = true)] string text = "", bool shout = false) => shout ? text.ToUpperInvariant() : text;
}

public enum TestMode
{
    Fast,
    VerySlow,
}

[Node("TestChoice", Category = "test")]
public sealed class TestChoice : INode
{
    public string Execute(TestMode mode = TestMode.Fast, [Combo("red", "green", "blue")] string color = "red", [Float(Min = 0, Max = 1, Step = 0.05)] double strength = 0.5)
        => $"{mode}/{color}/{strength}";
}

[Node("TestOutput", Category = "test", OutputNode = true)]
public sealed class TestOutput : INode
{
    public UiOutput Execute(object value) => new UiOutput().Add("value", new System.Text.Json.Nodes.JsonArray(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>Counts to <c>steps</c>, reporting progress at each step (a cancellation point), then passes its value on.</summary>
[Node("TestSteps", Category = "test")]
public sealed class TestSteps : INode
{
    public long Execute(NodeContext context, long value, [Int(Min = 1, Max = 1000)] long steps = 10)
    {
        for (long i = 1; i <= steps; i++)
            context.ReportProgress(i, steps);
        return value;
    }
}

[Node("TestThrows", Category = "test")]
public sealed class TestThrows : INode
{
    public long Execute(long value) => throw new InvalidOperationException($"cannot handle {value}");
}

/// <summary>A node with its own input check: the number must be even.</summary>
[Node("TestEven", Category = "test")]
public sealed class TestEven : INode, IValidateInputs
{
    public long Execute([Int(Min = 0, Max = 10)] long number = 0) => number;

    public IReadOnlyCollection<string> ValidatedInputs => [];

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        if (literals.Contains("number") && literals.Get<long>("number") % 2 != 0)
            yield return new InputProblem("number", "must be even");
    }
}

/// <summary>Says its output may change every time (ComfyUI's IS_CHANGED returning NaN).</summary>
[Node("TestVolatile", Category = "test")]
public sealed class TestVolatile : INode, IFingerprint
{
    public long Execute(long value = 0) => value;

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) => Fingerprint.Rerun;
}

[Node("TestUnique", Category = "test", NotIdempotent = true)]
public sealed class TestUnique : INode
{
    public long Execute(long value = 0) => value;
}

/// <summary>A value that owns "memory" of a given size and records its disposal, found again by its tag.</summary>
[SocketType("BLOB")]
public sealed class Blob(string tag, long bytes) : IDisposable, IMemoryFootprint
{
    private static readonly ConcurrentDictionary<string, Blob> Made = new();

    public string Tag { get; } = tag;
    public bool IsDisposed { get; private set; }
    public long HostBytes { get; } = bytes;
    public long DeviceBytes => 0;

    public static Blob Make(string tag, long bytes) => Made[tag] = new Blob(tag, bytes);

    public static Blob Find(string tag) => Made[tag];

    public void Dispose() => IsDisposed = true;
}

[Node("TestBlob", Category = "test")]
public sealed class TestBlob : INode
{
    public Blob Execute(string tag, long bytes = 100) => Blob.Make(tag, bytes);
}

/// <summary>Uses a blob, which must not have been disposed while a prompt still needs it.</summary>
[Node("TestBlobOutput", Category = "test", OutputNode = true)]
public sealed class TestBlobOutput : INode
{
    public UiOutput Execute(Blob blob, string label = "") => blob.IsDisposed
        ? throw new ObjectDisposedException(blob.Tag)
        : new UiOutput().Add("value", new System.Text.Json.Nodes.JsonArray(blob.Tag + label));
}

/// <summary>Two outputs from one record: the sum and the product.</summary>
[Node("TestSumProduct", Category = "test")]
public sealed class TestSumProduct : INode
{
    public sealed record Result(long Sum, long Product) : INodeOutputs;

    public Result Execute(long a, long b) => new(a + b, a * b);
}

[Node("TestSeed", Category = "test")]
public sealed class TestSeed : INode
{
    public ulong Execute([Seed] ulong seed = 0) => seed;
}

/// <summary>A list output (OUTPUT_IS_LIST): <c>count</c> numbers from <c>start</c>.</summary>
[Node("TestRange", Category = "test")]
public sealed class TestRange : INode
{
    public IReadOnlyList<long> Execute(long start = 0, [Int(Min = 0, Max = 1_000_000_000)] long count = 3) =>
        Enumerable.Range(0, (int)count).Select(i => start + i).ToArray();
}

/// <summary>Takes whole lists (INPUT_IS_LIST): shows how many values each list had and what they were.</summary>
[Node("TestJoin", Category = "test", InputIsList = true)]
public sealed class TestJoin : INode
{
    public string Execute(IReadOnlyList<long> values, IReadOnlyList<string> separator) =>
        $"{values.Count} values, {separator.Count} separator: " + string.Join(separator[0], values);
}

/// <summary>Picks one of two lazy inputs; only the picked one is evaluated.</summary>
[Node("TestSwitch", Category = "test")]
public sealed class TestSwitch : INode, ILazyInputs
{
    public object Execute(bool pick, [Input(Lazy = true)] object onTrue, [Input(Lazy = true)] object onFalse) => pick ? onTrue : onFalse;

    public IEnumerable<string> InputsNeeded(InputValues evaluated) => [evaluated.Get<bool>("pick") ? "on_true" : "on_false"];
}

/// <summary>Asks for <c>first</c>, and only when it is positive, in a second round, for <c>second</c>.</summary>
[Node("TestTwoRounds", Category = "test")]
public sealed class TestTwoRounds : INode, ILazyInputs
{
    public long Execute([Input(Lazy = true)] long? first, [Input(Lazy = true)] long? second) => (first ?? 0) * 1000 + (second ?? -1);

    public IEnumerable<string> InputsNeeded(InputValues evaluated)
    {
        if (!evaluated.Contains("first"))
            return ["first"];
        return evaluated.Get<long>("first") > 0 ? ["second"] : [];
    }
}

/// <summary>Expands into a chain of <c>times</c> TestAdd nodes, each adding <c>step</c>: the result is value + times × step.</summary>
[Node("TestRepeatAdd", Category = "test")]
public sealed class TestRepeatAdd : INode
{
    public Expansion<long> Execute(NodeContext context, long value, [Int(Min = 0, Max = 100)] long times = 2, long step = 1)
    {
        var graph = new GraphBuilder(context);
        GraphValue current = graph.ParentInput("value");
        for (int i = 0; i < times; i++)
            current = graph.Node("TestAdd").Input("a", current).Input("b", graph.ParentInput("step")).Output(0);
        return new Expansion<long>(graph, current);
    }
}

/// <summary>
/// Expands into a chain of <c>copies</c> nodes of <c>class_type</c>, the first fed its value: a node that throws, or
/// itself (an expansion without end, which doubles at every level with two copies).
/// </summary>
[Node("TestExpandInto", Category = "test")]
public sealed class TestExpandInto : INode
{
    public Expansion<long> Execute(NodeContext context, long value, string classType = "TestThrows", [Int(Min = 1, Max = 1_000_000)] long copies = 1)
    {
        var graph = new GraphBuilder(context);
        GraphValue last = graph.ParentInput("value");
        for (int i = 0; i < copies; i++)
            last = graph.Node(classType).Input("value", last).Input("class_type", classType).Input("copies", copies).Output(0);
        return new Expansion<long>(graph, last);
    }
}

/// <summary>Names this assembly of test nodes.</summary>
public static class TestNodes;

/// <summary>Logs its value through the context's logger, whose category should name the node.</summary>
[Node("TestLogs", Category = "test")]
public sealed class TestLogs : INode
{
    public long Execute(NodeContext context, long value)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(context.Logger, "value is {Value}", value);
        return value;
    }
}
