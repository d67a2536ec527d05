using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

public enum SamplerName
{
    Euler,
    Ddim,
}

/// <summary>What one ComfyUI-style run takes: unit noise, the scaled start latents (both on the model's device), the prompts and the knobs.</summary>
public sealed record KSamplerRequest(Tensor Noise, Tensor LatentImage, Conditioning Positive, Conditioning Negative,
    int Steps, double Cfg, SamplerName Sampler, SchedulerName Scheduler, double Denoise);

/// <summary>
/// ComfyUI's sampling of an ε-prediction model (comfy/samplers.py KSAMPLER.sample, CFGGuider, model_base.apply_model):
/// σ from the scheduler; x = noise·σ₀ + latent (noise·√(1+σ₀²) at full denoise); each step the model sees x/√(σ²+1)
/// at the nearest training timestep, its ε becomes x̂₀ = x − σ·ε, guidance mixes the x̂₀ of both prompts, Euler steps.
/// Works on scaled latents.
/// </summary>
public static class KSamplerRun
{
    public static Tensor Sample(DiffusionModel model, KSamplerRequest request, Action<int, int> onStep)
    {
        if (model.Schedule.PredictionType != PredictionType.Epsilon)
            throw new NotSupportedException($"KSampler supports ε-prediction models; this one predicts {model.Schedule.PredictionTypeName}.");
        var sampling = new ModelSamplingDiscrete(model.Schedule);
        var sigmas = SigmaSchedule.ForDenoise(sampling, request.Scheduler, request.Steps, request.Denoise);
        if (sigmas.Length == 0)
            return request.LatentImage.clone();
        using var guidance = ClassifierFreeGuidance.ComfyUi(request.Positive, request.Negative, request.Cfg, request.Noise.shape[0], request.Noise.device);
        using var start = StartingPoint(sampling, sigmas[0], request);
        // "ddim" in ComfyUI is Euler (samplers.py sampler_object); both take the same path here.
        return EulerSampler.Sample(start, sigmas, (x, sigma) => guidance.Predict(x, (input, context, unconditional) => Denoise(model, sampling, input, context, new UNetCall(unconditional, sigma))), onStep);
    }

    /// <summary>EPS.noise_scaling: the latent plus noise at σ₀ (√(1+σ₀²) when σ₀ is the model's largest σ).</summary>
    private static Tensor StartingPoint(ModelSamplingDiscrete sampling, float sigma0, KSamplerRequest request)
    {
        bool maxDenoise = Math.Abs(sampling.SigmaMax - sigma0) <= 1e-5 * Math.Max(Math.Abs(sampling.SigmaMax), Math.Abs(sigma0)) || sigma0 > sampling.SigmaMax;
        double scale = maxDenoise ? Math.Sqrt(1.0 + sigma0 * sigma0) : sigma0;
        using var scaledNoise = request.Noise * scale;
        return scaledNoise + request.LatentImage;
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
