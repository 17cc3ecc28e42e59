#!/usr/bin/env bash
# Quick start, step 1: install what is missing, configure, build, and solve the default problem
# (1D Poisson, problems/poisson1d.opts), writing poisson1d.h5 in the current directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$here/build" -j"$(nproc)" >/dev/null
"$here/build/mspinn" -output poisson1d.h5
echo "quickstart: wrote $(pwd)/poisson1d.h5 (see: h5dump -g /summary poisson1d.h5)"
