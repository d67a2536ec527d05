#!/usr/bin/env bash
# Puts the fixture models (../shared/golden, read in place, never copied) where the example workflows look for them,
# under BASE (default: the repository root): sd15-tiny as a checkpoint and as the CLIP tokenizer single-file
# checkpoints look for, multiview-tiny's image encoder as a CLIP vision model, a random-weight IP-Adapter that fits
# them (scripts/make-tiny-ipadapter.py: no trained one exists at this size), MVDream and ImageDream checkpoints
# completed with a VAE and OpenCLIP towers (scripts/make-tiny-multiview.py; ImageDream's visual tower also serves as
# its CLIP vision model), multiview-tiny's sd-x2-latent-upscaler as a latent upscale model, the tiny LTX-2 video VAE
# as a VAE, and a reference picture in input/.
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
  "$base/models/latent_upscale_models" "$base/models/vae" "$base/input"
[[ -e "$base/models/checkpoints/sd15-tiny" ]] || ln -s "$golden/sd15-tiny/model" "$base/models/checkpoints/sd15-tiny"
[[ -e "$base/models/tokenizers/clip_l" ]] || ln -s "$golden/sd15-tiny/model/tokenizer" "$base/models/tokenizers/clip_l"
encoder="$golden/multiview-tiny/ip_adapter/models/image_encoder"
[[ -e "$base/models/clip_vision/tiny-image-encoder" ]] || ln -s "$encoder" "$base/models/clip_vision/tiny-image-encoder"
adapter="$base/models/ipadapter/ip-adapter_sd15-tiny.safetensors"
[[ -e "$adapter" ]] || python3 "$repo/scripts/make-tiny-ipadapter.py" "$golden/sd15-tiny/model/unet/config.json" "$encoder/config.json" "$adapter"
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
[[ -e "$base/input/reference.png" ]] || cp "$golden/multiview-tiny/clip_vision/test_image.png" "$base/input/reference.png"
echo "workflows/sd15_txt2img.json"
