using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// diffusers AutoencoderKLLTX2Video (PR #13881 @b9fd857, models/autoencoders/autoencoder_kl_ltx2.py), LTX-2's video
/// VAE: videos of 1 + 8k frames ↔ 1 + k latent frames at 32 × 32 pixels per cell. Keys: encoder.*, decoder.*, and the
/// per-channel latents_mean / latents_std buffers SANA-WM normalises with. Tiling (<see cref="Ltx2VaeTiling"/>) is
/// an argument of each call; the tiled paths are in AutoencoderKLLTX2Video.Tiling.cs.
/// </summary>
public sealed partial class AutoencoderKLLTX2Video : Module
{
    private readonly LTX2VideoEncoder3d _encoder;
    private readonly LTX2VideoDecoder3d _decoder;
    private readonly Tensor _latentsMean, _latentsStd;

    public AutoencoderKLLTX2Video(AutoencoderKLLTX2VideoConfig config)
    {
        Config = config.Checked();
        _encoder = Register("encoder", new LTX2VideoEncoder3d(config));
        _decoder = Register("decoder", new LTX2VideoDecoder3d(config));
        _latentsMean = Buffer("latents_mean", torch.zeros([config.LatentChannels]));
        _latentsStd = Buffer("latents_std", torch.ones([config.LatentChannels]));
    }

    public AutoencoderKLLTX2VideoConfig Config { get; }

    public int SpatialCompressionRatio => Config.SpatialCompressionRatio;

    public int TemporalCompressionRatio => Config.TemporalCompressionRatio;

    /// <summary>
    /// Video [B, 3, 1 + 8k, H, W] in [-1, 1] → the latent distribution [B, L, 1 + k, H/32, W/32] (encode(x).latent_dist).
    /// Intermediates are recorded as "encoder.conv_in", "encoder.down_blocks.N", ... (the last tile's, when tiled).
    /// </summary>
    /// <param name="causal">True forces causal padding; null or false leaves encoder_causal (upstream's `causal or is_causal`).</param>
    public DiagonalGaussian Encode(Tensor x, Ltx2VaeTiling tiling, bool? causal = null, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        var call = new TileCall(tiling, SpatialCompressionRatio, causal, PrefixedCapture.Of(capture, "encoder"));
        var frames = x.shape[2];
        var moments = tiling.UseFramewiseDecoding && frames > tiling.TileSampleMinNumFrames ? TemporalTiledEncode(x, call)
            : call.SampleTiled(x.shape[3], x.shape[4]) ? TiledEncode(x, call)
            : _encoder.Forward(x, causal, call.Capture);
        return DiagonalGaussian.FromMoments(moments).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Latents [B, L, T, h, w] as the VAE makes them (denormalised) → video [B, 3, 1 + 8(T − 1), 32h, 32w], roughly in
    /// [-1, 1], unclamped. Intermediates are recorded as "decoder.conv_in", ..., "decoder.conv_out" (before unpatchify).
    /// </summary>
    /// <param name="temb">The decode timestep, one per batch item; needed exactly when the VAE is timestep-conditioned.</param>
    public Tensor Decode(Tensor z, Tensor? temb, Ltx2VaeTiling tiling, bool? causal = null, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        var call = new TileCall(tiling, SpatialCompressionRatio, causal, PrefixedCapture.Of(capture, "decoder"));
        var latentFrames = z.shape[2];
        var decoded = tiling.UseFramewiseDecoding && latentFrames > tiling.TileSampleMinNumFrames / TemporalCompressionRatio ? TemporalTiledDecode(z, temb, call)
            : call.LatentTiled(z.shape[3], z.shape[4]) ? TiledDecode(z, temb, call)
            : _decoder.Forward(z, temb, causal, call.Capture);
        return decoded.MoveToOuterDisposeScope();
    }

    /// <summary>SanaWMPipeline._encode_first_frame's normalisation: (z − latents_mean) · scaling_factor / latents_std, per channel.</summary>
    public Tensor NormalizeLatents(Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, std) = Statistics(z);
        return ((z - mean) * Config.ScalingFactor / std).MoveToOuterDisposeScope();
    }

    /// <summary>SanaWMPipeline._decode_latents' inverse, in its order: latents / scaling_factor · latents_std + latents_mean.</summary>
    public Tensor DenormalizeLatents(Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, std) = Statistics(latents);
        return (latents / Config.ScalingFactor * std + mean).MoveToOuterDisposeScope();
    }

    /// <summary>latents_mean and latents_std shaped [1, L, 1, 1, 1], on <paramref name="like"/>'s device and dtype.</summary>
    private (Tensor Mean, Tensor Std) Statistics(Tensor like) =>
        (_latentsMean.view(1, -1, 1, 1, 1).to(like), _latentsStd.view(1, -1, 1, 1, 1).to(like));
}
