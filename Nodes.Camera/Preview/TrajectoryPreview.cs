using System.Globalization;
using Workflow.Imaging;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Preview;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>
/// Draws a camera from above and from the side, one panel each at the same scale: the path through every camera
/// centre, frustums coloured from blue (first frame) to orange (last) with the image's top edge drawn heavy, green
/// and red dots at start and end, a grid, and colour-coded world axes (x red, y green, z blue).
/// </summary>
internal static class TrajectoryPreview
{
    public static RasterImage Render(Camera camera, int width, int height)
    {
        var still = DrawStill(camera, width, height);
        still.Canvas.Text(Header(camera), still.Style.Margin, still.Style.Margin, Rgb.Ink, still.Style.FontScale);
        return still.Canvas.ToImage();
    }

    /// <summary>
    /// One picture per pose, for a fly-through video: the still at one scale for every frame, with the path travelled
    /// so far drawn heavy, that frame's camera outlined in ink over its colour, and its number in the header.
    /// </summary>
    public static IEnumerable<RasterImage> RenderFrames(Camera camera, int width, int height)
    {
        var still = DrawStill(camera, width, height);
        var poses = camera.Transforms();
        for (var frame = 0; frame < camera.FrameCount; frame++)
        {
            var canvas = still.Canvas.Copy();
            var header = $"{Header(camera)}   FRAME {frame}/{camera.FrameCount - 1}";
            canvas.Text(header, still.Style.Margin, still.Style.Margin, Rgb.Ink, still.Style.FontScale);
            var current = still.Scene.Place(camera, poses, frame);
            foreach (var (view, panel) in still.Panels)
                DrawCurrent(canvas, still.Scene, current, view, panel, still.Style);
            yield return canvas.ToImage();
        }
    }

    /// <summary>The picture without its header: panels, legend, and where each view landed.</summary>
    private static Still DrawStill(Camera camera, int width, int height)
    {
        var style = PreviewStyle.For(width, height);
        var scene = PreviewScene.Of(camera);
        var canvas = new Canvas(width, height, Rgb.Background);
        var (top, side) = ViewPlane.For(camera.Convention);
        var (topArea, sideArea) = PanelAreas(width, height, style);
        var scale = Math.Min(FitScale(scene, top, topArea.Inset(style.Padding)), FitScale(scene, side, sideArea.Inset(style.Padding)));
        (ViewPlane, PanelTransform)[] panels = [(top, Centred(scene, top, topArea, scale)), (side, Centred(scene, side, sideArea, scale))];
        foreach (var (view, panel) in panels)
            DrawPanel(canvas, scene, view, panel, style);
        DrawLegend(canvas, scene, style);
        return new Still(canvas, style, scene, panels);
    }

    private sealed record Still(Canvas Canvas, PreviewStyle Style, PreviewScene Scene, (ViewPlane View, PanelTransform Panel)[] Panels);

    private static void DrawCurrent(Canvas canvas, PreviewScene scene, PlacedFrustum current, ViewPlane view, PanelTransform panel, PreviewStyle style)
    {
        Point At(Vector3 world) => panel.ToCanvas(view.Project(world));
        for (var i = 1; i <= current.Frame; i++)
            canvas.Line(At(scene.Centres[i - 1]), At(scene.Centres[i]), Rgb.Ink, style.HeadingWidth);
        var (apex, corners) = (At(current.Frustum.Apex), current.Frustum.Corners.Select(At).ToList());
        for (var i = 0; i < 4; i++)
        {
            canvas.Line(apex, corners[i], Rgb.Ink, style.HeadingWidth);
            canvas.Line(corners[i], corners[(i + 1) % 4], Rgb.Ink, style.HeadingWidth);
        }
        canvas.Line(corners[0], corners[1], Rgb.AlongPath(current.Along), style.HeadingWidth);
        canvas.Disc(apex, style.DotRadius, Rgb.AlongPath(current.Along));
    }

    private static (Rect Top, Rect Side) PanelAreas(int width, int height, PreviewStyle style)
    {
        var panelWidth = (width - 3 * style.Margin) / 2;
        var panelHeight = height - 2 * style.BandHeight;
        return (new Rect(style.Margin, style.BandHeight, panelWidth, panelHeight),
                new Rect(2 * style.Margin + panelWidth, style.BandHeight, panelWidth, panelHeight));
    }

