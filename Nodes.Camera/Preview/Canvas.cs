using Workflow.Imaging;

namespace Workflow.Nodes.Camera.Preview;

/// <summary>A point on the canvas, in pixels; (0, 0) is the top-left corner of the top-left pixel.</summary>
internal readonly record struct Point(double X, double Y);

/// <summary>
/// An RGB picture being drawn: anti-aliased lines and discs (coverage from the distance to the shape, blended over
/// what is there), rectangles and bitmap text. Everything outside the canvas is clipped.
/// </summary>
internal sealed class Canvas
{
    private readonly byte[] _rgb;

    public Canvas(int width, int height, Rgb background)
    {
        (Width, Height) = (width, height);
        _rgb = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public RasterImage ToImage() => new(Width, Height, 3, (byte[])_rgb.Clone());

    /// <summary>Another canvas with this one's pixels, to draw on without changing this one.</summary>
    public Canvas Copy() => new(Width, Height, (byte[])_rgb.Clone());

    private Canvas(int width, int height, byte[] rgb) => (Width, Height, _rgb) = (width, height, rgb);

    public void FillRect(int x, int y, int width, int height, Rgb colour)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
            for (var column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
                Blend(column, row, colour, 1);
    }

    public void StrokeRect(int x, int y, int width, int height, Rgb colour)
    {
        FillRect(x, y, width, 1, colour);
        FillRect(x, y + height - 1, width, 1, colour);
        FillRect(x, y, 1, height, colour);
        FillRect(x + width - 1, y, 1, height, colour);
    }

    /// <summary>A segment <paramref name="thickness"/> pixels wide with round ends.</summary>
    public void Line(Point a, Point b, Rgb colour, double thickness)
    {
        var reach = thickness / 2 + 1;
        ForPixelsNear(Math.Min(a.X, b.X) - reach, Math.Min(a.Y, b.Y) - reach, Math.Max(a.X, b.X) + reach, Math.Max(a.Y, b.Y) + reach,
            (x, y, centre) => Blend(x, y, colour, Coverage(DistanceToSegment(centre, a, b), thickness / 2)));
    }

    public void Disc(Point centre, double radius, Rgb colour)
    {
        ForPixelsNear(centre.X - radius - 1, centre.Y - radius - 1, centre.X + radius + 1, centre.Y + radius + 1,
            (x, y, p) => Blend(x, y, colour, Coverage(Math.Sqrt(Square(p.X - centre.X) + Square(p.Y - centre.Y)), radius)));
    }

    /// <summary>Text in <see cref="PixelFont"/>, each font cell <paramref name="scale"/> pixels square, top-left at (x, y).</summary>
    public void Text(string text, int x, int y, Rgb colour, int scale)
    {
        for (var i = 0; i < text.Length; i++)
            for (var row = 0; row < PixelFont.GlyphHeight; row++)
                for (var column = 0; column < PixelFont.GlyphWidth; column++)
                    if (PixelFont.Inked(text[i], column, row))
                        FillRect(x + (i * PixelFont.Advance + column) * scale, y + row * scale, scale, scale, colour);
    }

    public static int TextWidth(string text, int scale) => Math.Max(0, text.Length * PixelFont.Advance - 1) * scale;

    /// <summary>Calls <paramref name="paint"/> for every canvas pixel whose centre lies in the box, with that centre.</summary>
    private void ForPixelsNear(double left, double top, double right, double bottom, Action<int, int, Point> paint)
    {
        for (var y = Math.Max(0, (int)Math.Floor(top)); y <= Math.Min(Height - 1, (int)Math.Ceiling(bottom)); y++)
            for (var x = Math.Max(0, (int)Math.Floor(left)); x <= Math.Min(Width - 1, (int)Math.Ceiling(right)); x++)
                paint(x, y, new Point(x + 0.5, y + 0.5));
    }

    /// <summary>How much of a pixel a shape covers whose edge is <paramref name="distance"/> from its middle line: a one-pixel ramp.</summary>
    private static double Coverage(double distance, double halfWidth) => Math.Clamp(halfWidth + 0.5 - distance, 0, 1);

    private static double DistanceToSegment(Point p, Point a, Point b)
    {
        var (dx, dy) = (b.X - a.X, b.Y - a.Y);
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared == 0 ? 0 : Math.Clamp(((p.X - a.X) * dx + (p.Y - a.Y) * dy) / lengthSquared, 0, 1);
        return Math.Sqrt(Square(p.X - (a.X + t * dx)) + Square(p.Y - (a.Y + t * dy)));
    }

    private static double Square(double v) => v * v;

    private void Blend(int x, int y, Rgb colour, double coverage)
    {
        if (coverage <= 0 || x < 0 || y < 0 || x >= Width || y >= Height)
            return;
        var at = (y * Width + x) * 3;
        var under = new Rgb(_rgb[at], _rgb[at + 1], _rgb[at + 2]);
        var mixed = coverage >= 1 ? colour : Rgb.Lerp(under, colour, coverage);
        (_rgb[at], _rgb[at + 1], _rgb[at + 2]) = (mixed.R, mixed.G, mixed.B);
    }
}
