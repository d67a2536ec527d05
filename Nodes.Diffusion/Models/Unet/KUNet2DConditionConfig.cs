using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Unet;

/// <summary>
/// diffusers UNet2DConditionModel config (v0.27.2 models/unets/unet_2d_condition.py) for the K-blocks variant
/// stabilityai/sd-x2-latent-upscaler uses: the same config.json, with the fields that variant reads, upstream's names
/// and the published model's values as defaults. Fixed choices this port makes with upstream: K down and up blocks
/// only, no mid block, no group norm before conv_out (norm_num_groups null), Fourier time embedding, one number of
/// layers and one attention head width for every level.
/// </summary>
public sealed record KUNet2DConditionConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 8;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 5;
    [JsonPropertyName("center_input_sample")] public bool CenterInputSample { get; init; }
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["KDownBlock2D", "KCrossAttnDownBlock2D", "KCrossAttnDownBlock2D", "KCrossAttnDownBlock2D"];
    [JsonPropertyName("mid_block_type")] public string? MidBlockType { get; init; }
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["KCrossAttnUpBlock2D", "KCrossAttnUpBlock2D", "KCrossAttnUpBlock2D", "KUpBlock2D"];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [384, 384, 768, 768];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 4;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "gelu";
    [JsonPropertyName("norm_num_groups")] public int? NormNumGroups { get; init; }
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("cross_attention_dim")] public int CrossAttentionDim { get; init; } = 768;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 64;
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "fourier";
    [JsonPropertyName("time_embedding_dim")] public int? TimeEmbeddingDim { get; init; }
    [JsonPropertyName("time_embedding_act_fn")] public string? TimeEmbeddingActFn { get; init; }
    [JsonPropertyName("timestep_post_act")] public string? TimestepPostAct { get; init; } = "gelu";
    [JsonPropertyName("time_cond_proj_dim")] public int? TimeCondProjDim { get; init; } = 896;
    [JsonPropertyName("conv_in_kernel")] public int ConvInKernel { get; init; } = 1;
    [JsonPropertyName("conv_out_kernel")] public int ConvOutKernel { get; init; } = 1;
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("addition_embed_type")] public string? AdditionEmbedType { get; init; }
    [JsonPropertyName("encoder_hid_dim")] public int? EncoderHidDim { get; init; }

    /// <summary>The time embedding's width, which every K block's norms are conditioned on: time_embedding_dim, else 2·block_out_channels[0].</summary>
    [JsonIgnore]
    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 2;

    /// <summary>Channels per group in every AdaGroupNorm of the K blocks (their resnet_group_size and group_size).</summary>
    public const int GroupSize = 32;

    public static KUNet2DConditionConfig FromJson(string json, string source = "UNet config") =>
        ConfigCheck.Deserialize<KUNet2DConditionConfig>(json, source).Checked(source);

    /// <summary>Refuses what this port does not implement and sizes no such UNet has, naming <paramref name="source"/> and the key.</summary>
    public KUNet2DConditionConfig Checked(string source = "UNet config")
    {
        var check = new ConfigCheck(source);
        int levels = BlockOutChannels.Length;
        check.Range("len(block_out_channels)", levels, 2, ConfigCheck.MaxLevels);
        check.Each("block_out_channels", BlockOutChannels, levels, 1, ConfigCheck.MaxWidth);
        check.Require(DownBlockTypes.Length == levels && DownBlockTypes[0] == "KDownBlock2D" && DownBlockTypes.Skip(1).All(t => t == "KCrossAttnDownBlock2D"),
            "down_block_types", $"[{string.Join(", ", DownBlockTypes)}]", $"must be KDownBlock2D then {levels - 1} × KCrossAttnDownBlock2D");
        check.Require(UpBlockTypes.Length == levels && UpBlockTypes[^1] == "KUpBlock2D" && UpBlockTypes[..^1].All(t => t == "KCrossAttnUpBlock2D"),
            "up_block_types", $"[{string.Join(", ", UpBlockTypes)}]", $"must be {levels - 1} × KCrossAttnUpBlock2D then KUpBlock2D");
        check.Require(MidBlockType is null, "mid_block_type", MidBlockType, "must be null (the K-UNet has no mid block)");
        check.Require(NormNumGroups is null, "norm_num_groups", NormNumGroups, "must be null (K blocks normalise with AdaGroupNorm; there is no conv_norm_out)");
        check.Require(TimeEmbeddingType == "fourier", "time_embedding_type", TimeEmbeddingType, "must be fourier");
        check.Require(TimeEmbeddingActFn is null, "time_embedding_act_fn", TimeEmbeddingActFn, "must be null");
        check.Require(ClassEmbedType is null && AdditionEmbedType is null && EncoderHidDim is null,
            "class_embed_type/addition_embed_type/encoder_hid_dim", "set", "must be null (no class, addition or encoder projections)");
        check.Require(TimeEmbedDim % 2 == 0, "time_embedding_dim", TimeEmbedDim, "must be even (cos and sin halves)");
        _ = Common.Activations.Get(ActFn, "act_fn");
        if (TimestepPostAct is not null)
            _ = Common.Activations.Get(TimestepPostAct, "timestep_post_act");
        check.Range("in_channels", InChannels, 1, 256);
        check.Range("out_channels", OutChannels, 1, 256);
        check.Range("layers_per_block", LayersPerBlock, 1, ConfigCheck.MaxLayers);
        check.Range("cross_attention_dim", CrossAttentionDim, 1, ConfigCheck.MaxWidth);
        check.Range("time_embedding_dim", TimeEmbedDim, 2, ConfigCheck.MaxWidth);
        check.Range("time_cond_proj_dim", TimeCondProjDim ?? 1, 1, ConfigCheck.MaxWidth);
        check.Range("attention_head_dim", AttentionHeadDim, 1, ConfigCheck.MaxWidth);
        check.Require(BlockOutChannels.All(c => c % AttentionHeadDim == 0), "attention_head_dim", AttentionHeadDim, "must divide every entry of block_out_channels");
        check.Require(ConvInKernel is 1 or 3 && ConvOutKernel is 1 or 3, "conv_in_kernel/conv_out_kernel", $"{ConvInKernel}/{ConvOutKernel}", "must be 1 or 3");
        check.Range("norm_eps", NormEps, 0, 1);
        return this;
    }
}
