using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ReductionTests
{
    // [[1, 2, 3],
    //  [4, 5, 6]]
    private static Tensor Matrix(Device on) => torch.tensor([1f, 2f, 3f, 4f, 5f, 6f], [2, 3], device: on);

    [Theory, OnCpu, OnCuda]
    public void Sum_and_mean_over_all_or_some_dimensions(string device)
    {
        using var scope = torch.NewDisposeScope();
        var x = Matrix(Device.Parse(device));
        Assert.Equal(21f, x.sum().item<float>());
        Expect.Equal([5f, 7f, 9f], x.sum(0));
        Expect.Equal([6f, 15f], x.sum(-1));
        Expect.Shape(x.sum(1, keepdim: true), 2, 1);
        Assert.Equal(21f, x.sum([0, 1]).item<float>());
        Assert.Equal(3.5f, x.mean().item<float>());
        Expect.Equal([2f, 5f], x.mean(1));
        Assert.Equal(torch.float64, x.sum(0, dtype: torch.float64).dtype);
        Assert.Equal(torch.int64, torch.tensor([1, 2]).sum(0).dtype);
    }

    [Fact]
    public void Variance_and_deviation_are_unbiased_by_default()
    {
        using var scope = torch.NewDisposeScope();
        var x = Matrix(Device.CPU);
        // mean 3.5; sum of squared deviations 17.5 over 6 values
        Assert.Equal(3.5, x.var().item<double>(), 6);
        Assert.Equal(17.5 / 6, x.var(unbiased: false).item<double>(), 6);
        Assert.Equal(Math.Sqrt(3.5), x.std().item<double>(), 6);
        Expect.Close([1.0, 1.0], x.var(1));
        Expect.Close([2.25, 2.25, 2.25], x.var(0, unbiased: false));
        Expect.Shape(x.std([0, 1], keepdim: true), 1, 1);
    }

    [Fact]
    public void Extremes_and_their_indices()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([3f, 9f, 1f, 4f, 0f, 7f], [2, 3]);
        Assert.Equal(9f, x.max().item<float>());
        Assert.Equal(0f, x.min().item<float>());
        var (values, indices) = x.max(1);
        Expect.Equal([9f, 7f], values);
        Expect.Equal([1L, 2L], indices);
        var (minimum, at) = x.min(0, keepdim: true);
        Expect.Shape(minimum, 1, 3);
        Expect.Equal([3f, 0f, 1f], minimum);
        Expect.Equal([0L, 1L, 0L], at);
        Assert.Equal(1L, x.argmax().item<long>());
        Expect.Equal([1L, 2L], x.argmax(1));
        Expect.Equal([0L, 1L, 0L], x.argmin(0));
        Expect.Equal([4f, 9f, 7f], x.amax([0]));
        Expect.Equal([1f, 0f], x.amin([1]));
    }

    [Fact]
    public void Any_and_all_reduce_to_one_bool()
    {
        using var scope = torch.NewDisposeScope();
        var mask = torch.tensor([true, false]);
        Assert.True(mask.any().item<bool>());
        Assert.False(mask.all().item<bool>());
    }

    [Fact]
    public void Scans_accumulate_along_a_dimension()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f, 4f]);
        Expect.Equal([1f, 3f, 6f, 10f], x.cumsum(0));
        Expect.Equal([1f, 2f, 6f, 24f], torch.cumprod(x, 0));
        Expect.Equal([1.0, 2.0, 6.0, 24.0], x.cumprod(0, dtype: torch.float64));
    }

    [Fact]
    public void Norms_are_vector_norms()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([3f, 4f, 0f, 0f], [2, 2]);
        Assert.Equal(5f, x.norm().item<float>());
        Expect.Equal([7f, 0f], x.norm(1, dim: 1));
        Expect.Shape(x.norm(2, 0, keepdim: true), 1, 2);
    }
}
