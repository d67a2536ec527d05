using Workflow.Host.Caching;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Engine;

/// <summary>Everything the engine is configured with.</summary>
public sealed record EngineOptions(NodePaths Paths, PluginOptions Plugins, CacheBudget CacheBudget)
{
    /// <summary>Where models run; nodes read it from their context. The CPU unless set (the CLI's --device).</summary>
    public Device Device { get; init; } = Device.CPU;

    /// <summary>The first CUDA device when libtorch has one, else the CPU (ComfyUI's default).</summary>
    public static Device DefaultDevice() => torch.cuda.is_available() ? Device.CUDA(0) : Device.CPU;

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
