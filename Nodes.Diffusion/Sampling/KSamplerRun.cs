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
/// ComfyUI's sampling (comfy/samplers.py KSAMPLER.sample, CFGGuider, model_base.apply_model) under the MODEL's
/// model_sampling: σ from the scheduler; the start is noise_scaling at σ₀; each step the network sees
/// calculate_input(x) at timestep(σ) (with the prompts' pooled outputs where it takes them), its output becomes the
/// clean estimate x̂₀ (calculate_denoised), guidance mixes the x̂₀ of both prompts, Euler steps. ε-prediction
/// (SD1.x) and rectified flow (SD3). Works on scaled latents.
/// </summary>
public static class KSamplerRun
{
    public static Tensor Sample(DiffusionModel model, KSamplerRequest request, Action<int, int> onStep)
    {
        var sampling = model.Sampling;
        if (sampling is ModelSamplingDiscrete && model.Schedule.PredictionType != PredictionType.Epsilon)
            throw new NotSupportedException($"KSampler supports ε-prediction models; this one predicts {model.Schedule.PredictionTypeName}.");
        var sigmas = SigmaSchedule.ForDenoise(sampling, request.Scheduler, request.Steps, request.Denoise);
        if (sigmas.Length == 0)
            return request.LatentImage.clone();
        using var guidance = ClassifierFreeGuidance.ComfyUi(request.Positive, request.Negative, request.Cfg, request.Noise.shape[0], request.Noise.device);
        using var start = sampling.NoiseScaling(sigmas[0], request.Noise, request.LatentImage, MaxDenoise(sampling, sigmas[0]));
        // "ddim" in ComfyUI is Euler (samplers.py sampler_object); both take the same path here.
        return EulerSampler.Sample(start, sigmas, (x, sigma) => guidance.Predict(x,
            (input, context, unconditional) => Denoise(model, sampling, input, context, guidance.Pooled, new UNetCall(unconditional, sigma))), onStep);
    }

    /// <summary>Whether σ₀ is the model's largest σ (math.isclose with rel_tol 1e-5, or beyond it).</summary>
    private static bool MaxDenoise(IModelSampling sampling, float sigma0) =>
        Math.Abs(sampling.SigmaMax - sigma0) <= 1e-5 * Math.Max(Math.Abs(sampling.SigmaMax), Math.Abs(sigma0)) || sigma0 > sampling.SigmaMax;

    /// <summary>BaseModel.apply_model: the network sees calculate_input(x) at timestep(σ); its output becomes x̂₀.</summary>
    private static Tensor Denoise(DiffusionModel model, IModelSampling sampling, Tensor x, Tensor context, Tensor? pooled, UNetCall call)
    {
        using var scope = torch.NewDisposeScope();
        var input = sampling.CalculateInput(call.Sigma, x);
        var timestep = torch.full([x.shape[0]], sampling.Timestep((float)call.Sigma), torch.float32, x.device);
        var output = model.Forward(input, timestep, context, pooled, call);
        return sampling.CalculateDenoised(call.Sigma, output, x).MoveToOuterDisposeScope();
    }
}
