using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>What one DDIM run takes: unit noise, the scaled start latents for img2img (both on the model's device), the prompts, and the knobs.</summary>
/// <param name="Generator">The generator the noise was drawn from, positioned after it: η &gt; 0 draws step noise from it as diffusers does.</param>
public sealed record DdimRequest(Tensor Noise, Tensor? InitLatents, Conditioning Positive, Conditioning Negative,
    int Steps, double Cfg, double Eta, double Denoise, Generator Generator);

/// <summary>
/// The denoising loop of diffusers' StableDiffusionPipeline (v0.27.2) with DDIM: start from noise (or, with denoise &lt; 1,
/// from the image latents noised to the first kept timestep, as StableDiffusionImg2ImgPipeline's strength), then per
/// timestep one guided model call and one scheduler step. Works on scaled latents.
/// </summary>
public static class DdimSampler
{
    /// <param name="onStep">Called after each step with (steps done, steps in all).</param>
    /// <param name="onStepResult">Called with each step's timestep and results (x_{t−1} and the predicted x₀), which it must not keep: they are freed after the step.</param>
    public static Tensor Sample(DiffusionModel model, DdimRequest request, Action<int, int> onStep, Action<long, DdimStepOutput>? onStepResult = null)
    {
        var scheduler = new DdimScheduler(model.Schedule);
        var timesteps = KeptTimesteps(scheduler.Timesteps(request.Steps), request);
        using var guidance = ClassifierFreeGuidance.Diffusers(request.Positive, request.Negative, request.Cfg, request.Noise.shape[0], request.Noise.device);
        var latents = Start(scheduler, timesteps, request);
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var scope = torch.NewDisposeScope();
            var t = torch.scalar_tensor(timesteps[i], torch.int64, latents.device);
            double alphaBar = scheduler.AlphasCumprod[(int)timesteps[i]];
            var call = (IReadOnlyList<bool> unconditional) => new UNetCall(unconditional, Math.Sqrt((1 - alphaBar) / alphaBar));
            var prediction = guidance.Predict(latents, (input, context, unconditional) => model.Forward(input, t, context, call(unconditional)));
            var result = scheduler.Step(prediction, timesteps[i], latents, request.Steps, request.Eta, request.Generator);
            onStepResult?.Invoke(timesteps[i], result);
            latents.Dispose();
            latents = result.PrevSample.DetachFromDisposeScope();
            onStep(i + 1, timesteps.Length);
        }
        return latents;
    }

    /// <summary>img2img keeps the last int(steps · denoise) timesteps (diffusers get_timesteps).</summary>
    private static long[] KeptTimesteps(long[] all, DdimRequest request)
    {
        if (request.Denoise >= 1.0 || request.InitLatents is null)
            return all;
        int kept = Math.Min((int)(request.Steps * request.Denoise), all.Length);
        return all[(all.Length - kept)..];
    }

    private static Tensor Start(DdimScheduler scheduler, long[] timesteps, DdimRequest request)
    {
        if (request.Denoise >= 1.0 || request.InitLatents is null)
            return request.Noise * DdimScheduler.InitNoiseSigma;
        return timesteps.Length == 0 ? request.InitLatents.clone() : scheduler.AddNoise(request.InitLatents, request.Noise, timesteps[0]);
    }
}
