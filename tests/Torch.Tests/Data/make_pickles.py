#!/usr/bin/python3
"""Writes the PyTorch checkpoints the pickle reader tests load, with torch.save itself (Debian's python3-torch 1.13).

For each case NAME: NAME.pt (zip format), NAME.legacy.pt (_use_new_zipfile_serialization=False), NAME.pN.pt and
NAME.legacy.pN.pt for other pickle protocols, and NAME.twin.safetensors: every tensor of the state dict, contiguous,
under the name the reader gives it (ComfyUI's load_torch_file selection, nested names joined with dots), written
here by hand since python's safetensors package is not installed. expected.json lists the non-tensor values.
evil_*.pt are files the reader must refuse: their pickles call os.system, eval or subprocess.Popen (each would
create MARKER if loaded with torch.load(weights_only=False)), or build classes outside the allow-list.

Run by the tests: /usr/bin/python3 make_pickles.py OUT_DIR MARKER
"""
import collections, json, math, os, struct, subprocess, sys
import torch

out, marker = sys.argv[1], sys.argv[2]
torch.manual_seed(0)

SAFETENSORS_DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                      torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
                      torch.uint8: "U8", torch.bool: "BOOL"}


def save_twin(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def state_dict_view(obj):
    """The reader's rule: comfy.utils.load_torch_file's selection, then nested dicts and lists flattened with dots."""
    if isinstance(obj, dict):
        if "state_dict" in obj:
            obj = obj["state_dict"]
        elif len(obj) == 1 and isinstance(next(iter(obj.values())), dict):
            obj = next(iter(obj.values()))
    flat = {}

    def walk(value, name):
        if isinstance(value, torch.Tensor):
            flat[name] = value
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, (str, int)) and not isinstance(k, bool):
                    walk(v, f"{name}.{k}" if name else str(k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{name}.{i}" if name else str(i))
    walk(obj, "")
    return flat


def save_case(name, obj, protocols=(2,)):
    for protocol in protocols:
        suffix = "" if protocol == 2 else f".p{protocol}"
        torch.save(obj, os.path.join(out, f"{name}{suffix}.pt"), pickle_protocol=protocol)
        torch.save(obj, os.path.join(out, f"{name}.legacy{suffix}.pt"), pickle_protocol=protocol, _use_new_zipfile_serialization=False)
    save_twin(os.path.join(out, f"{name}.twin.safetensors"), state_dict_view(obj))


# Every dtype read, random values (bool and integers over their ranges).
save_case("dtypes", collections.OrderedDict([
    ("f32", torch.randn(3, 4)),
    ("f16", torch.randn(5).half()),
    ("bf16", torch.randn(2, 3, 4).bfloat16()),
    ("f64", torch.randn(2, 2).double()),
    ("i64", torch.randint(-2**62, 2**62, (7,), dtype=torch.int64)),
    ("i32", torch.randint(-2**31, 2**31 - 1, (3,), dtype=torch.int32)),
    ("i16", torch.randint(-2**15, 2**15 - 1, (2,), dtype=torch.int16)),
    ("i8", torch.randint(-128, 127, (4,), dtype=torch.int8)),
    ("u8", torch.randint(0, 255, (6,), dtype=torch.uint8)),
    ("flags", torch.rand(3, 3) > 0.5),
    ("empty", torch.zeros(0, 3)),
]), protocols=(2, 4, 5))

# Views sharing storages: transposes, slices with offsets, strides, a 0-dim element, a stride-0 expansion.
base = torch.randn(6, 8)
halves = torch.randn(10).half()
save_case("views", collections.OrderedDict([
    ("base", base),
    ("transposed", base.t()),
    ("slice", base[2:5, 1:7]),
    ("column", base[:, 3]),
    ("row", base[4]),
    ("every_other", base[::2, ::3]),
    ("element", base[1, 1]),
    ("expanded", base[0:1, :].expand(3, 8)),
    ("permuted", torch.randn(2, 3, 4).permute(2, 0, 1)),
    ("half_tail", halves[3:]),
    ("half_head", halves[:4].view(2, 2)),
]))

# A Lightning-style .ckpt: the weights under "state_dict", beside training state that is not read.
linear = torch.nn.Linear(4, 3)
save_case("lightning", {
    "state_dict": collections.OrderedDict((f"model.{k}", v) for k, v in linear.state_dict().items()),
    "global_step": 7, "epoch": 3, "optimizer_states": [{"lr": 0.5, "step": torch.tensor(7.0)}],
})

# One key holding the state dict (ComfyUI takes the inner dict).
save_case("wrapped", {"model": torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)).state_dict()})

