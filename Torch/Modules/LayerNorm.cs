namespace Workflow.Torch.Modules;

/// <summary>torch.nn.LayerNorm over the last dimension; with <c>elementwise_affine</c>, keys <c>weight</c> and <c>bias</c>.</summary>
public sealed class LayerNorm : Module, ITensorModule
{
    private readonly long _size;
    private readonly double _eps;

    public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true)
    {
        (_size, _eps) = (normalized_shape, eps);
        if (!elementwise_affine)
            return;
        weight = Parameter("weight", normalized_shape);
        if (bias)
            this.bias = Parameter("bias", normalized_shape);
    }

    public Tensor? weight { get; }

    public Tensor? bias { get; }

    public Tensor Forward(Tensor input) => F.layer_norm(input, [_size], weight, bias, _eps);
}
