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
    public int[] HeadsPerBlock => PerBlock(NumAttentionHeads ?? AttentionHeadDim, 8, "attention_head_dim", new ConfigCheck("UNet config"));

    [JsonIgnore]
    public int[] TransformerLayersPerBlockValues => PerBlock(TransformerLayersPerBlock, 1, "transformer_layers_per_block", new ConfigCheck("UNet config"));

    public static UNet2DConditionConfig FromJson(string json, string source = "UNet config") =>
        ConfigCheck.Deserialize<UNet2DConditionConfig>(json, source).Checked(source);

    /// <summary>Refuses what this port does not implement, and sizes no SD-family UNet has (naming <paramref name="source"/>).</summary>
    public UNet2DConditionConfig Checked(string source = "UNet config")
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
        CheckSizes(new ConfigCheck(source));
        return this;
    }

    private void CheckSizes(ConfigCheck check)
    {
        int levels = BlockOutChannels.Length;
        check.Range("len(block_out_channels)", levels, 1, ConfigCheck.MaxLevels);
        check.Each("block_out_channels", BlockOutChannels, levels, 1, ConfigCheck.MaxWidth);
        check.Range("in_channels", InChannels, 1, 256);
        check.Range("out_channels", OutChannels, 1, 256);
        check.Range("layers_per_block", LayersPerBlock, 1, ConfigCheck.MaxLayers);
        check.Range("norm_num_groups", NormNumGroups, 1, ConfigCheck.MaxWidth);
        check.Require(BlockOutChannels.All(c => c % NormNumGroups == 0), "norm_num_groups", NormNumGroups, "must divide every entry of block_out_channels");
        check.Range("cross_attention_dim", CrossAttentionDim, 1, ConfigCheck.MaxWidth);
        check.Range("sample_size", SampleSize ?? 64, 1, 4096);
        var headsKey = NumAttentionHeads is null ? "attention_head_dim" : "num_attention_heads";
        var heads = PerBlock(NumAttentionHeads ?? AttentionHeadDim, 8, headsKey, check);
        check.Each(headsKey, heads, levels, 1, 1024);
        check.Require(BlockOutChannels.Zip(heads).All(p => p.First % p.Second == 0), headsKey, $"[{string.Join(", ", heads)}]", "must divide each level's channels");
        check.Each("transformer_layers_per_block", PerBlock(TransformerLayersPerBlock, 1, "transformer_layers_per_block", check), levels, 1, ConfigCheck.MaxLayers);
    }

    /// <summary>A number for every level, or one per level; anything but whole numbers is refused naming the key.</summary>
    private int[] PerBlock(JsonElement? value, int fallback, string key, ConfigCheck check) => value switch
    {
        null or { ValueKind: JsonValueKind.Null } => Enumerable.Repeat(fallback, BlockOutChannels.Length).ToArray(),
        { ValueKind: JsonValueKind.Number } v => Enumerable.Repeat(Whole(v, key, check), BlockOutChannels.Length).ToArray(),
        { ValueKind: JsonValueKind.Array } v => v.EnumerateArray().Select(e => Whole(e, key, check)).ToArray(),
        { } v => [Whole(v, key, check)],   // a string or object: refused
    };

    private static int Whole(JsonElement value, string key, ConfigCheck check)
    {
        check.Require(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _), key, value.GetRawText(), "must be a whole number or a list of them");
        return value.GetInt32();
    }

    private static void Require(bool condition, string field, string? value)
    {
        if (!condition)
            throw new NotSupportedException($"UNet config {field} = {value ?? "null"} is not supported (SD1.x/SD2.x UNets only).");
    }
}
