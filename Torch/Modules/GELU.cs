namespace Workflow.Torch.Modules;

/// <summary>torch.nn.GELU.</summary>
public sealed class GELU(GeluApproximate approximate = GeluApproximate.None) : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => F.gelu(input, approximate);
}
