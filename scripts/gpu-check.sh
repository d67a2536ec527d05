#!/usr/bin/env bash
# The GPU check, run on a machine with an NVIDIA GPU and PyTorch but no .NET, from .device/ made by
# scripts/gpu-bundle.sh: builds the native shim against that PyTorch's libtorch (CUDA), then runs the tensor tests
# (their CUDA rows included: CUDA memory queries), the SD1.5 parity and pipeline tests, the attention choice and the
# device memory budget on CUDA, the half-precision tests (float16 and bfloat16 on cuda within the spread that PyTorch's
# reference shows there, bfloat16 on the CPU), the text-to-image workflow on cuda, and `bench sampler` on an
# SD1.5-sized UNet against PyTorch with SDPA in fp32, fp16 and bf16 (and fp16 once more with our classic attention, for
# the fused kernels' share). `bench tensor` runs only when named. Logs, the PNG and bench-sampler.jsonl (one JSON
# report per line) go to $OUT (default ./gpu-out); the default steps take about 8 minutes on an H100.
# Each step runs even if an earlier one failed, except that nothing runs without the shim.
# Usage: scripts/gpu-check.sh [tests] [workflow] [bench-sampler] [bench-tensor]   (default: the first three)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)
out=${OUT:-$repo/gpu-out}
work=$(mktemp -d)
mkdir -p "$out"
python=${PYTHON:-python3}

step() { echo "== $1 ($(date +%T))"; }
selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=(tests workflow bench-sampler)
wanted() { [[ " ${selected[*]} " == *" $1 "* ]]; }

step "native shim against $($python -c 'import torch; print(torch.__version__)')"
torch_dir=${TORCH_DIR:-$($python -c "import torch; print(torch.utils.cmake_prefix_path)")}
Torch/Native/build.sh --torch-dir "$torch_dir" --out "$work/native" > "$out/native-build.log" 2>&1 || {
  tail -60 "$out/native-build.log"
  exit 1
}
grep -o "CUDA memory queries: .*" "$out/native-build.log" || echo "CUDA memory queries: not reported"

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
    -class Workflow.Nodes.Diffusion.Tests.Models.VaeParityTests -class Workflow.Nodes.Diffusion.Tests.Models.ClipTextParityTests \
    -class Workflow.Nodes.Diffusion.Tests.Models.AttentionChoiceTests -class Workflow.Nodes.Diffusion.Tests.Models.ModelPlacementCudaTests
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
  sampler() {  # label, then options; one JSON line per run into bench-sampler.jsonl, the progress into bench-sampler.log
    step "bench sampler: SD1.5-sized UNet on cuda, $1"
    local label=$1
    shift
    echo "== $label" >> "$out/bench-sampler.log"
    timeout 150 $host bench sampler --random-sd15 --device cuda --steps 20 --rounds 5 --json "$@" 2>> "$out/bench-sampler.log" |
      tee -a "$out/bench-sampler.jsonl" | $python scripts/sampler-summary.py
  }
  for precision in fp16 bf16 fp32; do
    sampler "$precision" --precision "$precision" --python "$python"
  done
  WORKFLOW_ATTENTION=classic sampler "fp16, classic attention" --precision fp16 --python ""
fi
step "done"
