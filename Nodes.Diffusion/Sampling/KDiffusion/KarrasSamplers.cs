using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's deterministic ODE samplers after Karras et al. 2022 (sample_heun, sample_dpm_2 with s_churn 0): the
/// derivative d = (x − x̂₀)/σ and a second model call per step; the last step to σ = 0 is plain Euler.
/// </summary>
public static class KarrasSamplers
{
    /// <summary>Heun's method (Algorithm 2): average the slopes at σ and at the Euler guess at σ_next.</summary>
    public static Tensor Heun(Denoiser model, Tensor x, float[] sigmas, SamplerRun run) =>
        StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float sigma = sigmas[i], next = sigmas[i + 1], dt = next - sigma;
            var d = (x - denoised) / sigma;
            if (next == 0)
                return x + d * dt;
            var guess = x + d * dt;
            var dNext = (guess - model(guess, next)) / next;
            return x + (d + dNext) / 2 * dt;
        });

    /// <summary>DPM-Solver-2: the slope at the log-σ midpoint carries x the whole step.</summary>
    public static Tensor Dpm2(Denoiser model, Tensor x, float[] sigmas, SamplerRun run) =>
        StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float sigma = sigmas[i], next = sigmas[i + 1];
            var d = (x - denoised) / sigma;
            if (next == 0)
                return x + d * (next - sigma);
            float middle = StepMath.Exp(StepMath.Lerp(StepMath.Log(sigma), StepMath.Log(next), 0.5f));
            var halfway = x + d * (middle - sigma);
            var dMiddle = (halfway - model(halfway, middle)) / middle;
            return x + dMiddle * (next - sigma);
        });
}
