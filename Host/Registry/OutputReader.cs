using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// Reads a node's outputs from its Execute return type: void or UiOutput (none), a socket type (one),
/// or an INodeOutputs record (one per primary-constructor parameter, in order; a UiOutput property is the UI).
/// An output typed <c>IReadOnlyList&lt;T&gt;</c> is a list of T's socket type (OUTPUT_IS_LIST); <c>Expansion&lt;T&gt;</c>
/// declares T's outputs, produced by a subgraph.
/// </summary>
internal static class OutputReader
{
    public static OutputSchema Read(Type returnType, List<string> problems)
    {
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Expansion<>))
            return Read(returnType.GetGenericArguments()[0], problems) with { Expands = true };
        if (returnType == typeof(void) || returnType == typeof(UiOutput))
            return OutputSchema.None;
        if (!typeof(INodeOutputs).IsAssignableFrom(returnType))
        {
            var output = Output(socketName: null, returnType, problems, "Return type");
            return output is null ? OutputSchema.None : OutputSchema.None with { Outputs = [output] };
        }
        return ReadRecord(returnType, problems);
    }

    /// <summary>The element type of <c>IReadOnlyList&lt;T&gt;</c>, or null for any other type.</summary>
    public static Type? ListElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    private static OutputSchema ReadRecord(Type type, List<string> problems)
    {
        var ctor = type.GetConstructors().MaxBy(c => c.GetParameters().Length);
        if (ctor is null)
        {
            problems.Add($"Outputs record {type.Name} has no public constructor.");
            return OutputSchema.None;
        }
        var outputs = new List<OutputDefinition>();
        var properties = new List<PropertyInfo>();
        PropertyInfo? ui = null;
        foreach (var parameter in ctor.GetParameters())
        {
            var property = type.GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
            {
                problems.Add($"Outputs record {type.Name}: constructor parameter '{parameter.Name}' has no matching property.");
                continue;
            }
            if (property.PropertyType == typeof(UiOutput))
            {
                ui = property;
                continue;
            }
            if (Output(WireNames.ToUpperSnakeCase(property.Name), property.PropertyType, problems, $"Output '{property.Name}'") is { } output)
            {
                outputs.Add(output);
                properties.Add(property);
            }
        }
        return new OutputSchema(outputs, properties, ui, Expands: false);
    }

    /// <summary>One output of a CLR type, a list where the type is <c>IReadOnlyList&lt;T&gt;</c>; named after its socket unless named.</summary>
    private static OutputDefinition? Output(string? socketName, Type type, List<string> problems, string what)
    {
        var element = ListElement(type);
        var socket = SocketTypeNames.Of(element ?? type);
        if (socket is null)
        {
            problems.Add($"{what}: {UnboundAdvice.For(element ?? type)}");
            return null;
        }
        return new OutputDefinition(socketName ?? socket, socket, element ?? type, IsList: element is not null);
    }
}

/// <summary>What a return type declares: the outputs, the record properties holding them, the UI property, and whether a subgraph makes them.</summary>
internal sealed record OutputSchema(IReadOnlyList<OutputDefinition> Outputs, IReadOnlyList<PropertyInfo> Properties, PropertyInfo? Ui, bool Expands)
{
    public static OutputSchema None { get; } = new([], [], null, false);
}
