#!/usr/bin/python3
"""Makes what workflows/arrefine_tiny.json needs beside the sanawm-refiner-tiny transformer, from the fixtures:

- sanawm-refiner-tiny.latent: the fixture's stage-1 latents (inputs.z) as ComfyUI's SaveLatent writes them
  (latent_tensor and the empty latent_format_version_0 marker);
- sanawm-refiner-tiny-prompt.safetensors: its prompt embeddings and mask under diffusers' argument names
  (prompt_embeds, prompt_attention_mask), ARRefine's embeddings file;
- ltx2-vae-tiny-wide/: ltx2-vae-tiny (4 latent channels) widened to the transformer's latent channels (8), so the
  refined latents can be decoded. Latent channel j is the tiny VAE's channel j mod 4, repeated: the decoder's conv_in
  averages the copies (so decoding a latent whose copies agree is ltx2-vae-tiny's decode of it), latents_mean and
  latents_std repeat, and the encoder's latent-wide first stage (conv_in, down_blocks.0, conv_out's means) repeats
  its outputs and averages its inputs the same way. It reproduces no upstream model; it only fits the refiner.

Usage: make-refiner-example.py GOLDEN_DIR OUT_DIR
"""
import json
import os
import sys

import numpy

from safetensors_file import read_safetensors, write_safetensors


def array(entry):
    dtype, shape, raw = entry
    return numpy.frombuffer(raw, {"F32": "<f4", "I64": "<i8"}[dtype]).reshape(shape)


def entry(values):
    return {numpy.dtype("<f4"): "F32", numpy.dtype("<i8"): "I64"}[values.dtype], list(values.shape), values.tobytes()


def widen(values, dim, source, average):
    """Channel j of dim taken from channel source[j]; divided by how often that channel repeats where average."""
    taken = numpy.take(values, source, axis=dim)
    if not average:
        return taken
    counts = numpy.bincount(source)[source].astype("<f4")
    shape = [1] * values.ndim
    shape[dim] = len(source)
    return (taken / counts.reshape(shape)).astype("<f4")


def widened_vae(vae, latent_channels, target):
    """ltx2-vae-tiny's tensors with every latent-wide dimension widened from latent_channels to target."""
    source = numpy.arange(target) % latent_channels
    first_stage = ("encoder.conv_in.", "encoder.down_blocks.0.resnets.")
    tensors = {}
    for name, stored in vae.items():
        values = array(stored)
        if name in ("latents_mean", "latents_std"):
            values = widen(values, 0, source, average=False)
        elif name.startswith("decoder.conv_in.") and values.ndim == 5:
            values = widen(values, 1, source, average=True)
        elif name.startswith("encoder.conv_out."):
            # latent_channels means, then one shared log-variance channel.
            values = widen(values, 0, numpy.append(source, latent_channels), average=False)
        elif name.startswith(first_stage) or name.startswith("encoder.down_blocks.0.downsamplers."):
            if values.ndim == 5 and values.shape[1] == latent_channels:
                values = widen(values, 1, source, average=True)
            if name.startswith(first_stage) and values.shape[0] == latent_channels:
                values = widen(values, 0, source, average=False)
        tensors[name] = entry(numpy.ascontiguousarray(values))
    return tensors


def main():
    golden, out = sys.argv[1], sys.argv[2]
    refiner = read_safetensors(os.path.join(golden, "sanawm-refiner-tiny", "refiner_golden.safetensors"))
    write_safetensors(os.path.join(out, "sanawm-refiner-tiny.latent"),
                      {"latent_tensor": refiner["inputs.z"], "latent_format_version_0": ("F32", [0], b"")})
    write_safetensors(os.path.join(out, "sanawm-refiner-tiny-prompt.safetensors"),
                      {"prompt_embeds": refiner["inputs.prompt_embeds"], "prompt_attention_mask": refiner["inputs.prompt_attention_mask"]})

    transformer = json.load(open(os.path.join(golden, "sanawm-refiner-tiny", "transformer", "config.json")))
    target = transformer["in_channels"] // (transformer["patch_size"] ** 2 * transformer["patch_size_t"])
    vae_dir = os.path.join(golden, "ltx2-vae-tiny", "model")
    config = json.load(open(os.path.join(vae_dir, "config.json")))
    vae = read_safetensors(os.path.join(vae_dir, "diffusion_pytorch_model.safetensors"))
    wide = os.path.join(out, "ltx2-vae-tiny-wide")
    os.makedirs(wide, exist_ok=True)
    write_safetensors(os.path.join(wide, "diffusion_pytorch_model.safetensors"), widened_vae(vae, config["latent_channels"], target), {"format": "pt"})
    with open(os.path.join(wide, "config.json"), "w") as f:
        json.dump({**config, "latent_channels": target}, f, indent=2)


main()
