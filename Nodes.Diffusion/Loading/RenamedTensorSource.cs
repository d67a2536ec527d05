using System.Diagnostics.CodeAnalysis;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The tensors of a single-file checkpoint under one prefix, seen by their diffusers names: each file key is renamed
/// by a map, and weights whose layout differs (the VAE's 1x1-conv attention) are reshaped while copying.
/// Tensors go straight from the mapped file into the parameters, or become views of it (<see cref="TryShare"/>).
/// </summary>
public sealed class RenamedTensorSource : ITensorSource
{
    private readonly ITensorFile _file;
    private readonly Dictionary<string, string> _fileKeyByName = new(StringComparer.Ordinal);
    private readonly Func<string, bool> _dropsUnitDimensions;

    public RenamedTensorSource(ITensorFile file, string prefix, Func<string, string?> rename, Func<string, bool>? dropsUnitDimensions = null)
    {
        _file = file;
        _dropsUnitDimensions = dropsUnitDimensions ?? (_ => false);
        foreach (var key in file.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = rename(key[prefix.Length..]) ?? throw new InvalidDataException($"{file.Path}: key {key} has no place in the model");
            if (!_fileKeyByName.TryAdd(name, key))
                throw new InvalidDataException($"{file.Path}: keys {_fileKeyByName[name]} and {key} both map to {name}");
        }
    }

    public IEnumerable<string> Keys => _fileKeyByName.Keys;

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = _fileKeyByName.TryGetValue(key, out var fileKey) && _file.TryGetShape(fileKey, out var fileShape) ? Reshaped(key, fileShape) : null;
        return shape is not null;
    }

    public void CopyTo(string key, Tensor destination)
    {
        var fileKey = _fileKeyByName[key];
        if (!_dropsUnitDimensions(key) || !_file.TryGetShape(fileKey, out var fileShape))
        {
            _file.CopyTo(fileKey, destination);
            return;
        }
        using var view = destination.view(fileShape);
        _file.CopyTo(fileKey, view);
    }

    /// <summary>Shares the file's tensor where the file can (<see cref="ITensorSource.TryShare"/>); a reshaped one in the module's shape.</summary>
    public bool TryShare(string key, Tensor destination) => _file.TryShare(_fileKeyByName[key], destination);

    private long[] Reshaped(string key, IReadOnlyList<long> shape) =>
        _dropsUnitDimensions(key) ? shape.Where((size, i) => i < 2 || size != 1).ToArray() : [.. shape];
}
