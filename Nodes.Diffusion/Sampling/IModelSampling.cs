using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's model_sampling (comfy/model_sampling.py), a sampling base and a model type in one: the table of σ the
/// schedulers read (ascending, float32), how σ maps to the network's timestep and back, and how the network's input,
/// output and the starting noise relate to σ (ε-prediction for <see cref="ModelSamplingDiscrete"/>, rectified flow
/// for <see cref="ModelSamplingDiscreteFlow"/>).
/// </summary>
public interface IModelSampling
{
    float[] Sigmas { get; }

    float SigmaMin { get; }

    float SigmaMax { get; }

    /// <summary>The network's timestep at <paramref name="sigma"/>.</summary>
    float Timestep(float sigma);

    /// <summary>σ at a (fractional) network timestep.</summary>
    float Sigma(float timestep);

    /// <summary>percent_to_sigma: σ at that fraction of sampling (for step-range options).</summary>
    double PercentToSigma(double percent);

    /// <summary>calculate_input: what the network sees for noisy latents at σ.</summary>
    Tensor CalculateInput(double sigma, Tensor noisy);

    /// <summary>calculate_denoised: the clean estimate from the network's output.</summary>
    Tensor CalculateDenoised(double sigma, Tensor output, Tensor input);

    /// <summary>noise_scaling: the starting point at σ from unit noise and the (scaled) latent.</summary>
    Tensor NoiseScaling(double sigma, Tensor noise, Tensor latent, bool maxDenoise);
}
