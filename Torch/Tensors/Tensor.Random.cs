using Workflow.Torch.Interop;

namespace Workflow.Torch;

public sealed unsafe partial class Tensor
{
    /// <summary>Fills this tensor with normal samples in place; returns it.</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        TorchException.ThrowIfFailed(Native.wt_normal_(Handle, mean, std, generator?.Handle ?? 0));
        GC.KeepAlive(generator);
        return this;
    }
}
