#!/usr/bin/env bash
# Fails unless ctest runs exactly the test cases Catch2 has, and, when the build has the Python
# package, exactly the tests pytest collects in tests/python: a test name that CMake splits or
# mangles (a ';' in it, say) would otherwise run nothing and still pass. ctest's entries of the
# Python tests carry the label `python`; the others are Catch2's.
# Usage: scripts/check_test_count.sh [build-dir]
set -euo pipefail
build=${1:-build}
total() { ctest --test-dir "$build" -N "$@" | sed -n 's/^Total Tests: //p'; }
# Catch2 exits with the number of test cases it listed, so the status is not an error here.
names=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/tests/fusesim_tests" --list-test-names-only) || true
catch_count=$(grep -c . <<<"$names" || true)
ctest_count=$(total -LE '^python$')
if ((catch_count == 0)); then
  echo "check_test_count: Catch2 lists no test cases" >&2
  exit 1
fi
if [[ $catch_count != "$ctest_count" ]]; then
  echo "check_test_count: Catch2 lists $catch_count test cases but ctest has $ctest_count" >&2
  exit 1
fi
echo "check_test_count: $catch_count test cases, all registered with ctest" >&2

# The Python tests, counted afresh by the interpreter the package is built for.
python_count=$(total -L '^python$')
py=$(sed -n 's/^FUSESIM_PYTHON_EXECUTABLE:FILEPATH=//p' "$build/CMakeCache.txt")
if [[ -n $py && -d $build/python/fusesim ]]; then
  collected=$(PYTHONPATH="$build/python" PYTHONDONTWRITEBYTECODE=1 \
    "$py" -m pytest --collect-only -q -p no:cacheprovider "$(dirname "$0")/../tests/python" | grep -c '::' || true)
  if ((collected == 0)); then
    echo "check_test_count: pytest collects no test in tests/python" >&2
    exit 1
  fi
  if [[ $collected != "$python_count" ]]; then
    echo "check_test_count: pytest collects $collected tests but ctest has $python_count" >&2
    exit 1
  fi
  echo "check_test_count: $collected Python tests, all registered with ctest" >&2
elif ((python_count != 0)); then
  echo "check_test_count: ctest has $python_count Python tests but the build has no package" >&2
  exit 1
fi
