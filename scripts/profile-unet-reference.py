#!/usr/bin/python3
"""Where the PyTorch reference's time goes in one SD1.5-sized UNet call (fp32, CPU): torch.profiler over the eager port
of diffusers' UNet that `bench sampler` compares against (Nodes.Diffusion/Benchmarks/unet_reference.py), random
weights, the guidance batch of 2 at a 64x64 latent. Prints the ops by self time and the share of convolutions and
GEMMs, the kernels our tensor library shares with it, which bound how far below PyTorch's time a step can go.
usage: scripts/profile-unet-reference.py [THREADS]   (run from the repository root, with ../shared beside it)
"""
import json, os, sys, time, torch
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "Nodes.Diffusion", "Benchmarks"))
import unet_reference as ref
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
c = json.load(open(os.path.join(root, "..", "shared", "golden", "sd15-tiny", "model", "unet", "config.json")))
c.update(block_out_channels=[320, 640, 1280, 1280], layers_per_block=2, attention_head_dim=8, cross_attention_dim=768,
         norm_num_groups=32, sample_size=64, down_block_types=["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
         up_block_types=["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3)
unet = ref.UNet(c).eval()
x, t, ctx = torch.randn(2, 4, 64, 64), torch.tensor(981), torch.randn(2, 77, 768)
with torch.inference_mode():
    unet(x, t, ctx)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        start = time.perf_counter(); unet(x, t, ctx); total = time.perf_counter() - start
events = prof.key_averages()
rows = sorted(((e.key, e.self_cpu_time_total / 1e6) for e in events), key=lambda r: -r[1])
print("total %.2f s" % total)
for k, s in rows[:14]:
    print("%-40s %6.2f s %5.1f%%" % (k, s, 100 * s / total))
shared = sum(s for k, s in rows if k in ("aten::mkldnn_convolution", "aten::_slow_conv2d_forward", "aten::addmm", "aten::mm"))
print("convolutions and linear layers: %.2f s (%.1f%%)" % (shared, 100 * shared / total))
