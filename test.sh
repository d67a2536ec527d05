#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (scripts/install-deps.sh), so a fresh clone passes with this
# one command. Golden fixtures are read from ../shared/golden/; without them those tests are skipped, except
# under CI=true, where their absence fails the run.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

scripts/install-deps.sh
dotnet build Workflow.sln -c Release -nologo -v:minimal
dotnet test Workflow.sln -c Release --no-build -nologo "$@"
