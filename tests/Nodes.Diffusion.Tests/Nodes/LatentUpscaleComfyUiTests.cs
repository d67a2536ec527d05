using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// LatentUpscale and LatentUpscaleBy without a model behave as ComfyUI's (nodes.py, comfy/utils.py common_upscale):
/// sizes in pixels floored to latent cells, at least 64 per side, a 0 side following the other's aspect, both 0
/// leaving the latent as it is, Python's half-to-even rounding, the centre crop's margins; the resize itself is PyTorch's
/// interpolate (run in Debian's PyTorch on the same input) or bislerp (checked against its formula).
/// </summary>
public sealed class LatentUpscaleComfyUiTests : IDisposable
{
    private readonly TemporaryBase _base = new("latent-upscale-comfyui-");

    public void Dispose() => _base.Dispose();

    /// <summary>
    /// (width, height, crop, method) → the region of the 8×6 input and the latent size ComfyUI gives, worked from its definitions:
    /// 128×96 px → 16×12; width 0 with height 96 → round(8·96/6) = 128 px; height 0 with width 100 → round(6·100/8) = 75 px → 12×9;
    /// 16×16 px → raised to 64×64 → 8×8; centre crop to 8×8: x = round((8 − 8·(1/(4/3)))/2) = 1; to 8×16: x = round(2.5) = 2
    /// (half to even); to 16×8 (48 px raised to 64): y = round((6 − 6·((4/3)/2))/2) = 1.
    /// </summary>
    public static TheoryData<int, int, CropMethod, UpscaleMethod, int[]> Cases => new()
    {
        { 128, 96, CropMethod.Disabled, UpscaleMethod.NearestExact, [0, 6, 0, 8, 12, 16] },
        { 128, 96, CropMethod.Disabled, UpscaleMethod.Bilinear, [0, 6, 0, 8, 12, 16] },
        { 128, 96, CropMethod.Disabled, UpscaleMethod.Area, [0, 6, 0, 8, 12, 16] },
        { 128, 96, CropMethod.Disabled, UpscaleMethod.Bicubic, [0, 6, 0, 8, 12, 16] },
        { 0, 96, CropMethod.Disabled, UpscaleMethod.NearestExact, [0, 6, 0, 8, 12, 16] },
        { 100, 0, CropMethod.Disabled, UpscaleMethod.Bilinear, [0, 6, 0, 8, 9, 12] },
        { 16, 16, CropMethod.Disabled, UpscaleMethod.Area, [0, 6, 0, 8, 8, 8] },
        { 64, 64, CropMethod.Center, UpscaleMethod.Bicubic, [0, 6, 1, 7, 8, 8] },
        { 64, 128, CropMethod.Center, UpscaleMethod.Bilinear, [0, 6, 2, 6, 16, 8] },
        { 128, 48, CropMethod.Center, UpscaleMethod.NearestExact, [1, 5, 0, 8, 8, 16] },
    };

    [PyTorchTheory]
    [MemberData(nameof(Cases))]
    public void LatentUpscale_resizes_as_ComfyUI(int width, int height, CropMethod crop, UpscaleMethod method, int[] expected)
    {
        using var scope = torch.NewDisposeScope();
        using var input = new Latent(Samples([2, 4, 6, 8]));

        using var output = new LatentUpscale().Execute(new TestNodeContext(_base.Paths), input, method, width, height, crop);

        TorchInterpolate.AssertClose(CaseReferences.Value[TorchInterpolate.Region(method, expected)], output.Samples);
    }

