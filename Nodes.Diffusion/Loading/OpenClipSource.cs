using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// An OpenCLIP tower in an open file, under a prefix, seen by the names of transformers' CLIP model: its
/// transformer.resblocks.N (ln_1, fused attn.in_proj, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj) become
/// encoder.layers.N (layer_norm1, self_attn.q/k/v/out_proj, layer_norm2, mlp.fc1/fc2), the fused projection split
/// into thirds; the tower's other tensors come from <see cref="TowerKeys"/>. Each tensor is read from the file only
/// when it is copied.
/// </summary>
internal abstract partial class OpenClipSource(ITensorFile file, string prefix, string layersPrefix) : ITensorSource
{
    /// <summary>How many resblocks the file has.</summary>
    public int Blocks { get; } = file.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
        .Select(k => BlockKey().Match(k[prefix.Length..])).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max() + 1;

    /// <summary>The tower's tensors outside the blocks: OpenCLIP's name, ours, and whether it is stored transposed.</summary>
    protected abstract IReadOnlyList<(string OpenClip, string Ours, bool Transposed)> TowerKeys { get; }

    /// <summary>The blocks the model takes (all, or fewer where a tower is used up to an earlier layer).</summary>
    protected virtual int LayersUsed => Blocks;

    public IEnumerable<string> Keys =>
        TowerKeys.Where(k => file.Contains(prefix + k.OpenClip)).Select(k => k.Ours)
            .Concat(Enumerable.Range(0, LayersUsed).SelectMany(i => LayerKeys.Select(name => $"{layersPrefix}{i}.{name}")));

    public bool TryGetShape(string key, [NotNullWhen(true)] out long[]? shape)
    {
        shape = null;
        if (Locate(key) is not var (fileKey, part, transposed) || !file.TryGetShape(prefix + fileKey, out var stored))
            return false;
        shape = [.. stored];
        if (part is not null)
            shape[0] /= 3;
        if (transposed)
            Array.Reverse(shape);
        return true;
    }

    public void CopyTo(string key, Tensor destination)
    {
        var (fileKey, part, transposed) = Locate(key) ?? throw new KeyNotFoundException(key);
        using var scope = torch.NewDisposeScope();
        var tensor = file.Load(prefix + fileKey);
        if (part is int third)
            tensor = tensor.chunk(3, dim: 0)[third];
        destination.copy_(transposed ? tensor.t() : tensor);
    }

    /// <summary>The OpenCLIP key (without prefix) holding our <paramref name="key"/>, which third of a fused in_proj, whether transposed.</summary>
    private (string FileKey, int? Part, bool Transposed)? Locate(string key)
    {
        if (!key.StartsWith(layersPrefix, StringComparison.Ordinal))
            return TowerKeys.FirstOrDefault(k => k.Ours == key) is { OpenClip: { } name } tower ? (name, null, tower.Transposed) : null;
        var layer = Layer().Match(key[layersPrefix.Length..]);
        if (!layer.Success || int.Parse(layer.Groups[1].Value) >= LayersUsed)
            return null;
        var (index, rest) = (layer.Groups[1].Value, layer.Groups[2].Value);
        var projection = Array.IndexOf(["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"], rest[..rest.LastIndexOf('.')]);
        if (projection >= 0)
            return ($"transformer.resblocks.{index}.attn.in_proj_{rest[(rest.LastIndexOf('.') + 1)..]}", projection, false);
        return BlockRenames.FirstOrDefault(r => r.Ours == rest).OpenClip is { } block ? ($"transformer.resblocks.{index}.{block}", null, false) : null;
    }

    /// <summary>Our names within one layer.</summary>
    private static readonly string[] LayerKeys =
        [.. BlockRenames.Select(r => r.Ours), .. new[] { "q", "k", "v" }.SelectMany(p => new[] { "weight", "bias" }.Select(w => $"self_attn.{p}_proj.{w}"))];

    /// <summary>Names within one block (OpenCLIP's and ours); in_proj is split apart.</summary>
    private static (string OpenClip, string Ours)[] BlockRenames =>
    [
        ("ln_1.weight", "layer_norm1.weight"), ("ln_1.bias", "layer_norm1.bias"),
        ("attn.out_proj.weight", "self_attn.out_proj.weight"), ("attn.out_proj.bias", "self_attn.out_proj.bias"),
        ("ln_2.weight", "layer_norm2.weight"), ("ln_2.bias", "layer_norm2.bias"),
        ("mlp.c_fc.weight", "mlp.fc1.weight"), ("mlp.c_fc.bias", "mlp.fc1.bias"),
        ("mlp.c_proj.weight", "mlp.fc2.weight"), ("mlp.c_proj.bias", "mlp.fc2.bias"),
    ];

    [GeneratedRegex(@"^transformer\.resblocks\.(\d+)\.")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"^(\d+)\.(.+)$")]
    private static partial Regex Layer();
}
