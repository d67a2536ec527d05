using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>ImageScaleBy and ImageBatch as ComfyUI's (nodes.py): Python's rounding of the new sides, ImageScale's resize, the second batch fitted to the first.</summary>
public sealed class ImageResizeNodesTests
{
    [Fact]
    public void ImageScaleBy_rounds_each_side_half_to_even_and_resizes_as_ImageScale()
    {
        using var scope = torch.NewDisposeScope();
        using var image = new ImageBatch(torch.rand([1, 3, 5, 3], new Generator(1)));

        using var scaled = new ImageScaleBy().Execute(image, ImageUpscaleMethod.Bilinear, 1.5);
        using var expected = new ImageScale().Execute(image, ImageUpscaleMethod.Bilinear, width: 8, height: 4);

        Assert.Equal((8L, 4L), (scaled.Width, scaled.Height));   // 7.5 → 8, 4.5 → 4
        Assert.True(scaled.Pixels.equal(expected.Pixels));
    }

    [Fact]
    public void ImageScaleBy_refuses_a_factor_that_leaves_no_pixels()
    {
        using var image = new ImageBatch(torch.rand([1, 3, 5, 3], new Generator(2)));
        var error = Assert.Throws<NodeSdk.InputException>(() => new ImageScaleBy().Execute(image, ImageUpscaleMethod.Area, 0.1));
        Assert.Equal("scale_by", error.InputName);
    }

    [Fact]
    public void ImageBatch_gives_rgb_an_opaque_alpha_and_resizes_the_second_to_the_first()
    {
        using var scope = torch.NewDisposeScope();
        var rgb = torch.rand([1, 4, 6, 3], new Generator(3));
        var rgba = torch.rand([2, 2, 3, 4], new Generator(4));
        using var first = new ImageBatch(rgb.clone());
        using var second = new ImageBatch(rgba.clone());

        using var batch = new BatchImages().Execute(first, second);

        Assert.Equal([3L, 4, 6, 4], batch.Pixels.shape);
        Assert.True(batch.Pixels.narrow(0, 0, 1).slice(3, 0, 3).equal(rgb));
        Assert.True(batch.Pixels.narrow(0, 0, 1).slice(3, 3, 4).eq(1.0).all().item<bool>(), "the RGB image gets alpha 1");
        using var resized = ImageResize.Apply(new ImageBatch(rgba.clone()), 6, 4, ImageUpscaleMethod.Bilinear, CropMethod.Center);
        Assert.True(batch.Pixels.narrow(0, 1, 2).equal(resized.Pixels));
    }
}
