using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// k-diffusion's sample_euler without churn (Karras et al. 2022, Algorithm 2 with γ = 0): d = (x − x̂₀)/σ,
/// x ← x + d·(σ_next − σ). ComfyUI's "ddim" sampler is this same method (samplers.py: ksampler("euler", ...)), and so
/// is diffusers' EulerDiscreteScheduler.step with s_churn 0.
/// </summary>
public static class EulerSampler
{
    /// <summary>ComfyUI's "euler" as a <see cref="SamplerFunction"/>.</summary>
    public static Tensor Sample(Denoiser model, Tensor x, float[] sigmas, SamplerRun run) => Sample(x, sigmas, model, run.Step);

    /// <param name="denoise">x̂₀ for (x, σ): the model wrapped as ComfyUI's CFGGuider does.</param>
    /// <param name="onStep">k-diffusion's callback: step i of n, x before the step and its x̂₀.</param>
    /// <param name="capture">Receives each step's x̂₀ ("denoised") and new x ("latents").</param>
    public static Tensor Sample(Tensor x, float[] sigmas, Denoiser denoise, Action<int, int, Tensor, Tensor> onStep, IIntermediateCapture? capture = null)
    {
        x = x.clone().DetachFromDisposeScope();
        try
        {
            for (int i = 0; i < sigmas.Length - 1; i++)
            {
                using var scope = torch.NewDisposeScope();
                var denoised = capture.Recorded("denoised", denoise(x, sigmas[i]));
                var d = (x - denoised) / sigmas[i];
                onStep(i, sigmas.Length - 1, x, denoised);
                var next = capture.Recorded("latents", x + d * (sigmas[i + 1] - sigmas[i])).DetachFromDisposeScope();
                x.Dispose();
                x = next;
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
