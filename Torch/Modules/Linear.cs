namespace Workflow.Torch.Modules;

/// <summary>y = x W^T + b (torch.nn.Linear); keys <c>weight</c> [out, in] and <c>bias</c> [out].</summary>
public sealed class Linear : Module, ITensorModule
{
    public Linear(long in_features, long out_features, bool bias = true)
    {
        weight = Parameter("weight", out_features, in_features);
        if (bias)
            this.bias = Parameter("bias", out_features);
    }

    public Tensor weight { get; }

    public Tensor? bias { get; }

    public Tensor Forward(Tensor input) => F.linear(input, WeightOverrides.Resolve(weight), bias);
}
