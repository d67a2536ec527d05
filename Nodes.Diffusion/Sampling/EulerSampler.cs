using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// k-diffusion's sample_euler without churn (Karras et al. 2022, Algorithm 2 with γ = 0): d = (x − x̂₀)/σ,
/// x ← x + d·(σ_next − σ). ComfyUI's "ddim" sampler is this same method (samplers.py: ksampler("euler", ...)), and so
/// is diffusers' EulerDiscreteScheduler.step with s_churn 0.
/// </summary>
public static class EulerSampler
{
    /// <param name="denoise">x̂₀ for (x, σ): the model wrapped as ComfyUI's CFGGuider does.</param>
    /// <param name="capture">Receives each step's x̂₀ ("denoised") and new x ("latents").</param>
    public static Tensor Sample(Tensor x, float[] sigmas, Func<Tensor, float, Tensor> denoise, Action<int, int> onStep, IIntermediateCapture? capture = null)
    {
        x = x.clone().DetachFromDisposeScope();
        try
        {
            for (int i = 0; i < sigmas.Length - 1; i++)
            {
                using var scope = torch.NewDisposeScope();
                var denoised = capture.Recorded("denoised", denoise(x, sigmas[i]));
                var d = (x - denoised) / sigmas[i];
                var next = capture.Recorded("latents", x + d * (sigmas[i + 1] - sigmas[i])).DetachFromDisposeScope();
                x.Dispose();
                x = next;
                onStep(i + 1, sigmas.Length - 1);
            }
            return x;
        }
        catch
        {
            x.Dispose();   // an interrupted or failed run frees its latents at once
            throw;
        }
    }
}
