using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>How RoPE pairs channels: adjacent pairs across the whole width (LTX-2.0), or each head's halves (LTX-2.3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LTX2RopeType>))]
public enum LTX2RopeType
{
    [JsonStringEnumMemberName("interleaved")] Interleaved,
    [JsonStringEnumMemberName("split")] Split,
}

/// <summary>Query/key normalisation: one RMS norm over all heads' channels together (the only kind upstream has).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LTX2QkNorm>))]
public enum LTX2QkNorm
{
    [JsonStringEnumMemberName("rms_norm_across_heads")] RmsNormAcrossHeads,
}

/// <summary>The feed-forward's activation: GELU with the tanh approximation (diffusers' "gelu-approximate").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LTX2ActivationFn>))]
public enum LTX2ActivationFn
{
    [JsonStringEnumMemberName("gelu-approximate")] GeluApproximate,
}

/// <summary>
/// diffusers LTX2VideoTransformer3DModel config (models/transformers/transformer_ltx2.py, the version of SANA-WM's PR
/// #13881 @ b9fd857), upstream field names and defaults, video stream only: the audio fields are not read (their
/// weights are skipped on load). Ported options: gated attention, both RoPE layouts, with or without the caption
/// projection, feed-forward bias, affine block norms, float32 or float64 RoPE frequencies. <c>perturbed_attn</c> is
/// accepted: without a perturbation mask (which only guidance passes) its processor computes what the plain one does.
/// Refused: <c>cross_attn_mod</c> (LTX-2.3's prompt modulation) and <c>use_keyframes_abs_pos_embedding</c> (LTX-2.5).
/// </summary>
public sealed record LTX2VideoTransformerConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 128;
    [JsonPropertyName("out_channels")] public int? OutChannels { get; init; } = 128;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 1;
    [JsonPropertyName("patch_size_t")] public int PatchSizeT { get; init; } = 1;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 32;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 128;
    [JsonPropertyName("cross_attention_dim")] public int CrossAttentionDim { get; init; } = 4096;
    [JsonPropertyName("vae_scale_factors")] public int[] VaeScaleFactors { get; init; } = [8, 32, 32];
    [JsonPropertyName("pos_embed_max_pos")] public int PosEmbedMaxPos { get; init; } = 20;
    [JsonPropertyName("base_height")] public int BaseHeight { get; init; } = 2048;
    [JsonPropertyName("base_width")] public int BaseWidth { get; init; } = 2048;
    [JsonPropertyName("gated_attn")] public bool GatedAttn { get; init; }
    [JsonPropertyName("cross_attn_mod")] public bool CrossAttnMod { get; init; }
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 48;
    [JsonPropertyName("activation_fn")] public LTX2ActivationFn ActivationFn { get; init; } = LTX2ActivationFn.GeluApproximate;
    [JsonPropertyName("qk_norm")] public LTX2QkNorm QkNorm { get; init; } = LTX2QkNorm.RmsNormAcrossHeads;
    [JsonPropertyName("norm_elementwise_affine")] public bool NormElementwiseAffine { get; init; }
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-6;
    [JsonPropertyName("caption_channels")] public int CaptionChannels { get; init; } = 3840;
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; } = true;
    [JsonPropertyName("attention_out_bias")] public bool AttentionOutBias { get; init; } = true;
    [JsonPropertyName("ff_bias")] public bool FfBias { get; init; } = true;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_double_precision")] public bool RopeDoublePrecision { get; init; } = true;
    [JsonPropertyName("causal_offset")] public int CausalOffset { get; init; } = 1;
    [JsonPropertyName("timestep_scale_multiplier")] public double TimestepScaleMultiplier { get; init; } = 1000;
    [JsonPropertyName("rope_type")] public LTX2RopeType RopeType { get; init; } = LTX2RopeType.Interleaved;
    [JsonPropertyName("use_prompt_embeddings")] public bool UsePromptEmbeddings { get; init; } = true;
    [JsonPropertyName("perturbed_attn")] public bool PerturbedAttn { get; init; }
    [JsonPropertyName("use_keyframes_abs_pos_embedding")] public bool UseKeyframesAbsPosEmbedding { get; init; }

    /// <summary>More blocks than any LTX model has (LTX-2: 48).</summary>
    public const int MaxLayers = 256;

    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    [JsonIgnore]
    public int OutChannelsOrIn => OutChannels ?? InChannels;

    public static LTX2VideoTransformerConfig FromJson(string json, string source = "LTX-2 transformer config") =>
        ConfigCheck.Deserialize<LTX2VideoTransformerConfig>(json, source).Checked(source);

    /// <summary>Refuses what this port does not implement and sizes no LTX model has, naming <paramref name="source"/> and the key.</summary>
    public LTX2VideoTransformerConfig Checked(string source = "LTX-2 transformer config")
    {
        if (CrossAttnMod)
            throw new NotSupportedException($"{source}: cross_attn_mod = true (LTX-2.3's prompt modulation) is not supported.");
        if (UseKeyframesAbsPosEmbedding)
            throw new NotSupportedException($"{source}: use_keyframes_abs_pos_embedding = true (LTX-2.5) is not supported.");
        var check = new ConfigCheck(source);
        check.Range("in_channels", InChannels, 1, 4096);
        check.Range("out_channels", OutChannelsOrIn, 1, 4096);
        check.Range("patch_size", PatchSize, 1, 16);
        check.Range("patch_size_t", PatchSizeT, 1, 16);
        check.Range("num_attention_heads", NumAttentionHeads, 1, 1024);
        check.Range("attention_head_dim", AttentionHeadDim, 2, 1024);
        check.Require(AttentionHeadDim % 2 == 0, "attention_head_dim", AttentionHeadDim, "must be even (RoPE rotates channel pairs)");
        check.Range("num_attention_heads * attention_head_dim", InnerDim, 6, ConfigCheck.MaxWidth);
        check.Range("cross_attention_dim", CrossAttentionDim, 1, ConfigCheck.MaxWidth);
        check.Range("caption_channels", CaptionChannels, 1, ConfigCheck.MaxWidth);
        check.Range("num_layers", NumLayers, 1, MaxLayers);
        check.Require(VaeScaleFactors.Length == 3, "vae_scale_factors", $"[{string.Join(", ", VaeScaleFactors)}]", "must have 3 entries (frames, height, width)");
        check.Each("vae_scale_factors", VaeScaleFactors, 3, 1, 1024);
        check.Range("pos_embed_max_pos", PosEmbedMaxPos, 1, 1_000_000);
        check.Range("base_height", BaseHeight, 1, 1_000_000);
        check.Range("base_width", BaseWidth, 1, 1_000_000);
        check.Range("causal_offset", CausalOffset, 0, VaeScaleFactors[0]);
        check.Range("norm_eps", NormEps, 0, 1);
        check.Range("rope_theta", RopeTheta, 1.0001, 1e12);
        check.Range("timestep_scale_multiplier", TimestepScaleMultiplier, 1e-6, 1e9);
        return this;
    }
}
