using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// OpenCLIP's names for transformers' CLIP encoder layers, written out independently of the loaders so a round trip
/// through them checks their renaming: encoder.layers.N.{layer_norm1, self_attn.q/k/v/out_proj, layer_norm2, mlp.fc1/fc2}
/// become transformer.resblocks.N.{ln_1, attn.in_proj (q, k, v stacked), attn.out_proj, ln_2, mlp.c_fc/c_proj}.
/// </summary>
internal static class OpenClipLayout
{
    public static void AddBlocks(Dictionary<string, Tensor> open, IReadOnlyDictionary<string, Tensor> state, string layersPrefix, string towerPrefix, int layers)
    {
        for (var i = 0; i < layers; i++)
        {
            string ours = $"{layersPrefix}{i}.", theirs = $"{towerPrefix}transformer.resblocks.{i}.";
            foreach (var part in new[] { "weight", "bias" })
            {
                open[$"{theirs}attn.in_proj_{part}"] = torch.cat([.. new[] { "q", "k", "v" }.Select(p => state[$"{ours}self_attn.{p}_proj.{part}"])], dim: 0);
                open[$"{theirs}attn.out_proj.{part}"] = state[$"{ours}self_attn.out_proj.{part}"];
                open[$"{theirs}ln_1.{part}"] = state[$"{ours}layer_norm1.{part}"];
                open[$"{theirs}ln_2.{part}"] = state[$"{ours}layer_norm2.{part}"];
                open[$"{theirs}mlp.c_fc.{part}"] = state[$"{ours}mlp.fc1.{part}"];
                open[$"{theirs}mlp.c_proj.{part}"] = state[$"{ours}mlp.fc2.{part}"];
            }
        }
    }
}
