using System.Linq.Expressions;
using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>
/// What one call of a node produced: values by output slot and the UI dictionary of an output node, or the subgraph
/// to run in the node's place (then no values).
/// </summary>
public sealed record NodeResult(object?[] Outputs, UiOutput? Ui, Expansion? Expansion = null)
{
    public static NodeResult Empty { get; } = new([], null);
}

/// <summary>
/// Calls a node's Execute with arguments in input order. Compiled once per node class from an expression tree,
/// so a call costs a delegate invocation, not reflection.
/// </summary>
public sealed class NodeInvoker
{
    private readonly object _node;
    private readonly Func<object, NodeContext, object?[], NodeResult> _call;

    private NodeInvoker(object node, Func<object, NodeContext, object?[], NodeResult> call) => (_node, _call) = (node, call);

    public NodeResult Invoke(NodeContext context, object?[] arguments) => _call(_node, context, arguments);

    /// <summary>
    /// Builds <c>(node, ctx, args) =&gt; wrap(((TNode)node).Execute(ctx?, (T0)args[0], ...))</c>, args holding the
    /// non-context parameters in order; <paramref name="outputs"/> says how to read the result.
    /// </summary>
    internal static NodeInvoker Compile(object node, MethodInfo execute, OutputSchema outputs)
    {
        var nodeParam = Expression.Parameter(typeof(object), "node");
        var ctxParam = Expression.Parameter(typeof(NodeContext), "ctx");
        var argsParam = Expression.Parameter(typeof(object?[]), "args");

        int argIndex = 0;
        var callArgs = execute.GetParameters().Select(p => p.ParameterType == typeof(NodeContext)
            ? (Expression)ctxParam
            : Expression.Convert(Expression.ArrayIndex(argsParam, Expression.Constant(argIndex++)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(nodeParam, execute.DeclaringType!), execute, callArgs);

        var body = outputs.Expands
            ? Expression.New(typeof(NodeResult).GetConstructor([typeof(object?[]), typeof(UiOutput), typeof(Expansion)])!,
                Expression.NewArrayInit(typeof(object)), Expression.Constant(null, typeof(UiOutput)), Expression.Convert(call, typeof(Expansion)))
            : WrapResult(call, execute.ReturnType, outputs.Properties, outputs.Ui);
        var lambda = Expression.Lambda<Func<object, NodeContext, object?[], NodeResult>>(body, nodeParam, ctxParam, argsParam);
        return new NodeInvoker(node, lambda.Compile());
    }

    private static Expression WrapResult(Expression call, Type returnType, IReadOnlyList<PropertyInfo> outputProperties, PropertyInfo? uiProperty)
    {
        var ctor = typeof(NodeResult).GetConstructor([typeof(object?[]), typeof(UiOutput), typeof(Expansion)])!;
        var noExpansion = Expression.Constant(null, typeof(Expansion));
        if (returnType == typeof(void))
            return Expression.Block(call, Expression.Property(null, typeof(NodeResult), nameof(NodeResult.Empty)));
        if (returnType == typeof(UiOutput))
            return Expression.New(ctor, Expression.NewArrayInit(typeof(object)), call, noExpansion);

        var result = Expression.Variable(returnType, "result");
        Expression[] outputs = outputProperties.Count == 0
            ? [Expression.Convert(result, typeof(object))]     // a single socket value
            : outputProperties.Select(p => (Expression)Expression.Convert(Expression.Property(result, p), typeof(object))).ToArray();
        Expression ui = uiProperty is null ? Expression.Constant(null, typeof(UiOutput)) : Expression.Property(result, uiProperty);
        return Expression.Block([result],
            Expression.Assign(result, call),
            Expression.New(ctor, Expression.NewArrayInit(typeof(object), outputs), ui, noExpansion));
    }
}
