using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Vae;

/// <summary>
/// diffusers AutoencoderKL config (v0.27.2 models/autoencoders/autoencoder_kl.py), upstream field names and defaults.
/// Fixed upstream choices: DownEncoderBlock2D/UpDecoderBlock2D blocks, act_fn silu, mid-block attention on.
/// </summary>
public sealed record AutoencoderKLConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["DownEncoderBlock2D"];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpDecoderBlock2D"];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [64];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 1;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 4;
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 32;
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 0.18215;
    [JsonPropertyName("shift_factor")] public double? ShiftFactor { get; init; }
    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; init; } = true;
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; init; } = true;

    /// <summary>Whether float16 would overflow (SD1.x/SD2.x/SDXL's VAEs): pipelines then run it in float32.</summary>
    [JsonPropertyName("force_upcast")] public bool ForceUpcast { get; init; } = true;

    public static AutoencoderKLConfig FromJson(string json, string source = "VAE config") =>
        ConfigCheck.Deserialize<AutoencoderKLConfig>(json, source).Checked(source);

    /// <summary>Refuses what this port does not implement, and sizes no SD-family VAE has (naming <paramref name="source"/>).</summary>
    public AutoencoderKLConfig Checked(string source = "VAE config")
    {
        if (ActFn != "silu")
            throw new NotSupportedException($"VAE config act_fn = {ActFn} is not supported.");
        if (DownBlockTypes.Any(t => t != "DownEncoderBlock2D") || UpBlockTypes.Any(t => t != "UpDecoderBlock2D"))
            throw new NotSupportedException($"VAE block types [{string.Join(", ", DownBlockTypes.Concat(UpBlockTypes))}] are not supported.");
        if (DownBlockTypes.Length != BlockOutChannels.Length || UpBlockTypes.Length != BlockOutChannels.Length)
            throw new InvalidDataException($"{source}: down_block_types and up_block_types must have one entry per block_out_channels.");
        var check = new ConfigCheck(source);
        check.Range("len(block_out_channels)", BlockOutChannels.Length, 1, ConfigCheck.MaxLevels);
        check.Each("block_out_channels", BlockOutChannels, BlockOutChannels.Length, 1, ConfigCheck.MaxWidth);
        check.Range("in_channels", InChannels, 1, 256);
        check.Range("out_channels", OutChannels, 1, 256);
        check.Range("latent_channels", LatentChannels, 1, 256);
        check.Range("layers_per_block", LayersPerBlock, 1, ConfigCheck.MaxLayers);
        check.Range("norm_num_groups", NormNumGroups, 1, ConfigCheck.MaxWidth);
        check.Require(BlockOutChannels.All(c => c % NormNumGroups == 0), "norm_num_groups", NormNumGroups, "must divide every entry of block_out_channels");
        check.Range("sample_size", SampleSize, 1, 16_384);
        check.Range("scaling_factor", ScalingFactor, 1e-6, 1e6);
        check.Range("shift_factor", ShiftFactor ?? 0, -1e6, 1e6);
        return this;
    }
}
