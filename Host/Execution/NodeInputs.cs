using System.Globalization;
using Workflow.Host.Graph;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// One node's inputs as lists, as ComfyUI gathers them (input_data_all): a widget value is a list of one, a link the
/// whole output it reads (many values where its source made a list), a lazy input the node has not asked for is left
/// unevaluated. The node then runs once per element (ComfyUI's _async_map_node_over_list): the longest list sets the
/// count and shorter lists repeat their last element; a node taking lists (INPUT_IS_LIST) runs once with them whole.
/// An empty list means no call at all (README, "Choices"). Values are converted between the CLR types one socket
/// type stands for (an INT output is a long; a seed input takes a ulong).
/// </summary>
internal sealed class NodeInputs
{
    private readonly BoundNode _node;
    private readonly IReadOnlyList<object?>?[] _lists;   // null: a lazy input not evaluated

    private NodeInputs(BoundNode node, IReadOnlyList<object?>?[] lists)
    {
        _node = node;
        _lists = lists;
        CallCount = node.Definition.InputIsList ? 1 : CountCalls(lists);
    }

    /// <param name="asked">The lazy inputs the node has asked for; its other lazy inputs stay unevaluated.</param>
    public static NodeInputs Gather(BoundNode node, RunValues values, IReadOnlySet<string>? asked)
    {
        var lists = new IReadOnlyList<object?>?[node.Inputs.Count];
        for (int i = 0; i < lists.Length; i++)
        {
            var input = node.Definition.Inputs[i];
            lists[i] = node.Inputs[i] switch
            {
                BoundLink when input.Lazy && asked?.Contains(input.Name) != true => null,
                BoundLink link => Read(values[link.From].Slots[link.Output], link.Element),
                BoundLiteral literal => [literal.Value],
                var other => throw new InvalidOperationException($"Unknown bound input {other.GetType().Name}."),
            };
        }
        return new NodeInputs(node, lists);
    }

    /// <summary>How many times the node runs: once per element of its longest input list.</summary>
    public int CallCount { get; }

    /// <summary>The wire names of lazy inputs with a link that are not evaluated.</summary>
    public IEnumerable<string> Unevaluated => _node.Definition.Inputs.Where((input, i) => _lists[i] is null).Select(input => input.Name);

    /// <summary>Execute's arguments for one call, in input order.</summary>
    public object?[] Arguments(int call)
    {
        var arguments = new object?[_lists.Length];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = Argument(i, call);
        return arguments;
    }

    /// <summary>The evaluated inputs of one call by wire name, for a node's own question of which lazy inputs it needs.</summary>
    public InputValues Evaluated(int call)
    {
        var values = new Dictionary<string, object?>();
        for (int i = 0; i < _lists.Length; i++)
            if (_lists[i] is not null)
                values[_node.Definition.Inputs[i].Name] = Argument(i, call);
        return new InputValues(values);
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

    /// <summary>An output's values, or the one element a link names (the last where the list is shorter).</summary>
    public static IReadOnlyList<object?> Read(IReadOnlyList<object?> values, int? element) =>
        element is { } e && values.Count > 0 ? [values[Math.Min(e, values.Count - 1)]] : values;

    private static int CountCalls(IReadOnlyList<object?>?[] lists)
    {
        int count = 1;
        foreach (var list in lists)
        {
            if (list is { Count: 0 })
                return 0;
            count = Math.Max(count, list?.Count ?? 1);
        }
        return count;
    }

    private object? Argument(int i, int call)
    {
        if (_lists[i] is not { } list)
            return null;
        var input = _node.Definition.Inputs[i];
        if (!_node.Definition.InputIsList)
            return Convert(input, list[Math.Min(call, list.Count - 1)]);
        if (_node.Inputs[i] is BoundLiteral { Value: null })
            return null;   // an optional input left out: no list at all
        var typed = Array.CreateInstance(input.ClrType, list.Count);
        for (int j = 0; j < list.Count; j++)
            typed.SetValue(Convert(input, list[j]), j);
        return typed;
    }

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
