using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>
/// Float32 CPU products large enough that the shim gives them to oneDNN's sgemm where the process has it
/// (Native/src/cpu_gemm.cpp): every operand layout (row-major, transposed view, strided copy), bias and input terms,
/// batches and convolutions with few output positions match the same product in float64 within float32 rounding, and no input is written to.
/// </summary>
[Collection(ProcessWideState.Name)]
public class LargeProductTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void The_backend_is_onednn_exactly_where_the_process_has_oneDNN_loaded()
    {
        bool loaded = File.ReadAllText("/proc/self/maps").Contains("libdnnl.so.2", StringComparison.Ordinal);
        bool keptOnAten = Environment.GetEnvironmentVariable("WORKFLOW_CPU_GEMM") == "aten";
        Assert.Equal(loaded && !keptOnAten ? "onednn" : "aten", torch.cpu.matmul_backend);
    }

    [Fact]
    public void Linear_with_bias_matches_float64()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(11);
        var input = torch.randn([2, 300, 256], generator);
        var weight = torch.randn([384, 256], generator);
        var bias = torch.randn([384], generator);
        var product = F.linear(input, weight, bias);
        Expect.Shape(product, 2, 300, 384);
        AssertMatchesFloat64(product, F.linear(input.to(torch.float64), weight.to(torch.float64), bias.to(torch.float64)));
        AssertMatchesFloat64(F.linear(input, weight), F.linear(input.to(torch.float64), weight.to(torch.float64)));
    }

    [Fact]
    public void Transposed_and_strided_operands_match_float64()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(12);
        var a = torch.randn([256, 640], generator);
        var b = torch.randn([256, 300], generator);
        // aᵀ is stored transposed; every other column of b is neither row- nor column-contiguous.
        var transposed = a.t();
        var strided = b.slice(1, step: 2);
        var expected = transposed.to(torch.float64).mm(strided.to(torch.float64));
        AssertMatchesFloat64(transposed.mm(strided), expected);
        AssertMatchesFloat64(transposed.matmul(strided), expected);
    }

    [Fact]
    public void Batched_products_match_float64_matrix_by_matrix()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(13);
        var a = torch.randn([6, 200, 96], generator);
        var b = torch.randn([6, 120, 96], generator).transpose(1, 2);
        var expected = a.to(torch.float64).bmm(b.to(torch.float64));
        AssertMatchesFloat64(a.bmm(b), expected);
        AssertMatchesFloat64(torch.matmul(a, b), expected);
    }

    [Fact]
    public void Baddbmm_and_addmm_scale_add_their_input_and_leave_it_unchanged()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(14);
        var a = torch.randn([4, 160, 80], generator);
        var b = torch.randn([4, 80, 144], generator);
        var input = torch.randn([1, 160, 144], generator);
        var inputBefore = input.clone();
        var product64 = a.to(torch.float64).bmm(b.to(torch.float64));
        AssertMatchesFloat64(input.baddbmm(a, b, beta: 0.5, alpha: 2), input.to(torch.float64) * 0.5 + product64 * 2);
        // beta = 0: the input is ignored, NaN included.
        AssertMatchesFloat64(torch.baddbmm(torch.full([4, 160, 144], float.NaN), a, b, beta: 0, alpha: 0.25), product64 * 0.25);

        var bias = torch.randn([144], generator);
        var addend = torch.randn([160, 144], generator);
        var addendBefore = addend.clone();
        AssertMatchesFloat64(bias.addmm(a[0], b[0]), bias.to(torch.float64) + product64[0]);
        AssertMatchesFloat64(addend.addmm(a[1], b[1], beta: 2, alpha: 1), addend.to(torch.float64) * 2 + product64[1]);
        Assert.True(input.equal(inputBefore), "baddbmm wrote to its input");
        Assert.True(addend.equal(addendBefore), "addmm wrote to its input");
    }

    [Fact]
    public void A_weight_of_another_width_is_refused_even_where_the_input_would_reshape_to_it()
    {
        // 600x256 reshapes to 1200x128 without complaint; linear must name the mismatch instead.
        using var scope = torch.NewDisposeScope();
        var input = torch.ones([600, 256]);
        var error = Assert.Throws<TorchException>(() => F.linear(input, torch.ones([384, 128])));
        Assert.Contains("shapes cannot be multiplied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_ATen_refuses_are_refused_not_computed_or_crashed_on()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(16);
        var a = torch.randn([64, 64], generator);
        // beta = 0 ignores the input's values, not its shape.
        Assert.Throws<TorchException>(() => torch.randn([3, 5], generator).addmm(a, a, beta: 0));
        Assert.Throws<TorchException>(() => torch.randn([3, 5, 7], generator).baddbmm(a.unsqueeze(0), a.unsqueeze(0), beta: 0));
        // A stride of 0 would divide by zero in the output size.
        Assert.Throws<TorchException>(() => F.conv2d(torch.randn([1, 64, 8, 8], generator), torch.randn([128, 64, 2, 2], generator), stride: 0));
    }

    [Fact]
    public void Edge_shapes_give_what_ATen_gives()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(17);
        // No input features: the product is zeros (plus the bias).
        Expect.Equal(new float[6], F.linear(torch.randn([2, 0], generator), torch.randn([3, 0], generator)));
        // A channels-last input gives a channels-last output, as ATen's convolution does.
        var channelsLast = torch.randn([2, 8, 8, 96], generator).permute(0, 3, 1, 2);
        var output = F.conv2d(channelsLast, torch.randn([128, 96, 3, 3], generator), padding: 1);
        Assert.Equal(1, output.stride()[1]);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(1, 2, 2)]
    public void Small_convolutions_match_float64(int stride, int padding, int dilation)
    {
        // 2 images of 8x8 with 96 channels: few enough output positions to be an im2col and a product per image.
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(15);
        var input = torch.randn([2, 96, 8, 8], generator);
        var weight = torch.randn([128, 96, 3, 3], generator);
        var bias = torch.randn([128], generator);
        var input64 = input.to(torch.float64);
        var weight64 = weight.to(torch.float64);
        AssertMatchesFloat64(F.conv2d(input, weight, bias, stride: stride, padding: padding, dilation: dilation),
            F.conv2d(input64, weight64, bias.to(torch.float64), stride: stride, padding: padding, dilation: dilation));
        AssertMatchesFloat64(F.conv2d(input, weight, stride: stride, padding: padding, dilation: dilation),
            F.conv2d(input64, weight64, stride: stride, padding: padding, dilation: dilation));
    }

    private static void AssertMatchesFloat64(Tensor actual, Tensor expected)
    {
        Assert.Equal(torch.float32, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        double difference = (actual.to(torch.float64) - expected).abs().max().item<double>();
        double scale = Math.Max(expected.abs().max().item<double>(), 1.0);
        Assert.True(difference <= Tolerance * scale, $"differs from the float64 product by {difference} (largest value {scale})");
    }
}
