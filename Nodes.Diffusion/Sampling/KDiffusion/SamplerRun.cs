using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>One k-diffusion callback: step <see cref="Index"/> of <see cref="Total"/>, its x and the model's x̂₀ (valid during the call only).</summary>
public readonly record struct SamplerStep(int Index, int Total, Tensor X, Tensor Denoised);

/// <summary>One draw of a sampler's noise sampler: the σ pair it was asked for and the unit-variance noise it gave (valid during the call only).</summary>
public readonly record struct NoiseDraw(float Sigma, float SigmaNext, Tensor Noise);

/// <summary>
/// What a sampler function gets besides the model, x and σ: the seed its noise samplers start from (ComfyUI's
/// extra_args["seed"], the KSampler seed), the per-step callback (progress, previews) and an observer of the noise it draws.
/// </summary>
public sealed record SamplerRun(ulong Seed, Action<SamplerStep>? OnStep = null, Action<NoiseDraw>? OnNoise = null)
{
    public void Step(int index, int total, Tensor x, Tensor denoised) => OnStep?.Invoke(new SamplerStep(index, total, x, denoised));
}

/// <summary>A k-diffusion sampler: from x at sigmas[0] along <paramref name="sigmas"/> to the result at the last σ.</summary>
public delegate Tensor SamplerFunction(Denoiser model, Tensor x, float[] sigmas, SamplerRun run);
