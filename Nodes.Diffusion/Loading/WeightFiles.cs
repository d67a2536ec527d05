using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The weights of one model: a tensor file, or the shards diffusers saves past its shard size, where
/// <c>&lt;weights&gt;.index.json</c> maps every key to the file beside it that holds it (<c>weight_map</c>). Each shard is
/// opened once; a key the index maps to a file that lacks it, or a shard outside the folder, is refused naming both.
/// </summary>
public sealed class WeightFiles : ITensorSource, IDisposable
{
    private readonly Dictionary<string, ITensorFile> _fileByKey = new(StringComparer.Ordinal);
    private readonly List<ITensorFile> _files = [];

    private WeightFiles()
    {
    }

    /// <summary>A tensor file (any format <see cref="TensorFile.Open"/> reads), or the shards an .index.json lists.</summary>
    public static WeightFiles Open(string path)
    {
        var weights = new WeightFiles();
        if (path.EndsWith(".index.json", StringComparison.Ordinal))
            return weights.AddShards(path);
        var file = TensorFile.Open(path);
        weights._files.Add(file);
        foreach (var key in file.Keys)
            weights._fileByKey[key] = file;
        return weights;
    }

    private WeightFiles AddShards(string indexPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        try
        {
            var shards = new Dictionary<string, ITensorFile>(StringComparer.Ordinal);
            foreach (var (key, shard) in WeightMap(indexPath))
            {
                if (!shards.TryGetValue(shard, out var file))
                {
                    file = TensorFile.Open(ShardPath(folder, shard, indexPath));
                    shards[shard] = file;
                    _files.Add(file);
                }
                _fileByKey[key] = file.Contains(key) ? file : throw new InvalidDataException($"{indexPath} maps {key} to {shard}, which does not hold it.");
            }
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IEnumerable<string> Keys => _fileByKey.Keys;

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = null;
        return _fileByKey.TryGetValue(key, out var file) && file.TryGetShape(key, out shape);
    }

    public void CopyTo(string key, Tensor destination) => _fileByKey[key].CopyTo(key, destination);

    public bool TryShare(string key, Tensor destination) => _fileByKey[key].TryShare(key, destination);

    public void Dispose() => _files.ForEach(f => f.Dispose());

    private static IEnumerable<(string Key, string Shard)> WeightMap(string indexPath)
    {
        using var document = JsonDocument.Parse(RegularFile.ReadAllText(indexPath, DiffusersFolder.MaxConfigBytes * 16));
        if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{indexPath} has no weight_map object.");
        return map.EnumerateObject().Select(e => e.Value.ValueKind == JsonValueKind.String
            ? (e.Name, e.Value.GetString()!)
            : throw new InvalidDataException($"{indexPath}: weight_map.{e.Name} is not a file name.")).ToList();
    }

    private static string ShardPath(string folder, string shard, string indexPath)
    {
        var path = Path.GetFullPath(Path.Combine(folder, shard));
        return Path.GetDirectoryName(path) == folder ? path : throw new InvalidDataException($"{indexPath}: shard '{shard}' is not a file beside the index.");
    }
}
