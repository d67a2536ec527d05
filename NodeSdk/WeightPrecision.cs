using Workflow.Torch;

namespace Workflow.NodeSdk;

/// <summary>ComfyUI's and diffusers' short names of the weight dtypes a model may compute in: fp32, fp16 and bf16.</summary>
public static class WeightPrecision
{
    private static readonly (string Name, ScalarType Dtype)[] Known =
        [("fp32", ScalarType.Float32), ("fp16", ScalarType.Float16), ("bf16", ScalarType.BFloat16)];

    public static IEnumerable<string> Names => Known.Select(k => k.Name);

    /// <summary>The dtype <paramref name="name"/> names, or null when it is none of <see cref="Names"/>.</summary>
    public static ScalarType? Parse(string name) =>
        Known.Where(k => k.Name == name).Select(k => (ScalarType?)k.Dtype).FirstOrDefault();

    /// <summary>What "default" means on <paramref name="device"/>: float16 on CUDA, float32 on the CPU, as ComfyUI and diffusers do.</summary>
    public static ScalarType DefaultFor(Device device) => device.Type == DeviceType.CUDA ? ScalarType.Float16 : ScalarType.Float32;

    /// <summary>The short name of <paramref name="dtype"/>, or its enum name when it is not a weight precision.</summary>
    public static string NameOf(ScalarType dtype) =>
        Known.Where(k => k.Dtype == dtype).Select(k => k.Name).FirstOrDefault() ?? dtype.ToString();
}
