using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class CreationTests
{
    [Theory, OnCpu, OnCuda]
    public void Constant_factories_fill_with_their_value(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        Expect.Equal([0f, 0f, 0f, 0f, 0f, 0f], torch.zeros([2, 3], device: on));
        Expect.Equal([1L, 1L], torch.ones([2], dtype: torch.int64, device: on));
        Expect.Equal([2.5f, 2.5f, 2.5f], torch.full([3], 2.5, device: on));
        Expect.Shape(torch.empty([4, 0, 2], device: on), 4, 0, 2);
        Assert.Equal(on.Type, torch.zeros([1], device: on).device.Type);
    }

    [Fact]
    public void Full_infers_its_dtype_from_the_value_as_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(torch.float32, torch.full([1], 1.5).dtype);
        Assert.Equal(torch.int64, torch.full([1], 7).dtype);
        Assert.Equal(torch.@bool, torch.full([1], true).dtype);
        Assert.Equal(torch.float16, torch.full([1], 7, torch.float16).dtype);
    }

    [Fact]
    public void Like_factories_keep_shape_dtype_and_device()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2, 3], torch.float64);
        var zeros = torch.zeros_like(x);
        Expect.Shape(zeros, 2, 3);
        Assert.Equal(torch.float64, zeros.dtype);
        Assert.Equal(torch.int32, torch.ones_like(x, torch.int32).dtype);
        Expect.Equal([4.0, 4.0, 4.0, 4.0, 4.0, 4.0], torch.full_like(x, 4));
        Expect.Shape(torch.empty_like(x), 2, 3);
    }

    [Fact]
    public void Arange_counts_in_int64_for_integers_and_float32_otherwise()
    {
        using var scope = torch.NewDisposeScope();
        var integers = torch.arange(5);
        Assert.Equal(torch.int64, integers.dtype);
        Expect.Equal([0L, 1L, 2L, 3L, 4L], integers);
        var floats = torch.arange(0, 1, 0.25);
        Assert.Equal(torch.float32, floats.dtype);
        Expect.Equal([0f, 0.25f, 0.5f, 0.75f], floats);
        Expect.Equal([10L, 7L, 4L], torch.arange(10, 2, -3));
    }

    [Fact]
    public void Linspace_includes_both_ends()
    {
        using var scope = torch.NewDisposeScope();
        Expect.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], torch.linspace(0, 1, 5));
        Expect.Equal([1.0, 2.0], torch.linspace(1, 2, 2, torch.float64));
    }

    [Theory, OnCpu, OnCuda]
    public void Tensors_from_arrays_round_trip_every_element_type(string device)
    {
        using var scope = torch.NewDisposeScope();
        var on = Device.Parse(device);
        RoundTrip(new[] { 1.5f, -2f, 3.25f, 0f }, torch.float32);
        RoundTrip(new[] { 1.5, -2.0, 1e300, 0.1 }, torch.float64);
        RoundTrip(new[] { (Half)1.5, (Half)(-2), (Half)65504, (Half)0.1 }, torch.float16);
        RoundTrip(new[] { long.MaxValue, -1L, 0L, 42L }, torch.int64);
        RoundTrip(new[] { int.MinValue, -1, 0, 42 }, torch.int32);
        RoundTrip(new short[] { short.MinValue, -1, 0, 42 }, torch.int16);
        RoundTrip(new sbyte[] { sbyte.MinValue, -1, 0, 42 }, torch.int8);
        RoundTrip(new byte[] { 255, 1, 0, 42 }, torch.uint8);
        RoundTrip(new[] { true, false, false, true }, torch.@bool);

        void RoundTrip<T>(T[] values, ScalarType dtype) where T : unmanaged
        {
            var t = torch.tensor(values, [2, 2], device: on);
            Assert.Equal(dtype, t.dtype);
            Expect.Shape(t, 2, 2);
            Assert.Equal(values, t.ToArray<T>());
        }
    }

    [Fact]
    public void Tensor_converts_to_a_requested_dtype_and_checks_the_shape()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor([1, 2, 3], torch.float32);
        Assert.Equal(torch.float32, t.dtype);
        Expect.Equal([1f, 2f, 3f], t);
        Assert.Throws<ArgumentException>(() => torch.tensor([1f, 2f, 3f], [2, 2]));
    }

    [Fact]
    public void Scalar_tensor_has_no_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.scalar_tensor(2.5);
        Assert.Equal(0, t.ndim);
        Assert.Equal(1, t.numel());
        Assert.Equal(2.5, t.item<double>());
    }
}
