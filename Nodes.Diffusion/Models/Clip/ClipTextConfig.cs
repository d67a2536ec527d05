using System.Text.Json;
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

    public static ClipTextConfig FromJson(string json)
    {
        var config = JsonSerializer.Deserialize<ClipTextConfig>(json) ?? throw new InvalidDataException("empty CLIP text config");
        _ = config.Activation;
        return config;
    }
}
