using Workflow.Nodes.Diffusion.Refining;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// The refiner loop against SANA-WM's _refine_latents_ar on the fixture's tiny LTX-2 transformer: every tensor the
/// fixture recorded (schedule, RoPE tables, sink K/V, each block's noise, every Euler step, post-RoPE and trimmed
/// history, the refined blocks, the output) within the manifest's tolerances, and each block's place in the window.
/// What to compare and the call's settings come from the manifest.
/// </summary>
public sealed class ArRefinerFixtureTests
{
    [GoldenFact(RefinerFixture.Name)]
    public void Every_recorded_tensor_matches_the_upstream_loop()
    {
        using var scope = torch.NewDisposeScope();
        using var golden = RefinerFixture.Tensors();
        var settings = RefinerFixture.Settings();

        using var run = Refine(settings, RefinerFixture.Inputs(golden));

        var schedule = torch.tensor<float>([.. settings.Sigmas]);
        golden.AssertMatches("inputs.sigmas", schedule);
        golden.AssertMatches("inputs.timesteps", schedule.slice(0, 0, -1) * 1000);
        var compared = golden.Names.Where(n => !n.StartsWith("inputs.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(compared);
        foreach (var name in compared)
        {
            Assert.True(run.Observer.Tensors.TryGetValue(name, out var produced), $"{RefinerFixture.Name}: {name} is recorded but the refiner did not produce it");
            golden.AssertMatches(name, produced!);
        }
    }

    [GoldenFact(RefinerFixture.Name)]
    public void Blocks_sit_where_the_manifest_records_them()
    {
        using var scope = torch.NewDisposeScope();
        using var golden = RefinerFixture.Tensors();

        using var run = Refine(RefinerFixture.Settings(), RefinerFixture.Inputs(golden));

        var expected = RefinerFixture.Manifest["blocks"]!.AsArray().Select(b => new RefinedBlock(
            (int)b!["block_idx"]!, (int)b["active_frames"]![0]!, (int)b["active_frames"]![1]!, (int)b["history_frames_before"]!,
            (int)b["history_frames_after"]!, (int)b["sink_rope_offset"]!)).ToList();
        Assert.Equal(expected, run.Observer.Blocks);
    }

    /// <summary>
    /// The loop is causal: cutting the video so its last block is partial leaves the earlier blocks as the fixture
    /// recorded them, refines only the frames left in the last one, and keeps the sink frames as they were.
    /// </summary>
    [GoldenFact(RefinerFixture.Name)]
    public void A_partial_last_block_refines_the_frames_left_and_leaves_earlier_blocks_unchanged()
    {
        using var scope = torch.NewDisposeScope();
        using var golden = RefinerFixture.Tensors();
        var settings = RefinerFixture.Settings();
        var full = RefinerFixture.Inputs(golden);
        // The longest cut that ends in a partial block.
        long frames = Enumerable.Range(settings.SinkFrames + 1, (int)full.Latents.shape[2] - settings.SinkFrames - 1).Reverse()
            .First(f => (f - settings.SinkFrames) % settings.BlockSize != 0);
        var inputs = full with { Latents = full.Latents.slice(2, 0, frames).contiguous() };

        using var run = Refine(settings, inputs);
        var (observer, state) = (run.Observer, run.State);

        var last = observer.Blocks[^1];
        Assert.Equal(settings.BlockCount(frames), observer.Blocks.Count);
        Assert.Equal((frames - (frames - settings.SinkFrames) % settings.BlockSize, frames), (last.Start, last.End));
        Assert.Equal(last.End - last.Start, observer.Tensors[$"block{last.Index}.refined"].shape[2]);
        Assert.True(state.Output.slice(2, 0, settings.SinkFrames).equal(inputs.Latents.slice(2, 0, settings.SinkFrames)));
        Assert.False(state.Output.slice(2, last.Start, last.End).equal(inputs.Latents.slice(2, last.Start, last.End)));
        foreach (var block in observer.Blocks.Take(observer.Blocks.Count - 1))
            golden.AssertMatches($"block{block.Index}.refined", observer.Tensors[$"block{block.Index}.refined"]);
        Assert.All(observer.Blocks, b => Assert.InRange(b.HistoryFramesAfter, 1, settings.MaxHistoryFrames));
    }

    /// <summary>The whole loop on the fixture's transformer, recording what it computes.</summary>
    private static RefinerRun Refine(RefinerSettings settings, RefinerInputs inputs)
    {
        using var transformer = RefinerFixture.LoadTransformer();
        var observer = new RecordingObserver();
        var refiner = new ArRefiner(transformer, settings);
        var state = refiner.Start(inputs, new RefinerHooks(observer));
        refiner.Continue(inputs, state, new RefinerHooks(observer));
        return new RefinerRun(observer, state);
    }

    private sealed record RefinerRun(RecordingObserver Observer, RefinerState State) : IDisposable
    {
        public void Dispose()
        {
            Observer.Dispose();
            State.Dispose();
        }
    }
}
