"""A compact eager port of diffusers v0.27.2's AutoencoderKL (models/autoencoders/autoencoder_kl.py, vae.py's Encoder
and Decoder, UNetMidBlock2D, Down/UpDecoderBlock2D) with AttnProcessor, the path diffusers takes on torch 1.x, for
the references that need SD's VAE where diffusers is not importable. Weights load strictly by diffusers' key names.

Facts carried over: every resnet and norm of the VAE uses eps 1e-6 and no time embedding; the mid-block attention is
one head over all channels with biases, a group norm before it, a residual after it, and its softmax upcast to
float32 (upcast_softmax=True); the encoder's downsamplers pad right and bottom by one and convolve without padding;
encode's log-variance is clamped to [-30, 20].
"""
import torch
import torch.nn.functional as F
from torch import nn

from unet_reference import Attention, ResnetBlock2D, Sampler


class MidBlockAttention(Attention):
    def __init__(self, channels, groups, eps):
        super().__init__(channels, None, 1, channels, bias=True, upcast_softmax=True)
        self.group_norm = nn.GroupNorm(groups, channels, eps)

    def forward(self, x, context=None):
        b, c, h, w = x.shape
        tokens = self.group_norm(x.view(b, c, h * w)).transpose(1, 2)
        # contiguous: diffusers leaves this sum channels-last, and torch 1.13's CPU GroupNorm on channels-last bfloat16
        # loses precision with the spatial size (max error 4.1 against 0.09 contiguous at 2×32×64×64), a kernel defect
        # the measured half-precision spread must not include; in float32 the layout changes nothing
        return (super().forward(tokens).transpose(1, 2).reshape(b, c, h, w) + x).contiguous()


class MidBlock(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, None, groups, 1e-6) for _ in range(2)])
        self.attentions = nn.ModuleList([MidBlockAttention(channels, groups, 1e-6)])

    def forward(self, x):
        return self.resnets[1](self.attentions[0](self.resnets[0](x)))


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class CoderBlock(nn.Module):
    """DownEncoderBlock2D (sample "down") or UpDecoderBlock2D (sample "up"): resnets, then the resampler if any."""

    def __init__(self, cin, cout, layers, groups, sample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(cin if i == 0 else cout, cout, None, groups, 1e-6) for i in range(layers)])
        if sample == "down":
            self.downsamplers = nn.ModuleList([Downsample(cout)])
        elif sample == "up":
            self.upsamplers = nn.ModuleList([Sampler(cout, down=False)])

    def forward(self, x):
        for resnet in self.resnets:
            x = resnet(x)
        for resampler in getattr(self, "downsamplers", []) or getattr(self, "upsamplers", []):
            x = resampler(x)
        return x


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        ch, groups, layers = config["block_out_channels"], config["norm_num_groups"], config["layers_per_block"]
        self.conv_in = nn.Conv2d(config["in_channels"], ch[0], 3, padding=1)
        self.down_blocks = nn.ModuleList([CoderBlock(ch[max(i - 1, 0)], ch[i], layers, groups, "down" if i < len(ch) - 1 else None)
                                          for i in range(len(ch))])
        self.mid_block = MidBlock(ch[-1], groups)
        self.conv_norm_out = nn.GroupNorm(groups, ch[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(ch[-1], 2 * config["latent_channels"], 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)
        for block in self.down_blocks:
            x = block(x)
        return self.conv_out(F.silu(self.conv_norm_out(self.mid_block(x))))


class Decoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        ch, groups, layers = list(reversed(config["block_out_channels"])), config["norm_num_groups"], config["layers_per_block"]
        self.conv_in = nn.Conv2d(config["latent_channels"], ch[0], 3, padding=1)
        self.mid_block = MidBlock(ch[0], groups)
        self.up_blocks = nn.ModuleList([CoderBlock(ch[max(i - 1, 0)], ch[i], layers + 1, groups, "up" if i < len(ch) - 1 else None)
                                        for i in range(len(ch))])
        self.conv_norm_out = nn.GroupNorm(groups, ch[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(ch[-1], config["out_channels"], 3, padding=1)

    def forward(self, z):
        x = self.mid_block(self.conv_in(z))
        for block in self.up_blocks:
            x = block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class AutoencoderKL(nn.Module):
    def __init__(self, config):
        super().__init__()
        latent = config["latent_channels"]
        self.encoder, self.decoder = Encoder(config), Decoder(config)
        self.quant_conv, self.post_quant_conv = nn.Conv2d(2 * latent, 2 * latent, 1), nn.Conv2d(latent, latent, 1)

    def encode(self, image):
        """The latent distribution: (mean, logvar, std)."""
        mean, logvar = torch.chunk(self.quant_conv(self.encoder(image)), 2, dim=1)
        logvar = torch.clamp(logvar, -30.0, 20.0)
        return mean, logvar, torch.exp(0.5 * logvar)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))
