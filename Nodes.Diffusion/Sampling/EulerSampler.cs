using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// k-diffusion's sample_euler without churn (Karras et al. 2022, Algorithm 2 with γ = 0): d = (x − x̂₀)/σ,
/// x ← x + d·(σ_next − σ). ComfyUI's "ddim" sampler is this same method (samplers.py: ksampler("euler", ...)).
/// </summary>
public static class EulerSampler
{
    /// <param name="denoise">x̂₀ for (x, σ): the model wrapped as ComfyUI's CFGGuider does.</param>
    public static Tensor Sample(Tensor x, float[] sigmas, Func<Tensor, float, Tensor> denoise, Action<int, int> onStep)
    {
        x = x.clone();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var scope = torch.NewDisposeScope();
            var denoised = denoise(x, sigmas[i]);
            var d = (x - denoised) / sigmas[i];
            var next = (x + d * (sigmas[i + 1] - sigmas[i])).DetachFromDisposeScope();
            x.Dispose();
            x = next;
            onStep(i + 1, sigmas.Length - 1);
        }
        return x;
    }
}
