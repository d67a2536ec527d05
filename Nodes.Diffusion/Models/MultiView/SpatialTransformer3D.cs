using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// MVDream's SpatialTransformer3D (mvdream/ldm/modules/attention.py @c6a4d39): GroupNorm(32, eps 1e-6), proj_in (a
/// Linear on the flattened tokens with use_linear, else a 1x1 conv), the <see cref="BasicTransformerBlock3D"/>s, proj_out,
/// plus the input. Upstream declares the linear proj_out as Linear(in_channels, inner_dim), which only works because the
/// two are equal; so they are here (heads · head width = channels).
/// </summary>
public sealed class SpatialTransformer3D : Module
{
    private readonly GroupNorm _norm;
    private readonly ITensorModule _projIn, _projOut;
    private readonly ModuleList<BasicTransformerBlock3D> _blocks;
    private readonly bool _linear;

    public SpatialTransformer3D(int channels, MultiViewUNetConfig config)
    {
        var (heads, headDim) = config.Heads(channels);
        _linear = config.UseLinearInTransformer;
        _norm = Register("norm", new GroupNorm(32, channels, eps: 1e-6));
        _projIn = (ITensorModule)Register<Module>("proj_in", _linear ? new Linear(channels, channels) : new Conv2d(channels, channels, kernel_size: 1));
        _blocks = Register("transformer_blocks", new ModuleList<BasicTransformerBlock3D>(
            Enumerable.Range(0, config.TransformerDepth).Select(_ => new BasicTransformerBlock3D(channels, heads, headDim, config.ContextDim, config))));
        _projOut = (ITensorModule)Register<Module>("proj_out", _linear ? new Linear(channels, channels) : new Conv2d(channels, channels, kernel_size: 1));
    }

    public IReadOnlyList<BasicTransformerBlock3D> Blocks => _blocks;

    /// <param name="x">[B·F, C, H, W], F views per sample.</param>
    public Tensor Forward(Tensor x, Tensor context, int numFrames, IAttentionPatch? patch)
    {
        using var scope = torch.NewDisposeScope();
        var (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var hidden = _norm.Forward(x);
        hidden = _linear ? _projIn.Forward(Tokens(hidden)) : Tokens(_projIn.Forward(hidden));
        foreach (var block in _blocks)
            hidden = block.Forward(hidden, context, numFrames, patch);
        hidden = _linear ? FeatureMap(_projOut.Forward(hidden)) : _projOut.Forward(FeatureMap(hidden));
        return (hidden + x).MoveToOuterDisposeScope();

        // b c h w -> b (h w) c, and back.
        Tensor Tokens(Tensor map) => map.permute(0, 2, 3, 1).reshape(b, h * w, c);
        Tensor FeatureMap(Tensor tokens) => tokens.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous();
    }
}
