using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// ComfyUI's V_PREDICTION model sampling: the clean estimate from a velocity, picked from a checkpoint's config or set
/// by ModelSamplingDiscrete (with zero terminal SNR), and KSampler running a v model.
/// </summary>
public sealed class VPredictionTests : IDisposable
{
    private static readonly DdimSchedulerConfig VSchedule = DdimSchedulerConfig.StableDiffusion1 with { PredictionTypeName = "v_prediction" };

    private readonly string _folder = Directory.CreateTempSubdirectory("workflow-vpred-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>x = x₀ + σ·ε and v = (ε − σ·x₀)/√(σ² + 1), the velocity of x₀ and ε at σ: its clean estimate is x₀.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(499)]
    [InlineData(999)]
    public void The_true_velocity_denoises_to_the_clean_latent(int timestep)
    {
        var sampling = new ModelSamplingDiscrete(VSchedule);
        double sigma = sampling.Sigmas[timestep];
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(timestep);
        var (x0, eps) = (torch.randn([2, 4, 8, 8], generator: generator), torch.randn([2, 4, 8, 8], generator: generator));
        var x = x0 + eps * sigma;
        var v = (eps - x0 * sigma) / Math.Sqrt(sigma * sigma + 1);

        var denoised = sampling.CalculateDenoised(sigma, v, x);

        Assert.True(denoised.allclose(x0, rtol: 0, atol: 2e-5 * Math.Max(1, sigma)), $"σ = {sigma}: max |x̂₀ − x₀| = {(denoised - x0).abs().max().item<float>()}");
    }

    /// <summary>The formula term by term on a toy network output (σ_data = 1), beside ε's x − σ·out on the same values.</summary>
    [Fact]
    public void The_clean_estimate_follows_comfyui_formula_on_a_toy_output()
    {
        float[] input = [1.5f, -2f, 0.25f, 3f], output = [0.5f, 1f, -4f, 0.125f];
        const double sigma = 2.5;
        using var x = torch.tensor<float>(input);
        using var model = torch.tensor<float>(output);

        using var v = new ModelSamplingDiscrete(VSchedule).CalculateDenoised(sigma, model, x);
        using var eps = new ModelSamplingDiscrete(DdimSchedulerConfig.StableDiffusion1).CalculateDenoised(sigma, model, x);

        var expectedV = input.Zip(output, (i, o) => i / (sigma * sigma + 1) - o * sigma / Math.Sqrt(sigma * sigma + 1)).ToArray();
        var expectedEps = input.Zip(output, (i, o) => i - o * sigma).ToArray();
        foreach (var (expected, actual) in expectedV.Zip(v.ToArray<float>()).Concat(expectedEps.Zip(eps.ToArray<float>())))
            Assert.Equal(expected, actual, 1e-6);
        using var seen = new ModelSamplingDiscrete(VSchedule).CalculateInput(sigma, x);
        foreach (var (expected, actual) in input.Zip(seen.ToArray<float>()))
            Assert.Equal(expected / Math.Sqrt(sigma * sigma + 1), actual, 1e-6);
    }

    /// <summary>rescale_zero_terminal_snr_sigmas on the model's schedule: every σ and log σ as ComfyUI's, bit for bit (Data/zsnr_sigmas.py).</summary>
    [PyTorchFact]
    public void Zero_terminal_snr_sigmas_equal_comfyui()
    {
        var schedule = VSchedule;
        var reference = JsonNode.Parse(ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "zsnr_sigmas.py"),
            schedule.BetaStart.ToString("R", CultureInfo.InvariantCulture), schedule.BetaEnd.ToString("R", CultureInfo.InvariantCulture),
            schedule.NumTrainTimesteps.ToString(CultureInfo.InvariantCulture)))!;
        var zsnr = new ModelSamplingDiscrete(schedule, zeroTerminalSnr: true);

