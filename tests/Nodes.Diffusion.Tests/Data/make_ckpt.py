#!/usr/bin/python3
"""Saves the sd15-tiny fixture's single file as the .ckpt files people have, with torch.save (python3-torch 1.13).

sd15-tiny.ckpt is a Lightning checkpoint in the zip format: the weights under "state_dict" beside training state,
including the callbacks old Stable Diffusion .ckpt files carry (a ModelCheckpoint keyed by its class, numpy
scalars), which ComfyUI's loader allows as inert stand-ins. sd15-tiny-legacy.ckpt is the same in the legacy format.
evil.ckpt looks the same but its pickle calls os.system (creating MARKER if anything ran it).

Run by the tests: /usr/bin/python3 make_ckpt.py FIXTURE.safetensors OUT_DIR MARKER
"""
import os, sys, types
import numpy, torch
import safetensors_io

source, out, marker = sys.argv[1:4]
state_dict = safetensors_io.read(source)

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
