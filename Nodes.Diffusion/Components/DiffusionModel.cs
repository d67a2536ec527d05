using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>ComfyUI's MODEL: the denoising network with what sampling it needs to know — its noise schedule and latent format.</summary>
[SocketType("MODEL")]
public sealed class DiffusionModel(UNet2DConditionModel unet, DdimSchedulerConfig schedule, LatentFormat latentFormat) : IDisposable, IMemoryFootprint
{
    public UNet2DConditionModel Unet { get; } = unet;

    /// <summary>The training noise schedule (betas, prediction type) from the checkpoint's scheduler config.</summary>
    public DdimSchedulerConfig Schedule { get; } = schedule;

    public LatentFormat LatentFormat { get; } = latentFormat;

    public Device Device => ModuleMemory.DeviceOf(Unet);

    public long HostBytes => ModuleMemory.HostBytes(Unet);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Unet);

    public void Dispose() => Unet.Dispose();
}
