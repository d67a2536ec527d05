using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// Decoupled attention to image tokens (IP-Adapter's IPAttnProcessor, ImageDream's attn2 with_ip):
/// weight · softmax(q·k_ipᵀ/√d)·v_ip, with k_ip and v_ip projected from each row's <paramref name="tokens"/> [B, T, D].
/// </summary>
internal sealed class ImageTokensTerm(Linear toKIp, Linear toVIp, Tensor tokens, double weight) : ICrossAttentionTerm
{
    public Tensor Attend(Attention attention, Tensor query)
    {
        using var scope = torch.NewDisposeScope();
        var key = ClassicAttentionProcessor.HeadsToBatch(toKIp.Forward(tokens), attention.Heads);
        var value = ClassicAttentionProcessor.HeadsToBatch(toVIp.Forward(tokens), attention.Heads);
        var output = ClassicAttentionProcessor.BatchToHeads(ClassicAttentionProcessor.AttendHeads(attention, query, key, value), attention.Heads);
        return (output * weight).MoveToOuterDisposeScope();
    }
}
