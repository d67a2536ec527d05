using System.Diagnostics;
using Workflow.NodeSdk;

namespace SlowNodes;

/// <summary>
/// Kills the process it runs in (SIGKILL, as the kernel's OOM killer or a native crash would end it) and so never
/// returns: the prompt that holds it takes its server down each time it is run.
/// </summary>
[Node("TestKillServer", Category = "test")]
public sealed class TestKillServer : INode
{
    public long Execute(NodeContext context, long value)
    {
        using var self = Process.GetCurrentProcess();
        self.Kill();
        self.WaitForExit();
        return value;
    }
}
