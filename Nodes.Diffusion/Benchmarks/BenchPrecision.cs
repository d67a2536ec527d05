using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>The dtype a benchmark runs its UNet in, by the names ComfyUI's weight_dtype and the host's --precision use.</summary>
internal static class BenchPrecision
{
    public static ScalarType Parse(string? name) => name switch
    {
        null or "" or "fp32" => torch.float32,
        "fp16" => torch.float16,
        "bf16" => torch.bfloat16,
        _ => throw new ArgumentException($"--precision {name}: expected fp16, bf16 or fp32"),
    };

    public static string NameOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => "fp16",
        ScalarType.BFloat16 => "bf16",
        _ => "fp32",
    };
}
