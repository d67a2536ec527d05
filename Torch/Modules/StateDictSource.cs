using System.Diagnostics.CodeAnalysis;

namespace Workflow.Torch.Modules;

/// <summary>A state dict held in memory as an <see cref="ITensorSource"/>.</summary>
public sealed class StateDictSource(IReadOnlyDictionary<string, Tensor> tensors) : ITensorSource
{
    public IEnumerable<string> Keys => tensors.Keys;

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = tensors.TryGetValue(key, out var tensor) ? tensor.shape : null;
        return shape is not null;
    }

    public void CopyTo(string key, Tensor destination) => destination.copy_(tensors[key]);
}
