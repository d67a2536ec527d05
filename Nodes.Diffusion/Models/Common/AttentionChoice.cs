using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>Which attention math the models use: <see cref="AttentionChoice"/> decides per call.</summary>
public enum AttentionMode
{
    /// <summary>Fused scaled-dot-product attention on CUDA where libtorch has it (2.0 and later); the classic math elsewhere.</summary>
    Auto,

    /// <summary>The classic math (diffusers' AttnProcessor, transformers' eager attention) on every device: the fixtures' arithmetic.</summary>
    Classic,

    /// <summary>Scaled-dot-product attention on every device (on libtorch 1.13's CPU, the shim's blocked math).</summary>
    Sdpa,
}

/// <summary>
/// Chooses, for one attention call, between scaled-dot-product attention (diffusers' AttnProcessor2_0, which diffusers
/// uses on torch 2: flash / memory-efficient kernels on a GPU) and the classic math the fixtures were made with, by the
/// device the query lives on at call time, so a model moved between the GPU and the CPU follows. On the CPU the classic
/// math stays (same numbers as the fixtures) except where the scores would pass <see cref="ClassicAttentionProcessor.LongScoresBytes"/>, which take
/// SDPA's blocked path for memory. <c>WORKFLOW_ATTENTION=auto|classic|sdpa</c> forces either side (the GPU check
/// compares them); it is read once per process.
/// </summary>
public static class AttentionChoice
{
    public const string EnvironmentVariable = "WORKFLOW_ATTENTION";

    private static readonly Lazy<AttentionMode> _mode = new(() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    /// <summary>The process's mode (from <see cref="EnvironmentVariable"/>; <see cref="AttentionMode.Auto"/> when unset).</summary>
    public static AttentionMode Mode => _mode.Value;

    /// <summary>Whether libtorch has the fused scaled_dot_product_attention op (2.0 and later).</summary>
    public static bool FusedKernels { get; } = int.Parse(torch.__version__.Split('.')[0]) >= 2;

    /// <summary>Whether attention on <paramref name="query"/> (any layout) with <paramref name="scoresBytes"/> of scores takes SDPA in this process.</summary>
    public static bool UsesSdpa(Tensor query, long scoresBytes, bool upcastSoftmax = false) =>
        UsesSdpa(Mode, query.device, scoresBytes, upcastSoftmax && query.dtype != torch.float32, FusedKernels);

    /// <summary>
    /// The choice itself. CPU half-precision attention that asks for a float32 softmax keeps the classic math even when
    /// long: the blocked path's softmax would run in half precision (fused GPU kernels accumulate in float32).
    /// </summary>
    public static bool UsesSdpa(AttentionMode mode, Device device, long scoresBytes, bool upcastHalfSoftmax, bool fusedKernels) => mode switch
    {
        AttentionMode.Sdpa => true,
        _ when device.Type == DeviceType.CUDA => mode == AttentionMode.Auto && fusedKernels,
        _ => scoresBytes > ClassicAttentionProcessor.LongScoresBytes && !upcastHalfSoftmax,
    };

    /// <summary>Bytes of the score matrices of attention from <paramref name="query"/> [.., T, D] to <paramref name="keyLength"/> keys.</summary>
    public static long ScoresBytes(Tensor query, long keyLength) => query.numel() / query.shape[^1] * keyLength * query.element_size();

    public static AttentionMode Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => AttentionMode.Auto,
        "classic" => AttentionMode.Classic,
        "sdpa" => AttentionMode.Sdpa,
        _ => throw new ArgumentException($"{EnvironmentVariable}={text}: expected auto, classic or sdpa"),
    };
}
