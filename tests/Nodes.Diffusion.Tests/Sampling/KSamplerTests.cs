using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// ComfyUI's sampling, checked against its definitions (comfy/model_sampling.py, comfy/samplers.py) and, on the
/// fixture's UNet, against DDIM: Euler in σ-space along DDIM's timesteps is DDIM with η = 0 (Karras et al. 2022, §4).
/// </summary>
public sealed class KSamplerTests
{
    private static readonly ModelSamplingDiscrete Sampling = new(DdimSchedulerConfig.StableDiffusion1);

    [Fact]
    public void Sigma_table_is_the_square_root_of_one_minus_alpha_bar_over_alpha_bar()
    {
        // ᾱ_t = Π(1 − β_i), β = (linspace(√0.00085, √0.012, 1000))², in double: only the final float32 rounding may differ.
        double alphaBar = 1;
        for (int t = 0; t < 1000; t++)
        {
            double root = Math.Sqrt(0.00085) + t * (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) / 999;
            alphaBar *= 1 - root * root;
            double sigma = Math.Sqrt((1 - alphaBar) / alphaBar);
            Assert.Equal(sigma, Sampling.Sigmas[t], 1e-6 * sigma);
        }
        Assert.Equal((Sampling.Sigmas[0], Sampling.Sigmas[999]), (Sampling.SigmaMin, Sampling.SigmaMax));
    }

    [Fact]
    public void Timestep_and_sigma_invert_each_other_on_the_training_steps()
    {
        foreach (var t in new[] { 0, 1, 250, 501, 999 })
        {
            Assert.Equal(t, Sampling.Timestep(Sampling.Sigmas[t]));
            Assert.Equal(Sampling.Sigmas[t], Sampling.Sigma(t), 1e-6f * Sampling.Sigmas[t]);
        }
        Assert.InRange(Sampling.Sigma(500.5f), Sampling.Sigmas[500], Sampling.Sigmas[501]);
    }

    [Fact]
    public void Ddim_uniform_takes_the_leading_timesteps_then_zero()
    {
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.DdimUniform, 10);
        Assert.Equal(new[] { 901, 801, 701, 601, 501, 401, 301, 201, 101, 1 }.Select(t => Sampling.Sigmas[t]).Append(0f), sigmas);
    }

    [Fact]
    public void Simple_strides_down_from_the_largest_sigma()
    {
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Simple, 4);
        Assert.Equal(new[] { 999, 749, 499, 249 }.Select(t => Sampling.Sigmas[t]).Append(0f), sigmas);
    }

    [Fact]
    public void Normal_is_linear_in_timestep()
    {
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Normal, 4);
        Assert.Equal(new[] { 999f, 666f, 333f, 0f }.Select(Sampling.Sigma).Append(0f), sigmas);
    }

    [Fact]
    public void Karras_interpolates_sigma_to_the_one_seventh()
    {
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Karras, 3);
        double min = Math.Pow(Sampling.SigmaMin, 1 / 7.0), max = Math.Pow(Sampling.SigmaMax, 1 / 7.0);
        var expected = new[] { 0.0, 0.5, 1.0 }.Select(r => Math.Pow(max + r * (min - max), 7)).ToArray();
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[i], sigmas[i], 1e-5 * expected[i]);
        Assert.Equal(0f, sigmas[3]);
    }

    [Fact]
    public void Denoise_below_one_keeps_the_tail_of_a_longer_schedule()
    {
        var full = SigmaSchedule.Calculate(Sampling, SchedulerName.Karras, 8);
        Assert.Equal(full[^5..], SigmaSchedule.ForDenoise(Sampling, SchedulerName.Karras, 4, 0.5));
        Assert.Empty(SigmaSchedule.ForDenoise(Sampling, SchedulerName.Karras, 4, 0));
    }

    [Fact]
    public void Euler_with_the_true_original_ends_on_it()
    {
        using var scope = torch.NewDisposeScope();
        var original = torch.randn([1, 4, 2, 2], new Generator(5));
        var sigmas = SigmaSchedule.Calculate(Sampling, SchedulerName.Karras, 6);
        var start = original + torch.randn([1, 4, 2, 2], new Generator(6)) * sigmas[0];
        var result = EulerSampler.Sample(start, sigmas, (_, _) => original.clone(), (_, _, _, _) => { });
        Assert.True(result.allclose(original, rtol: 0, atol: 1e-5));
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Euler_along_ddim_timesteps_equals_ddim_on_the_fixture_unet()
    {
        var loaded = Workflow.Nodes.Diffusion.Loading.DiffusersCheckpoint.Load(Golden.File(Sd15Fixture.Name, "model"));
        using var model = loaded.Model;
        using var clip = Assert.IsType<ClipModel>(loaded.Clip);
        using var vae = loaded.Vae;
        var call = Pipelines.Sd15PipelineCall.Read();
        using var positive = clip.Encode(call.Prompt, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var negative = clip.Encode(call.NegativePrompt, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var scope = torch.NewDisposeScope();
        long[] shape = [1, model.LatentFormat.Channels, call.Height / 8, call.Width / 8];
        using var noiseGenerator = SeededNoise.Generator(call.Seed);
        var noise = torch.randn(shape, noiseGenerator);
        // A step count dividing the 1,000 training steps: there ComfyUI's ddim_uniform and diffusers' "leading" spacing pick the same timesteps.
        const int steps = 10;

        // ComfyUI: x̃ = noise·σ_t₀ + 0, Euler to σ = 0.
        var comfy = KSamplerRun.Sample(model, new KSamplerRequest(noise, torch.zeros(shape), positive, negative, steps, call.Guidance,
            SamplerName.Ddim, SchedulerName.DdimUniform, 1.0), (_, _) => { });

        // DDIM: the same start in x-space (x = x̃·√ᾱ = noise·√(1−ᾱ)), ending on ᾱ = 1.
        var schedule = model.Schedule with { SetAlphaToOne = true };
        using var ddimModel = model.WithSchedule(schedule);
        var scheduler = new DdimScheduler(schedule);
        float alphaBar = scheduler.AlphasCumprod[(int)scheduler.Timesteps(steps)[0]];
        using var generator = new Generator(0);
        var ddim = DdimSampler.Sample(ddimModel, new DdimRequest(noise * Math.Sqrt(1 - alphaBar), null, positive, negative, steps, call.Guidance, 0, 1.0, generator), (_, _) => { });

        var difference = (comfy - ddim).abs().max().item<float>();
        Assert.True(difference < 1e-4 * ddim.abs().max().item<float>(), $"Euler and DDIM differ by {difference}");
    }
}
