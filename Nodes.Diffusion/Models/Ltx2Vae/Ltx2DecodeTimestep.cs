using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// What LTX2Pipeline.__call__ does before decoding with a timestep-conditioned VAE (PR #13881 pipeline_ltx2.py
/// lines 1619-1643): the latents are mixed with noise, (1 − s) · latents + s · noise, and the decoder gets the timestep
/// t for every batch item; s defaults to t. The pipeline's defaults are t = 0 and so no noise.
/// </summary>
public sealed record Ltx2DecodeTimestep(double DecodeTimestep = 0.0, double? DecodeNoiseScale = null)
{
    public double NoiseScale => DecodeNoiseScale ?? DecodeTimestep;

    /// <summary>torch.tensor([decode_timestep] * B), float32: the decoder's temb.</summary>
    public Tensor Timestep(long batchSize, Device device) =>
        torch.full([batchSize], DecodeTimestep, dtype: torch.float32, device: device);

    /// <summary>(1 − s) · latents + s · noise, with s a float32 [B, 1, 1, 1, 1] as the pipeline builds it.</summary>
    public Tensor Mix(Tensor latents, Tensor noise)
    {
        using var scope = torch.NewDisposeScope();
        var scale = torch.full([latents.shape[0], 1, 1, 1, 1], NoiseScale, dtype: latents.dtype, device: latents.device);
        return ((1 - scale) * latents + scale * noise).MoveToOuterDisposeScope();
    }
}
