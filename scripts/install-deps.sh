#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, once. Idempotent: does nothing when all are present.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  cmake g++                  # builds the native libtorch shim
  libtorch-dev               # libtorch 1.13 (CPU) and its CMake config
  libopenblas0-openmp        # optimised BLAS: without it libtorch's matrix products use reference BLAS (~50x slower)
  libicu72                   # Unicode normalisation and casing (CLIP prompt cleaning); .NET uses it for globalization
)

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
