using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ArithmeticTests
{
    [Theory, OnCpu, OnCuda]
    public void Binary_operators_broadcast(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var a = torch.tensor([1f, 2f, 3f, 4f, 5f, 6f], [2, 3], device: on);
        var row = torch.tensor([10f, 20f, 30f], device: on);
        var column = torch.tensor([2f, 4f], [2, 1], device: on);
        Expect.Equal([11f, 22f, 33f, 14f, 25f, 36f], a + row);
        Expect.Equal([-9f, -18f, -27f, -6f, -15f, -24f], a - row);
        Expect.Equal([2f, 4f, 6f, 16f, 20f, 24f], a * column);
        Expect.Equal([0.5f, 1f, 1.5f, 1f, 1.25f, 1.5f], a / column);
        Expect.Shape(row + column, 2, 3);
    }

    [Fact]
    public void Scalars_work_on_either_side()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 4f]);
        Expect.Equal([3f, 4f, 6f], x + 2);
        Expect.Equal([3f, 4f, 6f], 2 + x);
        Expect.Equal([0f, -1f, -3f], 1 - x);
        Expect.Equal([-1f, 0f, 2f], x - 2);
        Expect.Equal([0.5f, 1f, 2f], x * 0.5);
        Expect.Equal([0.5f, 1f, 2f], 0.5f * x);
        Expect.Equal([0.5f, 1f, 2f], x / 2);
        Expect.Equal([2f, 1f, 0.5f], 2 / x);
        Expect.Equal([-1f, -2f, -4f], -x);
        Expect.Equal([1f, 2f, 1f], x % 3);
    }

    [Fact]
    public void Scalars_follow_pytorch_type_promotion()
    {
        using var scope = torch.NewDisposeScope();
        var integers = torch.tensor([1L, 2L]);
        Assert.Equal(torch.int64, (integers + 1).dtype);
        Assert.Equal(torch.float32, (integers + 1.5).dtype);
        Assert.Equal(torch.float32, (integers / 2).dtype);
        Assert.Equal(torch.float16, (torch.ones([1], torch.float16) * 3.0).dtype);
        Assert.Equal(torch.float64, (torch.ones([1]) + torch.ones([1], torch.float64)).dtype);
    }

    [Fact]
    public void Alpha_scales_the_second_operand()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor([1f, 1f]);
        var b = torch.tensor([1f, 2f]);
        Expect.Equal([3f, 5f], a.add(b, alpha: 2));
        Expect.Equal([-2f, -5f], a.sub(b, alpha: 3));
    }

    [Fact]
    public void In_place_variants_update_the_tensor_and_return_it()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f]);
        var returned = x.add_(1).mul_(2).sub_(torch.tensor([1f, 1f, 1f])).div_(torch.tensor([1f, 5f, 7f]));
        Assert.Same(x, returned);
        Expect.Equal([3f, 1f, 1f], x);
        x.clamp_(min: 1.5);
        Expect.Equal([3f, 1.5f, 1.5f], x);
        x.pow_(2).add_(x, alpha: -1);
        Expect.Equal([0f, 0f, 0f], x);
        x.fill_(7);
        Expect.Equal([7f, 7f, 7f], x);
        x.zero_();
        Expect.Equal([0f, 0f, 0f], x);
    }

    [Fact]
    public void Copy_converts_and_broadcasts_into_the_destination()
    {
        using var scope = torch.NewDisposeScope();
        var destination = torch.zeros([2, 2], torch.float64);
        destination.copy_(torch.tensor([1, 2]));
        Expect.Equal([1.0, 2.0, 1.0, 2.0], destination);
    }

    [Fact]
    public void Powers_maxima_and_interpolation()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f]);
        Expect.Equal([1f, 4f, 9f], x.pow(2));
        Expect.Equal([1f, 4f, 27f], x.pow(x));
        Expect.Equal([2f, 4f, 8f], torch.pow(2, x));
        Expect.Equal([2f, 2f, 3f], x.maximum(torch.full([3], 2f)));
        Expect.Equal([1f, 2f, 2f], torch.minimum(x, torch.full([3], 2f)));
        Expect.Equal([2.5f, 3f, 3.5f], x.lerp(torch.full([3], 4f), 0.5));
    }
}
