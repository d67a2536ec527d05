namespace Workflow.Nodes.Camera.Cameras;

/// <summary>A 3-vector in double precision. Operations evaluate in the order numpy does, so results agree to the bit.</summary>
internal readonly record struct Vector3(double X, double Y, double Z)
{
    public static Vector3 Zero => new(0, 0, 0);

    public static Vector3 operator +(Vector3 a, Vector3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3 operator -(Vector3 a, Vector3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3 operator -(Vector3 a) => new(-a.X, -a.Y, -a.Z);

    public static Vector3 operator *(Vector3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static Vector3 operator /(Vector3 a, double s) => new(a.X / s, a.Y / s, a.Z / s);

    public double Dot(Vector3 b) => X * b.X + Y * b.Y + Z * b.Z;

    /// <summary>numpy.cross's formula, term for term.</summary>
    public Vector3 Cross(Vector3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);

    /// <summary>numpy.linalg.norm of a vector: sqrt(x·x).</summary>
    public double Norm() => Math.Sqrt(Dot(this));

    public Vector3 Normalized() => this / Norm();
}
