using Xunit.Sdk;

namespace Workflow.Torch.Tests.Support;

/// <summary>Tensor assertions whose failures name the shape, the worst element and the tolerance.</summary>
public static class Expect
{
    public static void Shape(Tensor actual, params long[] expected) =>
        Assert.True(actual.shape.SequenceEqual(expected),
            $"expected shape [{string.Join(", ", expected)}], got [{string.Join(", ", actual.shape)}]");

    /// <summary>Every element within <paramref name="atol"/> + <paramref name="rtol"/> * |expected|.</summary>
    public static void Close(ReadOnlySpan<double> expected, Tensor actual, double atol = 1e-6, double rtol = 0)
    {
        var values = actual.ToArray<double>();
        if (values.Length != expected.Length)
            throw new XunitException($"expected {expected.Length} values, got {values.Length} ({actual})");
        var (worst, at) = (0.0, -1);
        for (var i = 0; i < values.Length; i++)
        {
            var excess = Math.Abs(values[i] - expected[i]) - (atol + rtol * Math.Abs(expected[i]));
            if (excess > worst || double.IsNaN(values[i]) != double.IsNaN(expected[i]))
                (worst, at) = (Math.Max(excess, worst), i);
        }
        if (at >= 0)
            throw new XunitException(
                $"{actual}: element {at} is {values[at]:R}, expected {expected[at]:R} (|diff| {Math.Abs(values[at] - expected[at]):G3}, atol {atol}, rtol {rtol})");
    }

    public static void Close(ReadOnlySpan<float> expected, Tensor actual, double atol = 1e-6, double rtol = 0)
    {
        var widened = new double[expected.Length];
        for (var i = 0; i < expected.Length; i++)
            widened[i] = expected[i];
        Close(widened, actual, atol, rtol);
    }

    public static void Equal<T>(T[] expected, Tensor actual) where T : unmanaged => Assert.Equal(expected, actual.ToArray<T>());
}
