#!/usr/bin/env bash
# Benchmark: the shipped problems solved as shipped (multi-stage), one after the other on one core,
# with the per-stage table of each: the single-stage result (stage 1) next to the final one, the
# residual next to its round-off floor, and the wall time. Errors are on each problem's evaluation
# set (never trained on); with -probe in the file (the shock: x = 0, t = 1.6037/pi), du/dx there.
# Prints a table; asserts nothing (the accuracy targets are tests).
# usage: tests/bench/stages.sh [build dir] [problem ...]   (default: every problem below; burgers_smooth
# takes ~30 minutes, the shock ~10)
set -eu
build=$(cd "${1:-build}" && pwd); shift || true
here=$(cd "$(dirname "$0")/../.." && pwd)
problems=${*:-poisson1d fit1d fit2d poisson2d burgers_smooth burgers}
py=/usr/bin/python3; out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
printf "%-15s %6s %10s %10s %10s %10s %10s %8s\n" problem stages stage1_l2 final_l2 final_max res_rms res_floor seconds
for p in $problems; do
  (cd "$here/problems" && OPENBLAS_NUM_THREADS=1 "$build/mspinn" -options_file "$p.opts" -output "$out/$p.h5" -grid_write 0 >"$out/$p.log" 2>&1) ||
    { echo "$p: mspinn failed:"; tail -3 "$out/$p.log"; continue; }
  $py - "$out/$p.h5" "$p" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r"); s = f["/summary"].attrs; st = f["/stages"]
print(f"{sys.argv[2]:<15} {int(s['stages']):>6} {st['error_l2'][0]:>10.2e} {s['error_l2_rel']:>10.2e} {s['error_max']:>10.2e} "
      f"{s['residual_rms']:>10.2e} {s['residual_floor']:>10.2e} {s['wall_time_s']:>8.0f}"
      + (f"   du/dx at the probe {s['probe_du_dx']:.4f}" if "probe_du_dx" in s else ""))
PY
done
