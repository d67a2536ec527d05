using Workflow.NodeSdk;

namespace Workflow.Host.Benchmarks;

// Trivial nodes for measuring the executor's own cost; registered only by the benchmark.

[Node("BenchConstant", Category = "benchmark")]
public sealed class BenchConstant : INode
{
    public long Execute(long value = 0) => value;
}

[Node("BenchRange", Category = "benchmark")]
public sealed class BenchRange : INode
{
    public IReadOnlyList<long> Execute(long count = 0) => Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray();
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
