using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>
/// Everything the refiner carries from one block to the next (SANA-WM's runner state, refiner.py @ 34f0d81f's
/// checkpoint payload): the output so far (refined blocks, stage-1 frames elsewhere), each layer's sink K/V from before
/// RoPE, each layer's history K/V from after RoPE with its length in frames, the generator every re-noise draws from,
/// and how many blocks are done. Owns its tensors and generator.
/// </summary>
public sealed class RefinerState(Tensor output, IReadOnlyList<CapturedKv> sink, Generator generator) : IDisposable
{
    public Tensor Output { get; } = output;

    public IReadOnlyList<CapturedKv> Sink { get; } = sink;

    /// <summary>Per layer, or null before the first block is done.</summary>
    public IReadOnlyList<CapturedKv>? History { get; private set; }

    public int HistoryFrames { get; private set; }

    public int BlocksDone { get; private set; }

    public Generator Generator { get; } = generator;

    /// <summary>A state read back from a checkpoint, as it was after <paramref name="blocksDone"/> blocks.</summary>
    public static RefinerState Restored(Tensor output, IReadOnlyList<CapturedKv> sink, Generator generator, IReadOnlyList<CapturedKv>? history,
        int historyFrames, int blocksDone) =>
        new(output, sink, generator) { History = history, HistoryFrames = historyFrames, BlocksDone = blocksDone };

    /// <summary>Takes the new history (owning it, freeing the old) after one more finished block.</summary>
    internal void FinishBlock(IReadOnlyList<CapturedKv> history, int historyFrames)
    {
        if (History is { } old)
            foreach (var layer in old)
                layer.Dispose();
        History = history;
        HistoryFrames = historyFrames;
        BlocksDone++;
    }

    public void Dispose()
    {
        Output.Dispose();
        foreach (var layer in Sink.Concat(History ?? []))
            layer.Dispose();
        Generator.Dispose();
    }
}
