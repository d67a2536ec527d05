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

    /// <summary>
    /// Makes <paramref name="destination"/> (same shape) refer to the source's own memory for <paramref name="key"/>
    /// instead of copying, where that needs no conversion: a mapped file's tensor of the destination's dtype, for
    /// a CPU destination (see <see cref="IO.SafeTensorsFile"/>). False, with nothing changed, where the caller must
    /// copy. The destination's other references (views taken of it before) keep its old memory, as after
    /// <see cref="Module"/>'s conversions.
    /// </summary>
    bool TryShare(string key, Tensor destination) => false;
}
