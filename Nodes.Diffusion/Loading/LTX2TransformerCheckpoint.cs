using System.Text.RegularExpressions;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Loads an LTX-2 video transformer in diffusers' layout (diffusers names: proj_in, time_embed, transformer_blocks.N…):
/// a folder holding config.json and diffusion_pytorch_model.safetensors (or its shards with the .index.json; naming any
/// shard loads them all), or one weights file, whose configuration comes from a same-stem .json or a config.json beside
/// it, else from its tensor shapes. The audio stream's weights are skipped; anything else missing or unexpected fails the load. Lightricks'
/// original single-file layout (model.diffusion_model.…, patchify_proj) is refused by name.
/// </summary>
public static partial class LTX2TransformerCheckpoint
{
    public const string WeightsName = "diffusion_pytorch_model.safetensors";

    /// <summary>The transformer at <paramref name="path"/>, its weights in <paramref name="dtype"/> (float32, as diffusers loads by default).</summary>
    public static LTX2VideoTransformer3DModel Load(string path, ScalarType dtype)
    {
        var (weights, configPath) = Locate(path);
        using var source = WeightFiles.Open(weights);
        RefuseOriginalLayout(source, weights);
        var config = configPath is not null
            ? LTX2VideoTransformerConfig.FromJson(RegularFile.ReadAllText(configPath, DiffusersFolder.MaxConfigBytes), configPath)
            : ConfigFromShapes(source, weights);
        return ModuleLoading.LoadInto(new LTX2VideoTransformer3DModel(config).to(dtype), source, LTX2VideoTransformer3DModel.AudioStreamKeys);
    }

    /// <summary>The weights (a file, or a shard index) and the config file for them, if there is one.</summary>
    private static (string Weights, string? Config) Locate(string path)
    {
        if (Directory.Exists(path))
        {
            var index = Path.Combine(path, WeightsName + ".index.json");
            var weights = File.Exists(index) ? index : Path.Combine(path, WeightsName);
            if (!File.Exists(weights))
                throw new FileNotFoundException($"{path} holds no LTX-2 transformer weights ({WeightsName} or its .index.json).", weights);
            var config = Path.Combine(path, "config.json");
            return (weights, File.Exists(config) ? config : null);
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"No LTX-2 transformer at {path}.", path);
        // One shard of a sharded save stands for the whole set its index lists.
        var shardIndex = Path.Combine(Path.GetDirectoryName(path)!, WeightsName + ".index.json");
        if (Path.GetFileName(path).StartsWith("diffusion_pytorch_model-", StringComparison.Ordinal) && File.Exists(shardIndex))
            return Locate(Path.GetDirectoryName(path)!);
        var candidates = new[] { Path.ChangeExtension(path, ".json"), Path.Combine(Path.GetDirectoryName(path)!, "config.json") };
        return (path, candidates.FirstOrDefault(File.Exists));
    }

    private static void RefuseOriginalLayout(ITensorSource source, string path)
    {
        if (source.Keys.Any(k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal) || k.StartsWith("patchify_proj.", StringComparison.Ordinal)))
            throw new NotSupportedException($"{path} is in Lightricks' original LTX-2 layout; convert it to diffusers' (the transformer folder of a diffusers pipeline).");
    }

    /// <summary>
    /// The configuration a diffusers-named state dict implies: widths from proj_in, proj_out, caption_projection and
    /// attn2's keys; layers from the highest block index; gating and biases from which tensors exist; heads from
    /// to_gate_logits when gated, else LTX-2's head width of 128. What shapes cannot tell keeps upstream's default
    /// (interleaved RoPE, patch size 1, the VAE's 8×32×32 scale).
    /// </summary>
    public static LTX2VideoTransformerConfig ConfigFromShapes(ITensorSource source, string path)
    {
        long[] Shape(string key) => source.TryGetShape(key, out var shape) ? shape : throw new InvalidDataException($"{path} is not an LTX-2 transformer in diffusers' layout: it has no {key}.");
        bool Has(string key) => source.TryGetShape(key, out _);
        var projIn = Shape("proj_in.weight");
        int inner = (int)projIn[0];
        int layers = source.Keys.Select(k => BlockIndex().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max() + 1;
        const string block = "transformer_blocks.0.";
        int heads = Has(block + "attn1.to_gate_logits.weight") ? (int)Shape(block + "attn1.to_gate_logits.weight")[0]
            : inner % 128 == 0 ? inner / 128
            : throw new InvalidDataException($"{path}: a {inner}-wide LTX-2 transformer without gated attention does not show its head count; put its config.json beside it.");
        var config = new LTX2VideoTransformerConfig
        {
            InChannels = (int)projIn[1],
            OutChannels = (int)Shape("proj_out.weight")[0],
            NumAttentionHeads = heads,
            AttentionHeadDim = inner / heads,
            CrossAttentionDim = (int)Shape(block + "attn2.to_k.weight")[1],
            NumLayers = layers,
            GatedAttn = Has(block + "attn1.to_gate_logits.weight"),
            CrossAttnMod = Has("prompt_adaln.linear.weight"),
            CaptionChannels = Has("caption_projection.linear_1.weight") ? (int)Shape("caption_projection.linear_1.weight")[1] : inner,
            UsePromptEmbeddings = Has("caption_projection.linear_1.weight"),
            AttentionBias = Has(block + "attn1.to_q.bias"),
            AttentionOutBias = Has(block + "attn1.to_out.0.bias"),
            FfBias = Has(block + "ff.net.0.proj.bias"),
            NormElementwiseAffine = Has(block + "norm1.weight"),
            UseKeyframesAbsPosEmbedding = Has("keyframes_abs_pos_embedding"),
        };
        return config.Checked(path);
    }

    [GeneratedRegex(@"^transformer_blocks\.(\d+)\.")]
    private static partial Regex BlockIndex();
}
