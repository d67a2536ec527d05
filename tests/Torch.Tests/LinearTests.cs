using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class LinearTests
{
    [Theory, OnCpu, OnCuda]
    public void Linear_is_x_times_weight_transposed_plus_bias(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var weight = torch.tensor([1f, 0f, 0f, 1f, 1f, 1f], [3, 2], device: on);
        var x = torch.tensor([1f, 2f], [1, 2], device: on);
        Expect.Equal([1f, 2f, 4f], F.linear(x, weight, torch.tensor([0f, 0f, 1f], device: on)));
        Expect.Equal([1f, 2f, 3f], F.linear(x, weight));
    }

    [Fact]
    public void Embedding_picks_rows()
    {
        using var scope = torch.NewDisposeScope();
        var weight = torch.arange(6, dtype: torch.float32).view(3, 2);
        Expect.Equal([4f, 5f, 0f, 1f], F.embedding(torch.tensor([2L, 0L]), weight));
        using var module = new Embedding(3, 2);
        module.weight.copy_(weight);
        Expect.Shape(module.Forward(torch.tensor([1L, 1L, 2L], [1, 3])), 1, 3, 2);
    }

    [Fact]
    public void Linear_module_declares_weight_and_optional_bias()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new Linear(2, 3);
        Expect.Shape(layer.weight, 3, 2);
        Expect.Shape(layer.bias!, 3);
        layer.weight.copy_(torch.tensor([1f, 0f, 0f, 1f, 1f, 1f], [3, 2]));
        layer.bias!.zero_();
        Expect.Equal([1f, 2f, 3f], layer.Forward(torch.tensor([1f, 2f])));
        using var noBias = new Linear(2, 3, bias: false);
        Assert.Null(noBias.bias);
    }
}
