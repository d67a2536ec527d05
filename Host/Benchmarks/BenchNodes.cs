using Workflow.NodeSdk;

namespace Workflow.Host.Benchmarks;

// Trivial nodes for measuring the executor's own cost; registered only by the benchmark.

[Node("BenchConstant", Category = "benchmark")]
public sealed class BenchConstant : INode
{
    public long Execute(long value = 0) => value;
}

[Node("BenchIncrement", Category = "benchmark")]
public sealed class BenchIncrement : INode
{
    public long Execute(long value) => value + 1;
}

[Node("BenchSink", Category = "benchmark", OutputNode = true)]
public sealed class BenchSink : INode
{
    public UiOutput Execute(long value) => new UiOutput().Add("value", value);
}
