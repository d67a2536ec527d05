using Workflow.Nodes.Diffusion.Models.Unet;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A K-blocks UNet's configuration read from its tensor shapes (diffusers keys): levels and widths from the down
/// blocks' first resnets, layers from their count, channels and kernels from conv_in/conv_out, the text width from a
/// cross-attention, the time condition from cond_proj. The head width is not in the shapes: it is the published
/// model's 64 channels.
/// </summary>
public static class KUNetShapes
{
    public static KUNet2DConditionConfig Config(CheckpointShapes unet)
    {
        var convIn = unet.Shape("conv_in.weight");
        var convOut = unet.Shape("conv_out.weight");
        int levels = unet.Count("down_blocks.");
        if (levels < 2)
            throw new InvalidDataException($"{unet.FilePath}: a K-blocks UNet has down_blocks.0 to down_blocks.N (N ≥ 1); found {levels}");
        int[] channels = [.. Enumerable.Range(0, levels).Select(i => (int)unet.Shape($"down_blocks.{i}.resnets.0.conv1.weight")[0])];
        int timeEmbed = (int)unet.Shape("time_embedding.linear_1.weight")[0];
        return new KUNet2DConditionConfig
        {
            InChannels = (int)convIn[1],
            ConvInKernel = (int)convIn[2],
            OutChannels = (int)convOut[0],
            ConvOutKernel = (int)convOut[2],
            BlockOutChannels = channels,
            DownBlockTypes = ["KDownBlock2D", .. Enumerable.Repeat("KCrossAttnDownBlock2D", levels - 1)],
            UpBlockTypes = [.. Enumerable.Repeat("KCrossAttnUpBlock2D", levels - 1), "KUpBlock2D"],
            LayersPerBlock = unet.Count("down_blocks.0.resnets."),
            CrossAttentionDim = (int)unet.Shape("down_blocks.1.attentions.0.attn2.to_k.weight")[1],
            TimeEmbeddingDim = timeEmbed == 2 * channels[0] ? null : timeEmbed,
            TimeCondProjDim = unet.Has("time_embedding.cond_proj.weight") ? (int)unet.Shape("time_embedding.cond_proj.weight")[1] : null,
        };
    }
}
