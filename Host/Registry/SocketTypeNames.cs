using System.Collections.Concurrent;
using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// The socket type name of a CLR type: the built-in primitives, enums (combos), object ("*"), or the
/// [SocketType] name found on the type, its base classes or its interfaces.
/// </summary>
public static class SocketTypeNames
{
    private static readonly ConcurrentDictionary<Type, string?> Cache = new();

    public static string? Of(Type type) => Cache.GetOrAdd(type, Resolve);

    /// <summary>True where an output of type <paramref name="received"/> may feed an input of type <paramref name="expected"/> (ComfyUI's rule: equal names, a wildcard, or intersecting comma lists).</summary>
    public static bool AreCompatible(string received, string expected)
    {
        if (received == expected || received == SocketTypes.Any || expected == SocketTypes.Any)
            return true;
        if (expected == SocketTypes.Combo && received is SocketTypes.String)
            return true;
        var receivedSet = received.Split(',', StringSplitOptions.TrimEntries);
        return expected.Split(',', StringSplitOptions.TrimEntries).Intersect(receivedSet).Any();
    }

    private static string? Resolve(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long) || type == typeof(ulong)) return SocketTypes.Int;
        if (type == typeof(double) || type == typeof(float)) return SocketTypes.Float;
        if (type == typeof(string)) return SocketTypes.String;
        if (type == typeof(bool)) return SocketTypes.Boolean;
        if (type == typeof(object)) return SocketTypes.Any;
        if (type.IsEnum) return SocketTypes.Combo;
        for (var t = type; t is not null; t = t.BaseType)
            if (t.GetCustomAttribute<SocketTypeAttribute>(inherit: false) is { } attr)
                return attr.Name;
        return type.GetInterfaces()
            .Select(i => i.GetCustomAttribute<SocketTypeAttribute>(inherit: false)?.Name)
            .FirstOrDefault(n => n is not null);
    }
}
