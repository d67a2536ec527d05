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
/// weights in the original layout (model.diffusion_model.*, ...), once per file dtype its cases name: fp16 is the 2 GB
/// file users download, fp32 the 4 GB one. A case names the file's dtype and the weights' (fp16:fp16 loads the fp16
/// file into float16 weights, which become views of the mapped file; fp16:fp32 converts it into float32 weights, as
/// the node loads it on the CPU by default). Per case: a cold load (the file dropped from the page cache first), a
/// warm load, cat's warm and cold reads, and the peak resident memory beside the loaded tensors' size. See
/// <see cref="CheckpointLoadCase"/>.
/// </summary>
[Benchmark("load", Description = "LoadCheckpoint on SD1.5-sized single files (2 GB fp16, 4 GB fp32, random weights), cold and warm, against cat of the file")]
public sealed class LoadBenchmark : IBenchmark
{
    private const string DefaultCases = "fp16:fp16,fp32:fp32,fp16:fp32";

    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("file", "A checkpoint of your own to load instead (any file LoadCheckpoint reads); its tokenizer is found as the node finds it"),
        new("preset", "Architecture of the written checkpoints: sd15, or sd15_tiny for a quick run", "sd15"),
        new("cases", "FILE:WEIGHTS dtype pairs, comma-separated (fp16, bf16, fp32): the written file's dtype and the weights' it is loaded into", DefaultCases),
        new("weights", "The weights' dtype for --file (fp16, bf16, fp32)", "fp32"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        var tokenizers = new[] { TokenizerFolders.ClipL(run.Paths) };
        var cases = new JsonArray();
        if (run.Value("file") is { } file)
            cases.Add(new CheckpointLoadCase(Path.GetFileName(file), file, Dtype(run.Value("weights") ?? "fp32", "--weights"), tokenizers, run).Measure());
        else
            foreach (var byFile in Cases(run.Value("cases") ?? DefaultCases).GroupBy(c => c.File))
                foreach (var measured in MeasureWritten(run, Preset(run.Value("preset") ?? "sd15"), byFile.Key, [.. byFile.Select(c => c.Weights)], tokenizers))
                    cases.Add(measured);
        return new JsonObject { ["cases"] = cases, ["load_average"] = File.ReadAllText("/proc/loadavg").Trim() };
    }

    /// <summary>Writes the checkpoint (and a byte-level tokenizer beside it), measures it into each weight dtype, and deletes both.</summary>
    private static List<JsonObject> MeasureWritten(BenchmarkRun run, RandomModelPreset preset, string fileDtype, string[] weightDtypes, string[] tokenizers)
    {
        var folder = Directory.CreateTempSubdirectory("bench-load-").FullName;
        try
        {
            var name = $"{(preset == RandomModelPreset.Sd15 ? "sd15" : "sd15_tiny")}_{fileDtype}";
            var path = Path.Combine(folder, name + ".safetensors");
            run.Log($"writing {path}: random weights in the original layout");
            Write(path, preset, Dtype(fileDtype, "--cases"));
            ClipTokenizer.ByteLevel().Save(Path.ChangeExtension(path, ".tokenizer"));
            return [.. weightDtypes.Select(weights =>
                new CheckpointLoadCase(weights == fileDtype ? name : $"{name}_as_{weights}", path, Dtype(weights, "--cases"), tokenizers, run).Measure())];
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

    /// <summary>The FILE:WEIGHTS pairs, every dtype checked before gigabytes are written.</summary>
    private static List<(string File, string Weights)> Cases(string list)
    {
        var cases = new List<(string File, string Weights)>();
        foreach (var pair in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.Split(':') is not [var file, var weights])
                throw new ArgumentException($"--cases: {pair} is not FILE:WEIGHTS (e.g. fp16:fp16)");
            Dtype(file, "--cases");
            Dtype(weights, "--cases");
            cases.Add((file, weights));
        }
        return cases;
    }

    private static ScalarType Dtype(string name, string option) =>
        WeightPrecision.Parse(name) ?? throw new ArgumentException($"{option}: {name} is not fp16, bf16 or fp32");
}
