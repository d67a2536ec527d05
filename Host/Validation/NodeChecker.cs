using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Engine;
using Workflow.Host.Graph;
using Workflow.Host.Registry;
using Workflow.NodeSdk;

namespace Workflow.Host.Validation;

/// <summary>
/// Checks one node's inputs against its definition: required inputs present, links well formed and of the
/// right socket type, literals convertible and in range; then the node's own checks. Binds what passes.
/// </summary>
internal sealed class NodeChecker(INodeRegistry registry, EngineOptions options)
{
    private readonly NodePaths _paths = options.Paths;
    private readonly LiteralCoercion _coercion = new(options.Paths, options.Limits);

    /// <summary>Checks a node whose class is registered; links are looked up in <paramref name="graph"/>.</summary>
    public NodeCheck Check(INodeLookup graph, WorkflowNode node)
    {
        registry.TryGet(node.ClassType!, out var definition);
        var exempt = definition.CustomValidator?.ValidatedInputs ?? [];
        var errors = new List<ValidationError>();
        var bound = new BoundInput[definition.Inputs.Count];
        var literals = new Dictionary<string, object?>();
        for (int i = 0; i < definition.Inputs.Count; i++)
        {
            var input = definition.Inputs[i];
            var (value, error) = BindInput(graph, node, input, checkRange: !exempt.Contains(input.Name));
            if (error is not null)
                errors.Add(error);
            else
                bound[i] = value!;
            if (value is BoundLiteral literal && node.Inputs.ContainsKey(input.Name))
                literals[input.Name] = literal.Value;
        }
        if (errors.Count == 0 && definition.CustomValidator is { } validator)
            errors.AddRange(RunCustomValidation(validator, literals));
        return errors.Count > 0 ? new NodeCheck(null, errors) : new NodeCheck(new BoundNode(node.Id, definition, bound), []);
    }

    private Binding BindInput(INodeLookup graph, WorkflowNode node, InputDefinition input, bool checkRange)
    {
        if (!node.Inputs.TryGetValue(input.Name, out var value))
        {
            if (input.Default.Exists)
                return new(new BoundLiteral(input.Default.Value), null);
            return input.Required ? new(null, ValidationErrors.RequiredInputMissing(input.Name)) : new(new BoundLiteral(null), null);
        }
        return value switch
        {
            MalformedLink bad => new(null, ValidationErrors.BadLinkShape(input.Name, Config(input), bad.Value)),
            LinkInput link => new(new BoundLink(link.From, link.Output, link.Element), CheckLink(graph, input, link)),
            LiteralInput literal => Literal(input, literal.Value, checkRange),
            _ => throw new InvalidOperationException($"Unknown input kind {value.GetType().Name}."),
        };
    }

    private Binding Literal(InputDefinition input, JsonElement value, bool checkRange)
    {
        if (value.ValueKind == JsonValueKind.Null && !input.Required)
            return new(new BoundLiteral(null), null);
        var result = _coercion.Coerce(input, value, checkRange);
        return result.Error is null ? new(new BoundLiteral(result.Value), null) : new(null, result.Error);
    }

    private ValidationError? CheckLink(INodeLookup graph, InputDefinition input, LinkInput link)
    {
        if (graph.Find(link.From) is not { } linked)
            return ValidationErrors.LinkToMissingNode(input.Name, Config(input), link);
        if (linked.ClassType is not { } sourceClass || !registry.TryGet(sourceClass, out var source))
            return null;   // the source's own error is reported on the source
        if (link.Output >= source.Outputs.Count)
            return ValidationErrors.LinkToMissingOutput(input.Name, Config(input), link, source.Outputs.Count);
        var received = source.Outputs[link.Output].SocketType;
        return SocketTypeNames.AreCompatible(received, input.SocketType)
            ? null
            : ValidationErrors.ReturnTypeMismatch(input.Name, Config(input), received, input.SocketType, link);
    }

    private IEnumerable<ValidationError> RunCustomValidation(IValidateInputs validator, Dictionary<string, object?> literals)
    {
        try
        {
            return validator.Validate(new InputValues(literals), _paths)
                .Select(p => ValidationErrors.CustomValidationFailed(p.InputName, p.Message)).ToList();
        }
        catch (Exception ex)
        {
            return [ValidationErrors.ExceptionDuringValidation(ex, options.StackTraces)];
        }
    }

    private JsonArray Config(InputDefinition input) => ObjectInfo.InputConfig(input, _paths);

    /// <summary>One input bound to a value or link, or the error that stops it.</summary>
    private readonly record struct Binding(BoundInput? Value, ValidationError? Error);
}

/// <summary>A node bound to its definition, or the errors that stop it (then no node).</summary>
internal sealed record NodeCheck(BoundNode? Node, IReadOnlyList<ValidationError> Errors);
