using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench sampler</c>: one UNet call on the classifier-free-guidance batch and a full DDIM run with guidance,
/// on a checkpoint (default: models/checkpoints/sd15-tiny) or an SD1.5-sized UNet with random weights at a 64×64
/// latent (--random-sd15), against the same model in PyTorch on the same libtorch (<see cref="UnetReference"/>). An
/// SD3 checkpoint, or SD3-medium's transformer with random weights (--random-sd3), gets one MM-DiT step instead
/// (<see cref="Sd3StepBenchmark"/>).
/// </summary>
[Benchmark("sampler", Description = "One UNet step on the CFG batch and a full DDIM run with guidance (SD3: one MM-DiT step), against PyTorch")]
public sealed class SamplerBenchmark : IBenchmark
{
    private const string Prompt = "a photograph of an astronaut riding a horse";

    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("checkpoint", "A checkpoint: a path, or a name under models/checkpoints"),
        new("random-sd15", "An SD1.5-sized model with random weights, at a 64×64 latent", IsFlag: true),
        new("tiny", "With --random-sd15: the sd15-tiny fixture's architecture instead (quick runs)", IsFlag: true),
        new("random-sd3", "SD3-medium's transformer (24 joint blocks of 1536) with random weights: one step at --latent", IsFlag: true),
        new("latent", "Latent side of the SD3 step (default 64 on the CPU, 128 on a GPU: 1024² pixels)"),
        new("blocks", "Joint blocks of the random SD3 transformer (SD3-medium's width either way)", "24"),
        new("steps", "DDIM steps of the full run", "20"),
        new("rounds", "Timed UNet calls (median reported)", "3"),
        new("python", "Python with PyTorch for the reference (empty: no reference)", "/usr/bin/python3"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        if (run.Flag("random-sd3"))
            return Sd3StepBenchmark.Run(run, Sd3StepBenchmark.RandomSd3Medium(Math.Clamp(run.Int("blocks", 24), 1, 24), run.Log), "sd3-medium (random weights)", Sd3StepBenchmark.WeightsSeed);
        var device = run.Device;
        var dtype = run.WeightDtype;   // the host's --precision: the UNet's dtype on both sides
        var (checkpoint, label) = LoadModel(run);
        if (checkpoint.Model.Network is SD3Transformer2DModel transformer)
        {
            checkpoint.Clip.Dispose();
            checkpoint.Vae.Dispose();
            return Sd3StepBenchmark.Run(run, transformer, label, randomSeed: null);
        }
        int latentSize = run.Flag("random-sd15") && !run.Flag("tiny") ? 64 : UnetReference.UnetOf(checkpoint.Model).Config.SampleSize ?? 64;
        ResetDevicePeak(device);
        checkpoint.Model.Network.Module.to(device, dtype);   // a tensor at a time: the device never holds a float32 copy
        checkpoint.Clip.To(device, ScalarType.Float32);
        checkpoint.Vae.To(device, ScalarType.Float32);
        LogMemory(run, "model ready");
        using var model = checkpoint.Model;
        using var clip = checkpoint.Clip;
        using var vae = checkpoint.Vae;
        using var positive = clip.Encode(Prompt, Nodes.ClipEncode.DefaultMaxSequenceLength, NullLogger.Instance);
        using var negative = clip.Encode("", Nodes.ClipEncode.DefaultMaxSequenceLength, NullLogger.Instance);
        using var cpuNoise = torch.randn([1, model.LatentFormat.Channels, latentSize, latentSize], new Generator(0));
        using var noise = cpuNoise.to(device);
        int steps = run.Int("steps", 20), rounds = Math.Max(1, run.Int("rounds", 3));

        using var cpuContext = torch.cat([negative.Entries[0].Embeddings, positive.Entries[0].Embeddings], dim: 0);
        using var context = cpuContext.to(device);
        using var batch = torch.cat([noise, noise], dim: 0);
        run.Log($"{label}: UNet in {WeightPrecision.NameOf(dtype)} on [{string.Join(", ", batch.shape)}] on {device}, {rounds} timed calls after one warm-up");
        using var unetBatch = batch.to(dtype);
        using var unetContext = context.to(dtype);
        var (stepSeconds, output) = TimeUnet(UnetReference.UnetOf(model), unetBatch, unetContext, rounds);
        using var unetOutput = output.to(torch.float32);
        output.Dispose();
        LogMemory(run, "UNet timed");
        run.Log($"full run: {steps} DDIM steps with guidance 7.5");
        var clock = Stopwatch.StartNew();
        using var generator = new Generator(0);
        using var latents = DdimSampler.Sample(model, new DdimRequest(noise, null, positive, negative, steps, 7.5, 0, 1.0, generator), (_, _) => { });
        torch.synchronize(device);
        double totalSeconds = clock.Elapsed.TotalSeconds;
        LogMemory(run, "full run done");

        var report = new JsonObject
        {
            ["model"] = label,
            ["latent"] = new JsonArray(1, model.LatentFormat.Channels, latentSize, latentSize),
            ["steps"] = steps,
            ["threads"] = torch.get_num_threads(),
            ["device"] = device.ToString(),
            ["precision"] = WeightPrecision.NameOf(dtype),
            ["attention"] = AttentionChoice.Mode.ToString().ToLowerInvariant(),
            ["cpu_matmul"] = torch.cpu.matmul_backend,
            ["unet_step_s"] = stepSeconds,
            ["total_s"] = totalSeconds,
            ["peak_rss_mb"] = ProcessMemory.PeakResident(),
            ["peak_vram_mb"] = DevicePeakMegabytes(device),
        };
        if (run.Value("python") is { Length: > 0 } python)
            report["reference"] = UnetReference.Compare(python, model, new UnetReference.Inputs(batch, context, noise, positive, negative, steps, rounds, device, dtype),
                new UnetReference.Ours(stepSeconds, totalSeconds, unetOutput, latents), run.Log);
        return report;
    }

