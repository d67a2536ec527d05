using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench load</c>: reads every tensor of a checkpoint (any format <see cref="TensorFile"/> opens) and reports
/// time and memory against the file's size, beside PyTorch's torch.load of the same file. Tensors are copied once
/// from the mapped file, so the anonymous memory added is about the tensors' size; the file's pages stay in the page
/// cache (counted in RSS as file-backed: shared and reclaimable), never in a second private copy. Without --file,
/// PyTorch writes a state dict of --size-mb MiB of float32 tensors (zip format, or --legacy).
/// </summary>
[Benchmark("load", Description = "Time and memory to read every tensor of a checkpoint, against torch.load (default: a 1 GiB torch.save file)")]
public sealed class LoadBenchmark : IBenchmark
{
    private const double MiB = 1 << 20;

    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("file", "A checkpoint to read (safetensors or PyTorch); without it, PyTorch writes one"),
        new("size-mb", "Size of the state dict PyTorch writes when no --file is given", "1024"),
        new("legacy", "Write it in PyTorch's legacy format rather than zip", IsFlag: true),
        new("python", "Python with PyTorch: writes the file, and runs torch.load on it as the reference (empty: no reference)", "/usr/bin/python3"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        var python = run.Value("python") ?? "";
        var folder = Directory.CreateTempSubdirectory("bench-load-").FullName;
        try
        {
            var path = run.Value("file") ?? Write(run, python, folder);
            run.Log($"reading every tensor of {path}");
            var report = Measure(path);
            if (python.Length > 0)
            {
                run.Log("torch.load of the same file");
                report["reference"] = ReferenceScript.Run(python, "load_reference.py", "load", path);
            }
            return report;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Write(BenchmarkRun run, string python, string folder)
    {
        if (python.Length == 0)
            throw new ArgumentException("bench load needs --file, or --python to write one");
        var legacy = run.Flag("legacy");
        var size = run.Int("size-mb", 1024);
        var path = Path.Combine(folder, legacy ? "state_dict.legacy.pt" : "state_dict.pt");
        run.Log($"PyTorch writes {size} MiB of float32 tensors to {path}");
        ReferenceScript.Run(python, "load_reference.py", "write", path, size.ToString(CultureInfo.InvariantCulture), legacy ? "legacy" : "zip");
        return path;
    }

    private static JsonObject Measure(string path)
    {
        var (anonymous, fileBacked) = (ProcessMemory.Anonymous(), ProcessMemory.FileBacked());
        var clock = Stopwatch.StartNew();
        using var file = TensorFile.Open(path);
        var openSeconds = clock.Elapsed.TotalSeconds;
        var tensors = new List<Tensor>(file.Entries.Count);
        try
        {
            foreach (var entry in file.Entries)
                tensors.Add(file.Load(entry.Name));
            return new JsonObject
            {
                ["file"] = path,
                ["reader"] = file.GetType().Name,
                ["file_mb"] = new FileInfo(path).Length / MiB,
                ["tensors"] = tensors.Count,
                ["tensor_mb"] = tensors.Sum(t => t.numel() * t.element_size()) / MiB,
                ["open_s"] = openSeconds,
                ["load_s"] = clock.Elapsed.TotalSeconds - openSeconds,
                ["total_s"] = clock.Elapsed.TotalSeconds,
                ["anon_added_mb"] = ProcessMemory.Anonymous() - anonymous,
                ["file_backed_added_mb"] = ProcessMemory.FileBacked() - fileBacked,
                ["peak_rss_mb"] = ProcessMemory.PeakResident(),
            };
        }
        finally
        {
            tensors.ForEach(t => t.Dispose());
        }
    }
}
