using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench sampler --random-sd3</c> (or an SD3 --checkpoint): one MM-DiT step on the classifier-free-guidance
/// batch (2 latents, 333 text tokens: 77 CLIP + 256 T5), SD3-medium's width with seeded random weights
/// (<see cref="RandomWeights"/>) or a checkpoint's, at a --latent side (64 on the CPU, 128 — 1024² pixels — on a GPU),
/// against the same transformer in PyTorch (sd3_reference.py) on the same libtorch. Our weights are freed before the
/// reference runs, so each side's peak memory is its own.
/// </summary>
internal static class Sd3StepBenchmark
{
    private const int TextTokens = 77 + 256;
    /// <summary>The seed random weights are drawn from (the reference draws the same).</summary>
    public const int WeightsSeed = 0;

    /// <summary>A step with σ = 0.75 (shift 3 at half way), where sampling spends its middle steps.</summary>
    private const float Timestep = 750f;

    /// <summary>
    /// stabilityai/stable-diffusion-3-medium-diffusers' transformer, weights drawn from <see cref="WeightsSeed"/>;
    /// <paramref name="blocks"/> fewer than its 24 keep the width (and a block's cost) on a machine without 9 GB to spare per side.
    /// </summary>
    public static SD3Transformer2DModel RandomSd3Medium(int blocks, Action<string> log)
    {
        log($"building SD3-medium's transformer ({blocks} joint blocks of 1536) with random weights");
        var transformer = new SD3Transformer2DModel(Sd3TransformerConfig.Sd3Medium with { NumLayers = blocks });
        using var generator = new Generator(WeightsSeed);
        RandomWeights.Fill(transformer, generator);
        return transformer;
    }

    /// <param name="transformer">Disposed here, before the reference runs.</param>
    /// <param name="randomSeed">The seed its weights were drawn from (the reference draws the same), or null to hand the reference its weights.</param>
    public static JsonObject Run(BenchmarkRun run, SD3Transformer2DModel transformer, string label, int? randomSeed)
    {
        var device = run.Device;
        var config = transformer.Config;
        int rounds = Math.Max(1, run.Int("rounds", 3));
        int latent = Math.Min(run.Int("latent", device.Type == DeviceType.CPU ? 64 : 128), config.PosEmbedMaxSize * config.PatchSize);
        using var generator = new Generator(WeightsSeed + 1);
        var inputs = new Dictionary<string, Tensor>
        {
            ["sample"] = torch.randn([2, config.InChannels, latent, latent], generator),
            ["context"] = torch.randn([2, TextTokens, config.JointAttentionDim], generator),
            ["pooled"] = torch.randn([2, config.PooledProjectionDim], generator),
            ["timestep"] = torch.full([2], Timestep, torch.float32),
        };
        string? folder = null;
        try
        {
            if (run.Value("python") is { Length: > 0 })
            {
                folder = Directory.CreateTempSubdirectory("bench-sd3-").FullName;
                WriteReferenceInputs(folder, transformer, inputs, randomSeed);
            }
            transformer.to(device);
            run.Log($"{label}: MM-DiT on [{string.Join(", ", inputs["sample"].shape)}] with {TextTokens} text tokens on {device}, {rounds} timed calls after one warm-up");
            var (seconds, output) = Time(transformer, inputs, device, rounds);
            using var _ = output;
            var report = new JsonObject
            {
                ["model"] = label,
                ["latent"] = new JsonArray([.. inputs["sample"].shape.Select(s => JsonValue.Create(s))]),
                ["text_tokens"] = TextTokens,
                ["joint_blocks"] = config.NumLayers,
                ["threads"] = torch.get_num_threads(),
                ["device"] = device.ToString(),
                ["transformer_step_s"] = seconds,
                ["peak_rss_mb"] = ProcessMemory.PeakResident(),
            };
            transformer.Dispose();
            torch.cpu.empty_cache();   // the freed weights go back to the system before the reference allocates its own
            if (folder is not null)
                report["reference"] = Compare(run, folder, seconds, output);
            return report;
        }
        finally
        {
            transformer.Dispose();
            foreach (var tensor in inputs.Values)
                tensor.Dispose();
            if (folder is not null)
                Directory.Delete(folder, recursive: true);
        }
    }

    private static (double Seconds, Tensor Output) Time(SD3Transformer2DModel transformer, Dictionary<string, Tensor> inputs, Device device, int rounds)
    {
        using var scope = torch.NewDisposeScope();
        var (sample, timestep, context, pooled) = (inputs["sample"].to(device), inputs["timestep"].to(device), inputs["context"].to(device), inputs["pooled"].to(device));
        var output = transformer.Forward(sample, timestep, context, pooled);
        var seconds = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            output.Dispose();
            torch.synchronize(device);
            var clock = Stopwatch.StartNew();
            output = transformer.Forward(sample, timestep, context, pooled);
            torch.synchronize(device);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        var cpu = output.to(Device.CPU, output.dtype, copy: true).DetachFromDisposeScope();
        return (seconds.Order().ElementAt(seconds.Count / 2), cpu);
    }

    private static void WriteReferenceInputs(string folder, SD3Transformer2DModel transformer, Dictionary<string, Tensor> inputs, int? randomSeed)
    {
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(transformer.Config));
        SafeTensors.Save(Path.Combine(folder, "inputs.safetensors"), inputs);
        if (randomSeed is int seed)
            File.WriteAllText(Path.Combine(folder, "seed.txt"), seed.ToString(CultureInfo.InvariantCulture));
        else
            SafeTensors.Save(Path.Combine(folder, "transformer.safetensors"), transformer.state_dict());
    }

    private static JsonObject Compare(BenchmarkRun run, string folder, double ourSeconds, Tensor ourOutput)
    {
        try
        {
            run.Log("running the PyTorch reference");
            var result = ReferenceScript.Run(run.Value("python")!, "sd3_reference.py", folder, Math.Max(1, run.Int("rounds", 3)).ToString(CultureInfo.InvariantCulture),
                torch.get_num_threads().ToString(CultureInfo.InvariantCulture), run.Device.ToString());
            using var outputs = SafeTensorsFile.Open(Path.Combine(folder, "outputs.safetensors"));
            using var theirs = outputs.Load("output");
            using var difference = (ourOutput - theirs).abs().max();
            result["ratio_transformer_step"] = ourSeconds / (double)result["step_s"]!;
            result["max_abs_diff"] = (double)difference.item<float>();
            return result;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
        {
            return new JsonObject { ["error"] = ex.Message };
        }
    }
}
