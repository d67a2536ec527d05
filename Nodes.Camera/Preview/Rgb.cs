namespace Workflow.Nodes.Camera.Preview;

/// <summary>An 8-bit RGB colour.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Background => new(246, 246, 243);
    public static Rgb Panel => new(255, 255, 255);
    public static Rgb Border => new(180, 180, 176);
    public static Rgb Grid => new(232, 232, 228);
    public static Rgb Ink => new(40, 40, 44);
    public static Rgb Muted => new(120, 120, 126);
    public static Rgb Path => new(90, 90, 96);
    public static Rgb Start => new(20, 160, 70);
    public static Rgb End => new(210, 40, 40);

    /// <summary>The world axes, colour-coded as every 3-D tool does: x red, y green, z blue.</summary>
    public static Rgb AxisX => new(214, 48, 49);
    public static Rgb AxisY => new(30, 150, 60);
    public static Rgb AxisZ => new(40, 90, 220);

    /// <summary>Frame colours run from blue (first) through purple to orange (last), so the direction of travel shows.</summary>
    public static Rgb AlongPath(double t)
    {
        var (first, middle, last) = (new Rgb(40, 110, 230), new Rgb(150, 60, 190), new Rgb(240, 130, 20));
        return t < 0.5 ? Lerp(first, middle, t * 2) : Lerp(middle, last, t * 2 - 1);
    }

    public static Rgb Lerp(Rgb a, Rgb b, double t) => new(Mix(a.R, b.R, t), Mix(a.G, b.G, t), Mix(a.B, b.B, t));

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * Math.Clamp(t, 0, 1));
}
