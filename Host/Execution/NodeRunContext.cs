using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;
using Workflow.Host.Validation;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Execution;

/// <summary>
/// The context one node gets while it runs: progress goes out as events, under the node the user sees (a subgraph's
/// node reports as the node that expanded into it, as ComfyUI's display node), and doubles as a cancellation point;
/// its log lines carry the plugin's and node's name as their category ("Nodes.Core.SaveText"), not the host's.
/// </summary>
internal sealed class NodeRunContext(BoundNode node, string displayNodeId, RunServices services, CancellationToken cancellation) : NodeContext
{
    private readonly Lazy<ILogger> _logger = new(() => services.Loggers.CreateLogger(LogCategory(node)));

    public override string NodeId => node.Id.Value;
    public override string PromptId => services.PromptId;
    public override CancellationToken Cancellation => cancellation;
    public override ILogger Logger => _logger.Value;
    public override NodePaths Paths => services.Paths;
    public override PromptMetadata Metadata => services.Metadata;
    public override Device Device => services.Device.Value;
    public override ScalarType WeightDtype => services.Options.Precision ?? base.WeightDtype;
    public override InputLimits Limits => services.Options.Limits;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        cancellation.ThrowIfCancellationRequested();
        services.Emit(new NodeProgress(services.PromptId, displayNodeId, value, max, preview));
    }

    /// <summary>"{plugin}.{node name}", or the node name alone where it already starts with the plugin's: what a plugin author filters logs by.</summary>
    public static string LogCategory(BoundNode node) => node.Definition.Name.StartsWith(node.Definition.Module + ".", StringComparison.Ordinal)
        ? node.Definition.Name
        : $"{node.Definition.Module}.{node.Definition.Name}";
}

/// <summary>What every node of one run shares.</summary>
internal sealed record RunServices(string PromptId, EngineOptions Options, Lazy<Device> Device, PromptMetadata Metadata, ILoggerFactory Loggers, Action<ExecutionEvent> Emit)
{
    public NodePaths Paths => Options.Paths;

    /// <summary>The host's own messages about a run (a fingerprint that failed).</summary>
    public ILogger HostLogger => Loggers.CreateLogger<Executor>();
}
