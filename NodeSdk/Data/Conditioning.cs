using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>
/// ComfyUI's CONDITIONING: one or more entries, each a text encoder's hidden states [B, T, D] with, for models that
/// use it, a pooled embedding [B, D'], and where and when the entry applies. A sampler runs every entry and mixes the
/// predictions by their weights (ComfyUI's calc_cond_batch).
/// </summary>
[SocketType("CONDITIONING")]
public sealed class Conditioning(IReadOnlyList<ConditioningEntry> entries) : IDisposable, IMemoryFootprint
{
    public Conditioning(Tensor embeddings, Tensor? pooled = null) : this([new ConditioningEntry(embeddings, pooled)])
    {
    }

    public IReadOnlyList<ConditioningEntry> Entries { get; } = entries;

    public long HostBytes => Entries.Sum(e => TensorMemory.HostBytes(e.Embeddings, e.Pooled, e.Mask));

    public long DeviceBytes => Entries.Sum(e => TensorMemory.DeviceBytes(e.Embeddings, e.Pooled, e.Mask));

    public void Dispose()
    {
        foreach (var entry in Entries)
        {
            entry.Embeddings.Dispose();
            entry.Pooled?.Dispose();
            entry.Mask?.Dispose();
        }
    }
}

/// <summary>
/// One conditioning: the encoder's hidden states and its optional pooled output, with ComfyUI's per-entry options
/// (the keys the ConditioningSet* nodes write): by default it applies everywhere, at full weight, all along sampling.
/// </summary>
public sealed record ConditioningEntry(Tensor Embeddings, Tensor? Pooled)
{
    /// <summary>'area': the part of the latent the entry is sampled on; null for all of it.</summary>
    public ConditioningArea? Area { get; init; }

    /// <summary>'strength': the weight of the entry's prediction where it applies.</summary>
    public double Strength { get; init; } = 1.0;

    /// <summary>'mask': [B, H, W] weights in [0, 1] of any size (resized to the latent when sampling); null for none.</summary>
    public Tensor? Mask { get; init; }

    /// <summary>'mask_strength': the factor on <see cref="Mask"/>.</summary>
    public double MaskStrength { get; init; } = 1.0;

    /// <summary>'set_area_to_bounds': sample only the box around the mask's nonzero cells (ConditioningSetMask's "mask bounds").</summary>
    public bool SetAreaToBounds { get; init; }

    /// <summary>'start_percent': the fraction of sampling at which the entry starts to apply; null from the start.</summary>
    public double? StartPercent { get; init; }

    /// <summary>'end_percent': the fraction of sampling after which the entry no longer applies; null to the end.</summary>
    public double? EndPercent { get; init; }

    /// <summary>Whether this entry is a plain prompt: no area, mask, strength or step range.</summary>
    public bool IsPlain => Area is null && Strength == 1.0 && Mask is null && StartPercent is null && EndPercent is null;

    /// <summary>
    /// A copy with these options whose tensors are new handles on the same memory (so the copy and this entry are
    /// disposed apart, as two values must be), or the tensors given instead, which the copy then owns.
    /// </summary>
    public ConditioningEntry Share(Tensor? embeddings = null, Tensor? pooled = null, Tensor? mask = null) => this with
    {
        Embeddings = embeddings ?? Embeddings.alias(),
        Pooled = pooled ?? Pooled?.alias(),
        Mask = mask ?? Mask?.alias(),
    };
}
