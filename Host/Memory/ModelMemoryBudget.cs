namespace Workflow.Host.Memory;

/// <summary>
/// How much device memory models may take: <paramref name="DeviceBytes"/> in all (the CLI's --vram-mb), of which
/// <paramref name="InferenceBytes"/> must stay free when a model is about to run, for its activations.
/// </summary>
public sealed record ModelMemoryBudget(long DeviceBytes, long InferenceBytes)
{
    /// <summary>ComfyUI's EXTRA_RESERVED_VRAM on Linux: what the default budget leaves of the card for the CUDA context and others.</summary>
    public const long ReservedBytes = 400L << 20;

    /// <summary>ComfyUI's minimum_inference_memory (0.8 GiB) kept free beside the weights of the models a node runs.</summary>
    public const long DefaultInferenceBytes = 819L << 20;

    /// <summary>The budget for a card of <paramref name="totalBytes"/>: <paramref name="megabytes"/> if given, else most of the card.</summary>
    public static ModelMemoryBudget For(long totalBytes, long? megabytes) =>
        new(megabytes is long mb ? mb << 20 : Math.Max(totalBytes - ReservedBytes, 0), DefaultInferenceBytes);
}
