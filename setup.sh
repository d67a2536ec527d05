#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the default workflow:
#   1. installs the Debian packages (scripts/install-deps.sh; root or sudo),
#   2. builds the solution in Release (the native shim is built by the Torch project's CMake step),
#   3. links the sd15-tiny fixture into models/ (scripts/link-fixture-models.sh) and runs Stable Diffusion 1.5
#      text-to-image on it, writing output/sd15_txt2img_00001_.png (on a random-weight model where the fixtures are absent).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

scripts/install-deps.sh
dotnet build Workflow.sln -c Release -nologo -v:minimal
./workflow run "$(scripts/link-fixture-models.sh)"
