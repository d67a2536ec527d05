using Workflow.Imaging;

namespace Workflow.Nodes.Camera.Preview;

/// <summary>Sizes of the preview's text, spacing and strokes, grown with the picture (1024 × 512 is the reference).</summary>
internal sealed record PreviewStyle(int FontScale, int Margin, int Padding, double PathWidth, double FrustumWidth, double HeadingWidth, double DotRadius)
{
    public static PreviewStyle For(int width, int height)
    {
        var unit = Math.Clamp(Math.Min(width / 1024.0, height / 512.0), 0.5, 4);
        return new PreviewStyle(
            FontScale: Math.Max(1, (int)Math.Round(2 * unit)),
            Margin: (int)Math.Round(12 * unit),
            Padding: (int)Math.Round(28 * unit),
            PathWidth: 2 * unit,
            FrustumWidth: 1.4 * unit,
            HeadingWidth: 3 * unit,
            DotRadius: 5 * unit);
    }

    public int TextHeight => PixelFont.GlyphHeight * FontScale;

    /// <summary>Height of the header and footer bands: a line of text with a margin above and below.</summary>
    public int BandHeight => TextHeight + 2 * Margin;
}
