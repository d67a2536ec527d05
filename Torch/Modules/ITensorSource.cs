using System.Diagnostics.CodeAnalysis;

namespace Workflow.Torch.Modules;

/// <summary>
/// Named tensors a module loads from: a state dict in memory, a safetensors file, or an adapter that renames
/// keys. <see cref="CopyTo"/> writes straight into the destination, so a source never needs a second copy.
/// </summary>
public interface ITensorSource
{
    IEnumerable<string> Keys { get; }

    bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape);

    /// <summary>Copies the tensor named <paramref name="key"/> into <paramref name="destination"/>, converting dtype and device.</summary>
    void CopyTo(string key, Tensor destination);
}

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
