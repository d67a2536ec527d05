using System.Buffers.Binary;
using System.Numerics;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// PyTorch's format before 1.6 (torch.save(..., _use_new_zipfile_serialization=False); torch/serialization.py
/// _legacy_save / _legacy_load): five pickles in a row (the magic number, the protocol version 1001, a sys_info
/// dict, the object, the sorted storage keys), then each storage in key order as an 8-byte little-endian element
/// count followed by its raw bytes. The storages are located in the mapped file, never copied.
/// </summary>
internal static unsafe class LegacyFormat
{
    private const long ProtocolVersion = 1001;
    private const int TarMagicOffset = 257;

    /// <summary>0x1950a86a20f9469cfc6c, torch.serialization.MAGIC_NUMBER.</summary>
    private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");

    public static CheckpointContent Read(MappedFile file, PickleLimits limits)
    {
        if (file.Length > TarMagicOffset + 5 && file.Span(TarMagicOffset, 5).SequenceEqual("ustar"u8))
            throw new PyTorchFileException(file.Path, "a tar archive: PyTorch's format before 0.4, which is not read here (load and re-save it with PyTorch)");
        var reader = new PickleReader(file.Start, file.Length);
        object? Header(string what) => WeightsOnlyUnpickler.Load(reader, new PickleStream(file.Path, what, limits), NoPersistentIds);
        if (Header("magic number pickle") is not BigInteger magic || magic != MagicNumber)
            throw new PyTorchFileException(file.Path, "not a PyTorch file: its first pickle is not torch.save's magic number");
        var protocol = Header("protocol version pickle");
        if (protocol is not ProtocolVersion)
            throw new PyTorchFileException(file.Path, $"legacy protocol version {protocol ?? "None"}, where PyTorch writes {ProtocolVersion}");
        RequireLittleEndian(file, Header("sys_info pickle"));
        var storages = new LegacyStorages(file);
        var root = WeightsOnlyUnpickler.Load(reader, new PickleStream(file.Path, "object pickle", limits), storages.PersistentLoad);
        var keys = Header("storage keys pickle");
        return new CheckpointContent(root, storages.Locate(keys, reader.Position));
    }

    private static object? NoPersistentIds(object? pid) => throw new PickleError("a persistent id where torch.save writes none");

    private static void RequireLittleEndian(MappedFile file, object? sysInfo)
    {
        if (sysInfo is not PickleDict info)
            throw new PyTorchFileException(file.Path, $"its sys_info pickle is a {PickleValues.TypeName(sysInfo)}, not a dict");
        if (info.TryGetValue("little_endian", out var littleEndian) && littleEndian is false)
            throw new PyTorchFileException(file.Path, "saved on a big-endian machine: its storages would need byte swapping, which is not done here");
    }

    /// <summary>The legacy persistent_load (one storage per root key, views into them) and, after the pickles, where each root's bytes are.</summary>
    private sealed class LegacyStorages(MappedFile file)
    {
        private readonly Dictionary<string, TypedStorage> _roots = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TypedStorage> _views = new(StringComparer.Ordinal);

        public object? PersistentLoad(object? pid)
        {
            var id = StoragePersistentId.Parse(pid, 6);
            if (!_roots.TryGetValue(id.Key, out var root))
                _roots[id.Key] = root = new TypedStorage(file, id.Key, id.Dtype, id.Numel, id.Location);
            if (id.View is not { } view)
                return root;
            if (_views.TryGetValue(view.Key, out var existing))
                return existing;
            if (view.Offset > root.Numel || view.Size > root.Numel - view.Offset)
                throw new PickleError($"storage view '{view.Key}' ({view.Size} elements from {view.Offset}) lies outside storage '{root.Key}' of {root.Numel}");
            return _views[view.Key] = new TypedStorage(file, root.Key, root.Dtype, view.Size, root.Location, view.Offset);
        }

        /// <summary>Walks the storage section: each listed key's element count must be its storage's, and its bytes must fit in the file.</summary>
        public Dictionary<string, long> Locate(object? keys, long position)
        {
            var listed = (keys as List<object?>)?.Select(StoragePersistentId.Text).ToList();
            if (listed is null || listed.Any(k => k is null))
                throw new PyTorchFileException(file.Path, "its storage keys pickle is not a list of str");
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var key in listed)
            {
                if (!_roots.TryGetValue(key!, out var storage))
                    throw new PyTorchFileException(file.Path, $"lists storage '{key}', which no tensor in the pickle uses");
                if (!offsets.TryAdd(key!, position + sizeof(long)))
                    throw new PyTorchFileException(file.Path, $"lists storage '{key}' twice");
                position = Skip(storage, position);
            }
            var unstored = _roots.Keys.FirstOrDefault(k => !offsets.ContainsKey(k));
            return unstored is null ? offsets : throw new PyTorchFileException(file.Path, $"storage '{unstored}' is used by the pickle but not stored in the file");
        }

        private long Skip(TypedStorage storage, long position)
        {
            if (position > file.Length - sizeof(long))
                throw new PyTorchFileException(file.Path, $"the file ends before storage '{storage.Key}' (truncated file?)");
            var count = BinaryPrimitives.ReadInt64LittleEndian(file.Span(position, sizeof(long)));
            if (count != storage.Numel)
                throw new PyTorchFileException(file.Path, $"storage '{storage.Key}' is stored with {count} elements, its pickle declares {storage.Numel}");
            position += sizeof(long);
            if (storage.ByteLength > file.Length - position)
                throw new PyTorchFileException(file.Path,
                    $"storage '{storage.Key}' needs {storage.ByteLength} bytes from byte {position}, the file has {file.Length - position} left (truncated file?)");
            return position + storage.ByteLength;
        }
    }
}
