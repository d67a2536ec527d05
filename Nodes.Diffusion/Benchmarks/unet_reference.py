#!/usr/bin/python3
"""The PyTorch side of `workflow bench sampler`: the same UNet, weights and inputs, on the same libtorch.

Uses diffusers' UNet2DConditionModel and DDIMScheduler when diffusers is importable. Otherwise (as on Debian, where
diffusers is not packaged) it runs a compact eager port of their forward passes: diffusers v0.27.2
models/unets/unet_2d_condition.py and unet_2d_blocks.py with the attention processor diffusers picks (AttnProcessor2_0,
one F.scaled_dot_product_attention, where torch has it, i.e. torch 2; AttnProcessor on torch 1.x), and
schedulers/scheduling_ddim.py, loading the weights strictly by diffusers' key names.

The UNet runs in PRECISION (fp32, fp16 or bf16; weights converted with unet.to(dtype), as torch_dtype does): latents
and conditioning are cast to it at the UNet's input and its output back to float32; the scheduler works in float32.

usage: unet_reference.py FOLDER STEPS ROUNDS THREADS [DEVICE [PRECISION]]
FOLDER holds unet.safetensors, unet_config.json, scheduler_config.json and inputs.safetensors; the script writes
outputs.safetensors (unet_output, latents) and prints one JSON line of timings, its peak resident memory and, on a
GPU, its peak of allocated device memory (torch.cuda.max_memory_allocated, weights included).
"""
import json
import math
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        blob = tensor.detach().cpu().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


# ---- the port (only used without diffusers) ----

class ResnetBlock2D(nn.Module):
    """temb None: no time embedding (the VAE's resnets, temb_channels=None)."""

    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, cin, eps), nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb is not None else None
        self.norm2, self.conv2 = nn.GroupNorm(groups, cout, eps), nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.conv_shortcut is not None else x) + h


class Attention(nn.Module):
    """diffusers' Attention with AttnProcessor: upcast_attention computes the scores from float32 q and k,
    upcast_softmax takes the softmax in float32; both round the probabilities back to the query's dtype."""

    # what fills baddbmm's ignored input: diffusers' torch.empty. torch 1.13's CPU baddbmm can let NaN from it through
    # beta=0 on small products with more than one thread (multiview-tiny's manifest, workaround "baddbmm-empty-nan"),
    # so a caller that needs every run finite sets torch.zeros (the same scores; a zero fill the benchmark need not pay)
    scores_input = staticmethod(torch.empty)

    def __init__(self, dim, context_dim, heads, head_dim, bias=False, upcast_attention=False, upcast_softmax=False):
        super().__init__()
        inner = heads * head_dim
        self.heads, self.scale = heads, head_dim ** -0.5
        self.upcast_attention, self.upcast_softmax = upcast_attention, upcast_softmax
        self.to_q = nn.Linear(dim, inner, bias=bias)
        self.to_k = nn.Linear(context_dim or dim, inner, bias=bias)
        self.to_v = nn.Linear(context_dim or dim, inner, bias=bias)
        self.to_out = nn.ModuleList([nn.Linear(inner, dim), nn.Dropout(0.0)])

    def split(self, x):
        b, t, c = x.shape
        return x.reshape(b, t, self.heads, c // self.heads).permute(0, 2, 1, 3).reshape(b * self.heads, t, c // self.heads)

    def probabilities(self, q, k):
        dtype = q.dtype
        if self.upcast_attention:
            q, k = q.float(), k.float()
        ignored = self.scores_input(q.shape[0], q.shape[1], k.shape[1], dtype=q.dtype, device=q.device)
        scores = torch.baddbmm(ignored, q, k.transpose(-1, -2), beta=0, alpha=self.scale)
        if self.upcast_softmax:
            scores = scores.float()
        return scores.softmax(dim=-1).to(dtype)

    def forward(self, x, context=None):
        context = x if context is None else context
        if hasattr(F, "scaled_dot_product_attention"):  # AttnProcessor2_0
            b = x.shape[0]
            heads = lambda y: y.view(b, -1, self.heads, y.shape[-1] // self.heads).transpose(1, 2)
            out = F.scaled_dot_product_attention(heads(self.to_q(x)), heads(self.to_k(context)), heads(self.to_v(context)))
            return self.to_out[0](out.transpose(1, 2).reshape(b, -1, out.shape[1] * out.shape[3]))
        q, k, v = self.split(self.to_q(x)), self.split(self.to_k(context)), self.split(self.to_v(context))
        out = torch.bmm(self.probabilities(q, k), v)
        bh, t, d = out.shape
        out = out.reshape(bh // self.heads, self.heads, t, d).permute(0, 2, 1, 3).reshape(bh // self.heads, t, d * self.heads)
        return self.to_out[0](out)


class GEGLU(nn.Module):
    def __init__(self, dim, inner):
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x):
        h, gate = self.proj(x).chunk(2, dim=-1)
        return h * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, dim * 4), nn.Dropout(0.0), nn.Linear(dim * 4, dim)])

    def forward(self, x):
        return self.net[2](self.net[0](x))


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim, heads, head_dim, context_dim, upcast_attention):
        super().__init__()
        self.norm1, self.attn1 = nn.LayerNorm(dim), Attention(dim, None, heads, head_dim, upcast_attention=upcast_attention)
        self.norm2, self.attn2 = nn.LayerNorm(dim), Attention(dim, context_dim, heads, head_dim, upcast_attention=upcast_attention)
        self.norm3, self.ff = nn.LayerNorm(dim), FeedForward(dim)

    def forward(self, x, context):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class Transformer2DModel(nn.Module):
    def __init__(self, heads, channels, context_dim, layers, groups, linear, upcast_attention):
        super().__init__()
        self.linear = linear
        self.norm = nn.GroupNorm(groups, channels, eps=1e-6)
        self.proj_in = nn.Linear(channels, channels) if linear else nn.Conv2d(channels, channels, 1)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(channels, heads, channels // heads, context_dim, upcast_attention) for _ in range(layers)])
        self.proj_out = nn.Linear(channels, channels) if linear else nn.Conv2d(channels, channels, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        hidden = self.norm(x)
        if not self.linear:
            hidden = self.proj_in(hidden)
        hidden = hidden.permute(0, 2, 3, 1).reshape(b, h * w, hidden.shape[1])
        if self.linear:
            hidden = self.proj_in(hidden)
        for block in self.transformer_blocks:
            hidden = block(hidden, context)
        if self.linear:
            hidden = self.proj_out(hidden)
        hidden = hidden.reshape(b, h, w, hidden.shape[-1]).permute(0, 3, 1, 2).contiguous()
        if not self.linear:
            hidden = self.proj_out(hidden)
        return hidden + x


class Sampler(nn.Module):
    def __init__(self, channels, down):
        super().__init__()
        self.down = down
        self.conv = nn.Conv2d(channels, channels, 3, stride=2 if down else 1, padding=1)

    def forward(self, x, size=None):
        if not self.down:
            # diffusers' Upsample2D interpolates bfloat16 in float32 (upsample_nearest2d lacked a bfloat16 kernel); exact either way
            dtype = x.dtype
            x = x.float() if dtype == torch.bfloat16 else x
            x = F.interpolate(x, scale_factor=2.0, mode="nearest") if size is None else F.interpolate(x, size=size, mode="nearest")
            x = x.to(dtype)
        return self.conv(x)


class Block(nn.Module):
    def __init__(self, channels_in, skips, cout, attentions, sample, args):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels_in[i] + skips[i], cout, *args["resnet"]) for i in range(len(channels_in))])
        if attentions:
            self.attentions = nn.ModuleList([Transformer2DModel(args["heads"], cout, *args["transformer"]) for _ in range(attentions)])
        if sample is not None:
            setattr(self, "downsamplers" if sample == "down" else "upsamplers", nn.ModuleList([Sampler(cout, sample == "down")]))


