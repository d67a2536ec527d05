using Microsoft.Extensions.Logging;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Testing;

/// <summary>A NodeContext for calling a node directly: its folders, the workflow metadata output files embed, and the progress, previews and log messages it reported.</summary>
public sealed class TestNodeContext(NodePaths paths, CancellationToken cancellation = default, PromptMetadata? metadata = null) : NodeContext
{
    private readonly RecordingLogger _logger = new();

    public override string NodeId => "test";
    public override string PromptId => "test";
    public override CancellationToken Cancellation => cancellation;
    public override ILogger Logger => _logger;
    public override NodePaths Paths => paths;
    public override PromptMetadata Metadata => metadata ?? PromptMetadata.None;

    /// <summary>The host's --precision this context stands for; null: the default for the device.</summary>
    public ScalarType? Precision { get; init; }

    public override ScalarType WeightDtype => Precision ?? base.WeightDtype;

    public List<(long Value, long Max)> Progress { get; } = [];

    /// <summary>The previews reported with progress, in order.</summary>
    public List<PreviewImage> Previews { get; } = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Logs => _logger.Messages;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        cancellation.ThrowIfCancellationRequested();
        Progress.Add((value, max));
        if (preview is not null)
            Previews.Add(preview);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel, string)> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add((logLevel, formatter(state, exception)));
    }
}
