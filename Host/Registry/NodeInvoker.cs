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
/// so a call costs a delegate invocation, not reflection. An async Execute (Task, Task&lt;T&gt;, ValueTask,
/// ValueTask&lt;T&gt;) is awaited, never blocked on; a synchronous one completes without allocating a task.
/// </summary>
public sealed class NodeInvoker
{
    private readonly object _node;
    private readonly Func<object, NodeContext, object?[], ValueTask<NodeResult>> _call;

    private NodeInvoker(object node, Func<object, NodeContext, object?[], ValueTask<NodeResult>> call) => (_node, _call) = (node, call);

    public ValueTask<NodeResult> InvokeAsync(NodeContext context, object?[] arguments) => _call(_node, context, arguments);

    /// <summary>
    /// Builds <c>(node, ctx, args) =&gt; wrap(((TNode)node).Execute(ctx?, (T0)args[0], ..., ctx.Cancellation?))</c>:
    /// each non-host parameter takes the next slot of args, a <see cref="NodeContext"/> parameter the context and a
    /// <see cref="CancellationToken"/> parameter the prompt's cancellation.
    /// </summary>
    internal static NodeInvoker Compile(object node, MethodInfo execute, OutputSchema outputs)
    {
        var nodeParam = Expression.Parameter(typeof(object), "node");
        var ctxParam = Expression.Parameter(typeof(NodeContext), "ctx");
        var argsParam = Expression.Parameter(typeof(object?[]), "args");

        int argIndex = 0;
        var callArgs = execute.GetParameters().Select(p => p.ParameterType == typeof(NodeContext) ? ctxParam
            : p.ParameterType == typeof(CancellationToken) ? Expression.Property(ctxParam, nameof(NodeContext.Cancellation))
            : (Expression)Expression.Convert(Expression.ArrayIndex(argsParam, Expression.Constant(argIndex++)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(nodeParam, execute.DeclaringType!), execute, callArgs);

        var body = Awaited(call, execute.ReturnType, outputs);
        var lambda = Expression.Lambda<Func<object, NodeContext, object?[], ValueTask<NodeResult>>>(body, nodeParam, ctxParam, argsParam);
        return new NodeInvoker(node, lambda.Compile());
    }

    /// <summary>The type an Execute's result has once awaited: T of Task&lt;T&gt; or ValueTask&lt;T&gt;, void for Task or ValueTask.</summary>
    public static Type ResultType(Type returnType) =>
        returnType == typeof(Task) || returnType == typeof(ValueTask) ? typeof(void)
        : returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? returnType.GetGenericArguments()[0]
            : returnType;

    private static Expression Awaited(Expression call, Type returnType, OutputSchema outputs)
    {
        var resultType = ResultType(returnType);
        if (resultType == returnType)
            return Expression.New(typeof(ValueTask<NodeResult>).GetConstructor([typeof(NodeResult)])!, Wrap(call, returnType, outputs));
        if (resultType == typeof(void))
            return Expression.Call(typeof(NodeInvoker).GetMethod(nameof(AwaitEmpty), BindingFlags.NonPublic | BindingFlags.Static, [returnType])!, call);
        var result = Expression.Parameter(resultType, "result");
        var wrap = Expression.Lambda(Wrap(result, resultType, outputs), result);
        var awaiter = typeof(NodeInvoker).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == nameof(AwaitResult) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == returnType.GetGenericTypeDefinition())
            .MakeGenericMethod(resultType);
        return Expression.Call(awaiter, call, wrap);
    }

    private static async ValueTask<NodeResult> AwaitResult<T>(Task<T> task, Func<T, NodeResult> wrap) => wrap(await task.ConfigureAwait(false));

    private static async ValueTask<NodeResult> AwaitResult<T>(ValueTask<T> task, Func<T, NodeResult> wrap) => wrap(await task.ConfigureAwait(false));

    private static async ValueTask<NodeResult> AwaitEmpty(Task task)
    {
        await task.ConfigureAwait(false);
        return NodeResult.Empty;
    }

    private static async ValueTask<NodeResult> AwaitEmpty(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return NodeResult.Empty;
    }

    /// <summary>A NodeResult from Execute's (awaited) value: an expansion as it is, else the outputs read from it.</summary>
    private static Expression Wrap(Expression value, Type valueType, OutputSchema outputs) => outputs.Expands
        ? Expression.New(typeof(NodeResult).GetConstructor([typeof(object?[]), typeof(UiOutput), typeof(Expansion)])!,
            Expression.NewArrayInit(typeof(object)), Expression.Constant(null, typeof(UiOutput)), Expression.Convert(value, typeof(Expansion)))
        : WrapResult(value, valueType, outputs.Properties, outputs.Ui);

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
