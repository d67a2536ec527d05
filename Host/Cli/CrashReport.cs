using Workflow.Host.Graph;

namespace Workflow.Host.Cli;

/// <summary>
/// The last resort for an exception no command handled (a bug): one line naming it on standard error, the stack
/// trace only with --verbose, and exit code 70 rather than the runtime's crash output.
/// </summary>
public static class CrashReport
{
    public static int Print(Exception exception, bool verbose)
    {
        Console.Error.WriteLine(verbose
            ? $"workflow: internal error: {exception}"
            : $"workflow: internal error: {exception.GetType().Name}: {Echo.Text(exception.Message)} (--verbose shows the stack trace)");
        return ExitCodes.InternalError;
    }
}
