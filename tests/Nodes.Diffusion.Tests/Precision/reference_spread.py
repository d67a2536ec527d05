#!/usr/bin/python3
"""How far the reference itself moves from float32 to bfloat16 on a golden fixture: the measure the half-precision
tolerances of our bfloat16 tests are derived from.

For every component call the fixture records (sd15-tiny: components/index.json, and the pipeline run of e2e/e2e.json;
sd3-tiny: the manifest's goldens.transformer.calls), it runs the eager ports of the upstream forward passes
(Benchmarks/*_reference.py) twice: in float32, and in bfloat16 as `model.to(torch.bfloat16)` with the floating inputs
cast (timesteps stay float32, as the pipelines pass them; the ports upcast softmax and norms exactly where upstream
does). Then, per floating output the manifest compares within a tolerance:
  fp32_vs_golden   max|fp32 − golden|: the port is the reference (within the manifest's tolerance_max_abs_diff)
  bf16_vs_fp32     max|bf16 − fp32|: the reference's own half-precision spread
  golden_max_abs   max|golden|
  variants         other bfloat16 computations, equally valid, each as max|variant − fp32| and max|variant − bf16|:
                   "float32_ops" (each op computed in float32 on the bfloat16 values, its result rounded to bfloat16),
                   "batch" (the batch split into rows, or a single row run doubled), "upcast_softmax" (every
                   attention's softmax in float32, where the port has the switch), "float32_latents" (e2e: latents,
                   guidance and DDIM steps in float32, the models cast at their inputs, as ComfyUI samples), and with
                   --other-threads "threads" (the same run at M threads: bit-identical at 2 on both fixtures, and slow
                   on a loaded machine, so left out by default)

usage: reference_spread.py FIXTURE_DIR [--threads N] [--other-threads M] [--ports DIR]
DIR holds the ports (default: ../Benchmarks beside this script, as in the test output; from the source tree pass
Nodes.Diffusion/Benchmarks). Prints one JSON object.
"""
import argparse
import json
import os
import sys

import torch
from torch import nn
from torch.overrides import TorchFunctionMode


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("fixture")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--other-threads", type=int, default=None)
    parser.add_argument("--ports", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "Benchmarks"))
    return parser.parse_args()


ARGS = arguments()
sys.path.insert(0, os.path.abspath(ARGS.ports))
from clip_text_reference import ClipTextModel  # noqa: E402
from sd3_reference import SD3Transformer  # noqa: E402
from unet_reference import Ddim, UNet, read_safetensors  # noqa: E402
import unet_reference  # noqa: E402
from vae_reference import AutoencoderKL  # noqa: E402

# every run finite, at any thread count (see Attention.scores_input)
unet_reference.Attention.scores_input = staticmethod(torch.zeros)


class Call:
    """One recorded call: its inputs (batch first), which of them are cast to the model's dtype, the forward pass
    (model, inputs → raw tensors, batch first), the outputs it yields (raw → {name: tensor}), and other forward passes
    that are equally valid bfloat16 computations of it, by name."""

    def __init__(self, inputs, forward, outputs, cast=None, variants=None):
        self.inputs, self.forward, self.outputs = inputs, forward, outputs
        self.cast = set(inputs) if cast is None else set(cast)
        self.variants = variants or {}

    def run(self, model, dtype, batching="recorded", float32_ops=False, forward=None):
        inputs = {k: v.to(dtype) if k in self.cast else v for k, v in self.inputs.items()}
        batch = next(iter(inputs.values())).shape[0]
        with torch.inference_mode():
            if forward is not None:
                raw = forward(model, inputs)
            elif float32_ops:
                with Float32Ops():
                    raw = self.forward(model, inputs)
            elif batching == "recorded":
                raw = self.forward(model, inputs)
            elif batch > 1:
                rows = [self.forward(model, {k: v[i:i + 1] for k, v in inputs.items()}) for i in range(batch)]
                raw = {k: torch.cat([row[k] for row in rows]) for k in rows[0]}
            else:
                doubled = self.forward(model, {k: torch.cat([v, v]) for k, v in inputs.items()})
                raw = {k: v[:batch] for k, v in doubled.items()}
            return {name: tensor.double() for name, tensor in self.outputs(raw).items()}


