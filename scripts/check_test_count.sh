#!/usr/bin/env bash
# Fails unless ctest runs exactly the test cases Catch2 has: a test name that CMake splits or
# mangles (a ';' in it, say) would otherwise run nothing and still pass.
# Usage: scripts/check_test_count.sh [build-dir]
set -euo pipefail
build=${1:-build}
# Catch2 exits with the number of test cases it listed, so the status is not an error here.
names=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/tests/fusesim_tests" --list-test-names-only) || true
catch_count=$(grep -c . <<<"$names" || true)
ctest_count=$(ctest --test-dir "$build" -N | sed -n 's/^Total Tests: //p')
if ((catch_count == 0)); then
  echo "check_test_count: Catch2 lists no test cases" >&2
  exit 1
fi
if [[ $catch_count != "$ctest_count" ]]; then
  echo "check_test_count: Catch2 lists $catch_count test cases but ctest has $ctest_count" >&2
  exit 1
fi
echo "check_test_count: $catch_count test cases, all registered with ctest" >&2
