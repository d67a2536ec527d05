using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>Where one block sat in the window: its frames [Start, End), the history around it, and the sink's RoPE offset.</summary>
public sealed record RefinedBlock(int Index, int Start, int End, int HistoryFramesBefore, int HistoryFramesAfter, int SinkRopeOffset);

/// <summary>
/// Receives the refiner's intermediates by the names SANA-WM's quantities have: "sink.layer0.k_pre_rope",
/// "block1.eps", "block1.step0.x_t", "block1.rope_active.cos", "block1.layer0.history_k", "output", …, and each
/// finished block's place. For tracing a difference to one step; the receiver clones what it keeps.
/// </summary>
public interface IRefinerObserver
{
    void Record(string name, Tensor value);

    void BlockDone(RefinedBlock block);
}
