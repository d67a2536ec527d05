using System.Numerics;
using System.Text;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// What calling (REDUCE, INST, OBJ), instantiating (NEWOBJ) or building (BUILD) an allowed global does: each is
/// written here as data construction, the way torch.load(weights_only=True) would end up, and nothing else can be
/// called. Tensor rebuild functions follow torch/_utils.py.
/// </summary>
internal static class GlobalCalls
{
    /// <summary>REDUCE: <paramref name="callable"/>(*<paramref name="args"/>).</summary>
    public static object? Call(object? callable, PickleTuple args)
    {
        var global = callable as PickleGlobal ?? throw new PickleError($"REDUCE calls a {PickleValues.TypeName(callable)}, which is not an allowed global");
        return global.Kind switch
        {
            GlobalKind.OrderedDict => NewDict(args, global),
            GlobalKind.Set => new PickleSet(isFrozen: false, args.Count == 0 ? [] : Iterable(Only(args, global, 1)[0], global)),
            GlobalKind.ByteArray => ByteArray(args, global),
            GlobalKind.Complex => Complex(args, global),
            GlobalKind.Encode => Encode(args, global),
            GlobalKind.Size => new PickleTuple([.. Iterable(Only(args, global, 1)[0], global).Select(v => Integer(v, global, "size"))]),
            GlobalKind.Device => Device(args, global),
            GlobalKind.ParameterType => Parameter(args, global),
            GlobalKind.RebuildTensor => TensorRebuild.Legacy(args),
            GlobalKind.RebuildTensorV2 => TensorRebuild.V2(args),
            GlobalKind.RebuildTensorV3 => TensorRebuild.V3(args),
            GlobalKind.RebuildParameter or GlobalKind.RebuildParameterWithState => TensorRebuild.Parameter(args, global),
            GlobalKind.RebuildFromTypeV2 => RebuildFromType(args, global),
            GlobalKind.InertClass => new PickleObject(global, args),
            GlobalKind.ReturnsNone => null,
            _ => throw new PickleError($"'{global}' cannot be called"),
        };
    }

    /// <summary>NEWOBJ / NEWOBJ_EX: cls.__new__(cls, *args), for the classes whose instances are plain data.</summary>
    public static object? New(object? cls, PickleTuple args)
    {
        var global = cls as PickleGlobal ?? throw new PickleError($"NEWOBJ instantiates a {PickleValues.TypeName(cls)}, which is not an allowed class");
        return global.Kind switch
        {
            GlobalKind.OrderedDict => new PickleDict(isOrderedDict: true),
            GlobalKind.Set => new PickleSet(isFrozen: false, []),
            GlobalKind.ParameterType => Parameter(args, global),
            GlobalKind.InertClass => new PickleObject(global, args),
            _ => throw new PickleError($"NEWOBJ of '{global}' is not allowed: only OrderedDict, set, Parameter and inert stand-ins are instantiated"),
        };
    }

    /// <summary>BUILD: sets the state of an OrderedDict (its attributes, e.g. a state dict's _metadata) or of an inert stand-in.</summary>
    public static void Build(object? instance, object? state)
    {
        switch (instance)
        {
            case PickleDict { IsOrderedDict: true } dict:
                dict.Attributes = state switch
                {
                    null => null,
                    PickleDict attributes => attributes,
                    _ => throw new PickleError($"BUILD gives an OrderedDict a {PickleValues.TypeName(state)} as state, not a dict"),
                };
                break;
            case PickleObject inert:
                inert.State = state;
                break;
            default:
                throw new PickleError($"BUILD on a {PickleValues.TypeName(instance)} is not allowed: only OrderedDict and inert stand-ins take state");
        }
    }

    public static IEnumerable<object?> Iterable(object? value, PickleGlobal caller) => value switch
    {
        PickleTuple t => t,
        List<object?> l => l,
        PickleSet s => s,
        PickleDict d => d.Keys,
        _ => throw new PickleError($"'{caller}' expects an iterable, got a {PickleValues.TypeName(value)}"),
    };

    public static long Integer(object? value, PickleGlobal caller, string what) =>
        PickleValues.TryGetInt64(value, out var result) ? result : throw new PickleError($"'{caller}': {what} is a {PickleValues.TypeName(value)}, not an int");

    /// <summary>The arguments, checked to number between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static PickleTuple Only(PickleTuple args, PickleGlobal caller, int min, int? max = null) =>
        args.Count >= min && args.Count <= (max ?? min)
            ? args
            : throw new PickleError($"'{caller}' takes {(max is int m && m != min ? $"{min} to {m}" : min.ToString())} arguments, the pickle gives {args.Count}");

