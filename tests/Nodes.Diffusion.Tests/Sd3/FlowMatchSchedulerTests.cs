using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// diffusers' FlowMatchEulerDiscreteScheduler as the fixture recorded it (scheduler/schedules.json: σ and timesteps for
/// each step count; scheduler/euler_step.safetensors: Euler steps), and ComfyUI's flow sampling (ModelSamplingDiscreteFlow)
/// checked against its definition and against diffusers.
/// </summary>
public sealed class FlowMatchSchedulerTests
{
    private static JsonNode Schedules => Golden.Json(Sd3Fixture.Name, (string)Sd3Fixture.Goldens("scheduler")["file"]!);

    private static FlowMatchEulerScheduler Scheduler => new(FlowMatchEulerSchedulerConfig.FromJson(Schedules["config"]!.ToJsonString()));

    /// <summary>The step counts schedules.json records.</summary>
    public static TheoryData<int> StepCounts() =>
        Golden.Rows(Sd3Fixture.Name, () => Schedules["schedules"]!.AsObject().Select(e => int.Parse(e.Key)), 1);

    private static float[] Floats(JsonNode? node) => [.. node!.AsArray().Select(v => (float)(double)v!)];

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(StepCounts))]
    public void Sigmas_and_timesteps_equal_diffusers_bit_for_bit(int steps)
    {
        var recorded = Schedules["schedules"]![steps.ToString(System.Globalization.CultureInfo.InvariantCulture)]!;

        var (sigmas, timesteps) = Scheduler.SetTimesteps(steps);

        Assert.Equal(Floats(recorded["sigmas_float32"]), sigmas);
        Assert.Equal(Floats(recorded["timesteps_float32"]), timesteps);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Euler_steps_move_by_the_sigma_difference_times_the_velocity()
    {
        using var golden = Sd3Fixture.Tensors("scheduler/euler_step.safetensors");
        using var scope = torch.NewDisposeScope();
        var recordedSigmas = golden.Load("sigmas");
        var (sigmas, timesteps) = Scheduler.SetTimesteps((int)recordedSigmas.shape[0] - 1);
        golden.AssertMatches("sigmas", torch.tensor(sigmas));
        golden.AssertMatches("timesteps", torch.tensor(timesteps));
        var steps = Sd3Fixture.Goldens("scheduler")["euler_steps"]!.AsArray();
        Assert.NotEmpty(steps);
        foreach (var step in steps)
        {
            int i = (int)step!["index"]!;
            Assert.Equal((float)(double)step["sigma"]!, sigmas[i]);
            Assert.Equal((float)(double)step["sigma_next"]!, sigmas[i + 1]);
            golden.AssertMatches($"step{i}.prev_sample", FlowMatchEulerScheduler.Step(golden.Load($"step{i}.model_output"), golden.Load($"step{i}.sample"), sigmas[i], sigmas[i + 1]));
        }
    }

    [Fact]
    public void Comfyui_flow_table_is_the_shifted_training_grid()
    {
        var sampling = new ModelSamplingDiscreteFlow(shift: 3.0);

        Assert.Equal(1000, sampling.Sigmas.Length);
        Assert.Equal(1f, sampling.SigmaMax);
        for (int t = 1; t <= 1000; t += 111)
        {
            double u = t / 1000.0;
            Assert.Equal(3 * u / (1 + 2 * u), sampling.Sigmas[t - 1], 1e-6);
        }
        Assert.Equal(sampling.SigmaMax * 1000, sampling.Timestep(sampling.SigmaMax));
        Assert.Equal(0.5, sampling.PercentToSigma(1 - 0.25), 1e-12);   // shift(0.25) = 0.75/1.5
    }

    /// <summary>ComfyUI's "normal" schedule under flow sampling spaces timesteps as diffusers does: the same σ up to float32 rounding.</summary>
    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(StepCounts))]
    public void Comfyui_normal_schedule_agrees_with_diffusers(int steps)
    {
        var config = FlowMatchEulerSchedulerConfig.FromJson(Schedules["config"]!.ToJsonString());
        var comfy = SigmaSchedule.Calculate(new ModelSamplingDiscreteFlow(config.Shift), SchedulerName.Normal, steps);

        var (diffusers, _) = Scheduler.SetTimesteps(steps);

        Assert.Equal(diffusers.Length, comfy.Length);
        for (int i = 0; i < comfy.Length; i++)
            Assert.Equal(diffusers[i], comfy[i], 2e-6);
    }

    [Fact]
    public void Comfyui_simple_schedule_strides_the_flow_table_and_sgm_uniform_drops_the_last_point()
    {
        var sampling = new ModelSamplingDiscreteFlow(shift: 3.0);

        var simple = SigmaSchedule.Calculate(sampling, SchedulerName.Simple, 4);
        var sgm = SigmaSchedule.Calculate(sampling, SchedulerName.SgmUniform, 4);

        Assert.Equal([sampling.Sigmas[999], sampling.Sigmas[749], sampling.Sigmas[499], sampling.Sigmas[249], 0f], simple);
        Assert.Equal(5, sgm.Length);
        Assert.Equal(sampling.SigmaMax, sgm[0]);
        Assert.Equal(sampling.Sigma(1000f - 3 * (1000f - sampling.Timestep(sampling.SigmaMin)) / 4), sgm[3], 1e-6);
        Assert.Equal(0f, sgm[4]);
    }

    [Theory]
    [InlineData(10, 1.0, 0)]
    [InlineData(10, 0.35, 6)]      // init_timestep 3.5 → t_start int(6.5) = 6
    [InlineData(8, 0.5, 4)]
    [InlineData(10, 0.0, 10)]
    public void Img2img_keeps_the_steps_diffusers_keeps(int steps, double denoise, int firstKept) =>
        Assert.Equal(firstKept, FlowMatchEulerScheduler.FirstKeptStep(steps, denoise));
}
