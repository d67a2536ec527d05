using Workflow.Nodes.Diffusion.Sampling.KDiffusion;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's KSamplerX0Inpaint (comfy/samplers.py): around every model call, the part outside the denoise mask m is
/// replaced by the original latent noised to the call's σ (BaseModel.scale_latent_inpaint: the model sampling's
/// noise_scaling, not at max denoise), and the estimate outside the mask is the original latent:
/// x' = x·m + noise_scaling(σ, n, x₀)·(1 − m), x̂₀ = D(x', σ)·m + x₀·(1 − m). A sampler that ends at σ = 0 therefore
/// returns the original outside a hard mask. n is the run's noise; for "ddim" ComfyUI draws it anew
/// (inpaint_options random: torch.randn from torch.manual_seed(seed + 1) on the CPU).
/// </summary>
public sealed class InpaintingDenoiser : IDisposable
{
    private readonly IModelSampling _sampling;
    private readonly Tensor _mask, _keep, _keptLatent, _latent, _noise;

    private InpaintingDenoiser(IModelSampling sampling, Tensor mask, Tensor latent, Tensor noise)
    {
        _sampling = sampling;
        _mask = mask;
        _keep = mask.rsub(1.0);
        _keptLatent = latent * _keep;
        _latent = latent;
        _noise = noise;
    }

    /// <summary>The inpainting state of a request, or null when its latent has no mask (nothing to wrap).</summary>
    public static InpaintingDenoiser? For(IModelSampling sampling, KSamplerRequest request)
    {
        if (request.DenoiseMask is not { } mask)
            return null;
        var noise = request.Sampler == SamplerName.Ddim ? RandomNoise(request) : request.Noise.alias();
        return new InpaintingDenoiser(sampling, mask, request.LatentImage, noise);
    }

    public Denoiser Wrap(Denoiser inner) => (x, sigma) =>
    {
        using var scope = torch.NewDisposeScope();
        var noised = _sampling.NoiseScaling(sigma, _noise, _latent, maxDenoise: false);
        var denoised = inner(x * _mask + noised * _keep, sigma);
        return (denoised * _mask + _keptLatent).MoveToOuterDisposeScope();
    };

    public void Dispose()
    {
        _keep.Dispose();
        _keptLatent.Dispose();
        _noise.Dispose();
    }

    private static Tensor RandomNoise(KSamplerRequest request)
    {
        using var generator = SeededNoise.Generator(unchecked(request.Seed + 1));
        using var noise = torch.randn(request.Noise.shape, generator, torch.float32);
        return noise.to(request.Noise.device, torch.float32, copy: true);
    }
}
