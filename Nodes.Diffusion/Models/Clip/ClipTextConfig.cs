using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Clip;

public enum ClipActivation
{
    QuickGelu,
    Gelu,
}

internal static class ClipActivations
{
    /// <summary>transformers' hidden_act names for the two activations CLIP models use.</summary>
    public static ClipActivation Parse(string hiddenAct) => hiddenAct switch
    {
        "quick_gelu" => ClipActivation.QuickGelu,
        "gelu" => ClipActivation.Gelu,
        _ => throw new NotSupportedException($"CLIP hidden_act '{hiddenAct}' is not supported (quick_gelu or gelu)."),
    };
}

/// <summary>
/// transformers CLIPTextConfig (v4.38 models/clip/configuration_clip.py), upstream field names and CLIP ViT-L/14's
/// defaults (<see cref="VitL14"/>); hidden_act is parsed once into <see cref="Activation"/>.
/// </summary>
public sealed record ClipTextConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 49408;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 2048;
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 8;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 77;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; init; } = 2;

    /// <summary>CLIP ViT-L/14's text tower (openai/clip-vit-large-patch14 text_config), SD1.x's text encoder.</summary>
    public static ClipTextConfig VitL14 { get; } = new()
    {
        HiddenSize = 768, IntermediateSize = 3072, ProjectionDim = 768, NumHiddenLayers = 12, NumAttentionHeads = 12,
    };

    [JsonIgnore]
    public ClipActivation Activation => ClipActivations.Parse(HiddenAct);

    [JsonIgnore]
    public ClipEncoderShape Encoder => new(HiddenSize, IntermediateSize, NumAttentionHeads, LayerNormEps, Activation);

    /// <summary>Token embeddings past 2^28 values (1 GiB in float32): far beyond CLIP's 49,408 × 768.</summary>
    private const long MaxEmbeddingValues = 1L << 28;

    public static ClipTextConfig FromJson(string json, string source = "CLIP text config") =>
        ConfigCheck.Deserialize<ClipTextConfig>(json, source).Checked(source);

    /// <summary>Refuses an activation this port lacks, and sizes no CLIP-family text encoder has (naming <paramref name="source"/>).</summary>
    public ClipTextConfig Checked(string source = "CLIP text config")
    {
        _ = Activation;
        var check = new ConfigCheck(source);
        check.Range("vocab_size", VocabSize, 1, 1 << 20);
        check.Range("hidden_size", HiddenSize, 1, ConfigCheck.MaxWidth);
        check.Range("intermediate_size", IntermediateSize, 1, 4 * ConfigCheck.MaxWidth);
        check.Range("projection_dim", ProjectionDim, 1, ConfigCheck.MaxWidth);
        check.Range("num_hidden_layers", NumHiddenLayers, 1, ConfigCheck.MaxEncoderLayers);
        check.Range("num_attention_heads", NumAttentionHeads, 1, 1024);
        check.Require(HiddenSize % NumAttentionHeads == 0, "num_attention_heads", NumAttentionHeads, $"must divide hidden_size ({HiddenSize})");
        check.Range("max_position_embeddings", MaxPositionEmbeddings, 1, 4096);
        check.Require((long)VocabSize * HiddenSize <= MaxEmbeddingValues, "vocab_size", VocabSize, $"× hidden_size {HiddenSize} is more than {MaxEmbeddingValues:N0} embedding values");
        check.Range("layer_norm_eps", LayerNormEps, 0, 1);
        check.Range("eos_token_id", EosTokenId, 0, VocabSize - 1);
        return this;
    }
}
