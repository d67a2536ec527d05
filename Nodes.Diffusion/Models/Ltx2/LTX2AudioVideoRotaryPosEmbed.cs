using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// diffusers LTX2AudioVideoRotaryPosEmbed (transformer_ltx2.py), video modality, for tokens at absolute latent frame
/// positions (SANA-WM's <c>_build_rotary_emb_for_absolute_positions</c>, refiner.py @ b9fd857, which re-implements
/// <c>prepare_video_coords</c> with explicit frames so the sink, the history and the active block keep their places
/// in the clip). Each patch is placed at the midpoint of the pixel span it covers: time in seconds (latent frame f
/// spans pixel frames [8f + 1 − 8, 8f + 1) clamped at 0, divided by fps), rows and columns in pixels; each is divided by
/// its base size (pos_embed_max_pos, base_height, base_width) and becomes angles (2g − 1)·θ^linspace(0, 1, dim/6)·π/2.
/// Weightless.
/// </summary>
public sealed class LTX2AudioVideoRotaryPosEmbed(LTX2VideoTransformerConfig config)
{
    /// <summary>(frame, height, width) coordinates times cos and sin.</summary>
    private const int RopeElements = 6;

    private int Dim => config.InnerDim;

    /// <summary>
    /// The embedding of <paramref name="batch"/> × every patch of the latent frames <paramref name="framePositions"/> at a
    /// height × width latent, computed on the CPU and placed on <paramref name="device"/>.
    /// </summary>
    public RotaryEmbedding ForFrames(int batch, IReadOnlyList<int> framePositions, long height, long width, double fps, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var (cos, sin) = Frequencies(PixelCoordinates(batch, framePositions, height, width, fps));
        return new RotaryEmbedding(cos.to(device).DetachFromDisposeScope(), sin.to(device).DetachFromDisposeScope(), config.RopeType);
    }

    /// <summary>[B, 3, N, 2]: each patch's [start, end) in pixel frames (then seconds), rows and columns.</summary>
    private Tensor PixelCoordinates(int batch, IReadOnlyList<int> framePositions, long height, long width, double fps)
    {
        int pt = config.PatchSizeT, p = config.PatchSize;
        var frames = framePositions.Where((_, i) => i % pt == 0).Select(f => (float)f).ToArray();
        var f = torch.tensor<float>(frames);
        var h = torch.arange(0, height, p, dtype: torch.float32);
        var w = torch.arange(0, width, p, dtype: torch.float32);
        long[] grid = [f.shape[0], h.shape[0], w.shape[0]];
        var starts = torch.stack([
            f.view(-1, 1, 1).expand(grid), h.view(1, -1, 1).expand(grid), w.view(1, 1, -1).expand(grid)], dim: 0);
        var ends = starts + torch.tensor<float>([pt, p, p]).view(3, 1, 1, 1);
        var latentCoords = torch.stack([starts, ends], dim: -1).flatten(1, 3).unsqueeze(0).repeat(batch, 1, 1, 1);
        var scale = torch.tensor<long>([.. config.VaeScaleFactors.Select(s => (long)s)]).view(1, 3, 1, 1);
        var pixel = latentCoords * scale;
        // The VAE's first frame has temporal stride 1, not vae_scale_factors[0]: shift and clamp to stay causal.
        var time = ((pixel.select(1, 0) + config.CausalOffset - config.VaeScaleFactors[0]).clamp(min: 0) / fps).unsqueeze(1);
        return torch.cat([time, pixel.slice(1, 1)], dim: 1);
    }

    /// <summary>LTX2AudioVideoRotaryPosEmbed.forward for video coordinates: (cos, sin) in the configured layout.</summary>
    private (Tensor Cos, Tensor Sin) Frequencies(Tensor coords)
    {
        var chunks = coords.chunk(2, dim: -1);
        var midpoints = ((chunks[0] + chunks[1]) / 2.0).squeeze(-1);
        int[] maxPositions = [config.PosEmbedMaxPos, config.BaseHeight, config.BaseWidth];
        var grid = torch.stack([.. Enumerable.Range(0, 3).Select(i => midpoints.select(1, i) / maxPositions[i])], dim: -1);
        var dtype = config.RopeDoublePrecision ? torch.float64 : torch.float32;
        var powers = torch.pow(config.RopeTheta, torch.linspace(0.0, 1.0, Dim / RopeElements, dtype: dtype));
        var baseFrequencies = (powers * Math.PI / 2.0).to(torch.float32);
        var frequencies = ((grid.unsqueeze(-1) * 2 - 1) * baseFrequencies).transpose(-1, -2).flatten(2);
        return config.RopeType == LTX2RopeType.Interleaved ? Interleaved(frequencies) : Split(frequencies);
    }

    /// <summary>Each angle twice (one per channel of its pair), padded in front to inner_dim with the identity rotation.</summary>
    private (Tensor Cos, Tensor Sin) Interleaved(Tensor frequencies)
    {
        var cos = frequencies.cos().repeat_interleave(2, dim: -1);
        var sin = frequencies.sin().repeat_interleave(2, dim: -1);
        return (PadFront(cos, Dim % RopeElements, 1.0), PadFront(sin, Dim % RopeElements, 0.0));
    }

    /// <summary>One angle per pair, padded in front to inner_dim / 2, then split by head: [B, heads, N, head_dim / 2].</summary>
    private (Tensor Cos, Tensor Sin) Split(Tensor frequencies)
    {
        var pad = Dim / 2 - frequencies.shape[^1];
        Tensor ByHead(Tensor x) => x.reshape(x.shape[0], x.shape[1], config.NumAttentionHeads, -1).transpose(1, 2);
        return (ByHead(PadFront(frequencies.cos(), pad, 1.0)), ByHead(PadFront(frequencies.sin(), pad, 0.0)));
    }

    private static Tensor PadFront(Tensor x, long count, double value) =>
        count == 0 ? x : torch.cat([torch.full([x.shape[0], x.shape[1], count], value, dtype: x.dtype, device: x.device), x], dim: -1);
}
