using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Denoises a latent as diffusers' StableDiffusion3Pipeline does: FlowMatchEulerDiscreteScheduler with this
/// <c>shift</c>, classifier-free guidance as one [uncond, cond] batch (off at cfg ≤ 1), noise from the seed as
/// torch.Generator("cpu").manual_seed. denoise 1 starts from pure noise (the latent gives the shape); below 1 the
/// latent is noised to the first step kept, as StableDiffusion3Img2ImgPipeline's strength. The same seed and settings
/// give diffusers' latents.
/// </summary>
[Node("FlowEulerSample", DisplayName = "Flow Euler Sample", Category = "sampling",
      Description = "Denoises a latent with flow-matching Euler steps, as diffusers' Stable Diffusion 3 pipeline does.")]
public sealed class FlowEulerSample : INode
{
    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The flow-matching model (SD3) used for denoising.")] DiffusionModel model,
        [Input(Tooltip = "The conditioning describing what to include in the image.")] Conditioning positive,
        [Input(Tooltip = "The conditioning describing what to exclude from the image.")] Conditioning negative,
        [Input(Tooltip = "The latent image to denoise.")] Latent latentImage,
        [Seed, Input(Tooltip = "The random seed used for creating the noise.")] ulong seed = 0,
        [Int(Min = 1, Max = 10000), Input(Tooltip = "The number of denoising steps.")] int steps = 28,
        [Float(Min = 0, Max = 100, Step = 0.1, Round = 0.01), Input(Tooltip = "Classifier-free guidance scale; 1 or less disables guidance.")] double cfg = 7.0,
        [Float(Min = 0.01, Max = 100, Step = 0.01), Input(Tooltip = "The scheduler's timestep shift (SD3: 3).")] double shift = 3.0,
        [Float(Min = 0, Max = 1, Step = 0.01), Input(Tooltip = "How much of the latent to replace with noise (1: all).")] double denoise = 1.0)
    {
        if (model.Network is not Models.IPooledTextNetwork)
            throw new InputException("model", model.Network.GetType().Name, "FlowEulerSample samples flow-matching transformers (SD3); use KSampler or DDIMSample for this model");
        PlainConditioning.Require(positive, "positive", "FlowEulerSample");
        PlainConditioning.Require(negative, "negative", "FlowEulerSample");
        if (cfg > 1.0 && positive.Entries[0].Embeddings.shape[1] != negative.Entries[0].Embeddings.shape[1])
            throw new InputException("negative", $"{negative.Entries[0].Embeddings.shape[1]} tokens",
                $"the positive prompt has {positive.Entries[0].Embeddings.shape[1]}: encode both with the same max_sequence_length");
        using var scope = torch.NewDisposeScope();
        using var generator = SeededNoise.Generator(seed);
        var (scaled, noise) = SamplerLatents.Prepare(model, latentImage, generator);
        var request = new FlowEulerRequest(noise, denoise < 1.0 ? scaled : null, positive, negative, steps, cfg, shift, denoise);
        using var latents = FlowEulerSampler.Sample(model, request, (step, total) => context.ReportProgress(step, total));
        return SamplerLatents.Result(model, latents, latentImage);
    }
}
