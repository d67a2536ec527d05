using System.Security.Cryptography;
using System.Text.Json;
using Workflow.Torch.IO;
using Workflow.Testing;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>Seeded noise against PyTorch's own draws (shared/golden/randn, compared bit for bit).</summary>
[Collection(ProcessWideState.Name)]
public class RandomTests
{
    private const string Fixture = "randn";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(Path.Combine(Golden.Root, Fixture)))
            data.Add("(fixture absent)");
        else
            foreach (var item in Manifest().RootElement.GetProperty("cases").EnumerateArray())
                data.Add(item.GetProperty("name").GetString()!);
        return data;
    }

    [GoldenTheory(Fixture), MemberData(nameof(Cases))]
    public void Manual_seed_then_randn_is_bit_identical_to_pytorch(string name)
    {
        var fixture = Case(name);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(fixture.Seed);
        if (fixture.SecondDraw)
            torch.randn(fixture.Shape, dtype: fixture.Dtype);
        AssertBitIdentical(fixture, torch.randn(fixture.Shape, dtype: fixture.Dtype));
    }

    [GoldenTheory(Fixture), MemberData(nameof(Cases))]
    public void A_seeded_generator_gives_the_same_stream(string name)
    {
        var fixture = Case(name);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator().manual_seed(fixture.Seed);
        if (fixture.SecondDraw)
            torch.randn(fixture.Shape, generator, fixture.Dtype);
        AssertBitIdentical(fixture, torch.randn(fixture.Shape, generator, fixture.Dtype));
    }

    [Fact]
    public void Generators_are_independent_of_the_default_one()
    {
        using var scope = torch.NewDisposeScope();
        using var a = new Generator(5);
        using var b = new Generator(5);
        var first = torch.randn([4], a);
        torch.manual_seed(123);
        torch.randn([100]);
        Assert.True(first.equal(torch.randn([4], b)));
        Assert.Equal(5, a.initial_seed());
        Assert.Equal(Generator.DefaultSeed, new Generator().initial_seed());
    }

    [Fact]
    public void Rand_and_randint_stay_in_range()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1);
        var uniform = torch.rand([1000], generator);
        Assert.True(uniform.ge(0).all().item<bool>() && uniform.lt(1).all().item<bool>());
        var integers = torch.randint(3, 7, [1000], generator);
        Assert.Equal(torch.int64, integers.dtype);
        Assert.Equal(3L, integers.min().item<long>());
        Assert.Equal(6L, integers.max().item<long>());
        var noise = torch.zeros([1000]).normal_(2, 0.5, generator);
        Assert.InRange(noise.mean().item<double>(), 1.9, 2.1);
    }

    [Fact]
    public void A_saved_generator_state_continues_the_stream_where_it_was()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(42);
        torch.randn([7], generator);   // an odd count: the state holds a cached normal sample
        var state = generator.get_state();
        var expected = torch.randn([3, 5], generator);
        torch.randn([100], generator);

        using var restored = new Generator(7).set_state(state);
        Assert.True(expected.equal(torch.randn([3, 5], restored)));
        Assert.True(expected.equal(torch.randn([3, 5], generator.set_state(state))));
        Assert.Equal(torch.uint8, state.dtype);
    }

    [Fact]
    public void A_state_of_the_wrong_size_or_dtype_is_refused()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1);
        var state = generator.get_state();
        Assert.Throws<TorchException>(() => generator.set_state(state.narrow(0, 0, state.shape[0] - 1)));
        Assert.Throws<TorchException>(() => generator.set_state(state.to(torch.int64)));
    }

    /// <summary>The state is PyTorch's own layout: PyTorch's state after the same draws is byte for byte ours, and continues as ours does.</summary>
    [PyTorchFact]
    public void The_state_is_pytorchs_generator_state()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1234);
        torch.randn([5], generator);
        var ours = Convert.ToHexStringLower(generator.get_state().ToArray<byte>());
        var theirs = ReferencePython.Run("-c",
            "import torch; g = torch.Generator().manual_seed(1234); torch.randn(5, generator=g); print(g.get_state().numpy().tobytes().hex())").Trim();
        Assert.Equal(theirs, ours);
    }

    private static void AssertBitIdentical(RandnCase fixture, Tensor actual)
    {
        var bytes = fixture.Dtype == torch.float64
            ? MemoryMarshalBytes(actual.ToArray<double>())
            : MemoryMarshalBytes(actual.ToArray<float>());
        Assert.Equal(fixture.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var file = SafeTensorsFile.Open(Path.Combine(Golden.Folder(Fixture), "randn.safetensors"));
        using var expected = file.Load(fixture.Name);
        Assert.True(expected.equal(actual), $"{fixture.Name}: values differ from randn.safetensors");
        if (fixture.Values.Length > 0)
            Assert.Equal(fixture.Values, actual.ToArray<double>());
    }

    private static byte[] MemoryMarshalBytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private sealed record RandnCase(string Name, long Seed, long[] Shape, ScalarType Dtype, bool SecondDraw, string Sha256, double[] Values);

    private static JsonDocument Manifest() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Golden.Folder(Fixture), "randn.json")));

    private static RandnCase Case(string name)
    {
        using var manifest = Manifest();
        var item = manifest.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        return new RandnCase(
            name,
            (long)item.GetProperty("seed").GetUInt64(),
            item.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray(),
            item.GetProperty("dtype").GetString() == "float64" ? torch.float64 : torch.float32,
            name.Contains(".second_draw.", StringComparison.Ordinal),
            item.GetProperty("sha256_le_bytes").GetString()!,
            item.TryGetProperty("values", out var values) ? values.EnumerateArray().Select(v => v.GetDouble()).ToArray() : []);
    }
}
