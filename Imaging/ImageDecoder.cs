using System.Runtime.InteropServices;
using SkiaSharp;

namespace Workflow.Imaging;

/// <summary>
/// Decodes the pictures people have with SkiaSharp (Skia's maintained, fuzzed codecs): JPEG, PNG (any bit depth,
/// palette, gray, alpha), WebP, BMP, GIF (its first frame), ICO. The size is read from the header and checked against
/// the pixel budget before any pixel is decoded; the EXIF orientation is applied as PIL's ImageOps.exif_transpose does;
/// colours are not converted between colour spaces (PIL does not either). The result is 8-bit RGB, or RGBA when the
/// encoded image has alpha (not premultiplied).
/// </summary>
public static class ImageDecoder
{
    /// <summary>Reads and decodes an image from a seekable <paramref name="stream"/>; <see cref="ImageFormatException"/> when it is not one.</summary>
    public static RasterImage Decode(Stream stream, long maxPixels)
    {
        var start = new byte[12];
        var sniffed = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        stream.Seek(0, SeekOrigin.Begin);
        using var codec = SKCodec.Create(stream, out var opened)
            ?? throw new ImageFormatException(Signature(start.AsSpan(0, sniffed)) is { } format
                ? $"a {format} file that cannot be read ({Describe(opened)})"
                : "not an image in a format this host reads (JPEG, PNG, WebP, BMP, GIF, ICO)");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var alpha = codec.Info.AlphaType != SKAlphaType.Opaque;
        PixelBudget.Check(width, height, alpha ? 4 : 3, maxPixels);
        PixelBudget.Check(width, height, 4, long.MaxValue);   // Skia decodes into four bytes a pixel
        var rgba = new byte[(long)width * height * 4];
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult decoded;
        try
        {
            decoded = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        if (decoded != SKCodecResult.Success)
            throw new ImageFormatException($"a {codec.EncodedFormat.ToString().ToUpperInvariant()} image that could not be decoded ({Describe(decoded)})");
        return Orient(alpha ? new RasterImage(width, height, 4, rgba) : DropAlpha(width, height, rgba), codec.EncodedOrigin);
    }

    /// <summary>The format a file's first bytes announce, to tell a damaged image from something else.</summary>
    private static string? Signature(ReadOnlySpan<byte> start) => start switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "PNG",
        [0xFF, 0xD8, 0xFF, ..] => "JPEG",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "GIF",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "WebP",
        [(byte)'B', (byte)'M', ..] => "BMP",
        [0, 0, 1, 0, ..] => "ICO",
        _ => null,
    };

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file ends before the image does",
        SKCodecResult.ErrorInInput => "its data is corrupt",
        SKCodecResult.InvalidInput => "its header is invalid",
        SKCodecResult.InvalidScale or SKCodecResult.InvalidConversion or SKCodecResult.InvalidParameters => "it cannot be decoded to 8-bit RGBA",
        SKCodecResult.CouldNotRewind => "the data could not be read again",
        SKCodecResult.InternalError => "the decoder failed",
        _ => result.ToString(),
    };

    private static RasterImage DropAlpha(int width, int height, byte[] rgba)
    {
        var rgb = new byte[(long)width * height * 3];
        for (long i = 0, n = (long)width * height; i < n; i++)
        {
            rgb[i * 3] = rgba[i * 4];
            rgb[i * 3 + 1] = rgba[i * 4 + 1];
            rgb[i * 3 + 2] = rgba[i * 4 + 2];
        }
        return new RasterImage(width, height, 3, rgb);
    }

    /// <summary>
    /// The picture as it is meant to be seen: EXIF orientations 2–8 (mirrored, rotated, or both) turned upright, as
    /// exif_transpose does. Each output pixel (x, y) reads the stored pixel the orientation maps it to.
    /// </summary>
    private static RasterImage Orient(RasterImage stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft)
            return stored;
        bool swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = (stored.Width, stored.Height);
        int width = swaps ? h : w, height = swaps ? w : h, channels = stored.Channels;
        var pixels = new byte[stored.Pixels.LongLength];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),            // 2: mirrored left-right
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y), // 3: rotated 180°
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),          // 4: mirrored top-bottom
                    SKEncodedOrigin.LeftTop => (y, x),                     // 5: transposed
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),            // 6: stored rotated 90° counter-clockwise
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x), // 7: transversed
                    _ => (w - 1 - y, x),                                   // 8 (LeftBottom): stored rotated 90° clockwise
                };
                Array.Copy(stored.Pixels, ((long)sy * w + sx) * channels, pixels, ((long)y * width + x) * channels, channels);
            }
        return new RasterImage(width, height, channels, pixels);
    }
}

/// <summary>A file that is not an image this host can decode; the message says why.</summary>
public sealed class ImageFormatException(string message) : Exception(message);
