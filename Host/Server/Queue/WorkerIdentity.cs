namespace Workflow.Host.Server.Queue;

/// <summary>Who holds a claim: unique per server process, readable in the store (machine, process id, a random suffix).</summary>
public sealed record WorkerIdentity(string Id)
{
    public static WorkerIdentity ForThisProcess() => new($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
}
