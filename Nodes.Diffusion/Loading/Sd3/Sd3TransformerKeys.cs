using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>
/// The MM-DiT of an original-layout SD3 file (model.diffusion_model.*, sd3-ref's and ComfyUI's names) seen by
/// diffusers' names, as convert_sd3_transformer_checkpoint_to_diffusers renames it: fused qkv weights become
/// to_q/to_k/to_v (thirds along rows), and the adaptive norms whose original order is (shift, scale) — the last
/// block's context norm and the final layer's — have their halves swapped to diffusers' (scale, shift). Tensors are
/// read from the mapped file into the parameters; a split or swap reads the fused tensor once per part.
/// </summary>
public sealed partial class Sd3TransformerKeys : ITensorSource
{
    private enum Part { Whole, FirstThird, SecondThird, LastThird, HalvesSwapped }

    private readonly ITensorFile _file;
    private readonly Dictionary<string, (string FileKey, Part Part)> _sources = new(StringComparer.Ordinal);

    public Sd3TransformerKeys(ITensorFile file, string prefix)
    {
        _file = file;
        var keys = file.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        int lastBlock = keys.Select(k => BlockKey().Match(k[prefix.Length..])).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max();
        foreach (var fileKey in keys)
        {
            foreach (var (name, part) in Rename(fileKey[prefix.Length..], lastBlock)
                ?? throw new InvalidDataException($"{file.Path}: key {fileKey} has no place in an SD3 transformer"))
                _sources[name] = (fileKey, part);
        }
    }

    public IEnumerable<string> Keys => _sources.Keys;

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = null;
        if (!_sources.TryGetValue(key, out var source) || !_file.TryGetShape(source.FileKey, out var fileShape))
            return false;
        shape = source.Part is Part.Whole or Part.HalvesSwapped ? fileShape : [fileShape[0] / 3, .. fileShape[1..]];
        return true;
    }

    public void CopyTo(string key, Tensor destination)
    {
        var (fileKey, part) = _sources[key];
        if (part == Part.Whole)
        {
            _file.CopyTo(fileKey, destination);
            return;
        }
        using var fused = _file.Load(fileKey, destination.dtype, destination.device);
        long rows = fused.shape[0];
        if (part == Part.HalvesSwapped)
        {
            using var firstHalf = destination.narrow(0, 0, rows / 2);
            using var secondHalf = destination.narrow(0, rows / 2, rows / 2);
            using var shift = fused.narrow(0, 0, rows / 2);
            using var scale = fused.narrow(0, rows / 2, rows / 2);
            firstHalf.copy_(scale);
            secondHalf.copy_(shift);
            return;
        }
        long third = rows / 3, index = part == Part.FirstThird ? 0 : part == Part.SecondThird ? 1 : 2;
        using var slice = fused.narrow(0, index * third, third);
        destination.copy_(slice);
    }

    /// <summary>The diffusers names (and parts) an original key fills; null for a key with no place.</summary>
    private static IEnumerable<(string Name, Part Part)>? Rename(string key, int lastBlock)
    {
        string? whole = key switch
        {
            "pos_embed" => "pos_embed.pos_embed",
            _ when key.StartsWith("x_embedder.proj.", StringComparison.Ordinal) => "pos_embed.proj." + key["x_embedder.proj.".Length..],
            _ when key.StartsWith("context_embedder.", StringComparison.Ordinal) => key,
            _ when key.StartsWith("final_layer.linear.", StringComparison.Ordinal) => "proj_out." + key["final_layer.linear.".Length..],
            _ => null,
        };
        if (whole is not null)
            return [(whole, Part.Whole)];
        if (key.StartsWith("final_layer.adaLN_modulation.1.", StringComparison.Ordinal))
            return [("norm_out.linear." + key["final_layer.adaLN_modulation.1.".Length..], Part.HalvesSwapped)];
        var embedder = EmbedderKey().Match(key);
        if (embedder.Success)
            return [($"time_text_embed.{(embedder.Groups[1].Value == "t" ? "timestep" : "text")}_embedder.linear_{(embedder.Groups[2].Value == "0" ? 1 : 2)}.{embedder.Groups[3].Value}", Part.Whole)];
        var block = BlockKey().Match(key);
        return block.Success ? BlockRename(block, int.Parse(block.Groups[1].Value) == lastBlock) : null;
    }

    private static IEnumerable<(string Name, Part Part)>? BlockRename(Match block, bool last)
    {
        string target = $"transformer_blocks.{block.Groups[1].Value}.";
        bool image = block.Groups[2].Value == "x_block";
        string rest = block.Groups[3].Value;
        (string Name, Part Part)[] Qkv(string q, string k, string v, string leaf) =>
            [(target + q + leaf, Part.FirstThird), (target + k + leaf, Part.SecondThird), (target + v + leaf, Part.LastThird)];
        var fused = QkvKey().Match(rest);
        if (fused.Success)
        {
            var (attention, leaf) = (fused.Groups[1].Value, "." + fused.Groups[2].Value);
            return attention == "attn2" ? Qkv("attn2.to_q", "attn2.to_k", "attn2.to_v", leaf)
                : image ? Qkv("attn.to_q", "attn.to_k", "attn.to_v", leaf)
                : Qkv("attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj", leaf);
        }
        string? name = rest switch
        {
            _ when rest.StartsWith("attn.proj.", StringComparison.Ordinal) => (image ? "attn.to_out.0." : "attn.to_add_out.") + rest["attn.proj.".Length..],
            _ when rest.StartsWith("attn2.proj.", StringComparison.Ordinal) && image => "attn2.to_out.0." + rest["attn2.proj.".Length..],
            "attn.ln_q.weight" => image ? "attn.norm_q.weight" : "attn.norm_added_q.weight",
            "attn.ln_k.weight" => image ? "attn.norm_k.weight" : "attn.norm_added_k.weight",
            "attn2.ln_q.weight" when image => "attn2.norm_q.weight",
            "attn2.ln_k.weight" when image => "attn2.norm_k.weight",
            _ when rest.StartsWith("adaLN_modulation.1.", StringComparison.Ordinal) => (image ? "norm1.linear." : "norm1_context.linear.") + rest["adaLN_modulation.1.".Length..],
            _ when rest.StartsWith("mlp.fc1.", StringComparison.Ordinal) => (image ? "ff" : "ff_context") + ".net.0.proj." + rest["mlp.fc1.".Length..],
            _ when rest.StartsWith("mlp.fc2.", StringComparison.Ordinal) => (image ? "ff" : "ff_context") + ".net.2." + rest["mlp.fc2.".Length..],
            _ => null,
        };
        if (name is null)
            return null;
        // The last block's context norm is AdaLayerNormContinuous: (shift, scale) in the file, (scale, shift) in diffusers.
        bool swapped = last && !image && rest.StartsWith("adaLN_modulation.1.", StringComparison.Ordinal);
        return [(target + name, swapped ? Part.HalvesSwapped : Part.Whole)];
    }

    [GeneratedRegex(@"^joint_blocks\.(\d+)\.(x_block|context_block)\.(.+)$")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"^(attn2?)\.qkv\.(weight|bias)$")]
    private static partial Regex QkvKey();

    [GeneratedRegex(@"^(t|y)_embedder\.mlp\.(0|2)\.(weight|bias)$")]
    private static partial Regex EmbedderKey();
}
