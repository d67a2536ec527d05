namespace Workflow.Host.Cli;

/// <summary>What the workflow command's exit status means (also in the README).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad command line (System.CommandLine's own parse errors also exit 1).</summary>
    public const int Usage = 1;

    /// <summary>The workflow file is unreadable, malformed, or fails validation.</summary>
    public const int InvalidWorkflow = 2;

    /// <summary>A node failed while running.</summary>
    public const int ExecutionFailed = 3;

    /// <summary>Something the command needs is missing (a benchmark's reference, a port in use).</summary>
    public const int Environment = 4;

    /// <summary>An error in the host itself (sysexits' EX_SOFTWARE): a bug to report, never a verdict on the workflow.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