    private static PickleDict NewDict(PickleTuple args, PickleGlobal global)
    {
        var dict = new PickleDict(isOrderedDict: true);
        if (args.Count == 0)
            return dict;
        // Python 2's OrderedDict.__reduce__ passed its items as a list of [key, value] pairs.
        foreach (var pair in Iterable(Only(args, global, 1)[0], global))
        {
            var items = Iterable(pair, global).ToList();
            if (items.Count != 2)
                throw new PickleError($"OrderedDict items must be (key, value) pairs, one has {items.Count} values");
            dict.Set(items[0], items[1]);
        }
        return dict;
    }

    private static byte[] ByteArray(PickleTuple args, PickleGlobal global)
    {
        Only(args, global, 0, 2);
        return args.Count switch
        {
            0 => [],
            1 when args[0] is byte[] bytes => [.. bytes],
            2 when args[0] is string text => EncodeText(text, args[1], global),
            _ => throw new PickleError($"'{global}' is given {args.Count} arguments of types {string.Join(", ", args.Select(PickleValues.TypeName))}"),
        };
    }

    private static byte[] Encode(PickleTuple args, PickleGlobal global)
    {
        Only(args, global, 1, 3);
        return args[0] is string text
            ? EncodeText(text, args.Count > 1 ? args[1] : "utf-8", global)
            : throw new PickleError($"'{global}' encodes a {PickleValues.TypeName(args[0])}, not a str");
    }

    /// <summary>Protocol 2 writes bytes as _codecs.encode(text, 'latin1'); UTF-8 and ASCII are accepted as well.</summary>
    private static byte[] EncodeText(string text, object? encoding, PickleGlobal global) => (encoding as string)?.ToLowerInvariant() switch
    {
        "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1" when text.All(c => c <= 0xff) => Encoding.Latin1.GetBytes(text),
        "utf-8" or "utf8" => Encoding.UTF8.GetBytes(text),
        "ascii" when text.All(c => c < 0x80) => Encoding.ASCII.GetBytes(text),
        _ => throw new PickleError($"'{global}' cannot encode this text as {encoding ?? "None"} (latin1, utf-8 and ascii are read)"),
    };

    private static Complex Complex(PickleTuple args, PickleGlobal global)
    {
        Only(args, global, 0, 2);
        return new Complex(args.Count > 0 ? Real(args[0], global) : 0, args.Count > 1 ? Real(args[1], global) : 0);
    }

    private static double Real(object? value, PickleGlobal global) => value switch
    {
        double d => d,
        long l => l,
        BigInteger i => (double)i,
        bool b => b ? 1 : 0,
        _ => throw new PickleError($"'{global}' is given a {PickleValues.TypeName(value)}, not a number"),
    };

    /// <summary>torch.device('cuda', 0) as its string form ("cuda:0"); loading always targets the caller's device.</summary>
    private static string Device(PickleTuple args, PickleGlobal global)
    {
        Only(args, global, 1, 2);
        return (args.Count, args[0]) switch
        {
            (1, string name) => name,
            (1, _) => $"cuda:{Integer(args[0], global, "index")}",
            (2, string type) => $"{type}:{Integer(args[1], global, "index")}",
            _ => throw new PickleError($"'{global}' is given a {PickleValues.TypeName(args[0])} as device type"),
        };
    }

    /// <summary>torch.nn.Parameter(data, requires_grad): the tensor itself (gradients mean nothing here).</summary>
    private static StoredTensor Parameter(PickleTuple args, PickleGlobal global) =>
        Only(args, global, 1, 2)[0] as StoredTensor ?? throw new PickleError($"'{global}' wraps a {PickleValues.TypeName(args[0])}, not a tensor");

    /// <summary>torch._tensor._rebuild_from_type_v2(func, new_type, args, state): a tensor or Parameter with Python attributes.</summary>
    private static StoredTensor RebuildFromType(PickleTuple args, PickleGlobal global)
    {
        Only(args, global, 4);
        if (args[0] is not PickleGlobal { Kind: GlobalKind.RebuildTensor or GlobalKind.RebuildTensorV2 or GlobalKind.RebuildTensorV3
                or GlobalKind.RebuildParameter or GlobalKind.RebuildParameterWithState } rebuild)
            throw new PickleError($"'{global}' rebuilds with a {PickleValues.TypeName(args[0])}, not a tensor rebuild function");
        if (args[1] is not PickleGlobal { Kind: GlobalKind.TensorType or GlobalKind.ParameterType })
            throw new PickleError($"'{global}' makes a {PickleValues.TypeName(args[1])}: only torch.Tensor and Parameter are read, not subclasses");
        var inner = args[2] as PickleTuple ?? throw new PickleError($"'{global}' passes a {PickleValues.TypeName(args[2])} as arguments, not a tuple");
        return (StoredTensor)Call(rebuild, inner)!;
    }
}
