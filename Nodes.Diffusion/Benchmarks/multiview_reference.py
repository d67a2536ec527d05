#!/usr/bin/python3
"""The PyTorch side of `workflow bench multiview`: MVDream's MultiViewUNetModel with the same weights and inputs.

An eager port of bytedance/MVDream @c6a4d39 mvdream/ldm/modules/diffusionmodules/openaimodel.py (MultiViewUNetModel,
ResBlock, Downsample, Upsample, TimestepEmbedSequential) and mvdream/ldm/modules/attention.py (CrossAttention, the
non-xformers path; BasicTransformerBlock3D; SpatialTransformer3D), under MVDream's key names, and LDM's DDIM sampling
(ldm/models/diffusion/ddim.py: "uniform" timesteps, eta 0, guidance as one batch). The weights are not read from a
file: they are drawn here exactly as the benchmark draws its own (RandomWeights: parameters in ordinal order of their
names, N(0, 1/fan_in) matrices and kernels from one torch.Generator seeded with SEED, biases 0, scales 1).

usage: multiview_reference.py FOLDER SEED STEPS ROUNDS THREADS [DEVICE]
FOLDER holds config.json (the UNet's unet_config.params), inputs.json (views, guidance, timestep, schedule) and
inputs.safetensors (noise, positive, negative, camera); the script writes outputs.safetensors (unet_output, latents)
and prints one JSON line of timings.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from unet_reference import read_safetensors, write_safetensors  # noqa: E402


def timestep_embedding(timesteps, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half).to(timesteps.device)
    args = timesteps[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class GroupNorm32(nn.GroupNorm):
    def forward(self, x):
        return super().forward(x.float()).type(x.dtype)


class ResBlock(nn.Module):
    def __init__(self, channels, emb_channels, out_channels):
        super().__init__()
        self.in_layers = nn.Sequential(GroupNorm32(32, channels), nn.SiLU(), nn.Conv2d(channels, out_channels, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, out_channels))
        self.out_layers = nn.Sequential(GroupNorm32(32, out_channels), nn.SiLU(), nn.Dropout(p=0), nn.Conv2d(out_channels, out_channels, 3, padding=1))
        self.skip_connection = nn.Identity() if out_channels == channels else nn.Conv2d(channels, out_channels, 1)

    def forward(self, x, emb):
        h = self.in_layers(x)
        h = h + self.emb_layers(emb).type(h.dtype)[..., None, None]
        return self.skip_connection(x) + self.out_layers(h)


class CrossAttention(nn.Module):
    def __init__(self, query_dim, context_dim=None, heads=8, dim_head=64):
        super().__init__()
        inner_dim = dim_head * heads
        context_dim = context_dim or query_dim
        self.scale, self.heads = dim_head ** -0.5, heads
        self.to_q = nn.Linear(query_dim, inner_dim, bias=False)
        self.to_k = nn.Linear(context_dim, inner_dim, bias=False)
        self.to_v = nn.Linear(context_dim, inner_dim, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner_dim, query_dim), nn.Dropout(0.0))

    def forward(self, x, context=None):
        h = self.heads
        context = x if context is None else context
        q, k, v = self.to_q(x), self.to_k(context), self.to_v(context)
        q, k, v = (t.reshape(t.shape[0], t.shape[1], h, -1).permute(0, 2, 1, 3).reshape(t.shape[0] * h, t.shape[1], -1) for t in (q, k, v))
        sim = torch.einsum("b i d, b j d -> b i j", q, k) * self.scale
        out = torch.einsum("b i j, b j d -> b i d", sim.softmax(dim=-1), v)
        out = out.reshape(-1, h, out.shape[1], out.shape[2]).permute(0, 2, 1, 3).reshape(-1, out.shape[1], h * out.shape[2])
        return self.to_out(out)


class GEGLU(nn.Module):
    def __init__(self, dim_in, dim_out):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out * 2)

    def forward(self, x):
        x, gate = self.proj(x).chunk(2, dim=-1)
        return x * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim, mult=4):
        super().__init__()
        self.net = nn.Sequential(GEGLU(dim, dim * mult), nn.Dropout(0.0), nn.Linear(dim * mult, dim))

    def forward(self, x):
        return self.net(x)


class BasicTransformerBlock3D(nn.Module):
    def __init__(self, dim, n_heads, d_head, context_dim):
        super().__init__()
        self.attn1 = CrossAttention(dim, heads=n_heads, dim_head=d_head)
        self.ff = FeedForward(dim)
        self.attn2 = CrossAttention(dim, context_dim, heads=n_heads, dim_head=d_head)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x, context, num_frames):
        bf, l, c = x.shape
        x = x.reshape(bf // num_frames, num_frames * l, c).contiguous()   # (b f) l c -> b (f l) c
        x = self.attn1(self.norm1(x)) + x
        x = x.reshape(bf, l, c).contiguous()                              # b (f l) c -> (b f) l c
        x = self.attn2(self.norm2(x), context=context) + x
        return self.ff(self.norm3(x)) + x


class SpatialTransformer3D(nn.Module):
    def __init__(self, in_channels, n_heads, d_head, depth, context_dim, use_linear):
        super().__init__()
        inner_dim = n_heads * d_head
        self.norm = nn.GroupNorm(32, in_channels, eps=1e-6)
        self.proj_in = nn.Linear(in_channels, inner_dim) if use_linear else nn.Conv2d(in_channels, inner_dim, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock3D(inner_dim, n_heads, d_head, context_dim) for _ in range(depth)])
        self.proj_out = nn.Linear(in_channels, inner_dim) if use_linear else nn.Conv2d(inner_dim, in_channels, 1)
        self.use_linear = use_linear

    def forward(self, x, context, num_frames):
        b, c, h, w = x.shape
        x_in = x
        x = self.norm(x)
        if not self.use_linear:
            x = self.proj_in(x)
        x = x.permute(0, 2, 3, 1).reshape(b, h * w, -1).contiguous()
        if self.use_linear:
            x = self.proj_in(x)
        for block in self.transformer_blocks:
            x = block(x, context, num_frames)
        if self.use_linear:
            x = self.proj_out(x)
        x = x.reshape(b, h, w, -1).permute(0, 3, 1, 2).contiguous()
        if not self.use_linear:
            x = self.proj_out(x)
        return x + x_in


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class TimestepEmbedSequential(nn.Sequential):
    def forward(self, x, emb, context, num_frames):
        for layer in self:
            if isinstance(layer, ResBlock):
                x = layer(x, emb)
            elif isinstance(layer, SpatialTransformer3D):
                x = layer(x, context, num_frames)
            else:
                x = layer(x)
        return x


class MultiViewUNetModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        mc, mult, nrb = cfg["model_channels"], cfg["channel_mult"], cfg["num_res_blocks"]
        self.model_channels = mc
        ted = mc * 4

        def transformer(ch):
            heads, d_head = (ch // cfg["num_head_channels"], cfg["num_head_channels"]) if cfg["num_head_channels"] > 0 else (cfg["num_heads"], ch // cfg["num_heads"])
            return SpatialTransformer3D(ch, heads, d_head, cfg["transformer_depth"], cfg["context_dim"], cfg["use_linear_in_transformer"])

        self.time_embed = nn.Sequential(nn.Linear(mc, ted), nn.SiLU(), nn.Linear(ted, ted))
        self.camera_embed = nn.Sequential(nn.Linear(cfg["camera_dim"], ted), nn.SiLU(), nn.Linear(ted, ted))
        self.input_blocks = nn.ModuleList([TimestepEmbedSequential(nn.Conv2d(cfg["in_channels"], mc, 3, padding=1))])
        chans, ch, ds = [mc], mc, 1
        for level, m in enumerate(mult):
            for _ in range(nrb):
                layers = [ResBlock(ch, ted, m * mc)]
                ch = m * mc
                if ds in cfg["attention_resolutions"]:
                    layers.append(transformer(ch))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                chans.append(ch)
            if level != len(mult) - 1:
                self.input_blocks.append(TimestepEmbedSequential(Downsample(ch)))
                chans.append(ch)
                ds *= 2
        self.middle_block = TimestepEmbedSequential(ResBlock(ch, ted, ch), transformer(ch), ResBlock(ch, ted, ch))
        self.output_blocks = nn.ModuleList([])
        for level, m in list(enumerate(mult))[::-1]:
            for i in range(nrb + 1):
                layers = [ResBlock(ch + chans.pop(), ted, mc * m)]
                ch = mc * m
                if ds in cfg["attention_resolutions"]:
                    layers.append(transformer(ch))
                if level and i == nrb:
                    layers.append(Upsample(ch))
                    ds //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))
        self.out = nn.Sequential(GroupNorm32(32, ch), nn.SiLU(), nn.Conv2d(mc, cfg["out_channels"], 3, padding=1))

    def forward(self, x, timesteps, context, camera, num_frames):
        emb = self.time_embed(timestep_embedding(timesteps, self.model_channels)) + self.camera_embed(camera)
        hs, h = [], x
        for module in self.input_blocks:
            h = module(h, emb, context, num_frames)
            hs.append(h)
        h = self.middle_block(h, emb, context, num_frames)
        for module in self.output_blocks:
            h = module(torch.cat([h, hs.pop()], dim=1), emb, context, num_frames)
        return self.out(h)


def peak_resident_mb():
    """VmHWM of this process (ru_maxrss would carry the .NET parent's peak across fork and exec)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fill_random(model, seed):
    """The benchmark's RandomWeights.Fill: ordinal name order, N(0, 1/fan_in) for matrices and kernels, biases 0, scales 1."""
    generator = torch.Generator().manual_seed(seed)
    for name, parameter in sorted(model.named_parameters(), key=lambda p: p[0]):
        if parameter.ndim >= 2:
            parameter.copy_(torch.randn(parameter.shape, generator=generator) / math.sqrt(parameter.numel() // parameter.shape[0]))
        else:
            parameter.fill_(0.0 if name.endswith("bias") else 1.0)


def main():
    folder, seed, steps, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    device = torch.device(sys.argv[6] if len(sys.argv) > 6 else "cpu")
    torch.set_num_threads(threads)
    config = json.load(open(f"{folder}/config.json"))
    settings = json.load(open(f"{folder}/inputs.json"))
    inputs = {name: tensor.to(device) for name, tensor in read_safetensors(f"{folder}/inputs.safetensors").items()}
    views, scale = settings["views"], settings["guidance"]

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    model = MultiViewUNetModel(config)
    with torch.no_grad():
        fill_random(model, seed)
    model.eval().to(device)
    with torch.inference_mode():
        noise, camera = inputs["noise"], inputs["camera"]
        rows = noise.shape[0]
        context = torch.cat([inputs["negative"].expand(rows, -1, -1), inputs["positive"].expand(rows, -1, -1)])
        cameras = torch.cat([camera.repeat(rows // views, 1)] * 2)
        batch = torch.cat([noise, noise])
        t = torch.full((2 * rows,), settings["timestep"], dtype=torch.long, device=device)
        output = model(batch, t, context, cameras, views)
        seconds = []
        for _ in range(rounds):
            synchronize()
            start = time.perf_counter()
            output = model(batch, t, context, cameras, views)
            synchronize()
            seconds.append(time.perf_counter() - start)

        # LDM's DDIM: register_schedule's float32 alphas_cumprod (from float64 betas), uniform timesteps, eta 0.
        betas = np.linspace(settings["linear_start"] ** 0.5, settings["linear_end"] ** 0.5, settings["train_timesteps"], dtype=np.float64) ** 2
        alphas_cumprod = torch.tensor(np.cumprod(1.0 - betas), dtype=torch.float32)
        timesteps = np.asarray(list(range(0, settings["train_timesteps"], settings["train_timesteps"] // steps))) + 1
        alphas = alphas_cumprod[timesteps]
        alphas_prev = torch.tensor([alphas_cumprod[0].item()] + alphas_cumprod[timesteps[:-1]].tolist())
        start = time.perf_counter()
        x = noise.clone()
        for index in reversed(range(len(timesteps))):
            ts = torch.full((2 * rows,), int(timesteps[index]), dtype=torch.long, device=device)
            out_u, out_c = model(torch.cat([x, x]), ts, context, cameras, views).chunk(2)
            e_t = out_u + scale * (out_c - out_u)
            a_t, a_prev = alphas[index].item(), alphas_prev[index].item()
            pred_x0 = (x - math.sqrt(1 - a_t) * e_t) / math.sqrt(a_t)
            x = math.sqrt(a_prev) * pred_x0 + math.sqrt(1 - a_prev) * e_t
        synchronize()
        total = time.perf_counter() - start
    write_safetensors(f"{folder}/outputs.safetensors", {"unet_output": output, "latents": x})
    print(json.dumps({"implementation": "eager port of MVDream's MultiViewUNetModel (bytedance/MVDream c6a4d39)", "torch_version": torch.__version__,
                      "threads": torch.get_num_threads(), "unet_step_s": sorted(seconds)[len(seconds) // 2], "total_s": total,
                      "sampling_step_s": total / len(timesteps), "peak_rss_mb": peak_resident_mb()}))


if __name__ == "__main__":
    main()
