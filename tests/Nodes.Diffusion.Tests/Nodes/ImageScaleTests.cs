using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// ImageScale resizes as ComfyUI's (nodes.py ImageScale, comfy/utils.py common_upscale) on a 67×45 picture, the size of
/// the example workflows' reference: a 0 side following the other's aspect (Python-rounded), the centre crop's margins,
/// both 0 leaving the images as they are; the resize itself checked against Debian PyTorch's interpolate.
/// </summary>
public sealed class ImageScaleTests : IDisposable
{
    private readonly TemporaryBase _base = new("image-scale-");

    public void Dispose() => _base.Dispose();

    /// <summary>
    /// (width, height, crop, method) → the rows [top, bottom) and columns [left, right) of the 45×67 input and the size
    /// ComfyUI gives: centre crop to 32×32 cuts x = round((67 − 67·(1/(67/45)))/2) = 11 columns each side; width 0 at
    /// height 20 gives round(67·20/45) = round(29.78) = 30; height 0 at width 30 gives round(45·30/67) = round(20.15) = 20;
    /// centre crop to 64×16 (aspect 4 > 67/45) cuts y = round((45 − 45·((67/45)/4))/2) = round(14.125) = 14 rows.
    /// </summary>
    public static TheoryData<int, int, CropMethod, ImageUpscaleMethod, int[]> Cases => new()
    {
        { 32, 32, CropMethod.Center, ImageUpscaleMethod.Bicubic, [0, 45, 11, 56, 32, 32] },
        { 0, 20, CropMethod.Disabled, ImageUpscaleMethod.Bilinear, [0, 45, 0, 67, 20, 30] },
        { 30, 0, CropMethod.Disabled, ImageUpscaleMethod.Area, [0, 45, 0, 67, 20, 30] },
        { 64, 16, CropMethod.Center, ImageUpscaleMethod.NearestExact, [14, 31, 0, 67, 16, 64] },
    };

    [PyTorchTheory]
    [MemberData(nameof(Cases))]
    public void ImageScale_resizes_as_ComfyUI(int width, int height, CropMethod crop, ImageUpscaleMethod method, int[] expected)
    {
        using var scope = torch.NewDisposeScope();
        using var images = new ImageBatch(Pictures());

        using var output = new ImageScale().Execute(images, method, width, height, crop);

        var region = TorchInterpolate.Region(Enum.Parse<UpscaleMethod>(method.ToString()), expected);
        var reference = TorchInterpolate.References(_base.Root, images.Pixels.permute(0, 3, 1, 2).contiguous(), [region])[region];
        TorchInterpolate.AssertClose(reference.permute(0, 2, 3, 1), output.Pixels);
    }

    [Fact]
    public void Both_sides_0_leave_the_images_as_they_are()
    {
        using var scope = torch.NewDisposeScope();
        using var images = new ImageBatch(Pictures());

        using var output = new ImageScale().Execute(images, ImageUpscaleMethod.Bilinear, 0, 0, CropMethod.Center);

        Assert.True(images.Pixels.equal(output.Pixels));
    }

    /// <summary>Two 67×45 RGB pictures of seeded noise in [0, 1].</summary>
    private static Tensor Pictures()
    {
        using var generator = new Generator(20240611);
        return torch.rand([2, 45, 67, 3], generator, torch.float32).DetachFromDisposeScope();
    }
}