class UNet(nn.Module):
    def __init__(self, config):
        super().__init__()
        ch, layers = config["block_out_channels"], config["layers_per_block"]
        heads = config.get("num_attention_heads") or config.get("attention_head_dim") or 8
        heads = heads if isinstance(heads, list) else [heads] * len(ch)
        depth = config.get("transformer_layers_per_block") or 1
        depth = depth if isinstance(depth, list) else [depth] * len(ch)
        groups, eps, ctx = config["norm_num_groups"], config["norm_eps"], config["cross_attention_dim"]
        temb = ch[0] * 4
        self.flip, self.shift = config["flip_sin_to_cos"], config["freq_shift"]
        self.time_embedding = nn.Module()
        self.time_embedding.linear_1, self.time_embedding.linear_2 = nn.Linear(ch[0], temb), nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(config["in_channels"], ch[0], 3, padding=1)
        args = lambda i: {"resnet": (temb, groups, eps), "heads": heads[i],
                          "transformer": (ctx, depth[i], groups, config.get("use_linear_projection", False), bool(config.get("upcast_attention")))}
        self.down_blocks = nn.ModuleList()
        for i, kind in enumerate(config["down_block_types"]):
            cin = ch[0] if i == 0 else ch[i - 1]
            self.down_blocks.append(Block([cin] + [ch[i]] * (layers - 1), [0] * layers, ch[i], layers if kind.startswith("CrossAttn") else 0,
                                          "down" if i < len(ch) - 1 else None, args(i)))
        self.mid_block = Block([ch[-1]] * 2, [0, 0], ch[-1], 1, None, args(len(ch) - 1))
        self.up_blocks = nn.ModuleList()
        rev = list(reversed(ch))
        for i, kind in enumerate(config["up_block_types"]):
            prev, cout, cin = rev[0] if i == 0 else rev[i - 1], rev[i], rev[min(i + 1, len(ch) - 1)]
            self.up_blocks.append(Block([prev] + [cout] * layers, [cout] * layers + [cin], cout, layers + 1 if kind.startswith("CrossAttn") else 0,
                                        "up" if i < len(ch) - 1 else None, args(len(ch) - 1 - i)))
        self.conv_norm_out, self.conv_out = nn.GroupNorm(groups, ch[0], eps), nn.Conv2d(ch[0], config["out_channels"], 3, padding=1)

    def time_proj(self, t):
        half = self.conv_in.out_channels // 2
        exponent = -math.log(10000) * torch.arange(0, half, dtype=torch.float32, device=t.device) / (half - self.shift)
        emb = t[:, None].float() * torch.exp(exponent)[None, :]
        emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
        return torch.cat([emb[:, half:], emb[:, :half]], dim=-1) if self.flip else emb

    def forward(self, x, t, context):
        # the sinusoidal embedding is computed in float32 and cast to the sample's dtype, as get_time_embed does
        t_emb = self.time_proj(t.expand(x.shape[0])).to(x.dtype)
        emb = self.time_embedding.linear_2(F.silu(self.time_embedding.linear_1(t_emb)))
        x = self.conv_in(x)
        skips = [x]
        for block in self.down_blocks:
            for j, resnet in enumerate(block.resnets):
                x = resnet(x, emb)
                if hasattr(block, "attentions"):
                    x = block.attentions[j](x, context)
                skips.append(x)
            if hasattr(block, "downsamplers"):
                x = block.downsamplers[0](x)
                skips.append(x)
        x = self.mid_block.resnets[0](x, emb)
        x = self.mid_block.resnets[1](self.mid_block.attentions[0](x, context), emb)
        for block in self.up_blocks:
            for j, resnet in enumerate(block.resnets):
                x = resnet(torch.cat([x, skips.pop()], dim=1), emb)
                if hasattr(block, "attentions"):
                    x = block.attentions[j](x, context)
            if hasattr(block, "upsamplers"):
                x = block.upsamplers[0](x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class Ddim:
    def __init__(self, config, steps):
        betas = torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, config["num_train_timesteps"], dtype=torch.float32) ** 2
        self.alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        self.final = torch.tensor(1.0) if config["set_alpha_to_one"] else self.alphas_cumprod[0]
        ratio = config["num_train_timesteps"] // steps
        self.step_ratio = ratio
        self.timesteps = torch.from_numpy((np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64)) + config["steps_offset"]

    def step(self, eps, t, x):
        prev = t - self.step_ratio
        a = self.alphas_cumprod[t]
        a_prev = self.alphas_cumprod[prev] if prev >= 0 else self.final
        x0 = (x - (1 - a) ** 0.5 * eps) / a ** 0.5
        return a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps


