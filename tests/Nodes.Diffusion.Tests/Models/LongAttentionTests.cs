using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>
/// An attention whose scores would pass <see cref="ClassicAttentionProcessor.LongScoresBytes"/> gives diffusers'
/// result (softmax(q kᵀ · scale) v, within float32 rounding) without ever holding the whole score matrix.
/// </summary>
[Collection(LiveMemory.Name)]
public sealed class LongAttentionTests
{
    [Fact]
    public void A_long_self_attention_keeps_the_result_and_holds_a_fraction_of_the_scores()
    {
        using var generator = new Generator(5);
        var attention = new Attention(new AttentionConfig(QueryDim: 32, Heads: 4, DimHead: 8));
        Workflow.Nodes.Diffusion.Loading.RandomWeights.Fill(attention, generator);
        const int tokens = 4096, batch = 2;
        long scoreBytes = (long)batch * attention.Heads * tokens * tokens * sizeof(float);
        Assert.True(scoreBytes > ClassicAttentionProcessor.LongScoresBytes, "the case must take the long path");
        using var hidden = torch.randn([batch, tokens, 32], generator);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        torch.cpu.reset_peak_memory_stats();
        var before = torch.cpu.memory_allocated();
        using var output = attention.Forward(hidden);
        var added = torch.cpu.max_memory_allocated() - before;

        using var expected = DiffusersMath(attention, hidden);
        Assert.True(added < scoreBytes / 4, $"held {added >> 20} MiB at once; the whole score matrix is {scoreBytes >> 20} MiB");
        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-6), $"max difference {(output - expected).abs().max().item<float>()}");
    }

    /// <summary>AttnProcessor's arithmetic written out: heads to batch, softmax(q kᵀ · scale) v, back, to_out.</summary>
    private static Tensor DiffusersMath(Attention attention, Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        var q = ClassicAttentionProcessor.HeadsToBatch(attention.ToQ.Forward(hidden), attention.Heads);
        var k = ClassicAttentionProcessor.HeadsToBatch(attention.ToK.Forward(hidden), attention.Heads);
        var v = ClassicAttentionProcessor.HeadsToBatch(attention.ToV.Forward(hidden), attention.Heads);
        var probabilities = F.softmax(torch.bmm(q, k.transpose(-1, -2)) * attention.Scale, dim: -1);
        var heads = ClassicAttentionProcessor.BatchToHeads(torch.bmm(probabilities, v), attention.Heads);
        return attention.ToOut.Forward(heads).MoveToOuterDisposeScope();
    }
}
