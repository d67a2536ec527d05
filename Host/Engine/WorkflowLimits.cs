using System.Globalization;

namespace Workflow.Host.Engine;

/// <summary>
/// Bounds on what one workflow can make the host hold, so that a small file cannot take gigabytes (README, "Limits").
/// Strings are bounded where they enter (widget values, checked at validation) and where they grow (node outputs,
/// checked as each node finishes): a chain of string-doubling nodes stops at the limit instead of at the memory's end.
/// </summary>
public sealed record WorkflowLimits
{
    public const string MaxStringVariable = "WORKFLOW_MAX_STRING_MB";

    /// <summary>The default bound on strings, in Mi (2^20) characters: far above any prompt, poses file or action string.</summary>
    public const int DefaultMaxStringMb = 16;

    /// <summary>Longest string a widget may hold or a node may output, in UTF-16 characters.</summary>
    public int MaxStringLength { get; init; } = DefaultMaxStringMb << 20;

    /// <summary>
    /// The defaults, with the string bound in Mi characters from <paramref name="maxStringMb"/> (the CLI's
    /// --max-string-mb) or else <c>WORKFLOW_MAX_STRING_MB</c>; 0 lifts it.
    /// </summary>
    public static WorkflowLimits FromEnvironment(int? maxStringMb = null)
    {
        var variable = Environment.GetEnvironmentVariable(MaxStringVariable);
        var fromEnvironment = int.TryParse(variable, NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? mb : (int?)null;
        return (maxStringMb ?? fromEnvironment) switch
        {
            null => new WorkflowLimits(),
            <= 0 => new WorkflowLimits { MaxStringLength = int.MaxValue },
            { } chosen => new WorkflowLimits { MaxStringLength = (int)Math.Min((long)chosen << 20, int.MaxValue) },
        };
    }
}
