using System.Buffers.Binary;
using System.Numerics;

namespace Workflow.Torch.Tests.Support;

/// <summary>Writes files laid out as torch.save's legacy format (magic, protocol, sys_info, the pickle, the keys, then each storage) from hand-made parts.</summary>
public static class LegacyTorchFile
{
    /// <summary>torch.serialization.MAGIC_NUMBER.</summary>
    public static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356");

    public static void Write(string path, byte[] pickle, params (string Key, long Count, byte[] Bytes)[] storages)
    {
        using var file = File.Create(path);
        var magic = Magic.ToByteArray();
        file.Write(new PickleBuilder().Proto().Op(0x8a).Op((byte)magic.Length).Raw(magic).Stop().ToArray());
        file.Write(new PickleBuilder().Proto().Op('M').Raw([0xe9, 0x03]).Stop().ToArray());
        file.Write(new PickleBuilder().Proto().Op('}').Str("little_endian").Op(0x88).Op('s').Stop().ToArray());
        file.Write(pickle);
        var keys = new PickleBuilder().Proto().Op(']').Mark();
        foreach (var (key, _, _) in storages)
            keys.Str(key);
        file.Write(keys.Op('e').Stop().ToArray());
        Span<byte> count = stackalloc byte[8];
        foreach (var (_, elements, bytes) in storages)
        {
            BinaryPrimitives.WriteInt64LittleEndian(count, elements);
            file.Write(count);
            file.Write(bytes);
        }
    }
}
