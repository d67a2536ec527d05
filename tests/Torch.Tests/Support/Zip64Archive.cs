using System.Buffers.Binary;
using System.Text;

namespace Workflow.Torch.Tests.Support;

/// <summary>
/// Writes a stored zip archive by hand whose central directory gives every size and offset in ZIP64 extra fields
/// (the 32-bit fields saturated at 0xFFFFFFFF), as archives over 4 GB must, plus the ZIP64 end records.
/// </summary>
public static class Zip64Archive
{
    public static void Write(string path, IReadOnlyList<(string Name, byte[] Data)> records)
    {
        using var file = new BinaryWriter(File.Create(path));
        var offsets = new List<long>();
        foreach (var (name, data) in records)
        {
            offsets.Add(file.BaseStream.Position);
            var nameBytes = Encoding.ASCII.GetBytes(name);
            file.Write(0x04034b50u);
            file.Write((ushort)45); // version needed: ZIP64
            file.Write((ushort)0); // flags
            file.Write((ushort)0); // stored
            file.Write(0u); // time, date
            file.Write(0u); // crc (not checked by readers that map records in place)
            file.Write((uint)data.Length);
            file.Write((uint)data.Length);
            file.Write((ushort)nameBytes.Length);
            file.Write((ushort)0);
            file.Write(nameBytes);
            file.Write(data);
        }
        var directory = file.BaseStream.Position;
        for (var i = 0; i < records.Count; i++)
        {
            var nameBytes = Encoding.ASCII.GetBytes(records[i].Name);
            file.Write(0x02014b50u);
            file.Write((ushort)45);
            file.Write((ushort)45);
            file.Write((ushort)0);
            file.Write((ushort)0);
            file.Write(0u);
            file.Write(0u);
            file.Write(uint.MaxValue); // compressed size: in the ZIP64 field
            file.Write(uint.MaxValue); // size: in the ZIP64 field
            file.Write((ushort)nameBytes.Length);
            file.Write((ushort)28);
            file.Write((ushort)0);
            file.Write((ushort)0);
            file.Write((ushort)0);
            file.Write(0u);
            file.Write(uint.MaxValue); // local header offset: in the ZIP64 field
            file.Write(nameBytes);
            file.Write((ushort)1);
            file.Write((ushort)24);
            file.Write((ulong)records[i].Data.Length);
            file.Write((ulong)records[i].Data.Length);
            file.Write((ulong)offsets[i]);
        }
        var directorySize = file.BaseStream.Position - directory;
        var zip64End = file.BaseStream.Position;
        file.Write(0x06064b50u);
        file.Write(44UL);
        file.Write((ushort)45);
        file.Write((ushort)45);
        file.Write(0u);
        file.Write(0u);
        file.Write((ulong)records.Count);
        file.Write((ulong)records.Count);
        file.Write((ulong)directorySize);
        file.Write((ulong)directory);
        file.Write(0x07064b50u);
        file.Write(0u);
        file.Write((ulong)zip64End);
        file.Write(1u);
        file.Write(0x06054b50u);
        file.Write(0u);
        file.Write(ushort.MaxValue);
        file.Write(ushort.MaxValue);
        file.Write(uint.MaxValue);
        file.Write(uint.MaxValue);
        file.Write((ushort)0);
    }
}