    private static string Header(Camera camera)
    {
        var k = camera.Intrinsics;
        var parts = new List<string>
        {
            $"CAMERA: {camera.FrameCount} {(camera.FrameCount == 1 ? "FRAME" : "FRAMES")}",
            camera.Convention.ToString().ToUpperInvariant(),
            k is null ? "NO INTRINSICS" : $"{k.Width}X{k.Height} FX {Number(k.Frames[0].Fx)}",
        };
        if (camera.AppendsReferenceView)
            parts.Add("+ REFERENCE VIEW SLOT");
        return string.Join("   ", parts);
    }

    /// <summary>Pixels per world unit that fit every point of the scene into the area.</summary>
    private static double FitScale(PreviewScene scene, ViewPlane view, Rect area)
    {
        var points = scene.Extent.Select(view.Project).ToList();
        var spanRight = Math.Max(points.Max(p => p.Right) - points.Min(p => p.Right), 1e-9);
        var spanUp = Math.Max(points.Max(p => p.Up) - points.Min(p => p.Up), 1e-9);
        return Math.Min(area.Width / spanRight, area.Height / spanUp);
    }

    private static PanelTransform Centred(PreviewScene scene, ViewPlane view, Rect area, double scale)
    {
        var points = scene.Extent.Select(view.Project).ToList();
        return new PanelTransform(area,
            (points.Max(p => p.Right) + points.Min(p => p.Right)) / 2, (points.Max(p => p.Up) + points.Min(p => p.Up)) / 2, scale);
    }

    private static void DrawPanel(Canvas canvas, PreviewScene scene, ViewPlane view, PanelTransform panel, PreviewStyle style)
    {
        var area = panel.Area;
        canvas.FillRect(area.X, area.Y, area.Width, area.Height, Rgb.Panel);
        DrawGrid(canvas, panel, scene.GridStep);
        canvas.StrokeRect(area.X, area.Y, area.Width, area.Height, Rgb.Border);
        DrawOrigin(canvas, panel.ToCanvas(view.Project(Vector3.Zero)), style);
        foreach (var placed in scene.Frustums)
            DrawFrustum(canvas, placed, view, panel, style);
        DrawPath(canvas, scene, view, panel, style);
        DrawEnds(canvas, scene, view, panel, style);
        var axes = DrawAxes(canvas, view, area, style);
        var title = new Rect(area.X + style.Margin, area.Y + style.Margin, Canvas.TextWidth(view.Title, style.FontScale), style.TextHeight);
        canvas.Text(view.Title, title.X, title.Y, Rgb.Ink, style.FontScale);
        DrawFrameNumbers(canvas, scene, view, panel, style, [axes, title]);
    }

    private static void DrawGrid(Canvas canvas, PanelTransform panel, double step)
    {
        var (left, right, bottom, top) = panel.Visible;
        for (var v = Math.Ceiling(left / step) * step; v <= right; v += step)
        {
            var x = (int)Math.Floor(panel.ToCanvas((v, 0)).X);
            canvas.FillRect(x, panel.Area.Y, 1, panel.Area.Height, Rgb.Grid);
        }
        for (var v = Math.Ceiling(bottom / step) * step; v <= top; v += step)
        {
            var y = (int)Math.Floor(panel.ToCanvas((0, v)).Y);
            canvas.FillRect(panel.Area.X, y, panel.Area.Width, 1, Rgb.Grid);
        }
    }

    private static void DrawOrigin(Canvas canvas, Point origin, PreviewStyle style)
    {
        var arm = 2 * style.DotRadius;
        canvas.Line(origin with { X = origin.X - arm }, origin with { X = origin.X + arm }, Rgb.Muted, style.FrustumWidth);
        canvas.Line(origin with { Y = origin.Y - arm }, origin with { Y = origin.Y + arm }, Rgb.Muted, style.FrustumWidth);
    }

    private static void DrawPath(Canvas canvas, PreviewScene scene, ViewPlane view, PanelTransform panel, PreviewStyle style)
    {
        var points = scene.Centres.Select(c => panel.ToCanvas(view.Project(c))).ToList();
        for (var i = 1; i < points.Count; i++)
            canvas.Line(points[i - 1], points[i], Rgb.Path, style.PathWidth);
    }

