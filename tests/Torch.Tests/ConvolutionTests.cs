using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class ConvolutionTests
{
    // 0..8 as [1, 1, 3, 3]
    private static Tensor Image(Device on) => torch.arange(9, dtype: torch.float32, device: on).view(1, 1, 3, 3);

    [Theory, OnCpu, OnCuda]
    public void Conv2d_sums_windows(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        var ones = torch.ones([1, 1, 2, 2], device: on);
        // 2x2 window sums of [[0,1,2],[3,4,5],[6,7,8]] plus the bias
        Expect.Equal([9f, 13f, 21f, 25f], F.conv2d(Image(on), ones, torch.ones([1], device: on)));
        // zero padding 1, stride 2: windows over rows/cols {-1,0}, {-1,0}x{1,2}, {1,2}x{-1,0}, {1,2}x{1,2}
        Expect.Equal([0f, 3f, 9f, 24f], F.conv2d(Image(on), ones, stride: 2, padding: 1));
        // dilation 2 reaches the four corners
        Expect.Equal([16f], F.conv2d(Image(on), ones, dilation: 2));
    }

    [Fact]
    public void Conv2d_takes_per_dimension_arguments_and_groups()
    {
        using var scope = torch.NewDisposeScope();
        var ones = torch.ones([1, 1, 1, 2]);
        Expect.Shape(F.conv2d(Image(Device.CPU), ones, null, [1, 2], [0, 0], [1, 1]), 1, 1, 3, 1);
        Assert.Throws<ArgumentException>(() => F.conv2d(Image(Device.CPU), ones, null, [1], [0, 0], [1, 1]));
        // depthwise: each channel times its own weight
        var input = torch.tensor([1f, 2f], [1, 2, 1, 1]);
        Expect.Equal([3f, 8f], F.conv2d(input, torch.tensor([3f, 4f], [2, 1, 1, 1]), groups: 2));
    }

    [Fact]
    public void Conv1d_and_conv3d_use_one_and_three_spatial_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var signal = torch.tensor([1f, 2f, 3f, 4f], [1, 1, 4]);
        Expect.Equal([-1f, -1f, -1f], F.conv1d(signal, torch.tensor([1f, -1f], [1, 1, 2])));
        Expect.Equal([8f], F.conv3d(torch.ones([1, 1, 2, 2, 2]), torch.ones([1, 1, 2, 2, 2])));
        Expect.Shape(F.conv3d(torch.ones([1, 1, 3, 3, 3]), torch.ones([2, 1, 3, 3, 3]), padding: 1), 1, 2, 3, 3, 3);
    }

    [Fact]
    public void Conv_transpose2d_matches_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        // w = torch.arange(8, dtype=torch.float32).reshape(1, 2, 2, 2) / 10
        // x = torch.tensor([[[[1., 2.], [3., 4.]]]])
        // F.conv_transpose2d(x, w, bias=torch.tensor([0.5, -0.5]), stride=2).flatten().tolist()
        var weight = torch.arange(8, dtype: torch.float32).view(1, 2, 2, 2) / 10;
        var x = torch.tensor([1f, 2f, 3f, 4f], [1, 1, 2, 2]);
        Expect.Close(
            [0.5f, 0.6f, 0.5f, 0.7f, 0.7f, 0.8f, 0.9f, 1.1f, 0.5f, 0.8f, 0.5f, 0.9f, 1.1f, 1.4f, 1.3f, 1.7f,
             -0.1f, 0.0f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.9f, 0.7f, 1.0f, 1.1f, 1.5f, 1.3f, 1.6f, 1.9f, 2.3f],
            F.conv_transpose2d(x, weight, torch.tensor([0.5f, -0.5f]), stride: 2), atol: 1e-6);
        // ... stride=2, padding=1, output_padding=1).shape == [1, 2, 3, 3]
        Expect.Shape(F.conv_transpose2d(x, weight, stride: 2, padding: 1, output_padding: 1), 1, 2, 3, 3);
        Expect.Shape(F.conv_transpose1d(torch.ones([1, 1, 3]), torch.ones([1, 1, 2]), stride: 2), 1, 1, 6);
    }

    /// <summary>In bfloat16 on the CPU (torch 1.13's kernel gets the shape wrong) the float32 result, rounded to bfloat16.</summary>
    [Fact]
    public void Conv_transpose2d_in_bfloat16_gives_the_float32_result_rounded()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(3);
        var x = torch.randn([2, 8, 6, 6], generator: generator).to(torch.bfloat16);
        var weight = torch.randn([8, 1, 4, 4], generator: generator).to(torch.bfloat16);
        var half = F.conv_transpose2d(x, weight, stride: 2, padding: 3, groups: 8);
        var wide = F.conv_transpose2d(x.to(torch.float32), weight.to(torch.float32), stride: 2, padding: 3, groups: 8);
        Assert.Equal(torch.bfloat16, half.dtype);
        Expect.Shape(half, 2, 8, 8, 8);
        Assert.Equal(wide.to(torch.bfloat16).to(torch.float32).ToArray<float>(), half.to(torch.float32).ToArray<float>());
    }

    [Fact]
    public void Conv_modules_declare_weights_and_forward_with_their_arguments()
    {
        using var scope = torch.NewDisposeScope();
        using var conv = new Conv2d(1, 1, 2, stride: 2, padding: 1, bias: false);
        Expect.Shape(conv.weight, 1, 1, 2, 2);
        Assert.Null(conv.bias);
        conv.weight.fill_(1);
        Expect.Equal([0f, 3f, 9f, 24f], conv.Forward(Image(Device.CPU)));
        using var grouped = new Conv1d(4, 8, 3, groups: 2);
        Expect.Shape(grouped.weight, 8, 2, 3);
        using var volume = new Conv3d(2, 3, 3);
        Expect.Shape(volume.weight, 3, 2, 3, 3, 3);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2));
    }
}