    private static (LoadedCheckpoint Checkpoint, string Label) LoadModel(BenchmarkRun run)
    {
        if (run.Flag("random-sd15"))
        {
            var preset = run.Flag("tiny") ? RandomModelPreset.Sd15Tiny : RandomModelPreset.Sd15;
            run.Log($"building an {preset}-sized model with random weights");
            return (RandomCheckpoint.Create(preset, 0), run.Flag("tiny") ? "sd15-tiny (random weights)" : "sd15 (random weights)");
        }
        var name = run.Value("checkpoint") ?? "sd15-tiny";
        var path = File.Exists(name) || Directory.Exists(name) ? name : Path.Combine(run.Paths.ModelFolder("checkpoints"), name);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"No checkpoint {name} (run ./setup.sh to link the sd15-tiny fixture, or pass --checkpoint or --random-sd15).");
        run.Log($"loading {path}");
        return (CheckpointLoader.Load(path, [TokenizerFolders.ClipL(run.Paths)]), Path.GetFileName(path));
    }

    /// <summary>Where the peak comes from: the process's peak so far, what live tensors hold and what the CPU cache keeps.</summary>
    /// <summary>Logs the phase's memory and starts the next phase's tensor peak.</summary>
    private static void LogMemory(BenchmarkRun run, string phase)
    {
        run.Log($"{phase}: peak resident {ProcessMemory.PeakResident():F0} MiB, tensors {torch.cpu.memory_allocated() >> 20} MiB " +
            $"(at most {torch.cpu.max_memory_allocated() >> 20} MiB in the phase), cached free blocks {torch.cpu.memory_reserved() >> 20} MiB, " +
            $"{ProcessMemory.MinorFaults() * Environment.SystemPageSize >> 20} MiB of fresh pages so far");
        torch.cpu.reset_peak_memory_stats();
    }

    /// <summary>Starts the device's peak of allocated bytes (torch.cuda.reset_peak_memory_stats); the CPU has none.</summary>
    private static void ResetDevicePeak(Device device)
    {
        if (device.Type == DeviceType.CUDA)
            torch.cuda.reset_peak_memory_stats(device.ResolvedIndex);
    }

    /// <summary>The most bytes tensors held on the device since <see cref="ResetDevicePeak"/>, in MiB (torch.cuda.max_memory_allocated); null on the CPU.</summary>
    private static double? DevicePeakMegabytes(Device device) =>
        device.Type == DeviceType.CUDA ? torch.cuda.max_memory_allocated(device.ResolvedIndex) / (double)(1 << 20) : null;

    /// <summary>Median seconds of <paramref name="rounds"/> UNet calls at t = 981 after one warm-up, and the last output.</summary>
    private static (double Seconds, Tensor Output) TimeUnet(Models.Unet.UNet2DConditionModel unet, Tensor batch, Tensor context, int rounds)
    {
        using var timestep = torch.scalar_tensor(981L, torch.int64, batch.device);
        var output = unet.Forward(batch, timestep, context);
        var seconds = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            output.Dispose();
            torch.synchronize(batch.device);
            var clock = Stopwatch.StartNew();
            output = unet.Forward(batch, timestep, context);
            torch.synchronize(batch.device);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return (seconds.Order().ElementAt(seconds.Count / 2), output);
    }
}
