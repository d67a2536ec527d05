#!/usr/bin/env python3
"""Writes a LoRA in kohya's layout (lora_unet_<path>.lora_up.weight / .lora_down.weight / .alpha, lora_te_<path> for
the text encoder) with seeded random factors for a diffusers UNet and CLIP text encoder, for example runs on the tiny
fixture models where no trained LoRA exists: every attention projection (to_q, to_k, to_v, to_out.0; CLIP's q/k/v/out
projections) as a linear LoRA, and the first resnet's conv1 as a LoCon conv (a 3x3 down, a 1x1 up).
Standard library only. Usage: make-tiny-lora.py UNET.safetensors TEXT_ENCODER.safetensors OUT.safetensors [SEED]"""
import random
import re
import struct
import sys

from safetensors_file import read_safetensors, write_safetensors

RANK, ALPHA, STD = 4, 2.0, 0.1
UNET_LAYERS = re.compile(r"(attn[12]\.to_(q|k|v|out\.0)|down_blocks\.0\.resnets\.0\.conv1)\.weight$")
TEXT_LAYERS = re.compile(r"self_attn\.(q|k|v|out)_proj\.weight$")


def factors(rng, shape):
    """(up, down) shapes for a weight: [out, rank] and [rank, in] for a linear; [out, rank, 1, 1] and [rank, in, k, k] for a conv."""
    up = [shape[0], RANK] + [1] * (len(shape) - 2)
    down = [RANK] + shape[1:]
    return [tensor(rng, up), tensor(rng, down)]


def tensor(rng, shape):
    count = 1
    for size in shape:
        count *= size
    return ("F32", shape, struct.pack(f"<{count}f", *(rng.gauss(0.0, STD) for _ in range(count))))


def main():
    unet, text, out = sys.argv[1:4]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    lora = {}
    for prefix, path, pattern in (("lora_unet_", unet, UNET_LAYERS), ("lora_te_", text, TEXT_LAYERS)):
        for key, (_, shape, _) in read_safetensors(path).items():
            if pattern.search(key):
                name = prefix + key[: -len(".weight")].replace(".", "_")
                lora[name + ".lora_up.weight"], lora[name + ".lora_down.weight"] = factors(rng, shape)
                lora[name + ".alpha"] = ("F32", [], struct.pack("<f", ALPHA))
    write_safetensors(out, lora)


main()
