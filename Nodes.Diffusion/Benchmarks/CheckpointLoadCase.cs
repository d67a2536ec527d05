using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// One case of <c>bench load</c>: a file loaded into weights of one dtype. A load is what LoadCheckpoint does:
/// <see cref="CheckpointLoader"/> opens the file and builds MODEL, CLIP and VAE with their weights, then moves them to
/// the run's device; the modules are built at the case's weight dtype (<see cref="ParameterDtype"/>, as LoadCheckpoint
/// builds them for its weight_dtype). Weights at the file's dtype are views of the mapped file, whose pages the first
/// step then maps: <c>first_touch_s</c> times touching every page of every weight after the warm load, which a copying
/// load has paid for already. Timed: cat reading the file
/// cold, a cold load (the file evicted from the page cache before each cold figure, <see cref="PageCache.Evict"/>),
/// a warm load (the file cached by the cold one), and cat reading it warm: <c>ratio_warm</c> = warm load / warm cat.
/// Peak resident memory (VmHWM, reset before each load) is reported beside the loaded tensors' bytes.
/// </summary>
internal sealed class CheckpointLoadCase(string name, string path, ScalarType weights, IReadOnlyList<string> tokenizerFolders, BenchmarkRun run)
{
    private const double MiB = 1 << 20;

    public JsonObject Measure()
    {
        var eviction = PageCache.Evict(path);
        var coldRead = Cat();
        PageCache.Evict(path);
        var residentWhenCold = PageCache.ResidentFraction(path);
        run.Log($"{name}: cold load");
        var cold = Load();
        run.Log($"{name}: warm load");
        var warm = Load();
        var read = Cat();
        return new JsonObject
        {
            ["name"] = name,
            ["bytes"] = new FileInfo(path).Length,
            ["weights"] = weights.ToTorchString(),
            ["cold_s"] = cold.Seconds,
            ["warm_s"] = warm.Seconds,
            ["read_s"] = read,
            ["ratio_warm"] = warm.Seconds / read,
            ["first_touch_s"] = warm.FirstTouchSeconds,
            ["peak_rss_mb"] = Math.Max(cold.PeakMb, warm.PeakMb),
            ["tensor_mb"] = warm.TensorMb,
            ["peak_over_tensors"] = Math.Max(cold.PeakMb, warm.PeakMb) / warm.TensorMb,
            ["rss_before_mb"] = warm.RssBeforeMb,
            ["cold_read_s"] = coldRead,
            ["ratio_cold"] = cold.Seconds / coldRead,
            ["eviction"] = eviction,
            ["cached_fraction_when_cold"] = residentWhenCold,
            ["file"] = path,
        };
    }

    private sealed record Loaded(double Seconds, double PeakMb, double TensorMb, double RssBeforeMb, double FirstTouchSeconds);

    private Loaded Load()
    {
        torch.cpu.empty_cache();
        GC.Collect();
        var peakReset = ProcessMemory.ResetPeak();
        var before = ProcessMemory.Resident();
        var clock = Stopwatch.StartNew();
        using var checkpoint = LoadAtWeightDtype().To(run.Device, weights);
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = peakReset ? ProcessMemory.PeakResident() : double.NaN;
        IMemoryFootprint[] parts = [checkpoint.Model, checkpoint.Clip, checkpoint.Vae];
        var tensorBytes = parts.Sum(p => p.HostBytes + p.DeviceBytes);
        return new Loaded(seconds, peak, tensorBytes / MiB, before, FirstTouch(checkpoint));
    }

    private LoadedCheckpoint LoadAtWeightDtype()
    {
        using var parameters = ParameterDtype.Use(weights);
        return CheckpointLoader.Load(path, tokenizerFolders);
    }

    /// <summary>
    /// Seconds to read one byte of every page of every weight, as the first step will: nothing for weights copied into
    /// memory of their own, the page faults mapping the file's cached pages for views of it.
    /// </summary>
    private static double FirstTouch(LoadedCheckpoint checkpoint)
    {
        Module[] modules = [.. checkpoint.Model.WeightModules, .. checkpoint.Clip.WeightModules, .. checkpoint.Vae.WeightModules];
        var clock = Stopwatch.StartNew();
        var checksum = 0;
        foreach (var (_, tensor) in modules.SelectMany(m => m.named_parameters()).Where(p => p.Tensor.device.Type == DeviceType.CPU))
        {
            var bytes = tensor.bytes;
            for (var i = 0; i < bytes.Length; i += Environment.SystemPageSize)
                checksum += bytes[i];
        }
        GC.KeepAlive(checksum);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for <c>cat FILE &gt; /dev/null</c>, the process's start included (a few milliseconds).</summary>
    private double Cat()
    {
        var clock = Stopwatch.StartNew();
        using var cat = Process.Start(new ProcessStartInfo("sh", ["-c", "cat -- \"$1\" > /dev/null", "sh", path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start sh to run cat");
        cat.WaitForExit();
        return cat.ExitCode == 0 ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"cat {path} exited with {cat.ExitCode}");
    }
}
