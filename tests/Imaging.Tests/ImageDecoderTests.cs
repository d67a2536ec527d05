using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Testing;

namespace Workflow.Imaging.Tests;

/// <summary>
/// The pictures people have, written by Pillow 9.4 on the spot and decoded by SkiaSharp: the pixels equal Pillow's own
/// decoding (exactly for lossless formats, within a few levels for JPEG, whose decoders differ in rounding), and EXIF
/// orientations come out upright as ImageOps.exif_transpose turns them.
/// </summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-decoder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>file name → (Pillow's upright RGB or RGBA pixels, the largest difference allowed).</summary>
    private Dictionary<string, (RasterImage Expected, int Tolerance)> Samples()
    {
        var manifest = JsonNode.Parse(ReferencePython.Run("-c", """
            import base64, json, os, sys
            from PIL import Image, ImageOps
            out = sys.argv[1]
            w, h = 37, 23
            rgba = Image.new("RGBA", (w, h))
            rgba.putdata([((x * 7) % 256, (y * 11) % 256, (x * y) % 256, (x + y * 3) % 256) for y in range(h) for x in range(w)])
            rgb = rgba.convert("RGB")
            files = {}
            def save(name, image, tolerance=0, meant=None, **options):
                path = os.path.join(out, name)
                image.save(path, **options)
                decoded = meant or ImageOps.exif_transpose(Image.open(path))
                decoded = decoded.convert("RGBA" if decoded.mode in ("RGBA", "LA", "PA") or "transparency" in decoded.info else "RGB")
                files[name] = {"mode": decoded.mode, "width": decoded.width, "height": decoded.height, "tolerance": tolerance,
                               "pixels": base64.b64encode(decoded.tobytes()).decode()}
            save("rgb.png", rgb)
            save("rgba.png", rgba)
            save("gray.png", rgb.convert("L"))
            save("gray_alpha.png", rgba.convert("LA"))
            palette = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
            save("palette.png", palette)
            save("palette_transparent.png", palette, transparency=3)
            # 16-bit samples b·257 stand for the 8-bit b (Pillow itself clips 16-bit gray instead of scaling it).
            levels = [(x * 7 + y) % 256 for y in range(h) for x in range(w)]
            gray16 = Image.new("I;16", (w, h)); gray16.putdata([b * 257 for b in levels])
            gray8 = Image.new("L", (w, h)); gray8.putdata(levels)
            save("gray16.png", gray16, meant=gray8)
            save("rgb.bmp", rgb)
            save("palette.gif", palette)
            save("rgb_lossless.webp", rgb, lossless=True)
            save("rgba_lossless.webp", rgba, lossless=True)
            save("rgb.jpg", rgb, tolerance=3, quality=95)
            for orientation in range(1, 9):
                exif = Image.Exif(); exif[0x0112] = orientation
                save(f"oriented{orientation}.jpg", rgb, tolerance=3, quality=95, exif=exif)
            print(json.dumps(files))
            """, _dir))!.AsObject();
        return manifest.ToDictionary(f => f.Key, f =>
        {
            var sample = f.Value!;
            var raster = new RasterImage((int)sample["width"]!, (int)sample["height"]!, (string)sample["mode"]! == "RGBA" ? 4 : 3,
                Convert.FromBase64String((string)sample["pixels"]!));
            return (raster, (int)sample["tolerance"]!);
        });
    }

    [PythonFact("PIL", "python3-pil")]
    public void Every_format_decodes_to_pillows_pixels()
    {
        var samples = Samples();
        Assert.Equal(20, samples.Count);
        foreach (var (name, (expected, tolerance)) in samples)
        {
            using var file = File.OpenRead(Path.Combine(_dir, name));
            var decoded = ImageDecoder.Decode(file, long.MaxValue);
            Assert.True((expected.Width, expected.Height, expected.Channels) == (decoded.Width, decoded.Height, decoded.Channels),
                $"{name}: decoded {decoded.Width}x{decoded.Height}x{decoded.Channels}, Pillow {expected.Width}x{expected.Height}x{expected.Channels}");
            var worst = expected.Pixels.Zip(decoded.Pixels, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= tolerance, $"{name}: a channel differs from Pillow's by {worst}, more than {tolerance}");
        }
    }

    [Fact]
    public void Over_the_budget_is_refused_from_the_header()
    {
        var png = Png.Encode(new RasterImage(64, 32, 3, new byte[64 * 32 * 3]));
        using var stream = new MemoryStream(png);
        var error = Assert.Throws<PixelBudgetException>(() => ImageDecoder.Decode(stream, maxPixels: 1000));
        Assert.Equal((64, 32), (error.Width, error.Height));
    }

    [Theory]
    [InlineData("not an image at all", "not an image in a format this host reads (JPEG, PNG, WebP, BMP, GIF, ICO)")]
    [InlineData("\u0089PNG\r\n\u001a\n", "a PNG file that cannot be read")]
    [InlineData("\u00ff\u00d8\u00ff\u00e0", "a JPEG file that cannot be read")]
    public void Not_an_image_says_what_it_is(string content, string message)
    {
        using var stream = new MemoryStream(System.Text.Encoding.Latin1.GetBytes(content));
        Assert.StartsWith(message, Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(stream, long.MaxValue)).Message);
    }

    [Fact]
    public void A_truncated_image_is_refused()
    {
        var png = Png.Encode(new RasterImage(64, 64, 3, [.. Enumerable.Range(0, 64 * 64 * 3).Select(i => (byte)(i * 31))]));
        using var stream = new MemoryStream(png[..(png.Length / 2)]);
        Assert.Contains("PNG", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(stream, long.MaxValue)).Message);
    }
}
