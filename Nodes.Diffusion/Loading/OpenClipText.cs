using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// OpenCLIP's text tower (token_embedding, positional_embedding, transformer.resblocks.N with fused in_proj, ln_final)
/// as SD2.x and MVDream single files carry it under a prefix (<c>cond_stage_model.model.</c>; ImageDream's
/// <c>clip_model.model.</c>), loaded into transformers' CLIPTextModel with the last resblock left out. SD2's
/// FrozenOpenCLIPEmbedder(layer="penultimate") stops before that block and then applies ln_final, which is exactly
/// last_hidden_state of the tower one layer shorter (diffusers' converter drops it too, giving its 23-layer config).
/// The configuration comes from the shapes: heads 64 wide, as open_clip's text towers have them, and one head for a
/// tower narrower than that (only test models are).
/// </summary>
public static class OpenClipText
{
    /// <summary>Whether <paramref name="file"/> holds an OpenCLIP text tower under <paramref name="prefix"/>.</summary>
    public static bool IsPresent(ITensorFile file, string prefix) =>
        file.Contains(prefix + "token_embedding.weight") && file.Contains(prefix + "transformer.resblocks.0.attn.in_proj_weight");

    /// <param name="activation">GELU for LAION's towers (SD2.x, MVDream, ImageDream); QuickGELU for OpenAI's weights converted to OpenCLIP.</param>
    public static ClipTextModel Load(ITensorFile file, string prefix, ClipActivation activation = ClipActivation.Gelu)
    {
        var source = new Source(file, prefix);
        var model = new ClipTextModel(Config(file, prefix, source.Blocks, activation));
        try
        {
            model.load_state_dict(source, strict: true, ignore: ["position_ids$"]);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ClipTextConfig Config(ITensorFile file, string prefix, int blocks, ClipActivation activation)
    {
        var embedding = file.Shape(prefix + "token_embedding.weight");
        int width = (int)embedding[1];
        if ((width > 64 && width % 64 != 0) || blocks < 2)
            throw new InvalidDataException($"{file.Path}: an OpenCLIP text tower {width} wide with {blocks} blocks is not one SD uses (64-wide heads, at least 2 blocks).");
        return new ClipTextConfig
        {
            VocabSize = (int)embedding[0], HiddenSize = width, NumAttentionHeads = Math.Max(1, width / 64), NumHiddenLayers = blocks - 1,
            IntermediateSize = (int)file.Shape(prefix + "transformer.resblocks.0.mlp.c_fc.weight")[0],
            MaxPositionEmbeddings = (int)file.Shape(prefix + "positional_embedding")[0],
            HiddenAct = activation == ClipActivation.Gelu ? "gelu" : "quick_gelu",
        };
    }

    /// <summary>The text tower by transformers' names, up to its next-to-last block; text_projection and logit_scale are not SD's.</summary>
    private sealed class Source(ITensorFile file, string prefix) : OpenClipSource(file, prefix, "text_model.encoder.layers.")
    {
        protected override IReadOnlyList<(string OpenClip, string Ours, bool Transposed)> TowerKeys { get; } =
        [
            ("token_embedding.weight", "text_model.embeddings.token_embedding.weight", false),
            ("positional_embedding", "text_model.embeddings.position_embedding.weight", false),
            ("ln_final.weight", "text_model.final_layer_norm.weight", false),
            ("ln_final.bias", "text_model.final_layer_norm.bias", false),
        ];

        protected override int LayersUsed => Blocks - 1;
    }
}
