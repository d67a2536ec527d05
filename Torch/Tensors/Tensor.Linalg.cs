using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Matrix products.
public sealed unsafe partial class Tensor
{
    /// <summary>Matrix product with numpy broadcasting over batch dimensions.</summary>
    public Tensor matmul(Tensor other) => Apply(&Native.wt_matmul, other);

    public Tensor mm(Tensor other) => Apply(&Native.wt_mm, other);

    public Tensor bmm(Tensor other) => Apply(&Native.wt_bmm, other);

    public Tensor outer(Tensor other) => Apply(&Native.wt_outer, other);

    /// <summary>beta * this + alpha * (batch1 @ batch2)</summary>
    public Tensor baddbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null)
    {
        var result = Native.wt_baddbmm(Handle, batch1.Handle, batch2.Handle, beta ?? Scalar.One, alpha ?? Scalar.One);
        GC.KeepAlive(this);
        GC.KeepAlive(batch1);
        GC.KeepAlive(batch2);
        return From(result);
    }

    /// <summary>beta * this + alpha * (mat1 @ mat2)</summary>
    public Tensor addmm(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null)
    {
        var result = Native.wt_addmm(Handle, mat1.Handle, mat2.Handle, beta ?? Scalar.One, alpha ?? Scalar.One);
        GC.KeepAlive(this);
        GC.KeepAlive(mat1);
        GC.KeepAlive(mat2);
        return From(result);
    }
}
