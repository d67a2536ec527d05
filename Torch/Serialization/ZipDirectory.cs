using System.Buffers.Binary;
using System.Text;
using Workflow.Torch.IO;

namespace Workflow.Torch.Serialization;

/// <summary>One file of a zip archive as the central directory describes it.</summary>
internal sealed record ZipRecord(string Name, ushort Flags, ushort Method, long CompressedSize, long Size, long LocalHeaderOffset)
{
    public bool IsEncrypted => (Flags & 1) != 0;
}

/// <summary>
/// Reads a zip archive's central directory (PKWARE APPNOTE 4.3.12 to 4.3.16, with the ZIP64 records miniz writes
/// for PyTorch) from the mapped file, every offset and length checked against the file. Only metadata is read:
/// nothing is ever inflated, so no entry can expand beyond the bytes it occupies.
/// </summary>
internal static class ZipDirectory
{
    /// <summary>Entries an archive may list; a checkpoint has one per storage.</summary>
    public const int MaxRecords = 1_000_000;

    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint CentralSignature = 0x02014b50;
    private const uint LocalSignature = 0x04034b50;
    private const int EndSize = 22;
    private const int Zip64LocatorSize = 20;
    private const int Zip64EndSize = 56;
    private const int CentralSize = 46;
    private const int LocalSize = 30;
    private const int MaxCommentLength = ushort.MaxValue;
    private const uint Saturated32 = uint.MaxValue;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static List<ZipRecord> Read(MappedFile file)
    {
        var end = FindEnd(file);
        var (entries, directorySize, directoryOffset) = DirectoryBounds(file, end);
        var records = new List<ZipRecord>((int)Math.Min(entries, 4096));
        var position = directoryOffset;
        var directoryEnd = directoryOffset + directorySize;
        for (var i = 0L; i < entries; i++)
            records.Add(ReadCentral(file, ref position, directoryEnd, i));
        return records;
    }