    private static void DrawFrustum(Canvas canvas, PlacedFrustum placed, ViewPlane view, PanelTransform panel, PreviewStyle style)
    {
        Point At(Vector3 world) => panel.ToCanvas(view.Project(world));
        var colour = Rgb.AlongPath(placed.Along);
        var f = placed.Frustum;
        var (apex, corners) = (At(f.Apex), f.Corners.Select(At).ToList());
        for (var i = 0; i < 4; i++)
        {
            canvas.Line(apex, corners[i], colour, style.FrustumWidth);
            canvas.Line(corners[i], corners[(i + 1) % 4], colour, style.FrustumWidth);
        }
        canvas.Line(corners[0], corners[1], colour, style.HeadingWidth);   // the image's top edge shows which way is up
    }

    private static void DrawEnds(Canvas canvas, PreviewScene scene, ViewPlane view, PanelTransform panel, PreviewStyle style)
    {
        if (scene.Centres.Count > 1)
            canvas.Disc(panel.ToCanvas(view.Project(scene.Centres[^1])), style.DotRadius, Rgb.End);
        canvas.Disc(panel.ToCanvas(view.Project(scene.Centres[0])), style.DotRadius, Rgb.Start);
    }

    /// <summary>
    /// Each drawn frustum's frame number, set off to one side of the path (not on it) beyond the frustum, on a patch of
    /// the panel's colour; where neither side has room inside the panel, half a margin clear of the numbers already
    /// placed, it is left out.
    /// </summary>
    private static void DrawFrameNumbers(Canvas canvas, PreviewScene scene, ViewPlane view, PanelTransform panel, PreviewStyle style, IEnumerable<Rect> taken)
    {
        var placed = taken.ToList();
        var inside = panel.Area.Inset(2);
        foreach (var frustum in scene.Frustums)
        {
            var text = frustum.Frame.ToString(CultureInfo.InvariantCulture);
            var (width, height) = (Canvas.TextWidth(text, style.FontScale), style.TextHeight);
            var clearance = style.Margin + Math.Max(width, height) / 2.0;
            var box = LabelCentres(scene, frustum, view, panel, clearance)
                .Select(c => new Rect((int)(c.X - width / 2.0), (int)(c.Y - height / 2.0), width, height))
                .Cast<Rect?>()
                .FirstOrDefault(b => inside.Contains(b!.Value) && !placed.Any(other => other.Overlaps(b.Value.Outset(style.Margin / 2))));
            if (box is not { } free)
                continue;
            placed.Add(free);
            canvas.FillRect(free.X - 2, free.Y - 2, free.Width + 4, free.Height + 4, Rgb.Panel);
            canvas.Text(text, free.X, free.Y, Rgb.Lerp(Rgb.AlongPath(frustum.Along), Rgb.Ink, 0.35), style.FontScale);
        }
    }

    /// <summary>
    /// Two places for a camera's number, clear of its frustum: across the path's local direction (down or right of it
    /// first, then the other side); for a camera that only turns, beyond the frustum's far end, then behind its centre.
    /// </summary>
    private static IEnumerable<Point> LabelCentres(PreviewScene scene, PlacedFrustum frustum, ViewPlane view, PanelTransform panel, double clearance)
    {
        Point At(Vector3 world) => panel.ToCanvas(view.Project(world));
        var apex = At(frustum.Frustum.Apex);
        var corners = frustum.Frustum.Corners.Select(At).ToList();
        var (nx, ny) = AwayFromPath(scene, frustum.Frame, At) ?? Unit(corners.Average(c => c.X) - apex.X, corners.Average(c => c.Y) - apex.Y) ?? (1.0, 0.0);
        foreach (var side in new[] { 1.0, -1.0 })
        {
            var reach = corners.Max(c => Math.Max(0, side * ((c.X - apex.X) * nx + (c.Y - apex.Y) * ny)));
            yield return new Point(apex.X + side * nx * (reach + clearance), apex.Y + side * ny * (reach + clearance));
        }
    }