# module.state_dict() (an OrderedDict with _metadata), Parameters, a tensor with a Python attribute.
attributed = torch.randn(2)
attributed.note = "kept by _rebuild_from_type_v2"
modules = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.LayerNorm(3), torch.nn.BatchNorm1d(3))
save_case("modules", {
    "net": modules.state_dict(),
    "params": {"trained": torch.nn.Parameter(torch.randn(2, 2)), "frozen": torch.nn.Parameter(torch.randn(3), requires_grad=False)},
    "attributed": attributed,
})

# What newer PyTorch writes and 1.13 cannot: _rebuild_tensor_v3 on an untyped storage, _rebuild_parameter_with_state,
# _rebuild_from_type_v2 (tensors with Python attributes). Stand-ins registered under those names make pickle write them.
def stand_in(module, name):
    def function(*args):
        raise RuntimeError("written, never called")
    function.__module__, function.__qualname__, function.__name__ = module.__name__, name, name
    setattr(module, name, function)
    return function


class Newer:
    def __init__(self, kind, tensor):
        self.kind, self.tensor = kind, tensor

    def __reduce__(self):
        t = self.tensor
        if self.kind == "v3":
            return (stand_in(torch._utils, "_rebuild_tensor_v3"),
                    (t.storage().untyped(), t.storage_offset(), tuple(t.size()), t.stride(), False, collections.OrderedDict(), t.dtype))
        if self.kind == "parameter_with_state":
            return stand_in(torch._utils, "_rebuild_parameter_with_state"), (t, True, collections.OrderedDict(), {"note": "x"})
        func, args = t._reduce_ex_internal(2)
        return torch._tensor._rebuild_from_type_v2, (func, torch.Tensor, args, {"note": "x"})


newer = {"v3": torch.randn(4, 3).half()[1:].t(), "parameter_with_state": torch.randn(2, 2), "from_type": torch.randn(3)[1:]}
torch.save({k: Newer(k, t) for k, t in newer.items()}, os.path.join(out, "newer.pt"))
torch.save({k: Newer(k, t) for k, t in newer.items()}, os.path.join(out, "newer.legacy.pt"), _use_new_zipfile_serialization=False)
save_twin(os.path.join(out, "newer.twin.safetensors"), newer)

# Nested containers and every plain value type, in several protocols (1 uses text opcodes for bools and big ints).
save_case("containers", {
    "model": {"weight": torch.randn(2, 2), "layers": [torch.randn(3), torch.randn(1, 2)], "pair": (torch.arange(3), torch.ones(2, dtype=torch.bool))},
    "meta": {"name": "containers", "bytes": b"\x00\xffab", "numbers": {1, 2, 3}, "complex": 1 + 2j, "none": None,
             "big": 2**80, "negative": -5, "large": 2**40, "infinity": float("inf"), "ratio": 0.25, "flag": True,
             "ordered": collections.OrderedDict(a=1), "device": torch.device("cpu"), "dtype": torch.float16, "size": torch.Size([2, 3]),
             "unicode": "naïve ✓"},
}, protocols=(1, 2, 4, 5))

json.dump({"containers": [
    ["meta.name", "str", "containers"], ["meta.bytes", "bytes", "00ff6162"], ["meta.numbers", "set", [1, 2, 3]],
    ["meta.complex", "complex", [1.0, 2.0]], ["meta.none", "none", None], ["meta.big", "bigint", str(2**80)],
    ["meta.negative", "int", -5], ["meta.large", "int", 2**40], ["meta.infinity", "float", "inf"], ["meta.ratio", "float", 0.25],
    ["meta.flag", "bool", True], ["meta.ordered", "ordereddict", ["a"]], ["meta.device", "str", "cpu"],
    ["meta.dtype", "dtype", "torch.float16"], ["meta.size", "tuple", [2, 3]], ["meta.unicode", "str", "naïve ✓"],
]}, open(os.path.join(out, "expected.json"), "w"), ensure_ascii=False)


# Files to refuse. Each __reduce__ names a global the allow-list refuses; loaded unsafely, the first three create MARKER.
class System:
    def __reduce__(self):
        return os.system, (f"touch {marker}",)


class Eval:
    def __reduce__(self):
        return eval, (f"open({marker!r}, 'w').close()",)


class Popen:
    def __reduce__(self):
        return subprocess.Popen, (["touch", marker],)


class Custom:
    pass


for name, payload in [("system", System()), ("eval", Eval()), ("popen", Popen()), ("counter", collections.Counter(a=1)), ("custom", Custom())]:
    obj = {"weight": torch.ones(2), "payload": payload}
    torch.save(obj, os.path.join(out, f"evil_{name}.pt"))
    torch.save(obj, os.path.join(out, f"evil_{name}.legacy.pt"), _use_new_zipfile_serialization=False)
