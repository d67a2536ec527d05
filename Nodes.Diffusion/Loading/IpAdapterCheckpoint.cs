using System.Text.RegularExpressions;
using Workflow.Nodes.Diffusion.Models.IpAdapter;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Reads an IP-Adapter file in the original layout (image_proj.*, ip_adapter.&lt;k&gt;.to_k_ip / to_v_ip), base or Plus,
/// safetensors or tencent's pickled .bin (whose nested image_proj / ip_adapter dicts read as the same dotted names),
/// with its shape read from the tensors as diffusers' loader does (Plus: heads = to_q rows / 64).
/// </summary>
public static partial class IpAdapterCheckpoint
{
    public static IpAdapterModel Load(string path)
    {
        using var file = TensorFile.Open(path);
        var layers = Layers(file, path);
        var (kind, projection) = file.Contains("image_proj.latents") ? (IpAdapterKind.Plus, (Module)PlusProjection(file, path))
            : file.Contains("image_proj.proj.weight") ? (IpAdapterKind.Base, BaseProjection(file))
            : throw new InvalidDataException($"{path} is not an IP-Adapter: it has neither image_proj.proj.weight (base) nor image_proj.latents (Plus).");
        var model = new IpAdapterModel(kind, projection, layers);
        try
        {
            model.load_state_dict(file);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>(hidden, cross_attention_dim) of each ip_adapter.&lt;2i+1&gt;, which must number 1, 3, 5, ... without gaps.</summary>
    private static List<(int Hidden, int CrossAttentionDim)> Layers(ITensorFile file, string path)
    {
        var indices = file.Keys.Select(k => LayerKey().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order().ToList();
        if (indices.Count == 0)
            throw new InvalidDataException($"{path} is not an IP-Adapter: it has no ip_adapter.<n>.to_k_ip weights.");
        if (!indices.SequenceEqual(Enumerable.Range(0, indices.Count).Select(i => 2 * i + 1)))
            throw new InvalidDataException($"{path}: the IP-Adapter layers are numbered {string.Join(", ", indices)}, not 1, 3, 5, ...");
        return [.. indices.Select(i => file.Shape($"ip_adapter.{i}.to_k_ip.weight")).Select(s => ((int)s[0], (int)s[1]))];
    }

    private static ImageProjModel BaseProjection(ITensorFile file)
    {
        var proj = file.Shape("image_proj.proj.weight");
        int crossAttentionDim = (int)file.Shape("image_proj.norm.weight")[0];
        return new ImageProjModel((int)proj[1], crossAttentionDim, (int)(proj[0] / crossAttentionDim));
    }

    private static Resampler PlusProjection(ITensorFile file, string path)
    {
        var latents = file.Shape("image_proj.latents");
        int depth = file.Keys.Select(k => ResamplerLayer().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max() + 1;
        int queryRows = (int)file.Shape("image_proj.layers.0.0.to_q.weight")[0];
        const int dimHead = 64;
        if (queryRows % dimHead != 0)
            throw new InvalidDataException($"{path}: the Resampler's to_q has {queryRows} rows, not a whole number of {dimHead}-wide heads.");
        return new Resampler(new ResamplerConfig(
            Dim: (int)latents[2], Depth: depth, DimHead: dimHead, Heads: queryRows / dimHead, NumQueries: (int)latents[1],
            EmbeddingDim: (int)file.Shape("image_proj.proj_in.weight")[1], OutputDim: (int)file.Shape("image_proj.proj_out.weight")[0],
            FeedForwardDim: (int)file.Shape("image_proj.layers.0.1.1.weight")[0]));
    }

    [GeneratedRegex(@"^ip_adapter\.(\d+)\.to_k_ip\.weight$")]
    private static partial Regex LayerKey();

    [GeneratedRegex(@"^image_proj\.layers\.(\d+)\.")]
    private static partial Regex ResamplerLayer();
}
