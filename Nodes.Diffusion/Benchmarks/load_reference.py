#!/usr/bin/python3
"""The PyTorch side of `workflow bench load` (Debian's python3-torch).

    load_reference.py write PATH SIZE_MB zip|legacy   writes a state dict of SIZE_MB MiB of float32 tensors (1024x1024 each)
    load_reference.py load PATH                       torch.load(PATH, map_location='cpu'), prints time and memory as JSON
"""
import collections, json, resource, sys, time
import torch


def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0


if sys.argv[1] == "write":
    path, size_mb, layout = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    generator = torch.Generator().manual_seed(0)
    state_dict = collections.OrderedDict((f"layers.{i}.weight", torch.randn(1024, 1024, generator=generator)) for i in range(max(1, size_mb // 4)))
    torch.save(state_dict, path, _use_new_zipfile_serialization=layout == "zip")
else:
    before = status("RssAnon:")
    start = time.perf_counter()
    loaded = torch.load(sys.argv[2], map_location="cpu")
    seconds = time.perf_counter() - start
    print(json.dumps({"implementation": f"torch.load, PyTorch {torch.__version__}", "total_s": seconds,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "anon_added_mb": status("RssAnon:") - before, "file_backed_mb": status("RssFile:")}))
