using Workflow.Nodes.Core.Images;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Tests;

/// <summary>ComfyUI's small image nodes (nodes.py, comfy_extras/nodes_images.py): ImageInvert, ImageCrop, EmptyImage and ImagePadForOutpaint's canvas and feathered mask.</summary>
public sealed class ImageEditNodesTests
{
    [Fact]
    public void ImageInvert_inverts_colour_and_keeps_alpha()
    {
        using var scope = torch.NewDisposeScope();
        var rgba = torch.rand([2, 3, 4, 4], new Generator(1));

        using var rgb = new ImageInvert().Execute(new ImageBatch(rgba.slice(3, 0, 3).contiguous()));
        using var inverted = new ImageInvert().Execute(new ImageBatch(rgba.clone()));

        Assert.True(rgb.Pixels.equal(rgba.slice(3, 0, 3).rsub(1.0)));
        Assert.True(inverted.Pixels.slice(3, 0, 3).equal(rgba.slice(3, 0, 3).rsub(1.0)));
        Assert.True(inverted.Pixels.slice(3, 3, 4).equal(rgba.slice(3, 3, 4)), "alpha is transparency, not colour");
    }

    [Fact]
    public void ImageCrop_moves_the_corner_inside_and_cuts_at_the_border()
    {
        using var scope = torch.NewDisposeScope();
        var pixels = torch.rand([1, 6, 8, 3], new Generator(2));
        using var image = new ImageBatch(pixels.clone());

        using var inside = new ImageCrop().Execute(image, width: 3, height: 2, x: 4, y: 1);
        using var beyond = new ImageCrop().Execute(image, width: 5, height: 5, x: 100, y: 4);

        Assert.True(inside.Pixels.equal(pixels.narrow(1, 1, 2).narrow(2, 4, 3)));
        Assert.True(beyond.Pixels.equal(pixels.narrow(1, 4, 2).narrow(2, 7, 1)), "x past the edge becomes the last column; the rest is cut");
    }

    [Fact]
    public void EmptyImage_fills_each_channel_with_its_byte_over_255()
    {
        using var scope = torch.NewDisposeScope();
        using var image = new EmptyImage().Execute(width: 5, height: 3, batchSize: 2, color: 0x3366FF);

        Assert.Equal([2L, 3, 5, 3], image.Pixels.shape);
        Assert.Equal([0x33 / 255f, 0x66 / 255f, 1f], image.Pixels[1][2][4].ToArray<float>());
        Assert.True(image.Pixels.eq(image.Pixels[0][0][0]).all().item<bool>());
    }

    [Fact]
    public void ImagePadForOutpaint_places_the_picture_on_grey_and_fades_the_mask_from_the_padded_sides()
    {
        using var scope = torch.NewDisposeScope();
        var pixels = torch.rand([1, 20, 20, 3], new Generator(3));

        var (canvas, mask) = new ImagePadForOutpaint().Execute(new ImageBatch(pixels.clone()), left: 8, top: 0, right: 0, bottom: 8, feathering: 4);

        Assert.Equal([1L, 28, 28, 3], canvas.Pixels.shape);
        Assert.True(canvas.Pixels.narrow(1, 0, 20).narrow(2, 8, 20).equal(pixels));
        Assert.True(canvas.Pixels.narrow(2, 0, 8).eq(0.5).all().item<bool>() && canvas.Pixels.narrow(1, 20, 8).eq(0.5).all().item<bool>(), "the border is grey");
        var values = mask.Values;
        Assert.Equal([1L, 28, 28], values.shape);
        Assert.True(values.narrow(2, 0, 8).eq(1).all().item<bool>() && values.narrow(1, 20, 8).eq(1).all().item<bool>(), "the new border is painted");
        // Inside, d = distance to the nearest padded side (left: j, bottom: 20 − i); weight ((4 − d) / 4)² below 4.
        var inside = values[0].narrow(0, 0, 20).narrow(1, 8, 20);
        Assert.Equal(1f, inside[5][0].item<float>());        // d = 0 at the left edge
        Assert.Equal(0.25f, inside[10][2].item<float>());    // d = 2
        Assert.Equal(0.5625f, inside[19][10].item<float>()); // d = 1 from the bottom
        Assert.Equal(0f, inside[0][10].item<float>());       // the unpadded top does not fade
        Assert.Equal(0f, inside[10][10].item<float>());
        canvas.Dispose();
        mask.Dispose();
    }

    [Fact]
    public void ImagePadForOutpaint_does_not_fade_when_twice_the_feathering_does_not_fit()
    {
        using var scope = torch.NewDisposeScope();
        var (canvas, mask) = new ImagePadForOutpaint().Execute(new ImageBatch(torch.rand([1, 20, 20, 3], new Generator(4))), left: 8, feathering: 10);
        Assert.Equal(0f, mask.Values[0].narrow(1, 8, 20).max().item<float>());
        canvas.Dispose();
        mask.Dispose();
    }
}
