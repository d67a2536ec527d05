using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>ComfyUI's scheduler names in its order (comfy/samplers.py SCHEDULER_NAMES; the first, simple, is the default).</summary>
public enum SchedulerName
{
    [WireName("simple")] Simple,
    [WireName("sgm_uniform")] SgmUniform,
    [WireName("karras")] Karras,
    [WireName("exponential")] Exponential,
    [WireName("ddim_uniform")] DdimUniform,
    [WireName("beta")] Beta,
    [WireName("normal")] Normal,
}

/// <summary>
/// The σ sequences ComfyUI samples along (comfy/samplers.py calculate_sigmas and its scheduler functions;
/// karras and exponential from k_diffusion/sampling.py), each ending in 0.
/// </summary>
public static class SigmaSchedule
{
    public static float[] Calculate(IModelSampling sampling, SchedulerName scheduler, int steps) => scheduler switch
    {
        SchedulerName.Normal => Normal(sampling, steps, sgm: false),
        SchedulerName.SgmUniform => Normal(sampling, steps, sgm: true),
        SchedulerName.Karras => Karras(steps, sampling.SigmaMin, sampling.SigmaMax),
        SchedulerName.Exponential => Exponential(steps, sampling.SigmaMin, sampling.SigmaMax),
        SchedulerName.Simple => Simple(sampling, steps),
        SchedulerName.Beta => Beta(sampling, steps),
        _ => DdimUniform(sampling, steps),
    };

    /// <summary>
    /// KSampler.set_steps: with denoise &lt; 1, compute int(steps/denoise) steps and keep the last steps+1 σ. With
    /// <paramref name="discardPenultimate"/> (KSampler.calculate_sigmas for dpm_2, dpm_2_ancestral, uni_pc, uni_pc_bh2)
    /// each schedule is made one step longer and its penultimate σ dropped.
    /// </summary>
    public static float[] ForDenoise(IModelSampling sampling, SchedulerName scheduler, int steps, double denoise, bool discardPenultimate = false)
    {
        if (denoise > 0.9999)
            return ForSteps(sampling, scheduler, steps, discardPenultimate);
        if (denoise <= 0)
            return [];
        var all = ForSteps(sampling, scheduler, (int)(steps / denoise), discardPenultimate);
        return all[^Math.Min(steps + 1, all.Length)..];
    }

    private static float[] ForSteps(IModelSampling sampling, SchedulerName scheduler, int steps, bool discardPenultimate)
    {
        if (!discardPenultimate)
            return Calculate(sampling, scheduler, steps);
        var longer = Calculate(sampling, scheduler, steps + 1);
        return [.. longer[..^2], longer[^1]];
    }

    /// <summary>Linear in timestep from σ_max's to σ_min's (sgm: steps+1 points without the last), σ at each.</summary>
    private static float[] Normal(IModelSampling s, int steps, bool sgm)
    {
        float start = s.Timestep(s.SigmaMax), end = s.Timestep(s.SigmaMin);
        var timesteps = sgm ? Linspace(start, end, steps + 1)[..^1] : Linspace(start, end, steps);
        return [.. timesteps.Select(s.Sigma), 0f];
    }

    /// <summary>Karras et al. 2022, eq. 5 with ρ = 7: interpolate σ^(1/ρ) linearly (float32 tensor arithmetic, as upstream).</summary>
    private static float[] Karras(int steps, float sigmaMin, float sigmaMax, double rho = 7)
    {
        double minInvRho = Math.Pow(sigmaMin, 1 / rho), maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        using var scope = torch.NewDisposeScope();
        var ramp = torch.linspace(0, 1, steps, torch.float32);
        return [.. (ramp * (minInvRho - maxInvRho) + maxInvRho).pow(rho).ToArray<float>(), 0f];
    }

    private static float[] Exponential(int steps, float sigmaMin, float sigmaMax)
    {
        using var scope = torch.NewDisposeScope();
        return [.. torch.linspace(Math.Log(sigmaMax), Math.Log(sigmaMin), steps, torch.float32).exp().ToArray<float>(), 0f];
    }

    /// <summary>Every len/steps-th training σ, from the top.</summary>
    private static float[] Simple(IModelSampling s, int steps)
    {
        double stride = (double)s.Sigmas.Length / steps;
        return [.. Enumerable.Range(0, steps).Select(x => s.Sigmas[^(1 + (int)(x * stride))]), 0f];
    }

    /// <summary>
    /// Beta sampling (Lee et al. 2024, arXiv:2407.12173) with α = β = 0.6: timesteps at the Beta quantiles of 1, 1 − 1/steps,
    /// …, rounded half to even (numpy.rint), repeats dropped, then 0.
    /// </summary>
    private static float[] Beta(IModelSampling s, int steps, double alpha = 0.6, double beta = 0.6)
    {
        int last = s.Sigmas.Length - 1;
        var picked = new List<float>();
        double previous = -1;
        for (int i = 0; i < steps; i++)
        {
            double t = Math.Round(BetaDistribution.Quantile(1 - i * (1.0 / steps), alpha, beta) * last, MidpointRounding.ToEven);
            if (t != previous)
                picked.Add(s.Sigmas[(int)t]);
            previous = t;
        }
        return [.. picked, 0f];
    }

    /// <summary>σ at timesteps 1, 1+⌊len/steps⌋, ... (DDIM's leading spacing with offset 1), highest first, then 0.</summary>
    private static float[] DdimUniform(IModelSampling s, int steps)
    {
        int stride = Math.Max(s.Sigmas.Length / steps, 1);
        var picked = new List<float> { 0f };
        for (int x = 1; x < s.Sigmas.Length; x += stride)
            picked.Add(s.Sigmas[x]);
        picked.Reverse();
        return [.. picked];
    }

    /// <summary>torch.linspace in float32 (the default dtype ComfyUI's schedulers get), from the same libtorch.</summary>
    private static float[] Linspace(float start, float end, int n)
    {
        using var values = torch.linspace(start, end, n, torch.float32);
        return values.ToArray<float>();
    }
}
