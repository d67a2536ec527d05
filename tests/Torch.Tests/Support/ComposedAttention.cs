namespace Workflow.Torch.Tests.Support;

/// <summary>
/// softmax(edit(q kᵀ / √E)) v from plain operations (matmul, softmax), with the whole score matrix at once: what
/// scaled_dot_product_attention must equal whichever of the shim's paths computes it.
/// </summary>
public static class ComposedAttention
{
    public static Tensor Of(Tensor q, Tensor k, Tensor v, Func<Tensor, Tensor> edit) =>
        F.softmax(edit(q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1])), -1).matmul(v);

    public static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"largest difference {difference}");
    }
}
