using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Workflow.Torch;

namespace Workflow.NodeSdk;

/// <summary>What the host gives a running node. Implemented by the host; members are only ever added.</summary>
public abstract class NodeContext
{
    /// <summary>The node's id in the workflow.</summary>
    public abstract string NodeId { get; }

    public abstract string PromptId { get; }

    /// <summary>Signalled when the prompt is interrupted; long loops check it between steps.</summary>
    public abstract CancellationToken Cancellation { get; }

    public abstract ILogger Logger { get; }

    public abstract NodePaths Paths { get; }

    /// <summary>The workflow being run in API format, and the client's extra PNG info, for output metadata.</summary>
    public abstract PromptMetadata Metadata { get; }

    /// <summary>
    /// Where models run (the host's --device). Loaders put weights there; model nodes move their inputs in and hand
    /// their outputs back on the CPU, as ComfyUI's intermediate device, so cached values hold no device memory.
    /// </summary>
    public virtual Device Device => Device.CPU;

    /// <summary>
    /// The dtype loaders store weights in when a loader's weight_dtype is "default" (the host's --precision): without
    /// it float16 on CUDA and float32 on the CPU, as ComfyUI and diffusers do. Models compute in their weights' dtype and
    /// hand back float32.
    /// </summary>
    public virtual ScalarType WeightDtype => WeightPrecision.DefaultFor(Device);

    /// <summary>
    /// What one input may cost: the pixel budget nodes that decode images check against, and the longest string the
    /// host keeps (a node whose output could grow far beyond its inputs, a replacement or a repetition, refuses before
    /// building a longer one; the host checks every output as well).
    /// </summary>
    public virtual InputLimits Limits => InputLimits.Default;

    /// <summary>
    /// Reports progress (step <paramref name="value"/> of <paramref name="max"/>) and is a cancellation
    /// point: throws <see cref="OperationCanceledException"/> when the prompt was interrupted.
    /// </summary>
    public abstract void ReportProgress(long value, long max, PreviewImage? preview = null);
}

/// <summary>The prompt (API format) and extra_pnginfo (for example the UI workflow) that output files embed.</summary>
public sealed record PromptMetadata(JsonObject? Prompt, JsonObject? ExtraPngInfo)
{
    public static PromptMetadata None { get; } = new(null, null);

    /// <summary>
    /// What ComfyUI's SaveImage embeds in a PNG as text chunks, keyword and JSON text: "prompt" (the API workflow),
    /// then each extra_pnginfo entry ("workflow"), so the picture can be dropped back into ComfyUI.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> PngTextChunks()
    {
        if (Prompt is not null)
            yield return new("prompt", Prompt.ToJsonString());
        foreach (var (key, value) in ExtraPngInfo ?? [])
            yield return new(key, value?.ToJsonString() ?? "null");
    }
}

/// <summary>A small RGB picture shown while a node works (for example a decoded latent), 8 bits per channel, row-major.</summary>
public sealed record PreviewImage(int Width, int Height, ReadOnlyMemory<byte> Rgb);
