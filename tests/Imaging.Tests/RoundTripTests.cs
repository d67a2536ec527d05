namespace Workflow.Imaging.Tests;

/// <summary>What we write, we read back unchanged: every channel count, odd sizes, text in Latin-1 and beyond.</summary>
public sealed class RoundTripTests
{
    private static RasterImage Random(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new RasterImage(width, height, channels, pixels);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(13, 7, 2)]
    [InlineData(64, 48, 3)]
    [InlineData(31, 17, 4)]
    [InlineData(1000, 1, 3)]
    [InlineData(1, 300, 4)]
    public void Random_pixels_survive_a_round_trip(int width, int height, int channels)
    {
        var image = Random(width, height, channels, seed: width * 31 + channels);
        var decoded = Png.Decode(Png.Encode(image)).Image;
        Assert.Equal((width, height, channels), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Smooth_image_compresses_well()
    {
        var pixels = new byte[256 * 256 * 3];
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
                (pixels[(y * 256 + x) * 3], pixels[(y * 256 + x) * 3 + 1], pixels[(y * 256 + x) * 3 + 2]) = ((byte)x, (byte)y, (byte)((x + y) / 2));
        var encoded = Png.Encode(new RasterImage(256, 256, 3, pixels));
        Assert.True(encoded.Length < pixels.Length / 20, $"{encoded.Length} bytes for a gradient of {pixels.Length}");
    }

    [Fact]
    public void Text_round_trips_as_tEXt_or_iTXt()
    {
        var texts = new[] { new PngText("prompt", """{"1": {"class_type": "X"}}"""), new PngText("caption", "Grüße, 日本") };
        var encoded = Png.Encode(Random(4, 4, 3, 1), texts);
        var decoded = Png.Decode(encoded);
        Assert.Equal(texts, decoded.Text);
        Assert.Contains("tEXtprompt"u8.ToArray(), Windows(encoded, 10));
        Assert.Contains("iTXtcaption"u8.ToArray(), Windows(encoded, 11));
    }

    [Fact]
    public void Keyword_outside_the_spec_is_refused() =>
        Assert.Throws<ArgumentException>(() => Png.Encode(Random(1, 1, 1, 1), [new PngText("", "x")]));

    private static IEnumerable<byte[]> Windows(byte[] data, int width) =>
        Enumerable.Range(0, data.Length - width).Select(i => data[i..(i + width)]);
}
