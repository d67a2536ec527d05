using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>ComfyUI's model_sampling.EPS.noise_scaling: a latent plus noise at σ, as samplers start from and LCM renoises.</summary>
public static class NoiseScaling
{
    /// <param name="maxDenoise">At the model's largest σ (KSAMPLER.max_denoise) the noise gets the variance-preserving √(1+σ²).</param>
    public static Tensor Eps(float sigma, Tensor noise, Tensor latent, bool maxDenoise = false)
    {
        using var scaled = noise * (maxDenoise ? MathF.Sqrt(1f + sigma * sigma) : sigma);
        return scaled + latent;
    }

    /// <summary>KSAMPLER.max_denoise: σ₀ at (math.isclose, rel 1e-5) or above the model's largest σ.</summary>
    public static bool IsMaxDenoise(float sigmaMax, float sigma0) =>
        Math.Abs((double)sigmaMax - sigma0) <= 1e-5 * Math.Max(Math.Abs(sigmaMax), Math.Abs(sigma0)) || sigma0 > sigmaMax;
}
