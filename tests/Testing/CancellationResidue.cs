namespace Workflow.Testing;

/// <summary>
/// The one liberty an 'exact' comparison of computed floating-point values takes. Where upstream computes in float64
/// and stores float32, an entry that is mathematically zero (a rotation term of cos·sin − sin·cos, a translation that
/// cancels) comes out as a residue such as 1e-16 or −3e-17, whose bits depend only on the order of the float64
/// operations. Such an element is accepted when the expected and the actual value both lie within
/// <see cref="Ulps"/> float32 ulps of the tensor's largest magnitude, the resolution at which the tensor is stored;
/// every other element must be equal.
/// </summary>
public static class CancellationResidue
{
    /// <summary>A few ulps: residues are ~1e-16 of the magnitude, far below one float32 ulp of it.</summary>
    public const int Ulps = 4;

    /// <summary>The magnitude under which a value of a tensor whose largest magnitude is <paramref name="maxAbs"/> counts as zero.</summary>
    public static double Bound(double maxAbs)
    {
        var largest = (float)Math.Abs(maxAbs);
        return Ulps * (double)(MathF.BitIncrement(largest) - largest);
    }

    /// <summary>Whether <paramref name="expected"/> and <paramref name="actual"/> are both residues below <paramref name="bound"/>.</summary>
    public static bool Both(double expected, double actual, double bound) => Math.Abs(expected) <= bound && Math.Abs(actual) <= bound;
}
