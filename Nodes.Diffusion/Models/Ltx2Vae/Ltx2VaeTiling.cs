namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers AutoencoderKLLTX2Video's tiling attributes (use_tiling, use_framewise_decoding, tile_sample_min_* and
/// tile_sample_stride_*, in pixels and frames), passed to each call instead of set on the model. Upstream's encode
/// also reads use_framewise_decoding (not use_framewise_encoding) to choose framewise encoding, so one flag serves both.
/// </summary>
public sealed record Ltx2VaeTiling(
    bool UseTiling,
    bool UseFramewiseDecoding,
    int TileSampleMinHeight = 512,
    int TileSampleMinWidth = 512,
    int TileSampleMinNumFrames = 16,
    int TileSampleStrideHeight = 448,
    int TileSampleStrideWidth = 448,
    int TileSampleStrideNumFrames = 8)
{
    /// <summary>A freshly loaded diffusers model: one pass, however large the video.</summary>
    public static Ltx2VaeTiling None { get; } = new(UseTiling: false, UseFramewiseDecoding: false);

    /// <summary>
    /// What SanaWMPipeline.__init__ sets (PR #13881 pipeline_sana_wm.py lines 224-231): enable_tiling() (512-pixel
    /// tiles at stride 448) and framewise encoding and decoding over 96 frames at stride 64.
    /// </summary>
    public static Ltx2VaeTiling SanaWm { get; } = new(UseTiling: true, UseFramewiseDecoding: true, TileSampleMinNumFrames: 96, TileSampleStrideNumFrames: 64);
}
