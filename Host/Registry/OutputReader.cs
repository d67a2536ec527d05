using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// Reads a node's outputs from its Execute return type: void or UiOutput (none), a socket type (one),
/// or an INodeOutputs record (one per primary-constructor parameter, in order; a UiOutput property is the UI).
/// </summary>
internal static class OutputReader
{
    public static (List<OutputDefinition> Outputs, List<PropertyInfo> Properties, PropertyInfo? Ui) Read(Type returnType, List<string> problems)
    {
        if (returnType == typeof(void) || returnType == typeof(UiOutput))
            return ([], [], null);
        if (!typeof(INodeOutputs).IsAssignableFrom(returnType))
        {
            var socket = SocketTypeNames.Of(returnType);
            if (socket is null)
            {
                problems.Add($"Return type: {UnboundAdvice.For(returnType)}");
                return ([], [], null);
            }
            return ([new OutputDefinition(socket, socket, returnType)], [], null);
        }
        return ReadRecord(returnType, problems);
    }

    private static (List<OutputDefinition>, List<PropertyInfo>, PropertyInfo?) ReadRecord(Type type, List<string> problems)
    {
        var ctor = type.GetConstructors().MaxBy(c => c.GetParameters().Length);
        if (ctor is null)
        {
            problems.Add($"Outputs record {type.Name} has no public constructor.");
            return ([], [], null);
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
            var socket = SocketTypeNames.Of(property.PropertyType);
            if (socket is null)
            {
                problems.Add($"Output '{property.Name}': {UnboundAdvice.For(property.PropertyType)}");
                continue;
            }
            outputs.Add(new OutputDefinition(WireNames.ToUpperSnakeCase(property.Name), socket, property.PropertyType));
            properties.Add(property);
        }
        return (outputs, properties, ui);
    }
}
