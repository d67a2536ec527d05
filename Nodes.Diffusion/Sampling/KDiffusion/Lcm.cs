using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// k-diffusion's sample_lcm (latent consistency models): jump to the model's x̂₀, then noise it afresh to the next σ
/// (ε models' noise_scaling: x̂₀ + noise·σ_next) with noise from the run's seeded generator.
/// </summary>
public static class Lcm
{
    public static Tensor Sample(Denoiser model, Tensor x, float[] sigmas, SamplerRun run)
    {
        using var scope = torch.NewDisposeScope();
        using var noise = NoiseSource.Generator(x, run);
        x = x.alias();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            var denoised = model(x, sigmas[i]);
            run.Step(i, sigmas.Length - 1, x, denoised);
            x = (sigmas[i + 1] > 0 ? NoiseScaling.Eps(sigmas[i + 1], noise.Draw(sigmas[i], sigmas[i + 1]), denoised) : denoised).MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }
}
