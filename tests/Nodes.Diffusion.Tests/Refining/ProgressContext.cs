using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>A node context that records progress and can interrupt the run at one progress value, as the host's interrupt would.</summary>
internal sealed class ProgressContext(NodePaths paths, long? interruptAt = null) : NodeContext
{
    private readonly CancellationTokenSource _interrupt = new();

    public List<long> Values { get; } = [];

    public long Max { get; private set; }

    public override string NodeId => "refine";
    public override string PromptId => "test";
    public override CancellationToken Cancellation => _interrupt.Token;
    public override ILogger Logger => NullLogger.Instance;
    public override NodePaths Paths => paths;
    public override PromptMetadata Metadata => PromptMetadata.None;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        Values.Add(value);
        Max = max;
        if (value == interruptAt)
            _interrupt.Cancel();
        _interrupt.Token.ThrowIfCancellationRequested();
    }
}
