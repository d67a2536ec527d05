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
