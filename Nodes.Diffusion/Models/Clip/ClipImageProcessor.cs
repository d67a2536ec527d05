using Workflow.Imaging;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Clip;

/// <summary>
/// transformers' CLIPImageProcessor (v4.38), step for step: resize the shortest edge to <see cref="ShortestEdge"/> with
/// Pillow's bicubic (the other edge int(size·long/short)), center crop (top = (h − ch) // 2), rescale by 1/255 in
/// float32, normalize by the mean and std. With <see cref="CropToSquare"/> off the image is resized straight to the
/// crop size instead (ComfyUI's crop "none").
/// </summary>
public sealed record ClipImageProcessor(int ShortestEdge, int CropHeight, int CropWidth, bool CropToSquare = true)
{
    /// <summary>OpenAI CLIP's normalization, which every public CLIP vision tower uses.</summary>
    public static readonly float[] ImageMean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] ImageStd = [0.26862954f, 0.26130258f, 0.27577711f];
    private const double RescaleFactor = 1 / 255.0;

    /// <summary>The processor a model of input size <paramref name="imageSize"/> is published with.</summary>
    public static ClipImageProcessor ForImageSize(int imageSize, bool cropToSquare = true) => new(imageSize, imageSize, imageSize, cropToSquare);

    /// <summary>get_resize_output_image_size then Pillow's resize; without cropping, to the crop size.</summary>
    public RasterImage Resize(RasterImage rgb)
    {
        if (!CropToSquare)
            return PilResample.Bicubic(rgb, CropWidth, CropHeight);
        var (shortSide, longSide) = rgb.Width <= rgb.Height ? (rgb.Width, rgb.Height) : (rgb.Height, rgb.Width);
        int newLong = (int)((double)ShortestEdge * longSide / shortSide);
        return rgb.Width <= rgb.Height
            ? PilResample.Bicubic(rgb, ShortestEdge, newLong)
            : PilResample.Bicubic(rgb, newLong, ShortestEdge);
    }

    public RasterImage CenterCrop(RasterImage image)
    {
        if (image.Width < CropWidth || image.Height < CropHeight)
            throw new ArgumentException($"A {image.Width}x{image.Height} image is smaller than the {CropWidth}x{CropHeight} crop.", nameof(image));
        int top = (image.Height - CropHeight) / 2, left = (image.Width - CropWidth) / 2;
        var pixels = new byte[CropWidth * CropHeight * image.Channels];
        for (var y = 0; y < CropHeight; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * image.Channels, pixels, y * CropWidth * image.Channels, CropWidth * image.Channels);
        return new RasterImage(CropWidth, CropHeight, image.Channels, pixels);
    }

    /// <summary>An RGB raster to the model's input: float32 [3, H, W], (x/255 − mean) / std.</summary>
    public static Tensor Normalize(RasterImage rgb)
    {
        var values = new float[3 * rgb.Width * rgb.Height];
        int plane = rgb.Width * rgb.Height;
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
            {
                // numpy: uint8 · python float is float64, cast to float32; then float32 arithmetic with float32 mean and std.
                var rescaled = (float)(rgb.Pixels[i * 3 + c] * RescaleFactor);
                values[c * plane + i] = (rescaled - ImageMean[c]) / ImageStd[c];
            }
        return torch.tensor<float>(values, [3, rgb.Height, rgb.Width]);
    }

    /// <summary>All steps on an RGB raster: [3, CropHeight, CropWidth].</summary>
    public Tensor Preprocess(RasterImage rgb)
    {
        if (rgb.Channels != 3)
            throw new ArgumentException($"CLIP preprocessing takes RGB, not {rgb.Channels} channels.", nameof(rgb));
        var resized = Resize(rgb);
        return Normalize(CropToSquare ? CenterCrop(resized) : resized);
    }
}
