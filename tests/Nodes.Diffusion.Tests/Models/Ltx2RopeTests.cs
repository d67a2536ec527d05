using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// LTX-2's absolute-position RoPE in both layouts against diffusers' formulas run in PyTorch (Data/ltx2_rope_reference.py):
/// the cos/sin tables for tokens at given latent frames, padding included (a width not a multiple of 6), and a vector
/// rotated by them. The refiner fixture covers the interleaved layout on its model; this covers split as well.
/// </summary>
public sealed class Ltx2RopeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ltx2-rope-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [PyTorchTheory]
    [InlineData(LTX2RopeType.Interleaved, 2, 10, new[] { 0, 1 }, 24.0)]
    [InlineData(LTX2RopeType.Split, 2, 10, new[] { 5, 6, 7 }, 16.0)]
    [InlineData(LTX2RopeType.Split, 4, 6, new[] { 2 }, 25.0)]
    [InlineData(LTX2RopeType.Interleaved, 3, 8, new[] { 9, 10 }, 16.0)]
    public void Tables_and_rotation_match_diffusers(LTX2RopeType type, int heads, int headDim, int[] frames, double fps)
    {
        const int height = 2, width = 3;
        var path = Path.Combine(_folder, "rope.pt");
        ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "ltx2_rope_reference.py"), path, heads.ToString(), headDim.ToString(),
            type == LTX2RopeType.Split ? "split" : "interleaved", string.Join(",", frames), height.ToString(), width.ToString(),
            fps.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        using var scope = torch.NewDisposeScope();
        using var reference = TensorFile.Open(path);
        var config = new LTX2VideoTransformerConfig { NumAttentionHeads = heads, AttentionHeadDim = headDim, RopeType = type };

        using var rope = new LTX2AudioVideoRotaryPosEmbed(config).ForFrames(1, frames, height, width, fps, Device.CPU);

        AssertClose("cos", reference.Load("cos"), rope.Cos);
        AssertClose("sin", reference.Load("sin"), rope.Sin);
        AssertClose("rotated", reference.Load("rotated"), rope.Apply(reference.Load("x")));
    }

    private static void AssertClose(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<double>();
        Assert.True(difference <= 1e-6, $"{name}: max |diff| {difference:G4}");
    }
}
