#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine that has PyTorch but no .NET into .device/ (git-ignored,
# about 60 MB): the .NET and ASP.NET Core runtimes, the Release build of the host and of the tensor and diffusion test assemblies,
# xunit's console runner, and the sd15-tiny and randn fixtures (without sd15-tiny's single file) and sd3-tiny's MM-DiT
# (its transformer and the goldens of its calls: the .device/ folder must stay under 64 MiB). Run after a build.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

out=.device
golden=${WORKFLOW_GOLDEN_DIR:-../shared/golden}
[[ -f artifacts/bin/Host/release/Workflow.Host.dll ]] || { echo "gpu-bundle: build first (dotnet build -c Release)" >&2; exit 1; }

# xunit's console runner (a NuGet package, restored once into the package cache by a throwaway project).
xunit_version=2.4.1
xunit="$HOME/.nuget/packages/xunit.runner.console/$xunit_version/tools/netcoreapp2.0"
if [[ ! -f "$xunit/xunit.console.dll" ]]; then
  restore=$(mktemp -d)
  printf '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="xunit.runner.console" Version="%s" /></ItemGroup></Project>' \
    "$xunit_version" > "$restore/restore.csproj"
  dotnet restore "$restore/restore.csproj" > /dev/null
  rm -rf "$restore"
fi

rm -rf "$out" && mkdir -p "$out"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
newest() { basename "$(ls -d "$dotnet_root/shared/$1"/10.* | sort -V | tail -1)"; }
export XZ_OPT="-T0 -6"
tar -C "$dotnet_root" -cJf "$out/dotnet.tar.xz" dotnet host \
  "shared/Microsoft.NETCore.App/$(newest Microsoft.NETCore.App)" "shared/Microsoft.AspNetCore.App/$(newest Microsoft.AspNetCore.App)"
# SQLite's native libraries (runtimes/, some twenty platforms) stay behind: the GPU check starts no server.
tar -C artifacts/bin -cJf "$out/app.tar.xz" --exclude='runtimes/*' --exclude='*.pdb' \
  Host/release Torch.Tests/release Nodes.Diffusion.Tests/release
# The runner is the process: it must load ASP.NET Core's shared framework too, which the host's assemblies use.
runner=$(mktemp -d)
cp -r "$xunit/." "$runner/"
echo '{"runtimeOptions": {"frameworks": [{"name": "Microsoft.NETCore.App", "version": "10.0.0"}, {"name": "Microsoft.AspNetCore.App", "version": "10.0.0"}]}}' \
  > "$runner/xunit.console.runtimeconfig.json"
tar -C "$runner" -cJf "$out/xunit.tar.xz" .
rm -rf "$runner"
tar -C "$golden" -cJf "$out/golden.tar.xz" --exclude sd15-tiny/sd15-tiny.safetensors sd15-tiny randn \
  sd3-tiny/manifest.json sd3-tiny/transformer sd3-tiny/diffusers/transformer
du -ch "$out"/* | tail -1
