namespace Workflow.Nodes.Camera.Preview;

/// <summary>A rectangle of the canvas, in pixels.</summary>
internal readonly record struct Rect(int X, int Y, int Width, int Height)
{
    public Rect Inset(int by) => new(X + by, Y + by, Width - 2 * by, Height - 2 * by);

    public Rect Outset(int by) => Inset(-by);

    public bool Contains(Rect other) =>
        other.X >= X && other.Y >= Y && other.X + other.Width <= X + Width && other.Y + other.Height <= Y + Height;

    /// <summary>True when the two share a pixel or touch.</summary>
    public bool Overlaps(Rect other) =>
        X <= other.X + other.Width && other.X <= X + Width && Y <= other.Y + other.Height && other.Y <= Y + Height;
}

/// <summary>Plane coordinates (right, up) of a view to canvas pixels: <see cref="Scale"/> pixels per world unit, centred in a rectangle.</summary>
internal sealed record PanelTransform(Rect Area, double CentreRight, double CentreUp, double Scale)
{
    public Point ToCanvas((double Right, double Up) p) =>
        new(Area.X + Area.Width / 2.0 + (p.Right - CentreRight) * Scale, Area.Y + Area.Height / 2.0 - (p.Up - CentreUp) * Scale);

    /// <summary>The world range the area shows along screen right and up.</summary>
    public (double Left, double Right, double Bottom, double Top) Visible => (
        CentreRight - Area.Width / 2.0 / Scale, CentreRight + Area.Width / 2.0 / Scale,
        CentreUp - Area.Height / 2.0 / Scale, CentreUp + Area.Height / 2.0 / Scale);
}
