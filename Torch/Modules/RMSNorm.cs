namespace Workflow.Torch.Modules;

/// <summary>torch.nn.RMSNorm over the last dimension; with <c>elementwise_affine</c>, key <c>weight</c>.</summary>
public sealed class RMSNorm : Module, ITensorModule
{
    private readonly long _size;
    private readonly double? _eps;

    public RMSNorm(long normalized_shape, double? eps = null, bool elementwise_affine = true)
    {
        (_size, _eps) = (normalized_shape, eps);
        if (elementwise_affine)
            weight = Parameter("weight", normalized_shape);
    }

    public Tensor? weight { get; }

    public Tensor Forward(Tensor input) => F.rms_norm(input, [_size], weight, _eps);
}
