using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// The scalar arithmetic k-diffusion does on 0-dim float32 σ tensors, in float: get_ancestral_step, torch's lerp; exp,
/// log and expm1 through libtorch's own float32 kernels, whose results differ from correctly rounded ones (and from
/// MathF's) by an ulp at times, and σ values handed to the model and noise samplers are compared bit for bit.
/// </summary>
public static class StepMath
{
    public static float Exp(float x) => Unary(x, t => t.exp());

    public static float Log(float x) => Unary(x, t => t.log());

    public static float Expm1(float x) => Unary(x, t => t.expm1());

    /// <summary>
    /// get_ancestral_step: the σ to step down to deterministically and the noise to add so the step lands at σ_to
    /// with <paramref name="eta"/> of the DDPM posterior's variance.
    /// </summary>
    public static (float Down, float Up) Ancestral(float sigmaFrom, float sigmaTo, float eta = 1f)
    {
        if (eta == 0)
            return (sigmaTo, 0f);
        float to2 = sigmaTo * sigmaTo, from2 = sigmaFrom * sigmaFrom;
        float up = MathF.Min(sigmaTo, eta * MathF.Sqrt(to2 * (from2 - to2) / from2));
        return (MathF.Sqrt(to2 - up * up), up);
    }

    /// <summary>torch.lerp's formula (exact at both ends): start + w·(end − start) below w = ½, else end − (end − start)·(1 − w).</summary>
    public static float Lerp(float start, float end, float weight) =>
        MathF.Abs(weight) < 0.5f ? start + weight * (end - start) : end - (end - start) * (1 - weight);

    private static float Unary(float x, Func<Tensor, Tensor> op)
    {
        using var scalar = torch.scalar_tensor(x, torch.float32);
        using var result = op(scalar);
        return result.item<float>();
    }
}
