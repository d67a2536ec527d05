using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A checkpoint saved in shards (transformers' and diffusers' <c>*.safetensors.index.json</c>, whose weight_map names
/// the shard of every tensor, e.g. SD3's T5-XXL in model-00001-of-00002.safetensors …), seen as one tensor file.
/// Shards must sit in the index's folder; every tensor is read from the shard the map names.
/// </summary>
public sealed class ShardedTensorFile : ITensorFile
{
    private readonly Dictionary<string, ITensorFile> _shardOf;
    private readonly List<ITensorFile> _shards;

    private ShardedTensorFile(string path, Dictionary<string, ITensorFile> shardOf, List<ITensorFile> shards) =>
        (Path, _shardOf, _shards) = (path, shardOf, shards);

    public string Path { get; }

    /// <summary>An index lists every tensor's name once: T5-XXL's is 20 KB, the largest models' a few MB.</summary>
    public const int MaxIndexBytes = 16 << 20;

    public static bool IsIndex(string path) => path.EndsWith(".index.json", StringComparison.Ordinal);

    public static ShardedTensorFile Open(string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var index = JsonDocument.Parse(RegularFile.ReadAllText(indexPath, MaxIndexBytes));
            weightMap = index.RootElement.GetProperty("weight_map").Deserialize<Dictionary<string, string>>()
                ?? throw new InvalidDataException($"{indexPath}: weight_map is null");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{indexPath} is not a sharded checkpoint index: {ex.Message}", ex);
        }
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, ITensorFile>(StringComparer.Ordinal);
        try
        {
            foreach (var name in weightMap.Values.Distinct())
            {
                var shardPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, name));
                if (System.IO.Path.GetDirectoryName(shardPath) != folder)
                    throw new InvalidDataException($"{indexPath}: shard '{name}' is not in the index's folder");
                shards[name] = TensorFile.Open(shardPath);
            }
            var shardOf = new Dictionary<string, ITensorFile>(StringComparer.Ordinal);
            foreach (var (key, name) in weightMap)
                shardOf[key] = shards[name].Contains(key) ? shards[name] : throw new InvalidDataException($"{indexPath}: {name} has no tensor {key}, which the index places there");
            return new ShardedTensorFile(indexPath, shardOf, [.. shards.Values]);
        }
        catch
        {
            foreach (var shard in shards.Values)
                shard.Dispose();
            throw;
        }
    }

    public IEnumerable<string> Keys => _shardOf.Keys;

    public IReadOnlyList<TensorEntry> Entries => [.. _shards.SelectMany(shard => shard.Entries.Where(e => _shardOf.GetValueOrDefault(e.Name) == shard))];

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = null;
        return _shardOf.TryGetValue(key, out var shard) && shard.TryGetShape(key, out shape);
    }

    public void CopyTo(string key, Tensor destination) => _shardOf[key].CopyTo(key, destination);

    public bool TryShare(string key, Tensor destination) => _shardOf[key].TryShare(key, destination);

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null) =>
        _shardOf.TryGetValue(name, out var shard) ? shard.Load(name, dtype, device) : throw new KeyNotFoundException($"{Path} has no tensor '{name}'");

    public void Dispose()
    {
        foreach (var shard in _shards)
            shard.Dispose();
    }
}
