#!/usr/bin/env bash
# Links the sd15-tiny fixture (../shared/golden, read in place, never copied) into models/ as a checkpoint and as the
# CLIP tokenizer single-file checkpoints look for. Prints the workflow the default run should use: the fixture's,
# or, where the fixtures are absent (a clone elsewhere), one on a model with random weights.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

fixture="$(readlink -f ../shared/golden/sd15-tiny 2>/dev/null || true)"
if [[ -z "$fixture" || ! -f "$fixture/model/model_index.json" ]]; then
  echo "workflows/sd15_txt2img_random.json"
  exit 0
fi
mkdir -p models/checkpoints models/tokenizers
[[ -e models/checkpoints/sd15-tiny ]] || ln -s "$fixture/model" models/checkpoints/sd15-tiny
[[ -e models/tokenizers/clip_l ]] || ln -s "$fixture/model/tokenizer" models/tokenizers/clip_l
echo "workflows/sd15_txt2img.json"
