using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers SD3Transformer2DModel config (v0.31 models/transformers/transformer_sd3.py), upstream names and
/// defaults; SD3.5's options (qk_norm "rms_norm", dual_attention_layers) included. The inner width is heads ×
/// head dim; the text stream is projected to caption_projection_dim, which must equal it.
/// </summary>
public sealed record Sd3TransformerConfig
{
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 128;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 2;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 16;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 18;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 64;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 18;
    [JsonPropertyName("joint_attention_dim")] public int JointAttentionDim { get; init; } = 4096;
    [JsonPropertyName("caption_projection_dim")] public int CaptionProjectionDim { get; init; } = 1152;
    [JsonPropertyName("pooled_projection_dim")] public int PooledProjectionDim { get; init; } = 2048;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 16;
    [JsonPropertyName("pos_embed_max_size")] public int PosEmbedMaxSize { get; init; } = 96;
    [JsonPropertyName("dual_attention_layers")] public int[] DualAttentionLayers { get; init; } = [];
    [JsonPropertyName("qk_norm")] public string? QkNorm { get; init; }

    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>SD3-medium (stabilityai/stable-diffusion-3-medium-diffusers transformer/config.json): 24 blocks of 1536.</summary>
    public static Sd3TransformerConfig Sd3Medium { get; } = new()
    {
        NumLayers = 24, NumAttentionHeads = 24, CaptionProjectionDim = 1536, PosEmbedMaxSize = 192,
    };

    public static Sd3TransformerConfig FromJson(string json, string source = "SD3 transformer config") =>
        ConfigCheck.Deserialize<Sd3TransformerConfig>(json, source).Checked(source);

    /// <summary>Refuses options this port lacks and sizes no MM-DiT has (naming <paramref name="source"/>).</summary>
    public Sd3TransformerConfig Checked(string source = "SD3 transformer config")
    {
        if (QkNorm is not null and not "rms_norm")
            throw new NotSupportedException($"{source}: qk_norm = {QkNorm} is not supported (none, or SD3.5's rms_norm).");
        var check = new ConfigCheck(source);
        check.Range("patch_size", PatchSize, 1, 64);
        check.Range("in_channels", InChannels, 1, 1024);
        check.Range("out_channels", OutChannels, 1, 1024);
        check.Range("num_layers", NumLayers, 1, ConfigCheck.MaxEncoderLayers);
        check.Range("attention_head_dim", AttentionHeadDim, 1, 1024);
        check.Range("num_attention_heads", NumAttentionHeads, 1, 1024);
        check.Range("inner dim (heads × head dim)", (long)InnerDim, 1, ConfigCheck.MaxWidth);
        check.Range("joint_attention_dim", JointAttentionDim, 1, ConfigCheck.MaxWidth);
        check.Require(CaptionProjectionDim == InnerDim, "caption_projection_dim", CaptionProjectionDim, $"must equal heads × head dim ({InnerDim}): both streams attend jointly");
        check.Range("pooled_projection_dim", PooledProjectionDim, 1, ConfigCheck.MaxWidth);
        check.Range("pos_embed_max_size", PosEmbedMaxSize, 1, 4096);
        check.Range("sample_size", SampleSize, 1, 16_384);
        foreach (var layer in DualAttentionLayers)
            check.Range("dual_attention_layers[]", layer, 0, NumLayers - 1);
        return this;
    }
}
