using System.Reflection;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// Reads a node class's schema by reflection, checking it all at once (duplicate names, defaults outside
/// their range, types bound to no socket, ...): a class with problems yields none of its definition.
/// </summary>
public static class NodeDefinitionReader
{
    public static IEnumerable<Type> NodeTypes(Assembly assembly) =>
        LoadableTypes.Of(assembly).Where(t => t.GetCustomAttribute<NodeAttribute>() is not null);

    public static NodeReadResult Read(Type type, string module)
    {
        var attr = type.GetCustomAttribute<NodeAttribute>()
            ?? throw new ArgumentException($"{type.FullName} has no [Node] attribute.", nameof(type));
        var problems = new List<string>();
        var node = CreateInstance(type, problems);
        var execute = FindExecute(type, problems);
        if (node is null || execute is null)
            return NodeReadResult.Failed(attr.Name, problems);

        var inputs = ReadInputs(execute, attr.InputIsList, problems);
        var outputs = OutputReader.Read(NodeInvoker.ResultType(execute.ReturnType), problems);
        CheckLazyInputs(node, inputs, problems);
        if (problems.Count > 0)
            return NodeReadResult.Failed(attr.Name, problems);

        var flags = (attr.OutputNode ? NodeFlags.OutputNode : 0) | (attr.NotIdempotent ? NodeFlags.NotIdempotent : 0)
                  | (attr.Deprecated ? NodeFlags.Deprecated : 0) | (attr.Experimental ? NodeFlags.Experimental : 0)
                  | (attr.InputIsList ? NodeFlags.InputIsList : 0) | (outputs.Expands ? NodeFlags.Expands : 0);
        var definition = new NodeDefinition(
            attr.Name, attr.Aliases, attr.DisplayName ?? attr.Name, attr.Category, attr.Description, flags,
            inputs, outputs.Outputs, module,
            NodeInvoker.Compile(node, execute, outputs),
            node as IFingerprint, node as IValidateInputs, node as ILazyInputs);
        return new NodeReadResult(attr.Name, definition, []);
    }

    private static object? CreateInstance(Type type, List<string> problems)
    {
        if (type.IsAbstract || !typeof(INode).IsAssignableFrom(type))
        {
            problems.Add($"{type.FullName} must be a concrete class implementing INode.");
            return null;
        }
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            problems.Add($"{type.FullName} needs a public parameterless constructor (nodes are stateless).");
            return null;
        }
        try
        {
            return Activator.CreateInstance(type);
        }
        catch (TargetInvocationException ex)
        {
            problems.Add($"{type.FullName} constructor threw {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}");
            return null;
        }
    }

    private static MethodInfo? FindExecute(Type type, List<string> problems)
    {
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "Execute").ToList();
        if (methods.Count == 1)
            return methods[0];
        problems.Add(methods.Count == 0
            ? $"{type.FullName} has no public Execute method."
            : $"{type.FullName} has {methods.Count} Execute overloads; the schema needs exactly one.");
        return null;
    }

    /// <summary>Lazy inputs and the node's answer to which it needs come together: one without the other is a mistake.</summary>
    private static void CheckLazyInputs(object node, List<InputDefinition> inputs, List<string> problems)
    {
        var lazy = inputs.Where(i => i.Lazy).Select(i => i.Name).ToList();
        if (lazy.Count > 0 && node is not ILazyInputs)
            problems.Add($"Lazy input(s) {string.Join(", ", lazy)} need the node to implement ILazyInputs, which says when they are needed.");
        if (lazy.Count == 0 && node is ILazyInputs)
            problems.Add("The node implements ILazyInputs but has no input marked [Input(Lazy = true)].");
    }

    private static List<InputDefinition> ReadInputs(MethodInfo execute, bool inputIsList, List<string> problems)
    {
        var inputs = new List<InputDefinition>();
        int argumentIndex = 0;
        foreach (var parameter in execute.GetParameters())
        {
            if (IsSuppliedByHost(parameter.ParameterType))
                continue;
            if (InputReader.Read(parameter, argumentIndex++, inputIsList, problems) is { } input)
                inputs.Add(input);
        }
        foreach (var duplicate in inputs.GroupBy(i => i.Name).Where(g => g.Count() > 1))
            problems.Add($"Input name '{duplicate.Key}' is used by {duplicate.Count()} parameters.");
        return inputs;
    }

    /// <summary>Parameters the host fills in and that are no inputs: the node's context and the prompt's cancellation.</summary>
    public static bool IsSuppliedByHost(Type parameterType) => parameterType == typeof(NodeContext) || parameterType == typeof(CancellationToken);
}

/// <summary>The definition read from a node class, or why there is none.</summary>
public sealed record NodeReadResult(string Name, NodeDefinition? Definition, IReadOnlyList<string> Problems)
{
    public static NodeReadResult Failed(string name, IReadOnlyList<string> problems) => new(name, null, problems);
}
