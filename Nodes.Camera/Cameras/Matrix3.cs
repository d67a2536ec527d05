namespace Workflow.Nodes.Camera.Cameras;

/// <summary>A 3×3 matrix in double precision, by rows.</summary>
internal readonly record struct Matrix3(Vector3 Row0, Vector3 Row1, Vector3 Row2)
{
    public static Matrix3 Identity => new(new(1, 0, 0), new(0, 1, 0), new(0, 0, 1));

    /// <summary>The matrix whose columns are the given vectors.</summary>
    public static Matrix3 FromColumns(Vector3 c0, Vector3 c1, Vector3 c2) =>
        new(new(c0.X, c1.X, c2.X), new(c0.Y, c1.Y, c2.Y), new(c0.Z, c1.Z, c2.Z));

    /// <summary>[[1, 0, 0], [0, c, −s], [0, s, c]]: a rotation about +X (SANA-WM's pitch, cam_utils._rot_x).</summary>
    public static Matrix3 RotationX(double radians)
    {
        var (c, s) = (Math.Cos(radians), Math.Sin(radians));
        return new(new(1, 0, 0), new(0, c, -s), new(0, s, c));
    }

    /// <summary>[[c, 0, s], [0, 1, 0], [−s, 0, c]]: a rotation about +Y (SANA-WM's yaw, cam_utils._rot_y).</summary>
    public static Matrix3 RotationY(double radians)
    {
        var (c, s) = (Math.Cos(radians), Math.Sin(radians));
        return new(new(c, 0, s), new(0, 1, 0), new(-s, 0, c));
    }

    public Vector3 Column(int index) => index switch
    {
        0 => new(Row0.X, Row1.X, Row2.X),
        1 => new(Row0.Y, Row1.Y, Row2.Y),
        2 => new(Row0.Z, Row1.Z, Row2.Z),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public Matrix3 Transpose() => FromColumns(Row0, Row1, Row2);

    public static Matrix3 operator *(Matrix3 a, Matrix3 b)
    {
        var (c0, c1, c2) = (b.Column(0), b.Column(1), b.Column(2));
        return new(new(a.Row0.Dot(c0), a.Row0.Dot(c1), a.Row0.Dot(c2)),
                   new(a.Row1.Dot(c0), a.Row1.Dot(c1), a.Row1.Dot(c2)),
                   new(a.Row2.Dot(c0), a.Row2.Dot(c1), a.Row2.Dot(c2)));
    }

    public static Vector3 operator *(Matrix3 a, Vector3 v) => new(a.Row0.Dot(v), a.Row1.Dot(v), a.Row2.Dot(v));
}
