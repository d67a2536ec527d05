using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>
/// scaled_dot_product_attention on the shapes the fused float32 path (Native/src/attention.cpp, oneDNN's products per
/// block of rows) must treat as PyTorch's math does: fewer queries than keys with and without the causal cut, keys and
/// values broadcast over heads or over q's batch, a single matrix, an empty batch; and the shapes it refuses.
/// </summary>
[Collection(ProcessWideState.Name)]
public class AttentionShapeTests
{
    private const int Width = 16;

    [Theory]
    [InlineData(37, 301, false)]
    [InlineData(37, 301, true)]
    [InlineData(300, 5, true)]
    public void Queries_and_keys_of_different_lengths(int rows, int keys, bool causal)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(21);
        var q = torch.randn([1, 2, rows, Width], generator);
        var k = torch.randn([1, 2, keys, Width], generator);
        var v = torch.randn([1, 2, keys, Width], generator);
        // PyTorch's causal mask is ones(L, S).tril(): query i sees keys 0..i.
        var future = torch.ones([rows, keys], torch.@bool).triu(1);
        var expected = ComposedAttention.Of(q, k, v, scores => causal ? scores.masked_fill(future, double.NegativeInfinity) : scores);
        ComposedAttention.AssertClose(expected, F.scaled_dot_product_attention(q, k, v, is_causal: causal));
    }

    [Fact]
    public void Keys_and_values_broadcast_over_heads_and_over_the_batch()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(22);
        var q = torch.randn([2, 4, 64, Width], generator);
        var k = torch.randn([2, 1, 80, Width], generator);
        var v = torch.randn([2, 1, 80, Width], generator);
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, s => s), F.scaled_dot_product_attention(q, k, v));

        // Keys with more batch than the queries broadcast the queries instead, as matmul does.
        var single = torch.randn([1, 64, Width], generator);
        var keys3 = torch.randn([3, 64, Width], generator);
        var values3 = torch.randn([3, 64, Width], generator);
        ComposedAttention.AssertClose(ComposedAttention.Of(single, keys3, values3, s => s), F.scaled_dot_product_attention(single, keys3, values3));
    }

    [Fact]
    public void One_matrix_and_an_empty_batch()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(23);
        var q = torch.randn([1, 1, 300, Width], generator);
        var kv = torch.randn([1, 1, 300, Width], generator);
        ComposedAttention.AssertClose(ComposedAttention.Of(q, kv, kv, s => s), F.scaled_dot_product_attention(q, kv, kv));

        var empty = torch.randn([0, 64, Width], generator);
        Expect.Shape(F.scaled_dot_product_attention(empty, empty, empty), 0, 64, Width);
    }

    [Fact]
    public void Keys_of_another_width_or_values_of_other_keys_are_refused()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(24);
        var q = torch.randn([2, 64, Width], generator);
        Assert.Throws<TorchException>(() => F.scaled_dot_product_attention(q, q, torch.randn([2, 1, Width], generator)));
        Assert.Throws<TorchException>(() => F.scaled_dot_product_attention(q, torch.randn([2, 64, 1], generator), q));
    }
}
