using System.Text.Json;

namespace Workflow.Imaging.Tests;

/// <summary>
/// Files written by PIL and ImageMagick (Data/make_samples.py) decode to the pixels PIL decodes them to:
/// every colour type, bit depths 1 to 16, palettes with and without transparency, Adam7 interlacing.
/// </summary>
public sealed class DecodeSamplesTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Data");

    public static TheoryData<string> Samples()
    {
        var names = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "samples.json"))).RootElement.EnumerateObject().Select(p => p.Name);
        return [.. names];
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_decodes_to_the_pixels_PIL_reads(string name)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "samples.json"))).RootElement.GetProperty(name);
        var image = Png.Read(Path.Combine(Data, name + ".png")).Image;

        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("channels").GetInt32(), image.Channels);
        var pixels = File.ReadAllBytes(Path.Combine(Data, name + ".pixels"));
        int mismatch = -1;
        for (int i = 0; i < pixels.Length && mismatch < 0; i++)
            if (pixels[i] != image.Pixels[i])
                mismatch = i;
        Assert.True(mismatch < 0, $"{name}: first difference at byte {mismatch} (pixel {mismatch / Math.Max(1, image.Channels)}): expected {(mismatch < 0 ? 0 : pixels[mismatch])}, got {(mismatch < 0 ? 0 : image.Pixels[mismatch])}");
    }

    [Fact]
    public void Text_chunks_of_every_kind_are_read()
    {
        var png = Png.Read(Path.Combine(Data, "text.png"));
        Assert.Equal("""{"3": {"class_type": "KSampler", "inputs": {"seed": 42}}}""", png.GetText("prompt"));
        Assert.Equal("""{"nodes": [], "note": "caf\u00e9"}""", png.GetText("workflow"));
        Assert.Equal(string.Concat(Enumerable.Repeat("zipped text ", 20)), png.GetText("compressed"));
        Assert.Equal("日本語 ✓", png.GetText("unicode"));
    }

    [Fact]
    public void Source_bit_depth_is_reported() => Assert.Equal(16, Png.Read(Path.Combine(Data, "rgb16.png")).SourceBitDepth);
}
