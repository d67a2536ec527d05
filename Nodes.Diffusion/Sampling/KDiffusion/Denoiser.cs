using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.KDiffusion;

/// <summary>
/// The model as k-diffusion's samplers call it: x̂₀ ("denoised") for the noisy <paramref name="x"/> at noise level
/// <paramref name="sigma"/> (every batch item at the same σ, as the samplers' <c>sigma * s_in</c>). In ComfyUI this is
/// the CFGGuider wrapped in KSamplerX0Inpaint; tests pass a closed-form toy.
/// </summary>
public delegate Tensor Denoiser(Tensor x, float sigma);