    /// <summary>The screen normal of the path at a frame, pointing down or right; null where the camera does not move.</summary>
    private static (double X, double Y)? AwayFromPath(PreviewScene scene, int frame, Func<Vector3, Point> at)
    {
        var (before, after) = (at(scene.Centres[Math.Max(0, frame - 1)]), at(scene.Centres[Math.Min(scene.Centres.Count - 1, frame + 1)]));
        if (Unit(-(after.Y - before.Y), after.X - before.X) is not { } normal)
            return null;
        return normal.Y < 0 || normal.Y == 0 && normal.X < 0 ? (-normal.X, -normal.Y) : normal;
    }

    private static (double X, double Y)? Unit(double x, double y)
    {
        var length = Math.Sqrt(x * x + y * y);
        return length > 0.5 ? (x / length, y / length) : null;   // under half a pixel has no direction worth drawing by
    }

    /// <summary>Arrows for the two world directions on screen, in the axes' colours, at the panel's bottom-left; returns the corner they take.</summary>
    private static Rect DrawAxes(Canvas canvas, ViewPlane view, Rect area, PreviewStyle style)
    {
        var length = 3.0 * style.Padding;
        var origin = new Point(area.X + style.Margin + style.DotRadius, area.Y + area.Height - style.Margin - style.TextHeight - style.DotRadius);
        DrawArrow(canvas, origin, origin with { X = origin.X + length }, view.RightLabel.Colour, style);
        DrawArrow(canvas, origin, origin with { Y = origin.Y - length }, view.UpLabel.Colour, style);
        var rightLabel = new Point(origin.X + length + style.Margin / 2, origin.Y - style.TextHeight / 2);
        var upLabel = new Point(origin.X - style.DotRadius, origin.Y - length - style.Margin / 2 - style.TextHeight);
        canvas.Text(view.RightLabel.Name, (int)rightLabel.X, (int)rightLabel.Y, view.RightLabel.Colour, style.FontScale);
        canvas.Text(view.UpLabel.Name, (int)upLabel.X, (int)upLabel.Y, view.UpLabel.Colour, style.FontScale);
        var right = (int)rightLabel.X + Canvas.TextWidth(view.RightLabel.Name, style.FontScale);
        return new Rect(area.X, (int)upLabel.Y, right - area.X, area.Y + area.Height - (int)upLabel.Y);
    }

    private static void DrawArrow(Canvas canvas, Point from, Point to, Rgb colour, PreviewStyle style)
    {
        canvas.Line(from, to, colour, style.PathWidth);
        var (dx, dy) = (to.X - from.X, to.Y - from.Y);
        var length = Math.Sqrt(dx * dx + dy * dy);
        var (ux, uy, head) = (dx / length, dy / length, 2.2 * style.DotRadius);
        canvas.Line(to, new Point(to.X - head * (ux - uy * 0.6), to.Y - head * (uy + ux * 0.6)), colour, style.PathWidth);
        canvas.Line(to, new Point(to.X - head * (ux + uy * 0.6), to.Y - head * (uy - ux * 0.6)), colour, style.PathWidth);
    }

    private static void DrawLegend(Canvas canvas, PreviewScene scene, PreviewStyle style)
    {
        var (y, x) = (canvas.Height - style.BandHeight + style.Margin, style.Margin);
        var middle = y + style.TextHeight / 2.0;
        x = LegendDot(canvas, x, middle, Rgb.Start, "START", style);
        x = LegendDot(canvas, x, middle, Rgb.End, "END", style);
        canvas.Text("FIRST", x, y, Rgb.Ink, style.FontScale);
        x += Canvas.TextWidth("FIRST ", style.FontScale);
        var barWidth = 12 * style.Margin;
        for (var i = 0; i < barWidth; i++)
            canvas.FillRect(x + i, y, 1, style.TextHeight, Rgb.AlongPath(i / (barWidth - 1.0)));
        x += barWidth + style.Margin / 2;
        canvas.Text($"LAST FRAME    GRID {Number(scene.GridStep)}", x, y, Rgb.Ink, style.FontScale);
    }

    private static int LegendDot(Canvas canvas, int x, double middle, Rgb colour, string label, PreviewStyle style)
    {
        canvas.Disc(new Point(x + style.DotRadius, middle), style.DotRadius, colour);
        x += (int)(2 * style.DotRadius) + style.Margin / 2;
        canvas.Text(label, x, (int)(middle - style.TextHeight / 2.0), Rgb.Ink, style.FontScale);
        return x + Canvas.TextWidth(label, style.FontScale) + 2 * style.Margin;
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
