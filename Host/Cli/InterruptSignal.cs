using System.Runtime.InteropServices;

namespace Workflow.Host.Cli;

/// <summary>
/// Ctrl+C as a .NET developer expects it: the first SIGINT cancels the command's token, so a run stops at its next
/// node or progress step, says what finished and exits 130; a second one is left to the default action and kills
/// the process, for a node stuck inside one native call. System.CommandLine's own handler is not used: it exits
/// after a fixed timeout, which would cut a cooperative stop short.
/// </summary>
public sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration _registration;
    private int _signals;

    public InterruptSignal() => _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

    /// <summary>Cancelled at the first Ctrl+C.</summary>
    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
            return;   // not cancelled: the runtime ends the process as SIGINT does by default
        context.Cancel = true;
        Console.Error.WriteLine("interrupting: stopping at the next node or progress step (Ctrl+C again kills)");
        _cancellation.Cancel();
    }
}
