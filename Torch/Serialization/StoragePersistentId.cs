using System.Text;
using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// The persistent id torch.save writes for a storage (torch/serialization.py, persistent_id): ('storage',
/// storage_type, key, location, numel) in the zip format, plus view_metadata (view_key, offset, size) or None in the
/// legacy format. numel counts elements of the storage type's dtype (bytes for UntypedStorage).
/// </summary>
internal sealed record StoragePersistentId(ScalarType Dtype, string Key, string Location, long Numel, StorageView? View)
{
    public static StoragePersistentId Parse(object? pid, int fields)
    {
        if (pid is PickleTuple { Count: > 0 } saved && Text(saved[0]) == "module")
            throw new PickleError("a whole nn.Module was saved (torch.save(model)), whose class only its source code can rebuild: " +
                                  "only state dicts and tensors are read (save model.state_dict() instead)");
        if (pid is not PickleTuple tuple || tuple.Count == 0 || Text(tuple[0]) != "storage")
            throw new PickleError($"a persistent id must be a ('storage', ...) tuple, this is a {PickleValues.TypeName(pid)}" +
                                  (pid is PickleTuple { Count: > 0 } t ? $" starting with a {PickleValues.TypeName(t[0])}" : ""));
        if (tuple.Count != fields)
            throw new PickleError($"a storage persistent id has {tuple.Count} fields, this format writes {fields}");
        var dtype = tuple[1] switch
        {
            PickleGlobal { Kind: GlobalKind.StorageType, Dtype: ScalarType typed } => typed,
            PickleGlobal { Kind: GlobalKind.UntypedStorageType } => ScalarType.UInt8,
            var other => throw new PickleError($"a storage persistent id names a {PickleValues.TypeName(other)} as storage type"),
        };
        var key = Text(tuple[2]) ?? throw new PickleError($"a storage key is a {PickleValues.TypeName(tuple[2])}, not a str");
        var location = Text(tuple[3]) ?? throw new PickleError($"a storage location is a {PickleValues.TypeName(tuple[3])}, not a str");
        var numel = Count(tuple[4], $"storage '{key}' size");
        if (numel > long.MaxValue / dtype.ElementSize())
            throw new PickleError($"storage '{key}' declares {numel} elements, more than any file holds");
        return new StoragePersistentId(dtype, key, location, numel, fields > 5 ? StorageView.Parse(tuple[5], key) : null);
    }

    /// <summary>A str, or bytes as Python 2 wrote them (torch's _maybe_decode_ascii).</summary>
    public static string? Text(object? value) => value switch
    {
        string s => s,
        byte[] bytes when bytes.All(b => b < 0x80) => Encoding.ASCII.GetString(bytes),
        _ => null,
    };

    public static long Count(object? value, string what) =>
        PickleValues.TryGetInt64(value, out var count) && count >= 0 ? count : throw new PickleError($"{what} is {value ?? "None"}, not a count");
}

/// <summary>A legacy-format storage view: <see cref="Size"/> elements from <see cref="Offset"/> of the root storage, known as <see cref="Key"/>.</summary>
internal sealed record StorageView(string Key, long Offset, long Size)
{
    public static StorageView? Parse(object? metadata, string rootKey)
    {
        if (metadata is null)
            return null;
        if (metadata is not PickleTuple { Count: 3 } view || StoragePersistentId.Text(view[0]) is not string key)
            throw new PickleError($"storage '{rootKey}' has view metadata of type {PickleValues.TypeName(metadata)}, not (key, offset, size)");
        return new StorageView(key, StoragePersistentId.Count(view[1], $"view '{key}' offset"), StoragePersistentId.Count(view[2], $"view '{key}' size"));
    }
}
