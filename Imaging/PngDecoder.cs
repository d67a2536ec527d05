using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Workflow.Imaging;

/// <summary>
/// Reads any conforming PNG (all colour types and bit depths, palettes, transparency, Adam7 interlacing) into 8 bits
/// per channel: 16-bit samples keep their high byte and low bit depths are scaled to 0..255, as PIL loads them.
/// Every chunk's length and CRC is checked; a file that is not a readable PNG raises <see cref="PngException"/>.
/// </summary>
internal static class PngDecoder
{
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static PngImage Read(ReadOnlySpan<byte> file)
    {
        var chunks = PngChunks.Read(file);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR")
            throw new PngException("the first chunk is not IHDR");
        var header = PngHeader.Parse(chunks[0].Data);
        var palette = chunks.FirstOrDefault(c => c.Type == "PLTE")?.Data;
        var transparency = chunks.FirstOrDefault(c => c.Type == "tRNS")?.Data;
        if (header.ColorType == 3 && palette is null)
            throw new PngException("a palette image has no PLTE chunk");
        var idat = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        if (idat.Length == 0)
            throw new PngException("no image data (IDAT)");

        var samples = new PixelExpander(header, palette, transparency);
        var pixels = new byte[(long)header.Width * header.Height * samples.Channels];
        var raw = Inflate(idat, ExpectedLength(header));
        int offset = 0;
        foreach (var pass in header.Interlaced ? Adam7 : [(0, 0, 1, 1)])
            offset = DecodePass(header, samples, raw, offset, pass, pixels);
        var image = new RasterImage(header.Width, header.Height, samples.Channels, pixels);
        return new PngImage(image, PngChunks.Texts(chunks), header.BitDepth);
    }

    private static long ExpectedLength(PngHeader header) =>
        (header.Interlaced ? Adam7 : [(0, 0, 1, 1)]).Sum(p => PassSize(header, p) is var (w, h) && w > 0 && h > 0 ? (long)h * (1 + header.RowBytes(w)) : 0);

    private static (int Width, int Height) PassSize(PngHeader header, (int X, int Y, int Dx, int Dy) p) =>
        ((header.Width - p.X + p.Dx - 1) / p.Dx, (header.Height - p.Y + p.Dy - 1) / p.Dy);

    private static byte[] Inflate(byte[] compressed, long expected)
    {
        var output = new byte[expected];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            int read = zlib.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            if (read < expected)
                throw new PngException($"image data ends early: {read} of {expected} bytes");
        }
        catch (InvalidDataException ex)
        {
            throw new PngException($"image data is not valid zlib data: {ex.Message}");
        }
        return output;
    }

    private static int DecodePass(PngHeader header, PixelExpander samples, byte[] raw, int offset, (int X, int Y, int Dx, int Dy) pass, byte[] pixels)
    {
        var (width, height) = PassSize(header, pass);
        if (width == 0 || height == 0)
            return offset;
        int rowBytes = header.RowBytes(width);
        var previous = new byte[rowBytes];
        for (int row = 0; row < height; row++)
        {
            var line = raw.AsSpan(offset + 1, rowBytes);
            PngFilters.Unfilter(raw[offset], line, previous, header.FilterBpp);
            int y = pass.Y + row * pass.Dy;
            for (int i = 0; i < width; i++)
                samples.Expand(line, i, pixels.AsSpan((int)(((long)y * header.Width + pass.X + i * pass.Dx) * samples.Channels), samples.Channels));
            line.CopyTo(previous);
            offset += 1 + rowBytes;
        }
        return offset;
    }
}

/// <summary>The chunks of a PNG file, lengths and CRCs checked, up to IEND.</summary>
internal static class PngChunks
{
    public sealed record Chunk(string Type, byte[] Data);

    public static List<Chunk> Read(ReadOnlySpan<byte> file)
    {
        if (!file.StartsWith(Png.Signature))
            throw new PngException("not a PNG file (the 8-byte signature is missing)");
        var chunks = new List<Chunk>();
        int position = Png.Signature.Length;
        while (true)
        {
            if (position + 12 > file.Length)
                throw new PngException($"the file ends inside a chunk header at byte {position} (truncated; no IEND)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            var typeBytes = file.Slice(position + 4, 4);
            var type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue || position + 12 + (long)length > file.Length)
                throw new PngException($"chunk {type} at byte {position} claims {length} bytes, beyond the end of the file (truncated)");
            var data = file.Slice(position + 8, (int)length);
            if (BinaryPrimitives.ReadUInt32BigEndian(file[(position + 8 + (int)length)..]) != Crc32.Compute(typeBytes, data))
                throw new PngException($"chunk {type} at byte {position} fails its CRC check (corrupt)");
            if (type == "IEND")
                return chunks;
            if (char.IsUpper(type[0]) && type is not ("IHDR" or "PLTE" or "IDAT"))
                throw new PngException($"unknown critical chunk {type}");
            chunks.Add(new Chunk(type, data.ToArray()));
            position += 12 + (int)length;
        }
    }

    /// <summary>tEXt (Latin-1), zTXt (compressed Latin-1) and iTXt (UTF-8, maybe compressed) entries.</summary>
    public static List<PngText> Texts(IEnumerable<Chunk> chunks) => chunks.Select(c => c.Type switch
    {
        "tEXt" => Split(c.Data) is var (k, rest) ? new PngText(k, Encoding.Latin1.GetString(rest)) : null,
        "zTXt" => Split(c.Data) is var (k, rest) && rest.Length > 0 ? new PngText(k, Encoding.Latin1.GetString(Unzip(rest[1..]))) : null,
        "iTXt" => ReadInternational(c.Data),
        _ => null,
    }).OfType<PngText>().ToList();

    private static PngText? ReadInternational(byte[] data)
    {
        var (keyword, rest) = Split(data);
        if (rest.Length < 2)
            return null;
        bool compressed = rest[0] == 1;
        var afterLanguage = rest[2..].AsSpan();
        int languageEnd = afterLanguage.IndexOf((byte)0);
        int translatedEnd = languageEnd < 0 ? -1 : afterLanguage[(languageEnd + 1)..].IndexOf((byte)0);
        if (translatedEnd < 0)
            return null;
        var text = afterLanguage[(languageEnd + 1 + translatedEnd + 1)..].ToArray();
        return new PngText(keyword, Encoding.UTF8.GetString(compressed ? Unzip(text) : text));
    }

    private static (string Keyword, byte[] Remainder) Split(byte[] data)
    {
        int nul = Array.IndexOf(data, (byte)0);
        return nul < 0 ? (Encoding.Latin1.GetString(data), []) : (Encoding.Latin1.GetString(data, 0, nul), data[(nul + 1)..]);
    }

    private static byte[] Unzip(byte[] data)
    {
        using var zlib = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }
}
