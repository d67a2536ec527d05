using System.Buffers.Binary;
using System.Numerics;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// An unpickler with the guarantee of torch.load(weights_only=True) (torch/_weights_only_unpickler.py): every opcode
/// of protocols 0 to 5 is read, but globals come only from <see cref="AllowedGlobals"/>, calls only build data
/// (<see cref="GlobalCalls"/>), and persistent ids only name storages. Nothing is imported or run. Memory and
/// nesting are bounded by <see cref="PickleLimits"/>; every error names the file, the stream and the byte.
/// </summary>
internal sealed partial class WeightsOnlyUnpickler
{
    private const int HighestProtocol = 5;

    private readonly PickleReader _reader;
    private readonly PickleStream _stream;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private long _values;
    private long _stringBytes;

    private WeightsOnlyUnpickler(PickleReader reader, PickleStream stream, Func<object?, object?> persistentLoad) =>
        (_reader, _stream, _persistentLoad) = (reader, stream, persistentLoad);

    private PickleLimits Limits => _stream.Limits;

    /// <summary>
    /// Reads one pickle from <paramref name="reader"/>'s position up to its STOP, leaving the reader just after it.
    /// <paramref name="persistentLoad"/> turns a persistent id into a storage (or refuses it).
    /// </summary>
    public static object? Load(PickleReader reader, PickleStream stream, Func<object?, object?> persistentLoad) =>
        new WeightsOnlyUnpickler(reader, stream, persistentLoad).Run();

    private object? Run()
    {
        var at = _reader.Position;
        var opcode = PickleOpcode.Stop;
        try
        {
            while (true)
            {
                at = _reader.Position;
                opcode = (PickleOpcode)_reader.ReadByte();
                if (opcode == PickleOpcode.Stop)
                    return Pop();
                Step(opcode);
            }
        }
        catch (PickleError e)
        {
            throw new PyTorchFileException(_stream.Path, $"{_stream.Name} byte {at} ({OpcodeName(opcode)}): {e.Message}", e.RefusedGlobal);
        }
    }

    private static string OpcodeName(PickleOpcode opcode) =>
        Enum.IsDefined(opcode) ? WireName(opcode.ToString()) : $"opcode 0x{(byte)opcode:x2}";

    /// <summary>pickletools' spelling: BinUnicode → BINUNICODE, NewObjEx → NEWOBJ_EX.</summary>
    private static string WireName(string name) => name switch
    {
        "NewObjEx" => "NEWOBJ_EX",
        "PopMark" => "POP_MARK",
        "ShortBinString" => "SHORT_BINSTRING",
        "ShortBinUnicode" => "SHORT_BINUNICODE",
        "ShortBinBytes" => "SHORT_BINBYTES",
        "LongBinGet" => "LONG_BINGET",
        "LongBinPut" => "LONG_BINPUT",
        "EmptyDict" => "EMPTY_DICT",
        "EmptyList" => "EMPTY_LIST",
        "EmptyTuple" => "EMPTY_TUPLE",
        "EmptySet" => "EMPTY_SET",
        "StackGlobal" => "STACK_GLOBAL",
        "NextBuffer" => "NEXT_BUFFER",
        "ReadOnlyBuffer" => "READONLY_BUFFER",
        _ => name.ToUpperInvariant(),
    };

    // ---- The stack, marks and memo --------------------------------------------------------------------------

    private int Base => _marks.Count > 0 ? _marks[^1] : 0;

    private void Push(object? value)
    {
        if (++_values > Limits.MaxValues)
            throw new PickleError($"more than {Limits.MaxValues} values (PickleLimits.MaxValues)");
        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count <= Base)
            throw new PickleError(_marks.Count > 0 ? "needs a value above the last MARK, finds none" : "needs a value, the stack is empty");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek() => _stack.Count > Base ? _stack[^1] : throw new PickleError("needs a value on the stack, finds none");

    private void ReplaceTop(object? value)
    {
        Peek();
        _stack[^1] = value;
    }

    private void Mark()
    {
        if (_marks.Count >= Limits.MaxDepth)
            throw new PickleError($"MARKs nest deeper than {Limits.MaxDepth} (PickleLimits.MaxDepth)");
        _marks.Add(_stack.Count);
    }

    /// <summary>The values pushed since the last MARK, which is closed.</summary>
    private object?[] PopMark()
    {
        if (_marks.Count == 0)
            throw new PickleError("needs a MARK, finds none");
        var start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private void Memoize(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= Limits.MaxMemo)
            throw new PickleError($"more than {Limits.MaxMemo} memo entries (PickleLimits.MaxMemo)");
        _memo[index] = Peek();
    }

    private void Recall(long index) =>
        Push(_memo.TryGetValue(index, out var value) ? value : throw new PickleError($"memo entry {index} was never stored"));

    // ---- Reading arguments --------------------------------------------------------------------------------

    private ReadOnlySpan<byte> Line() => _reader.ReadLine(Limits.MaxStringBytes);

    private ReadOnlySpan<byte> Data(long length)
    {
        if (length < 0)
            throw new PickleError($"declares a negative length {length}");
        if (length > Limits.MaxStringBytes)
            throw new PickleError($"declares a {length}-byte string, over the limit of {Limits.MaxStringBytes} (PickleLimits.MaxStringBytes)");
        CountStringBytes(length);
        return _reader.Read(length);
    }

    private void CountStringBytes(long length)
    {
        if ((_stringBytes += length) > Limits.MaxTotalStringBytes)
            throw new PickleError($"strings total more than {Limits.MaxTotalStringBytes} bytes (PickleLimits.MaxTotalStringBytes)");
    }

    private uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(_reader.Read(4));

    private long Int64Length()
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(_reader.Read(8));
        return length <= long.MaxValue ? (long)length : throw new PickleError($"declares a length of {length} bytes");
    }

    /// <summary>LONG1 / LONG4: a little-endian two's-complement integer of <paramref name="length"/> bytes.</summary>
    private object LittleEndianInteger(long length)
    {
        if (length < 0 || length > Limits.MaxIntegerBytes)
            throw new PickleError(length < 0
                ? "LONG4 declares a negative byte count"
                : $"a {length}-byte integer exceeds the limit of {Limits.MaxIntegerBytes} bytes (PickleLimits.MaxIntegerBytes)");
        return PickleText.Narrow(new BigInteger(_reader.Read(length), isUnsigned: false, isBigEndian: false));
    }

    private PickleTuple Tuple(object?[] items)
    {
        var tuple = new PickleTuple(items);
        return tuple.Depth <= Limits.MaxDepth ? tuple : throw new PickleError($"tuples nest deeper than {Limits.MaxDepth} (PickleLimits.MaxDepth)");
    }

    private PickleTuple Arguments(object? value) =>
        value as PickleTuple ?? throw new PickleError($"the arguments are a {PickleValues.TypeName(value)}, not a tuple");
}
