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
            case PickleOpcode.Pop: Discard(); break;
            case PickleOpcode.PopMark: PopMark(); break;
            case PickleOpcode.Dup: Push(Peek()); break;
            case PickleOpcode.EmptyTuple: Push(PickleTuple.Empty); break;
            case PickleOpcode.Tuple: Push(Tuple(PopMark())); break;
            case PickleOpcode.Tuple1: Push(Tuple(PopValues(1))); break;
            case PickleOpcode.Tuple2: Push(Tuple(PopValues(2))); break;
            case PickleOpcode.Tuple3: Push(Tuple(PopValues(3))); break;
            case PickleOpcode.EmptyList: Push(new List<object?>()); break;
            case PickleOpcode.List: Push(new List<object?>(PopMark())); break;
            case PickleOpcode.Append: AppendTo(PopValues(1)); break;
            case PickleOpcode.Appends: AppendTo(PopMark()); break;
            case PickleOpcode.EmptyDict: Push(new PickleDict(isOrderedDict: false)); break;
            case PickleOpcode.Dict: Push(SetPairs(new PickleDict(isOrderedDict: false), PopMark())); break;
            case PickleOpcode.SetItem: SetPairs(PopValues(2)); break;
            case PickleOpcode.SetItems: SetPairs(PopMark()); break;
            case PickleOpcode.EmptySet: Push(new PickleSet(isFrozen: false, [])); break;
            case PickleOpcode.FrozenSet: Push(FrozenSet(PopMark())); break;
            case PickleOpcode.AddItems: AddTo(PopMark()); break;
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
            case PickleOpcode.Global: Push(GlobalFromLines()); break;
            case PickleOpcode.StackGlobal: Push(GlobalFromStack()); break;
            case PickleOpcode.Reduce: Reduce(); break;
            case PickleOpcode.Inst: Push(GlobalCalls.Call(GlobalFromLines(), Tuple(PopMark()))); break;
            case PickleOpcode.Obj: Push(CallFromMark(PopMark())); break;
            case PickleOpcode.NewObj: PushNewObject(keywords: false); break;
            case PickleOpcode.NewObjEx: PushNewObject(keywords: true); break;
            case PickleOpcode.Build: Build(); break;
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

    /// <summary>POP: the top value, or the MARK itself when nothing is above it (pickle.py's load_pop).</summary>
    private void Discard()
    {
        if (_stack.Count > Base)
            Pop();
        else
            PopMark();
    }

    /// <summary>The top <paramref name="count"/> values, in stack order (deepest first), popped.</summary>
    private object?[] PopValues(int count)
    {
        var values = new object?[count];
        for (var i = count - 1; i >= 0; i--)
            values[i] = Pop();
        return values;
    }

    /// <summary>GLOBAL and INST name their global on two text lines, module then name.</summary>
    private PickleGlobal GlobalFromLines()
    {
        var module = PickleText.Utf8(Line());
        return AllowedGlobals.Resolve(module, PickleText.Utf8(Line()));
    }

    /// <summary>STACK_GLOBAL takes the module and the name from the stack.</summary>
    private PickleGlobal GlobalFromStack()
    {
        var parts = PopValues(2);
        return AllowedGlobals.Resolve(Text(parts[0], "module"), Text(parts[1], "name"));
    }

    /// <summary>REDUCE: the callable under the arguments tuple is replaced by what calling it builds.</summary>
    private void Reduce()
    {
        var args = Arguments(Pop());
        ReplaceTop(GlobalCalls.Call(Peek(), args));
    }

    /// <summary>OBJ: the class and its arguments after a MARK.</summary>
    private object? CallFromMark(object?[] items) =>
        items.Length > 0 ? GlobalCalls.Call(items[0], Tuple(items[1..])) : throw new PickleError("needs a class after the MARK");

    /// <summary>NEWOBJ (class, args) and NEWOBJ_EX (class, args, kwargs): no allowed class takes keyword arguments.</summary>
    private void PushNewObject(bool keywords)
    {
        if (keywords && Pop() is not PickleDict { Count: 0 })
            throw new PickleError("passes keyword arguments, which no allowed class takes");
        var args = Arguments(Pop());
        Push(GlobalCalls.New(Pop(), args));
    }

    /// <summary>BUILD: the state on top sets the attributes of the object under it.</summary>
    private void Build()
    {
        var state = Pop();
        GlobalCalls.Build(Peek(), state);
    }

    private long ExtensionCode(PickleOpcode opcode) => opcode switch
    {
        PickleOpcode.Ext1 => _reader.ReadByte(),
        PickleOpcode.Ext2 => BinaryPrimitives.ReadUInt16LittleEndian(_reader.Read(2)),
        _ => BinaryPrimitives.ReadInt32LittleEndian(_reader.Read(4)),
    };

    /// <summary>APPEND and APPENDS: only a list under the values takes them.</summary>
    private void AppendTo(object?[] items)
    {
        var list = Peek() as List<object?> ?? throw new PickleError($"appends to a {PickleValues.TypeName(Peek())}; only lists are appended to");
        list.AddRange(items);
    }

    /// <summary>SETITEM and SETITEMS: key-value pairs into the dict or OrderedDict under them.</summary>
    private void SetPairs(object?[] items)
    {
        var dict = Peek() as PickleDict ?? throw new PickleError($"sets items on a {PickleValues.TypeName(Peek())}; only dicts and OrderedDicts take items");
        SetPairs(dict, items);
    }

    private static PickleDict SetPairs(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0)
            throw new PickleError($"gives {items.Length} values, not key-value pairs");
        for (var i = 0; i < items.Length; i += 2)
            dict.Set(items[i], items[i + 1]);
        return dict;
    }

    /// <summary>ADDITEMS: items into the set under them.</summary>
    private void AddTo(object?[] items)
    {
        var set = Peek() is PickleSet { IsFrozen: false } s ? s : throw new PickleError($"adds items to a {PickleValues.TypeName(Peek())}; only sets take them");
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
