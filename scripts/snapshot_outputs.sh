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
# An experiment `run` refuses (a GPU, several workloads: a roofline study) is written by
# `analyze` and `graph`; the refusal is kept too, so a build that refuses another one differs.
for e in configs/experiments/*.yaml; do
  name=$(basename "$e" .yaml)
  if "$bin" run "$e" -q -o "$out/run-$name" 2> "$out/run-$name.err"; then
    "$bin" validate "$e" -q -o "$out/validate-$name" --set simulation.layers=one
  else
    "$bin" analyze "$e" -q -o "$out/analyze-$name"
    "$bin" graph "$e" > "$out/graph-$name.txt"
  fi
done
for s in configs/sweeps/*.yaml; do
  name=$(basename "$s" .yaml)
  # A sweep with infeasible points by design (decode-batch) exits 1: its status is an output too.
  status=0
  "$bin" sweep "$s" -j 2 -o "$out/sweep-$name" > "$out/sweep-$name.txt" 2>/dev/null || status=$?
  echo "exit status $status" >> "$out/sweep-$name.txt"
done
version=$("$bin" --version 2>/dev/null | sed -n 's/^fusesim //p') || true
if [[ -n $version ]]; then
  pattern=$(printf '%s' "$version" | sed 's/[][\.*^$/]/\\&/g')
  { grep -rlF --exclude='.fusesim-*' -- "$version" "$out" || true; } | while IFS= read -r f; do
    sed -i "s/$pattern/<version>/g" "$f"
  done
fi
echo "snapshot_outputs: wrote $(find "$out" -type f | wc -l) files to $out" >&2
