using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Text;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench load</c>: what LoadCheckpoint (CheckpointLoaderSimple) costs on a single-file SD1.5 checkpoint,
/// against reading the same file with cat. Without --file it writes the checkpoints itself, SD1.5-sized with random
/// weights in the original layout (model.diffusion_model.*, ...), once per --dtypes entry: fp16 is the 2 GB file
/// users download, fp32 the 4 GB one; each is loaded into float32 weights, as the node loads it on the CPU. Per case:
/// a cold load (the file dropped from the page cache first), a warm load, cat's warm and cold reads, and the peak
/// resident memory beside the loaded tensors' size. See <see cref="CheckpointLoadCase"/>.
/// </summary>
[Benchmark("load", Description = "LoadCheckpoint on SD1.5-sized single files (2 GB fp16, 4 GB fp32, random weights), cold and warm, against cat of the file")]
public sealed class LoadBenchmark : IBenchmark
{
    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("file", "A checkpoint of your own to load instead (any file LoadCheckpoint reads); its tokenizer is found as the node finds it"),
        new("preset", "Architecture of the written checkpoints: sd15, or sd15_tiny for a quick run", "sd15"),
        new("dtypes", "Dtypes of the written checkpoints, comma-separated (fp16, bf16, fp32)", "fp16,fp32"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        var tokenizers = new[] { Path.Combine(run.Paths.Models, "tokenizers", "clip_l") };
        var cases = new JsonArray();
        if (run.Value("file") is { } file)
            cases.Add(new CheckpointLoadCase(Path.GetFileName(file), file, tokenizers, run).Measure());
        else
            foreach (var (name, dtype) in Dtypes(run.Value("dtypes") ?? "fp16,fp32"))
                cases.Add(MeasureWritten(run, Preset(run.Value("preset") ?? "sd15"), name, dtype, tokenizers));
        return new JsonObject { ["cases"] = cases, ["load_average"] = File.ReadAllText("/proc/loadavg").Trim() };
    }

    /// <summary>Writes the checkpoint (and a byte-level tokenizer beside it), measures it, and deletes both.</summary>
    private static JsonObject MeasureWritten(BenchmarkRun run, RandomModelPreset preset, string dtypeName, ScalarType dtype, string[] tokenizers)
    {
        var folder = Directory.CreateTempSubdirectory("bench-load-").FullName;
        try
        {
            var name = $"{(preset == RandomModelPreset.Sd15 ? "sd15" : "sd15_tiny")}_{dtypeName}";
            var path = Path.Combine(folder, name + ".safetensors");
            run.Log($"writing {path}: random weights in the original layout");
            Write(path, preset, dtype);
            ClipTokenizer.ByteLevel().Save(Path.ChangeExtension(path, ".tokenizer"));
            return new CheckpointLoadCase(name, path, tokenizers, run).Measure();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Write(string path, RandomModelPreset preset, ScalarType dtype)
    {
        var checkpoint = RandomCheckpoint.Create(preset, seed: 0);
        try
        {
            checkpoint.Model.Network.Module.to(dtype);
            ((ClipModel)checkpoint.Clip).Encoder.to(dtype);
            checkpoint.Vae.Autoencoder.to(dtype);
            LdmCheckpointFile.Save(path, checkpoint);
        }
        finally
        {
            checkpoint.Dispose();
            torch.cpu.empty_cache();   // the load measured next starts from fresh memory, as in a new process
        }
    }

    private static RandomModelPreset Preset(string name) => name switch
    {
        "sd15" => RandomModelPreset.Sd15,
        "sd15_tiny" => RandomModelPreset.Sd15Tiny,
        _ => throw new ArgumentException($"--preset {name}: expected sd15 or sd15_tiny"),
    };

    private static IEnumerable<(string Name, ScalarType Dtype)> Dtypes(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name => (name, name switch
        {
            "fp16" => torch.float16,
            "bf16" => torch.bfloat16,
            "fp32" => torch.float32,
            _ => throw new ArgumentException($"--dtypes: {name} is not fp16, bf16 or fp32"),
        }));
}
