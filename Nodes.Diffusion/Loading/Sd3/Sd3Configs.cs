using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Nodes.Diffusion.Models.T5;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>
/// SD3's configurations read from tensor shapes, where a single file carries no config (../shared/notes/sd3.md §1;
/// diffusers' convert_sd3_to_diffusers.py and ComfyUI's model_detection): what shapes cannot tell follows the
/// released models — attention heads as many as joint blocks, CLIP heads 64 wide, CLIP-L QuickGELU and CLIP-G GELU.
/// </summary>
public static class Sd3Configs
{
    /// <summary>The MM-DiT under model.diffusion_model. (keys without that prefix).</summary>
    public static Sd3TransformerConfig Transformer(CheckpointShapes mmdit)
    {
        var patchEmbed = mmdit.Shape("x_embedder.proj.weight");   // [hidden, in_channels, p, p]
        int hidden = (int)patchEmbed[0], patch = (int)patchEmbed[2], depth = mmdit.Count("joint_blocks.");
        var check = new ConfigCheck(mmdit.FilePath);
        check.Range("joint blocks (joint_blocks.N)", depth, 1, ConfigCheck.MaxEncoderLayers);
        // convert_sd3_to_diffusers: num_attention_heads = num_layers (SD3-medium 24 × 64, SD3.5-large 38 × 64).
        check.Require(hidden % depth == 0, "x_embedder.proj.weight", hidden, $"the width must split into as many heads as joint blocks ({depth})");
        long positions = mmdit.Shape("pos_embed")[1];
        int side = (int)Math.Round(Math.Sqrt(positions));
        check.Require((long)side * side == positions, "pos_embed", positions, "must be a square table of positions");
        var context = mmdit.Shape("context_embedder.weight");
        return new Sd3TransformerConfig
        {
            PatchSize = patch,
            InChannels = (int)patchEmbed[1],
            NumLayers = depth,
            NumAttentionHeads = depth,
            AttentionHeadDim = hidden / depth,
            JointAttentionDim = (int)context[1],
            CaptionProjectionDim = (int)context[0],
            PooledProjectionDim = (int)mmdit.Shape("y_embedder.mlp.0.weight")[1],
            OutChannels = (int)(mmdit.Shape("final_layer.linear.weight")[0] / (patch * patch)),
            PosEmbedMaxSize = side,
            QkNorm = mmdit.Has("joint_blocks.0.x_block.attn.ln_q.weight") ? "rms_norm" : null,
            DualAttentionLayers = [.. Enumerable.Range(0, depth).Where(i => mmdit.Has($"joint_blocks.{i}.x_block.attn2.qkv.weight"))],
        }.Checked(mmdit.FilePath);
    }

    /// <summary>CLIP-L (QuickGELU) or CLIP-G (GELU) under text_model.*, with its projection where text_projection.weight is present.</summary>
    public static ClipTextConfig Clip(CheckpointShapes clip, bool clipG)
    {
        var sizes = LdmConfigs.ClipSizes(clip);
        return (sizes with
        {
            ProjectionDim = clip.Has("text_projection.weight") ? (int)clip.Shape("text_projection.weight")[0] : sizes.HiddenSize,
            HiddenAct = clipG ? "gelu" : "quick_gelu",
            EosTokenId = 49407,
        }).Checked(clip.FilePath);
    }

    /// <summary>T5's encoder: heads and buckets from the relative attention table, widths from the projections.</summary>
    public static T5Config T5(CheckpointShapes t5)
    {
        var embedding = t5.Shape(t5.Has("shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight");
        var bias = t5.Shape("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");   // [buckets, heads]
        int heads = (int)bias[1], inner = (int)t5.Shape("encoder.block.0.layer.0.SelfAttention.q.weight")[0];
        if (!t5.Has("encoder.block.0.layer.1.DenseReluDense.wi_0.weight"))
            throw new NotSupportedException($"{t5.FilePath}: a T5 without the gated feed-forward (wi_0, wi_1) is not T5 v1.1, which is the one supported.");
        new ConfigCheck(t5.FilePath).Require(heads > 0 && inner % heads == 0, "relative_attention_bias", heads, $"the heads must divide the attention width {inner}");
        return (T5Config.V11Xxl with
        {
            VocabSize = (int)embedding[0],
            DModel = (int)embedding[1],
            NumHeads = heads,
            DKv = inner / heads,
            RelativeAttentionNumBuckets = (int)bias[0],
            DFf = (int)t5.Shape("encoder.block.0.layer.1.DenseReluDense.wi_0.weight")[0],
            NumLayers = t5.Count("encoder.block."),
        }).Checked(t5.FilePath);
    }
}
