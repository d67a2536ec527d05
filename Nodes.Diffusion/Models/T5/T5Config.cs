using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.T5;

/// <summary>
/// transformers T5Config (v4.33 models/t5/configuration_t5.py) for the encoder, upstream field names and T5 v1.1-XXL's
/// sizes as defaults (<see cref="V11Xxl"/>, SD3's text_encoder_3). Only the gated-GELU feed-forward of T5 v1.1 is ported.
/// </summary>
public sealed record T5Config
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 32128;
    [JsonPropertyName("d_model")] public int DModel { get; init; } = 4096;
    [JsonPropertyName("d_kv")] public int DKv { get; init; } = 64;
    [JsonPropertyName("d_ff")] public int DFf { get; init; } = 10240;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 24;
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = 64;
    [JsonPropertyName("relative_attention_num_buckets")] public int RelativeAttentionNumBuckets { get; init; } = 32;
    [JsonPropertyName("relative_attention_max_distance")] public int RelativeAttentionMaxDistance { get; init; } = 128;
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; init; } = 1e-6;
    [JsonPropertyName("feed_forward_proj")] public string FeedForwardProj { get; init; } = "gated-gelu";

    /// <summary>google/t5-v1_1-xxl's encoder.</summary>
    public static T5Config V11Xxl { get; } = new();

    public static T5Config FromJson(string json, string source = "T5 config") =>
        ConfigCheck.Deserialize<T5Config>(json, source).Checked(source);

    /// <summary>Refuses what this port lacks and sizes no T5 encoder has (naming <paramref name="source"/>).</summary>
    public T5Config Checked(string source = "T5 config")
    {
        if (FeedForwardProj != "gated-gelu")
            throw new NotSupportedException($"{source}: feed_forward_proj = {FeedForwardProj} is not supported (T5 v1.1's gated-gelu is).");
        var check = new ConfigCheck(source);
        check.Range("vocab_size", VocabSize, 1, 1 << 20);
        check.Range("d_model", DModel, 1, ConfigCheck.MaxWidth);
        check.Range("d_kv", DKv, 1, ConfigCheck.MaxWidth);
        check.Range("d_ff", DFf, 1, 4 * ConfigCheck.MaxWidth);
        check.Range("num_layers", NumLayers, 1, ConfigCheck.MaxEncoderLayers);
        check.Range("num_heads", NumHeads, 1, 1024);
        check.Range("relative_attention_num_buckets", RelativeAttentionNumBuckets, 2, 1024);
        check.Range("relative_attention_max_distance", RelativeAttentionMaxDistance, 1, 1 << 20);
        check.Range("layer_norm_epsilon", LayerNormEpsilon, 0, 1);
        return this;
    }
}
