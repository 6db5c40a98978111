#!/usr/bin/env bash
# Writes every output of the shipped experiments and of the paper's sweeps into one folder, so that
# two builds can be compared byte for byte (a refactoring must not change a single output):
#   scripts/snapshot_outputs.sh build/fusesim /tmp/before
#   scripts/snapshot_outputs.sh build/fusesim /tmp/after
#   diff -r --exclude='.fusesim-*' /tmp/before /tmp/after && echo identical
# The build's version (`fusesim --version`, in report.json, results.csv, ...) is written as
# <version>, so that two builds of different commits compare equal when their figures do.
# Usage: scripts/snapshot_outputs.sh <fusesim binary> <empty or new folder>
set -euo pipefail
[[ $# == 2 ]] || { echo "usage: $0 <fusesim binary> <output folder>" >&2; exit 2; }
bin=$(realpath "$1")
out=$2
cd "$(dirname "$0")/.."
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
mkdir -p "$out"
for e in configs/experiments/*.yaml; do
  name=$(basename "$e" .yaml)
  if [[ $name == fig4-* ]]; then
    "$bin" analyze "$e" -q -o "$out/analyze-$name"
    "$bin" graph "$e" > "$out/graph-$name.txt"
  else
    "$bin" run "$e" -q -o "$out/run-$name"
    "$bin" validate "$e" -q -o "$out/validate-$name" --set simulation.layers=one
  fi
done
for s in configs/sweeps/*.yaml; do
  name=$(basename "$s" .yaml)
  "$bin" sweep "$s" -j 2 -o "$out/sweep-$name" > "$out/sweep-$name.txt" 2>/dev/null
done
version=$("$bin" --version 2>/dev/null | sed -n 's/^fusesim //p') || true
if [[ -n $version ]]; then
  pattern=$(printf '%s' "$version" | sed 's/[][\.*^$/]/\\&/g')
  { grep -rlF --exclude='.fusesim-*' -- "$version" "$out" || true; } | while IFS= read -r f; do
    sed -i "s/$pattern/<version>/g" "$f"
  done
fi
echo "snapshot_outputs: wrote $(find "$out" -type f | wc -l) files to $out" >&2
