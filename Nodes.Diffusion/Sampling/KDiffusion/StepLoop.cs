using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// The loop every k-diffusion sampler here shares: for each σ_i → σ_{i+1}, the model's x̂₀ at σ_i, the callback, then
/// the sampler's own update. Temporaries die with each step; a sampler keeps tensors for later steps (earlier x̂₀) with
/// MoveToOuterDisposeScope. The start x stays the caller's; the result is the caller's to dispose.
/// </summary>
internal static class StepLoop
{
    /// <param name="update">(i, x, x̂₀) → x at σ_{i+1}.</param>
    public static Tensor Run(Denoiser model, Tensor x, float[] sigmas, SamplerRun run, Func<int, Tensor, Tensor, Tensor> update)
    {
        using var scope = torch.NewDisposeScope();
        x = x.alias();
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            using var step = torch.NewDisposeScope();
            var denoised = model(x, sigmas[i]);
            run.Step(i, sigmas.Length - 1, x, denoised);
            // A new handle, so an update that returns a tensor it also keeps (x̂₀) is moved once.
            x = update(i, x, denoised).alias().MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }
}
