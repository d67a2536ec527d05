using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench multiview</c>: multi-view sampling with MVDream sd-v2.1-base-4view's UNet at its real width
/// (<see cref="MultiViewUNetConfig.Sd21Base"/>) with seeded random weights, through the MultiViewUNet node's MODEL: one
/// UNet call on the guidance batch of all views, and a DDIM run whose seconds per step are the headline, against the
/// same UNet in PyTorch on the same libtorch (<see cref="MultiViewReference"/>).
/// </summary>
[Benchmark("multiview", Description = "Seconds per multi-view DDIM step (MVDream sd-v2.1 width, random weights, guidance) against PyTorch")]
public sealed class MultiViewBenchmark : IBenchmark
{
    /// <summary>MVDream's t2i.py guidance scale.</summary>
    private const double Guidance = 10.0;

    private const long Timestep = 981;

    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("steps", "DDIM steps of the full run (LDM's uniform timesteps: 3 is the count LDM cannot run)", "4"),
        new("rounds", "Timed UNet calls (median reported)", "3"),
        new("views", "Views per sample", "4"),
        new("latent", "Latent side (32: MVDream's 256² images)", "32"),
        new("seed", "Seed of the random weights and inputs", "0"),
        new("tiny", "MVDream's blocks at the multiview-tiny fixture's width (32 channels, 2 levels, context 32), for quick runs", IsFlag: true),
        new("python", "Python with PyTorch for the reference (empty: no reference)", "/usr/bin/python3"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        var device = run.Device;
        int steps = run.Int("steps", 4), rounds = Math.Max(1, run.Int("rounds", 3)), views = run.Int("views", 4), side = run.Int("latent", 32);
        long seed = run.Int("seed", 0);
        var (config, label) = run.Flag("tiny") ? (Tiny, "MVDream's UNet at multiview-tiny's width") : (MultiViewUNetConfig.Sd21Base, "MVDream sd-v2.1-base-4view's UNet");
        run.Log($"building {label} (width {config.ModelChannels}, context {config.ContextDim}) with random weights");
        using var model = RandomModel(config, seed, device);
        var cameras = Turntable(views);
        using var patched = new MultiViewUNet().Execute(model, cameras, views);
        using var generator = new Generator(seed + 1);
        using var noise = torch.randn([views, 4, side, side], generator).to(device);
        using var positive = new Conditioning(torch.randn([1, 77, config.ContextDim], generator));
        using var negative = new Conditioning(torch.randn([1, 77, config.ContextDim], generator));

        run.Log($"UNet on the guidance batch of {2 * views} views at {side}×{side} on {device}, {rounds} timed calls after one warm-up");
        var (stepSeconds, unetOutput) = TimeUnet(patched, noise, positive, negative, rounds);
        using var _ = unetOutput;
        run.Log($"full run: {steps} DDIM steps with guidance {Guidance}");
        var clock = Stopwatch.StartNew();
        using var latents = DdimSampler.Sample(patched, new DdimRequest(noise, null, positive, negative, steps, Guidance, 0, 1.0, generator), (_, _) => { });
        torch.synchronize(device);
        double totalSeconds = clock.Elapsed.TotalSeconds;
        int stepsRun = new DdimScheduler(model.Schedule).Timesteps(steps).Length;

        var report = new JsonObject
        {
            ["model"] = label + " (random weights)",
            ["views"] = views,
            ["batch"] = new JsonArray(2 * views, 4, side, side),
            ["steps"] = stepsRun,
            ["threads"] = torch.get_num_threads(),
            ["device"] = device.ToString(),
            ["unet_step_s"] = stepSeconds,
            ["sampling_step_s"] = totalSeconds / stepsRun,
            ["total_s"] = totalSeconds,
            ["peak_rss_mb"] = ProcessMemory.PeakResident(),
        };
        if (run.Value("python") is { Length: > 0 } python)
            report["reference"] = MultiViewReference.Compare(python, model,
                new MultiViewReference.Inputs(seed, views, noise, positive, negative, CameraVectors.Of(cameras.Poses), Guidance, Timestep, steps, rounds, device),
                new MultiViewReference.Ours(stepSeconds, totalSeconds / stepsRun, unetOutput, latents), run.Log);
        return report;
    }

    /// <summary>The multiview-tiny fixture's UNet (its sd-v2.1-base-4view-tiny.yaml).</summary>
    private static MultiViewUNetConfig Tiny { get; } = new()
    {
        ModelChannels = 32, ChannelMult = [1, 2], NumResBlocks = 1, AttentionResolutions = [2, 1], NumHeadChannels = 8, ContextDim = 32,
    };

    private static DiffusionModel RandomModel(MultiViewUNetConfig config, long seed, Device device)
    {
        var network = new MultiViewUNetModel(config);
        using (var generator = new Generator(seed))
            RandomWeights.Fill(network, generator);
        network.to(device);
        return new DiffusionModel(network, DdimSchedulerConfig.StableDiffusion1 with { TimestepSpacingName = "ldm_uniform" }, LatentFormat.StableDiffusion1);
    }

    /// <summary>Views turned evenly about the vertical axis (a camera vector per view; their values do not change the cost).</summary>
    private static Camera Turntable(int views) => new(CameraConvention.OpenGl, Enumerable.Range(0, views).Select(i =>
    {
        double azimuth = 2 * Math.PI * i / views, c = Math.Cos(azimuth), s = Math.Sin(azimuth);
        return new CameraPose([c, 0, s, s, 0, 1, 0, 0, -s, 0, c, c, 0, 0, 0, 1]);
    }));

    /// <summary>Median seconds of <paramref name="rounds"/> calls of the patched MODEL on the guidance batch [uncond, cond] at t = 981 after one warm-up, and the last output.</summary>
    private static (double Seconds, Tensor Output) TimeUnet(DiffusionModel model, Tensor noise, Conditioning positive, Conditioning negative, int rounds)
    {
        long views = noise.shape[0];
        using var batch = torch.cat([noise, noise], dim: 0);
        using var context = torch.cat([negative.Entries[0].Embeddings.repeat(views, 1, 1), positive.Entries[0].Embeddings.repeat(views, 1, 1)], dim: 0).to(noise.device);
        using var timestep = torch.scalar_tensor(Timestep, torch.int64, noise.device);
        var call = new UNetCall([.. Enumerable.Range(0, 2 * (int)views).Select(row => row < views)], new ModelSamplingDiscrete(model.Schedule).Sigma(Timestep));
        Tensor? output = null;
        var seconds = new List<double>();
        for (int i = 0; i <= rounds; i++)
        {
            output?.Dispose();
            torch.synchronize(noise.device);
            var clock = Stopwatch.StartNew();
            output = model.Forward(batch, timestep, context, call);
            torch.synchronize(noise.device);
            if (i > 0)
                seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return (seconds.Order().ElementAt(seconds.Count / 2), output!);
    }
}
