using Spectre.Console;
using Workflow.Host.Execution;
using Workflow.Host.Graph;

namespace Workflow.Host.Cli;

/// <summary>
/// Shows a run's events: on a terminal a live bar per node (steps for samplers), otherwise one line per node and
/// per tenth of its progress, so logs of headless runs stay readable.
/// </summary>
public static class ProgressDisplay
{
    public static Task<T> ShowAsync<T>(IAnsiConsole console, Func<Action<ExecutionEvent>, Task<T>> run)
    {
        if (!console.Profile.Capabilities.Interactive)
            return run(new LineWriter(console).OnEvent);
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => run(new LiveBars(context).OnEvent));
    }

    private sealed class LiveBars(ProgressContext context)
    {
        private ProgressTask? _current;

        public void OnEvent(ExecutionEvent e)
        {
            switch (e)
            {
                case NodesCached { Nodes.Count: > 0 } cached:
                    context.AddTask($"[grey]{cached.Nodes.Count} node(s) cached[/]", maxValue: 1).Value = 1;
                    break;
                case NodeExecuting executing:
                    Finish();
                    _current = context.AddTask(TerminalText.Escape($"#{executing.NodeId} {executing.ClassType}"), maxValue: 1);
                    _current.IsIndeterminate = true;
                    break;
                case NodeProgress progress when _current is not null:
                    _current.IsIndeterminate = false;
                    _current.MaxValue = Math.Max(1, progress.Max);
                    _current.Value = progress.Value;
                    break;
                case ExecutionSucceeded or ExecutionFailed or ExecutionInterrupted:
                    Finish();
                    break;
            }
        }

        private void Finish()
        {
            if (_current is null)
                return;
            _current.IsIndeterminate = false;
            _current.Value = _current.MaxValue;
            _current.StopTask();
            _current = null;
        }
    }

    private sealed class LineWriter(IAnsiConsole console)
    {
        private long _lastTenth = -1;

        public void OnEvent(ExecutionEvent e)
        {
            switch (e)
            {
                case NodesCached { Nodes.Count: > 0 } cached:
                    console.WriteLine(Echo.Text($"cached: {string.Join(", ", cached.Nodes)}", Echo.MaxMessageLength));
                    break;
                case NodeExecuting executing:
                    _lastTenth = -1;
                    console.WriteLine(Echo.Text($"#{executing.NodeId} {executing.ClassType}", Echo.MaxMessageLength));
                    break;
                case NodeProgress { Max: > 0 } progress when progress.Value * 10 / progress.Max is var tenth && tenth != _lastTenth:
                    _lastTenth = tenth;
                    console.WriteLine($"  {progress.Value}/{progress.Max}");
                    break;
            }
        }
    }
}
