using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.IpAdapter;

/// <summary>How an IP-Adapter turns CLIP image features into tokens for the UNet's cross-attention.</summary>
public interface IImageProjection
{
    /// <summary>Tokens per image.</summary>
    int Tokens { get; }

    /// <summary>The image features → [B, tokens, cross_attention_dim].</summary>
    Tensor Forward(Tensor features);
}
