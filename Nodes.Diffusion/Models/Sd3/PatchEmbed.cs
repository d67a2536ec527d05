using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers PatchEmbed as SD3 uses it (v0.30 models/embeddings.py, pos_embed_max_size set): a strided convolution
/// makes one token per patch, row-major, and the stored M×M sin-cos position table (a persistent buffer, so it comes
/// from the checkpoint) is cropped to the centre h×w window and added (cropped_pos_embed).
/// </summary>
public sealed class PatchEmbed : Module
{
    private readonly Conv2d _proj;
    private readonly Tensor _posEmbed;
    private readonly int _patchSize, _maxSize;

    public PatchEmbed(Sd3TransformerConfig config)
    {
        (_patchSize, _maxSize) = (config.PatchSize, config.PosEmbedMaxSize);
        _proj = Register("proj", new Conv2d(config.InChannels, config.InnerDim, kernel_size: config.PatchSize, stride: config.PatchSize));
        _posEmbed = Buffer("pos_embed", torch.zeros([1, (long)config.PosEmbedMaxSize * config.PosEmbedMaxSize, config.InnerDim]));
    }

    /// <summary>[B, C, H, W] latents → [B, (H/p)·(W/p), D] tokens with their positions.</summary>
    public Tensor Forward(Tensor latent)
    {
        using var scope = torch.NewDisposeScope();
        var tokens = _proj.Forward(latent).flatten(2).transpose(1, 2);
        return (tokens + CroppedPositions(latent.shape[^2] / _patchSize, latent.shape[^1] / _patchSize)).MoveToOuterDisposeScope();
    }

    /// <summary>The centre <paramref name="height"/>×<paramref name="width"/> window of the table: [1, h·w, D].</summary>
    public Tensor CroppedPositions(long height, long width)
    {
        if (height > _maxSize || width > _maxSize)
            throw new ArgumentException($"a latent of {height}×{width} patches is larger than this model's position table ({_maxSize}×{_maxSize}): "
                + $"at most {_maxSize * _patchSize * 8} pixels a side");
        long top = (_maxSize - height) / 2, left = (_maxSize - width) / 2;
        using var table = _posEmbed.reshape(1, _maxSize, _maxSize, -1);
        using var window = table.narrow(1, top, height).narrow(2, left, width);
        return window.reshape(1, -1, window.shape[^1]);
    }
}
