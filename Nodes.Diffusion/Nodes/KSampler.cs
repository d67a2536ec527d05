using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's KSampler with ComfyUI's semantics (../shared/notes/comfyui.md §7): its sampler and scheduler names (those
/// ported: <see cref="SamplerName"/>, <see cref="SchedulerName"/>), denoise &lt; 1 keeping the tail of a longer schedule,
/// noise from the seed as torch.manual_seed, ancestral and SDE noise seeded as ComfyUI's. ε- and v-prediction models, and
/// flow-matching ones (SD3) under their model sampling's shift (ModelSamplingSD3). The widgets keep ComfyUI's order and
/// defaults; the sockets come first.
/// </summary>
[Node("KSampler", Category = "sampling",
      Description = "Uses the provided model, positive and negative conditioning to denoise the latent image.")]
public sealed class KSampler : INode
{
    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The model used for denoising the input latent.")] DiffusionModel model,
        [Input(Tooltip = "The conditioning describing the attributes you want to include in the image.")] Conditioning positive,
        [Input(Tooltip = "The conditioning describing the attributes you want to exclude from the image.")] Conditioning negative,
        [Input(Tooltip = "The latent image to denoise.")] Latent latentImage,
        [Seed, Input(Tooltip = "The random seed used for creating the noise.")] ulong seed = 0,
        [Int(Min = 1, Max = 10000), Input(Tooltip = "The number of steps used in the denoising process.")] int steps = 20,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01), Input(Tooltip = "The Classifier-Free Guidance scale.")] double cfg = 8.0,
        [Input(Tooltip = "The algorithm used when sampling.")] SamplerName samplerName = SamplerName.Euler,
        [Input(Tooltip = "The scheduler controls how noise is gradually removed to form the image.")] SchedulerName scheduler = SchedulerName.Simple,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "The amount of denoising applied.")] double denoise = 1.0) =>
        CommonKSampler.Sample(context, model, positive, negative, latentImage, seed, steps, cfg, samplerName, scheduler, denoise);
}
