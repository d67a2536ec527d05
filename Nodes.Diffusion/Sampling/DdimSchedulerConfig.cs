using System.Text.Json.Serialization;
using Workflow.Nodes.Diffusion.Models;

namespace Workflow.Nodes.Diffusion.Sampling;

public enum BetaSchedule { Linear, ScaledLinear }

public enum PredictionType { Epsilon, VPrediction, Sample }

public enum TimestepSpacing
{
    Leading,
    Trailing,
    Linspace,

    /// <summary>
    /// LDM's DDIM "uniform" discretization (make_ddim_timesteps): range(0, T, T // S) + steps_offset, which MVDream and
    /// ImageDream sample with. It is "leading" where T % S == 0; otherwise it has more than S steps (S = 6 of 1,000: 7).
    /// </summary>
    LdmUniform,
}

/// <summary>
/// diffusers DDIMScheduler config (v0.27.2 schedulers/scheduling_ddim.py), upstream names and defaults; string
/// options are parsed into enums once. Fixed upstream choices: no trained_betas, no thresholding, no zero-SNR rescale.
/// One addition: timestep_spacing "ldm_uniform", LDM's own DDIM timesteps.
/// </summary>
public sealed record DdimSchedulerConfig
{
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("beta_start")] public double BetaStart { get; init; } = 0.0001;
    [JsonPropertyName("beta_end")] public double BetaEnd { get; init; } = 0.02;
    [JsonPropertyName("beta_schedule")] public string BetaScheduleName { get; init; } = "linear";
    [JsonPropertyName("clip_sample")] public bool ClipSample { get; init; } = true;
    [JsonPropertyName("clip_sample_range")] public double ClipSampleRange { get; init; } = 1.0;
    [JsonPropertyName("set_alpha_to_one")] public bool SetAlphaToOne { get; init; } = true;
    [JsonPropertyName("steps_offset")] public int StepsOffset { get; init; }
    [JsonPropertyName("prediction_type")] public string PredictionTypeName { get; init; } = "epsilon";
    [JsonPropertyName("timestep_spacing")] public string TimestepSpacingName { get; init; } = "leading";
    [JsonPropertyName("thresholding")] public bool Thresholding { get; init; }
    [JsonPropertyName("rescale_betas_zero_snr")] public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>Stable Diffusion 1.x's scheduler (runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json, as a DDIMScheduler).</summary>
    public static DdimSchedulerConfig StableDiffusion1 { get; } = new()
    {
        BetaStart = 0.00085, BetaEnd = 0.012, BetaScheduleName = "scaled_linear", ClipSample = false,
        SetAlphaToOne = false, StepsOffset = 1,
    };

    [JsonIgnore]
    public BetaSchedule BetaSchedule => BetaScheduleName switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled_linear" => BetaSchedule.ScaledLinear,
        _ => throw new NotSupportedException($"beta_schedule '{BetaScheduleName}' is not supported (linear, scaled_linear)."),
    };

    [JsonIgnore]
    public PredictionType PredictionType => PredictionTypeName switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => throw new NotSupportedException($"prediction_type '{PredictionTypeName}' is not supported."),
    };

    [JsonIgnore]
    public TimestepSpacing TimestepSpacing => TimestepSpacingName switch
    {
        "leading" => TimestepSpacing.Leading,
        "trailing" => TimestepSpacing.Trailing,
        "linspace" => TimestepSpacing.Linspace,
        "ldm_uniform" => TimestepSpacing.LdmUniform,
        _ => throw new NotSupportedException($"timestep_spacing '{TimestepSpacingName}' is not supported."),
    };

    /// <summary>More training timesteps than any diffusion model was trained with (SD: 1,000; improved DDPM: 4,000).</summary>
    public const int MaxTrainTimesteps = 10_000;

    /// <summary>Fewer is no schedule: SD's steps_offset of 1 needs a timestep after the first.</summary>
    public const int MinTrainTimesteps = 2;

    /// <summary>Reads a scheduler_config.json (of any diffusers scheduler class: the shared fields are what DDIM needs).</summary>
    public static DdimSchedulerConfig FromJson(string json, string source = "scheduler config") =>
        ConfigCheck.Deserialize<DdimSchedulerConfig>(json, source).Checked(source);

    public DdimSchedulerConfig Checked(string source = "scheduler config")
    {
        _ = (BetaSchedule, PredictionType, TimestepSpacing);
        if (Thresholding || RescaleBetasZeroSnr)
            throw new NotSupportedException("DDIM with thresholding or rescale_betas_zero_snr is not supported.");
        var check = new ConfigCheck(source);
        check.Range("num_train_timesteps", NumTrainTimesteps, MinTrainTimesteps, MaxTrainTimesteps);
        check.Range("beta_start", BetaStart, 0, 1);
        check.Range("beta_end", BetaEnd, BetaStart, 1);
        check.Range("steps_offset", StepsOffset, 0, NumTrainTimesteps - 1);
        check.Range("clip_sample_range", ClipSampleRange, 0, 1e6);
        return this;
    }
}
