using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers PerChannelRMSNorm (autoencoder_kl_ltx2.py): each location divided by the root-mean-square of its channels,
/// x / sqrt(mean(x², dim 1) + 1e-8). No weights, and an eps of its own (not resnet_norm_eps).
/// </summary>
internal static class PerChannelRMSNorm
{
    private const double Eps = 1e-8;

    public static Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var meanSquare = x.pow(2).mean(1, keepdim: true);
        return (x / torch.sqrt(meanSquare + Eps)).MoveToOuterDisposeScope();
    }
}
