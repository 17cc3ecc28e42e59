#!/usr/bin/env bash
# Benchmark: optimizers on problems/poisson1d with one network (-stage_max 1), each given the wall
# time the default Levenberg-Marquardt (mslm) takes to converge (TAO's BRGN runs its whole solve inside
# its sub-solver, where the time budget is not checked: it gets mslm's iteration count instead).
# Prints a table; asserts nothing.
# usage: tests/bench/optimizers.sh [build dir]
set -eu
build=${1:-build}; here=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3; out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
row() { # name, then options
  local name=$1; shift
  "$build/mspinn" -options_file "$here/problems/poisson1d.opts" -stage_max 1 -output "$out/$name.h5" "$@" >/dev/null
  $py - "$out/$name.h5" "$name" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r"); s = f["/summary"].attrs; st = f["/stages"]
print(f"{sys.argv[2]:<22} {int(st['iterations'][-1]):>7} {st['seconds'][-1]:>8.2f} {s['error_l2_rel']:>12.3e} {s['error_max']:>12.3e} {f['/history/loss'][-1]:>12.3e}")
PY
}
printf "%-22s %7s %8s %12s %12s %12s\n" optimizer iters seconds error_l2_rel error_max loss
row mslm
budget=$($py -c "import h5py; print(h5py.File('$out/mslm.h5')['/stages/seconds'][-1])")
its=$($py -c "import h5py; print(int(h5py.File('$out/mslm.h5')['/stages/iterations'][-1]))")
row brgn-lm -tao_type brgn -tao_brgn_regularization_type lm -tao_max_it "$its"
row brgn-l2prox -tao_type brgn -tao_max_it "$its"
row lmvm -tao_type lmvm -tao_max_it 1000000 -train_max_seconds "$budget"
row bqnls -tao_type bqnls -tao_max_it 1000000 -train_max_seconds "$budget"
row adam-lr1e-3 -tao_type adam -tao_max_it 10000000 -train_max_seconds "$budget"
row adam-lr1e-2-decay -tao_type adam -tao_adam_lr 1e-2 -tao_adam_decay 0.5 -tao_adam_decay_steps 2000 -tao_max_it 10000000 -train_max_seconds "$budget"
echo "(each given the wall time of mslm, $budget s; brgn its $its iterations)"
