using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>
/// A CPU random generator (torch.Generator): the same seed gives the same stream as
/// <c>torch.Generator().manual_seed(seed)</c> in PyTorch. Pass it to <see cref="torch.randn(ReadOnlySpan{long}, Generator?, ScalarType?, Device?)"/>.
/// </summary>
public sealed class Generator : IDisposable
{
    /// <summary>PyTorch's seed for a generator nobody seeded (c10::detail default_rng_seed_val).</summary>
    public const long DefaultSeed = 67280421310721;

    private nint _handle;

    public Generator(long seed = DefaultSeed) =>
        _handle = TorchException.ThrowIfNull(Native.wt_generator_new(unchecked((ulong)seed)));

    ~Generator() => Free();

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Generator));

    /// <summary>Reseeds this generator and returns it, as PyTorch's <c>Generator.manual_seed</c>.</summary>
    public Generator manual_seed(long seed)
    {
        TorchException.ThrowIfFailed(Native.wt_generator_manual_seed(Handle, unchecked((ulong)seed)));
        return this;
    }

    public long initial_seed() => unchecked((long)Native.wt_generator_initial_seed(Handle));

    /// <summary>
    /// The generator's whole state as a uint8 CPU tensor (PyTorch's <c>Generator.get_state</c>, in its layout): restoring
    /// it with <see cref="set_state"/> continues the stream exactly where it was, here or in PyTorch of the same version.
    /// </summary>
    public Tensor get_state()
    {
        var state = Tensor.From(Native.wt_generator_get_state(Handle));
        GC.KeepAlive(this);
        return state;
    }

    /// <summary>Restores a state from <see cref="get_state"/> (PyTorch's <c>Generator.set_state</c>); another dtype or size is refused.</summary>
    public Generator set_state(Tensor new_state)
    {
        TorchException.ThrowIfFailed(Native.wt_generator_set_state(Handle, new_state.Handle));
        GC.KeepAlive(new_state);
        return this;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_handle == 0)
            return;
        Native.wt_generator_free(_handle);
        _handle = 0;
    }
}
