using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// LATENT_UPSCALE_MODEL (ComfyUI's type name for learned latent upscalers): stabilityai/sd-x2-latent-upscaler's parts
/// as StableDiffusionLatentUpscalePipeline holds them — the K-blocks UNet, its own CLIP text encoder and tokenizer,
/// the Euler scheduler's config — and the latent format it works in (the SD VAE's ×0.18215 latents).
/// </summary>
[SocketType("LATENT_UPSCALE_MODEL")]
public sealed class LatentUpscaleModel : IDisposable, IMemoryFootprint, IDeviceModel
{
    /// <summary>The noise-level code at the head of the time condition: ones(64), zeros(64) (the pipeline's noise_level 0).</summary>
    public const int NoiseLevelCodeWidth = 128;

    public LatentUpscaleModel(KUNet2DConditionModel unet, ClipModel text, EulerDiscreteSchedulerConfig scheduler, LatentFormat latentFormat)
    {
        int pooledWidth = text.Encoder.Config.HiddenSize;
        if (unet.Config.TimeCondProjDim != NoiseLevelCodeWidth + pooledWidth)
            throw new InvalidDataException($"The latent upscaler's UNet takes a time condition of {unet.Config.TimeCondProjDim?.ToString() ?? "no"} values, " +
                $"but the pipeline gives {NoiseLevelCodeWidth} + the text encoder's {pooledWidth}: the UNet and text encoder do not belong together.");
        if (unet.Config.InChannels != 2 * latentFormat.Channels)
            throw new InvalidDataException($"The latent upscaler's UNet takes {unet.Config.InChannels} channels, not twice the {latentFormat.Channels} latent channels.");
        Unet = unet;
        Text = text;
        Scheduler = scheduler;
        LatentFormat = latentFormat;
    }

    public KUNet2DConditionModel Unet { get; }

    public ClipModel Text { get; }

    public EulerDiscreteSchedulerConfig Scheduler { get; }

    public LatentFormat LatentFormat { get; }

    public Device Device => ModuleMemory.DeviceOf(Unet);

    public IReadOnlyList<Module> WeightModules => [Unet, Text.Encoder];

    public ScalarType Dtype => ModuleMemory.DtypeOf(Unet);

    /// <summary>Moves the UNet's and text encoder's weights to <paramref name="device"/> in <paramref name="dtype"/>, in place.</summary>
    public void To(Device device, ScalarType dtype)
    {
        Unet.to(device, dtype);
        Text.To(device, dtype);
    }

    public long HostBytes => ModuleMemory.HostBytes(Unet, Text.Encoder);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Unet, Text.Encoder);

    /// <summary>
    /// The pipeline's _encode_prompt for one prompt: the text encoder's last layer before final_layer_norm
    /// (hidden_states[-1]) as the context, and the pooled output (the final-normed end token), both on the CPU.
    /// </summary>
    public Conditioning EncodePrompt(string text, ILogger logger)
    {
        using var output = Text.Forward(text, logger);
        return new Conditioning(ModelTensors.ToHost(output.HiddenStates[^1]), ModelTensors.ToHost(output.PooledOutput));
    }

    /// <summary>The UNet's timestep_cond for each pooled prompt [B, D]: cat([ones(64), zeros(64), pooled]).</summary>
    public static Tensor TimeCondition(Tensor pooled)
    {
        using var scope = torch.NewDisposeScope();
        long rows = pooled.shape[0], half = NoiseLevelCodeWidth / 2;
        var code = torch.cat([torch.ones([rows, half], pooled.dtype, pooled.device), torch.zeros([rows, half], pooled.dtype, pooled.device)], dim: 1);
        return torch.cat([code, pooled], dim: 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Unet.Dispose();
        Text.Dispose();
    }
}
