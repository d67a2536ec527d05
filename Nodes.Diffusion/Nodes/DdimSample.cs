using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Denoises a latent with DDIM as diffusers' StableDiffusionPipeline does (DDIMScheduler with the model's schedule,
/// classifier-free guidance as one batch, noise from the seed as torch.manual_seed). denoise 1 starts from pure noise
/// (text-to-image; the latent gives the shape); below 1 the latent is noised part way (img2img's strength).
/// </summary>
[Node("DDIMSample", DisplayName = "DDIM Sample", Category = "sampling",
      Description = "Denoises a latent with the DDIM scheduler, as diffusers' Stable Diffusion pipeline does.")]
public sealed class DdimSample : INode
{
    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The model used for denoising the input latent.")] DiffusionModel model,
        [Input(Tooltip = "The conditioning describing what to include in the image.")] Conditioning positive,
        [Input(Tooltip = "The conditioning describing what to exclude from the image.")] Conditioning negative,
        [Input(Tooltip = "The latent image to denoise.")] Latent latentImage,
        [Seed, Input(Tooltip = "The random seed used for creating the noise.")] ulong seed = 0,
        [Int(Min = 1, Max = 10000), Input(Tooltip = "The number of denoising steps.")] int steps = 20,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01), Input(Tooltip = "Classifier-free guidance scale; 1 or less disables guidance.")] double cfg = 7.5,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "DDIM's eta: 0 is deterministic, 1 is DDPM-like.")] double eta = 0,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "How much of the latent to replace with noise (1: all).")] double denoise = 1.0)
    {
        PlainConditioning.Require(positive, "positive", "DDIMSample");
        PlainConditioning.Require(negative, "negative", "DDIMSample");
        if (DdimScheduler.StepsProblem(model.Schedule, steps) is { } problem)
            throw new InputException("steps", steps, problem);
        using var scope = torch.NewDisposeScope();
        using var generator = SeededNoise.Generator(seed);
        var (scaled, noise) = SamplerLatents.Prepare(model, latentImage, generator);
        var request = new DdimRequest(noise, denoise < 1.0 ? scaled : null, positive, negative, steps, cfg, eta, denoise, generator);
        using var latents = DdimSampler.Sample(model, request, (step, total) => context.ReportProgress(step, total));
        return SamplerLatents.Result(model, latents, latentImage);
    }
}
