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

    public (BoundNode? Node, List<ValidationError> Errors) Check(WorkflowGraph graph, WorkflowNode node)
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
        return errors.Count > 0 ? (null, errors) : (new BoundNode(node.Id, definition, bound), errors);
    }

    private (BoundInput? Value, ValidationError? Error) BindInput(WorkflowGraph graph, WorkflowNode node, InputDefinition input, bool checkRange)
    {
        if (!node.Inputs.TryGetValue(input.Name, out var value))
        {
            if (input.Default.Exists)
                return (new BoundLiteral(input.Default.Value), null);
            return input.Required ? (null, ValidationErrors.RequiredInputMissing(input.Name)) : (new BoundLiteral(null), null);
        }
        return value switch
        {
            MalformedLink bad => (null, ValidationErrors.BadLinkShape(input.Name, Config(input), bad.Value)),
            LinkInput link => (new BoundLink(link.From, link.Output), CheckLink(graph, input, link)),
            LiteralInput literal => Literal(input, literal.Value, checkRange),
            _ => throw new InvalidOperationException($"Unknown input kind {value.GetType().Name}."),
        };
    }

    private (BoundInput?, ValidationError?) Literal(InputDefinition input, JsonElement value, bool checkRange)
    {
        if (value.ValueKind == JsonValueKind.Null && !input.Required)
            return (new BoundLiteral(null), null);
        var result = _coercion.Coerce(input, value, checkRange);
        return result.Error is null ? (new BoundLiteral(result.Value), null) : (null, result.Error);
    }

    private ValidationError? CheckLink(WorkflowGraph graph, InputDefinition input, LinkInput link)
    {
        if (!graph.Contains(link.From))
            return ValidationErrors.LinkToMissingNode(input.Name, Config(input), link);
        if (graph[link.From].ClassType is not { } sourceClass || !registry.TryGet(sourceClass, out var source))
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
}
