using Workflow.Host.Caching;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Engine;

/// <summary>Everything the engine is configured with.</summary>
public sealed record EngineOptions(NodePaths Paths, PluginOptions Plugins, CacheBudget CacheBudget)
{
    /// <summary>
    /// Where models run (the CLI's --device); nodes read it from their context. Null is the default, which
    /// <see cref="ResolveDevice"/> finds when first needed.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>The CLI's --vram-mb: device memory models may take, in MiB; null is most of the card (see <see cref="Memory.ModelMemoryBudget"/>).</summary>
    public long? VramMegabytes { get; init; }
    /// <summary>
    /// The dtype loaders store weights in when their weight_dtype is "default" (the CLI's --precision); null: float16
    /// on CUDA, float32 on the CPU.
    /// </summary>
    public ScalarType? Precision { get; init; }

    /// <summary>What one input may make the host spend (the CLI's options, else the environment's); nodes read it from their context.</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>
    /// Whether errors that reach users (a failed node's traceback, an exception during validation) carry .NET stack
    /// traces: only with --verbose; otherwise the message names the node, input and value, and that is all.
    /// </summary>
    public bool StackTraces { get; init; }

    /// <summary>
    /// <see cref="Device"/>, or by default the first CUDA device when libtorch has one, else the CPU (ComfyUI's
    /// default). Asking libtorch loads it (half a second, 160 MB), so this runs only where tensors are about to.
    /// </summary>
    public Device ResolveDevice() => Device ?? (torch.cuda.is_available() ? Torch.Device.CUDA(0) : Torch.Device.CPU);

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
