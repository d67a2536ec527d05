using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>ComfyUI's sampler names (comfy/samplers.py KSAMPLER_NAMES, then ddim, uni_pc, uni_pc_bh2), the ones ported, in its order.</summary>
public enum SamplerName
{
    [WireName("euler")] Euler,
    [WireName("euler_ancestral")] EulerAncestral,
    [WireName("heun")] Heun,
    [WireName("dpm_2")] Dpm2,
    [WireName("dpm_2_ancestral")] Dpm2Ancestral,
    [WireName("lms")] Lms,
    [WireName("dpmpp_sde")] DpmPpSde,
    [WireName("dpmpp_2m")] DpmPp2M,
    [WireName("dpmpp_2m_sde")] DpmPp2MSde,
    [WireName("dpmpp_3m_sde")] DpmPp3MSde,
    [WireName("lcm")] Lcm,
    [WireName("ddim")] Ddim,
    [WireName("uni_pc")] UniPc,
    [WireName("uni_pc_bh2")] UniPcBh2,
}

/// <summary>comfy/samplers.py sampler_object and KSampler.calculate_sigmas: each name's function and σ-list rule.</summary>
public static class Samplers
{
    public static SamplerFunction Function(SamplerName name) => name switch
    {
        // "ddim" is Euler in ComfyUI (ksampler("euler", inpaint_options={"random": True})).
        SamplerName.Euler or SamplerName.Ddim => EulerSampler.Sample,
        SamplerName.EulerAncestral => AncestralSamplers.EulerAncestral,
        SamplerName.Heun => KarrasSamplers.Heun,
        SamplerName.Dpm2 => KarrasSamplers.Dpm2,
        SamplerName.Dpm2Ancestral => AncestralSamplers.Dpm2Ancestral,
        SamplerName.Lms => LinearMultistep.Sample,
        SamplerName.DpmPpSde => DpmSolverPlusPlus.Sde,
        SamplerName.DpmPp2M => DpmSolverPlusPlus.TwoM,
        SamplerName.DpmPp2MSde => DpmSolverPlusPlus.TwoMSde,
        SamplerName.DpmPp3MSde => DpmSolverPlusPlus.ThreeMSde,
        SamplerName.Lcm => Lcm.Sample,
        SamplerName.UniPc => KDiffusion.UniPc.Bh1,
        SamplerName.UniPcBh2 => KDiffusion.UniPc.Bh2,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a sampler"),
    };

    /// <summary>DISCARD_PENULTIMATE_SIGMA_SAMPLERS: their schedules are made a step longer and the penultimate σ dropped.</summary>
    public static bool DiscardsPenultimateSigma(SamplerName name) =>
        name is SamplerName.Dpm2 or SamplerName.Dpm2Ancestral or SamplerName.UniPc or SamplerName.UniPcBh2;

    /// <summary>
    /// Samplers whose added noise assumes an ε-prediction (variance-preserving) model: on a flow model (model_sampling
    /// CONST) ComfyUI runs rectified-flow variants of them instead (sample_euler_ancestral_RF, …), not ported here.
    /// </summary>
    public static bool AssumesVariancePreserving(SamplerName name) =>
        name is SamplerName.EulerAncestral or SamplerName.Dpm2Ancestral or SamplerName.DpmPpSde or SamplerName.DpmPp2MSde
            or SamplerName.DpmPp3MSde or SamplerName.Lcm;
}
