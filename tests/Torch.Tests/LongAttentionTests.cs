using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>
/// Attention over sequences long enough that the shim computes the scores a block of query rows at a time
/// (Native/src/attention.cpp on libtorch 1.13: a few MiB per task with oneDNN's products in float32, 32 MiB per
/// block with ATen's otherwise): the same result as the whole score matrix at once, with the masks and the causal
/// cut following each block, and without holding that matrix.
/// </summary>
[Collection(ProcessWideState.Name)]
public class LongAttentionTests
{
    private const int Batch = 2, Heads = 2, Tokens = 4096, Width = 8;
    private const long WholeScoreBytes = (long)Batch * Heads * Tokens * Tokens * sizeof(float);

    [Fact]
    public void Blocked_rows_give_the_unblocked_result()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs();
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, scores => scores), F.scaled_dot_product_attention(q, k, v));
    }

    [Fact]
    public void A_mask_with_a_row_per_query_is_cut_with_the_rows()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs();
        using var generator = new Generator(5);
        var allowed = torch.rand([Tokens, Tokens], generator).gt(0.3);
        var bias = torch.randn([Batch, 1, Tokens, Tokens], generator);
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, scores => scores.masked_fill(allowed.logical_not(), double.NegativeInfinity)),
            F.scaled_dot_product_attention(q, k, v, allowed));
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, scores => scores + bias), F.scaled_dot_product_attention(q, k, v, bias));
    }

    [Fact]
    public void A_mask_broadcast_over_the_rows_is_used_whole()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs();
        using var generator = new Generator(6);
        var keyBias = torch.randn([Batch, 1, 1, Tokens], generator);
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, scores => scores + keyBias), F.scaled_dot_product_attention(q, k, v, keyBias));
    }

    [Fact]
    public void The_causal_cut_follows_each_block()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs();
        var future = torch.ones([Tokens, Tokens], torch.@bool).triu(1);
        ComposedAttention.AssertClose(ComposedAttention.Of(q, k, v, scores => scores.masked_fill(future, double.NegativeInfinity)),
            F.scaled_dot_product_attention(q, k, v, is_causal: true));
    }

    [Fact]
    public void The_whole_score_matrix_is_never_held()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs();
        var before = torch.cpu.memory_allocated();
        torch.cpu.reset_peak_memory_stats();
        using var output = F.scaled_dot_product_attention(q, k, v);
        var peak = torch.cpu.max_memory_allocated() - before;
        // Unblocked, the scores and their softmax are two whole matrices (WholeScoreBytes each) at once.
        Assert.True(peak < WholeScoreBytes / 2, $"attention over {Tokens} tokens held {peak >> 20} MiB at its peak; the whole score matrix is {WholeScoreBytes >> 20} MiB");
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs()
    {
        using var generator = new Generator(4);
        return (torch.randn([Batch, Heads, Tokens, Width], generator), torch.randn([Batch, Heads, Tokens, Width], generator),
            torch.randn([Batch, Heads, Tokens, Width], generator));
    }
}
