using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>A context for calling a node directly, with ComfyUI's folders under <paramref name="root"/>.</summary>
internal sealed class TestNodeContext(string root = "/nonexistent") : NodeContext
{
    public override string NodeId => "1";
    public override string PromptId => "test";
    public override CancellationToken Cancellation => CancellationToken.None;
    public override ILogger Logger => NullLogger.Instance;
    public override NodePaths Paths { get; } = new(Path.Combine(root, "models"), Path.Combine(root, "input"), Path.Combine(root, "output"), Path.Combine(root, "temp"));
    public override PromptMetadata Metadata => PromptMetadata.None;
    public override void ReportProgress(long value, long max, PreviewImage? preview = null) { }
}
