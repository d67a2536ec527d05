using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>One DDIM step's results (DDIMSchedulerOutput).</summary>
public sealed record DdimStepOutput(Tensor PrevSample, Tensor PredOriginalSample) : IDisposable
{
    public void Dispose()
    {
        PrevSample.Dispose();
        PredOriginalSample.Dispose();
    }
}

/// <summary>
/// diffusers DDIMScheduler (v0.27.2 schedulers/scheduling_ddim.py; Song et al. 2020, "Denoising Diffusion Implicit
/// Models", eq. 12). The tables are built as upstream builds them — float32 linspace (squared for scaled_linear),
/// then cumprod — by libtorch itself, so they match bit for bit; per-step scalars are float32 as upstream's 0-dim tensors.
/// Notation as upstream: ᾱ_t = alphas_cumprod[t], β_t = 1 − ᾱ_t.
/// </summary>
public sealed class DdimScheduler
{
    private readonly float[] _alphasCumprod;

    public DdimScheduler(DdimSchedulerConfig config)
    {
        Config = config.Checked();
        using var scope = torch.NewDisposeScope();
        var betas = config.BetaSchedule == BetaSchedule.ScaledLinear
            ? torch.linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), config.NumTrainTimesteps, torch.float32).pow(2)
            : torch.linspace(config.BetaStart, config.BetaEnd, config.NumTrainTimesteps, torch.float32);
        Betas = betas.ToArray<float>();
        _alphasCumprod = torch.cumprod(betas.rsub(1.0), dim: 0).ToArray<float>();
        FinalAlphaCumprod = config.SetAlphaToOne ? 1f : _alphasCumprod[0];
    }

    public DdimSchedulerConfig Config { get; }

    public float[] Betas { get; }

    public IReadOnlyList<float> AlphasCumprod => _alphasCumprod;

    /// <summary>ᾱ used past the last step: 1 with set_alpha_to_one, else ᾱ_0.</summary>
    public float FinalAlphaCumprod { get; }

    /// <summary>DDIM adds no noise scaling: the initial latents are unit Gaussian noise.</summary>
    public static float InitNoiseSigma => 1f;

    /// <summary>set_timesteps: the descending timesteps of an <paramref name="steps"/>-step run under the configured spacing.</summary>
    public long[] Timesteps(int steps)
    {
        int train = Config.NumTrainTimesteps;
        if (StepsProblem(Config, steps) is { } problem)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, problem);
        return Config.TimestepSpacing switch
        {
            TimestepSpacing.Leading or TimestepSpacing.LdmUniform =>
                Enumerable.Range(0, Count(Config, steps)).Reverse().Select(i => (long)i * (train / steps) + Config.StepsOffset).ToArray(),
            TimestepSpacing.Trailing => Enumerable.Range(0, steps).Select(i => (long)Math.Round(train - i * ((double)train / steps)) - 1).ToArray(),
            _ => Enumerable.Range(0, steps).Reverse().Select(i => (long)Math.Round(steps == 1 ? 0 : i * (train - 1.0) / (steps - 1))).ToArray(),
        };
    }

    /// <summary>
    /// Why a <paramref name="steps"/>-step run does not fit <paramref name="config"/>'s schedule, or null. Leading
    /// spacing shifted by steps_offset can pass the last training timestep (1,000 steps of a 1,000-step schedule with
    /// offset 1 ask for timestep 1,000), where diffusers fails with an IndexError mid-run; this is said before any step.
    /// LDM's uniform spacing passes it more often (3 steps of 1,000 reach 1,000), where LDM fails with the same error.
    /// </summary>
    public static string? StepsProblem(DdimSchedulerConfig config, int steps)
    {
        int train = config.NumTrainTimesteps;
        if (steps < 1 || steps > train)
            return $"must be between 1 and {train} (the model's training timesteps)";
        if (config.TimestepSpacing is not (TimestepSpacing.Leading or TimestepSpacing.LdmUniform) || Last(config, steps) < train)
            return null;
        var fits = Enumerable.Range(1, train).Where(s => Last(config, s) < train);
        string advice = config.TimestepSpacing == TimestepSpacing.Leading
            ? $"at most {fits.Where(s => s < steps).Max()} steps fit this model (diffusers fails on it too)"
            : $"{fits.MinBy(s => Math.Abs(s - steps))} steps fit (LDM's DDIM sampler fails on it too)";
        return $"{steps} steps with steps_offset {config.StepsOffset} reach timestep {Last(config, steps)}, past the schedule's last ({train - 1}); {advice}";
    }

    /// <summary>How many timesteps a run has: S for leading, ⌈T / (T // S)⌉ for LDM's uniform spacing.</summary>
    private static int Count(DdimSchedulerConfig config, int steps)
    {
        int stride = config.NumTrainTimesteps / steps;
        return config.TimestepSpacing == TimestepSpacing.LdmUniform ? (config.NumTrainTimesteps + stride - 1) / stride : steps;
    }

    /// <summary>The highest timestep of a leading or LDM-uniform run.</summary>
    private static long Last(DdimSchedulerConfig config, int steps) =>
        (long)(Count(config, steps) - 1) * (config.NumTrainTimesteps / steps) + config.StepsOffset;

    /// <summary>
    /// x_{t−1} from x_t and the model output (eq. 12): predict x₀, then step towards ᾱ_prev, with σ_t = η·√variance
    /// and noise from <paramref name="generator"/> when η &gt; 0. <paramref name="steps"/> fixes prev_t = t − train/steps.
    /// </summary>
    public DdimStepOutput Step(Tensor modelOutput, long timestep, Tensor sample, int steps, double eta = 0, Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        float alphaProdT = _alphasCumprod[timestep];
        float alphaProdTPrev = PreviousAlphaCumprod(timestep, steps);
        float betaProdT = 1f - alphaProdT;

        // 1-2. predicted original sample and predicted noise, by prediction type
        var (predOriginal, predEpsilon) = Config.PredictionType switch
        {
            PredictionType.Epsilon => ((sample - modelOutput * MathF.Sqrt(betaProdT)) / MathF.Sqrt(alphaProdT), modelOutput),
            PredictionType.Sample => (modelOutput, (sample - modelOutput * MathF.Sqrt(alphaProdT)) / MathF.Sqrt(betaProdT)),
            _ => (sample * MathF.Sqrt(alphaProdT) - modelOutput * MathF.Sqrt(betaProdT), modelOutput * MathF.Sqrt(alphaProdT) + sample * MathF.Sqrt(betaProdT)),
        };
        if (Config.ClipSample)
            predOriginal = torch.clamp(predOriginal, -Config.ClipSampleRange, Config.ClipSampleRange);

        // 3-5. variance σ_t² and the direction pointing to x_t
        float stdDevT = StandardDeviation(timestep, steps, eta);
        var direction = predEpsilon * MathF.Sqrt(1f - alphaProdTPrev - stdDevT * stdDevT);

        // 6-7. x_{t−1} without, then with, the random noise
        var prevSample = predOriginal * MathF.Sqrt(alphaProdTPrev) + direction;
        if (eta > 0)
            prevSample = prevSample + RandnTensor.Like(modelOutput, generator) * stdDevT;
        return new DdimStepOutput(prevSample.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    /// <summary>ᾱ_prev of a step from <paramref name="timestep"/>: ᾱ at t − T/S, or the final ᾱ past the first timestep.</summary>
    public float PreviousAlphaCumprod(long timestep, int steps)
    {
        long prevTimestep = timestep - Config.NumTrainTimesteps / steps;
        return prevTimestep >= 0 ? _alphasCumprod[prevTimestep] : FinalAlphaCumprod;
    }

    /// <summary>σ_t = η · √((1 − ᾱ_prev)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_prev)), eq. 16.</summary>
    public float StandardDeviation(long timestep, int steps, double eta)
    {
        float alphaProdT = _alphasCumprod[timestep], alphaProdTPrev = PreviousAlphaCumprod(timestep, steps);
        float variance = (1f - alphaProdTPrev) / (1f - alphaProdT) * (1f - alphaProdT / alphaProdTPrev);
        return (float)eta * MathF.Sqrt(variance);
    }

    /// <summary>add_noise: √ᾱ_t · x₀ + √(1 − ᾱ_t) · ε, for img2img starts.</summary>
    public Tensor AddNoise(Tensor original, Tensor noise, long timestep)
    {
        float alphaProd = _alphasCumprod[timestep];
        using var scaledOriginal = original * MathF.Sqrt(alphaProd);
        using var scaledNoise = noise * MathF.Sqrt(1f - alphaProd);
        return scaledOriginal + scaledNoise;
    }
}
