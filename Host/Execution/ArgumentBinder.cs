using System.Globalization;
using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// Builds a node's argument array from its bound inputs: literals as validated, links from upstream outputs,
/// converted between the CLR types one socket type stands for (an INT output is a long; a seed input takes a ulong).
/// </summary>
internal static class ArgumentBinder
{
    public static object?[] Bind(BoundNode node, IReadOnlyDictionary<NodeId, NodeOutputs> available)
    {
        var args = new object?[node.Inputs.Count];
        for (int i = 0; i < args.Length; i++)
        {
            var input = node.Definition.Inputs[i];
            args[i] = node.Inputs[i] switch
            {
                BoundLiteral literal => literal.Value,
                BoundLink link => Convert(input, available[link.From].Values[link.Output]),
                _ => null,
            };
        }
        return args;
    }

    /// <summary>A short text per input for error reports: literals as written (long ones cut), links as their source.</summary>
    public static IReadOnlyDictionary<string, string> Describe(BoundNode node) =>
        node.Definition.Inputs.Zip(node.Inputs).ToDictionary(
            pair => pair.First.Name,
            pair => pair.Second switch
            {
                BoundLiteral { Value: null } => "null",
                BoundLiteral literal => Echo.Text(System.Convert.ToString(literal.Value, CultureInfo.InvariantCulture) ?? ""),
                BoundLink link => $"output {link.Output} of node {link.From}",
                _ => "",
            });

    private static object? Convert(InputDefinition input, object? value)
    {
        if (value is null || input.ClrType.IsInstanceOfType(value))
            return value;
        if (input.ClrType.IsPrimitive && value is IConvertible)
        {
            try
            {
                return System.Convert.ChangeType(value, input.ClrType, CultureInfo.InvariantCulture);
            }
            catch (OverflowException ex)
            {
                throw new InputException(input.Name, value, $"does not fit in {input.ClrType.Name}", ex);
            }
        }
        throw new InputException(input.Name, value, $"expected {input.ClrType.Name}, received {value.GetType().Name}");
    }
}