    /// <summary>Where a stored record's bytes start: after its local header, whose name and extra lengths may differ from the directory's.</summary>
    public static long DataOffset(MappedFile file, ZipRecord record)
    {
        if (record.LocalHeaderOffset > file.Length - LocalSize)
            throw Invalid(file, $"entry '{record.Name}' has its local header at byte {record.LocalHeaderOffset}, past the end of the file");
        var header = file.Span(record.LocalHeaderOffset, LocalSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalSignature)
            throw Invalid(file, $"entry '{record.Name}' has no local header at byte {record.LocalHeaderOffset}");
        var data = record.LocalHeaderOffset + LocalSize + BinaryPrimitives.ReadUInt16LittleEndian(header[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        if (data > file.Length || record.CompressedSize > file.Length - data)
            throw Invalid(file, $"entry '{record.Name}' ({record.CompressedSize} bytes from byte {data}) extends past the end of the file (truncated download?)");
        return data;
    }

    private static long FindEnd(MappedFile file)
    {
        var lowest = Math.Max(0, file.Length - EndSize - MaxCommentLength);
        for (var position = file.Length - EndSize; position >= lowest; position--)
        {
            var record = file.Span(position, EndSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) == EndSignature
                && position + EndSize + BinaryPrimitives.ReadUInt16LittleEndian(record[20..]) <= file.Length)
                return position;
        }
        throw Invalid(file, "no end-of-central-directory record: the archive is truncated or not a zip file");
    }

    private static (long Entries, long Size, long Offset) DirectoryBounds(MappedFile file, long end)
    {
        var location = end >= Zip64LocatorSize && BinaryPrimitives.ReadUInt32LittleEndian(file.Span(end - Zip64LocatorSize, 4)) == Zip64LocatorSignature
            ? Zip64Location(file, end - Zip64LocatorSize)
            : Location(file.Span(end, EndSize));
        var (entries, size, offset, multiDisk) = location;
        if (multiDisk)
            throw Invalid(file, "a multi-disk archive, which PyTorch never writes");
        if (entries > MaxRecords)
            throw Invalid(file, $"lists {entries} entries, over the limit of {MaxRecords}");
        if (offset > end || size > end - offset)
            throw Invalid(file, $"its central directory ({size} bytes at byte {offset}) lies outside the file (truncated file?)");
        if (entries * CentralSize > size)
            throw Invalid(file, $"lists {entries} entries in a {size}-byte central directory");
        return (entries, size, offset);
    }

    private static DirectoryLocation Location(ReadOnlySpan<byte> record) => new(
        BinaryPrimitives.ReadUInt16LittleEndian(record[10..]),
        BinaryPrimitives.ReadUInt32LittleEndian(record[12..]),
        BinaryPrimitives.ReadUInt32LittleEndian(record[16..]),
        MultiDisk: BinaryPrimitives.ReadUInt16LittleEndian(record[4..]) != 0 || BinaryPrimitives.ReadUInt16LittleEndian(record[6..]) != 0);

    private static DirectoryLocation Zip64Location(MappedFile file, long locator)
    {
        var at = BinaryPrimitives.ReadUInt64LittleEndian(file.Span(locator + 8, 8));
        if (locator < Zip64EndSize || at > (ulong)(locator - Zip64EndSize) || BinaryPrimitives.ReadUInt32LittleEndian(file.Span((long)at, 4)) != Zip64EndSignature)
            throw Invalid(file, $"its ZIP64 end record (at byte {at}) is missing or outside the file");
        var record = file.Span((long)at, Zip64EndSize);
        return new DirectoryLocation(
            Signed(file, BinaryPrimitives.ReadUInt64LittleEndian(record[32..])),
            Signed(file, BinaryPrimitives.ReadUInt64LittleEndian(record[40..])),
            Signed(file, BinaryPrimitives.ReadUInt64LittleEndian(record[48..])),
            MultiDisk: BinaryPrimitives.ReadUInt32LittleEndian(record[16..]) != 0 || BinaryPrimitives.ReadUInt32LittleEndian(record[20..]) != 0);
    }

    private static ZipRecord ReadCentral(MappedFile file, ref long position, long directoryEnd, long index)
    {
        if (position > directoryEnd - CentralSize || BinaryPrimitives.ReadUInt32LittleEndian(file.Span(position, 4)) != CentralSignature)
            throw Invalid(file, $"central directory entry {index} is missing or damaged at byte {position}");
        var fixedPart = file.Span(position, CentralSize);
        var (nameLength, extraLength, commentLength) = (BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[28..]),
            BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[30..]), BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[32..]));
        var next = position + CentralSize + nameLength + extraLength + commentLength;
        if (next > directoryEnd)
            throw Invalid(file, $"central directory entry {index} runs past the end of the directory");
        var name = Name(file, file.Span(position + CentralSize, nameLength), index);
        var extra = file.Span(position + CentralSize + nameLength, extraLength);
        var sizes = new[]
        {
            (long)BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[24..]), // uncompressed
            BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[20..]), // compressed
            BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[42..]), // local header offset
        };
        ApplyZip64(file, extra, sizes, name);
        position = next;
        return new ZipRecord(name, BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]), BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[10..]),
            sizes[1], sizes[0], sizes[2]);
    }

    /// <summary>The ZIP64 extra field (id 1) holds, in order, each of the three values that is saturated at 0xFFFFFFFF.</summary>
    private static void ApplyZip64(MappedFile file, ReadOnlySpan<byte> extra, long[] values, string name)
    {
        while (extra.Length >= 4)
        {
            var (id, size) = (BinaryPrimitives.ReadUInt16LittleEndian(extra), BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]));
            if (size > extra.Length - 4)
                throw Invalid(file, $"entry '{name}' has an extra field longer than its extra data");
            var field = extra.Slice(4, size);
            if (id == 1)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] != Saturated32)
                        continue;
                    if (field.Length < 8)
                        throw Invalid(file, $"entry '{name}' has a ZIP64 field too short for its sizes");
                    values[i] = Signed(file, BinaryPrimitives.ReadUInt64LittleEndian(field));
                    field = field[8..];
                }
            }
            extra = extra[(4 + size)..];
        }
    }

    private static string Name(MappedFile file, ReadOnlySpan<byte> bytes, long index)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(file, $"central directory entry {index} has a name that is not UTF-8");
        }
    }

    private static long Signed(MappedFile file, ulong value) =>
        value <= long.MaxValue ? (long)value : throw Invalid(file, $"a ZIP64 size or offset of {value} is out of range");

    private static PyTorchFileException Invalid(MappedFile file, string problem) => new(file.Path, $"zip archive: {problem}");

    private readonly record struct DirectoryLocation(long Entries, long Size, long Offset, bool MultiDisk);
}
