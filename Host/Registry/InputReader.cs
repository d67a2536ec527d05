using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// Reads one Execute parameter into an input definition: wire name, socket type, widget constraints, default, laziness.
/// A list-taking node's parameters are <c>IReadOnlyList&lt;T&gt;</c>, read as inputs of T.
/// </summary>
internal static class InputReader
{
    public static InputDefinition? Read(ParameterInfo parameter, int argumentIndex, bool inputIsList, List<string> problems)
    {
        var meta = parameter.GetCustomAttribute<InputAttribute>();
        string name = meta?.Name ?? WireNames.ToSnakeCase(parameter.Name!);
        var clrType = ValueType(parameter, name, inputIsList, problems);
        if (clrType is null)
            return null;
        var socket = SocketTypeNames.Of(clrType);
        if (socket is null)
        {
            problems.Add($"Input '{name}': " + (OutputReader.ListElement(clrType) is null
                ? UnboundAdvice.For(clrType)
                : $"type {UnboundAdvice.TypeName(clrType)} is a list: set InputIsList = true on [Node] to take whole lists."));
            return null;
        }
        var constraints = ReadConstraints(parameter, name, clrType, socket, problems);
        if (constraints is null)
            return null;
        if (constraints is ComboConstraints)
            socket = SocketTypes.Combo;
        var lazy = meta?.Lazy ?? false;
        if (lazy && parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null)
            problems.Add($"Input '{name}': a lazy input is null until the node asks for it, so {clrType.Name} must be nullable ({clrType.Name}?).");

        var defaultValue = parameter.HasDefaultValue && parameter.DefaultValue is not null
            ? DefaultValue.Of(NormalizeDefault(parameter.DefaultValue, clrType))
            : DefaultValue.None;
        CheckDefault(name, defaultValue, constraints, problems);
        return new InputDefinition(name, socket, clrType, !IsNullable(parameter), argumentIndex,
            constraints, defaultValue, meta?.Tooltip, meta?.ForceInput ?? false, lazy);
    }

    /// <summary>The type of one value: the parameter's own, or for a list-taking node the T of its <c>IReadOnlyList&lt;T&gt;</c>.</summary>
    private static Type? ValueType(ParameterInfo parameter, string name, bool inputIsList, List<string> problems)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (!inputIsList)
            return type;
        var element = OutputReader.ListElement(type);
        if (element is null)
            problems.Add($"Input '{name}': a node with InputIsList takes every input as IReadOnlyList<T>, not {type.Name}.");
        return element;
    }

    // A context per call: NullabilityInfoContext is not thread-safe, and engines (tests, servers) read schemas in parallel.
    private static bool IsNullable(ParameterInfo parameter) =>
        Nullable.GetUnderlyingType(parameter.ParameterType) is not null
        || (!parameter.ParameterType.IsValueType && new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable);

    private static InputConstraints? ReadConstraints(ParameterInfo p, string name, Type clrType, string socket, List<string> problems)
    {
        var combo = p.GetCustomAttribute<ComboAttribute>();
        if (clrType.IsEnum)
        {
            if (Enum.GetNames(clrType).Length > 0)
                return ComboOptions.ForEnum(clrType);
            problems.Add($"Input '{name}': enum {clrType.Name} has no members, so its combo would offer nothing.");
            return null;
        }
        if (combo is not null)
        {
            if (clrType == typeof(string))
                return ComboOptions.For(combo);
            problems.Add($"Input '{name}': [Combo] needs a string parameter, not {clrType.Name}.");
            return null;
        }
        return socket switch
        {
            SocketTypes.Int => ReadInt(p, name, clrType, problems),
            SocketTypes.Float => p.GetCustomAttribute<FloatAttribute>() is { } f
                ? new FloatConstraints(f.Min, f.Max, f.Step, f.Round)
                : new FloatConstraints(double.NegativeInfinity, double.PositiveInfinity, 0.1, 0),
            SocketTypes.String => p.GetCustomAttribute<StringAttribute>() is { } s
                ? new StringConstraints(s.Multiline, s.Placeholder)
                : new StringConstraints(false, null),
            SocketTypes.Boolean => p.GetCustomAttribute<BooleanAttribute>() is { } b
                ? new BooleanConstraints(b.LabelOn, b.LabelOff)
                : new BooleanConstraints(null, null),
            _ => SocketConstraints.Instance,
        };
    }

    private static IntConstraints? ReadInt(ParameterInfo p, string name, Type clrType, List<string> problems)
    {
        var (typeMin, typeMax) = clrType == typeof(int) ? ((Int128)int.MinValue, (Int128)int.MaxValue)
            : clrType == typeof(ulong) ? (Int128.Zero, (Int128)ulong.MaxValue)
            : ((Int128)long.MinValue, (Int128)long.MaxValue);
        if (p.GetCustomAttribute<SeedAttribute>() is not null)
        {
            if (clrType == typeof(ulong))
                return new IntConstraints(typeMin, typeMax, 1, IsSeed: true);
            problems.Add($"Input '{name}': [Seed] needs a ulong parameter, not {clrType.Name}.");
            return null;
        }
        var attr = p.GetCustomAttribute<IntAttribute>();
        return new IntConstraints(
            Int128.Max(typeMin, attr?.Min ?? long.MinValue),
            Int128.Min(typeMax, attr?.Max ?? long.MaxValue),
            attr?.Step ?? 1, IsSeed: false);
    }

    private static object NormalizeDefault(object value, Type clrType) =>
        clrType.IsEnum ? Enum.ToObject(clrType, value) : value;

    private static void CheckDefault(string name, DefaultValue value, InputConstraints constraints, List<string> problems)
    {
        if (!value.Exists)
            return;
        string? problem = constraints switch
        {
            IntConstraints c when Convert.ToDecimal(value.Value) is var d && (d < (decimal)c.Min || d > (decimal)c.Max)
                => $"default {value.Value} is outside [{c.Min}, {c.Max}]",
            FloatConstraints c when Convert.ToDouble(value.Value) is var d && (d < c.Min || d > c.Max)
                => $"default {value.Value} is outside [{c.Min}, {c.Max}]",
            ComboConstraints { EnumMembers: null } c when c.Options(ComboOptions.NoPaths) is { Count: > 0 } options
                && !options.Contains((string)value.Value!)
                => $"default '{value.Value}' is not one of its options",
            _ => null,
        };
        if (problem is not null)
            problems.Add($"Input '{name}': {problem}.");
    }
}
