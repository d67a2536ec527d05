#!/usr/bin/env python3
"""Writes an IP-Adapter (base, tencent-ailab's original layout) with seeded random weights that fits a diffusers UNet
and a CLIP vision tower, for example runs on the tiny fixture models where no trained adapter exists:
image_proj.proj (clip projection_dim -> 4 tokens x cross_attention_dim), image_proj.norm, and ip_adapter.<2i+1>
to_k_ip / to_v_ip for each cross-attention layer in the UNet's registration order (down, up, then mid blocks).
Standard library only. Usage: make-tiny-ipadapter.py UNET_CONFIG IMAGE_ENCODER_CONFIG OUT.safetensors [SEED]"""
import json
import random
import struct
import sys


def cross_attention_widths(unet):
    """The inner width of every cross-attention layer, in diffusers' attn_processors order."""
    channels, layers = unet["block_out_channels"], unet["layers_per_block"]
    depth = unet.get("transformer_layers_per_block", 1)
    down = [channels[i] for i, kind in enumerate(unet["down_block_types"]) if kind.startswith("CrossAttn") for _ in range(layers * depth)]
    reversed_channels = list(reversed(channels))
    up = [reversed_channels[i] for i, kind in enumerate(unet["up_block_types"]) if kind.startswith("CrossAttn") for _ in range((layers + 1) * depth)]
    mid = [channels[-1]] * depth
    return down + up + mid


def main():
    unet = json.load(open(sys.argv[1]))
    encoder = json.load(open(sys.argv[2]))
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    rng = random.Random(seed)
    cross, embeds, tokens = unet["cross_attention_dim"], encoder["projection_dim"], 4
    tensors = {
        "image_proj.proj.weight": ([tokens * cross, embeds], 0.02),
        "image_proj.proj.bias": ([tokens * cross], 0.02),
        "image_proj.norm.weight": ([cross], None),
        "image_proj.norm.bias": ([cross], 0.0),
    }
    for i, width in enumerate(cross_attention_widths(unet)):
        for name in ("to_k_ip", "to_v_ip"):
            tensors[f"ip_adapter.{2 * i + 1}.{name}.weight"] = ([width, cross], 0.02)
    header, data = {}, bytearray()
    for name, (shape, std) in tensors.items():
        count = 1
        for size in shape:
            count *= size
        values = [1.0] * count if std is None else [rng.gauss(0.0, std) if std else 0.0 for _ in range(count)]
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + 4 * count]}
        data += struct.pack(f"<{count}f", *values)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(sys.argv[3], "wb") as out:
        out.write(struct.pack("<Q", len(encoded)) + encoded + data)


main()
