using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's ancestral samplers for ε/x̂₀ models (sample_euler_ancestral, sample_dpm_2_ancestral with η = 1): a
/// deterministic step down to σ_down, then fresh noise of σ_up from the run's seeded generator, so the step lands at σ_next.
/// </summary>
public static class AncestralSamplers
{
    public static Tensor EulerAncestral(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        using var noise = NoiseSource.Generator(x, run);
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float sigma = sigmas[i], next = sigmas[i + 1];
            var (down, up) = StepMath.Ancestral(sigma, next);
            if (down == 0)
                return denoised;
            var d = (x - denoised) / sigma;
            return x + d * (down - sigma) + noise.Draw(sigma, next) * up;
        });
    }

    /// <summary>DPM-Solver-2's midpoint step (in log σ) down to σ_down, then the ancestral noise.</summary>
    public static Tensor Dpm2Ancestral(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        using var noise = NoiseSource.Generator(x, run);
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float sigma = sigmas[i], next = sigmas[i + 1];
            var (down, up) = StepMath.Ancestral(sigma, next);
            var d = (x - denoised) / sigma;
            if (down == 0)
                return x + d * (down - sigma);
            float middle = StepMath.Exp(StepMath.Lerp(StepMath.Log(sigma), StepMath.Log(down), 0.5f));
            var halfway = x + d * (middle - sigma);
            var dMiddle = (halfway - model(halfway, middle)) / middle;
            return x + dMiddle * (down - sigma) + noise.Draw(sigma, next) * up;
        });
    }
}
