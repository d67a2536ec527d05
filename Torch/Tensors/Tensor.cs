using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>
/// A libtorch tensor. The object owns one native handle and frees it on <see cref="Dispose"/>, or when the
/// <see cref="DisposeScope"/> it was created in ends; the finalizer is only a safety net. Operations are
/// named as in PyTorch (<c>x.view(...)</c>, <c>x.softmax(-1)</c>) and never record autograd history.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private nint _handle;

    internal Tensor(nint handle)
    {
        _handle = handle;
        DisposeScope.Register(this);
    }

    ~Tensor() => Free();

    /// <summary>Native tensors alive in this process (created and not yet freed), for leak checks.</summary>
    public static long LiveCount => Native.wt_live_tensors();

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    public DisposeScope? Scope { get; internal set; }

    internal int ScopeIndex { get; set; }

    public bool IsDisposed => _handle == 0;

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Tensor));

    /// <summary>Wraps a handle a native call returned; a null handle means the call failed.</summary>
    internal static Tensor From(nint handle) => new(TorchException.ThrowIfNull(handle));

    /// <summary>Moves this tensor to the scope around its current one (or out of scopes at the outermost); returns it.</summary>
    public Tensor MoveToOuterDisposeScope() => Scope is { } scope ? scope.MoveToOuter(this) : this;

    /// <summary>Takes this tensor out of its scope: the caller disposes it; returns it.</summary>
    public Tensor DetachFromDisposeScope() => Scope is { } scope ? scope.Detach(this) : this;

    public void Dispose()
    {
        Scope?.Remove(this);
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes this object refer to <paramref name="source"/>'s data (which stays valid on its own).</summary>
    internal void Assign(Tensor source)
    {
        TorchException.ThrowIfFailed(Native.wt_assign(Handle, source.Handle));
        GC.KeepAlive(source);
    }

    public override string ToString() => IsDisposed
        ? "tensor(disposed)"
        : $"tensor(shape=[{string.Join(", ", shape)}], dtype={dtype.ToTorchString()}, device={device})";

    private void Free()
    {
        if (_handle == 0)
            return;
        Native.wt_free(_handle);
        _handle = 0;
    }

    // Calls into the shim through these helpers keep `this` and the tensor arguments reachable until the
    // native call returns, so the finalizer cannot free a handle that is in use.

    private Tensor Apply(delegate*<nint, nint> op)
    {
        var result = op(Handle);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Apply(delegate*<nint, nint, nint> op, Tensor other)
    {
        var result = op(Handle, other.Handle);
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return From(result);
    }

    private Tensor Apply(delegate*<nint, Scalar, nint> op, Scalar value)
    {
        var result = op(Handle, value);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Apply(delegate*<nint, long, nint> op, long value)
    {
        var result = op(Handle, value);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Apply(delegate*<nint, long*, int, nint> op, ReadOnlySpan<long> values)
    {
        nint result;
        fixed (long* p = values)
            result = op(Handle, p, values.Length);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor InPlace(delegate*<nint, int> op)
    {
        TorchException.ThrowIfFailed(op(Handle));
        return this;
    }

    private Tensor InPlace(delegate*<nint, nint, int> op, Tensor other)
    {
        TorchException.ThrowIfFailed(op(Handle, other.Handle));
        GC.KeepAlive(other);
        return this;
    }

    private Tensor InPlace(delegate*<nint, Scalar, int> op, Scalar value)
    {
        TorchException.ThrowIfFailed(op(Handle, value));
        return this;
    }
}
