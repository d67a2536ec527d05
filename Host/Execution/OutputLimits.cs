using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// Checks what a node produced against the workflow's limits before the cache or a consumer holds it: string
/// widgets are bounded at validation, but nodes can grow strings (a chain of concatenations doubles one per node),
/// and lists (a range, a node run per element of a list, each call making a list), so each output is bounded as its
/// node finishes, and the chain stops at the limit with the node named.
/// </summary>
internal static class OutputLimits
{
    /// <summary>Why these outputs may not be kept, or null when they may.</summary>
    public static string? Problem(BoundNode node, NodeOutputs outputs, InputLimits limits)
    {
        for (int i = 0; i < outputs.Slots.Length; i++)
        {
            var socket = node.Definition.Outputs[i].SocketType;
            if (outputs.Slots[i].Count > limits.MaxListLength)
                return $"output {i} ({socket}) is a list of {Echo.Count(outputs.Slots[i].Count)} values, longer than the limit of {Echo.Count(limits.MaxListLength)}";
            foreach (var value in outputs.Slots[i])
                if (value is string text && text.Length > limits.MaxStringLength)
                    return $"output {i} ({socket}) is a string of {Echo.Count(text.Length)} characters, longer than " +
                        $"the limit of {Echo.Count(limits.MaxStringLength)} (--max-string-mb, {InputLimits.MaxStringVariable})";
        }
        return null;
    }
}

/// <summary>A node's output exceeds a limit of <see cref="InputLimits"/>; the node fails with the reason.</summary>
public sealed class LimitExceededException(string message) : Exception(message);
