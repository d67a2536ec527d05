using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// <c>workflow bench arrefine</c>: the AR refiner loop (<see cref="ArRefiner"/>, no checkpoint files) on an LTX-2
/// transformer of the real width (32 heads × 128, caption channels 3,840) with a few layers of random weights, at a
/// small latent, for videos of growing length. Reports seconds per block and the peak resident memory of each case
/// (the peak is reset before each): the window bounds what a block attends to, so memory should stay flat as the video
/// grows while time grows with the number of blocks.
/// </summary>
[Benchmark("arrefine", Description = "The AR refiner loop on an LTX-2-wide transformer with random weights: seconds per block and peak RSS per video length")]
public sealed class ArRefineBenchmark : IBenchmark
{
    public IReadOnlyList<BenchmarkOption> Options { get; } =
    [
        new("frames", "Latent frame counts, one case each", "13,25,49"),
        new("layers", "Transformer blocks (LTX-2 has 48)", "2"),
        new("heads", "Attention heads", "32"),
        new("head-dim", "Channels per head", "128"),
        new("height", "Latent height", "8"),
        new("width", "Latent width", "12"),
        new("prompt-tokens", "Prompt length", "128"),
        new("block-size", "Frames per block", "3"),
        new("kv-max-frames", "Sink plus history frames in the window", "11"),
    ];

    public JsonObject Run(BenchmarkRun run)
    {
        int heads = run.Int("heads", 32), headDim = run.Int("head-dim", 128), height = run.Int("height", 8), width = run.Int("width", 12);
        var config = new LTX2VideoTransformerConfig
        {
            NumLayers = run.Int("layers", 2), NumAttentionHeads = heads, AttentionHeadDim = headDim, CrossAttentionDim = heads * headDim,
        }.Checked("bench");
        var settings = new RefinerSettings(1, run.Int("block-size", 3), run.Int("kv-max-frames", 11), RefinerSettings.Schedule(RefinerSettings.DistilledSigmas), 16, 0);
        var frameCounts = (run.Value("frames") ?? "13,25,49").Split(',', StringSplitOptions.TrimEntries).Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToList();
        run.Log($"building {config.NumLayers} LTX-2 blocks of {heads}×{headDim} with random weights on {run.Device}");
        using var transformer = new LTX2VideoTransformer3DModel(config);
        using (var generator = new Generator(0))
            RandomWeights.Fill(transformer, generator);
        transformer.to(run.Device);
        using var prompt = torch.randn([1, run.Int("prompt-tokens", 128), config.CaptionChannels], new Generator(1)).to(run.Device);

        var cases = new JsonArray();
        foreach (var frames in frameCounts)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            settings.Check(frames);
            cases.Add(Case(run, transformer, settings, prompt, [1, config.InChannels, frames, height, width]));
        }
        return new JsonObject
        {
            ["cases"] = cases,
            ["layers"] = config.NumLayers,
            ["heads"] = heads,
            ["head_dim"] = headDim,
            ["latent"] = new JsonArray(height, width),
            ["block_size"] = settings.BlockSize,
            ["kv_max_frames"] = settings.KvMaxFrames,
            ["threads"] = torch.get_num_threads(),
            ["device"] = run.Device.ToString(),
        };
    }

    private static JsonObject Case(BenchmarkRun run, LTX2VideoTransformer3DModel transformer, RefinerSettings settings, Tensor prompt, long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = new RefinerInputs(torch.randn(shape, new Generator(2)).to(run.Device), prompt, null);
        var refiner = new ArRefiner(transformer, settings);
        int blocks = settings.BlockCount(shape[2]);
        run.Log($"{shape[2]} frames: {blocks} blocks");
        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        using var state = refiner.Start(inputs, new RefinerHooks(Cancellation: run.Cancellation));
        torch.synchronize(run.Device);
        var sinkSeconds = clock.Elapsed.TotalSeconds;
        refiner.Continue(inputs, state, new RefinerHooks(Cancellation: run.Cancellation));
        torch.synchronize(run.Device);
        var loopSeconds = clock.Elapsed.TotalSeconds - sinkSeconds;
        return new JsonObject
        {
            ["frames"] = shape[2],
            ["blocks"] = blocks,
            ["s_per_block"] = loopSeconds / blocks,
            ["sink_s"] = sinkSeconds,
            ["total_s"] = sinkSeconds + loopSeconds,
            ["peak_rss_mb"] = ProcessMemory.PeakResident(),
        };
    }
}
