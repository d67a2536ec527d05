using System.Buffers.Binary;

namespace Workflow.Torch.Serialization.Pickle;

// One method per opcode family, in the order of CPython's pickle.py dispatch table.
internal sealed partial class WeightsOnlyUnpickler
{
    private void Step(PickleOpcode opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Proto:
                var protocol = _reader.ReadByte();
                if (protocol > HighestProtocol)
                    throw new PickleError($"pickle protocol {protocol} is newer than the highest known ({HighestProtocol})");
                break;
            case PickleOpcode.Frame:
                var frame = Int64Length();
                if (frame > _reader.Remaining)
                    throw new PickleError($"a {frame}-byte frame is longer than the {_reader.Remaining} bytes left (truncated file?)");
                break;
            default:
                if (!Scalar(opcode) && !Container(opcode) && !Memo(opcode) && !Object(opcode))
                    throw new PickleError($"unknown opcode 0x{(byte)opcode:x2}");
                break;
        }
    }

    /// <summary>Numbers, strings, bytes, None and booleans.</summary>
    private bool Scalar(PickleOpcode opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.None: Push(null); break;
            case PickleOpcode.NewTrue: Push(true); break;
            case PickleOpcode.NewFalse: Push(false); break;
            case PickleOpcode.Int: PushTextInteger(Line()); break;
            case PickleOpcode.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(_reader.Read(4))); break;
            case PickleOpcode.BinInt1: Push((long)_reader.ReadByte()); break;
            case PickleOpcode.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(_reader.Read(2))); break;
            case PickleOpcode.Long: Push(PickleText.Integer(Line().TrimEnd("L"u8), Limits.MaxIntegerBytes)); break;
            case PickleOpcode.Long1: Push(LittleEndianInteger(_reader.ReadByte())); break;
            case PickleOpcode.Long4: Push(LittleEndianInteger(BinaryPrimitives.ReadInt32LittleEndian(_reader.Read(4)))); break;
            case PickleOpcode.Float: Push(PickleText.Float(Line())); break;
            case PickleOpcode.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(_reader.Read(8))); break;
            // Python 2 str: torch.load decodes it as UTF-8.
            case PickleOpcode.String: Push(PickleText.Utf8(Counted(PickleText.QuotedString(Line())))); break;
            case PickleOpcode.BinString: Push(PickleText.Utf8(Data(BinaryPrimitives.ReadInt32LittleEndian(_reader.Read(4))))); break;
            case PickleOpcode.ShortBinString: Push(PickleText.Utf8(Data(_reader.ReadByte()))); break;
            case PickleOpcode.Unicode: Push(PickleText.RawUnicodeEscape(Counted(Line().ToArray()))); break;
            case PickleOpcode.BinUnicode: Push(PickleText.Utf8(Data(UInt32()))); break;
            case PickleOpcode.ShortBinUnicode: Push(PickleText.Utf8(Data(_reader.ReadByte()))); break;
            case PickleOpcode.BinUnicode8: Push(PickleText.Utf8(Data(Int64Length()))); break;
            case PickleOpcode.BinBytes: Push(Data(UInt32()).ToArray()); break;
            case PickleOpcode.ShortBinBytes: Push(Data(_reader.ReadByte()).ToArray()); break;
            case PickleOpcode.BinBytes8 or PickleOpcode.ByteArray8: Push(Data(Int64Length()).ToArray()); break;
            default: return false;
        }
        return true;
    }

    /// <summary>Tuples, lists, dicts, sets and the stack operations that fill them.</summary>
    private bool Container(PickleOpcode opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Mark: Mark(); break;
            case PickleOpcode.Pop: if (_stack.Count > Base) Pop(); else PopMark(); break;
            case PickleOpcode.PopMark: PopMark(); break;
            case PickleOpcode.Dup: Push(Peek()); break;
            case PickleOpcode.EmptyTuple: Push(PickleTuple.Empty); break;
            case PickleOpcode.Tuple: Push(Tuple(PopMark())); break;
            case PickleOpcode.Tuple1: Push(Tuple([Pop()])); break;
            case PickleOpcode.Tuple2: var b = Pop(); Push(Tuple([Pop(), b])); break;
            case PickleOpcode.Tuple3: var c = Pop(); var b3 = Pop(); Push(Tuple([Pop(), b3, c])); break;
            case PickleOpcode.EmptyList: Push(new List<object?>()); break;
            case PickleOpcode.List: Push(new List<object?>(PopMark())); break;
            case PickleOpcode.Append: var item = Pop(); ListOnTop().Add(item); break;
            case PickleOpcode.Appends: var items = PopMark(); ListOnTop().AddRange(items); break;
            case PickleOpcode.EmptyDict: Push(new PickleDict(isOrderedDict: false)); break;
            case PickleOpcode.Dict: var dict = new PickleDict(isOrderedDict: false); SetPairs(dict, PopMark()); Push(dict); break;
            case PickleOpcode.SetItem: var value = Pop(); var key = Pop(); DictOnTop().Set(key, value); break;
            case PickleOpcode.SetItems: var pairs = PopMark(); SetPairs(DictOnTop(), pairs); break;
            case PickleOpcode.EmptySet: Push(new PickleSet(isFrozen: false, [])); break;
            case PickleOpcode.FrozenSet: Push(FrozenSet(PopMark())); break;
            case PickleOpcode.AddItems: var added = PopMark(); AddTo(Peek(), added); break;
            default: return false;
        }
        return true;
    }

    /// <summary>The memo: PUT stores the top of the stack under an index, GET pushes it again.</summary>
    private bool Memo(PickleOpcode opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Put: Memoize(PickleText.Index(Line())); break;
            case PickleOpcode.BinPut: Memoize(_reader.ReadByte()); break;
            case PickleOpcode.LongBinPut: Memoize(UInt32()); break;
            case PickleOpcode.Memoize: Memoize(_memo.Count); break;
            case PickleOpcode.Get: Recall(PickleText.Index(Line())); break;
            case PickleOpcode.BinGet: Recall(_reader.ReadByte()); break;
            case PickleOpcode.LongBinGet: Recall(UInt32()); break;
            default: return false;
        }
        return true;
    }

    /// <summary>Globals, calls, instances and persistent ids: the opcodes an allow-list has to guard.</summary>
    private bool Object(PickleOpcode opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Global: var module = PickleText.Utf8(Line()); Push(AllowedGlobals.Resolve(module, PickleText.Utf8(Line()))); break;
            case PickleOpcode.StackGlobal: var name = Pop(); Push(AllowedGlobals.Resolve(Text(Pop(), "module"), Text(name, "name"))); break;
            case PickleOpcode.Reduce: var args = Arguments(Pop()); ReplaceTop(GlobalCalls.Call(Peek(), args)); break;
            case PickleOpcode.Inst: PushInstance(); break;
            case PickleOpcode.Obj: var objItems = PopMark(); Push(objItems.Length > 0 ? GlobalCalls.Call(objItems[0], Tuple(objItems[1..])) : throw new PickleError("needs a class after the MARK")); break;
            case PickleOpcode.NewObj: var newArgs = Arguments(Pop()); Push(GlobalCalls.New(Pop(), newArgs)); break;
            case PickleOpcode.NewObjEx: PushNewObjEx(); break;
            case PickleOpcode.Build: var state = Pop(); GlobalCalls.Build(Peek(), state); break;
            case PickleOpcode.PersId: Push(_persistentLoad(PickleText.Ascii(Line()))); break;
            case PickleOpcode.BinPersId: Push(_persistentLoad(Pop())); break;
            case PickleOpcode.Ext1 or PickleOpcode.Ext2 or PickleOpcode.Ext4: throw new PickleError(
                $"extension code {ExtensionCode(opcode)} is not registered (copyreg's extension registry is empty here)");
            case PickleOpcode.NextBuffer: throw new PickleError("refers to an out-of-band buffer, and none are given");
            case PickleOpcode.ReadOnlyBuffer: if (Peek() is not byte[]) throw new PickleError("marks a non-buffer read-only"); break;
            default: return false;
        }
        return true;
    }

    private void PushTextInteger(ReadOnlySpan<byte> text)
    {
        // Protocol 0 writes True and False as INT 01 and 00.
        if (text.SequenceEqual("01"u8) || text.SequenceEqual("00"u8))
            Push(text[1] == '1');
        else
            Push(PickleText.Integer(text, Limits.MaxIntegerBytes));
    }

    /// <summary>INST: the class from two text lines, called with the values since the MARK (pickle.py's _instantiate).</summary>
    private void PushInstance()
    {
        var module = PickleText.Utf8(Line());
        var cls = AllowedGlobals.Resolve(module, PickleText.Utf8(Line()));
        Push(GlobalCalls.Call(cls, Tuple(PopMark())));
    }

    private void PushNewObjEx()
    {
        var keywords = Pop();
        var args = Arguments(Pop());
        if (keywords is not PickleDict { Count: 0 })
            throw new PickleError($"passes keyword arguments ({PickleValues.TypeName(keywords)}), which no allowed class takes");
        Push(GlobalCalls.New(Pop(), args));
    }

    private long ExtensionCode(PickleOpcode opcode) => opcode switch
    {
        PickleOpcode.Ext1 => _reader.ReadByte(),
        PickleOpcode.Ext2 => BinaryPrimitives.ReadUInt16LittleEndian(_reader.Read(2)),
        _ => BinaryPrimitives.ReadInt32LittleEndian(_reader.Read(4)),
    };

    private List<object?> ListOnTop() =>
        Peek() as List<object?> ?? throw new PickleError($"appends to a {PickleValues.TypeName(Peek())}; only lists are appended to");

    private PickleDict DictOnTop() =>
        Peek() as PickleDict ?? throw new PickleError($"sets items on a {PickleValues.TypeName(Peek())}; only dicts and OrderedDicts take items");

    private static void SetPairs(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0)
            throw new PickleError($"gives {items.Length} values, not key-value pairs");
        for (var i = 0; i < items.Length; i += 2)
            dict.Set(items[i], items[i + 1]);
    }

    private static void AddTo(object? target, object?[] items)
    {
        var set = target is PickleSet { IsFrozen: false } s ? s : throw new PickleError($"adds items to a {PickleValues.TypeName(target)}; only sets take them");
        foreach (var item in items)
            set.Add(item);
    }

    private PickleSet FrozenSet(object?[] items)
    {
        var set = new PickleSet(isFrozen: true, items);
        return set.Depth <= Limits.MaxDepth ? set : throw new PickleError($"frozensets nest deeper than {Limits.MaxDepth} (PickleLimits.MaxDepth)");
    }

    private static string Text(object? value, string what) =>
        value as string ?? throw new PickleError($"STACK_GLOBAL's {what} is a {PickleValues.TypeName(value)}, not a str");

    private byte[] Counted(byte[] bytes)
    {
        CountStringBytes(bytes.Length);
        return bytes;
    }
}
