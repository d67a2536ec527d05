using System.Text.Json.Serialization;
using Workflow.Nodes.Diffusion.Models;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// diffusers EulerDiscreteScheduler config (v0.27.2 schedulers/scheduling_euler_discrete.py), upstream names and
/// defaults, for the way StableDiffusionLatentUpscalePipeline runs it (stabilityai/sd-x2-latent-upscaler's
/// scheduler_config.json): the model predicts the clean sample (prediction_type "original_sample"), σ interpolated
/// log-linearly between the largest and the smallest training σ, timesteps spaced "linspace". Other choices
/// (Karras σ, continuous timesteps, zero-SNR rescaling, trained betas) are refused naming the key.
/// </summary>
public sealed record EulerDiscreteSchedulerConfig
{
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("beta_start")] public double BetaStart { get; init; } = 0.0001;
    [JsonPropertyName("beta_end")] public double BetaEnd { get; init; } = 0.02;
    [JsonPropertyName("beta_schedule")] public string BetaScheduleName { get; init; } = "linear";
    [JsonPropertyName("trained_betas")] public double[]? TrainedBetas { get; init; }
    [JsonPropertyName("prediction_type")] public string PredictionType { get; init; } = "epsilon";
    [JsonPropertyName("interpolation_type")] public string InterpolationType { get; init; } = "linear";
    [JsonPropertyName("use_karras_sigmas")] public bool UseKarrasSigmas { get; init; }
    [JsonPropertyName("timestep_spacing")] public string TimestepSpacing { get; init; } = "linspace";
    [JsonPropertyName("timestep_type")] public string TimestepType { get; init; } = "discrete";
    [JsonPropertyName("rescale_betas_zero_snr")] public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>stabilityai/sd-x2-latent-upscaler's scheduler/scheduler_config.json (the fields it lists; the rest are defaults).</summary>
    public static EulerDiscreteSchedulerConfig LatentUpscaler { get; } = new()
    {
        BetaStart = 0.00085, BetaEnd = 0.012, BetaScheduleName = "scaled_linear", PredictionType = "original_sample", InterpolationType = "log_linear",
    };

    /// <summary>
    /// The training noise schedule (betas and their cumulative products): diffusers builds it the same way in every
    /// scheduler, so DDIM's tables (<see cref="DdimScheduler"/>) are these.
    /// </summary>
    [JsonIgnore]
    public DdimSchedulerConfig TrainingSchedule => new()
    {
        NumTrainTimesteps = NumTrainTimesteps, BetaStart = BetaStart, BetaEnd = BetaEnd, BetaScheduleName = BetaScheduleName,
    };

    public static EulerDiscreteSchedulerConfig FromJson(string json, string source = "scheduler config") =>
        ConfigCheck.Deserialize<EulerDiscreteSchedulerConfig>(json, source).Checked(source);

    public EulerDiscreteSchedulerConfig Checked(string source = "scheduler config")
    {
        var check = new ConfigCheck(source);
        check.Require(TrainedBetas is null, "trained_betas", "a list", "must be null (the betas come from beta_schedule)");
        check.Require(PredictionType == "original_sample", "prediction_type", PredictionType, "must be original_sample (the latent upscaler's network predicts the clean latent)");
        check.Require(InterpolationType == "log_linear", "interpolation_type", InterpolationType, "must be log_linear");
        check.Require(!UseKarrasSigmas, "use_karras_sigmas", UseKarrasSigmas, "must be false");
        check.Require(TimestepSpacing == "linspace", "timestep_spacing", TimestepSpacing, "must be linspace");
        check.Require(TimestepType == "discrete", "timestep_type", TimestepType, "must be discrete");
        check.Require(!RescaleBetasZeroSnr, "rescale_betas_zero_snr", RescaleBetasZeroSnr, "must be false");
        _ = TrainingSchedule.Checked(source);
        return this;
    }
}
