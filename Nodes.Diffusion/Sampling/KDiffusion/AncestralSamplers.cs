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
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.Generator(x, run);
        x = x.alias();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            float sigma = sigmas[i], next = sigmas[i + 1];
            var denoised = model(x, sigma);
            var (down, up) = StepMath.Ancestral(sigma, next);
            run.Step(i, sigmas.Length - 1, x, denoised);
            if (down == 0)
                x = denoised.MoveToOuterDisposeScope();
            else
            {
                var d = (x - denoised) / sigma;
                x = (x + d * (down - sigma) + noise.Draw(sigma, next) * up).MoveToOuterDisposeScope();
            }
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>DPM-Solver-2's midpoint step (in log σ) down to σ_down, then the ancestral noise.</summary>
    public static Tensor Dpm2Ancestral(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.Generator(x, run);
        x = x.alias();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            float sigma = sigmas[i], next = sigmas[i + 1];
            var denoised = model(x, sigma);
            var (down, up) = StepMath.Ancestral(sigma, next);
            run.Step(i, sigmas.Length - 1, x, denoised);
            var d = (x - denoised) / sigma;
            if (down == 0)
                x = (x + d * (down - sigma)).MoveToOuterDisposeScope();
            else
            {
                float middle = StepMath.Exp(StepMath.Lerp(StepMath.Log(sigma), StepMath.Log(down), 0.5f));
                var halfway = x + d * (middle - sigma);
                var dMiddle = (halfway - model(halfway, middle)) / middle;
                var stepped = x + dMiddle * (down - sigma);
                x = (stepped + noise.Draw(sigma, next) * up).MoveToOuterDisposeScope();
            }
        }
        return x.MoveToOuterDisposeScope();
    }
}
