using Microsoft.Extensions.Logging;
using Workflow.Host.Graph;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// Asks every node that can tell whether its output changed (IFingerprint) once per run, with its literal inputs.
/// A fingerprint that throws means "re-run", as ComfyUI treats an IS_CHANGED exception.
/// </summary>
internal static partial class Fingerprints
{
    public static Dictionary<NodeId, Fingerprint> Compute(ValidatedPrompt prompt, NodePaths paths, ILogger logger) =>
        prompt.Nodes.Values.Where(n => n.Definition.Fingerprinter is not null).ToDictionary(n => n.Id, n => Of(n, paths, logger));

    /// <summary>One node's fingerprint; the default (no value) for a node that gives none.</summary>
    public static Fingerprint Of(BoundNode node, NodePaths paths, ILogger logger)
    {
        if (node.Definition.Fingerprinter is not { } fingerprinter)
            return default;
        var literals = node.Definition.Inputs.Zip(node.Inputs)
            .Where(p => p.Second is BoundLiteral)
            .ToDictionary(p => p.First.Name, p => ((BoundLiteral)p.Second).Value);
        try
        {
            return fingerprinter.GetFingerprint(new InputValues(literals), paths);
        }
        catch (Exception ex)
        {
            LogFingerprintFailed(logger, node.Id.Value, node.Definition.Name, ex);
            return Fingerprint.Rerun;
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Fingerprint of node {NodeId} ({ClassType}) failed; it will re-run")]
    private static partial void LogFingerprintFailed(ILogger logger, string nodeId, string classType, Exception ex);
}
