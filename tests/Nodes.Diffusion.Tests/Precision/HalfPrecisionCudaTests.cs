using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.Nodes.Diffusion.Tests.Sd3;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// The tiny fixtures run on CUDA in float16 and in bfloat16 match the float32 goldens within the tolerance derived from
/// the reference's own spread at that dtype on CUDA (<see cref="HalfPrecisionParity"/>, as <see cref="Bfloat16ParityTests"/>
/// on the CPU; the text-to-image nodes with the host on cuda and weight_dtype fp16 or bf16, from the diffusers folder:
/// the single file loads to the same weights, and the GPU check's bundle leaves it out). Skipped with the reason where
/// libtorch sees no CUDA device; scripts/gpu-check.sh runs them with a CUDA PyTorch as the reference.
/// </summary>
public sealed class HalfPrecisionCudaTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("half-cuda-parity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The half dtypes run on CUDA: float16 (ComfyUI's and diffusers' default there) and bfloat16.</summary>
    public static TheoryData<ScalarType> Dtypes => [ScalarType.Float16, ScalarType.BFloat16];

    /// <summary>The reference measurement for <paramref name="dtype"/> on CUDA.</summary>
    internal static HalfPrecision On(ScalarType dtype) => new(DeviceType.CUDA, dtype);

    public static TheoryData<ScalarType, string> UNetCalls => EachDtype(UNetParityTests.Calls);

    public static TheoryData<ScalarType, int> MmDitCalls => EachDtype(Sd3TransformerParityTests.Calls());

    [GoldenCudaTheory(Sd15Fixture.Name)]
    [MemberData(nameof(UNetCalls))]
    public void UNet_calls_on_cuda_match_within_the_reference_spread(ScalarType dtype, string output) => Parity(dtype).UNetCall(output);

    [GoldenCudaTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Dtypes))]
    public void Text_encoder_on_cuda_matches_within_the_reference_spread(ScalarType dtype) => Parity(dtype).TextEncoder();

    [GoldenCudaTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Dtypes))]
    public void VAE_on_cuda_decodes_and_encodes_within_the_reference_spread(ScalarType dtype) => Parity(dtype).Vae();

    [GoldenCudaTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Dtypes))]
    public void Text_to_image_nodes_on_cuda_match_within_the_reference_spread(ScalarType dtype) =>
        Parity(dtype).TextToImageNodes(Sd15Models.Folder, _root);

    [GoldenCudaTheory(Sd3Fixture.Name)]
    [MemberData(nameof(MmDitCalls))]
    public void MM_DiT_calls_on_cuda_match_within_the_reference_spread(ScalarType dtype, int call) => Parity(dtype).MmDitCall(call);

    private static HalfPrecisionParity Parity(ScalarType dtype) => new(Device.CUDA(0), dtype);

    private static TheoryData<ScalarType, T> EachDtype<T>(TheoryData<T> rows)
    {
        var data = new TheoryData<ScalarType, T>();
        foreach (var dtype in Dtypes)
            foreach (var row in rows)
                data.Add(dtype, row);
        return data;
    }
}
