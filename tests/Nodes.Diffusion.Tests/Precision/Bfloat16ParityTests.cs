using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.Nodes.Diffusion.Tests.Sd3;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Precision;

/// <summary>
/// The tiny fixtures run in bfloat16 on the CPU match the float32 goldens within the half-precision tolerance derived
/// from the reference's own float32-vs-bfloat16 spread on the CPU (<see cref="HalfPrecisionParity"/>): each model on
/// its recorded calls, and the whole text-to-image pipeline through the nodes with weight_dtype bf16.
/// </summary>
public sealed class Bfloat16ParityTests : IDisposable
{
    private static readonly HalfPrecisionParity Cpu = new(Device.CPU, ScalarType.BFloat16);
    private readonly string _root = Directory.CreateTempSubdirectory("bf16-parity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(UNetParityTests.Calls), MemberType = typeof(UNetParityTests))]
    public void UNet_calls_in_bf16_match_within_the_reference_spread(string output) => Cpu.UNetCall(output);

    [GoldenFact(Sd15Fixture.Name)]
    public void Text_encoder_in_bf16_matches_within_the_reference_spread() => Cpu.TextEncoder();

    [GoldenFact(Sd15Fixture.Name)]
    public void VAE_in_bf16_decodes_and_encodes_within_the_reference_spread() => Cpu.Vae();

    [GoldenTheory(Sd15Fixture.Name)]
    [MemberData(nameof(Sd15NodesTests.Layouts), MemberType = typeof(Sd15NodesTests))]
    public void Text_to_image_nodes_in_bf16_match_within_the_reference_spread(string layout) => Cpu.TextToImageNodes(layout, _root);

    [GoldenTheory(Sd3Fixture.Name)]
    [MemberData(nameof(Sd3TransformerParityTests.Calls), MemberType = typeof(Sd3TransformerParityTests))]
    public void MM_DiT_calls_in_bf16_match_within_the_reference_spread(int call) => Cpu.MmDitCall(call);
}
