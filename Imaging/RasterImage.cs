namespace Workflow.Imaging;

/// <summary>
/// 8-bit pixels, row-major, channels interleaved: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
/// </summary>
public sealed record RasterImage
{
    public RasterImage(int width, int height, int channels, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs a positive size, not {width}x{height}.");
        if (channels is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(channels), $"An image has 1 to 4 channels, not {channels}.");
        if (pixels.LongLength != (long)width * height * channels)
            throw new ArgumentException($"{width}x{height}x{channels} needs {(long)width * height * channels} bytes, not {pixels.LongLength}.", nameof(pixels));
        (Width, Height, Channels, Pixels) = (width, height, channels, pixels);
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public bool HasAlpha => Channels is 2 or 4;

    public int Stride => Width * Channels;
}
