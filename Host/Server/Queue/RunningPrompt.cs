using Workflow.Host.Server.Messages;

namespace Workflow.Host.Server.Queue;

/// <summary>The prompt this server is running, if any: what /interrupt cancels and what a reconnecting client is told.</summary>
public sealed class RunningPrompt
{
    private readonly object _gate = new();
    private (string PromptId, PromptReporter Reporter, CancellationTokenSource Interrupt)? _current;

    public CancellationTokenSource Begin(string promptId, PromptReporter reporter, CancellationToken stopping)
    {
        var interrupt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_gate) _current = (promptId, reporter, interrupt);
        return interrupt;
    }

    public void End()
    {
        lock (_gate) _current = null;
    }

    public string? PromptId
    {
        get { lock (_gate) return _current?.PromptId; }
    }

    /// <summary>Interrupts the running prompt, or only the given one if that one is running; true if something was interrupted.</summary>
    public bool Interrupt(string? promptId)
    {
        lock (_gate)
        {
            if (_current is not { } current || (promptId is not null && promptId != current.PromptId))
                return false;
            current.Interrupt.Cancel();
            return true;
        }
    }

    /// <summary>The node the given client's prompt is at, when this server is running that client's prompt.</summary>
    public string? NodeFor(string clientId)
    {
        lock (_gate)
            return _current is { } current && current.Reporter.ClientId == clientId ? current.Reporter.CurrentNode : null;
    }
}
