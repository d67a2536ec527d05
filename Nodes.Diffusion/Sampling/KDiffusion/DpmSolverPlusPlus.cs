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
        using var scope = torch.NewDisposeScope();
        x = x.alias();
        Tensor? previous = null;
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            var denoised = model(x, sigmas[i]);
            run.Step(i, sigmas.Length - 1, x, denoised);
            float t = -StepMath.Log(sigmas[i]), tNext = -StepMath.Log(sigmas[i + 1]);
            float h = tNext - t, ratio = StepMath.Exp(-tNext) / StepMath.Exp(-t);
            var target = denoised;
            if (previous is not null && sigmas[i + 1] != 0)
            {
                float r = (t - -StepMath.Log(sigmas[i - 1])) / h;
                target = denoised * (1 + 1 / (2 * r)) - previous * (1 / (2 * r));
            }
            x = (x * ratio - target * StepMath.Expm1(-h)).MoveToOuterDisposeScope();
            previous = denoised.MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>DPM-Solver++(2M) SDE, midpoint form.</summary>
    public static Tensor TwoMSde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        x = x.alias();
        Tensor? previous = null;
        float? h = null, hLast = null;
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            float sigma = sigmas[i], next = sigmas[i + 1];
            var denoised = model(x, sigma);
            run.Step(i, sigmas.Length - 1, x, denoised);
            if (next == 0)
                x = denoised.MoveToOuterDisposeScope();
            else
            {
                float lambdaS = -StepMath.Log(sigma), lambdaT = -StepMath.Log(next);
                h = lambdaT - lambdaS;
                float hEta = h.Value * (Eta + 1), alphaT = next * StepMath.Exp(lambdaT), phi1 = -StepMath.Expm1(-hEta);
                var stepped = x * (next / sigma * StepMath.Exp(-h.Value * Eta)) + denoised * (alphaT * phi1);
                if (previous is not null)
                    stepped = stepped + (denoised - previous) * (0.5f * alphaT * phi1 * (1 / (hLast!.Value / h.Value)));
                x = (stepped + noise.Draw(sigma, next) * next * MathF.Sqrt(-StepMath.Expm1(-2 * h.Value * Eta))).MoveToOuterDisposeScope();
            }
            previous = denoised.MoveToOuterDisposeScope();
            hLast = h;
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>DPM-Solver++(3M) SDE: second and third differences of the last three x̂₀.</summary>
    public static Tensor ThreeMSde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        x = x.alias();
        Tensor? denoised1 = null, denoised2 = null;
        float? h = null, h1 = null, h2 = null;
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            float sigma = sigmas[i], next = sigmas[i + 1];
            var denoised = model(x, sigma);
            run.Step(i, sigmas.Length - 1, x, denoised);
            if (next == 0)
                x = denoised.MoveToOuterDisposeScope();
            else
            {
                float lambdaS = -StepMath.Log(sigma), lambdaT = -StepMath.Log(next);
                h = lambdaT - lambdaS;
                float hEta = h.Value * (Eta + 1), alphaT = next * StepMath.Exp(lambdaT);
                var stepped = x * (next / sigma * StepMath.Exp(-h.Value * Eta)) + denoised * (alphaT * -StepMath.Expm1(-hEta));
                float phi2 = StepMath.Expm1(-hEta) / hEta + 1;
                if (h2 is not null)
                {
                    float r0 = h1!.Value / h.Value, r1 = h2.Value / h.Value;
                    var d10 = (denoised - denoised1!) / r0;
                    var d11 = (denoised1! - denoised2!) / r1;
                    var d1 = d10 + (d10 - d11) * r0 / (r0 + r1);
                    var d2 = (d10 - d11) / (r0 + r1);
                    float phi3 = phi2 / hEta - 0.5f;
                    stepped = stepped + d1 * (alphaT * phi2) - d2 * (alphaT * phi3);
                }
                else if (h1 is not null)
                    stepped = stepped + (denoised - denoised1!) / (h1.Value / h.Value) * (alphaT * phi2);
                x = (stepped + noise.Draw(sigma, next) * next * MathF.Sqrt(-StepMath.Expm1(-2 * h.Value * Eta))).MoveToOuterDisposeScope();
            }
            (denoised1, denoised2) = (denoised.MoveToOuterDisposeScope(), denoised1);
            (h1, h2) = (h, h1);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>DPM-Solver++ (stochastic), r = ½: an SDE stage to the λ-midpoint with its own noise, then the full step.</summary>
    public static Tensor Sde(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        if (sigmas.Length <= 1)
            return x.alias();
        const float r = 0.5f, fac = 1 / (2 * r);
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.BrownianTree(x, sigmas, run);
        x = x.alias();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            float sigma = sigmas[i], next = sigmas[i + 1];
            var denoised = model(x, sigma);
            run.Step(i, sigmas.Length - 1, x, denoised);
            if (next == 0)
            {
                x = denoised.MoveToOuterDisposeScope();
                continue;
            }
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
            x = (stepped + noise.Draw(sigma, next) * alphaT * up).MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }
}
