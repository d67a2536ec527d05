namespace Workflow.Host.Server.Queue;

/// <summary>What the request side tells the worker: a prompt was queued here (look now), and /free asked to drop the cache.</summary>
public sealed class QueueSignals
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _freeRequested;

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken; one wake-up covers any number of new prompts
        }
    }

    /// <summary>Waits for a wake-up or the poll interval, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan pollInterval, CancellationToken cancellation) => _wake.WaitAsync(pollInterval, cancellation);

    public void RequestFree()
    {
        Interlocked.Exchange(ref _freeRequested, 1);
        Wake();
    }

    /// <summary>True once per /free request.</summary>
    public bool TakeFreeRequest() => Interlocked.Exchange(ref _freeRequested, 0) == 1;
}
