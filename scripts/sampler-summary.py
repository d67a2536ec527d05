"""One line per `bench sampler --json` report read from standard input: ours and PyTorch's times, peak VRAM and ratios
(scripts/gpu-check.sh prints these; the full reports are in bench-sampler.jsonl)."""
import json
import sys

for line in sys.stdin:
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    ours = (f"  {r['precision']}, attention {r['attention']}: UNet step {r['unet_step_s'] * 1e3:.1f} ms, "
            f"{r['steps']} steps {r['total_s']:.3f} s, peak VRAM {r.get('peak_vram_mb') or 0:.0f} MiB")
    ref = r.get("reference")
    if ref and "ratio_total" in ref:
        ours += (f"; PyTorch {ref['unet_step_s'] * 1e3:.1f} ms, {ref['total_s']:.3f} s, {ref.get('peak_vram_mb') or 0:.0f} MiB "
                 f"({ref['attention']}): ratio step {ref['ratio_unet_step']:.3f}, total {ref['ratio_total']:.3f}, "
                 f"max diff UNet {ref['max_abs_diff_unet']:.3g}, latents {ref['max_abs_diff_latents']:.3g}")
    elif ref:
        ours += f"; reference: {ref}"
    print(ours)
