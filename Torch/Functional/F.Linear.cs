using Workflow.Torch.Interop;

namespace Workflow.Torch;

public static unsafe partial class F
{
    /// <summary>input @ weight^T + bias</summary>
    public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Result(Native.wt_linear(input.Handle, weight.Handle, HandleOf(bias)), input, weight, bias);

    /// <summary>Rows of <paramref name="weight"/> picked by the integer <paramref name="input"/>.</summary>
    public static Tensor embedding(Tensor input, Tensor weight) =>
        Result(Native.wt_embedding(weight.Handle, input.Handle), input, weight);
}
