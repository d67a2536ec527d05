using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's ModelSamplingDiscreteFlow with the CONST model type (comfy/model_sampling.py), SD3's sampling: σ runs
/// over 1000 training steps t/1000 shifted as σ = s·t / (1 + (s − 1)·t) (time_snr_shift); the network's timestep is
/// σ·multiplier; it sees the noisy latent as is and predicts the velocity v, so the clean estimate is x − σ·v; noise
/// starts as σ·noise + (1 − σ)·latent. The table is float32 arithmetic as upstream's tensors compute it.
/// </summary>
public sealed class ModelSamplingDiscreteFlow : IModelSampling
{
    public ModelSamplingDiscreteFlow(double shift = 3.0, double multiplier = 1000, int timesteps = 1000)
    {
        if (!double.IsFinite(shift) || shift <= 0)
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "the shift must be a positive number");
        (Shift, Multiplier) = (shift, multiplier);
        float m = (float)multiplier;
        Sigmas = [.. Enumerable.Range(1, timesteps).Select(t => Sigma((float)t / timesteps * m))];
    }

    public double Shift { get; }

    public double Multiplier { get; }

    public float[] Sigmas { get; }

    public float SigmaMin => Sigmas[0];

    public float SigmaMax => Sigmas[^1];

    public float Timestep(float sigma) => sigma * (float)Multiplier;

    public float Sigma(float timestep) => TimeSnrShift(timestep / (float)Multiplier);

    public double PercentToSigma(double percent) =>
        percent <= 0.0 ? 1.0 : percent >= 1.0 ? 0.0 : Shift == 1.0 ? 1.0 - percent : Shift * (1.0 - percent) / (1 + (Shift - 1) * (1.0 - percent));

    public Tensor CalculateInput(double sigma, Tensor noisy) => noisy.alias();

    public Tensor CalculateDenoised(double sigma, Tensor output, Tensor input)
    {
        using var scaled = output * sigma;
        return input - scaled;
    }

    public Tensor NoiseScaling(double sigma, Tensor noise, Tensor latent, bool maxDenoise) => FlowMatchEulerScheduler.ScaleNoise(latent, noise, sigma);

    /// <summary>time_snr_shift on a float32 t: s·t / (1 + (s − 1)·t), each operation rounded to float32.</summary>
    private float TimeSnrShift(float t) => Shift == 1.0 ? t : (float)Shift * t / (1f + (float)(Shift - 1.0) * t);
}
