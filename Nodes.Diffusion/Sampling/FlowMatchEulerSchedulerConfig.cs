using System.Text.Json.Serialization;
using Workflow.Nodes.Diffusion.Models;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// diffusers FlowMatchEulerDiscreteScheduler config (v0.30.3 schedulers/scheduling_flow_match_euler_discrete.py),
/// upstream names and defaults. Resolution-dependent shifting (use_dynamic_shifting, Flux's) is not ported.
/// </summary>
public sealed record FlowMatchEulerSchedulerConfig
{
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("shift")] public double Shift { get; init; } = 1.0;
    [JsonPropertyName("use_dynamic_shifting")] public bool UseDynamicShifting { get; init; }

    /// <summary>SD3's (stabilityai/stable-diffusion-3-medium-diffusers scheduler/scheduler_config.json).</summary>
    public static FlowMatchEulerSchedulerConfig Sd3 { get; } = new() { Shift = 3.0 };

    public static FlowMatchEulerSchedulerConfig FromJson(string json, string source = "scheduler config") =>
        ConfigCheck.Deserialize<FlowMatchEulerSchedulerConfig>(json, source).Checked(source);

    public FlowMatchEulerSchedulerConfig Checked(string source = "scheduler config")
    {
        if (UseDynamicShifting)
            throw new NotSupportedException($"{source}: use_dynamic_shifting (resolution-dependent shift) is not supported; SD3 uses a fixed shift.");
        var check = new ConfigCheck(source);
        check.Range("num_train_timesteps", NumTrainTimesteps, 1, DdimSchedulerConfig.MaxTrainTimesteps);
        check.Range("shift", Shift, 1e-3, 1e3);
        return this;
    }
}
