#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with ctest, then checks
# that ctest ran every Catch2 test case. Usage: scripts/test.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scripts/setup.sh "$@"
ctest --test-dir "$build" --output-on-failure -j2
scripts/check_test_count.sh "$build"
