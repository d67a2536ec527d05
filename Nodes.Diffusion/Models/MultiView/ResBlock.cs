using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// LDM's ResBlock (bytedance/MVDream mvdream/ldm/modules/diffusionmodules/openaimodel.py @c6a4d39) as MVDream builds
/// it: use_scale_shift_norm=False, no up/down sampling, dropout 0. in_layers = [GroupNorm32, SiLU, conv3x3],
/// emb_layers = [SiLU, Linear] added to every position, out_layers = [GroupNorm32, SiLU, Dropout, conv3x3], plus
/// skip_connection (a 1x1 conv when the channels change, else the identity). The same arithmetic as diffusers'
/// ResnetBlock2D under LDM's key names.
/// </summary>
public sealed class ResBlock : Module
{
    private readonly Sequential _inLayers, _embLayers, _outLayers;
    private readonly Conv2d? _skipConnection;

    public ResBlock(int channels, int embChannels, int outChannels)
    {
        _inLayers = Register("in_layers", new Sequential(
            new GroupNorm(32, channels), new SiLU(), new Conv2d(channels, outChannels, kernel_size: 3, padding: 1)));
        _embLayers = Register("emb_layers", new Sequential(new SiLU(), new Linear(embChannels, outChannels)));
        _outLayers = Register("out_layers", new Sequential(
            new GroupNorm(32, outChannels), new SiLU(), null, new Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1)));
        if (outChannels != channels)
            _skipConnection = Register("skip_connection", new Conv2d(channels, outChannels, kernel_size: 1));
    }

    public Tensor Forward(Tensor x, Tensor emb)
    {
        using var scope = torch.NewDisposeScope();
        var h = _inLayers.Forward(x);
        h = h + _embLayers.Forward(emb).unsqueeze(-1).unsqueeze(-1);
        h = _outLayers.Forward(h);
        var skip = _skipConnection?.Forward(x) ?? x;
        return (skip + h).MoveToOuterDisposeScope();
    }
}
