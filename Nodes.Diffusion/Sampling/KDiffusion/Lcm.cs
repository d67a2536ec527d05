using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's sample_lcm (latent consistency models): jump to the model's x̂₀, then noise it afresh to the next σ
/// (ε models' noise_scaling: x̂₀ + noise·σ_next) with noise from the run's seeded generator.
/// </summary>
public static class Lcm
{
    public static Tensor Sample(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        using var noise = NoiseSource.Generator(x, run);
        return StepLoop.Run(model, x, sigmas, run, (i, _, denoised) =>
            sigmas[i + 1] > 0 ? NoiseScaling.Eps(sigmas[i + 1], noise.Draw(sigmas[i], sigmas[i + 1]), denoised) : denoised);
    }
}
