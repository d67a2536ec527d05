using Workflow.Torch.IO;

namespace Workflow.Torch.Serialization;

/// <summary>
/// The records of a PyTorch zip archive, as caffe2/serialize/inline_container.cc's reader finds them: every record
/// lives under one folder, named by the first entry (the saved file's stem in older PyTorch, "archive" in newer),
/// and is looked up by its name inside it ("data.pkl", "data/0"). Records are used in place, so only stored
/// (uncompressed) records are read; a compressed one is refused rather than inflated.
/// </summary>
internal sealed class PyTorchStreamReader
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, ZipRecord> _records = new(StringComparer.Ordinal);

    private PyTorchStreamReader(MappedFile file, string archiveName, IEnumerable<ZipRecord> records)
    {
        (_file, ArchiveName) = (file, archiveName);
        var prefix = archiveName + "/";
        foreach (var record in records.Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)))
            if (!_records.TryAdd(record.Name[prefix.Length..], record))
                throw new PyTorchFileException(file.Path, $"zip archive: the entry '{record.Name}' appears twice");
    }

    public string ArchiveName { get; }

    public static PyTorchStreamReader Open(MappedFile file)
    {
        var records = ZipDirectory.Read(file);
        if (records.Count == 0)
            throw new PyTorchFileException(file.Path, "zip archive: it contains no files");
        var first = records[0].Name;
        var slash = first.IndexOf('/');
        if (slash <= 0)
            throw new PyTorchFileException(file.Path, $"zip archive: the file '{first}' is not in a folder, as every record of a PyTorch archive is");
        return new PyTorchStreamReader(file, first[..slash], records);
    }

    public bool Has(string name) => _records.ContainsKey(name);

    /// <summary>Where the stored record <paramref name="name"/> lies in the file, or an error naming what is wrong with it.</summary>
    public (long Offset, long Length) Locate(string name)
    {
        if (!_records.TryGetValue(name, out var record))
            throw new PyTorchFileException(_file.Path, $"the archive has no record '{ArchiveName}/{name}'");
        if (record.IsEncrypted)
            throw new PyTorchFileException(_file.Path, $"the record '{record.Name}' is encrypted");
        if (record.Method != 0)
            throw new PyTorchFileException(_file.Path,
                $"the record '{record.Name}' is compressed (zip method {record.Method}): torch.save stores records uncompressed, and this " +
                "reader maps them in place rather than inflating them (re-save the file with torch.save)");
        if (record.CompressedSize != record.Size)
            throw new PyTorchFileException(_file.Path,
                $"the stored record '{record.Name}' declares {record.Size} bytes but occupies {record.CompressedSize}");
        return (ZipDirectory.DataOffset(_file, record), record.Size);
    }

    /// <summary>A small record's bytes (version, byteorder), refusing one longer than <paramref name="maxLength"/>.</summary>
    public ReadOnlySpan<byte> ReadSmall(string name, int maxLength)
    {
        var (offset, length) = Locate(name);
        return length <= maxLength
            ? _file.Span(offset, (int)length)
            : throw new PyTorchFileException(_file.Path, $"the record '{ArchiveName}/{name}' is {length} bytes, more than a {name} record holds");
    }
}
