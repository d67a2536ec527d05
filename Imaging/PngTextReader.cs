using System.IO.Compression;
using System.Text;

namespace Workflow.Imaging;

/// <summary>
/// tEXt (Latin-1), zTXt (compressed Latin-1) and iTXt (UTF-8, maybe compressed) chunks. The keyword is read first: a
/// chunk the caller does not keep is skipped without being inflated; a kept one is inflated no further than what is
/// left of the text budget, so a small chunk cannot expand into gigabytes.
/// </summary>
internal sealed class PngTextReader(PngReadOptions options)
{
    /// <summary>A keyword is 1 to 79 Latin-1 bytes, then a NUL (spec §11.3.4.3).</summary>
    private const int MaxKeywordBytes = 79;

    private long _kept;

    public List<PngText> Texts { get; } = [];

    public static bool IsText(string type) => type is "tEXt" or "zTXt" or "iTXt";

    public void Read(PngChunkReader chunk)
    {
        var head = new byte[Math.Min(chunk.Remaining, MaxKeywordBytes + 1)];
        for (int at = 0; at < head.Length;)
            at += chunk.Read(head.AsSpan(at));
        int nul = Array.IndexOf(head, (byte)0);
        var keyword = nul > 0 ? Encoding.Latin1.GetString(head, 0, nul) : null;
        if (keyword is null || !options.Keeps(keyword))
        {
            chunk.Skip();
            return;
        }
        if (chunk.Remaining > options.MaxTextBytes - _kept)
            throw TooLarge(chunk.Type, keyword);
        byte[] rest = [.. head.AsSpan(nul + 1), .. chunk.ReadRest()];
        var text = chunk.Type switch
        {
            "tEXt" => Encoding.Latin1.GetString(Count(rest, chunk.Type, keyword)),
            "zTXt" => rest.Length > 0 ? Encoding.Latin1.GetString(Inflate(rest[1..], chunk.Type, keyword)) : null,
            _ => ReadInternational(rest, keyword),
        };
        if (text is not null)
            Texts.Add(new PngText(keyword, text));
    }

    private string? ReadInternational(byte[] rest, string keyword)
    {
        if (rest.Length < 2)
            return null;
        bool compressed = rest[0] == 1;
        var afterLanguage = rest.AsSpan(2);
        int languageEnd = afterLanguage.IndexOf((byte)0);
        int translatedEnd = languageEnd < 0 ? -1 : afterLanguage[(languageEnd + 1)..].IndexOf((byte)0);
        if (translatedEnd < 0)
            return null;
        var text = afterLanguage[(languageEnd + 1 + translatedEnd + 1)..].ToArray();
        return Encoding.UTF8.GetString(compressed ? Inflate(text, "iTXt", keyword) : Count(text, "iTXt", keyword));
    }

    private byte[] Count(byte[] text, string type, string keyword)
    {
        _kept += text.Length;
        return _kept <= options.MaxTextBytes ? text : throw TooLarge(type, keyword);
    }

    /// <summary>Inflates until the text budget is spent; one byte more is the error.</summary>
    private byte[] Inflate(byte[] compressed, string type, string keyword)
    {
        long allowed = options.MaxTextBytes - _kept;
        using var output = new MemoryStream();
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var buffer = new byte[64 << 10];
            for (int read; (read = zlib.Read(buffer)) > 0;)
            {
                if (output.Length + read > allowed)
                    throw TooLarge(type, keyword);
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new PngException($"{type} chunk '{keyword}' is not valid zlib data: {ex.Message}");
        }
        _kept += output.Length;
        return output.ToArray();
    }

    private PngException TooLarge(string type, string keyword) =>
        new($"{type} chunk '{keyword}' takes the text past the limit of {options.MaxTextBytes:N0} bytes");
}
