using Workflow.Testing;
using Xunit.Sdk;

namespace Workflow.Nodes.Camera.Tests.Support;

/// <summary>Whole-array comparisons whose failures name what was compared, the worst element, its index, the difference and the tolerance.</summary>
internal static class Compare
{
    /// <summary>Every |actual − expected| within <paramref name="tolerance"/> (the fixture's tolerance_max_abs_diff).</summary>
    public static void Within(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance, IReadOnlyList<long>? shape = null)
    {
        SameLength(what, expected, actual);
        var (worst, at) = (0.0, -1);
        for (var i = 0; i < expected.Count; i++)
        {
            var diff = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(diff) || diff > worst)
                (worst, at) = (double.IsNaN(diff) ? double.PositiveInfinity : diff, i);
        }
        if (worst > tolerance)
            throw new XunitException(
                $"{what}: element {Index(at, shape)} is {actual[at]:R}, expected {expected[at]:R}: |diff| {worst:G4} > tolerance {tolerance:G4}");
    }

    /// <summary>
    /// Float32 values equal bit for bit after rounding <paramref name="actual"/> to float32 ('exact' entries: casts and
    /// selections of inputs, and float64 results upstream stores as float32). Two liberties: the sign of zero (upstream's
    /// zeros come out of BLAS matrix products whose summation order decides between −0 and +0), and cancellation
    /// residues, values within a few float32 ulps of the array's largest magnitude (<see cref="CancellationResidue"/>).
    /// </summary>
    public static void ExactFloat32(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual, IReadOnlyList<long>? shape = null)
    {
        SameLength(what, expected, actual);
        var residue = CancellationResidue.Bound(expected.Count == 0 ? 0 : expected.Max(Math.Abs));
        for (var i = 0; i < expected.Count; i++)
        {
            var (want, got) = ((float)expected[i], (float)actual[i]);
            if (BitConverter.SingleToInt32Bits(want) != BitConverter.SingleToInt32Bits(got) && want != got && !CancellationResidue.Both(want, got, residue))
                throw new XunitException(
                    $"{what}: element {Index(i, shape)} is {got:R} as float32, expected exactly {want:R} (|diff| {Math.Abs(got - want):G4}; values within {residue:G3} of zero count as zero)");
        }
    }

    /// <summary>Float64 values equal bit for bit (the sign of zero aside).</summary>
    public static void ExactFloat64(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        SameLength(what, expected, actual);
        for (var i = 0; i < expected.Count; i++)
            if (expected[i] != actual[i])
                throw new XunitException($"{what}: element [{i}] is {actual[i]:R}, expected exactly {expected[i]:R}");
    }

    private static void SameLength(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        if (expected.Count != actual.Count)
            throw new XunitException($"{what}: {actual.Count} values, expected {expected.Count}");
    }

    /// <summary>"[2, 0, 3]" within <paramref name="shape"/>, or the flat index without one.</summary>
    private static string Index(int flat, IReadOnlyList<long>? shape)
    {
        if (shape is null)
            return $"[{flat}]";
        var index = new long[shape.Count];
        for (var d = shape.Count - 1; d >= 0; d--)
            (index[d], flat) = (flat % shape[d], (int)(flat / shape[d]));
        return $"[{string.Join(", ", index)}]";
    }
}
