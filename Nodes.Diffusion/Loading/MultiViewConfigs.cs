using Workflow.Nodes.Diffusion.Models.MultiView;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A MultiViewUNetModel's configuration from an original checkpoint's UNet shapes (model.diffusion_model.* without the
/// prefix), as <see cref="LdmConfigs"/> reads SD's: widths, res blocks and attention per level from input_blocks,
/// camera_dim from camera_embed, ip_dim from image_embed. The .yaml's unet_config gives the head split and ip_weight,
/// which shapes cannot tell.
/// </summary>
public static class MultiViewConfigs
{
    private const string Params = "model.params.unet_config.params.";

    public static MultiViewUNetConfig Unet(CheckpointShapes unet, YamlValues? yaml)
    {
        var levels = LdmConfigs.UnetLevels(unet);
        int modelChannels = (int)unet.Shape("input_blocks.0.0.weight")[0];
        var withAttention = levels.FirstOrDefault(l => l.ContextDim > 0)
            ?? throw new NotSupportedException($"{unet.FilePath}: a multi-view UNet without cross-attention is not MVDream's.");
        if (levels.Any(l => l.ResBlocks != levels[0].ResBlocks) || levels.Any(l => l.ContextDim > 0 && l.Depth != withAttention.Depth))
            throw new NotSupportedException($"{unet.FilePath}: levels with different res-block counts or transformer depths are not supported.");
        if (yaml?.Text(Params + "ip_mode") is { } mode && mode != "local_resample")
            throw new NotSupportedException($"{yaml.Source}: ip_mode '{mode}' is not supported (the released ImageDream checkpoints use local_resample).");
        var (numHeads, headChannels) = LdmConfigs.HeadSplit(unet.FilePath, withAttention.ContextDim, yaml);
        bool imagePrompt = unet.Has("image_embed.latents");
        return new MultiViewUNetConfig
        {
            InChannels = (int)unet.Shape("input_blocks.0.0.weight")[1],
            OutChannels = (int)unet.Shape("out.2.weight")[0],
            ModelChannels = modelChannels,
            ChannelMult = [.. levels.Select(l => l.Channels / modelChannels)],
            NumResBlocks = levels[0].ResBlocks,
            AttentionResolutions = [.. levels.Select((l, i) => (l, i)).Where(p => p.l.ContextDim > 0).Select(p => 1 << p.i).Reverse()],   // deepest first, as upstream's configs list them
            NumHeads = numHeads,
            NumHeadChannels = headChannels,
            TransformerDepth = withAttention.Depth,
            ContextDim = withAttention.ContextDim,
            UseLinearInTransformer = withAttention.LinearProjection,
            CameraDim = (int)unet.Shape("camera_embed.0.weight")[1],
            WithIp = imagePrompt,
            IpDim = imagePrompt ? (int)unet.Shape("image_embed.latents")[1] : 0,
            IpWeight = yaml?.Number(Params + "ip_weight", -100, 100) ?? 1.0,
        }.Checked(unet.FilePath);
    }
}
