using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ComparisonTests
{
    [Theory, OnCpu, OnCuda]
    public void Comparisons_return_bool_tensors(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var x = torch.tensor([1f, 2f, 3f], device: on);
        var y = torch.tensor([3f, 2f, 1f], device: on);
        Assert.Equal(torch.@bool, x.eq(y).dtype);
        Expect.Equal([false, true, false], x.eq(y));
        Expect.Equal([true, false, true], x.ne(y));
        Expect.Equal([true, false, false], x.lt(y));
        Expect.Equal([true, true, false], x.le(y));
        Expect.Equal([false, false, true], x.gt(y));
        Expect.Equal([false, true, true], x.ge(y));
        Expect.Equal([false, true, true], x.gt(1.5));
        Expect.Equal([true, false, false], x.eq(1));
    }

    [Fact]
    public void Logic_combines_masks()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([true, true, false, false]);
        var b = torch.tensor([true, false, true, false]);
        Expect.Equal([true, false, false, false], a.logical_and(b));
        Expect.Equal([true, true, true, false], a.logical_or(b));
        Expect.Equal([false, false, true, true], a.logical_not());
        var special = torch.tensor([1f, float.NaN, float.PositiveInfinity]);
        Expect.Equal([false, true, false], special.isnan());
        Expect.Equal([false, false, true], special.isinf());
    }

    [Fact]
    public void Where_and_masked_fill_select_elementwise()
    {
        using var scope = torch.NewDisposeScope();
        var condition = torch.tensor([true, false, true]);
        var x = torch.tensor([1f, 2f, 3f]);
        var y = torch.tensor([-1f, -2f, -3f]);
        Expect.Equal([1f, -2f, 3f], torch.where(condition, x, y));
        Expect.Equal([1f, 0f, 3f], torch.where(condition, x, 0));
        Expect.Equal([9f, 2f, 9f], x.masked_fill(condition, 9));
        x.masked_fill_(condition.logical_not(), float.NegativeInfinity);
        Expect.Equal([1f, float.NegativeInfinity, 3f], x);
    }

    [Fact]
    public void Closeness_uses_absolute_and_relative_tolerances()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([1.0, 100.0]);
        var b = torch.tensor([1.0 + 1e-9, 100.01]);
        Expect.Equal([true, false], a.isclose(b));
        Assert.True(a.allclose(b, rtol: 1e-3));
        Assert.True(a.equal(a.clone()));
        Assert.False(a.equal(b));
        Assert.False(a.equal(a.view(2, 1)));
    }
}