        Assert.Equal(reference["sigmas"]!.AsArray().Select(n => (float)n!), zsnr.Sigmas);
        Assert.Equal(reference["log_sigmas"]!.AsArray().Select(n => (float)n!), zsnr.LogSigmas);
        Assert.Equal(new ModelSamplingDiscrete(schedule).Sigmas[0], zsnr.Sigmas[0]);
    }

    [Fact]
    public void An_x0_schedule_is_refused_by_name()
    {
        var error = Assert.Throws<NotSupportedException>(() => new ModelSamplingDiscrete(DdimSchedulerConfig.StableDiffusion1 with { PredictionTypeName = "sample" }));
        Assert.Contains("predicts sample", error.Message);
    }

    /// <summary>One Euler step to σ = 0 returns the clean estimate: KSampler's must be the v formula's on the network's output.</summary>
    [Fact]
    public void KSampler_samples_a_v_model_with_the_v_estimate()
    {
        var loaded = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 3);
        using var vModel = loaded.Model.WithSchedule(VSchedule);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator(7);
            var noise = torch.randn([1, 4, 8, 8], generator: generator);
            using var prompt = new Conditioning(torch.randn([1, 77, 32], generator: generator));
            var request = new KSamplerRequest(noise, torch.zeros([1, 4, 8, 8]), prompt, prompt, Steps: 1, Cfg: 1.0, SamplerName.Euler, SchedulerName.Normal, Denoise: 1.0);

            var sampled = KSamplerRun.Sample(vModel, request, (_, _) => { });

            var sampling = (ModelSamplingDiscrete)vModel.Sampling;
            double sigma = sampling.SigmaMax;
            var start = noise * Math.Sqrt(1 + sigma * sigma);
            var output = vModel.Forward(sampling.CalculateInput(sigma, start), torch.full([1], sampling.Timestep((float)sigma), torch.float32), prompt.Entries[0].Embeddings);
            var expected = sampling.CalculateDenoised(sigma, output, start);
            var asEps = start - output * sigma;
            float scale = expected.abs().max().item<float>();
            Assert.True(sampled.allclose(expected, rtol: 0, atol: 1e-5 * scale), $"max |KSampler − v estimate| = {(sampled - expected).abs().max().item<float>()}");
            Assert.False(sampled.allclose(asEps, rtol: 0, atol: 1e-3 * scale), "the ε estimate would give the same latent");
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    [Fact]
    public void ModelSamplingDiscrete_sets_v_prediction_and_zsnr_on_a_copy_sharing_the_weights()
    {
        var loaded = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 1);
        try
        {
            using var patched = new ModelSamplingDiscreteNode().Execute(loaded.Model, DiscreteSamplingType.VPrediction, zsnr: true);
            var sampling = Assert.IsType<ModelSamplingDiscrete>(patched.Sampling);
            Assert.Equal(PredictionType.VPrediction, sampling.Prediction);
            Assert.Equal(new ModelSamplingDiscrete(VSchedule, zeroTerminalSnr: true).Sigmas, sampling.Sigmas);
            Assert.Same(loaded.Model.Network, patched.Network);
            Assert.Equal(PredictionType.Epsilon, ((ModelSamplingDiscrete)loaded.Model.Sampling).Prediction);

            using var eps = new ModelSamplingDiscreteNode().Execute(patched, DiscreteSamplingType.Eps);
            Assert.Equal(PredictionType.Epsilon, ((ModelSamplingDiscrete)eps.Sampling).Prediction);
            Assert.Equal(loaded.Model.Sampling.Sigmas, eps.Sampling.Sigmas);
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    [Theory]
    [InlineData(DiscreteSamplingType.Lcm, "lcm")]
    [InlineData(DiscreteSamplingType.X0, "x0")]
    public void ModelSamplingDiscrete_refuses_lcm_and_x0_naming_the_input(DiscreteSamplingType type, string wireName)
    {
        var loaded = RandomCheckpoint.Create(RandomModelPreset.Sd15Tiny, seed: 1);
        try
        {
            var error = Assert.Throws<InputException>(() => new ModelSamplingDiscreteNode().Execute(loaded.Model, type));
            Assert.Equal(("sampling", (object?)wireName), (error.InputName, error.Value));
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    /// <summary>LDM's parameterization: "v" in the original config makes a v model, the same file without it an ε one.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void A_single_file_whose_yaml_says_parameterization_v_samples_as_v()
    {
        var checkpoint = Path.Combine(_folder, "sd15-tiny-v.safetensors");
        File.CreateSymbolicLink(checkpoint, Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.WriteAllText(Path.ChangeExtension(checkpoint, ".yaml"), Sd15Fixture.YamlWithVParameterization());
        var loaded = CheckpointLoader.Load(checkpoint, []);
        try
        {
            Assert.Equal(PredictionType.VPrediction, ((ModelSamplingDiscrete)loaded.Model.Sampling).Prediction);
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }

    /// <summary>diffusers' scheduler config prediction_type: v_prediction (SD2.x 768-v's) makes a v model.</summary>
    [GoldenFact(Sd15Fixture.Name)]
    public void A_diffusers_folder_whose_scheduler_predicts_v_samples_as_v()
    {
        var model = Directory.CreateDirectory(Path.Combine(_folder, "model")).FullName;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Golden.File(Sd15Fixture.Name, "model")).Where(e => Path.GetFileName(e) != "scheduler"))
            File.CreateSymbolicLink(Path.Combine(model, Path.GetFileName(entry)), entry);
        var scheduler = Directory.CreateDirectory(Path.Combine(model, "scheduler")).FullName;
        var config = File.ReadAllText(Golden.File(Sd15Fixture.Name, "model/scheduler/scheduler_config.json"));
        File.WriteAllText(Path.Combine(scheduler, "scheduler_config.json"), config.Replace("\"epsilon\"", "\"v_prediction\"", StringComparison.Ordinal));
        var loaded = CheckpointLoader.Load(model, []);
        try
        {
            Assert.Equal(PredictionType.VPrediction, ((ModelSamplingDiscrete)loaded.Model.Sampling).Prediction);
        }
        finally
        {
            SameWeights.Dispose(loaded);
        }
    }
}
