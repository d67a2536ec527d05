using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class DtypeTests
{
    public static TheoryData<ScalarType> AllDtypes =>
        [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.@bool];

    [Theory, MemberData(nameof(AllDtypes))]
    public void Every_dtype_converts_to_and_from_float32_on_cpu(ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var source = torch.tensor([0f, 1f, 2f, 100f]);
        var converted = source.to(dtype);
        Assert.Equal(dtype, converted.dtype);
        Assert.Equal(dtype.ElementSize(), converted.element_size());
        var expected = dtype == torch.@bool ? new[] { 0f, 1f, 1f, 1f } : [0f, 1f, 2f, 100f];
        Expect.Equal(expected, converted.to(torch.float32));
    }

    [Fact]
    public void Half_and_bfloat16_round_as_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        // torch.tensor([1/3]).to(torch.bfloat16).item() == 0.333984375; .half() == 0.333251953125
        var third = torch.tensor([1.0 / 3]);
        Assert.Equal(0.333984375, third.bfloat16().item<double>());
        Assert.Equal(0.333251953125, third.half().item<double>());
        Assert.Equal((Half)0.333251953125, third.half().item<Half>());
    }

    [Fact]
    public void Floats_to_integers_truncate_toward_zero()
    {
        using var scope = torch.NewDisposeScope();
        Expect.Equal([2L, -2L, 0L], torch.tensor([2.7f, -2.7f, 0.4f]).@long());
        Expect.Equal([255, 0], torch.tensor([255, 256]).to(torch.uint8).@int());
    }

    [Fact]
    public void Item_reads_a_single_value_in_any_type()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor([7.0f], [1, 1]);
        Assert.Equal(7f, t.item<float>());
        Assert.Equal(7L, t.item<long>());
        Assert.True(t.item<bool>());
    }

    [Fact]
    public void Data_is_the_tensor_memory_itself()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros([3]);
        t.data<float>()[1] = 5f;
        Expect.Equal([0f, 5f, 0f], t);
        Assert.Throws<InvalidOperationException>(() => t.data<double>());
        Assert.Throws<InvalidOperationException>(() => torch.zeros([2, 3]).t().data<float>());
    }

    [Fact]
    public void Bytes_are_the_raw_memory_whatever_the_dtype()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor([1.5f, -2f]);
        Assert.Equal(BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)), t.bytes.ToArray());
        Assert.Equal(4, torch.zeros([2], torch.bfloat16).bytes.Length);
        Assert.Throws<InvalidOperationException>(() => torch.zeros([2, 3]).t().bytes.Length);
    }

    [Fact]
    public void To_without_a_change_shares_the_data()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros([2]);
        var same = t.to(torch.float32);
        same.fill_(3);
        Expect.Equal([3f, 3f], t);
        var copy = t.to(torch.float32, Device.CPU, copy: true);
        copy.fill_(4);
        Expect.Equal([3f, 3f], t);
    }

    [Fact]
    public void Dtypes_print_as_pytorch_names()
    {
        Assert.Equal("torch.bfloat16", torch.bfloat16.ToTorchString());
        Assert.Equal("torch.bool", torch.@bool.ToTorchString());
        using var t = torch.zeros([2, 3], torch.float16);
        Assert.Equal("tensor(shape=[2, 3], dtype=torch.float16, device=cpu)", t.ToString());
    }
}
