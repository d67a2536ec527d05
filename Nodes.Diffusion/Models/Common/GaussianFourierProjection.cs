using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers GaussianFourierProjection (v0.27.2 models/embeddings.py) as UNet2DConditionModel builds it for
/// time_embedding_type "fourier" (set_W_to_weight=False, log=False): [cos(2π·t·W), sin(2π·t·W)] with the fixed
/// random frequencies W in the checkpoint's <c>weight</c> (sin first without flip_sin_to_cos). The products run in
/// upstream's order, ((t·W)·2)·π, in the input's dtype.
/// </summary>
public sealed class GaussianFourierProjection : Module
{
    private readonly Tensor _weight;
    private readonly bool _log, _flipSinToCos;

    public GaussianFourierProjection(int embeddingSize, bool log, bool flipSinToCos)
    {
        _weight = Parameter("weight", embeddingSize);
        _log = log;
        _flipSinToCos = flipSinToCos;
    }

    /// <summary>[B] timesteps (noise levels) → [B, 2·embedding_size].</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (_log)
            x = x.log();
        var projection = x.unsqueeze(1) * _weight.unsqueeze(0) * 2 * Math.PI;
        var (first, second) = _flipSinToCos ? (projection.cos(), projection.sin()) : (projection.sin(), projection.cos());
        return torch.cat([first, second], dim: -1).MoveToOuterDisposeScope();
    }
}
