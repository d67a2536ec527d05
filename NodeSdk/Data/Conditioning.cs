using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>
/// ComfyUI's CONDITIONING: one or more entries, each a text encoder's hidden states [B, T, D] with, for models that
/// use it, a pooled embedding [B, D'].
/// </summary>
[SocketType("CONDITIONING")]
public sealed class Conditioning(IReadOnlyList<ConditioningEntry> entries) : IDisposable, IMemoryFootprint
{
    public Conditioning(Tensor embeddings, Tensor? pooled = null) : this([new ConditioningEntry(embeddings, pooled)])
    {
    }

    public IReadOnlyList<ConditioningEntry> Entries { get; } = entries;

    public long HostBytes => Entries.Sum(e => TensorMemory.HostBytes(e.Embeddings, e.Pooled));

    public long DeviceBytes => Entries.Sum(e => TensorMemory.DeviceBytes(e.Embeddings, e.Pooled));

    public void Dispose()
    {
        foreach (var entry in Entries)
        {
            entry.Embeddings.Dispose();
            entry.Pooled?.Dispose();
        }
    }
}

/// <summary>One conditioning: the encoder's hidden states and its optional pooled output.</summary>
public sealed record ConditioningEntry(Tensor Embeddings, Tensor? Pooled);
