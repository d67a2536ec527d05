namespace Workflow.Imaging;

/// <summary>
/// Bounds on what reading one PNG may cost: a few hundred bytes of header or compressed data must not demand gigabytes.
/// The pixel budget is checked from IHDR before anything is inflated; text chunks are inflated only when kept, and
/// never past <see cref="MaxTextBytes"/>.
/// </summary>
public sealed record PngReadOptions
{
    /// <summary>PIL's DecompressionBombError threshold (2 × Image.MAX_IMAGE_PIXELS), so what ComfyUI refuses we refuse.</summary>
    public const long PilMaxPixels = 178_956_970;

    /// <summary>PIL's MAX_TEXT_MEMORY: all kept text chunks together, after inflating.</summary>
    public const long PilMaxTextBytes = 64L << 20;

    public static PngReadOptions Default { get; } = new();

    /// <summary>Images of more pixels (width × height) are refused before decoding.</summary>
    public long MaxPixels { get; init; } = PilMaxPixels;

    /// <summary>Keywords of the text chunks to keep; the others are skipped unread. Null keeps every text chunk.</summary>
    public IReadOnlySet<string>? TextKeywords { get; init; }

    /// <summary>The most text (all kept chunks, inflated) one file may yield; more is an error, found while inflating.</summary>
    public long MaxTextBytes { get; init; } = PilMaxTextBytes;

    internal bool Keeps(string keyword) => TextKeywords?.Contains(keyword) ?? true;
}
