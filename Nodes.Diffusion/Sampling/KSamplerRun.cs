using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// What one ComfyUI-style run takes: unit noise, the scaled start latents (both on the model's device), the prompts and
/// the knobs. <see cref="StartStep"/>, <see cref="LastStep"/> and <see cref="ForceFullDenoise"/> are KSamplerAdvanced's.
/// </summary>
public sealed record KSamplerRequest(Tensor Noise, Tensor LatentImage, Conditioning Positive, Conditioning Negative,
    int Steps, double Cfg, SamplerName Sampler, SchedulerName Scheduler, double Denoise, ulong Seed = 0,
    int? StartStep = null, int? LastStep = null, bool ForceFullDenoise = false);

/// <summary>
/// ComfyUI's sampling of an ε-prediction model (comfy/samplers.py KSampler.sample, KSAMPLER.sample, CFGGuider,
/// model_base.apply_model): σ from the scheduler, cut to the requested steps; x = latent + noise·σ₀ (noise·√(1+σ₀²) at
/// full denoise); the sampler calls the model, which sees x/√(σ²+1) at the nearest training timestep, its ε becomes
/// x̂₀ = x − σ·ε, and guidance mixes the x̂₀ of both prompts. Works on scaled latents.
/// </summary>
public static class KSamplerRun
{
    public static Tensor Sample(DiffusionModel model, KSamplerRequest request, Action<int, int> onStep)
    {
        if (model.Schedule.PredictionType != PredictionType.Epsilon)
            throw new NotSupportedException($"KSampler supports ε-prediction models; this one predicts {model.Schedule.PredictionTypeName}.");
        var sampling = new ModelSamplingDiscrete(model.Schedule);
        var sigmas = Sigmas(sampling, request);
        if (sigmas.Length == 0)
            return request.LatentImage.clone();
        using var guidance = ClassifierFreeGuidance.ComfyUi(request.Positive, request.Negative, request.Cfg, request.Noise.shape[0], request.Noise.device);
        using var start = NoiseScaling.Eps(sigmas[0], request.Noise, request.LatentImage, NoiseScaling.IsMaxDenoise(sampling.SigmaMax, sigmas[0]));
        Denoiser denoiser = (x, sigma) => guidance.Predict(x, (input, context, unconditional) => Denoise(model, sampling, input, context, new UNetCall(unconditional, sigma)));
        var run = new SamplerRun(request.Seed, step => onStep(step.Index + 1, step.Total));
        return Samplers.Function(request.Sampler)(denoiser, start, sigmas, run);
    }

    /// <summary>
    /// KSampler.set_steps then KSampler.sample's slicing: end at <see cref="KSamplerRequest.LastStep"/> (with σ = 0 there
    /// when forced), start at <see cref="KSamplerRequest.StartStep"/>; a start at or past the end leaves nothing to run.
    /// </summary>
    public static float[] Sigmas(ModelSamplingDiscrete sampling, KSamplerRequest request)
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

    /// <summary>BaseModel.apply_model for ε: the UNet sees x/√(σ²+1) at timestep(σ); x̂₀ = x − ε·σ.</summary>
    private static Tensor Denoise(DiffusionModel model, ModelSamplingDiscrete sampling, Tensor x, Tensor context, UNetCall call)
    {
        using var scope = torch.NewDisposeScope();
        var input = x / Math.Sqrt(call.Sigma * call.Sigma + 1.0);
        var timestep = torch.full([x.shape[0]], sampling.Timestep((float)call.Sigma), torch.float32, x.device);
        var epsilon = model.Forward(input, timestep, context, call);
        return (x - epsilon * call.Sigma).MoveToOuterDisposeScope();
    }
}
