#!/usr/bin/python3
"""Completes multiview-tiny's MVDream and ImageDream files into checkpoints laid out as the public ones are, for
example runs: the fixture holds only the UNet (model.diffusion_model.*) and the schedule buffers, where the public
sd-v2.1-base-4view.pt also carries the OpenCLIP text tower (cond_stage_model.model.*) and the VAE
(first_stage_model.*), and ImageDream's names them clip_model.model.* (with the visual tower) and vae_model.*.

Added here: sd15-tiny's VAE (its first_stage_model.* tensors, renamed for ImageDream) and OpenCLIP towers with seeded
random weights (no trained ones exist at this size): a text tower as wide as the UNet's context (3 resblocks; SD2
reads it up to the penultimate) and, for ImageDream, a visual tower 1280 wide as its Resampler takes (ViT-H's width,
16 heads, 2 resblocks, 28-pixel images). Each checkpoint gets a same-stem .yaml: the fixture's, with the real classes
in place of its Identity placeholders and the tiny VAE's ddconfig.

Usage: make-tiny-multiview.py GOLDEN_DIR OUT_DIR [SEED]   (writes mvdream-tiny.* and imagedream-tiny.*)
"""
import os
import sys

import numpy

from safetensors_file import read_safetensors, write_safetensors

VOCAB, CONTEXT_LENGTH = 49408, 77


class Random:
    def __init__(self, seed):
        self.rng = numpy.random.default_rng(seed)

    def normal(self, shape, std=0.02):
        return "F32", list(shape), self.rng.normal(0.0, std, shape).astype("<f4").tobytes()

    @staticmethod
    def constant(shape, value):
        return "F32", list(shape), numpy.full(shape, value, "<f4").tobytes()


def resblocks(random, prefix, width, blocks, mlp):
    """open_clip's ResidualAttentionBlock keys: fused in_proj, out_proj, ln_1/ln_2, mlp.c_fc/c_proj."""
    tensors = {}
    for i in range(blocks):
        block = f"{prefix}transformer.resblocks.{i}."
        tensors.update({
            block + "ln_1.weight": random.constant([width], 1.0), block + "ln_1.bias": random.constant([width], 0.0),
            block + "attn.in_proj_weight": random.normal([3 * width, width]), block + "attn.in_proj_bias": random.normal([3 * width]),
            block + "attn.out_proj.weight": random.normal([width, width]), block + "attn.out_proj.bias": random.normal([width]),
            block + "ln_2.weight": random.constant([width], 1.0), block + "ln_2.bias": random.constant([width], 0.0),
            block + "mlp.c_fc.weight": random.normal([mlp, width]), block + "mlp.c_fc.bias": random.normal([mlp]),
            block + "mlp.c_proj.weight": random.normal([width, mlp]), block + "mlp.c_proj.bias": random.normal([width]),
        })
    return tensors


def text_tower(random, prefix, width):
    tensors = {
        prefix + "token_embedding.weight": random.normal([VOCAB, width]),
        prefix + "positional_embedding": random.normal([CONTEXT_LENGTH, width], 0.01),
        prefix + "ln_final.weight": random.constant([width], 1.0), prefix + "ln_final.bias": random.constant([width], 0.0),
        prefix + "text_projection": random.normal([width, width]),
        prefix + "logit_scale": random.constant([], 4.6052),
    }
    tensors.update(resblocks(random, prefix, width, blocks=3, mlp=4 * width))
    return tensors


def visual_tower(random, prefix, width=1280, patch=14, image=28, embed=32):
    positions = (image // patch) ** 2 + 1
    tensors = {
        prefix + "conv1.weight": random.normal([width, 3, patch, patch]),
        prefix + "class_embedding": random.normal([width]),
        prefix + "positional_embedding": random.normal([positions, width], 0.01),
        prefix + "ln_pre.weight": random.constant([width], 1.0), prefix + "ln_pre.bias": random.constant([width], 0.0),
        prefix + "ln_post.weight": random.constant([width], 1.0), prefix + "ln_post.bias": random.constant([width], 0.0),
        prefix + "proj": random.normal([width, embed]),
    }
    tensors.update(resblocks(random, prefix, width, blocks=2, mlp=64))
    return tensors


def yaml_with_parts(fixture_yaml, parts):
    """The fixture's yaml with each Identity placeholder (slot name -> lines) replaced by the real target."""
    out, skipping_deeper_than = [], None
    for line in open(fixture_yaml).read().splitlines():
        indent = len(line) - len(line.lstrip())
        if skipping_deeper_than is not None and indent > skipping_deeper_than:
            continue
        skipping_deeper_than = None
        if line.startswith("# The text encoder"):
            continue
        out.append(line.replace("config of the tiny model in", "config of the tiny model completed by make-tiny-multiview.py from"))
        if line.strip().rstrip(":") in parts and line.strip().endswith(":"):
            out.extend(" " * (indent + 2) + part for part in parts[line.strip().rstrip(":")])
            skipping_deeper_than = indent
    return "\n".join(out) + "\n"


def main():
    golden, out = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    random = Random(seed)
    vae = {k[len("first_stage_model."):]: v for k, v in read_safetensors(os.path.join(golden, "sd15-tiny/sd15-tiny.safetensors")).items()
           if k.startswith("first_stage_model.")}
    ddconfig = ["target: ldm.models.autoencoder.AutoencoderKL", "params:", "  embed_dim: 4", "  ddconfig:",
                "    double_z: true", "    z_channels: 4", "    resolution: 64", "    in_channels: 3", "    out_ch: 3", "    ch: 32",
                "    ch_mult:", "    - 1", "    - 1", "    - 1", "    - 2", "    num_res_blocks: 2", "    attn_resolutions: []", "    dropout: 0.0"]
    for name, stem, vae_prefix, clip_prefix, vae_slot, clip_slot in [
        ("mvdream-tiny", "mvdream/sd-v2.1-base-4view-tiny", "first_stage_model.", "cond_stage_model.model.", "first_stage_config", "cond_stage_config"),
        ("imagedream-tiny", "imagedream/sd-v2.1-base-4view-ipmv-tiny", "vae_model.", "clip_model.model.", "vae_config", "clip_config"),
    ]:
        unet = read_safetensors(os.path.join(golden, "multiview-tiny", stem + ".safetensors"))
        context = unet["model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"][1][1]
        tensors = dict(unet)
        tensors.update({vae_prefix + k: v for k, v in vae.items()})
        tensors.update(text_tower(random, clip_prefix, context))
        clip = ["target: ldm.modules.encoders.modules.FrozenOpenCLIPEmbedder", "params:", "  layer: penultimate"]
        if name.startswith("imagedream"):
            tensors.update(visual_tower(random, clip_prefix + "visual."))
            clip.append("  ip_mode: local_resample")
        write_safetensors(os.path.join(out, name + ".safetensors"), tensors)
        with open(os.path.join(out, name + ".yaml"), "w") as f:
            f.write(yaml_with_parts(os.path.join(golden, "multiview-tiny", stem + ".yaml"), {vae_slot: ddconfig, clip_slot: clip}))


if __name__ == "__main__":
    main()
