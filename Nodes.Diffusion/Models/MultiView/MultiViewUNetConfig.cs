using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// MVDream's / ImageDream's MultiViewUNetModel parameters (bytedance/MVDream mvdream/configs/sd-v2-base.yaml,
/// ImageDream sd_v2_base_ipmv.yaml; unet_config.params), upstream names and defaults. Fixed upstream choices: the
/// spatial transformer (use_spatial_transformer), no class labels, no scale-shift norm, conv resampling, no
/// res-block up/down sampling, self-attention never disabled; ip_mode "local_resample" (the released ImageDream
/// checkpoints; "global" is refused).
/// </summary>
public sealed record MultiViewUNetConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 4;
    [JsonPropertyName("model_channels")] public int ModelChannels { get; init; } = 320;
    [JsonPropertyName("channel_mult")] public int[] ChannelMult { get; init; } = [1, 2, 4, 4];
    [JsonPropertyName("num_res_blocks")] public int NumResBlocks { get; init; } = 2;
    [JsonPropertyName("attention_resolutions")] public int[] AttentionResolutions { get; init; } = [4, 2, 1];
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = -1;
    [JsonPropertyName("num_head_channels")] public int NumHeadChannels { get; init; } = 64;
    [JsonPropertyName("transformer_depth")] public int TransformerDepth { get; init; } = 1;
    [JsonPropertyName("context_dim")] public int ContextDim { get; init; } = 1024;
    [JsonPropertyName("use_linear_in_transformer")] public bool UseLinearInTransformer { get; init; } = true;
    [JsonPropertyName("camera_dim")] public int? CameraDim { get; init; } = 16;
    [JsonPropertyName("with_ip")] public bool WithIp { get; init; }
    [JsonPropertyName("ip_dim")] public int IpDim { get; init; }
    [JsonPropertyName("ip_mode")] public string IpMode { get; init; } = "local_resample";
    [JsonPropertyName("ip_weight")] public double IpWeight { get; init; } = 1.0;

    /// <summary>The time (and camera) embedding width: model_channels · 4.</summary>
    [JsonIgnore]
    public int TimeEmbedDim => ModelChannels * 4;

    /// <summary>ImageDream: attn2 splits the last ip_dim context tokens off as image tokens, made by image_embed.</summary>
    [JsonIgnore]
    public bool HasImagePrompt => WithIp && IpDim > 0;

    /// <summary>MVDream sd-v2.1-base-4view's UNet (mvdream/configs/sd-v2-base.yaml).</summary>
    public static MultiViewUNetConfig Sd21Base { get; } = new();

    /// <summary>
    /// (heads, head width) of a transformer at <paramref name="channels"/>: num_head_channels wide heads when it is set,
    /// else num_heads of them (openaimodel.py; with the spatial transformer, legacy gives the same split).
    /// </summary>
    public (int Heads, int HeadDim) Heads(int channels) =>
        NumHeadChannels > 0 ? (channels / NumHeadChannels, NumHeadChannels) : (NumHeads, channels / NumHeads);

    /// <summary>Refuses what this port does not implement and sizes no such model has, naming <paramref name="source"/>.</summary>
    public MultiViewUNetConfig Checked(string source = "multi-view UNet config")
    {
        var check = new ConfigCheck(source);
        int levels = ChannelMult.Length;
        check.Range("len(channel_mult)", levels, 1, ConfigCheck.MaxLevels);
        check.Each("channel_mult", ChannelMult, levels, 1, 64);
        check.Range("model_channels", ModelChannels, 32, ConfigCheck.MaxWidth);
        check.Require(ModelChannels % 32 == 0, "model_channels", ModelChannels, "must be a multiple of 32 (GroupNorm32)");
        check.Range("in_channels", InChannels, 1, 256);
        check.Range("out_channels", OutChannels, 1, 256);
        check.Range("num_res_blocks", NumResBlocks, 1, ConfigCheck.MaxLayers);
        check.Range("transformer_depth", TransformerDepth, 1, ConfigCheck.MaxLayers);
        check.Range("context_dim", ContextDim, 1, ConfigCheck.MaxWidth);
        check.Range("camera_dim", CameraDim ?? 16, 1, 1024);
        check.Each("attention_resolutions", AttentionResolutions, AttentionResolutions.Length, 1, 1 << ConfigCheck.MaxLevels);
        check.Require(NumHeads > 0 || NumHeadChannels > 0, "num_heads/num_head_channels", $"{NumHeads}/{NumHeadChannels}", "one of them must be set");
        foreach (var channels in ChannelMult.Select(m => m * ModelChannels).Append(ModelChannels))
        {
            var (heads, headDim) = Heads(channels);
            check.Require(heads >= 1 && heads <= 1024 && heads * headDim == channels, NumHeadChannels > 0 ? "num_head_channels" : "num_heads",
                NumHeadChannels > 0 ? NumHeadChannels : NumHeads, $"must split {channels} channels into whole heads");
        }
        if (WithIp)
        {
            check.Range("ip_dim", IpDim, 1, 1024);
            check.Range("ip_weight", IpWeight, -100, 100);
            if (IpMode != "local_resample")
                throw new NotSupportedException($"{source}: ip_mode '{IpMode}' is not supported (the released ImageDream checkpoints use local_resample).");
        }
        return this;
    }
}
