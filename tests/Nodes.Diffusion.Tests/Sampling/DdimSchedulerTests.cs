using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>DDIM matches diffusers' DDIMScheduler with SD1.5's config: tables, timesteps (bit for bit) and steps.</summary>
public sealed class DdimSchedulerTests
{
    private const string File = "components/ddim_scheduler.safetensors";

    private static DdimScheduler Scheduler() => new(DdimSchedulerConfig.FromJson(Sd15Fixture.Folder.Config("scheduler")));

    [GoldenFact(Sd15Fixture.Name)]
    public void Tables_match_diffusers()
    {
        using var golden = Sd15Fixture.Tensors(File);
        var scheduler = Scheduler();
        using var betas = torch.tensor<float>(scheduler.Betas);
        using var alphasCumprod = torch.tensor<float>(scheduler.AlphasCumprod.ToArray());
        using var final = torch.scalar_tensor(scheduler.FinalAlphaCumprod);
        golden.AssertMatches("betas", betas);
        golden.AssertMatches("alphas_cumprod", alphasCumprod);
        golden.AssertMatches("final_alpha_cumprod", final);
    }

    /// <summary>The exact timestep tables the fixture records ("timesteps", "timesteps_10_steps", ...): set_timesteps(n) gives n of them.</summary>
    public static TheoryData<string> TimestepTables => Golden.Rows(Sd15Fixture.Name, () =>
    {
        using var golden = Sd15Fixture.Tensors(File);
        return golden.Names.Where(n => n.StartsWith("timesteps", StringComparison.Ordinal)).ToList();
    }, "(fixture absent)");

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(TimestepTables))]
    public void Timesteps_match_diffusers_exactly(string name)
    {
        using var golden = Sd15Fixture.Tensors(File);
        using var expected = golden.Load(name);
        using var timesteps = torch.tensor<long>(Scheduler().Timesteps((int)expected.shape[0]));
        golden.AssertMatches(name, timesteps);
    }

    /// <summary>The scheduler steps components/index.json records, by tensor prefix (e.g. "step_t701").</summary>
    public static TheoryData<string> Steps =>
        Golden.Rows(Sd15Fixture.Name, () => Sd15Fixture.Components("ddim_scheduler")["steps"]!.AsArray().Select(s => (string)s!["prefix"]!), "(fixture absent)");

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Steps))]
    public void Step_matches_diffusers(string prefix)
    {
        var index = Sd15Fixture.Components("ddim_scheduler");
        var step = index["steps"]!.AsArray().Single(s => (string)s!["prefix"]! == prefix)!;
        int steps = (int)index["num_inference_steps"]!;
        long timestep = (long)step["timestep"]!;
        var scheduler = Scheduler();
        Assert.Equal(timestep, scheduler.Timesteps(steps)[(int)step["index"]!]);
        using var golden = Sd15Fixture.Tensors(File);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(timestep, golden.Load($"{prefix}.timestep").item<long>());

        using var output = scheduler.Step(golden.Load($"{prefix}.model_output"), timestep, golden.Load($"{prefix}.sample"), steps);

        golden.AssertMatches($"{prefix}.prev_sample", output.PrevSample);
        golden.AssertMatches($"{prefix}.pred_original_sample", output.PredOriginalSample);
    }

    [Fact]
    public void Sampling_a_known_original_recovers_it()
    {
        // With a model that predicts the exact noise of x_t = √ᾱ·x₀ + √(1−ᾱ)·ε, every DDIM step keeps x₀ as its prediction.
        var scheduler = new DdimScheduler(DdimSchedulerConfig.StableDiffusion1 with { SetAlphaToOne = true });
        using var scope = torch.NewDisposeScope();
        var original = torch.randn([1, 4, 2, 2], new Generator(3));
        var noise = torch.randn([1, 4, 2, 2], new Generator(4));
        var timesteps = scheduler.Timesteps(10);
        var x = scheduler.AddNoise(original, noise, timesteps[0]);
        foreach (var t in timesteps)
            x = scheduler.Step(noise, t, x, steps: 10).PrevSample;
        Assert.True(x.allclose(original, rtol: 0, atol: 1e-5), "DDIM with the true noise must land on x₀");
    }
}
