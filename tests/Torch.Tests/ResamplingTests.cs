using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ResamplingTests
{
    // 0..15 as [1, 1, 4, 4]
    private static Tensor Grid() => torch.arange(16, dtype: torch.float32).view(1, 1, 4, 4);

    [Theory, OnCpu, OnCuda]
    public void Nearest_doubles_each_pixel(string device)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f, 4f], [1, 1, 2, 2], device: Device.Parse(device));
        Expect.Equal([1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f], F.interpolate(x, 2.0));
        Expect.Shape(F.interpolate(x, size: [3, 5]), 1, 1, 3, 5);
    }

    [Fact]
    public void Bilinear_with_aligned_corners_keeps_the_corners()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f, 4f], [1, 1, 2, 2]);
        Expect.Close([1f, 1.5f, 2f, 2f, 2.5f, 3f, 3f, 3.5f, 4f],
            F.interpolate(x, size: [3, 3], mode: InterpolateMode.Bilinear, align_corners: true), atol: 1e-6);
    }

    [Fact]
    public void Resampling_modes_match_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        // x = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4)
        // F.interpolate(x, size=(3, 5), mode="bicubic", align_corners=False).flatten().tolist()
        Expect.Close([0.44387948513031006, 1.1153801679611206, 2.004629611968994, 2.8938803672790527, 3.565380334854126,
            5.9392523765563965, 6.610752105712891, 7.5, 8.389252662658691, 9.060751914978027, 11.434622764587402,
            12.106123924255371, 12.99537181854248, 13.884624481201172, 14.556124687194824],
            F.interpolate(Grid(), size: [3, 5], mode: InterpolateMode.Bicubic, align_corners: false), atol: 1e-5);
        // F.interpolate(x, size=(2, 3), mode="bilinear", antialias=True).flatten().tolist()
        Expect.Close([3.1571431159973145, 4.357142925262451, 5.557143211364746, 9.44285774230957, 10.642857551574707, 11.842857360839844],
            F.interpolate(Grid(), size: [2, 3], mode: InterpolateMode.Bilinear, antialias: true), atol: 1e-5);
        // F.interpolate(x, size=(2, 2), mode="bicubic", antialias=True).flatten().tolist()
        Expect.Close([2.9338841438293457, 4.760330677032471, 10.239669799804688, 12.066115379333496],
            F.interpolate(Grid(), size: [2, 2], mode: InterpolateMode.Bicubic, antialias: true), atol: 1e-5);
        // F.interpolate(x, scale_factor=0.5, mode="bilinear").flatten().tolist()
        Expect.Close([2.5, 4.5, 10.5, 12.5], F.interpolate(Grid(), 0.5, InterpolateMode.Bilinear), atol: 1e-6);
        // F.interpolate(torch.arange(5.).reshape(1,1,5), size=3, mode=m) for m in ("nearest-exact", "nearest")
        var line = torch.arange(5, dtype: torch.float32).view(1, 1, 5);
        Expect.Equal([0f, 2f, 4f], F.interpolate(line, size: [3], mode: InterpolateMode.NearestExact));
        Expect.Equal([0f, 1f, 3f], F.interpolate(line, size: [3], mode: InterpolateMode.Nearest));
        // area: means of 2x2 blocks
        Expect.Equal([2.5f, 4.5f, 10.5f, 12.5f], F.interpolate(Grid(), size: [2, 2], mode: InterpolateMode.Area));
        Expect.Shape(F.interpolate(torch.zeros([1, 1, 2, 2, 2]), 2.0, InterpolateMode.Trilinear), 1, 1, 4, 4, 4);
    }

    [Fact]
    public void Interpolate_rejects_what_pytorch_rejects()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => F.interpolate(Grid(), 2.0, InterpolateMode.Nearest, align_corners: true));
        Assert.Throws<ArgumentException>(() => F.interpolate(Grid()));
        var antialias = Assert.Throws<TorchException>(() => F.interpolate(Grid(), 2.0, InterpolateMode.Nearest, antialias: true));
        Assert.Contains("Anti-alias", antialias.Message);
        Assert.Throws<TorchException>(() => F.interpolate(Grid(), size: [2]));
        Assert.Throws<TorchException>(() => F.interpolate(Grid(), 2.0, InterpolateMode.Linear));
    }

    [Fact]
    public void Pad_modes_extend_the_last_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f], [1, 1, 3]);
        Expect.Equal([9f, 1f, 2f, 3f, 9f, 9f], F.pad(x, [1, 2], value: 9));
        Expect.Equal([3f, 2f, 1f, 2f, 3f, 2f], F.pad(x, [2, 1], PaddingMode.Reflect));
        Expect.Equal([1f, 1f, 1f, 2f, 3f, 3f], F.pad(x, [2, 1], PaddingMode.Replicate));
        Expect.Equal([3f, 1f, 2f, 3f, 1f], F.pad(x, [1, 1], PaddingMode.Circular));
        var square = F.pad(torch.ones([1, 1, 2, 2]), [1, 0, 0, 1]);
        Expect.Equal([0f, 1f, 1f, 0f, 1f, 1f, 0f, 0f, 0f], square);
        Assert.Throws<ArgumentException>(() => F.pad(x, [1, 1], PaddingMode.Reflect, value: 1));
        Assert.Throws<TorchException>(() => F.pad(x, [3, 3], PaddingMode.Reflect));
    }

    /// <summary>Reflection and replication of half-precision CPU images (no such kernels in torch 1.13) copy the values exactly.</summary>
    [Theory]
    [InlineData(ScalarType.BFloat16, PaddingMode.Reflect)]
    [InlineData(ScalarType.BFloat16, PaddingMode.Replicate)]
    [InlineData(ScalarType.Float16, PaddingMode.Reflect)]
    public void Half_precision_pads_copy_the_values_as_float32_does(ScalarType dtype, PaddingMode mode)
    {
        using var scope = torch.NewDisposeScope();
        var image = Grid().to(dtype);
        var padded = F.pad(image, [1, 2, 2, 1], mode);
        Assert.Equal(dtype, padded.dtype);
        Assert.Equal(F.pad(image.to(torch.float32), [1, 2, 2, 1], mode).ToArray<float>(), padded.to(torch.float32).ToArray<float>());
    }

    [Fact]
    public void Average_pooling_means_windows()
    {
        using var scope = torch.NewDisposeScope();
        Expect.Equal([2.5f, 4.5f, 10.5f, 12.5f], F.avg_pool2d(Grid(), 2));
        Expect.Shape(F.avg_pool2d(Grid(), 3, stride: 1, padding: 1), 1, 1, 4, 4);
    }
}
