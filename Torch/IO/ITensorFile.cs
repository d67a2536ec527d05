using Workflow.Torch.Modules;

namespace Workflow.Torch.IO;

/// <summary>
/// An open file of named tensors seen as a state dict, whatever its format (safetensors, a PyTorch checkpoint):
/// the names with their dtypes and shapes, and each tensor read on demand straight from the mapped file.
/// <see cref="TensorFile.Open"/> picks the reader from the file's content.
/// </summary>
public interface ITensorFile : ITensorSource, IDisposable
{
    string Path { get; }

    /// <summary>Every tensor, in the file's order.</summary>
    IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>A new tensor holding <paramref name="name"/>, converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    Tensor Load(string name, ScalarType? dtype = null, Device? device = null);

    bool Contains(string name) => TryGetShape(name, out _);

    /// <summary>The shape of <paramref name="name"/>, which must be in the file.</summary>
    long[] Shape(string name) => TryGetShape(name, out var shape) ? shape : throw new KeyNotFoundException($"{Path} has no tensor '{name}'");
}
