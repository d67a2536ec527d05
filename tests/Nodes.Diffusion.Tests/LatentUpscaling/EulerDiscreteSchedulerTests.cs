using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// EulerDiscreteScheduler as the upscale pipeline sets it: log-linear σ from σ_max to σ_min plus a final 0, the
/// linspace timesteps, init_noise_sigma = σ_max, and ln σ / 4 for the network — per recorded run, against its tensors
/// and the manifest's lists.
/// </summary>
public sealed class EulerDiscreteSchedulerTests
{
    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(LatentUpscalerFixture.RunNames), MemberType = typeof(LatentUpscalerFixture))]
    public void Sigmas_timesteps_and_noise_scale_match_the_run(string name)
    {
        var run = LatentUpscalerFixture.Run(name);
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = LatentUpscalerFixture.LoadModel();
        var scheduler = new EulerDiscreteScheduler(model.Scheduler);
        using var scope = torch.NewDisposeScope();

        var sigmas = scheduler.Sigmas(run.Steps);

        golden.AssertMatches($"{name}.sigmas", torch.tensor(sigmas));
        golden.AssertMatches($"{name}.timesteps", torch.tensor(scheduler.Timesteps(run.Steps)));
        Assert.Equal(run.Sigmas.Length, sigmas.Length);
        Assert.Equal(run.Sigmas, sigmas, (a, b) => Math.Abs(a - b) <= golden.Tolerance($"{name}.sigmas"));
        Assert.Equal(0f, sigmas[^1]);
        Assert.Equal(run.InitNoiseSigma, EulerDiscreteScheduler.InitNoiseSigma(sigmas), golden.Tolerance($"{name}.sigmas"));
        // The network sees ln σ / 4 at the steps walked: every σ but the final 0 and σ_min it lands on.
        Assert.Equal(run.UnetTimesteps, sigmas[..run.Steps].Select(s => MathF.Log(s) * 0.25f), (a, b) => Math.Abs(a - b) <= golden.Tolerance($"{name}.unet_timestep"));
    }

    [Theory]
    [InlineData("prediction_type", "epsilon")]
    [InlineData("interpolation_type", "linear")]
    [InlineData("timestep_spacing", "leading")]
    public void A_schedule_the_upscaler_does_not_run_is_refused_naming_the_key(string key, string value)
    {
        var config = new System.Text.Json.Nodes.JsonObject { ["beta_schedule"] = "scaled_linear", ["prediction_type"] = "original_sample", ["interpolation_type"] = "log_linear" };
        config[key] = value;
        var json = config.ToJsonString();
        var error = Assert.Throws<InvalidDataException>(() => EulerDiscreteSchedulerConfig.FromJson(json, "scheduler_config.json"));
        Assert.Contains($"scheduler_config.json: {key} = {value}", error.Message);
    }
}
