namespace Workflow.Host.Registry;

/// <summary>Why a type cannot cross a socket, and what to do instead, for the schema problems a plugin author reads.</summary>
internal static class UnboundAdvice
{
    public static string For(Type type)
    {
        var name = TypeName(type);
        if (IsAwaitable(type))
            return $"type {name} is a task: only Execute's return type may be one (Task<T> or ValueTask<T>); take the value itself as the input.";
        if (type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)))
            return $"type {name} is bound to no socket type: use int, long, ulong, double, float, string, bool, an enum, object (any) or a type of your own marked [SocketType(\"NAME\")].";
        return $"type {name} is bound to no socket type: mark it (or a base class or interface) with [SocketType(\"NAME\")].";
    }

    private static bool IsAwaitable(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask)
        || (type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(Task<>) || definition == typeof(ValueTask<>)));

    public static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;
}
