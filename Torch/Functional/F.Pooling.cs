using Workflow.Torch.Interop;

namespace Workflow.Torch;

public static unsafe partial class F
{
    /// <summary>Average over square windows; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0,
        bool ceil_mode = false, bool count_include_pad = true)
    {
        var step = stride ?? kernel_size;
        var kernel = stackalloc long[] { kernel_size, kernel_size };
        var strides = stackalloc long[] { step, step };
        var paddings = stackalloc long[] { padding, padding };
        return Result(Native.wt_avg_pool2d(input.Handle, kernel, strides, paddings, ceil_mode ? 1 : 0,
            count_include_pad ? 1 : 0), input);
    }
}
