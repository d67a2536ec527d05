using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's KSamplerAdvanced: KSampler over a slice of the schedule, for multi-stage workflows (base + refiner,
/// hires passes). add_noise disable starts from the latent as it is; steps run from start_at_step to end_at_step of
/// the full schedule; return_with_leftover_noise disable forces σ = 0 at the end step. Widgets in ComfyUI's order with
/// its defaults; sockets first.
/// </summary>
[Node("KSamplerAdvanced", Category = "sampling",
      Description = "Samples a range of steps of the schedule, optionally adding noise first and leaving the remaining noise in.")]
public sealed class KSamplerAdvanced : INode
{
    public enum AddNoise { Enable, Disable }

    public enum LeftoverNoise { Disable, Enable }

    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The model used for denoising the input latent.")] DiffusionModel model,
        [Input(Tooltip = "The conditioning describing the attributes you want to include in the image.")] Conditioning positive,
        [Input(Tooltip = "The conditioning describing the attributes you want to exclude from the image.")] Conditioning negative,
        [Input(Tooltip = "The latent image to denoise.")] Latent latentImage,
        [Input(Tooltip = "Whether to add the seed's noise to the latent first.")] AddNoise addNoise = AddNoise.Enable,
        [Seed, Input(Tooltip = "The random seed used for creating the noise.")] ulong noiseSeed = 0,
        [Int(Min = 1, Max = 10000), Input(Tooltip = "The number of steps of the full schedule.")] int steps = 20,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01), Input(Tooltip = "The Classifier-Free Guidance scale.")] double cfg = 8.0,
        [Input(Tooltip = "The algorithm used when sampling.")] SamplerName samplerName = SamplerName.Euler,
        [Input(Tooltip = "The scheduler controls how noise is gradually removed to form the image.")] SchedulerName scheduler = SchedulerName.Simple,
        [Int(Min = 0, Max = 10000), Input(Tooltip = "The step of the schedule to start at.")] int startAtStep = 0,
        [Int(Min = 0, Max = 10000), Input(Tooltip = "The step of the schedule to end at.")] int endAtStep = 10000,
        [Input(Tooltip = "Whether to stop at end_at_step's noise level instead of denoising fully there.")] LeftoverNoise returnWithLeftoverNoise = LeftoverNoise.Disable) =>
        CommonKSampler.Sample(context, model, positive, negative, latentImage, noiseSeed, steps, cfg, samplerName, scheduler,
            disableNoise: addNoise == AddNoise.Disable, startStep: startAtStep, lastStep: endAtStep,
            forceFullDenoise: returnWithLeftoverNoise == LeftoverNoise.Disable);
}
