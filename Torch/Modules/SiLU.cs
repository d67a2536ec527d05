namespace Workflow.Torch.Modules;

/// <summary>torch.nn.SiLU, for the weightless slots of a <see cref="Sequential"/> (<c>adaLN_modulation.0</c>).</summary>
public sealed class SiLU : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => F.silu(input);
}
