"""The reference for ComfyUI's interpolating latent resizes: PyTorch's own torch.nn.functional.interpolate.

usage: interpolate.py INPUT.safetensors OUTPUT.pt CASE...
  INPUT holds "samples" [B, C, H, W]; each CASE is name:mode:height:width:top:bottom:left:right, the rows and columns
  [top, bottom) x [left, right) of the input resized to height x width in that mode (align_corners unset, no
  antialias). OUTPUT is a torch.save of {name: tensor}.
"""
import sys

import torch

import safetensors_io

source, target, *cases = sys.argv[1:]
samples = safetensors_io.read(source)["samples"]
results = {}
for case in cases:
    name, mode, height, width, top, bottom, left, right = case.split(":")
    region = samples[:, :, int(top):int(bottom), int(left):int(right)]
    results[name] = torch.nn.functional.interpolate(region, size=(int(height), int(width)), mode=mode)
torch.save(results, target)
