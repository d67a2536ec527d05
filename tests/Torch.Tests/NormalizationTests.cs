using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class NormalizationTests
{
    [Theory, OnCpu, OnCuda]
    public void Layer_norm_normalises_the_last_dimension(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        double[][] rows = [[1, 2, 3], [2, 4, 7]];
        double[] weight = [1, 2, 3], bias = [0, 0.5, -1];
        var expected = rows.SelectMany(row => Normalise(row, 1e-5).Select((v, i) => v * weight[i] + bias[i])).ToArray();
        var x = torch.tensor(rows.SelectMany(r => r).ToArray(), [2, 3], torch.float32, on);
        var actual = F.layer_norm(x, [3], torch.tensor(weight, torch.float32, on), torch.tensor(bias, torch.float32, on), 1e-5);
        Expect.Close(expected, actual, atol: 1e-5);
        Expect.Close(rows.SelectMany(r => Normalise(r, 1e-5)).ToArray(), F.layer_norm(x, [3]), atol: 1e-5);
    }

    [Fact]
    public void Group_norm_normalises_each_group_of_channels()
    {
        using var scope = torch.NewDisposeScope();
        // [1, 4, 1, 2]: group 0 is channels 0-1 (values 0..3), group 1 channels 2-3 (values 4..7)
        var x = torch.arange(8, dtype: torch.float32).view(1, 4, 1, 2);
        double[] weight = [1, 2, 3, 4], bias = [0, 1, 0, 1];
        var normalised = Normalise([0, 1, 2, 3], 1e-6).Concat(Normalise([4, 5, 6, 7], 1e-6)).ToArray();
        var expected = normalised.Select((v, i) => v * weight[i / 2] + bias[i / 2]).ToArray();
        Expect.Close(expected, F.group_norm(x, 2, torch.tensor(weight, torch.float32), torch.tensor(bias, torch.float32), 1e-6), atol: 1e-5);
        Assert.Throws<TorchException>(() => F.group_norm(x, 3));
    }

    /// <summary>A channels-last bfloat16 view (diffusers' attention output) is normalised as well as a contiguous one.</summary>
    [Fact]
    public void Group_norm_of_a_channels_last_bfloat16_view_is_as_accurate_as_of_a_contiguous_one()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(0);
        var view = torch.randn([2, 64 * 64, 32], generator: generator).transpose(1, 2).reshape(2, 32, 64, 64);
        Assert.False(view.is_contiguous());
        var exact = F.group_norm(view.to(torch.float64), 8);
        var contiguous = F.group_norm(view.contiguous().to(torch.bfloat16), 8).to(torch.float64);
        var bfloat16View = view.to(torch.bfloat16);
        Assert.False(bfloat16View.is_contiguous(), "the conversion keeps the channels-last strides");
        var channelsLast = F.group_norm(bfloat16View, 8).to(torch.float64);
        double contiguousError = (contiguous - exact).abs().max().item<double>();
        double channelsLastError = (channelsLast - exact).abs().max().item<double>();
        Assert.True(contiguousError < 0.1, $"bfloat16 rounding of a unit-normal group norm: {contiguousError}");
        Assert.True(channelsLastError <= contiguousError, $"channels-last view {channelsLastError} against contiguous {contiguousError}");
    }

    [Fact]
    public void Rms_norm_divides_by_the_root_mean_square()
    {
        using var scope = torch.NewDisposeScope();
        double[] values = [1, 2, 3, 4];
        var rms = Math.Sqrt(values.Average(v => v * v) + 1e-6);
        double[] weight = [1, 0.5, 2, 1];
        var x = torch.tensor(values, torch.float32);
        Expect.Close(values.Select((v, i) => v / rms * weight[i]).ToArray(), F.rms_norm(x, [4], torch.tensor(weight, torch.float32), 1e-6), atol: 1e-6);
        // eps defaults to float32's machine epsilon
        var defaultRms = Math.Sqrt(values.Average(v => v * v) + 1.1920928955078125e-07);
        Expect.Close(values.Select(v => v / defaultRms).ToArray(), F.rms_norm(x, [4]), atol: 1e-6);
    }

    [Fact]
    public void Rms_norm_on_half_computes_in_float_and_returns_half()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor([1f, 2f, 3f, 4f], [2, 2]).half();
        var y = F.rms_norm(x, [2], eps: 1e-6);
        Assert.Equal(torch.float16, y.dtype);
        Expect.Close([1 / Math.Sqrt(2.5), 2 / Math.Sqrt(2.5), 3 / Math.Sqrt(12.5), 4 / Math.Sqrt(12.5)], y, atol: 1e-3);
    }

    private static double[] Normalise(double[] values, double eps)
    {
        var mean = values.Average();
        var variance = values.Average(v => (v - mean) * (v - mean));
        return values.Select(v => (v - mean) / Math.Sqrt(variance + eps)).ToArray();
    }
}
