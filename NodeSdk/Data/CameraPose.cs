namespace Workflow.NodeSdk.Data;

/// <summary>
/// One camera-to-world rigid transform as a row-major 4×4 matrix in double precision: a rotation (orthonormal,
/// determinant +1) in the upper left 3×3, the camera centre in the last column, exactly (0, 0, 0, 1) below.
/// </summary>
public sealed record CameraPose
{
    /// <summary>
    /// Largest deviation accepted in RᵀR − I and det R − 1. Poses stored as float32 are off by ~1e-7; a matrix off
    /// by more than this is not a rotation, and the closed-form inverse every consumer uses (Rᵀ) would be wrong.
    /// </summary>
    public const double RotationTolerance = 1e-4;

    private readonly double[] _rowMajor;

    /// <param name="rowMajor4x4">16 values, row by row.</param>
    public CameraPose(ReadOnlySpan<double> rowMajor4x4)
    {
        if (rowMajor4x4.Length != 16)
            throw new ArgumentException($"A pose is 16 values (4×4, row-major), not {rowMajor4x4.Length}.");
        _rowMajor = rowMajor4x4.ToArray();
        if (_rowMajor.Any(v => !double.IsFinite(v)))
            throw new ArgumentException($"A pose must be finite: {this}.");
        if (_rowMajor[12] != 0 || _rowMajor[13] != 0 || _rowMajor[14] != 0 || _rowMajor[15] != 1)
            throw new ArgumentException($"A rigid pose's last row is (0, 0, 0, 1): {this}.");
        var error = RotationError();
        if (error > RotationTolerance)
            throw new ArgumentException($"A pose's rotation must be orthonormal with determinant +1 (off by {error:G3}): {this}.");
    }

    public static CameraPose Identity { get; } = new([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

    public double this[int row, int column] => _rowMajor[row * 4 + column];

    /// <summary>The camera centre in world coordinates (the translation column).</summary>
    public (double X, double Y, double Z) Center => (_rowMajor[3], _rowMajor[7], _rowMajor[11]);

    /// <summary>A copy of the 16 values, row by row (MVDream's camera vector is this, as float32).</summary>
    public double[] ToRowMajor() => (double[])_rowMajor.Clone();

    public bool Equals(CameraPose? other) => other is not null && _rowMajor.AsSpan().SequenceEqual(other._rowMajor);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in _rowMajor)
            hash.Add(value);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        "[" + string.Join("; ", Enumerable.Range(0, 4).Select(r => string.Join(", ", _rowMajor.Skip(r * 4).Take(4).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))))) + "]";

    private double RotationError()
    {
        var worst = 0.0;
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                var dot = this[0, i] * this[0, j] + this[1, i] * this[1, j] + this[2, i] * this[2, j];
                worst = Math.Max(worst, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        return Math.Max(worst, Math.Abs(Determinant() - 1));
    }

    private double Determinant() =>
        this[0, 0] * (this[1, 1] * this[2, 2] - this[1, 2] * this[2, 1])
        - this[0, 1] * (this[1, 0] * this[2, 2] - this[1, 2] * this[2, 0])
        + this[0, 2] * (this[1, 0] * this[2, 1] - this[1, 1] * this[2, 0]);
}
