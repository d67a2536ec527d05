#!/usr/bin/python3
"""Saves a safetensors file's tensors with torch.save (python3-torch 1.13), as model files are published in .bin form.

flat: one state dict (transformers' pytorch_model.bin). nested: a dict of dicts split at the first dot of each name,
as tencent-ailab publishes IP-Adapters ({"image_proj": {...}, "ip_adapter": {...}}).

Run by the tests: /usr/bin/python3 save_as_bin.py SOURCE.safetensors OUT.bin flat|nested
"""
import collections
import sys

import torch

import safetensors_io

source, out, layout = sys.argv[1:4]
tensors = safetensors_io.read(source)
if layout == "nested":
    nested = collections.OrderedDict()
    for name, tensor in tensors.items():
        group, rest = name.split(".", 1)
        nested.setdefault(group, collections.OrderedDict())[rest] = tensor
    tensors = nested
torch.save(tensors, out)