class Component:
    """A model (built from its config, loaded strictly with the fixture's weights) and the calls recorded for it in one golden file."""

    def __init__(self, golden_file, build, weights, calls):
        self.golden_file, self.build, self.weights, self.calls = golden_file, build, weights, calls

    def model(self, dtype):
        model = self.build()
        model.load_state_dict(self.weights, strict=True)
        return model.eval().to(dtype)


def read_json(folder, path):
    with open(os.path.join(folder, path)) as f:
        return json.load(f)


def sd15_components(folder):
    index = read_json(folder, "components/index.json")
    model = lambda name: (read_json(folder, f"model/{name}/config.json"), read_safetensors(os.path.join(folder, "model", name, "diffusion_pytorch_model.safetensors" if name != "text_encoder" else "model.safetensors")))
    golden = lambda component: read_safetensors(os.path.join(folder, index[component]["file"]))
    components = []

    text_config, text_weights = model("text_encoder")
    clip = golden("clip_text_encoder")
    components.append(Component(index["clip_text_encoder"]["file"], lambda: ClipTextModel(text_config), text_weights, [Call(
        {"input_ids": clip["input_ids"]}, lambda m, x: dict(zip(("last_hidden_state", "pooler_output"), m(x["input_ids"])[:2])),
        lambda raw: raw, cast=[])]))

    unet_config, unet_weights = model("unet")
    unet = golden("unet")
    unet_call = lambda m, x, t: {"noise_pred": m(x["latent"], t, x["context"])}
    calls = [Call({"latent": unet["latent"], "context": unet["encoder_hidden_states"]},
                  lambda m, x, t=torch.tensor(c["timestep"]): unet_call(m, x, t),
                  lambda raw, name=c["output"]: {name: raw["noise_pred"]}) for c in index["unet"]["calls"]]
    cfg = index["unet"]["cfg_call"]
    prefix = cfg["output"][:cfg["output"].rfind(".") + 1]
    guided = prefix + "guided_noise_pred_gs"

    def cfg_outputs(raw):
        # guided in the prediction's dtype, as the pipeline guides (the golden's float32 run guided in float32)
        uncond, cond = raw["noise_pred"].chunk(2)
        outputs = {cfg["output"]: raw["noise_pred"]}
        for name in (n for n in unet if n.startswith(guided)):
            outputs[name] = uncond + float(name[len(guided):]) * (cond - uncond)
        return outputs

    calls.append(Call({"latent": unet[prefix + "latent_model_input"], "context": unet[prefix + "encoder_hidden_states"]},
                      lambda m, x: unet_call(m, x, torch.tensor(cfg["timestep"])), cfg_outputs))
    components.append(Component(index["unet"]["file"], lambda: UNet(unet_config), unet_weights, calls))

    vae_config, vae_weights = model("vae")
    decode = golden("vae_decode")
    components.append(Component(index["vae_decode"]["file"], lambda: AutoencoderKL(vae_config), vae_weights, [Call(
        {"z": decode["vae_input"]}, lambda m, x: {index["vae_decode"]["output"]: m.decode(x["z"])}, lambda raw: raw)]))
    encode = golden("vae_encode")
    components.append(Component(index["vae_encode"]["file"], lambda: AutoencoderKL(vae_config), vae_weights, [Call(
        {"image": encode["image"]}, lambda m, x: dict(zip(("latent_dist_mean", "latent_dist_logvar", "latent_dist_std"), m.encode(x["image"]))),
        lambda raw: raw)]))
    components.append(sd15_pipeline(folder, {"text_encoder": (text_config, text_weights), "unet": (unet_config, unet_weights),
                                             "vae": (vae_config, vae_weights)}))
    return components


class Sd15Pipeline(nn.Module):
    """StableDiffusionPipeline's modules under one root, so that `.to(dtype)` casts them all as torch_dtype does."""

    def __init__(self, configs):
        super().__init__()
        self.text_encoder, self.unet = ClipTextModel(configs["text_encoder"]), UNet(configs["unet"])
        self.vae = AutoencoderKL(configs["vae"])


