#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, once. Idempotent: does nothing when all are present.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  cmake g++ ninja-build      # builds the native libtorch shim (cmake only recommends a build tool)
  libtorch-dev               # libtorch 1.13 (CPU) and its CMake config
  libopenblas0-openmp        # optimised BLAS: without it libtorch's matrix products use reference BLAS (~50x slower)
  libicu72                   # Unicode normalisation and casing (CLIP prompt cleaning); .NET uses it for globalization
  python3-torch              # PyTorch on the same libtorch: the reference side of `bench tensor` and its test
  python3-pil                # Pillow 9.4 (the fixtures' version): the reference of the image resampling tests
  postgresql                 # the server's shared queue: the scale-out test starts its own PostgreSQL from it
  ffmpeg                     # SaveVideo encodes MP4/WebM through it (libx264, libx265, libvpx-vp9, libsvtav1); ffprobe checks them in tests
)
# The npm ComfyUI client the server test drives needs Node.js; Debian's only when none is on the machine.
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
