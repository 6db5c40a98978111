#!/usr/bin/env bash
# Installs the Debian packages fusesim needs (only those missing), then configures and builds.
# Usage: scripts/setup.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(g++ cmake ninja-build pkg-config libsystemc-dev libyaml-cpp-dev libboost-graph-dev
  catch2 libcli11-dev libfmt-dev nlohmann-json3-dev libssl-dev gnuplot-nox time libonnx-dev
  libprotobuf-dev python3-onnx pybind11-dev python3-dev python3-pandas python3-matplotlib
  python3-pytest)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi
build=${1:-build}
shift || true
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
# The Python package: `import fusesim` in the first python3 on PATH and in /usr/bin/python3.
if [[ -d $build/python/fusesim ]]; then
  scripts/python_path.sh "$build/python" python3 /usr/bin/python3
fi
