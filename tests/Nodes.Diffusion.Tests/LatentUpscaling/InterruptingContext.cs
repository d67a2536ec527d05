using Microsoft.Extensions.Logging;
using Workflow.NodeSdk;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>A node context whose prompt is interrupted once the node has reported <c>afterSteps</c> steps of progress.</summary>
internal sealed class InterruptingContext : NodeContext, IDisposable
{
    private readonly CancellationTokenSource _interrupt = new();
    private readonly TestNodeContext _inner;
    private readonly int _afterSteps;

    public InterruptingContext(NodePaths paths, int afterSteps)
    {
        _inner = new TestNodeContext(paths, _interrupt.Token);
        _afterSteps = afterSteps;
    }

    /// <summary>Steps reported before the interruption took effect.</summary>
    public int Steps { get; private set; }

    public override string NodeId => _inner.NodeId;
    public override string PromptId => _inner.PromptId;
    public override CancellationToken Cancellation => _inner.Cancellation;
    public override ILogger Logger => _inner.Logger;
    public override NodePaths Paths => _inner.Paths;
    public override PromptMetadata Metadata => _inner.Metadata;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        _inner.ReportProgress(value, max, preview);
        if (++Steps == _afterSteps)
            _interrupt.Cancel();
    }

    public void Dispose() => _interrupt.Dispose();
}
