using Workflow.Nodes.Diffusion.Sampling.Noise;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// torchsde's defining properties, on the port: one path per entropy whatever the order of the queries, increments
/// that add up over adjacent intervals, and variance equal to the interval's length.
/// </summary>
public sealed class BrownianTreeTests
{
    private static readonly long[] Shape = [1, 4, 64, 64];
    private static readonly double[] Points = [14.614643, 9.102908, 5.478391, 3.168643, 1.749414, 0.914141, 0.446862, 0.201434, 0.081874, 0.029167];

    [Fact]
    public void Increments_do_not_depend_on_the_order_of_the_queries()
    {
        using var scope = torch.NewDisposeScope();
        using var descending = new BrownianTree(Shape, Points[^1], Points[0], entropy: 7);
        using var ascending = new BrownianTree(Shape, Points[^1], Points[0], entropy: 7);
        var intervals = Points.Zip(Points.Skip(1), (high, low) => (low, high)).ToArray();

        var forward = intervals.Select(i => descending.Increment(i.low, i.high)).ToArray();
        var backward = intervals.Reverse().Select(i => ascending.Increment(i.low, i.high)).Reverse().ToArray();

        for (int i = 0; i < intervals.Length; i++)
            Assert.True(forward[i].allclose(backward[i], rtol: 0, atol: 1e-5), $"interval {intervals[i]} differs by query order");
    }

    [Fact]
    public void Increments_add_up_and_have_the_interval_length_as_variance()
    {
        using var scope = torch.NewDisposeScope();
        using var tree = new BrownianTree(Shape, Points[^1], Points[0], entropy: 3);
        using var other = new BrownianTree(Shape, Points[^1], Points[0], entropy: 4);
        var (low, middle, high) = (Points[7], Points[4], Points[1]);

        var whole = tree.Increment(low, high);
        var parts = tree.Increment(low, middle) + tree.Increment(middle, high);

        Assert.True(whole.allclose(parts, rtol: 0, atol: 1e-4), "W(a, c) ≠ W(a, b) + W(b, c)");
        Assert.InRange(whole.var().item<float>() / (high - low), 0.95, 1.05);
        Assert.InRange(tree.Increment(middle, high).var().item<float>() / (high - middle), 0.95, 1.05);
        Assert.False(whole.allclose(other.Increment(low, high), rtol: 0, atol: 0.1), "another entropy gives another path");
    }
}
