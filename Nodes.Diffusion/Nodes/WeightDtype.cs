using Workflow.Nodes.Diffusion.Sampling;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// The dtype a loader stores a model's weights in, and so the dtype the model computes in (diffusers' torch_dtype):
/// default follows the host's --precision (float16 on CUDA, float32 on the CPU without it).
/// </summary>
public enum WeightDtype
{
    [WireName("default")] Default,
    [WireName("fp32")] Fp32,
    [WireName("fp16")] Fp16,
    [WireName("bf16")] Bf16,
}

/// <summary>Turning a loader's weight_dtype into the dtype its weights get on the host's device.</summary>
public static class WeightDtypes
{
    public const string Tooltip = "The dtype to compute in: default follows the host's --precision (fp16 on CUDA, fp32 on the CPU).";

    public const string VaeTooltip = "The dtype to compute in: default follows the host's --precision; a VAE whose config says force_upcast (SD1.x/SD2.x) decodes in fp32 instead of fp16, which would overflow.";

    private static readonly Lazy<bool> CpuHasHalfKernels = new(ProbeCpuHalf);

    /// <summary>
    /// The dtype <paramref name="choice"/> means on <paramref name="device"/>. Default is the host's precision, or,
    /// where the model is not run in that one (<paramref name="defaults"/>, as ComfyUI's supported_inference_dtypes),
    /// the first of those. float16 is refused on a CPU whose libtorch has no float16 kernels (1.13 has none for matmul,
    /// convolution or norms), naming the input.
    /// </summary>
    public static ScalarType Resolve(this WeightDtype? choice, NodeContext context, Device device, IReadOnlyList<ScalarType>? defaults = null,
        string inputName = "weight_dtype")
    {
        var dtype = choice switch
        {
            WeightDtype.Fp32 => ScalarType.Float32,
            WeightDtype.Fp16 => ScalarType.Float16,
            WeightDtype.Bf16 => ScalarType.BFloat16,
            _ when defaults is null || defaults.Contains(context.WeightDtype) => context.WeightDtype,
            _ => defaults[0],
        };
        if (dtype == ScalarType.Float16 && device.Type == DeviceType.CPU && !CpuHasHalfKernels.Value)
            throw new InputException(inputName, ComfyNames.Of(choice ?? WeightDtype.Default),
                $"fp16 weights{(choice is null or WeightDtype.Default ? " (the host's --precision)" : "")} need a GPU here: libtorch {torch.__version__} has no float16 kernels on the CPU (choose bf16 or fp32, or run with --device cuda)");
        return dtype;
    }

    /// <summary>Whether this libtorch multiplies float16 matrices on the CPU (2.x does; 1.13 raises "not implemented for 'Half'").</summary>
    private static bool ProbeCpuHalf()
    {
        try
        {
            using var x = torch.ones([2, 2], ScalarType.Float16);
            using var product = torch.matmul(x, x);
            return true;
        }
        catch (TorchException)
        {
            return false;
        }
    }
}
