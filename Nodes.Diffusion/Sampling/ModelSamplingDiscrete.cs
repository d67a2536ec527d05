using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's ModelSamplingDiscrete with the EPS or V_PREDICTION model type (comfy/model_sampling.py): the 1000 training
/// noise levels as σ = √((1 − ᾱ)/ᾱ), from betas built as LDM's make_beta_schedule("linear") does — linspace of the
/// square roots in float64, squared — then stored as float32; with zero terminal SNR (zsnr) rescaled first
/// (rescale_zero_terminal_snr_sigmas). Maps σ to the nearest training timestep and back (log-σ interpolation); the
/// network sees x/√(σ² + 1). It predicts ε (the clean estimate is x − σ·ε) or v (x·σd²/(σ² + σd²) − v·σ·σd/√(σ² + σd²),
/// σ_data = 1), as the schedule's prediction type says.
/// </summary>
public sealed class ModelSamplingDiscrete : IModelSampling
{
    /// <summary>ComfyUI's ᾱ at the last timestep after the zero-SNR rescale, which would otherwise be 0 (σ = ∞).</summary>
    private const double ZeroSnrLastAlphaBar = 4.8973451890853435e-08;

    /// <param name="zeroTerminalSnr">ComfyUI's zsnr: rescale σ so the last timestep is (almost) pure noise.</param>
    public ModelSamplingDiscrete(DdimSchedulerConfig schedule, bool zeroTerminalSnr = false)
    {
        if (schedule.BetaSchedule != BetaSchedule.ScaledLinear)
            throw new NotSupportedException($"ComfyUI sampling needs the scaled-linear (LDM \"linear\") schedule, not {schedule.BetaScheduleName}.");
        Prediction = schedule.PredictionType is PredictionType.Epsilon or PredictionType.VPrediction ? schedule.PredictionType
            : throw new NotSupportedException($"KSampler samples ε- and v-prediction models; this one predicts {schedule.PredictionTypeName}.");
        using var scope = torch.NewDisposeScope();
        var betas = torch.linspace(Math.Sqrt(schedule.BetaStart), Math.Sqrt(schedule.BetaEnd), schedule.NumTrainTimesteps, torch.float64).pow(2);
        var alphasCumprod = torch.cumprod(betas.rsub(1.0), dim: 0);
        var sigmas = alphasCumprod.rsub(1.0).div(alphasCumprod).pow(0.5);
        if (zeroTerminalSnr)
            sigmas = RescaleZeroTerminalSnr(sigmas);
        Sigmas = sigmas.to(torch.float32).ToArray<float>();
        LogSigmas = sigmas.log().to(torch.float32).ToArray<float>();
    }

    /// <summary>What the network predicts: ε or v.</summary>
    public PredictionType Prediction { get; }

    public float[] Sigmas { get; }

    public float[] LogSigmas { get; }

    public float SigmaMin => Sigmas[0];

    public float SigmaMax => Sigmas[^1];

    /// <summary>The training timestep whose σ is nearest in log space (ComfyUI's timestep: argmin of |log σ − log σ_t|).</summary>
    public int Timestep(float sigma)
    {
        float logSigma = KDiffusion.StepMath.Log(sigma);
        int best = 0;
        for (int t = 1; t < LogSigmas.Length; t++)
            if (MathF.Abs(logSigma - LogSigmas[t]) < MathF.Abs(logSigma - LogSigmas[best]))
                best = t;
        return best;
    }

    float IModelSampling.Timestep(float sigma) => Timestep(sigma);

    public Tensor CalculateInput(double sigma, Tensor noisy) => noisy / Math.Sqrt(sigma * sigma + 1.0);

    public Tensor CalculateDenoised(double sigma, Tensor output, Tensor input)
    {
        if (Prediction == PredictionType.Epsilon)
        {
            using var scaled = output * sigma;
            return input - scaled;
        }
        // V_PREDICTION, σ_data = 1: σ² + σd² and its root in float32, as ComfyUI's σ tensor computes them.
        float s = (float)sigma, variance = s * s + 1f;
        using var signal = input / (double)variance;
        using var v = output * sigma;
        using var velocity = v / (double)MathF.Sqrt(variance);
        return signal - velocity;
    }

    /// <summary>EPS.noise_scaling: the latent plus noise at σ (√(1+σ²) when σ is the model's largest σ).</summary>
    public Tensor NoiseScaling(double sigma, Tensor noise, Tensor latent, bool maxDenoise) =>
        Sampling.NoiseScaling.Eps((float)sigma, noise, latent, maxDenoise);

    /// <summary>ComfyUI's percent_to_sigma: σ at that fraction of sampling (0 → beyond every σ, 1 → 0), for step-range options.</summary>
    public double PercentToSigma(double percent) =>
        percent <= 0.0 ? 999999999.9 : percent >= 1.0 ? 0.0 : Sigma((float)((1.0 - percent) * 999.0));

    /// <summary>σ at a (fractional) timestep, interpolating log σ between the neighbouring training steps.</summary>
    public float Sigma(float timestep)
    {
        float t = Math.Clamp(timestep, 0, Sigmas.Length - 1);
        int low = (int)MathF.Floor(t), high = (int)MathF.Ceiling(t);
        float w = t - MathF.Floor(t);
        return KDiffusion.StepMath.Exp((1 - w) * LogSigmas[low] + w * LogSigmas[high]);
    }

    /// <summary>
    /// rescale_zero_terminal_snr_sigmas (Lin et al., "Common Diffusion Noise Schedules and Sample Steps Are Flawed"):
    /// √ᾱ shifted so the last is 0 and scaled so the first keeps its value, the last ᾱ then set to ComfyUI's constant.
    /// </summary>
    internal static Tensor RescaleZeroTerminalSnr(Tensor sigmas)
    {
        var alphaBarSqrt = sigmas.ToArray<double>().Select(sigma => Math.Sqrt(1.0 / (sigma * sigma + 1.0))).ToArray();
        double first = alphaBarSqrt[0], last = alphaBarSqrt[^1], scale = first / (first - last);
        var alphaBar = alphaBarSqrt.Select(a => (a - last) * scale).Select(a => a * a).ToArray();
        alphaBar[^1] = ZeroSnrLastAlphaBar;
        return torch.tensor<double>(alphaBar.Select(a => Math.Sqrt((1.0 - a) / a)).ToArray());
    }
}
