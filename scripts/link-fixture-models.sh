#!/usr/bin/env bash
# Puts the fixture models (../shared/golden, read in place, never copied) where the example workflows look for them,
# under BASE (default: the repository root): sd15-tiny as a checkpoint, its VAE alone, and the CLIP tokenizer
# single-file checkpoints look for, multiview-tiny's image encoder as a CLIP vision model, a random-weight IP-Adapter that fits
# them (scripts/make-tiny-ipadapter.py: no trained one exists at this size), a random kohya-layout LoRA for sd15-tiny
# (scripts/make-tiny-lora.py), MVDream and ImageDream checkpoints
# completed with a VAE and OpenCLIP towers (scripts/make-tiny-multiview.py; ImageDream's visual tower also serves as
# its CLIP vision model), multiview-tiny's sd-x2-latent-upscaler as a latent upscale model, the tiny LTX-2 video VAE
# as a VAE, the refiner fixture's LTX-2 transformer as a diffusion model with what workflows/arrefine_tiny.json reads
# beside it (scripts/make-refiner-example.py: its stage-1 latents and prompt in input/, the tiny VAE widened to its
# latent channels), a reference picture and the inpainting example's picture (workflows/input/) in input/, and sd3-tiny: its diffusers folder and its single file as
# checkpoints (the folder, named as the file's stem, gives the file the head counts its shapes cannot tell), its text
# encoders as models/clip/ files with same-stem configs, and its CLIP-G and T5 tokenizers.
# Prints the workflow the default run should use: the fixture's, or, where the fixtures are absent (a clone
# elsewhere), one on a model with random weights.
set -euo pipefail
repo="$(dirname "$(readlink -f "$0")")/.."
base="$(readlink -f "${1:-$repo}")"
golden="$(readlink -f "$repo/../shared/golden" 2>/dev/null || true)"

if [[ -z "$golden" || ! -f "$golden/sd15-tiny/model/model_index.json" ]]; then
  echo "workflows/sd15_txt2img_random.json"
  exit 0
fi
mkdir -p "$base/models/checkpoints" "$base/models/tokenizers" "$base/models/clip_vision" "$base/models/ipadapter" \
  "$base/models/latent_upscale_models" "$base/models/vae" "$base/models/diffusion_models" "$base/models/loras" "$base/input"
[[ -e "$base/models/checkpoints/sd15-tiny" ]] || ln -s "$golden/sd15-tiny/model" "$base/models/checkpoints/sd15-tiny"
[[ -e "$base/models/tokenizers/clip_l" ]] || ln -s "$golden/sd15-tiny/model/tokenizer" "$base/models/tokenizers/clip_l"
encoder="$golden/multiview-tiny/ip_adapter/models/image_encoder"
[[ -e "$base/models/clip_vision/tiny-image-encoder" ]] || ln -s "$encoder" "$base/models/clip_vision/tiny-image-encoder"
adapter="$base/models/ipadapter/ip-adapter_sd15-tiny.safetensors"
[[ -e "$adapter" ]] || python3 "$repo/scripts/make-tiny-ipadapter.py" "$golden/sd15-tiny/model/unet/config.json" "$encoder/config.json" "$adapter"
[[ -e "$base/models/vae/sd15-tiny-vae" ]] || ln -s "$golden/sd15-tiny/model/vae" "$base/models/vae/sd15-tiny-vae"
lora="$base/models/loras/sd15-tiny-lora.safetensors"
[[ -e "$lora" ]] || python3 "$repo/scripts/make-tiny-lora.py" "$golden/sd15-tiny/model/unet/diffusion_pytorch_model.safetensors" \
  "$golden/sd15-tiny/model/text_encoder/model.safetensors" "$lora"
# The completed multi-view checkpoints (90 MB) are written once into artifacts/ and linked from each base: tests install
# the models into many temporary bases. Written beside and renamed into place, so concurrent installs never see half a file.
made="$(readlink -f "$repo")/artifacts/fixture-models"
if [[ ! -e "$made/imagedream-tiny.safetensors" ]]; then
  mkdir -p "$made"
  scratch="$(mktemp -d "$made/.making.XXXXXX")"
  /usr/bin/python3 "$repo/scripts/make-tiny-multiview.py" "$golden" "$scratch"
  for f in mvdream-tiny.yaml imagedream-tiny.yaml mvdream-tiny.safetensors imagedream-tiny.safetensors; do mv -f "$scratch/$f" "$made/$f"; done
  rmdir "$scratch"
