namespace Workflow.Torch.Modules;

/// <summary>A module mapping one tensor to one tensor, as the layers in a <see cref="Sequential"/>.</summary>
public interface ITensorModule
{
    Tensor Forward(Tensor input);
}
