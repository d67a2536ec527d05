using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// ImageDream's cross-attention with_ip (extern/ImageDream/imagedream/ldm/modules/attention.py
/// MemoryEfficientCrossAttention): besides to_q/to_k/to_v/to_out it owns to_k_ip and to_v_ip. The last ip_dim tokens
/// of the context are the image prompt's; the text tokens before them are attended as usual and the image tokens
/// through the ip projections, added with ip_weight:
/// softmax(q·kᵀ/√d)·v + ip_weight · softmax(q·k_ipᵀ/√d)·v_ip, then to_out. Upstream always splits, so a context
/// without image tokens would lose its last ip_dim text tokens to the image branch: the network always appends them.
/// </summary>
public sealed class ImagePromptAttention : Attention
{
    private readonly int _ipDim;

    public ImagePromptAttention(AttentionConfig config, int ipDim, double ipWeight) : base(config)
    {
        int inner = config.Heads * config.DimHead;
        int contextDim = config.CrossAttentionDim ?? config.QueryDim;
        ToKIp = Register("to_k_ip", new Linear(contextDim, inner, bias: false));
        ToVIp = Register("to_v_ip", new Linear(contextDim, inner, bias: false));
        _ipDim = ipDim;
        Processor = WithIpWeight(ipWeight);
    }

    public Linear ToKIp { get; }

    public Linear ToVIp { get; }

    /// <summary>The math with <paramref name="ipWeight"/> in place of the configured ip_weight (a call's own).</summary>
    public IAttentionProcessor WithIpWeight(double ipWeight) => new ImagePromptProcessor(this, ipWeight);

    private sealed class ImagePromptProcessor(ImagePromptAttention owner, double ipWeight) : IAttentionProcessor
    {
        public Tensor Attend(Attention attention, Tensor hiddenStates, Tensor context)
        {
            using var scope = torch.NewDisposeScope();
            long textTokens = context.shape[1] - owner._ipDim;
            if (textTokens < 0)
                throw new ArgumentException($"ImageDream's cross-attention needs {owner._ipDim} image tokens after the text; the context has {context.shape[1]} tokens.");
            var imageTerm = new ImageTokensTerm(owner.ToKIp, owner.ToVIp, context.narrow(1, textTokens, owner._ipDim), ipWeight);
            return new DecoupledCrossAttention([imageTerm]).Attend(attention, hiddenStates, context.narrow(1, 0, textTokens)).MoveToOuterDisposeScope();
        }
    }
}
