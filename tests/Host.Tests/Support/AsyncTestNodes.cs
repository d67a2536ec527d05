using System.Text.Json.Nodes;
using Workflow.NodeSdk;

namespace Workflow.Host.Tests.Support;

// Async nodes: results awaited by the host, and a CancellationToken parameter that is the prompt's cancellation.

/// <summary>Awaits real asynchronous work (a timer) before answering, as a loader awaiting a read would.</summary>
[Node("TestAsyncDouble", Category = "test")]
public sealed class TestAsyncDouble : INode
{
    public async Task<long> Execute(long value, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation);
        return value * 2;
    }
}

[Node("TestValueTaskText", Category = "test")]
public sealed class TestValueTaskText : INode
{
    public async ValueTask<string> Execute(long value, string prefix = "n=")
    {
        await Task.Yield();
        return prefix + value;
    }
}

/// <summary>An async output node: its UI result arrives through a Task.</summary>
[Node("TestAsyncOutput", Category = "test", OutputNode = true)]
public sealed class TestAsyncOutput : INode
{
    public async Task<UiOutput> Execute(string text)
    {
        await Task.Yield();
        return new UiOutput().Add("value", new JsonArray(text));
    }
}

/// <summary>Reports step 1 of 2, then waits on its CancellationToken for ever: only the prompt's interruption ends it.</summary>
[Node("TestAwaitCancellation", Category = "test")]
public sealed class TestAwaitCancellation : INode
{
    public async Task<long> Execute(NodeContext context, long value, CancellationToken cancellation)
    {
        context.ReportProgress(1, 2);
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellation);
        return value;
    }
}
