using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A module's weights with deltas added, for the calls made while this is open: each patched weight is computed anew
/// (in float32, then cast to the weight's dtype, as ComfyUI's calculate_weight) and used in place of the module's own
/// through <see cref="WeightOverrides"/>. The shared weights are never written, so nothing needs restoring after a
/// failure or cancellation, and models sharing the module see no change.
/// </summary>
public sealed class PatchedWeights : IDisposable
{
    private static readonly PatchedWeights None = new(new Dictionary<string, Tensor>(), null);

    private readonly Dictionary<string, Tensor> _byKey;
    private readonly IDisposable? _overrides;

    private PatchedWeights(Dictionary<string, Tensor> byKey, IDisposable? overrides) => (_byKey, _overrides) = (byKey, overrides);

    /// <summary>The patched weights by key; weights no delta targets are absent.</summary>
    public IReadOnlyDictionary<string, Tensor> ByKey => _byKey;

    /// <summary>Computes the weights <paramref name="deltas"/> target (in order: several deltas on one weight add up) and uses them until disposed.</summary>
    public static PatchedWeights Apply(Module module, IReadOnlyCollection<WeightDelta> deltas)
    {
        if (deltas.Count == 0)
            return None;
        var weights = module.state_dict();
        var byKey = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var group in deltas.GroupBy(d => d.WeightKey, StringComparer.Ordinal))
                byKey[group.Key] = Patched(weights[group.Key], group);
        }
        catch
        {
            foreach (var tensor in byKey.Values)
                tensor.Dispose();
            throw;
        }
        var replacements = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (key, patched) in byKey)
            replacements[weights[key]] = patched;
        return new PatchedWeights(byKey, WeightOverrides.Use(replacements));
    }

    private static Tensor Patched(Tensor weight, IEnumerable<WeightDelta> deltas)
    {
        using var scope = torch.NewDisposeScope();
        var sum = weight.to(torch.float32, weight.device, copy: true);
        foreach (var delta in deltas)
        {
            var up = delta.Up.to(torch.float32, weight.device).flatten(1);
            var down = delta.Down.to(torch.float32, weight.device).flatten(1);
            sum = sum.add(up.mm(down).reshape(weight.shape), delta.Scale);
        }
        return sum.to(weight.dtype).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        if (_overrides is null)
            return;
        _overrides.Dispose();
        foreach (var tensor in _byKey.Values)
            tensor.Dispose();
    }
}
