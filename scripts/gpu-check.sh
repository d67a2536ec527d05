#!/usr/bin/env bash
# The GPU check, run on a machine with an NVIDIA GPU and PyTorch but no .NET, from .device/ made by
# scripts/gpu-bundle.sh: builds the native shim against that PyTorch's libtorch (CUDA), then runs the tensor tests
# (their CUDA rows included), the SD1.5 pipeline tests (the CUDA image fact included), the half-precision tests (float16
# and bfloat16 on cuda within the spread that PyTorch's reference shows there, bfloat16 on the CPU), the text-to-image workflow on
# cuda, and `bench tensor` / `bench sampler` against PyTorch on the GPU. Logs and the PNG go to $OUT (default ./gpu-out).
# Each step runs even if an earlier one failed, except that nothing runs without the shim.
# Usage: scripts/gpu-check.sh [tests] [workflow] [bench-tensor] [bench-sampler]   (default: all four)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)
out=${OUT:-$repo/gpu-out}
work=$(mktemp -d)
mkdir -p "$out"
python=${PYTHON:-python3}

step() { echo "== $1 ($(date +%T))"; }
selected=("$@")
wanted() { [[ ${#selected[@]} -eq 0 || " ${selected[*]} " == *" $1 "* ]]; }

step "native shim against $($python -c 'import torch; print(torch.__version__)')"
torch_dir=${TORCH_DIR:-$($python -c "import torch; print(torch.utils.cmake_prefix_path)")}
Torch/Native/build.sh --torch-dir "$torch_dir" --out "$work/native" > "$out/native-build.log" 2>&1 || {
  tail -60 "$out/native-build.log"
  exit 1
}

step "unpacking .NET, the build and the fixtures"
for part in dotnet app xunit golden; do
  mkdir -p "$work/$part" && tar -C "$work/$part" -xJf ".device/$part.tar.xz"
done
export DOTNET_ROOT=$work/dotnet PATH=$work/dotnet:$PATH DOTNET_ROLL_FORWARD=Major DOTNET_CLI_TELEMETRY_OPTOUT=1
export WORKFLOW_GOLDEN_DIR=$work/golden
find "$work/app" -name libworkflow_torch.so -exec cp "$work/native/libworkflow_torch.so" {} \;

tests() {  # log name, assembly, then xunit.console options
  local log=$out/$1.log assembly=$2
  shift 2
  step "tests: $(basename "$assembly") $*"
  timeout 300 dotnet "$work/xunit/xunit.console.dll" "$assembly" -noshadow -nocolor -parallel none "$@" > "$log" 2>&1
  grep -E "\[FAIL\]|\[SKIP\]|Total:" "$log" | head -40
}
if wanted tests; then
  # the half-precision tests measure the reference's spread with this PyTorch, on the CPU and on cuda (about a minute)
  export WORKFLOW_REFERENCE_PYTHON=$(command -v "$python")
  diffusion=$work/app/Nodes.Diffusion.Tests/release/Workflow.Nodes.Diffusion.Tests.dll
  tests torch-tests "$work/app/Torch.Tests/release/Workflow.Torch.Tests.dll"
  tests diffusion-tests "$diffusion" \
    -class Workflow.Nodes.Diffusion.Tests.Pipelines.Sd15WorkflowTests -class Workflow.Nodes.Diffusion.Tests.Models.UNetParityTests \
    -class Workflow.Nodes.Diffusion.Tests.Models.VaeParityTests -class Workflow.Nodes.Diffusion.Tests.Models.ClipTextParityTests
  # Bfloat16ParityTests but its text-to-image nodes (a row of them loads the single file, which the bundle leaves out)
  precision=Workflow.Nodes.Diffusion.Tests.Precision
  tests precision-tests "$diffusion" -class $precision.HalfPrecisionCudaTests -class $precision.ReferenceSpreadTests \
    -method "$precision.Bfloat16ParityTests.*_calls_*" -method "$precision.Bfloat16ParityTests.Text_encoder_*" \
    -method "$precision.Bfloat16ParityTests.VAE_*"
fi

host="dotnet $work/app/Host/release/Workflow.Host.dll"
if wanted workflow; then
  step "sd15_txt2img on cuda"
  mkdir -p "$work/base/models/checkpoints" "$work/base/models/tokenizers"
  ln -s "$work/golden/sd15-tiny/model" "$work/base/models/checkpoints/sd15-tiny"
  ln -s "$work/golden/sd15-tiny/model/tokenizer" "$work/base/models/tokenizers/clip_l"
  timeout 120 $host run workflows/sd15_txt2img.json --device cuda --base-dir "$work/base" 2>&1 | tail -5
  cp "$work/base/output/"*.png "$out/" 2>/dev/null
fi

if wanted bench-tensor; then
  step "bench tensor on cuda"
  timeout 240 $host bench tensor --device cuda --python "$python" 2>&1 | tee "$out/bench-tensor-cuda.txt" | tail -16
fi
if wanted bench-sampler; then
  step "bench sampler: SD1.5-sized UNet on cuda"
  timeout 300 $host bench sampler --random-sd15 --device cuda --steps 20 --rounds 5 --python "$python" --json 2>&1 |
    tee "$out/bench-sampler-cuda.json" | tail -3
fi
step "done"
