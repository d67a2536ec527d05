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
        var (source, shapes) = OpenClipPrefix(file) is { } prefix
            ? ((ITensorSource)new OpenClipVisionSource(file, prefix), (Func<string, long[]?>)(k => OpenClipVisionSource.ShapeOf(file, prefix, k)))
            : (file, k => file.TryGetShape(k, out var shape) ? shape : null);
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

    /// <summary>
    /// An OpenCLIP visual tower seen by transformers' names: in_proj split into q, k and v, the projection transposed,
    /// each tensor read from the file only when it is copied.
    /// </summary>
    private sealed partial class OpenClipVisionSource(ITensorFile file, string prefix) : ITensorSource
    {
        public IEnumerable<string> Keys => file.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .SelectMany(k => Names(k[prefix.Length..]));

        public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape) => (shape = ShapeOf(file, prefix, key)) is not null;

        public void CopyTo(string key, Tensor destination)
        {
            var (fileKey, part, transpose) = Locate(key) ?? throw new KeyNotFoundException(key);
            using var scope = torch.NewDisposeScope();
            var tensor = file.Load(prefix + fileKey);
            if (part is int third)
                tensor = tensor.chunk(3, dim: 0)[third];
            destination.copy_(transpose ? tensor.t() : tensor);
        }

        public static long[]? ShapeOf(ITensorFile file, string prefix, string key)
        {
            if (Locate(key) is not var (fileKey, part, transpose) || !file.Contains(prefix + fileKey))
                return null;
            long[] shape = [.. file.Shape(prefix + fileKey)];
            if (part is not null)
                shape[0] /= 3;
            return transpose ? [.. shape.Reverse()] : shape;
        }

        /// <summary>Our names for one OpenCLIP key (a fused in_proj gives three; a key we do not know, itself, so it is reported unexpected).</summary>
        private static IEnumerable<string> Names(string openClipKey)
        {
            var block = Block().Match(openClipKey);
            if (!block.Success)
                return [TowerRenames.FirstOrDefault(r => r.OpenClip == openClipKey).Ours ?? openClipKey];
            var (index, rest) = (block.Groups[1].Value, block.Groups[2].Value);
            if (rest is "attn.in_proj_weight" or "attn.in_proj_bias")
                return new[] { "q", "k", "v" }.Select(p => $"vision_model.encoder.layers.{index}.self_attn.{p}_proj.{rest["attn.in_proj_".Length..]}");
            return [BlockRenames.FirstOrDefault(r => r.OpenClip == rest).Ours is { } ours ? $"vision_model.encoder.layers.{index}.{ours}" : openClipKey];
        }

        /// <summary>The OpenCLIP key (without prefix) holding our <paramref name="key"/>, which third of it, and whether it is transposed.</summary>
        private static (string FileKey, int? Part, bool Transpose)? Locate(string key)
        {
            var layer = OurLayer().Match(key);
            if (layer.Success)
            {
                var (index, rest) = (layer.Groups[1].Value, layer.Groups[2].Value);
                var projection = Array.IndexOf(["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"], rest[..rest.LastIndexOf('.')]);
                if (projection >= 0)
                    return ($"transformer.resblocks.{index}.attn.in_proj_{rest[(rest.LastIndexOf('.') + 1)..]}", projection, false);
                return BlockRenames.FirstOrDefault(r => r.Ours == rest).OpenClip is { } block ? ($"transformer.resblocks.{index}.{block}", null, false) : null;
            }
            return TowerRenames.FirstOrDefault(r => r.Ours == key).OpenClip is { } name ? (name, null, key == "visual_projection.weight") : null;
        }

        /// <summary>Names of the whole tower; the projection is stored transposed ([width, embed]).</summary>
        private static readonly (string OpenClip, string Ours)[] TowerRenames =
        [
            ("conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
            ("class_embedding", "vision_model.embeddings.class_embedding"),
            ("positional_embedding", "vision_model.embeddings.position_embedding.weight"),
            ("ln_pre.weight", "vision_model.pre_layrnorm.weight"),
            ("ln_pre.bias", "vision_model.pre_layrnorm.bias"),
            ("ln_post.weight", "vision_model.post_layernorm.weight"),
            ("ln_post.bias", "vision_model.post_layernorm.bias"),
            ("proj", "visual_projection.weight"),
        ];

        /// <summary>Names within one block (transformer.resblocks.N ↔ vision_model.encoder.layers.N); in_proj is split apart.</summary>
        private static readonly (string OpenClip, string Ours)[] BlockRenames =
        [
            ("ln_1.weight", "layer_norm1.weight"),
            ("ln_1.bias", "layer_norm1.bias"),
            ("attn.out_proj.weight", "self_attn.out_proj.weight"),
            ("attn.out_proj.bias", "self_attn.out_proj.bias"),
            ("ln_2.weight", "layer_norm2.weight"),
            ("ln_2.bias", "layer_norm2.bias"),
            ("mlp.c_fc.weight", "mlp.fc1.weight"),
            ("mlp.c_fc.bias", "mlp.fc1.bias"),
            ("mlp.c_proj.weight", "mlp.fc2.weight"),
            ("mlp.c_proj.bias", "mlp.fc2.bias"),
        ];

        [GeneratedRegex(@"^transformer\.resblocks\.(\d+)\.(.+)$")]
        private static partial Regex Block();

        [GeneratedRegex(@"^vision_model\.encoder\.layers\.(\d+)\.(.+)$")]
        private static partial Regex OurLayer();
    }
}
