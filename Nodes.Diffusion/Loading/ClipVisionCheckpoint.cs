using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Loads a CLIP vision tower with its projection from ComfyUI's models/clip_vision/: a file, safetensors or a PyTorch
/// pickle (with a same-stem .json or a config.json beside it, if any), or a folder holding config.json and
/// model.safetensors or pytorch_model.bin (IP-Adapter's image_encoder/). Two key layouts are read: transformers'
/// CLIPVisionModelWithProjection (vision_model.*, visual_projection.weight) and OpenCLIP's ViT (…visual.conv1,
/// transformer.resblocks.N with fused in_proj, ln_post, proj), which checkpoints such as ImageDream's embed under a
/// prefix; the latter is renamed on load. Without a config.json beside the weights the configuration is read from
/// tensor shapes, with the head count and activation of the public CLIP towers of that width.
/// </summary>
public static partial class ClipVisionCheckpoint
{
    public static ClipVisionModel Load(string path)
    {
        var weightsPath = Directory.Exists(path)
            ? new[] { "model.safetensors", "pytorch_model.bin" }.Select(f => Path.Combine(path, f)).FirstOrDefault(File.Exists) ?? Path.Combine(path, "model.safetensors")
            : path;
        // A same-stem .json, else transformers' config.json in the same folder (IP-Adapter's image_encoder/).
        var configPath = new[] { Path.ChangeExtension(weightsPath, ".json"), Path.Combine(Path.GetDirectoryName(weightsPath)!, "config.json") }
            .FirstOrDefault(File.Exists);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{path} holds no CLIP vision weights (looked for {weightsPath}).", weightsPath);
        using var file = TensorFile.Open(weightsPath);
        ITensorSource source = OpenClipPrefix(file) is { } prefix ? new OpenClipVisionSource(file, prefix) : file;
        Func<string, long[]?> shapes = k => source.TryGetShape(k, out var shape) ? shape : null;
        var config = configPath is not null ? ClipVisionConfig.FromJson(File.ReadAllText(configPath)) : ConfigFromShapes(shapes, source.Keys, weightsPath);
        var model = new ClipVisionModel(config);
        try
        {
            model.load_state_dict(source);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The prefix under which an OpenCLIP visual tower sits ("visual.", "cond_stage_model.model.visual.", ...), or null.</summary>
    private static string? OpenClipPrefix(ITensorFile file) =>
        file.Keys.FirstOrDefault(k => k.EndsWith("visual.conv1.weight", StringComparison.Ordinal)) is { } key ? key[..^"conv1.weight".Length] : null;

    private static ClipVisionConfig ConfigFromShapes(Func<string, long[]?> shapeOf, IEnumerable<string> keys, string path)
    {
        long[] Shape(string key) => shapeOf(key) ?? throw new InvalidDataException($"{path} is not a CLIP vision model: it has no {key}.");
        var patch = Shape("vision_model.embeddings.patch_embedding.weight");
        int hidden = (int)patch[0], patchSize = (int)patch[2];
        int positions = (int)Shape("vision_model.embeddings.position_embedding.weight")[0];
        int side = (int)Math.Round(Math.Sqrt(positions - 1));
        int layers = keys.Select(k => LayerIndex().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max() + 1;
        // The public towers: OpenAI's ViT-B and ViT-L (QuickGELU), LAION's ViT-H and ViT-bigG (GELU, 16 heads).
        var (heads, activation) = hidden switch
        {
            768 => (12, "quick_gelu"),
            1024 => (16, "quick_gelu"),
            1280 or 1664 => (16, "gelu"),
            _ when hidden % 64 == 0 => (hidden / 64, "gelu"),
            _ => throw new InvalidDataException($"{path}: a CLIP vision tower {hidden} wide is not one of the public ones; put its config.json beside it."),
        };
        return new ClipVisionConfig
        {
            HiddenSize = hidden, PatchSize = patchSize, ImageSize = side * patchSize, NumHiddenLayers = layers, NumAttentionHeads = heads,
            IntermediateSize = (int)Shape("vision_model.encoder.layers.0.mlp.fc1.weight")[0],
            ProjectionDim = (int)Shape("visual_projection.weight")[0],
            NumChannels = (int)patch[1], HiddenAct = activation,
        };
    }

    [GeneratedRegex(@"^vision_model\.encoder\.layers\.(\d+)\.")]
    private static partial Regex LayerIndex();

    /// <summary>An OpenCLIP visual tower by transformers' names; the projection is stored transposed ([width, embed]).</summary>
    private sealed class OpenClipVisionSource(ITensorFile file, string prefix) : OpenClipSource(file, prefix, "vision_model.encoder.layers.")
    {
        protected override IReadOnlyList<(string OpenClip, string Ours, bool Transposed)> TowerKeys { get; } =
        [
            ("conv1.weight", "vision_model.embeddings.patch_embedding.weight", false),
            ("class_embedding", "vision_model.embeddings.class_embedding", false),
            ("positional_embedding", "vision_model.embeddings.position_embedding.weight", false),
            ("ln_pre.weight", "vision_model.pre_layrnorm.weight", false),
            ("ln_pre.bias", "vision_model.pre_layrnorm.bias", false),
            ("ln_post.weight", "vision_model.post_layernorm.weight", false),
            ("ln_post.bias", "vision_model.post_layernorm.bias", false),
            ("proj", "visual_projection.weight", true),
        ];
    }
}
