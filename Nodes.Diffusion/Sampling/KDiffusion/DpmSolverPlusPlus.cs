using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// DPM-Solver++ (Lu et al. 2022) as k-diffusion writes it for ε/x̂₀ models, in t = −log σ (the half log-SNR):
/// sample_dpmpp_2m (multistep, deterministic), and the SDE variants with η = 1 whose noise comes from the run's
/// Brownian tree: sample_dpmpp_sde (two stages per step), sample_dpmpp_2m_sde (midpoint) and sample_dpmpp_3m_sde.
/// </summary>
public static class DpmSolverPlusPlus
{
    private const float Eta = 1f;

    public static Tensor TwoM(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        Tensor? previous = null;
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float t = -StepMath.Log(sigmas[i]), tNext = -StepMath.Log(sigmas[i + 1]);
            float h = tNext - t, ratio = StepMath.Exp(-tNext) / StepMath.Exp(-t);
            var target = denoised;
            if (previous is not null && sigmas[i + 1] != 0)
            {
                float r = (t - -StepMath.Log(sigmas[i - 1])) / h;
                target = denoised * (1 + 1 / (2 * r)) - previous * (1 / (2 * r));
            }
            previous = denoised.MoveToOuterDisposeScope();
            return x * ratio - target * StepMath.Expm1(-h);
        });
    }

    /// <summary>DPM-Solver++(2M) SDE, midpoint form.</summary>
    public static Tensor TwoMSde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        Tensor? previous = null;
        float? h = null, hLast = null;
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            var stepped = denoised;
            if (sigmas[i + 1] != 0)
            {
                var step = new SdeStep(sigmas[i], sigmas[i + 1]);
                h = step.H;
                stepped = step.FirstOrder(x, denoised);
                if (previous is not null)
                    stepped = stepped + (denoised - previous) * (0.5f * step.AlphaT * step.Phi1 * (1 / (hLast!.Value / step.H)));
                stepped = stepped + step.Noise(noise);
            }
            previous = denoised.MoveToOuterDisposeScope();
            hLast = h;
            return stepped;
        });
    }

    /// <summary>DPM-Solver++(3M) SDE: second and third differences of the last three x̂₀.</summary>
    public static Tensor ThreeMSde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        Tensor? denoised1 = null, denoised2 = null;
        float? h = null, h1 = null, h2 = null;
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            var stepped = denoised;
            if (sigmas[i + 1] != 0)
            {
                var step = new SdeStep(sigmas[i], sigmas[i + 1]);
                h = step.H;
                stepped = step.FirstOrder(x, denoised);
                float phi2 = StepMath.Expm1(-step.HEta) / step.HEta + 1;
                if (h2 is not null)
                {
                    float r0 = h1!.Value / step.H, r1 = h2.Value / step.H;
                    var d10 = (denoised - denoised1!) / r0;
                    var d11 = (denoised1! - denoised2!) / r1;
                    var d1 = d10 + (d10 - d11) * r0 / (r0 + r1);
                    var d2 = (d10 - d11) / (r0 + r1);
                    float phi3 = phi2 / step.HEta - 0.5f;
                    stepped = stepped + d1 * (step.AlphaT * phi2) - d2 * (step.AlphaT * phi3);
                }
                else if (h1 is not null)
                    stepped = stepped + (denoised - denoised1!) / (h1.Value / step.H) * (step.AlphaT * phi2);
                stepped = stepped + step.Noise(noise);
            }
            (denoised1, denoised2) = (denoised.MoveToOuterDisposeScope(), denoised1);
            (h1, h2) = (h, h1);
            return stepped;
        });
    }

    /// <summary>DPM-Solver++ (stochastic), r = ½: an SDE stage to the λ-midpoint with its own noise, then the full step.</summary>
    public static Tensor Sde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        const float r = 0.5f, fac = 1 / (2 * r);
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        return StepLoop.Run(model, x, sigmas, run, (i, x, denoised) =>
        {
            float sigma = sigmas[i], next = sigmas[i + 1];
            if (next == 0)
                return denoised;
            float lambdaS = -StepMath.Log(sigma), lambdaT = -StepMath.Log(next);
            float h = lambdaT - lambdaS, lambdaS1 = lambdaS + r * h;
            float sigmaS1 = StepMath.Exp(-lambdaS1);
            float alphaS = sigma * StepMath.Exp(lambdaS), alphaS1 = sigmaS1 * StepMath.Exp(lambdaS1), alphaT = next * StepMath.Exp(lambdaT);

            var (down, up) = StepMath.Ancestral(StepMath.Exp(-lambdaS), StepMath.Exp(-lambdaS1), Eta);
            float hStage = -StepMath.Log(down) - lambdaS;
            var staged = x * (alphaS1 / alphaS * StepMath.Exp(-hStage)) - denoised * (alphaS1 * StepMath.Expm1(-hStage));
            staged = staged + noise.Draw(sigma, sigmaS1) * alphaS1 * up;
            var denoisedS1 = model(staged, sigmaS1);

            (down, up) = StepMath.Ancestral(StepMath.Exp(-lambdaS), StepMath.Exp(-lambdaT), Eta);
            float hStep = -StepMath.Log(down) - lambdaS;
            var target = denoised * (1 - fac) + denoisedS1 * fac;
            var stepped = x * (alphaT / alphaS * StepMath.Exp(-hStep)) - target * (alphaT * StepMath.Expm1(-hStep));
            return stepped + noise.Draw(sigma, next) * alphaT * up;
        });
    }

    /// <summary>What the multistep SDE samplers share for one step σ → σ_next (λ = −log σ, η = 1).</summary>
    private readonly struct SdeStep
    {
        private readonly float _sigma, _next;

        public SdeStep(float sigma, float next)
        {
            (_sigma, _next) = (sigma, next);
            float lambdaS = -StepMath.Log(sigma), lambdaT = -StepMath.Log(next);
            H = lambdaT - lambdaS;
            HEta = H * (Eta + 1);
            AlphaT = next * StepMath.Exp(lambdaT);
            Phi1 = -StepMath.Expm1(-HEta);
        }

        public float H { get; }

        public float HEta { get; }

        public float AlphaT { get; }

        public float Phi1 { get; }

        /// <summary>The first-order (2M SDE) part: σ_next/σ·e^(−hη)·x + α_t·(1 − e^(−h(η+1)))·x̂₀.</summary>
        public Tensor FirstOrder(Tensor x, Tensor denoised) =>
            x * (_next / _sigma * StepMath.Exp(-H * Eta)) + denoised * (AlphaT * Phi1);

        /// <summary>The step's Brownian noise, scaled by σ_next·√(1 − e^(−2hη)).</summary>
        public Tensor Noise(NoiseSource noise) =>
            noise.Draw(_sigma, _next) * _next * MathF.Sqrt(-StepMath.Expm1(-2 * H * Eta));
    }
}
