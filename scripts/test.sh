#!/usr/bin/env bash
# Quick start, step 2: build (if needed) and run the whole test suite with ctest, MPI tests included.
# MSPINN_SANITIZE_TESTS=1 also builds with AddressSanitizer/UBSan and runs there the unit tests and the
# problem tests labelled sanitize (tests/CMakeLists.txt).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
export OPENBLAS_NUM_THREADS=1
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$here/build" -j"$jobs" >/dev/null
ctest --test-dir "$here/build" --output-on-failure -j"$jobs"
if [ "${MSPINN_SANITIZE_TESTS:-0}" = 1 ]; then
  echo "test.sh: unit and sanitize-labelled tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S "$here" -B "$here/build-sanitize" -DCMAKE_BUILD_TYPE=Debug -DMSPINN_SANITIZE=ON >/dev/null
  cmake --build "$here/build-sanitize" -j"$jobs" >/dev/null
  # PETSc's MPI leaves one-time allocations that LeakSanitizer would report as leaks.
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir "$here/build-sanitize" --output-on-failure -j"$jobs" -L "unit|sanitize"
fi
