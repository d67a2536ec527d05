using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// What one learned ×2 upscale takes: the low-resolution latents in the model's scaled format and unit noise of twice
/// their size (both on the model's device), the encoded prompts (context and pooled) and the knobs.
/// </summary>
public sealed record LatentUpscaleRequest(Tensor LowResLatents, Tensor Noise, Conditioning Positive, Conditioning Negative, int Steps, double Guidance);

/// <summary>
/// The denoising loop of diffusers' StableDiffusionLatentUpscalePipeline (v0.27.2) with noise_level 0: the image
/// condition is the nearest-upsampled low-resolution latent; per step the UNet sees x/√(σ²+1) beside it at timestep
/// ln σ / 4, with the time condition [ones(64), zeros(64), pooled prompt]; its first four channels F give the Karras
/// preconditioned estimate D = x/(σ²+1) + σ/√(σ²+1)·F, guidance mixes D of both prompts, and an Euler step follows.
/// steps σ of steps + 2 are walked, so the result sits at σ_min. Works on scaled latents.
/// </summary>
public static class LatentUpscaleSampler
{
    public static Tensor Sample(LatentUpscaleModel model, LatentUpscaleRequest request, Action<int, int> onStep, IIntermediateCapture? capture = null)
    {
        var sigmas = new EulerDiscreteScheduler(model.Scheduler).Sigmas(request.Steps);
        var device = request.Noise.device;
        using var guidance = ClassifierFreeGuidance.Diffusers(request.Positive, request.Negative, request.Guidance, request.Noise.shape[0], device);
        using var scope = torch.NewDisposeScope();
        // noise_level 0: image_cond · (0² + 1)^-½ is image_cond itself.
        var imageCondition = F.interpolate(request.LowResLatents, scale_factor: 2.0, mode: InterpolateMode.Nearest);
        var timeConditions = (Positive: TimeCondition(request.Positive, device), Negative: TimeCondition(request.Negative, device));
        var start = request.Noise * EulerDiscreteScheduler.InitNoiseSigma(sigmas);
        return EulerSampler.Sample(start, sigmas[..^1], (x, sigma) => guidance.Predict(x, (input, context, unconditional) =>
        {
            var rows = torch.cat([.. unconditional.Select(u => u ? timeConditions.Negative : timeConditions.Positive)], dim: 0);
            return Denoise(model, input, sigma, context, rows, imageCondition, capture);
        }), (i, total, _, _) => onStep(i + 1, total), capture);
    }

    /// <summary>The preconditioned estimate D for each row of <paramref name="x"/> (the batch, doubled under guidance).</summary>
    private static Tensor Denoise(LatentUpscaleModel model, Tensor x, float sigma, Tensor context, Tensor timeCondition, Tensor imageCondition, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        float variance = sigma * sigma + 1f;
        var image = x.shape[0] == imageCondition.shape[0] ? imageCondition : imageCondition.repeat(x.shape[0] / imageCondition.shape[0], 1, 1, 1);
        var sample = capture.Recorded("unet_sample", torch.cat([x / MathF.Sqrt(variance), image], dim: 1));
        var timestep = capture.Recorded("unet_timestep", torch.scalar_tensor(sigma, torch.float32, x.device).log() * 0.25);
        var dtype = model.Dtype;
        var output = capture.Recorded("unet_out", model.Unet.Forward(sample.to(dtype), timestep, context.to(dtype), timeCondition.to(dtype)).to(ScalarType.Float32));
        // The last output channel is a variance the pipeline drops.
        var prediction = output.narrow(1, 0, output.shape[1] - 1);
        return (x * (1f / variance) + prediction * (sigma / MathF.Sqrt(variance))).MoveToOuterDisposeScope();
    }

    /// <summary>The time condition of one prompt, on the model's device: [1, 128 + pooled width].</summary>
    private static Tensor TimeCondition(Conditioning prompt, Device device)
    {
        var pooled = prompt.Entries[0].Pooled ?? throw new ArgumentException("The latent upscaler needs the prompt's pooled output.", nameof(prompt));
        using var onDevice = pooled.to(device);
        return LatentUpscaleModel.TimeCondition(onDevice);
    }
}
