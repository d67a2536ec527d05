using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>GELU's formula: exact (erf) or the tanh approximation (PyTorch's approximate='none' | 'tanh').</summary>
public enum GeluApproximate
{
    None = 0,
    Tanh = 1,
}

public static unsafe partial class F
{
    public static Tensor silu(Tensor input, bool inplace = false)
    {
        if (!inplace)
            return Result(Native.wt_silu(input.Handle), input);
        TorchException.ThrowIfFailed(Native.wt_silu_(input.Handle));
        return input;
    }

    public static Tensor gelu(Tensor input, GeluApproximate approximate = GeluApproximate.None) =>
        Result(Native.wt_gelu(input.Handle, (int)approximate), input);

    public static Tensor relu(Tensor input) => Result(Native.wt_relu(input.Handle), input);

    public static Tensor sigmoid(Tensor input) => input.sigmoid();

    public static Tensor tanh(Tensor input) => input.tanh();

    public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) =>
        Result(Native.wt_softmax(input.Handle, dim, dtype is { } type ? (int)type : -1), input);

    public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) =>
        Result(Native.wt_log_softmax(input.Handle, dim, dtype is { } type ? (int)type : -1), input);
}
