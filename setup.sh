#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the default workflow:
#   1. installs the Debian packages (scripts/install-deps.sh; root or sudo),
#   2. builds the solution in Release (the native shim is built by the Torch project's CMake step),
#   3. runs the default workflow, writing to ./output/.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

scripts/install-deps.sh
dotnet build Workflow.sln -c Release -nologo -v:minimal
./workflow run workflows/arithmetic.json
