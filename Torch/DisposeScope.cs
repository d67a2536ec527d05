namespace Workflow.Torch;

/// <summary>
/// Frees the temporaries of a block of work, as TorchSharp's dispose scopes do: while a scope is the
/// innermost one on its thread, every tensor created on that thread is registered in it, and disposing
/// the scope disposes them all, except those moved out (<see cref="MoveToOuter"/>,
/// <see cref="Tensor.MoveToOuterDisposeScope"/>) or detached (<see cref="Detach"/>). Scopes nest.
/// <code>
/// using var scope = torch.NewDisposeScope();
/// var h = F.silu(norm.Forward(x));
/// return (x + h).MoveToOuterDisposeScope();
/// </code>
/// A scope is not thread-safe: use it from the thread that created it.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static ScopeStack? t_stack;

    private readonly ScopeStack _stack;
    private readonly List<Tensor> _tensors = [];
    private DisposeScope? _outer;
    private DisposeScope? _inner;
    private bool _disposed;

    internal DisposeScope()
    {
        _stack = t_stack ??= new ScopeStack();
        _outer = _stack.Innermost;
        if (_outer is not null)
            _outer._inner = this;
        _stack.Innermost = this;
    }

    /// <summary>The scope new tensors of this thread go to, if any.</summary>
    public static DisposeScope? Current => t_stack?.Innermost;

    /// <summary>How many tensors this scope will dispose.</summary>
    public int Count => _tensors.Count;

    /// <summary>The scope this one is nested in; tensors moved out go there (or become unowned at the outermost).</summary>
    public DisposeScope? Outer => _outer;

    /// <summary>Moves <paramref name="tensor"/> to the scope around this one; returns it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        tensor.Scope?.Remove(tensor);
        _outer?.Add(tensor);
        return tensor;
    }

    /// <summary>Takes <paramref name="tensor"/> out of every scope: the caller disposes it; returns it.</summary>
    public Tensor Detach(Tensor tensor)
    {
        tensor.Scope?.Remove(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor still registered here and ends the scope.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Unlink();
        foreach (var tensor in _tensors)
        {
            tensor.Scope = null;
            tensor.Dispose();
        }
        _tensors.Clear();
    }

    internal static void Register(Tensor tensor) => t_stack?.Innermost?.Add(tensor);

    internal void Add(Tensor tensor)
    {
        tensor.Scope = this;
        tensor.ScopeIndex = _tensors.Count;
        _tensors.Add(tensor);
    }

    /// <summary>O(1): the last tensor takes the removed one's slot.</summary>
    internal void Remove(Tensor tensor)
    {
        var last = _tensors[^1];
        _tensors[tensor.ScopeIndex] = last;
        last.ScopeIndex = tensor.ScopeIndex;
        _tensors.RemoveAt(_tensors.Count - 1);
        tensor.Scope = null;
    }

    /// <summary>Leaves the chain even when disposed out of order, so no scope keeps pointing at this one.</summary>
    private void Unlink()
    {
        if (_inner is not null)
            _inner._outer = _outer;
        if (_outer is not null)
            _outer._inner = _inner;
        if (_stack.Innermost == this)
            _stack.Innermost = _outer;
    }

    private sealed class ScopeStack
    {
        public DisposeScope? Innermost;
    }
}
