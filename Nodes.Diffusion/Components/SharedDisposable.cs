namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// A disposable that several cached values use at once (a checkpoint's UNet, held by its MODEL and by every MODEL
/// patched from it; an IP-Adapter's weights, held by its IPADAPTER and the patches made from it). Each holder has a
/// lease; the value is disposed when the last lease is released, whichever holder the cache evicts first.
/// </summary>
public sealed class SharedDisposable<T>(T value) where T : IDisposable
{
    private int _leases = 1;

    public T Value => value;

    /// <summary>One more holder; the first lease is the creator's.</summary>
    public SharedDisposable<T> Lease()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _leases);
            ObjectDisposedException.ThrowIf(current == 0, typeof(T));
        }
        while (Interlocked.CompareExchange(ref _leases, current + 1, current) != current);
        return this;
    }

    /// <summary>Called once per lease by its holder.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
            value.Dispose();
    }
}
