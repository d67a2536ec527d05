using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Vae;

/// <summary>
/// diffusers AutoencoderKL (v0.27.2 models/autoencoders/autoencoder_kl.py and vae.py): encoder → quant_conv → a
/// diagonal Gaussian over the latents; latents → post_quant_conv → decoder. Keys: encoder.*, decoder.*,
/// quant_conv, post_quant_conv.
/// </summary>
public sealed class AutoencoderKL : Module
{
    private readonly VaeEncoder _encoder;
    private readonly VaeDecoder _decoder;
    private readonly Conv2d? _quantConv, _postQuantConv;

    public AutoencoderKL(AutoencoderKLConfig config)
    {
        Config = config.Checked();
        _encoder = Register("encoder", new VaeEncoder(config));
        _decoder = Register("decoder", new VaeDecoder(config));
        if (config.UseQuantConv)
            _quantConv = Register("quant_conv", new Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, kernel_size: 1));
        if (config.UsePostQuantConv)
            _postQuantConv = Register("post_quant_conv", new Conv2d(config.LatentChannels, config.LatentChannels, kernel_size: 1));
    }

    public AutoencoderKLConfig Config { get; }

    /// <summary>Images [B,3,H,W] in [-1,1] → the latent distribution (latent_dist).</summary>
    public DiagonalGaussian Encode(Tensor images, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        var moments = _encoder.Forward(images, capture);
        if (_quantConv is not null)
            moments = capture.Recorded("quant_conv", _quantConv.Forward(moments));
        return DiagonalGaussian.FromMoments(moments).MoveToOuterDisposeScope();
    }

    /// <summary>Latents (VAE space, without the scaling factor) → images [B,3,H,W], roughly in [-1,1], unclamped.</summary>
    public Tensor Decode(Tensor latents, IIntermediateCapture? capture = null)
    {
        using var scope = torch.NewDisposeScope();
        var z = _postQuantConv is null ? latents : capture.Recorded("post_quant_conv", _postQuantConv.Forward(latents));
        return _decoder.Forward(z, capture).MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers DiagonalGaussianDistribution: mean and log-variance halves of the moments, log-variance clamped to [-30, 20].</summary>
public sealed class DiagonalGaussian(Tensor mean, Tensor logVar) : IDisposable
{
    public Tensor Mean { get; } = mean;
    public Tensor LogVar { get; } = logVar;

    public static DiagonalGaussian FromMoments(Tensor moments)
    {
        var halves = moments.chunk(2, dim: 1);
        return new DiagonalGaussian(halves[0], torch.clamp(halves[1], -30.0, 20.0));
    }

    public Tensor Std() => torch.exp(LogVar * 0.5);

    /// <summary>mean + std · ε with ε from <paramref name="generator"/>.</summary>
    public Tensor Sample(Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var noise = RandnTensor.Like(Mean, generator);
        return (Mean + Std() * noise).MoveToOuterDisposeScope();
    }

    internal DiagonalGaussian MoveToOuterDisposeScope() => new(Mean.MoveToOuterDisposeScope(), LogVar.MoveToOuterDisposeScope());

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
    }
}

/// <summary>diffusers vae.Encoder: conv_in, down blocks, mid block, norm → SiLU → conv_out to twice the latent channels.</summary>
internal sealed class VaeEncoder : Module
{
    private readonly Conv2d _convIn, _convOut;
    private readonly ModuleList<DownEncoderBlock2D> _downBlocks;
    private readonly UNetMidBlock2D _midBlock;
    private readonly GroupNorm _convNormOut;

    public VaeEncoder(AutoencoderKLConfig config)
    {
        var channels = config.BlockOutChannels;
        _convIn = Register("conv_in", new Conv2d(config.InChannels, channels[0], kernel_size: 3, padding: 1));
        _downBlocks = Register("down_blocks", new ModuleList<DownEncoderBlock2D>(channels.Select((output, i) =>
            new DownEncoderBlock2D(i == 0 ? channels[0] : channels[i - 1], output, config.LayersPerBlock, config.NormNumGroups, i < channels.Length - 1))));
        _midBlock = Register("mid_block", new UNetMidBlock2D(channels[^1], config.NormNumGroups));
        _convNormOut = Register("conv_norm_out", new GroupNorm(config.NormNumGroups, channels[^1], eps: 1e-6));
        _convOut = Register("conv_out", new Conv2d(channels[^1], 2 * config.LatentChannels, kernel_size: 3, padding: 1));
    }

    public Tensor Forward(Tensor x, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        x = _convIn.Forward(x);
        for (int i = 0; i < _downBlocks.Count; i++)
            x = capture.Recorded($"encoder.down_blocks.{i}", _downBlocks[i].Forward(x));
        x = capture.Recorded("encoder.mid_block", _midBlock.Forward(x));
        x = _convOut.Forward(F.silu(_convNormOut.Forward(x)));
        return capture.Recorded("encoder.conv_out", x).MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers vae.Decoder: conv_in, mid block, up blocks (in reversed channel order), norm → SiLU → conv_out.</summary>
internal sealed class VaeDecoder : Module
{
    private readonly Conv2d _convIn, _convOut;
    private readonly UNetMidBlock2D _midBlock;
    private readonly ModuleList<UpDecoderBlock2D> _upBlocks;
    private readonly GroupNorm _convNormOut;

    public VaeDecoder(AutoencoderKLConfig config)
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        _convIn = Register("conv_in", new Conv2d(config.LatentChannels, reversed[0], kernel_size: 3, padding: 1));
        _midBlock = Register("mid_block", new UNetMidBlock2D(reversed[0], config.NormNumGroups));
        _upBlocks = Register("up_blocks", new ModuleList<UpDecoderBlock2D>(reversed.Select((output, i) =>
            new UpDecoderBlock2D(i == 0 ? reversed[0] : reversed[i - 1], output, config.LayersPerBlock + 1, config.NormNumGroups, i < reversed.Length - 1))));
        _convNormOut = Register("conv_norm_out", new GroupNorm(config.NormNumGroups, reversed[^1], eps: 1e-6));
        _convOut = Register("conv_out", new Conv2d(reversed[^1], config.OutChannels, kernel_size: 3, padding: 1));
    }

    public Tensor Forward(Tensor z, IIntermediateCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        var x = capture.Recorded("decoder.conv_in", _convIn.Forward(z));
        x = capture.Recorded("decoder.mid_block", _midBlock.Forward(x));
        for (int i = 0; i < _upBlocks.Count; i++)
            x = capture.Recorded($"decoder.up_blocks.{i}", _upBlocks[i].Forward(x));
        return _convOut.Forward(F.silu(_convNormOut.Forward(x))).MoveToOuterDisposeScope();
    }
}
