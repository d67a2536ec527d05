using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers PixArtAlphaTextProjection (models/embeddings.py) with act_fn "gelu_tanh": linear_1 → GELU (tanh
/// approximation) → linear_2, projecting text-encoder features to the transformer's width.
/// </summary>
public sealed class PixArtAlphaTextProjection : Module
{
    private readonly Linear _linear1, _linear2;

    public PixArtAlphaTextProjection(int inFeatures, int hiddenSize)
    {
        _linear1 = Register("linear_1", new Linear(inFeatures, hiddenSize));
        _linear2 = Register("linear_2", new Linear(hiddenSize, hiddenSize));
    }

    public Tensor Forward(Tensor caption)
    {
        using var scope = torch.NewDisposeScope();
        return _linear2.Forward(F.gelu(_linear1.Forward(caption), GeluApproximate.Tanh)).MoveToOuterDisposeScope();
    }
}
