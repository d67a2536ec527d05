using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// diffusers FlowMatchEulerDiscreteScheduler (v0.30.3), as StableDiffusion3Pipeline drives it. The training table
/// is σ = t/N for t = N…1, shifted as s·σ / (1 + (s − 1)·σ) in float32; set_timesteps spaces N·σ_max … N·σ_min
/// evenly in float64 (numpy's linspace), divides by N, shifts again (so the smallest σ is shifted twice), rounds to
/// float32, and appends σ = 0; the model's timestep is σ·N. A step is x + (σ_next − σ)·v; img2img starts at
/// σ·noise + (1 − σ)·latent (scale_noise).
/// </summary>
public sealed class FlowMatchEulerScheduler
{
    public FlowMatchEulerScheduler(FlowMatchEulerSchedulerConfig config)
    {
        Config = config.Checked();
        int n = config.NumTrainTimesteps;
        // sigmas = shift(linspace(1, N, N)[::-1] / N) in float32: the largest and the smallest are all set_timesteps reads.
        SigmaMax = ShiftFloat32((float)n / n);
        SigmaMin = ShiftFloat32(1f / n);
    }

    public FlowMatchEulerSchedulerConfig Config { get; }

    public float SigmaMax { get; }

    public float SigmaMin { get; }

    /// <summary>set_timesteps: <paramref name="steps"/> descending σ followed by 0, and the timesteps σ·N (float32).</summary>
    public (float[] Sigmas, float[] Timesteps) SetTimesteps(int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one step");
        int n = Config.NumTrainTimesteps;
        double start = (double)SigmaMax * n, stop = (double)SigmaMin * n;
        var sigmas = new float[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            double timestep = i == steps - 1 && steps > 1 ? stop : i * ((stop - start) / (steps - 1)) + start;
            sigmas[i] = (float)ShiftFloat64(timestep / n);
        }
        return (sigmas, [.. sigmas[..^1].Select(s => s * n)]);
    }

    /// <summary>step: x + (σ_next − σ)·v, the difference of the float32 σ taken in float32.</summary>
    public static Tensor Step(Tensor modelOutput, Tensor sample, float sigma, float sigmaNext)
    {
        using var move = modelOutput * (sigmaNext - sigma);
        return sample + move;
    }

    /// <summary>scale_noise (and ComfyUI's CONST noise_scaling): σ·noise + (1 − σ)·sample.</summary>
    public static Tensor ScaleNoise(Tensor sample, Tensor noise, double sigma)
    {
        using var scaledNoise = noise * sigma;
        using var scaledSample = sample * (1.0 - sigma);
        return scaledNoise + scaledSample;
    }

    /// <summary>img2img's get_timesteps: the index of the first step kept when <paramref name="denoise"/> of a <paramref name="steps"/>-step run is done (strength).</summary>
    public static int FirstKeptStep(int steps, double denoise) => (int)Math.Max(steps - Math.Min(steps * denoise, steps), 0);

    private float ShiftFloat32(float sigma) => (float)Config.Shift * sigma / (1f + (float)(Config.Shift - 1.0) * sigma);

    private double ShiftFloat64(double sigma) => Config.Shift * sigma / (1 + (Config.Shift - 1) * sigma);
}
