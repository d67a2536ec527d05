using Workflow.Host.Caching;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;

namespace Workflow.Host.Engine;

/// <summary>Everything the engine is configured with.</summary>
public sealed record EngineOptions(NodePaths Paths, PluginOptions Plugins, CacheBudget CacheBudget)
{
    /// <summary>
    /// ComfyUI's layout under one base folder (models/, input/, output/, temp/), the base being the
    /// WORKFLOW_BASE_DIR environment variable or else the current directory.
    /// </summary>
    public static NodePaths PathsUnder(string? baseDirectory)
    {
        var root = Path.GetFullPath(baseDirectory ?? Environment.GetEnvironmentVariable("WORKFLOW_BASE_DIR") ?? Directory.GetCurrentDirectory());
        return new NodePaths(Path.Combine(root, "models"), Path.Combine(root, "input"), Path.Combine(root, "output"), Path.Combine(root, "temp"));
    }
}
