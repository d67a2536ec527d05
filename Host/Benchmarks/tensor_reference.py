#!/usr/bin/env python3
"""PyTorch side of `workflow bench tensor` (Host/Benchmarks/TensorBenchmark.cs), driven over stdin/stdout.

First line in: {"threads": N, "device": "cpu" | "cuda:N", "cases": [{"name", "op", "shapes", "iterations"}]}; it
prepares every case's inputs (drawn on the CPU, moved to the device)
and answers {"torch_version", "threads"}. Each further line in is a case index: it runs that case's op
`iterations` times under inference mode and answers the seconds per call. EOF ends it. Rounds are requested one
at a time so the C# side can interleave them with its own, and machine noise falls on both sides alike.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def attention(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):  # PyTorch 2.0+
        return F.scaled_dot_product_attention(q, k, v)
    # PyTorch 1.x: the math the shim computes there, softmax(q k^T / sqrt(E)) v with q pre-scaled.
    return torch.softmax((q * q.shape[-1] ** -0.5) @ k.transpose(-2, -1), dim=-1) @ v


def prepare(op, shapes, generator, device):
    def draw(shape):
        return torch.randn(shape, generator=generator).to(device)

    a = draw(shapes[0])
    b = draw(shapes[1] if len(shapes) > 1 else shapes[0])
    if op == "add":
        return lambda: a + b
    if op == "mul_scalar":
        return lambda: a * 2.0
    if op == "view":
        return lambda: a.view(-1)
    if op == "conv2d":
        bias = draw(shapes[1][0])
        return lambda: F.conv2d(a, b, bias, padding=1)
    if op == "matmul":
        return lambda: a @ b
    if op == "attention":
        v = draw(shapes[1])
        return lambda: attention(a, b, v)
    raise ValueError(f"unknown op {op!r}")


def seconds_per_call(fn, iterations, device):
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) / iterations


def main():
    spec = json.loads(sys.stdin.readline())
    torch.set_num_threads(spec["threads"])
    with torch.inference_mode():
        device = torch.device(spec["device"])
        cases = [(prepare(c["op"], c["shapes"], torch.Generator().manual_seed(0), device), c["iterations"]) for c in spec["cases"]]
        print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            fn, iterations = cases[int(line)]
            print(repr(seconds_per_call(fn, iterations, device)), flush=True)


if __name__ == "__main__":
    main()
