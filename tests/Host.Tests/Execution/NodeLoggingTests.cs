using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Execution;
using Workflow.Host.Plugins;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>A node's log lines carry "{plugin}.{node}" as their category, so a plugin author can find and filter them.</summary>
public sealed class NodeLoggingTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("workflow-logs-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Node_logger_category_is_the_plugin_and_node_name()
    {
        var lines = new List<(string Category, string Message)>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new RecordingProvider(lines)));
        var options = new EngineOptions(EngineOptions.PathsUnder(_base), new PluginOptions([]), CacheBudget.Unbounded);
        var engine = WorkflowEngine.Create(options, loggers, typeof(TestNodes).Assembly);
        var validation = engine.Validate(TestEngine.Parse("""
            {"1": {"class_type": "TestLogs", "inputs": {"value": 7}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """));

        var result = engine.Run(new RunRequest(validation.Prompt!, "p"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains(("Workflow.Host.Tests.TestLogs", "value is 7"), lines);
    }

    private sealed class RecordingProvider(List<(string, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class Recorder(string category, List<(string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
                lines.Add((category, formatter(state, exception)));
        }
    }
}