    [PyTorchFact]
    public void LatentUpscaleBy_rounds_sides_half_to_even_as_python()
    {
        using var scope = torch.NewDisposeScope();
        using var input = new Latent(Samples([1, 4, 10, 6]));

        // 6·1.25 = 7.5 → 8 and 10·1.25 = 12.5 → 12: Python's round, not away from zero (which gives 13).
        using var output = new LatentUpscaleBy().Execute(input, UpscaleMethod.Bilinear, 1.25);

        Assert.Equal([1L, 4, 12, 8], output.Samples.shape);
        TorchInterpolate.AssertClose(TorchInterpolate.References(_base.Root, input.Samples, ["bilinear:12:8:0:10:0:6"])["bilinear:12:8:0:10:0:6"], output.Samples);
    }

    [Fact]
    public void Both_sizes_zero_leave_the_latent_as_it_is_and_mask_and_indices_travel()
    {
        using var scope = torch.NewDisposeScope();
        using var input = new Latent(Samples([2, 4, 6, 8]), torch.ones([2, 1, 48, 64]), [3, 5]);

        using var same = new LatentUpscale().Execute(new TestNodeContext(_base.Paths), input, UpscaleMethod.Bilinear, 0, 0);
        using var resized = new LatentUpscale().Execute(new TestNodeContext(_base.Paths), input, UpscaleMethod.Bilinear, 128, 96);

        Assert.True(same.Samples.equal(input.Samples));
        Assert.NotSame(input.Samples, same.Samples);
        foreach (var output in new[] { same, resized })
        {
            Assert.True(output.NoiseMask!.equal(input.NoiseMask!), "ComfyUI's shallow copy keeps the noise mask as it was");
            Assert.Equal(input.BatchIndex, output.BatchIndex);
        }
    }

    [Fact]
    public void A_scale_that_leaves_no_cells_is_refused_naming_scale_by()
    {
        using var input = new Latent(torch.zeros([1, 4, 8, 8]));
        var error = Assert.Throws<InputException>(() => new LatentUpscaleBy().Execute(input, UpscaleMethod.Bilinear, 0.05));
        Assert.Equal("scale_by", error.InputName);
    }

    public static TheoryData<int, int, int, int> BislerpSizes => new()
    {
        { 5, 6, 9, 8 },   // up, uneven ratios
        { 4, 6, 2, 3 },   // down by half
        { 4, 4, 4, 7 },   // one side only
    };

    [Theory]
    [MemberData(nameof(BislerpSizes))]
    public void Bislerp_follows_its_formula(int height, int width, int newHeight, int newWidth)
    {
        using var scope = torch.NewDisposeScope();
        var samples = Samples([1, 4, height, width]);
        // The formula's three cases: a zero vector, a neighbour pointing the same way (twice as long), one pointing the opposite way.
        samples.narrow(3, 0, 1).narrow(2, 0, 1).zero_();
        samples.narrow(3, 1, 1).copy_(samples.narrow(3, 2, 1) * 2.0);
        samples.narrow(2, 1, 1).narrow(3, 3, 1).copy_(samples.narrow(2, 2, 1).narrow(3, 3, 1).neg());

        var resized = CommonUpscale.Resize(samples, newWidth, newHeight, UpscaleMethod.Bislerp, CropMethod.Disabled);

        Assert.Equal([1L, 4, newHeight, newWidth], resized.shape);
        var expected = BislerpFormula.Resize(samples.to(torch.float64).ToArray<double>(), 4, height, width, newHeight, newWidth);
        var actual = resized.to(torch.float64).ToArray<double>();
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5, $"bislerp differs from its formula by {worst}");
    }

    /// <summary>PyTorch's results for every case, computed in one run of the reference Python on the cases' input.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> CaseReferences = new(() =>
    {
        using var folder = new TemporaryBase("latent-upscale-reference-");
        var regions = Cases.Select(row => TorchInterpolate.Region((UpscaleMethod)row[3], (int[])row[4])).Distinct().ToArray();
        using var samples = Samples([2, 4, 6, 8]);
        return TorchInterpolate.References(folder.Root, samples, regions);
    });

    private static Tensor Samples(long[] shape)
    {
        using var generator = new Generator(20240607);
        return torch.randn(shape, generator, torch.float32);
    }
}
