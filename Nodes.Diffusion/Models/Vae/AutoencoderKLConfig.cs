using System.Text.Json;
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

    public static AutoencoderKLConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<AutoencoderKLConfig>(json) ?? throw new InvalidDataException("empty VAE config")).Checked();

    public AutoencoderKLConfig Checked()
    {
        if (ActFn != "silu")
            throw new NotSupportedException($"VAE config act_fn = {ActFn} is not supported.");
        if (DownBlockTypes.Any(t => t != "DownEncoderBlock2D") || UpBlockTypes.Any(t => t != "UpDecoderBlock2D"))
            throw new NotSupportedException($"VAE block types [{string.Join(", ", DownBlockTypes.Concat(UpBlockTypes))}] are not supported.");
        if (DownBlockTypes.Length != BlockOutChannels.Length || UpBlockTypes.Length != BlockOutChannels.Length)
            throw new InvalidDataException("VAE config: down_block_types and up_block_types must have one entry per block_out_channels.");
        return this;
    }
}
