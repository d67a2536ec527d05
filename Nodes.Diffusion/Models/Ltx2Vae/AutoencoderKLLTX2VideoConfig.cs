using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>How a down block shrinks the video: downsample_type "spatial" (H, W), "temporal" (T) or "spatiotemporal" (all three), each by 2.</summary>
public enum Ltx2DownsampleType { Spatial, Temporal, Spatiotemporal }

/// <summary>How an up block grows the video: upsample_type "spatial", "temporal" or "spatiotemporal", each by 2.</summary>
public enum Ltx2UpsampleType { Spatial, Temporal, Spatiotemporal }

/// <summary>nn.Conv3d's padding_mode for the spatial sides of the causal convolutions: "zeros" (the encoder) or "reflect" (the decoder).</summary>
public enum SpatialPaddingMode { Zeros, Reflect }

/// <summary>
/// diffusers AutoencoderKLLTX2Video config (PR #13881 @b9fd857, models/autoencoders/autoencoder_kl_ltx2.py), upstream
/// field names and defaults (LTX-2.0's widths; note upstream's decoder_causal default is true, while LTX-2.0's converter
/// writes false). String options are parsed once into enums; a flag that may be one boolean or one per block
/// (spatio_temporal_scaling, decoder_inject_noise, upsample_residual) is expanded as upstream does. Fixed upstream
/// choices, others refused: LTX2VideoDownBlock3D blocks, swish, scaling in every block (the only layout whose channel
/// counts chain), no decoder noise injection, and no up block that changes width (its norm3/conv_shortcut are not in
/// LTX-2.0 and not ported).
/// </summary>
public sealed record AutoencoderKLLTX2VideoConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 128;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [256, 512, 1024, 2048];
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = [.. Enumerable.Repeat("LTX2VideoDownBlock3D", 4)];
    [JsonPropertyName("decoder_block_out_channels")] public int[] DecoderBlockOutChannels { get; init; } = [256, 512, 1024];
    [JsonPropertyName("layers_per_block")] public int[] LayersPerBlock { get; init; } = [4, 6, 6, 2, 2];
    [JsonPropertyName("decoder_layers_per_block")] public int[] DecoderLayersPerBlock { get; init; } = [5, 5, 5, 5];
    [JsonPropertyName("spatio_temporal_scaling")] public JsonElement? SpatioTemporalScaling { get; init; }
    [JsonPropertyName("decoder_spatio_temporal_scaling")] public JsonElement? DecoderSpatioTemporalScaling { get; init; }
    [JsonPropertyName("decoder_inject_noise")] public JsonElement? DecoderInjectNoise { get; init; }
    [JsonPropertyName("downsample_type")] public string[] DownsampleTypeNames { get; init; } = ["spatial", "temporal", "spatiotemporal", "spatiotemporal"];
    [JsonPropertyName("upsample_type")] public string[] UpsampleTypeNames { get; init; } = ["spatiotemporal", "spatiotemporal", "spatiotemporal"];
    [JsonPropertyName("upsample_residual")] public JsonElement? UpsampleResidual { get; init; }
    [JsonPropertyName("upsample_factor")] public int[] UpsampleFactor { get; init; } = [2, 2, 2];
    [JsonPropertyName("timestep_conditioning")] public bool TimestepConditioning { get; init; }
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 4;
    [JsonPropertyName("patch_size_t")] public int PatchSizeT { get; init; } = 1;
    [JsonPropertyName("resnet_norm_eps")] public double ResnetNormEps { get; init; } = 1e-6;
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 1.0;
    [JsonPropertyName("encoder_causal")] public bool EncoderCausal { get; init; } = true;
    [JsonPropertyName("decoder_causal")] public bool DecoderCausal { get; init; } = true;
    [JsonPropertyName("encoder_spatial_padding_mode")] public string EncoderSpatialPaddingModeName { get; init; } = "zeros";
    [JsonPropertyName("decoder_spatial_padding_mode")] public string DecoderSpatialPaddingModeName { get; init; } = "reflect";
    [JsonPropertyName("spatial_compression_ratio")] public int? SpatialCompressionRatioValue { get; init; }
    [JsonPropertyName("temporal_compression_ratio")] public int? TemporalCompressionRatioValue { get; init; }

    /// <summary>
    /// LTX-2.0's video VAE as diffusers' converter writes it (scripts/convert_ltx2_to_diffusers.py,
    /// get_ltx2_video_vae_config("2.0")): the class defaults with a non-causal decoder and explicit 32 × 32 × 8 compression.
    /// </summary>
    public static AutoencoderKLLTX2VideoConfig Ltx2 { get; } = new() { DecoderCausal = false, SpatialCompressionRatioValue = 32, TemporalCompressionRatioValue = 8 };

    [JsonIgnore]
    public Ltx2DownsampleType[] DownsampleTypes => [.. DownsampleTypeNames.Select(ParseDownsample)];

    [JsonIgnore]
    public Ltx2UpsampleType[] UpsampleTypes => [.. UpsampleTypeNames.Select(ParseUpsample)];

    [JsonIgnore]
    public SpatialPaddingMode EncoderSpatialPaddingMode => ParsePadding(EncoderSpatialPaddingModeName, "encoder_spatial_padding_mode");

    [JsonIgnore]
    public SpatialPaddingMode DecoderSpatialPaddingMode => ParsePadding(DecoderSpatialPaddingModeName, "decoder_spatial_padding_mode");

    /// <summary>upsample_residual, one per up block (a single boolean applies to every block).</summary>
    [JsonIgnore]
    public bool[] UpsampleResidualValues => Flags(UpsampleResidual, DecoderLayersPerBlock.Length - 1, true, "upsample_residual");

    /// <summary>
    /// Pixels per latent cell along H and W. Upstream falls back to patch_size · 2^(scaling blocks), which overstates
    /// LTX-2's (its temporal blocks do not shrink space), so the converter writes 32 explicitly.
    /// </summary>
    [JsonIgnore]
    public int SpatialCompressionRatio => SpatialCompressionRatioValue ?? PatchSize * (1 << BlockOutChannels.Length);

    /// <summary>Frames per latent frame after the first (1 + 8k frames ↔ 1 + k latents for LTX-2); upstream's fallback as above.</summary>
    [JsonIgnore]
    public int TemporalCompressionRatio => TemporalCompressionRatioValue ?? PatchSizeT * (1 << BlockOutChannels.Length);

    public static AutoencoderKLLTX2VideoConfig FromJson(string json, string source = "LTX-2 video VAE config") =>
        ConfigCheck.Deserialize<AutoencoderKLLTX2VideoConfig>(json, source).Checked(source);

    /// <summary>Refuses what this port does not implement, and sizes no LTX-2 VAE has (naming <paramref name="source"/>).</summary>
    public AutoencoderKLLTX2VideoConfig Checked(string source = "LTX-2 video VAE config")
    {
        _ = (DownsampleTypes, UpsampleTypes, EncoderSpatialPaddingMode, DecoderSpatialPaddingMode);
        var check = new ConfigCheck(source);
        int levels = BlockOutChannels.Length, decoderLevels = DecoderBlockOutChannels.Length;
        check.Range("len(block_out_channels)", levels, 1, ConfigCheck.MaxLevels);
        check.Range("len(decoder_block_out_channels)", decoderLevels, 1, ConfigCheck.MaxLevels);
        check.Each("block_out_channels", BlockOutChannels, levels, 1, ConfigCheck.MaxWidth);
        check.Each("decoder_block_out_channels", DecoderBlockOutChannels, decoderLevels, 1, ConfigCheck.MaxWidth);
        check.Each("layers_per_block", LayersPerBlock, levels + 1, 1, ConfigCheck.MaxLayers);
        check.Each("decoder_layers_per_block", DecoderLayersPerBlock, decoderLevels + 1, 1, ConfigCheck.MaxLayers);
        check.Each("upsample_factor", UpsampleFactor, decoderLevels, 1, 8);
        check.Require(DownBlockTypes.Length == levels && DownBlockTypes.All(t => t == "LTX2VideoDownBlock3D"), "down_block_types",
            $"[{string.Join(", ", DownBlockTypes)}]", "must be LTX2VideoDownBlock3D, one per block_out_channels");
        check.Require(DownsampleTypeNames.Length == levels, "downsample_type", DownsampleTypeNames.Length, "must have one entry per block_out_channels");
        check.Require(UpsampleTypeNames.Length == decoderLevels, "upsample_type", UpsampleTypeNames.Length, "must have one entry per decoder_block_out_channels");
        check.Require(Flags(SpatioTemporalScaling, levels, true, "spatio_temporal_scaling").All(f => f), "spatio_temporal_scaling", "false",
            "every block must scale (the only layout whose channel counts chain)");
        check.Require(Flags(DecoderSpatioTemporalScaling, decoderLevels, true, "decoder_spatio_temporal_scaling").All(f => f),
            "decoder_spatio_temporal_scaling", "false", "every block must scale (the only layout whose channel counts chain)");
        check.Require(!Flags(DecoderInjectNoise, decoderLevels + 1, false, "decoder_inject_noise").Any(f => f), "decoder_inject_noise", "true",
            "decoder noise injection is not ported (LTX-2.0 has none)");
        check.Require(UpsampleResidualValues.Length == decoderLevels, "upsample_residual", UpsampleResidualValues.Length, "must have one entry per up block");
        CheckUpBlockWidths(check);
        check.Range("in_channels", InChannels, 1, 256);
        check.Range("out_channels", OutChannels, 1, 256);
        check.Range("latent_channels", LatentChannels, 1, 4096);
        check.Range("patch_size", PatchSize, 1, 16);
        check.Range("patch_size_t", PatchSizeT, 1, 1);   // upstream's conv_in and conv_out widths leave it out: only 1 fits
        check.Range("scaling_factor", ScalingFactor, 1e-6, 1e6);
        check.Range("spatial_compression_ratio", SpatialCompressionRatio, 1, 4096);
        check.Range("temporal_compression_ratio", TemporalCompressionRatio, 1, 4096);
        return this;
    }

    /// <summary>Each up block keeps its width (diffusers builds conv_in, a width-changing resnet, otherwise).</summary>
    private void CheckUpBlockWidths(ConfigCheck check)
    {
        var widths = DecoderBlockOutChannels.Reverse().ToArray();
        var factors = UpsampleFactor.Reverse().ToArray();
        for (int i = 0; i < widths.Length; i++)
        {
            int input = (i == 0 ? widths[0] : widths[i - 1] / factors[i - 1]) / factors[i], output = widths[i] / factors[i];
            check.Require(input == output, "decoder_block_out_channels", $"[{string.Join(", ", DecoderBlockOutChannels)}]",
                $"up block {i} would change width ({input} → {output}), which is not ported");
        }
    }

    /// <summary>A boolean for every block, or one per block; anything else is refused naming the key.</summary>
    private static bool[] Flags(JsonElement? value, int count, bool fallback, string key) => value switch
    {
        null or { ValueKind: JsonValueKind.Null } => [.. Enumerable.Repeat(fallback, count)],
        { ValueKind: JsonValueKind.True or JsonValueKind.False } v => [.. Enumerable.Repeat(v.GetBoolean(), count)],
        { ValueKind: JsonValueKind.Array } v when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.True or JsonValueKind.False)
            && v.GetArrayLength() == count => [.. v.EnumerateArray().Select(e => e.GetBoolean())],
        { } v => throw new InvalidDataException($"LTX-2 video VAE config: {key} = {v.GetRawText()}: must be a boolean or {count} of them"),
    };

    private static Ltx2DownsampleType ParseDownsample(string name) => name switch
    {
        "spatial" => Ltx2DownsampleType.Spatial,
        "temporal" => Ltx2DownsampleType.Temporal,
        "spatiotemporal" => Ltx2DownsampleType.Spatiotemporal,
        _ => throw new NotSupportedException($"LTX-2 video VAE downsample_type '{name}' is not supported (spatial, temporal, spatiotemporal)."),
    };

    private static Ltx2UpsampleType ParseUpsample(string name) => name switch
    {
        "spatial" => Ltx2UpsampleType.Spatial,
        "temporal" => Ltx2UpsampleType.Temporal,
        "spatiotemporal" => Ltx2UpsampleType.Spatiotemporal,
        _ => throw new NotSupportedException($"LTX-2 video VAE upsample_type '{name}' is not supported (spatial, temporal, spatiotemporal)."),
    };

    private static SpatialPaddingMode ParsePadding(string name, string key) => name switch
    {
        "zeros" => SpatialPaddingMode.Zeros,
        "reflect" => SpatialPaddingMode.Reflect,
        _ => throw new NotSupportedException($"LTX-2 video VAE {key} '{name}' is not supported (zeros, reflect)."),
    };
}
