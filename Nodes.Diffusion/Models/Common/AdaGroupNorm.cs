using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers AdaGroupNorm (v0.27.2 models/normalization.py) without an activation on the embedding: a group norm
/// without affine weights whose scale and shift come from the time embedding, x·(1 + scale) + shift, with
/// [scale, shift] = linear(emb) split in halves along the channels.
/// </summary>
public sealed class AdaGroupNorm : Module
{
    private readonly Linear _linear;
    private readonly int _groups;
    private readonly double _eps;

    public AdaGroupNorm(int embeddingDim, int outDim, int numGroups, double eps = 1e-5)
    {
        _linear = Register("linear", new Linear(embeddingDim, outDim * 2));
        _groups = numGroups;
        _eps = eps;
    }

    public Tensor Forward(Tensor x, Tensor emb)
    {
        using var scope = torch.NewDisposeScope();
        var halves = _linear.Forward(emb).unsqueeze(-1).unsqueeze(-1).chunk(2, dim: 1);
        var normalized = F.group_norm(x, _groups, eps: _eps);
        return (normalized * (halves[0] + 1) + halves[1]).MoveToOuterDisposeScope();
    }
}