fi
for f in mvdream-tiny.safetensors mvdream-tiny.yaml imagedream-tiny.safetensors imagedream-tiny.yaml; do
  [[ -e "$base/models/checkpoints/$f" ]] || ln -s "$made/$f" "$base/models/checkpoints/$f"
done
[[ -e "$base/models/clip_vision/imagedream-tiny.safetensors" ]] || ln -s "$made/imagedream-tiny.safetensors" "$base/models/clip_vision/imagedream-tiny.safetensors"
upscaler="$base/models/latent_upscale_models/sd-x2-latent-upscaler-tiny"
[[ -e "$upscaler" ]] || ln -s "$golden/multiview-tiny/latent_upscaler/pipeline" "$upscaler"
if [[ -d "$golden/ltx2-vae-tiny/model" && ! -e "$base/models/vae/ltx2-vae-tiny" ]]; then
  ln -s "$golden/ltx2-vae-tiny/model" "$base/models/vae/ltx2-vae-tiny"
fi
refiner="$golden/sanawm-refiner-tiny"
if [[ -d "$refiner/transformer" && -d "$golden/ltx2-vae-tiny/model" ]]; then
  [[ -e "$base/models/diffusion_models/sanawm-refiner-tiny" ]] || ln -s "$refiner/transformer" "$base/models/diffusion_models/sanawm-refiner-tiny"
  # Made once, in a scratch folder renamed into place: a concurrent install that finished first keeps its own.
  if [[ ! -e "$made/arrefine" ]]; then
    mkdir -p "$made"
    scratch="$(mktemp -d "$made/.making.XXXXXX")"
    /usr/bin/python3 "$repo/scripts/make-refiner-example.py" "$golden" "$scratch"
    mv -T "$scratch" "$made/arrefine" 2>/dev/null || rm -rf "$scratch"
  fi
  [[ -e "$base/models/vae/ltx2-vae-tiny-wide" ]] || ln -s "$made/arrefine/ltx2-vae-tiny-wide" "$base/models/vae/ltx2-vae-tiny-wide"
  for f in sanawm-refiner-tiny.latent sanawm-refiner-tiny-prompt.safetensors; do
    [[ -e "$base/input/$f" ]] || ln -s "$made/arrefine/$f" "$base/input/$f"
  done
fi
[[ -e "$base/input/reference.png" ]] || cp "$golden/multiview-tiny/clip_vision/test_image.png" "$base/input/reference.png"
[[ -e "$base/input/inpaint_example.png" ]] || cp "$repo/workflows/input/inpaint_example.png" "$base/input/inpaint_example.png"
sd3="$golden/sd3-tiny"
if [[ -f "$sd3/diffusers/model_index.json" ]]; then
  mkdir -p "$base/models/clip"
  [[ -e "$base/models/checkpoints/sd3-tiny" ]] || ln -s "$sd3/diffusers" "$base/models/checkpoints/sd3-tiny"
  [[ -e "$base/models/checkpoints/sd3-tiny.safetensors" ]] || ln -s "$sd3/sd3-tiny.safetensors" "$base/models/checkpoints/sd3-tiny.safetensors"
  [[ -e "$base/models/tokenizers/clip_g" ]] || ln -s "$sd3/diffusers/tokenizer_2" "$base/models/tokenizers/clip_g"
  [[ -e "$base/models/tokenizers/t5" ]] || ln -s "$sd3/diffusers/tokenizer_3" "$base/models/tokenizers/t5"
  for encoder in clip_l:text_encoder clip_g:text_encoder_2 t5:text_encoder_3; do
    name="$base/models/clip/sd3-tiny_${encoder%%:*}"
    [[ -e "$name.safetensors" ]] || ln -s "$sd3/diffusers/${encoder#*:}/model.safetensors" "$name.safetensors"
    [[ -e "$name.json" ]] || ln -s "$sd3/diffusers/${encoder#*:}/config.json" "$name.json"
  done
fi
echo "workflows/sd15_txt2img.json"
