namespace Workflow.Torch.Modules;

/// <summary>
/// Replacement weights that <see cref="Linear"/> and <see cref="Convolution"/> modules use in place of their own, for
/// the calls made on the current async flow while a scope is open (LoRA-patched weights, as ComfyUI's low-VRAM path
/// patches each weight when its layer runs). The modules' own weights are never written, so modules shared by several
/// models, or used by another flow at the same time, are not affected. Scopes nest: an inner scope's replacement wins.
/// </summary>
public static class WeightOverrides
{
    private static readonly AsyncLocal<IReadOnlyDictionary<Tensor, Tensor>?> Current = new();

    /// <summary>
    /// Uses each value in place of its key (a module's weight, compared by reference) until the returned scope is
    /// disposed. The caller keeps ownership of the tensors and must keep them alive until then.
    /// </summary>
    public static IDisposable Use(IReadOnlyDictionary<Tensor, Tensor> replacements)
    {
        var outer = Current.Value;
        var merged = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (weight, replacement) in (outer ?? new Dictionary<Tensor, Tensor>()).Concat(replacements))
            merged[weight] = replacement;
        Current.Value = merged;
        return new Scope(outer);
    }

    /// <summary>The tensor a module computes with in place of <paramref name="weight"/>: its replacement, or itself.</summary>
    public static Tensor Resolve(Tensor weight) =>
        Current.Value is { } replacements && replacements.TryGetValue(weight, out var replacement) ? replacement : weight;

    private sealed class Scope(IReadOnlyDictionary<Tensor, Tensor>? outer) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            Current.Value = outer;
        }
    }
}
