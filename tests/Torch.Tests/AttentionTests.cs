using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class AttentionTests
{
    private const int B = 2, H = 3, L = 4, S = 5, E = 8;

    [Theory, OnCpu, OnCuda]
    public void Attention_matches_a_direct_computation(string device)
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs(Device.Parse(device));
        Expect.Close(Reference(q, k, v, (_, _) => 0, 1 / Math.Sqrt(E)), F.scaled_dot_product_attention(q, k, v), atol: 1e-5);
        Expect.Close(Reference(q, k, v, (_, _) => 0, 0.3), F.scaled_dot_product_attention(q, k, v, scale: 0.3), atol: 1e-5);
    }

    [Fact]
    public void A_float_mask_is_added_to_the_scores()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs(Device.CPU);
        var bias = torch.arange(L * S, dtype: torch.float32).view(L, S) / 10;
        Expect.Close(Reference(q, k, v, (i, j) => (i * S + j) / 10.0, 1 / Math.Sqrt(E)),
            F.scaled_dot_product_attention(q, k, v, bias), atol: 1e-5);
    }

    [Fact]
    public void A_bool_mask_marks_the_keys_that_may_be_attended()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs(Device.CPU);
        var allowed = torch.tensor(Enumerable.Range(0, L * S).Select(n => n % S != 1).ToArray(), [L, S]);
        Expect.Close(Reference(q, k, v, (_, j) => j == 1 ? double.NegativeInfinity : 0, 1 / Math.Sqrt(E)),
            F.scaled_dot_product_attention(q, k, v, allowed), atol: 1e-5);
    }

    [Fact]
    public void Causal_attention_sees_only_the_past()
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Inputs(Device.CPU);
        var key = k.narrow(2, 0, L);
        var value = v.narrow(2, 0, L);
        Expect.Close(Reference(q, key, value, (i, j) => j > i ? double.NegativeInfinity : 0, 1 / Math.Sqrt(E)),
            F.scaled_dot_product_attention(q, key, value, is_causal: true), atol: 1e-5);
        Assert.Throws<TorchException>(() => F.scaled_dot_product_attention(q, key, value, torch.zeros([L, L]), is_causal: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.scaled_dot_product_attention(q, k, v, dropout_p: 0.1));
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(Device on)
    {
        using var generator = new Generator(3);
        return (torch.randn([B, H, L, E], generator).to(on), torch.randn([B, H, S, E], generator).to(on),
            torch.randn([B, H, S, E], generator).to(on));
    }

    /// <summary>softmax(q k^T * scale + bias(i, j)) v, in double, one (batch, head) at a time.</summary>
    private static double[] Reference(Tensor q, Tensor k, Tensor v, Func<int, int, double> bias, double scale)
    {
        var (qs, ks, vs) = (q.ToArray<double>(), k.ToArray<double>(), v.ToArray<double>());
        var keys = (int)k.size(2);
        var output = new double[B * H * L * E];
        for (var bh = 0; bh < B * H; bh++)
            for (var i = 0; i < L; i++)
            {
                var scores = Enumerable.Range(0, keys).Select(j =>
                    Enumerable.Range(0, E).Sum(e => qs[(bh * L + i) * E + e] * ks[(bh * keys + j) * E + e]) * scale + bias(i, j)).ToArray();
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = weights.Sum();
                for (var e = 0; e < E; e++)
                    output[(bh * L + i) * E + e] = Enumerable.Range(0, keys).Sum(j => weights[j] / total * vs[(bh * keys + j) * E + e]);
            }
        return output;
    }
}
