"""Reads and writes safetensors files as the fixture scripts need them: name -> (dtype, shape, raw little-endian bytes),
in file order, so tensors are copied or rearranged without a tensor library. Standard library only."""
import json
import struct


def read_safetensors(path):
    """name -> (dtype, shape, raw bytes), in file order."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    header.pop("__metadata__", None)
    return {name: (e["dtype"], e["shape"], data[e["data_offsets"][0]:e["data_offsets"][1]]) for name, e in header.items()}


def write_safetensors(path, tensors, metadata=None):
    """Writes name -> (dtype, shape, raw bytes) in the order given; metadata, if any, as the string map __metadata__."""
    header, offset = ({"__metadata__": metadata} if metadata else {}), 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)) + encoded)
        for _, _, raw in tensors.values():
            out.write(raw)
