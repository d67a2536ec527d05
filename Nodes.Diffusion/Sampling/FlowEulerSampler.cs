using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>What one flow-matching run takes: unit noise and, for img2img, the scaled start latents (both on the model's device), the prompts and the knobs.</summary>
public sealed record FlowEulerRequest(Tensor Noise, Tensor? InitLatents, Conditioning Positive, Conditioning Negative, int Steps, double Cfg, double Shift, double Denoise);

/// <summary>
/// The denoising loop of diffusers' StableDiffusion3Pipeline (v0.30.3) with FlowMatchEulerDiscreteScheduler: start
/// from the noise (or, with denoise &lt; 1, from the latents noised to the first kept σ, as
/// StableDiffusion3Img2ImgPipeline's strength), then per timestep one guided call (the [uncond, cond] batch, pooled
/// embeddings beside the tokens) and one Euler step. Works on scaled latents. A capture receives each step's raw
/// batch prediction and latents ("step{i}.noise_pred", "step{i}.latents").
/// </summary>
public static class FlowEulerSampler
{
    public static Tensor Sample(DiffusionModel model, FlowEulerRequest request, Action<int, int> onStep, IIntermediateCapture? capture = null)
    {
        var (sigmas, timesteps) = new FlowMatchEulerScheduler(FlowMatchEulerSchedulerConfig.Sd3 with { Shift = request.Shift }).SetTimesteps(request.Steps);
        int first = request.Denoise < 1.0 && request.InitLatents is not null ? FlowMatchEulerScheduler.FirstKeptStep(request.Steps, request.Denoise) : 0;
        if (first >= request.Steps)
            return request.InitLatents!.clone();
        using var guidance = ClassifierFreeGuidance.Diffusers(request.Positive, request.Negative, request.Cfg, request.Noise.shape[0], request.Noise.device);
        var latents = first == 0 && request.Denoise >= 1.0 || request.InitLatents is null
            ? request.Noise.clone()
            : FlowMatchEulerScheduler.ScaleNoise(request.InitLatents, request.Noise, sigmas[first]);
        for (int i = first; i < request.Steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var t = torch.full([latents.shape[0] * (guidance.Enabled ? 2 : 1)], timesteps[i], torch.float32, latents.device);
            int step = i;
            var prediction = guidance.Predict(latents, (input, context, _) =>
            {
                var output = model.Forward(input, t, context, guidance.Pooled);
                capture?.Record($"step{step}.noise_pred", output);
                return output;
            });
            var next = FlowMatchEulerScheduler.Step(prediction, latents, sigmas[i], sigmas[i + 1]);
            capture?.Record($"step{i}.latents", next);
            latents.Dispose();
            latents = next.DetachFromDisposeScope();
            onStep(i - first + 1, request.Steps - first);
        }
        return latents;
    }
}
