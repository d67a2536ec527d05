using System.Text.Json;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Models.Vae;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Infers diffusers configurations from an original (LDM) checkpoint's tensor shapes, the way ComfyUI's
/// model_detection.detect_unet_config reads them; the original config YAML supplies only what shapes cannot tell
/// (attention heads, a non-standard text encoder, the scaling factor).
/// </summary>
public static class LdmConfigs
{
    public static UNet2DConditionConfig Unet(CheckpointShapes unet, YamlValues? yaml)
    {
        var levels = UnetLevels(unet);
        int layers = levels[0].ResBlocks;
        if (levels.Any(l => l.ResBlocks != layers))
            throw new NotSupportedException($"{unet.FilePath}: levels with different res-block counts are not supported.");
        var withAttention = levels.FirstOrDefault(l => l.ContextDim > 0) ?? throw new NotSupportedException($"{unet.FilePath}: a UNet without cross-attention is not a text-to-image model.");
        var channels = levels.Select(l => l.Channels).ToArray();
        return new UNet2DConditionConfig
        {
            InChannels = (int)unet.Shape("input_blocks.0.0.weight")[1],
            OutChannels = (int)unet.Shape("out.2.weight")[0],
            BlockOutChannels = channels,
            LayersPerBlock = layers,
            DownBlockTypes = levels.Select(l => l.ContextDim > 0 ? "CrossAttnDownBlock2D" : "DownBlock2D").ToArray(),
            UpBlockTypes = levels.Reverse<UnetLevel>().Select(l => l.ContextDim > 0 ? "CrossAttnUpBlock2D" : "UpBlock2D").ToArray(),
            CrossAttentionDim = withAttention.ContextDim,
            UseLinearProjection = withAttention.LinearProjection,
            TransformerLayersPerBlock = JsonSerializer.SerializeToElement(levels.Select(l => Math.Max(1, l.Depth)).ToArray()),
            AttentionHeadDim = JsonSerializer.SerializeToElement(Heads(unet.FilePath, channels, withAttention.ContextDim, yaml)),
        }.Checked(unet.FilePath);
    }

    /// <param name="format">The latent format of the model family, where the file's shapes cannot tell it (SD3's 16-channel VAE).</param>
    public static AutoencoderKLConfig Vae(CheckpointShapes vae, YamlValues? yaml, LatentFormat? format = null)
    {
        int levels = vae.Count("encoder.down.");
        new ConfigCheck(vae.FilePath).Range("VAE levels (encoder.down.N)", levels, 1, ConfigCheck.MaxLevels);
        var channels = Enumerable.Range(0, levels).Select(i => (int)vae.Shape($"encoder.down.{i}.block.0.conv2.weight")[0]).ToArray();
        int latentChannels = (int)vae.Shape("decoder.conv_in.weight")[1];
        var scale = yaml?.Number("model.params.scale_factor", 1e-6, 1e6) ?? format?.ScaleFactor ?? (latentChannels == 4 ? 0.18215
            : throw new NotSupportedException($"{vae.FilePath}: no scaling factor is known for a {latentChannels}-channel VAE; give a .yaml with scale_factor."));
        return new AutoencoderKLConfig
        {
            InChannels = (int)vae.Shape("encoder.conv_in.weight")[1],
            OutChannels = (int)vae.Shape("decoder.conv_out.weight")[0],
            BlockOutChannels = channels,
            DownBlockTypes = Enumerable.Repeat("DownEncoderBlock2D", levels).ToArray(),
            UpBlockTypes = Enumerable.Repeat("UpDecoderBlock2D", levels).ToArray(),
            LayersPerBlock = vae.Count("encoder.down.0.block."),
            LatentChannels = latentChannels,
            ScalingFactor = scale,
            ShiftFactor = format?.ShiftFactor,
            UseQuantConv = vae.Has("quant_conv.weight"),
            UsePostQuantConv = vae.Has("post_quant_conv.weight"),
        }.Checked(vae.FilePath);
    }

