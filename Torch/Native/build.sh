#!/usr/bin/env bash
# Builds the native shim libworkflow_torch.so with CMake, without .NET (GPU machines build it this way).
#
# Usage: Torch/Native/build.sh [--torch-dir DIR] [--out DIR]
#   --torch-dir DIR  a CMake prefix holding Torch/TorchConfig.cmake. Default: Debian's libtorch-dev, else the
#                    PyTorch of python3 (torch.utils.cmake_prefix_path).
#   --out DIR        where libworkflow_torch.so is written (default: <repo>/artifacts/native); the CMake
#                    build tree goes to DIR/cmake-build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
torch_dir=""
out="$repo/artifacts/native"

fail() {
  # MSBuild's canonical error format, so `dotnet build` shows it as an error.
  echo "build.sh : error WT0001: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --torch-dir) torch_dir=${2:?--torch-dir needs a directory}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done

has_torch_config() { [ -f "$1/Torch/TorchConfig.cmake" ]; }

find_torch_dir() {
  local debian
  debian="/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/cmake"
  if has_torch_config "$debian"; then echo "$debian"; return 0; fi
  local python prefix
  for python in python3 /usr/bin/python3; do
    prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null) || continue
    if has_torch_config "$prefix"; then echo "$prefix"; return 0; fi
  done
  return 1
}

if [ -z "$torch_dir" ]; then
  torch_dir=$(find_torch_dir) ||
    fail "libtorch not found: run ./setup.sh (installs Debian's libtorch-dev), or install PyTorch for python3, or pass --torch-dir"
fi
has_torch_config "$torch_dir" || fail "no Torch/TorchConfig.cmake under --torch-dir '$torch_dir'"

command -v cmake > /dev/null || fail "cmake not found: run ./setup.sh"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/cmake-build"
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_PREFIX_PATH:UNINITIALIZED=$torch_dir\$" "$build/CMakeCache.txt"; then
  rm -rf "$build"  # another libtorch: start clean
fi

cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_dir" \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$out" > "$build.log" 2>&1 || { cat "$build.log" >&2; fail "CMake configure failed (log above)"; }
cmake --build "$build" --parallel || fail "native build failed"
echo "built $out/libworkflow_torch.so against $torch_dir"
