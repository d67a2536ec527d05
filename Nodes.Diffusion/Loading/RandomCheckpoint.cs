using System.Text.Json;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Loading;

public enum RandomModelPreset
{
    /// <summary>Stable Diffusion 1.5's architecture (runwayml/stable-diffusion-v1-5 configs): 860M-parameter UNet, CLIP ViT-L/14, the SD VAE.</summary>
    [WireName("sd15")] Sd15,

    /// <summary>The sd15-tiny fixture's architecture: the same blocks at a width of 32, for quick runs.</summary>
    [WireName("sd15_tiny")] Sd15Tiny,
}

/// <summary>A Stable Diffusion checkpoint of a known architecture with seeded random weights and a byte-level tokenizer.</summary>
public static class RandomCheckpoint
{
    public static LoadedCheckpoint Create(RandomModelPreset preset, long seed)
    {
        var (unetConfig, vaeConfig, clipConfig) = Configs(preset);
        using var generator = new Generator(seed);
        var unet = new UNet2DConditionModel(unetConfig);
        var vae = new AutoencoderKL(vaeConfig);
        var clip = new ClipTextModel(clipConfig);
        RandomWeights.Fill(unet, generator);
        RandomWeights.Fill(vae, generator);
        RandomWeights.Fill(clip, generator);
        return new LoadedCheckpoint(
            new DiffusionModel(unet, DdimSchedulerConfig.StableDiffusion1, LatentFormat.StableDiffusion1),
            new ClipModel(clip, ClipTokenizer.ByteLevel()),
            new ImageVae(vae));
    }

    private static (UNet2DConditionConfig, AutoencoderKLConfig, ClipTextConfig) Configs(RandomModelPreset preset) => preset switch
    {
        RandomModelPreset.Sd15 => (
            new UNet2DConditionConfig { CrossAttentionDim = 768, AttentionHeadDim = JsonSerializer.SerializeToElement(8) },
            new AutoencoderKLConfig
            {
                BlockOutChannels = [128, 256, 512, 512], LayersPerBlock = 2,
                DownBlockTypes = [.. Enumerable.Repeat("DownEncoderBlock2D", 4)], UpBlockTypes = [.. Enumerable.Repeat("UpDecoderBlock2D", 4)],
            },
            ClipTextConfig.VitL14),
        _ => (
            new UNet2DConditionConfig
            {
                BlockOutChannels = [32, 64], DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"], UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"],
                CrossAttentionDim = 32, AttentionHeadDim = JsonSerializer.SerializeToElement(8),
            },
            new AutoencoderKLConfig
            {
                BlockOutChannels = [32, 32, 32, 64], LayersPerBlock = 2,
                DownBlockTypes = [.. Enumerable.Repeat("DownEncoderBlock2D", 4)], UpBlockTypes = [.. Enumerable.Repeat("UpDecoderBlock2D", 4)],
            },
            new ClipTextConfig { HiddenSize = 32, IntermediateSize = 37, ProjectionDim = 32, NumHiddenLayers = 3, NumAttentionHeads = 4 }),
    };
}