def main():
    folder, steps, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    device = torch.device(sys.argv[5] if len(sys.argv) > 5 else "cpu")
    precision = sys.argv[6] if len(sys.argv) > 6 else "fp32"
    dtype = PRECISIONS[precision]
    torch.set_num_threads(threads)
    config = json.load(open(f"{folder}/unet_config.json"))
    schedule = json.load(open(f"{folder}/scheduler_config.json"))
    inputs = {name: tensor.to(device) for name, tensor in read_safetensors(f"{folder}/inputs.safetensors").items()}
    weights = read_safetensors(f"{folder}/unet.safetensors")
    try:
        from diffusers import UNet2DConditionModel
        unet = UNet2DConditionModel.from_config({k: v for k, v in config.items() if v is not None})
        implementation = "diffusers " + __import__("diffusers").__version__
        forward = lambda x, t, c: unet(x, t, encoder_hidden_states=c).sample
    except ImportError:
        unet = UNet(config)
        implementation = "eager port of diffusers v0.27.2 (diffusers not importable)"
        forward = unet
    unet.load_state_dict(weights, strict=True)
    del weights
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    unet.eval().to(device=device, dtype=dtype)
    call = lambda x, t, c: forward(x.to(dtype), t, c.to(dtype)).float()

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with torch.inference_mode():
        t = torch.tensor(981, device=device)
        batch, step_context = inputs["batch"].to(dtype), inputs["context"].to(dtype)
        output = forward(batch, t, step_context)
        seconds = []
        for _ in range(rounds):
            synchronize()
            start = time.perf_counter()
            output = forward(batch, t, step_context)
            synchronize()
            seconds.append(time.perf_counter() - start)
        output = output.float()
        start = time.perf_counter()
        ddim = Ddim(schedule, steps)
        context = torch.cat([inputs["negative"], inputs["positive"]])
        latents = inputs["noise"].clone()
        for step in ddim.timesteps:
            uncond, cond = call(torch.cat([latents, latents]), step.to(device), context).chunk(2)
            latents = ddim.step(uncond + 7.5 * (cond - uncond), int(step), latents)
        synchronize()
        total = time.perf_counter() - start
    write_safetensors(f"{folder}/outputs.safetensors", {"unet_output": output, "latents": latents})
    print(json.dumps({"implementation": implementation, "torch_version": torch.__version__, "threads": torch.get_num_threads(),
                      "unet_step_s": sorted(seconds)[len(seconds) // 2], "total_s": total,
                      "precision": precision, "attention": "sdpa" if hasattr(F, "scaled_dot_product_attention") else "classic",
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "peak_vram_mb": torch.cuda.max_memory_allocated(device) / 2**20 if device.type == "cuda" else None}))


if __name__ == "__main__":
    main()
