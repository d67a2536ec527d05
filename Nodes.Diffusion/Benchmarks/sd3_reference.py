#!/usr/bin/python3
"""The PyTorch side of `workflow bench sampler` for SD3: the same MM-DiT, weights and inputs, on the same libtorch.

Uses diffusers' SD3Transformer2DModel when diffusers is importable. Otherwise (as on Debian, where diffusers is not
packaged) it runs a compact eager port of its forward pass: diffusers v0.30.3 models/transformers/transformer_sd3.py
with JointTransformerBlock, JointAttnProcessor2_0 (scaled_dot_product_attention where torch has it, its math where
not), AdaLayerNormZero/Continuous and PatchEmbed's cropped position table, plus v0.31's SD3.5 options (qk RMS-norm,
dual attention), loading weights strictly by diffusers' key names.

usage: sd3_reference.py FOLDER ROUNDS THREADS DEVICE
FOLDER holds config.json, inputs.safetensors, and either transformer.safetensors or seed.txt (then every parameter,
in name order, is drawn as the C# side's RandomWeights draws it: matrices N(0, 1/fan_in), biases 0, scales 1). The
script writes outputs.safetensors (output) and prints one JSON line of timings and peak memory.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

from unet_reference import read_safetensors, write_safetensors


def attention(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v)
    # the torch 2 documentation's reference implementation, as the fixture generator installed it on torch 1.13
    return torch.softmax(q @ k.transpose(-1, -2) * (1 / math.sqrt(q.shape[-1])), dim=-1) @ v


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps, self.weight = eps, nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps).to(x.dtype) * self.weight


class Attention(nn.Module):
    def __init__(self, dim, heads, context, context_out, qk_norm):
        super().__init__()
        self.heads = heads
        self.to_q, self.to_k, self.to_v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim), nn.Dropout(0.0)])
        head = dim // heads
        self.norm_q, self.norm_k = (RMSNorm(head), RMSNorm(head)) if qk_norm else (None, None)
        if context:
            self.add_q_proj, self.add_k_proj, self.add_v_proj = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
            self.norm_added_q, self.norm_added_k = (RMSNorm(head), RMSNorm(head)) if qk_norm else (None, None)
            self.to_add_out = nn.Linear(dim, dim) if context_out else None

    def split(self, x, norm):
        b = x.shape[0]
        x = x.view(b, -1, self.heads, x.shape[-1] // self.heads).transpose(1, 2)
        return norm(x) if norm is not None else x

    def forward(self, x, context=None):
        b, n = x.shape[0], x.shape[1]
        q, k, v = self.split(self.to_q(x), self.norm_q), self.split(self.to_k(x), self.norm_k), self.split(self.to_v(x), None)
        if context is not None:
            q = torch.cat([q, self.split(self.add_q_proj(context), self.norm_added_q)], dim=2)
            k = torch.cat([k, self.split(self.add_k_proj(context), self.norm_added_k)], dim=2)
            v = torch.cat([v, self.split(self.add_v_proj(context), None)], dim=2)
        out = attention(q, k, v).transpose(1, 2).reshape(b, -1, x.shape[-1])
        if context is None:
            return self.to_out[0](out), None
        text = out[:, n:]
        return self.to_out[0](out[:, :n]), self.to_add_out(text) if self.to_add_out is not None else text


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        gelu = nn.Module()
        gelu.proj = nn.Linear(dim, 4 * dim)
        self.net = nn.ModuleList([gelu, nn.Dropout(0.0), nn.Linear(4 * dim, dim)])

    def forward(self, x):
        return self.net[2](F.gelu(self.net[0].proj(x), approximate="tanh"))


def modulate(x, shift, scale):
    return F.layer_norm(x, x.shape[-1:], eps=1e-6) * (1 + scale[:, None]) + shift[:, None]


class AdaNorm(nn.Module):
    def __init__(self, dim, chunks):
        super().__init__()
        self.chunks, self.linear = chunks, nn.Linear(dim, chunks * dim)

    def forward(self, c):
        return self.linear(F.silu(c)).chunk(self.chunks, dim=1)


class Block(nn.Module):
    def __init__(self, dim, heads, last, dual, qk_norm):
        super().__init__()
        self.last, self.dual = last, dual
        self.norm1 = AdaNorm(dim, 9 if dual else 6)
        self.norm1_context = AdaNorm(dim, 2 if last else 6)
        self.attn = Attention(dim, heads, True, not last, qk_norm)
        if dual:
            self.attn2 = Attention(dim, heads, False, False, qk_norm)
        self.ff = FeedForward(dim)
        if not last:
            self.ff_context = FeedForward(dim)

    def forward(self, x, ctx, c):
        m = self.norm1(c)
        xn = F.layer_norm(x, x.shape[-1:], eps=1e-6)
        if self.last:
            scale, shift = self.norm1_context(c)
            cn = modulate(ctx, shift, scale)
        else:
            cm = self.norm1_context(c)
            cn = modulate(ctx, cm[0], cm[1])
        attn, ctx_attn = self.attn(xn * (1 + m[1][:, None]) + m[0][:, None], cn)
        x = x + m[2][:, None] * attn
        if self.dual:
            x = x + m[8][:, None] * self.attn2(xn * (1 + m[7][:, None]) + m[6][:, None])[0]
        x = x + m[5][:, None] * self.ff(modulate(x, m[3], m[4]))
        if self.last:
            return None, x
        ctx = ctx + cm[2][:, None] * ctx_attn
        ctx = ctx + cm[5][:, None] * self.ff_context(modulate(ctx, cm[3], cm[4]))
        return ctx, x


class Mlp(nn.Module):
    def __init__(self, cin, dim):
        super().__init__()
        self.linear_1, self.linear_2 = nn.Linear(cin, dim), nn.Linear(dim, dim)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class SD3Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        dim = config["num_attention_heads"] * config["attention_head_dim"]
        self.patch, self.out_channels, self.max_size = config["patch_size"], config["out_channels"], config["pos_embed_max_size"]
        self.pos_embed = nn.Module()
        self.pos_embed.proj = nn.Conv2d(config["in_channels"], dim, self.patch, stride=self.patch)
        self.pos_embed.register_buffer("pos_embed", torch.zeros(1, self.max_size ** 2, dim))
        self.time_text_embed = nn.Module()
        self.time_text_embed.timestep_embedder = Mlp(256, dim)
        self.time_text_embed.text_embedder = Mlp(config["pooled_projection_dim"], dim)
        self.context_embedder = nn.Linear(config["joint_attention_dim"], config["caption_projection_dim"])
        layers, dual = config["num_layers"], config.get("dual_attention_layers") or []
        self.transformer_blocks = nn.ModuleList([Block(dim, config["num_attention_heads"], i == layers - 1, i in dual, config.get("qk_norm") == "rms_norm")
                                                 for i in range(layers)])
        self.norm_out = AdaNorm(dim, 2)
        self.proj_out = nn.Linear(dim, self.patch * self.patch * self.out_channels)

    def forward(self, x, t, context, pooled):
        b, _, height, width = x.shape
        h, w = height // self.patch, width // self.patch
        top, left = (self.max_size - h) // 2, (self.max_size - w) // 2
        table = self.pos_embed.pos_embed.reshape(1, self.max_size, self.max_size, -1)[:, top:top + h, left:left + w].reshape(1, h * w, -1)
        image = self.pos_embed.proj(x).flatten(2).transpose(1, 2) + table
        freqs = torch.exp(-math.log(10000) * torch.arange(128, dtype=torch.float32, device=x.device) / 128)
        args = t[:, None].float() * freqs[None]
        # the sinusoidal projection is float32, cast to the pooled projection's dtype as CombinedTimestepTextProjEmbeddings does
        projection = torch.cat([torch.cos(args), torch.sin(args)], dim=-1).to(pooled.dtype)
        c = self.time_text_embed.timestep_embedder(projection) + self.time_text_embed.text_embedder(pooled)
        text = self.context_embedder(context)
        for block in self.transformer_blocks:
            text, image = block(image, text, c)
        scale, shift = self.norm_out(c)
        image = self.proj_out(modulate(image, shift, scale))
        image = image.reshape(b, h, w, self.patch, self.patch, self.out_channels)
        return torch.einsum("nhwpqc->nchpwq", image).reshape(b, self.out_channels, height, width)


def peak_resident_mb():
    """VmHWM of this process's memory: getrusage's ru_maxrss would carry over the parent's peak across exec."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def random_weights(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            if parameter.ndim >= 2:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) / math.sqrt(parameter.numel() // parameter.shape[0]))
            else:
                parameter.fill_(0.0 if name.endswith("bias") else 1.0)


