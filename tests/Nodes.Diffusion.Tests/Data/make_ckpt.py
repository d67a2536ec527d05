#!/usr/bin/python3
"""Saves the sd15-tiny fixture's single file as the .ckpt files people have, with torch.save (python3-torch 1.13).

sd15-tiny.ckpt is a Lightning checkpoint in the zip format: the weights under "state_dict" beside training state,
including the callbacks old Stable Diffusion .ckpt files carry (a ModelCheckpoint keyed by its class, numpy
scalars), which ComfyUI's loader allows as inert stand-ins. sd15-tiny-legacy.ckpt is the same in the legacy format.
evil.ckpt looks the same but its pickle calls os.system (creating MARKER if anything ran it).
The safetensors file is read by hand: python's safetensors package is not installed.

Run by the tests: /usr/bin/python3 make_ckpt.py FIXTURE.safetensors OUT_DIR MARKER
"""
import collections, json, os, struct, sys, types
import numpy, torch

source, out, marker = sys.argv[1:4]
DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
          "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}

data = open(source, "rb").read()
length = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + length])
state_dict = collections.OrderedDict()
for name, info in header.items():
    if name == "__metadata__":
        continue
    begin, end = info["data_offsets"]
    raw = bytearray(data[8 + length + begin:8 + length + end])
    dtype = DTYPES[info["dtype"]]
    tensor = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
    state_dict[name] = tensor.reshape(info["shape"])

# pytorch_lightning is not installed: a class under its name pickles as old Lightning checkpoints reference it.
for module in ["pytorch_lightning", "pytorch_lightning.callbacks", "pytorch_lightning.callbacks.model_checkpoint"]:
    sys.modules[module] = types.ModuleType(module)
ModelCheckpoint = type("ModelCheckpoint", (), {"__module__": "pytorch_lightning.callbacks.model_checkpoint"})
sys.modules[ModelCheckpoint.__module__].ModelCheckpoint = ModelCheckpoint

checkpoint = {
    "epoch": 6, "global_step": 470000, "pytorch-lightning_version": "1.4.2",
    "callbacks": {ModelCheckpoint: {"monitor": None, "best_model_score": numpy.float64(0.125), "best_model_path": "last.ckpt"}},
    "state_dict": state_dict,
}
torch.save(checkpoint, os.path.join(out, "sd15-tiny.ckpt"))
torch.save(checkpoint, os.path.join(out, "sd15-tiny-legacy.ckpt"), _use_new_zipfile_serialization=False)


class System:
    def __reduce__(self):
        return os.system, (f"touch {marker}",)


torch.save({"state_dict": state_dict, "hparams": System()}, os.path.join(out, "evil.ckpt"))
