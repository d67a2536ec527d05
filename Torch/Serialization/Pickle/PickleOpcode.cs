namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// Every opcode of Python's pickle protocols 0 to 5, named as in CPython's Lib/pickle.py (pickletools.py documents
/// each). Protocol 2 is what torch.save writes; the others can appear in files written with another protocol.
/// </summary>
internal enum PickleOpcode : byte
{
    // Protocol 0 and 1.
    Mark = (byte)'(',
    Stop = (byte)'.',
    Pop = (byte)'0',
    PopMark = (byte)'1',
    Dup = (byte)'2',
    Float = (byte)'F',
    Int = (byte)'I',
    BinInt = (byte)'J',
    BinInt1 = (byte)'K',
    Long = (byte)'L',
    BinInt2 = (byte)'M',
    None = (byte)'N',
    PersId = (byte)'P',
    BinPersId = (byte)'Q',
    Reduce = (byte)'R',
    String = (byte)'S',
    BinString = (byte)'T',
    ShortBinString = (byte)'U',
    Unicode = (byte)'V',
    BinUnicode = (byte)'X',
    Append = (byte)'a',
    Build = (byte)'b',
    Global = (byte)'c',
    Dict = (byte)'d',
    EmptyDict = (byte)'}',
    Appends = (byte)'e',
    Get = (byte)'g',
    BinGet = (byte)'h',
    Inst = (byte)'i',
    LongBinGet = (byte)'j',
    List = (byte)'l',
    EmptyList = (byte)']',
    Obj = (byte)'o',
    Put = (byte)'p',
    BinPut = (byte)'q',
    LongBinPut = (byte)'r',
    SetItem = (byte)'s',
    Tuple = (byte)'t',
    EmptyTuple = (byte)')',
    SetItems = (byte)'u',
    BinFloat = (byte)'G',

    // Protocol 2.
    Proto = 0x80,
    NewObj = 0x81,
    Ext1 = 0x82,
    Ext2 = 0x83,
    Ext4 = 0x84,
    Tuple1 = 0x85,
    Tuple2 = 0x86,
    Tuple3 = 0x87,
    NewTrue = 0x88,
    NewFalse = 0x89,
    Long1 = 0x8a,
    Long4 = 0x8b,

    // Protocol 3.
    BinBytes = (byte)'B',
    ShortBinBytes = (byte)'C',

    // Protocol 4.
    ShortBinUnicode = 0x8c,
    BinUnicode8 = 0x8d,
    BinBytes8 = 0x8e,
    EmptySet = 0x8f,
    AddItems = 0x90,
    FrozenSet = 0x91,
    NewObjEx = 0x92,
    StackGlobal = 0x93,
    Memoize = 0x94,
    Frame = 0x95,

    // Protocol 5.
    ByteArray8 = 0x96,
    NextBuffer = 0x97,
    ReadOnlyBuffer = 0x98,
}
