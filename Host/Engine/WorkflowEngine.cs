using System.Reflection;
using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Execution;
using Workflow.Host.Graph;
using Workflow.Host.Plugins;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Engine;

/// <summary>
/// The parts that run workflows, put together once: registry (filled from plugins), validator, executor and
/// its cache. The CLI and the server each hold one; tests build one from in-process node assemblies.
/// </summary>
public sealed class WorkflowEngine
{
    private WorkflowEngine(NodeRegistry registry, PluginReport plugins, EngineOptions options, ILoggerFactory loggers)
    {
        Registry = registry;
        Plugins = plugins;
        Paths = options.Paths;
        Leases = new ValueLeases();
        Cache = new OutputCache(options.CacheBudget, Leases);
        Validator = new Validator(registry, options);
        Executor = new Executor(Cache, Leases, registry, options, loggers);
    }

    public INodeRegistry Registry { get; }
    public PluginReport Plugins { get; }
    public NodePaths Paths { get; }
    public Validator Validator { get; }
    public Executor Executor { get; }
    public OutputCache Cache { get; }
    public ValueLeases Leases { get; }

    /// <summary>Loads the plugins, then registers nodes of assemblies already in the process (tests, built-ins).</summary>
    public static WorkflowEngine Create(EngineOptions options, ILoggerFactory loggers, params Assembly[] inProcessNodeAssemblies)
    {
        var registry = new NodeRegistry();
        var loader = new PluginLoader(registry, loggers.CreateLogger<PluginLoader>());
        loader.LoadAll(options.Plugins);
        foreach (var assembly in inProcessNodeAssemblies)
            loader.RegisterAssembly(assembly);
        return new WorkflowEngine(registry, loader.Report, options, loggers);
    }

    public ValidationOutcome Validate(WorkflowGraph graph) => Validator.Validate(graph);

    public ExecutionResult Run(RunRequest request, CancellationToken cancellation = default) => Executor.Run(request, cancellation);

    public Task<ExecutionResult> RunAsync(RunRequest request, CancellationToken cancellation = default) => Executor.RunAsync(request, cancellation);
}
