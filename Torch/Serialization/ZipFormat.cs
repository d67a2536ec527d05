using System.Text;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization.Pickle;

namespace Workflow.Torch.Serialization;

/// <summary>
/// PyTorch's zip format (torch.save since 1.6, torch/serialization.py _load): ARCHIVE/data.pkl is the pickle, each
/// storage is the stored record ARCHIVE/data/KEY, ARCHIVE/version (or .data/version) says it is such an archive and
/// ARCHIVE/byteorder how the storages were written. Storages are located in place, never copied.
/// </summary>
internal static unsafe class ZipFormat
{
    private const int SmallRecordLength = 64;

    public static CheckpointContent Read(MappedFile file, PickleLimits limits)
    {
        var archive = PyTorchStreamReader.Open(file);
        RequireTorchSave(file, archive);
        var storages = new Dictionary<string, TypedStorage>(StringComparer.Ordinal);
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var (pickleOffset, pickleLength) = archive.Locate("data.pkl");
        var stream = new PickleStream(file.Path, $"{archive.ArchiveName}/data.pkl", limits);
        object? LoadStorage(object? pid) => PersistentLoad(file, archive, StoragePersistentId.Parse(pid, 5), storages, offsets);
        var root = WeightsOnlyUnpickler.Load(new PickleReader(file.Start + pickleOffset, pickleLength), stream, LoadStorage);
        return new CheckpointContent(root, offsets);
    }

    private static void RequireTorchSave(MappedFile file, PyTorchStreamReader archive)
    {
        if (archive.Has("constants.pkl"))
            throw new PyTorchFileException(file.Path, "a TorchScript archive (torch.jit.save), not a torch.save checkpoint: it holds code, not a state dict");
        if (!archive.Has("data.pkl"))
            throw new PyTorchFileException(file.Path,
                $"a zip archive without {archive.ArchiveName}/data.pkl: not a torch.save checkpoint (a torch.export .pt2, or another zip file?)");
        var versionRecord = archive.Has(".data/version") ? ".data/version" : "version";
        var version = Encoding.ASCII.GetString(archive.Has(versionRecord) ? archive.ReadSmall(versionRecord, SmallRecordLength) : []).Trim();
        if (!long.TryParse(version, out var number) || number <= 0)
            throw new PyTorchFileException(file.Path, $"the archive's version record is '{version}', not a format version: not a torch.save checkpoint");
        if (!archive.Has("byteorder"))
            return;
        var byteOrder = Encoding.ASCII.GetString(archive.ReadSmall("byteorder", SmallRecordLength));
        if (byteOrder == "big")
            throw new PyTorchFileException(file.Path, "its storages are big-endian (saved on s390x?): reading them would need byte swapping, which is not done here");
        if (byteOrder != "little")
            throw new PyTorchFileException(file.Path, $"unknown byte order '{byteOrder}'");
    }

    /// <summary>torch.serialization._load's persistent_load: one TypedStorage per key, its record checked to hold exactly its bytes.</summary>
    private static TypedStorage PersistentLoad(MappedFile file, PyTorchStreamReader archive, StoragePersistentId id,
        Dictionary<string, TypedStorage> storages, Dictionary<string, long> offsets)
    {
        if (storages.TryGetValue(id.Key, out var loaded))
            return loaded;
        var record = $"data/{id.Key}";
        if (!archive.Has(record))
            throw new PickleError($"storage '{id.Key}' is not in the archive (no record {archive.ArchiveName}/{record})");
        var (offset, length) = archive.Locate(record);
        var storage = new TypedStorage(file, id.Key, id.Dtype, id.Numel, id.Location);
        if (length != storage.ByteLength)
            throw new PickleError(
                $"storage '{id.Key}' declares {id.Numel} {id.Dtype.ToTorchString()} elements ({storage.ByteLength} bytes), its record holds {length} bytes");
        offsets[id.Key] = offset;
        storages[id.Key] = storage;
        return storage;
    }
}
