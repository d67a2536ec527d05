using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers UNet2DConditionModel config (v0.27.2 models/unets/unet_2d_condition.py), upstream field names and
/// defaults, for the SD1.x/SD2.x family. Fixed upstream choices: act_fn silu, positional time embedding,
/// resnet_time_scale_shift "default", no class or addition embeddings, 3x3 conv_in/conv_out; other values are refused.
/// </summary>
public sealed record UNet2DConditionConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 4;
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("freq_shift")] public double FreqShift { get; init; }
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    [JsonPropertyName("mid_block_type")] public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("downsample_padding")] public int DownsamplePadding { get; init; } = 1;
    [JsonPropertyName("mid_block_scale_factor")] public double MidBlockScaleFactor { get; init; } = 1;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("cross_attention_dim")] public int CrossAttentionDim { get; init; } = 1280;
    [JsonPropertyName("transformer_layers_per_block")] public JsonElement? TransformerLayersPerBlock { get; init; }
    [JsonPropertyName("attention_head_dim")] public JsonElement? AttentionHeadDim { get; init; }
    [JsonPropertyName("num_attention_heads")] public JsonElement? NumAttentionHeads { get; init; }
    [JsonPropertyName("use_linear_projection")] public bool UseLinearProjection { get; init; }
    [JsonPropertyName("upcast_attention")] public bool UpcastAttention { get; init; }
    [JsonPropertyName("resnet_time_scale_shift")] public string ResnetTimeScaleShift { get; init; } = "default";
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "positional";
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("addition_embed_type")] public string? AdditionEmbedType { get; init; }
    [JsonPropertyName("conv_in_kernel")] public int ConvInKernel { get; init; } = 3;
    [JsonPropertyName("conv_out_kernel")] public int ConvOutKernel { get; init; } = 3;
    [JsonPropertyName("sample_size")] public int? SampleSize { get; init; }

    /// <summary>Heads per down block. diffusers reads the misnamed attention_head_dim as the head count when num_attention_heads is unset.</summary>
    [JsonIgnore]
    public int[] HeadsPerBlock => PerBlock(NumAttentionHeads ?? AttentionHeadDim, 8);

    [JsonIgnore]
    public int[] TransformerLayersPerBlockValues => PerBlock(TransformerLayersPerBlock, 1);

    public static UNet2DConditionConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<UNet2DConditionConfig>(json) ?? throw new InvalidDataException("empty UNet config")).Checked();

    public UNet2DConditionConfig Checked()
    {
        Require(ActFn == "silu", "act_fn", ActFn);
        Require(TimeEmbeddingType == "positional", "time_embedding_type", TimeEmbeddingType);
        Require(ResnetTimeScaleShift == "default", "resnet_time_scale_shift", ResnetTimeScaleShift);
        Require(ClassEmbedType is null, "class_embed_type", ClassEmbedType);
        Require(AdditionEmbedType is null, "addition_embed_type", AdditionEmbedType);
        Require(ConvInKernel == 3 && ConvOutKernel == 3, "conv_in_kernel/conv_out_kernel", $"{ConvInKernel}/{ConvOutKernel}");
        Require(!UpcastAttention, "upcast_attention", "true");
        Require(DownBlockTypes.Length == BlockOutChannels.Length && UpBlockTypes.Length == BlockOutChannels.Length,
            "down_block_types/up_block_types", "lengths differ from block_out_channels");
        return this;
    }

    private int[] PerBlock(JsonElement? value, int fallback) => value switch
    {
        { ValueKind: JsonValueKind.Number } v => Enumerable.Repeat(v.GetInt32(), BlockOutChannels.Length).ToArray(),
        { ValueKind: JsonValueKind.Array } v => v.EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        _ => Enumerable.Repeat(fallback, BlockOutChannels.Length).ToArray(),
    };

    private static void Require(bool condition, string field, string? value)
    {
        if (!condition)
            throw new NotSupportedException($"UNet config {field} = {value ?? "null"} is not supported (SD1.x/SD2.x UNets only).");
    }
}
