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

    /// <summary>
    /// Decodes a PNG from a stream, reading only as far as IEND and holding no more of the file than one chunk's
    /// data; a file that is not a readable PNG raises <see cref="PngException"/> with the reason, one over the
    /// options' pixel budget <see cref="PixelBudgetException"/> before anything is inflated.
    /// </summary>
    public static PngImage Decode(Stream stream, PngReadOptions? options = null) => PngDecoder.Read(stream, options ?? PngReadOptions.Default);

    /// <summary>Decodes a PNG held in memory, as <see cref="Decode(Stream, PngReadOptions?)"/>.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> data, PngReadOptions? options = null)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        return Decode(stream, options);
    }

    /// <summary>
    /// Reads a file this process trusts (one it wrote); a file named by a user is opened by the caller as a regular
    /// file only (a FIFO or device would block or never end) and given to <see cref="Decode(Stream, PngReadOptions?)"/>.
    /// </summary>
    public static PngImage Read(string path, PngReadOptions? options = null)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Decode(stream, options);
        }
        catch (PngException ex)
        {
            throw new PngException($"{path}: {ex.Message}");
        }
    }

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);
}
