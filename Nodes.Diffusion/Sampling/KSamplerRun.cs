using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// What one ComfyUI-style run takes: unit noise, the scaled start latents (both on the model's device), the prompts and
/// the knobs. <see cref="StartStep"/>, <see cref="LastStep"/> and <see cref="ForceFullDenoise"/> are KSamplerAdvanced's;
/// <see cref="DenoiseMask"/> (the latent's shape, 1 where sampled: <see cref="Sampling.DenoiseMask"/>) makes it inpainting.
/// </summary>
public sealed record KSamplerRequest(Tensor Noise, Tensor LatentImage, Conditioning Positive, Conditioning Negative,
    int Steps, double Cfg, SamplerName Sampler, SchedulerName Scheduler, double Denoise, ulong Seed = 0,
    int? StartStep = null, int? LastStep = null, bool ForceFullDenoise = false, Tensor? DenoiseMask = null);

/// <summary>
/// ComfyUI's sampling (comfy/samplers.py KSampler.sample, KSAMPLER.sample, CFGGuider, model_base.apply_model) under the
/// MODEL's model_sampling: σ from the scheduler, cut to the requested steps; the start is noise_scaling at σ₀; the
/// sampler calls the model, which sees calculate_input(x) at timestep(σ) (with the prompts' pooled outputs where it
/// takes them), its output becomes the clean estimate x̂₀ (calculate_denoised), and guidance mixes the x̂₀ of the
/// prompts' entries (<see cref="ComfyGuidance"/>). ε- and v-prediction (SD1.x, SD2.x) and rectified flow (SD3). Works
/// on scaled latents.
/// </summary>
public static class KSamplerRun
{
    public static Tensor Sample(DiffusionModel model, KSamplerRequest request, Action<int, int> onStep)
    {
        var sampling = model.Sampling;
        if (sampling is not ModelSamplingDiscrete && Samplers.AssumesVariancePreserving(request.Sampler))
            throw new NotSupportedException($"sampler {ComfyNames.Of(request.Sampler)} adds noise as for an ε-prediction model; on this flow-matching model ComfyUI switches to a rectified-flow variant, which is not ported: choose euler, heun, dpm_2, lms, dpmpp_2m, ddim or uni_pc.");
        var sigmas = Sigmas(sampling, request);
        if (sigmas.Length == 0)
            return request.LatentImage.clone();
        using var guidance = ComfyGuidance.For(model, request.Positive, request.Negative, request.Cfg, request.Noise.shape, request.Noise.device);
        using var start = sampling.NoiseScaling(sigmas[0], request.Noise, request.LatentImage, NoiseScaling.IsMaxDenoise(sampling.SigmaMax, sigmas[0]));
        Denoiser denoiser = (x, sigma) => guidance.Predict(x, sigma, batch => Denoise(model, sampling, batch, sigma));
        using var inpainting = InpaintingDenoiser.For(sampling, request);
        denoiser = inpainting?.Wrap(denoiser) ?? denoiser;
        var run = new SamplerRun(request.Seed, step => onStep(step.Index + 1, step.Total));
        return Samplers.Function(request.Sampler)(denoiser, start, sigmas, run);
    }

    /// <summary>
    /// KSampler.set_steps then KSampler.sample's slicing: end at <see cref="KSamplerRequest.LastStep"/> (with σ = 0 there
    /// when forced), start at <see cref="KSamplerRequest.StartStep"/>; a start at or past the end leaves nothing to run.
    /// </summary>
    public static float[] Sigmas(IModelSampling sampling, KSamplerRequest request)
    {
        var sigmas = SigmaSchedule.ForDenoise(sampling, request.Scheduler, request.Steps, request.Denoise, Samplers.DiscardsPenultimateSigma(request.Sampler));
        if (request.LastStep is int last && last < sigmas.Length - 1)
        {
            sigmas = sigmas[..(last + 1)];
            if (request.ForceFullDenoise)
                sigmas[^1] = 0;
        }
        if (request.StartStep is int first)
            sigmas = first < sigmas.Length - 1 ? sigmas[first..] : [];
        return sigmas;
    }

    /// <summary>BaseModel.apply_model: the network sees calculate_input(x) at timestep(σ); its output becomes x̂₀.</summary>
    private static Tensor Denoise(DiffusionModel model, IModelSampling sampling, GuidanceBatch batch, float sigma)
    {
        using var scope = torch.NewDisposeScope();
        var x = batch.Input;
        var input = sampling.CalculateInput(sigma, x);
        var timestep = torch.full([x.shape[0]], sampling.Timestep(sigma), torch.float32, x.device);
        var output = model.Forward(input, timestep, batch.Context, batch.Pooled, new UNetCall(batch.UnconditionalRows, sigma));
        return sampling.CalculateDenoised(sigma, output, x).MoveToOuterDisposeScope();
    }
}
