namespace Workflow.Torch.Modules;

/// <summary>torch.nn.GroupNorm; with <c>affine</c>, keys <c>weight</c> and <c>bias</c> [num_channels].</summary>
public sealed class GroupNorm : Module, ITensorModule
{
    private readonly long _groups;
    private readonly double _eps;

    public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true)
    {
        if (num_channels % num_groups != 0)
            throw new ArgumentException($"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})");
        (_groups, _eps) = (num_groups, eps);
        if (affine)
            (weight, bias) = (Parameter("weight", num_channels), Parameter("bias", num_channels));
    }

    public Tensor? weight { get; }

    public Tensor? bias { get; }

    public Tensor Forward(Tensor input) => F.group_norm(input, _groups, weight, bias, _eps);
}