def main():
    folder, rounds, threads, device = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), torch.device(sys.argv[4])
    torch.set_num_threads(threads)
    config = json.load(open(f"{folder}/config.json"))
    try:
        from diffusers import SD3Transformer2DModel
        model = SD3Transformer2DModel.from_config({k: v for k, v in config.items() if v is not None and v != []})
        implementation = "diffusers " + __import__("diffusers").__version__
        call = lambda x, t, c, p: model(hidden_states=x, timestep=t, encoder_hidden_states=c, pooled_projections=p).sample
    except ImportError:
        model = SD3Transformer(config)
        implementation = "eager port of diffusers v0.30.3 SD3Transformer2DModel (diffusers not importable)"
        call = model
    try:
        model.load_state_dict(read_safetensors(f"{folder}/transformer.safetensors"), strict=True)
    except FileNotFoundError:
        random_weights(model, int(open(f"{folder}/seed.txt").read()))
    model.eval().to(device)
    inputs = {name: tensor.to(device) for name, tensor in read_safetensors(f"{folder}/inputs.safetensors").items()}

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with torch.inference_mode():
        args = (inputs["sample"], inputs["timestep"], inputs["context"], inputs["pooled"])
        output = call(*args)
        seconds = []
        for _ in range(rounds):
            synchronize()
            start = time.perf_counter()
            output = call(*args)
            synchronize()
            seconds.append(time.perf_counter() - start)
    write_safetensors(f"{folder}/outputs.safetensors", {"output": output})
    report = {"implementation": implementation, "torch_version": torch.__version__, "threads": torch.get_num_threads(),
              "step_s": sorted(seconds)[len(seconds) // 2], "peak_rss_mb": peak_resident_mb()}
    if device.type == "cuda":
        report["peak_device_mb"] = torch.cuda.max_memory_allocated(device) / 2 ** 20
    print(json.dumps(report))


if __name__ == "__main__":
    main()
