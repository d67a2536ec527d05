#!/usr/bin/python3
"""LTX-2's RoPE as diffusers computes it (transformer_ltx2.py LTX2AudioVideoRotaryPosEmbed.forward with SANA-WM's
_build_rotary_emb_for_absolute_positions, refiner.py @ b9fd857, and apply_interleaved_rotary_emb /
apply_split_rotary_emb), for a token grid at absolute latent frames; re-typed from upstream because diffusers cannot
be installed here. Saves cos, sin, a seeded x [B, N, dim] and x rotated, with torch.save.

Run by the tests: /usr/bin/python3 ltx2_rope_reference.py OUT.pt HEADS HEAD_DIM interleaved|split FRAMES(1,2,..) HEIGHT WIDTH FPS
"""
import math
import sys

import torch

out, heads, head_dim, rope_type, frames, height, width, fps = sys.argv[1:9]
heads, head_dim, height, width, fps = int(heads), int(head_dim), int(height), int(width), float(fps)
frame_positions = [int(f) for f in frames.split(",")]
dim = heads * head_dim
scale_factors, causal_offset, max_positions, theta = (8, 32, 32), 1, (20, 2048, 2048), 10000.0

f_positions = torch.tensor(frame_positions, dtype=torch.float32)
grid_h = torch.arange(start=0, end=height, step=1, dtype=torch.float32)
grid_w = torch.arange(start=0, end=width, step=1, dtype=torch.float32)
grid = torch.stack(torch.meshgrid(f_positions, grid_h, grid_w, indexing="ij"), dim=0)
patch_ends = grid + torch.tensor((1, 1, 1), dtype=grid.dtype).view(3, 1, 1, 1)
latent_coords = torch.stack([grid, patch_ends], dim=-1).flatten(1, 3).unsqueeze(0).repeat(1, 1, 1, 1)
pixel_coords = latent_coords * torch.tensor(scale_factors).view(1, -1, 1, 1)
pixel_coords[:, 0, ...] = (pixel_coords[:, 0, ...] + causal_offset - scale_factors[0]).clamp(min=0)
pixel_coords[:, 0, ...] = pixel_coords[:, 0, ...] / fps

coords_start, coords_end = pixel_coords.chunk(2, dim=-1)
coords = ((coords_start + coords_end) / 2.0).squeeze(-1)
grid = torch.stack([coords[:, i] / max_positions[i] for i in range(3)], dim=-1)
pow_indices = torch.pow(theta, torch.linspace(start=0.0, end=1.0, steps=dim // 6, dtype=torch.float64))
freqs = (pow_indices * math.pi / 2.0).to(dtype=torch.float32)
freqs = (grid.unsqueeze(-1) * 2 - 1) * freqs
freqs = freqs.transpose(-1, -2).flatten(2)
if rope_type == "interleaved":
    cos = freqs.cos().repeat_interleave(2, dim=-1)
    sin = freqs.sin().repeat_interleave(2, dim=-1)
    if dim % 6 != 0:
        cos = torch.cat([torch.ones_like(cos[:, :, : dim % 6]), cos], dim=-1)
        sin = torch.cat([torch.zeros_like(sin[:, :, : dim % 6]), sin], dim=-1)
else:
    pad = dim // 2 - freqs.shape[-1]
    cos, sin = freqs.cos(), freqs.sin()
    if pad != 0:
        cos = torch.cat([torch.ones_like(cos[:, :, :pad]), cos], dim=-1)
        sin = torch.cat([torch.zeros_like(sin[:, :, :pad]), sin], dim=-1)
    b, t = cos.shape[0], cos.shape[1]
    cos = torch.swapaxes(cos.reshape(b, t, heads, -1), 1, 2)
    sin = torch.swapaxes(sin.reshape(b, t, heads, -1), 1, 2)

torch.manual_seed(0)
x = torch.randn(1, coords.shape[-1], dim)
if rope_type == "interleaved":
    x_real, x_imag = x.unflatten(2, (-1, 2)).unbind(-1)
    x_rotated = torch.stack([-x_imag, x_real], dim=-1).flatten(2)
    rotated = x.float() * cos + x_rotated.float() * sin
else:
    b, h, t, _ = cos.shape
    xs = x.reshape(b, t, h, -1).swapaxes(1, 2)
    r = xs.shape[-1] // 2
    split_x = xs.reshape(*xs.shape[:-1], 2, r).float()
    first_x, second_x = split_x[..., :1, :], split_x[..., 1:, :]
    cos_u, sin_u = cos.unsqueeze(-2), sin.unsqueeze(-2)
    rotated = split_x * cos_u
    rotated[..., :1, :].addcmul_(-sin_u, second_x)
    rotated[..., 1:, :].addcmul_(sin_u, first_x)
    rotated = rotated.reshape(*rotated.shape[:-2], 2 * r).swapaxes(1, 2).reshape(b, t, -1)
torch.save({"cos": cos.contiguous(), "sin": sin.contiguous(), "x": x, "rotated": rotated.contiguous()}, out)