def sd15_pipeline(folder, models):
    """e2e/: StableDiffusionPipeline with DDIM and classifier-free guidance from the recorded prompts' ids and initial
    latents. In bfloat16 everything runs in bfloat16 as diffusers' pipeline does (prepare_latents casts the float32
    noise; the DDIM step mixes float32 0-dim alphas into bfloat16 latents); the variant "float32_latents" keeps
    latents, guidance and steps in float32 and casts only at the models, as ComfyUI's samplers do."""
    record = read_json(folder, "e2e/e2e.json")
    params, golden = record["params"], read_safetensors(os.path.join(folder, record["file"]))
    ddim = Ddim(read_json(folder, "model/scheduler/scheduler_config.json"), params["num_inference_steps"])

    def sample(m, x, latent_dtype):
        embeds = lambda ids: m.text_encoder(ids)[0]
        context = torch.cat([embeds(x["negative_ids"]), embeds(x["prompt_ids"])])
        latents = x["latents"].to(latent_dtype)
        for t in ddim.timesteps:
            uncond, cond = m.unet(torch.cat([latents] * 2).to(context.dtype), t, context).to(latent_dtype).chunk(2)
            latents = ddim.step(uncond + params["guidance_scale"] * (cond - uncond), int(t), latents)
        decoded = m.vae.decode((latents / params["scaling_factor"]).to(context.dtype))
        return {"final_latents": latents, "image": (decoded / 2 + 0.5).clamp(0, 1).permute(0, 2, 3, 1)}

    inputs = {"prompt_ids": golden["prompt_input_ids"], "negative_ids": golden["negative_prompt_input_ids"], "latents": golden["initial_latents"]}
    call = Call(inputs, lambda m, x: sample(m, x, x["latents"].dtype), lambda raw: raw, cast=["latents"],
                variants={"float32_latents": lambda m, x: sample(m, x, torch.float32)})
    weights = {f"{name}.{key}": value for name, (_, tensors) in models.items() for key, value in tensors.items()}
    return Component(record["file"], lambda: Sd15Pipeline({name: config for name, (config, _) in models.items()}), weights, [call])


def sd3_components(folder, manifest):
    config = read_json(folder, "diffusers/transformer/config.json")
    weights = read_safetensors(os.path.join(folder, "diffusers/transformer/diffusion_pytorch_model.safetensors"))
    file = next(f for f in manifest["tensors"] if f.startswith("transformer/"))
    golden = read_safetensors(os.path.join(folder, file))
    inputs = {"x": golden["hidden_states"], "context": golden["encoder_hidden_states"], "pooled": golden["pooled_projections"]}
    calls = [Call(dict(inputs, t=golden[f"call{k}.timestep"]), lambda m, x: {"output": m(x["x"], x["t"], x["context"], x["pooled"])},
                  lambda raw, name=f"call{k}.output": {name: raw["output"]}, cast=["x", "context", "pooled"])
             for k in range(len(manifest["goldens"]["transformer"]["calls"]))]
    return [Component(file, lambda: SD3Transformer(config), weights, calls)]


def components_of(folder, manifest):
    if os.path.exists(os.path.join(folder, "components/index.json")):
        return sd15_components(folder)
    if "transformer" in manifest.get("goldens", {}):
        return sd3_components(folder, manifest)
    raise SystemExit(f"{folder}: neither components/index.json nor goldens.transformer in manifest.json; no recorded calls to measure")


def tensors_mapped(value, change):
    if isinstance(value, torch.Tensor):
        return change(value)
    if isinstance(value, (list, tuple)):
        return type(value)(tensors_mapped(v, change) for v in value)
    return value


def holds_bfloat16(value):
    if isinstance(value, torch.Tensor):
        return value.dtype == torch.bfloat16
    return isinstance(value, (list, tuple)) and any(holds_bfloat16(v) for v in value)


