using System.Numerics;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>Python's view of the values an unpickled tree holds: type names for messages, nesting for limits.</summary>
internal static class PickleValues
{
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        Complex => "complex",
        string => "str",
        byte[] => "bytes",
        PickleTuple => "tuple",
        List<object?> => "list",
        PickleDict { IsOrderedDict: true } => "collections.OrderedDict",
        PickleDict => "dict",
        PickleSet { IsFrozen: true } => "frozenset",
        PickleSet => "set",
        PickleGlobal g => $"global {g.FullName}",
        PickleObject o => o.Type.FullName,
        StoredTensor => "torch.Tensor",
        TypedStorage => "torch.storage.TypedStorage",
        _ => value.GetType().Name,
    };

    /// <summary>How deeply immutable containers (tuples, frozensets) nest in <paramref name="value"/>; 0 for anything else.</summary>
    public static int NestingDepth(object? value) => value switch
    {
        PickleTuple t => t.Depth,
        PickleSet { IsFrozen: true } s => s.Depth,
        _ => 0,
    };

    /// <summary>A Python int that fits in 64 bits, as pickles give sizes, offsets and indices.</summary>
    public static bool TryGetInt64(object? value, out long result)
    {
        switch (value)
        {
            case long l:
                result = l;
                return true;
            case BigInteger i when i >= long.MinValue && i <= long.MaxValue:
                result = (long)i;
                return true;
            default:
                result = 0;
                return false;
        }
    }
}
