using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflow.Nodes.Diffusion.Models.Clip;

/// <summary>
/// transformers CLIPVisionConfig (v4.38 models/clip/configuration_clip.py) with upstream field names and its defaults
/// (CLIP ViT-B/32's vision tower); hidden_act is parsed once into <see cref="Activation"/>.
/// </summary>
public sealed record ClipVisionConfig
{
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    [JsonPropertyName("num_channels")] public int NumChannels { get; init; } = 3;
    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 224;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 32;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;

    [JsonIgnore]
    public ClipActivation Activation => ClipActivations.Parse(HiddenAct);

    [JsonIgnore]
    public ClipEncoderShape Encoder => new(HiddenSize, IntermediateSize, NumAttentionHeads, LayerNormEps, Activation);

    /// <summary>Patches per side squared, plus the class token.</summary>
    [JsonIgnore]
    public int NumPositions => (ImageSize / PatchSize) * (ImageSize / PatchSize) + 1;

    /// <summary>A config.json written by transformers (a CLIPVisionConfig, or a CLIPConfig whose vision_config it takes).</summary>
    public static ClipVisionConfig FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.TryGetProperty("vision_config", out var vision) ? vision : document.RootElement;
        var config = root.Deserialize<ClipVisionConfig>() ?? throw new InvalidDataException("empty CLIP vision config");
        _ = config.Activation;
        return config;
    }
}