class Float32Ops(TorchFunctionMode):
    """Every torch function given a bfloat16 tensor computes in float32 on the bfloat16 values and rounds its result to
    bfloat16: the storage of the plain bfloat16 run, with float32 arithmetic inside each op (as fused kernels and
    tensor cores accumulate) instead of the CPU kernels' own internal roundings."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if not holds_bfloat16(list(args) + list(kwargs.values())):
            return func(*args, **kwargs)
        up = lambda t: t.float() if t.dtype == torch.bfloat16 else t
        result = func(*tensors_mapped(args, up), **{k: tensors_mapped(v, up) for k, v in kwargs.items()})
        return tensors_mapped(result, lambda t: t.bfloat16() if t.dtype == torch.float32 else t)


def max_abs(a, b=None):
    return float((a if b is None else a - b).abs().max())


def with_softmax_upcast(model, run):
    """run() with every attention of the UNet/VAE ports taking its softmax in float32; None where the model has none."""
    attentions = [m for m in model.modules() if isinstance(m, unet_reference.Attention)]
    if not attentions:
        return None
    recorded = [a.upcast_softmax for a in attentions]
    for attention in attentions:
        attention.upcast_softmax = True
    try:
        return run()
    finally:
        for attention, upcast in zip(attentions, recorded):
            attention.upcast_softmax = upcast


def measurable(entry):
    """An output the manifest compares within a tolerance, in floating point (exact entries are ids, noise and
    timesteps, which precision does not touch; a uint8 picture's tolerance is its quantisation)."""
    return entry.get("role") == "output" and entry.get("comparison") == "max_abs_diff" and entry.get("dtype", "").startswith("float")


def measure(component, entries):
    fp32, bf16 = component.model(torch.float32), component.model(torch.bfloat16)
    results = []
    for call in component.calls:
        torch.set_num_threads(ARGS.threads)
        exact, half = call.run(fp32, torch.float32), call.run(bf16, torch.bfloat16)
        variants = {"batch": call.run(bf16, torch.bfloat16, batching="split or doubled"),
                    "float32_ops": call.run(bf16, torch.bfloat16, float32_ops=True)}
        if ARGS.other_threads is not None:
            torch.set_num_threads(ARGS.other_threads)
            variants["threads"] = call.run(bf16, torch.bfloat16)
            torch.set_num_threads(ARGS.threads)
        upcast = with_softmax_upcast(bf16, lambda: call.run(bf16, torch.bfloat16))
        if upcast is not None:
            variants["upcast_softmax"] = upcast
        for name, forward in call.variants.items():
            variants[name] = call.run(bf16, torch.bfloat16, forward=forward)
        golden = read_safetensors(os.path.join(ARGS.fixture, component.golden_file))
        for name, value in exact.items():
            if not measurable(entries.get(name, {})):
                continue
            expected = golden[name].double()
            results.append({
                "file": component.golden_file, "name": name,
                "golden_max_abs": max_abs(expected), "fp32_tolerance": entries[name]["tolerance_max_abs_diff"],
                "fp32_vs_golden": max_abs(value, expected), "bf16_vs_fp32": max_abs(half[name], value),
                "variants": {v: {"vs_fp32": max_abs(out[name], value), "vs_bf16": max_abs(out[name], half[name])} for v, out in variants.items()},
            })
    return results


def main():
    torch.set_num_threads(ARGS.threads)
    manifest = read_json(ARGS.fixture, "manifest.json")
    outputs = []
    for component in components_of(ARGS.fixture, manifest):
        entries = manifest["tensors"][component.golden_file]
        measured = measure(component, entries)
        missing = sorted(set(n for n, e in entries.items() if measurable(e)) - {m["name"] for m in measured})
        if missing:
            raise SystemExit(f"{component.golden_file}: the manifest lists outputs no recorded call produced: {', '.join(missing)}")
        outputs += measured
    print(json.dumps({"fixture": manifest["name"], "torch": torch.__version__, "threads": ARGS.threads,
                      "other_threads": ARGS.other_threads, "outputs": outputs}, indent=1))


if __name__ == "__main__":
    main()