    /// <summary>
    /// SD1.x's text encoder is CLIP ViT-L/14, which the file does not describe: sizes are read from the shapes, the head
    /// count is CLIP's width/64 — unless the YAML's cond_stage_config carries x_tiny_clip_text_config.
    /// </summary>
    public static ClipTextConfig Clip(CheckpointShapes clip, YamlValues? yaml)
    {
        const string tinyClip = "model.params.cond_stage_config.x_tiny_clip_text_config";
        if (yaml?.Mapping(tinyClip) is { } described)
            return ClipTextConfig.FromJson(described.ToJsonString(), $"{yaml.Source}: {tinyClip}");
        return ClipSizes(clip).Checked(clip.FilePath);
    }

    /// <summary>CLIP ViT-L/14's text config with the sizes the shapes under text_model.* give (heads 64 wide), unchecked.</summary>
    public static ClipTextConfig ClipSizes(CheckpointShapes clip)
    {
        var embedding = clip.Shape("text_model.embeddings.token_embedding.weight");
        int hidden = (int)embedding[1];
        return ClipTextConfig.VitL14 with
        {
            VocabSize = (int)embedding[0],
            HiddenSize = hidden,
            IntermediateSize = (int)clip.Shape("text_model.encoder.layers.0.mlp.fc1.weight")[0],
            NumHiddenLayers = clip.Count("text_model.encoder.layers."),
            NumAttentionHeads = Math.Max(1, hidden / 64),
            MaxPositionEmbeddings = (int)clip.Shape("text_model.embeddings.position_embedding.weight")[0],
        };
    }

    /// <summary>One resolution of an LDM UNet as its input blocks show it: width, res blocks, and its transformers' context width (0: none), projection and depth.</summary>
    internal sealed record UnetLevel(int Channels, int ResBlocks, int ContextDim, bool LinearProjection, int Depth);

    /// <summary>Walks input_blocks: res blocks (with their transformers) until a downsampler (N.0.op) closes the level.</summary>
    internal static List<UnetLevel> UnetLevels(CheckpointShapes unet)
    {
        var levels = new List<UnetLevel>();
        var current = new UnetLevel(0, 0, 0, false, 0);
        for (int i = 1; unet.Has($"input_blocks.{i}.0.op.weight") || unet.Has($"input_blocks.{i}.0.in_layers.0.weight"); i++)
        {
            if (unet.Has($"input_blocks.{i}.0.op.weight"))
            {
                levels.Add(current);
                current = new UnetLevel(0, 0, 0, false, 0);
                continue;
            }
            current = current with { Channels = (int)unet.Shape($"input_blocks.{i}.0.out_layers.3.weight")[0], ResBlocks = current.ResBlocks + 1 };
            var toK = $"input_blocks.{i}.1.transformer_blocks.0.attn2.to_k.weight";
            if (unet.Has(toK))
                current = current with
                {
                    ContextDim = (int)unet.Shape(toK)[1],
                    LinearProjection = unet.Shape($"input_blocks.{i}.1.proj_in.weight").Length == 2,
                    Depth = unet.Count($"input_blocks.{i}.1.transformer_blocks."),
                };
        }
        levels.Add(current);
        return levels;
    }

    /// <summary>Heads per block (diffusers' attention_head_dim), from <see cref="HeadSplit"/>.</summary>
    private static int[] Heads(string path, int[] channels, int contextDim, YamlValues? yaml)
    {
        var (numHeads, headChannels) = HeadSplit(path, contextDim, yaml);
        return channels.Select(c => numHeads > 0 ? numHeads : c / headChannels).ToArray();
    }

    /// <summary>
    /// LDM's num_heads or num_head_channels (the other −1): the YAML's, or failing that the family's rule (SD1.x,
    /// context 768: 8 heads; SD2.x, context 1024: 64 channels per head).
    /// </summary>
    internal static (int NumHeads, int NumHeadChannels) HeadSplit(string path, int contextDim, YamlValues? yaml)
    {
        long numHeads = yaml?.Integer("model.params.unet_config.params.num_heads", -1, 1024) ?? -1;
        long headChannels = yaml?.Integer("model.params.unet_config.params.num_head_channels", -1, ConfigCheck.MaxWidth) ?? -1;
        if (numHeads > 0)
            return ((int)numHeads, -1);
        if (headChannels > 0)
            return (-1, (int)headChannels);
        return contextDim switch
        {
            768 => (8, -1),
            1024 => (-1, 64),
            _ => throw new NotSupportedException($"{path}: cannot tell the attention heads of a UNet with context {contextDim}; put a .yaml with num_heads or num_head_channels beside it."),
        };
    }
}
