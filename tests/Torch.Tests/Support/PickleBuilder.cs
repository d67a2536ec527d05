using System.Buffers.Binary;
using System.Text;

namespace Workflow.Torch.Tests.Support;

/// <summary>
/// Writes pickle opcodes by hand (CPython Lib/pickletools.py documents each), for pickles no pickler would write:
/// refused globals in every spelling, bad offsets, hostile lengths and nesting.
/// </summary>
public sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public PickleBuilder Op(char opcode) => Op((byte)opcode);

    public PickleBuilder Op(byte opcode)
    {
        _bytes.WriteByte(opcode);
        return this;
    }

    public PickleBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleBuilder Text(string text) => Raw(Encoding.UTF8.GetBytes(text));

    public PickleBuilder Proto(byte protocol = 2) => Op(0x80).Op(protocol);

    public PickleBuilder Mark() => Op('(');

    public PickleBuilder Stop() => Op('.');

    public PickleBuilder Global(string module, string name) => Op('c').Text($"{module}\n{name}\n");

    /// <summary>BINUNICODE: a UTF-8 str with a 4-byte length.</summary>
    public PickleBuilder Str(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Op('X').UInt32((uint)bytes.Length).Raw(bytes);
    }

    /// <summary>BININT (or BININT1 for small values).</summary>
    public PickleBuilder Int(int value) => value is >= 0 and < 256 ? Op('K').Op((byte)value) : Op('J').Int32(value);

    public PickleBuilder Ints(params int[] values)
    {
        Mark();
        foreach (var value in values)
            Int(value);
        return Op('t');
    }

    public PickleBuilder UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public PickleBuilder Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public PickleBuilder UInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Raw(bytes);
    }

    /// <summary>
    /// The persistent id torch.save writes for a storage, loaded: ('storage', torch.&lt;Type&gt;, key, 'cpu', numel),
    /// with the legacy format's sixth field (no view) when <paramref name="legacy"/>.
    /// </summary>
    public PickleBuilder Storage(string key, int numel, string type = "FloatStorage", bool legacy = false)
    {
        Mark().Str("storage").Global("torch", type).Str(key).Str("cpu").Int(numel);
        return (legacy ? Op('N') : this).Op('t').Op('Q');
    }

    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()), as torch.save writes a tensor.</summary>
    public PickleBuilder Tensor(string key, int numel, int offset, int[] shape, int[] stride, bool legacy = false) =>
        Global("torch._utils", "_rebuild_tensor_v2").Mark().Storage(key, numel, legacy: legacy).Int(offset).Ints(shape).Ints(stride)
            .Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R');

    /// <summary>{name: tensor} as a whole pickle: the smallest state dict.</summary>
    public static byte[] StateDict(string name, Func<PickleBuilder, PickleBuilder> value) =>
        value(new PickleBuilder().Proto().Op('}').Str(name)).Op('s').Stop().ToArray();

    public byte[] ToArray() => _bytes.ToArray();
}
