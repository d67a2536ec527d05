using System.IO.Compression;

namespace Workflow.Imaging;

/// <summary>Reads and writes PNG files (ISO/IEC 15948).</summary>
public static class Png
{
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes an 8-bit image, with text chunks (tEXt where Latin-1 suffices, else iTXt).</summary>
    public static byte[] Encode(RasterImage image, IEnumerable<PngText>? text = null, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        PngEncoder.Write(output, image, text ?? [], level);
        return output.ToArray();
    }

    /// <summary>Decodes a PNG held in memory; a file that is not a readable PNG raises <see cref="PngException"/> with the reason.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> data) => PngDecoder.Read(data);

    public static PngImage Read(string path)
    {
        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (PngException ex)
        {
            throw new PngException($"{path}: {ex.Message}");
        }
    }

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);
}
