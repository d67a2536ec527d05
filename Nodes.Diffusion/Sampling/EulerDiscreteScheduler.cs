using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// diffusers EulerDiscreteScheduler's set_timesteps (v0.27.2) with log-linear interpolation: the training σ =
/// √((1 − ᾱ)/ᾱ) in float32, then exp(linspace(ln σ_max, ln σ_min, steps + 1)) and a final 0. The pipeline runs only
/// <c>steps</c> Euler steps over these, so the last one lands on σ_min, not 0. The timesteps are bookkeeping only
/// (linspace(0, T − 1, steps) reversed); the network is given ln σ / 4.
/// </summary>
public sealed class EulerDiscreteScheduler
{
    private readonly float _sigmaMin, _sigmaMax;

    public EulerDiscreteScheduler(EulerDiscreteSchedulerConfig config)
    {
        Config = config.Checked();
        using var scope = torch.NewDisposeScope();
        var alphasCumprod = torch.tensor(new DdimScheduler(config.TrainingSchedule).AlphasCumprod.ToArray());
        var sigmas = (alphasCumprod.rsub(1.0) / alphasCumprod).pow(0.5).ToArray<float>();
        (_sigmaMin, _sigmaMax) = (sigmas[0], sigmas[^1]);
    }

    public EulerDiscreteSchedulerConfig Config { get; }

    /// <summary>The <paramref name="steps"/> + 2 σ of a run: steps + 1 log-linear values from σ_max to σ_min, then 0.</summary>
    public float[] Sigmas(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = torch.NewDisposeScope();
        // np.log of the float32 σ, then torch.linspace (float32) and exp, as upstream.
        var logSigmas = torch.linspace(MathF.Log(_sigmaMax), MathF.Log(_sigmaMin), steps + 1, torch.float32);
        return [.. logSigmas.exp().ToArray<float>(), 0f];
    }

    /// <summary>init_noise_sigma for linspace spacing: the largest σ of the run.</summary>
    public static float InitNoiseSigma(float[] sigmas) => sigmas.Max();

    /// <summary>The run's timesteps: numpy's float32 linspace(0, T − 1, steps), highest first.</summary>
    public float[] Timesteps(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        double step = steps == 1 ? 0 : (Config.NumTrainTimesteps - 1.0) / (steps - 1);
        return [.. Enumerable.Range(0, steps).Reverse().Select(i => i == steps - 1 && steps > 1 ? Config.NumTrainTimesteps - 1f : (float)(i * step))];
    }
}
