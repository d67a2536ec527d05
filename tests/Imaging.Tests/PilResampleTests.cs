using System.Text.Json;
using Workflow.Testing;

namespace Workflow.Imaging.Tests;

/// <summary>Bicubic resizing equals Pillow's (9.4, the version transformers resized the fixtures with) byte for byte.</summary>
public sealed class PilResampleTests
{
    /// <summary>Shrinking (antialiased), enlarging, one axis only, odd ratios, a 1-pixel side; gray, RGB and RGBA.</summary>
    [PythonTheory("PIL", "python3-pil")]
    [InlineData(67, 45, 47, 32, 3)]
    [InlineData(67, 45, 333, 224, 3)]
    [InlineData(50, 50, 50, 17, 1)]
    [InlineData(31, 7, 8, 7, 4)]
    [InlineData(9, 13, 1, 40, 3)]
    [InlineData(256, 3, 5, 200, 3)]
    public void Bicubic_equals_pillow(int width, int height, int newWidth, int newHeight, int channels)
    {
        var random = new Random(width * 1000 + height);
        var pixels = new byte[width * height * channels];
        random.NextBytes(pixels);
        var image = new RasterImage(width, height, channels, pixels);

        var ours = PilResample.Bicubic(image, newWidth, newHeight);

        // Pillow resamples RGBA premultiplied; each band on its own is what PilResample does, so compare band by band.
        var expected = JsonSerializer.Deserialize<byte[][]>(ReferencePython.Run("-c", """
            import base64, json, sys
            from PIL import Image
            w, h, nw, nh, c = map(int, sys.argv[1:6])
            data = base64.b64decode(sys.argv[6])
            bands = [Image.frombytes("L", (w, h), bytes(data[i::c])).resize((nw, nh), Image.BICUBIC) for i in range(c)]
            print(json.dumps([base64.b64encode(b.tobytes()).decode() for b in bands]))
            """, $"{width}", $"{height}", $"{newWidth}", $"{newHeight}", $"{channels}", Convert.ToBase64String(pixels)))!;
        Assert.Equal((newWidth, newHeight, channels), (ours.Width, ours.Height, ours.Channels));
        for (var c = 0; c < channels; c++)
            Assert.Equal(expected[c], ours.Pixels.Where((_, i) => i % channels == c).ToArray());
    }

    [Fact]
    public void Same_size_is_the_same_image()
    {
        var image = new RasterImage(3, 2, 1, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(image.Pixels, PilResample.Bicubic(image, 3, 2).Pixels);
    }
}
