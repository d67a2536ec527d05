using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Execution;

/// <summary>
/// The context one node gets while it runs: progress goes out as events, under the node the user sees (a subgraph's
/// node reports as the node that expanded into it, as ComfyUI's display node), and doubles as a cancellation point.
/// </summary>
internal sealed class NodeRunContext(string nodeId, string displayNodeId, RunServices services, CancellationToken cancellation) : NodeContext
{
    public override string NodeId => nodeId;
    public override string PromptId => services.PromptId;
    public override CancellationToken Cancellation => cancellation;
    public override ILogger Logger => services.Logger;
    public override NodePaths Paths => services.Paths;
    public override PromptMetadata Metadata => services.Metadata;
    public override Device Device => services.Device.Value;
    public override InputLimits Limits => services.Options.Limits;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        cancellation.ThrowIfCancellationRequested();
        services.Emit(new NodeProgress(services.PromptId, displayNodeId, value, max, preview));
    }
}

/// <summary>What every node of one run shares.</summary>
internal sealed record RunServices(string PromptId, EngineOptions Options, Lazy<Device> Device, PromptMetadata Metadata, ILogger Logger, Action<ExecutionEvent> Emit)
{
    public NodePaths Paths => Options.Paths;
}
