using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Common;

/// <summary>
/// diffusers' randn_tensor: noise from a generator that may live on another device than the tensor it is for. Seeds
/// are CPU generators (so a seed gives the same image on any device): draw there, then move.
/// </summary>
public static class RandnTensor
{
    /// <summary>Unit Gaussian noise with <paramref name="like"/>'s shape, dtype and device.</summary>
    public static Tensor Like(Tensor like, Generator? generator)
    {
        if (like.device == Device.CPU || generator is null)
            return torch.randn(like.shape, generator, like.dtype, like.device);
        using var drawn = torch.randn(like.shape, generator, like.dtype);
        return drawn.to(like.device);
    }
}
