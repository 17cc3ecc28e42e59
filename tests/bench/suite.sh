#!/usr/bin/env bash
# The problem suite (tests/suite/*.opts: each file states a problem only, no solver settings), solved
# with the policy's defaults. Prints per problem: stages, relative L2 and max error on the evaluation
# set, residual RMS and its round-off floor, stop reason, seconds.
# usage: tests/bench/suite.sh BUILD_DIR [OUT_DIR] [PATTERN] [extra mspinn options ...]
#   e.g. tests/bench/suite.sh build /tmp/suite 'p[1-3]_*'      (the 1D problems)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd); out=${2:-/tmp/mspinn-suite}; pat=${3:-'p*'}; shift $(( $# < 3 ? $# : 3 ))
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
py=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3 )  # with h5py (Debian python3-h5py)
printf '%-22s %6s %10s %10s %10s %10s %-10s %8s\n' problem stages err_l2 err_max res_rms floor stop seconds
for f in "$here"/tests/suite/$pat.opts; do
  name=$(basename "$f" .opts); ref=()
  if [ "$name" = p10_burgers ]; then # its reference, the Cole-Hopf solution, as its header says (not in the repository)
    "$build/mspinn_burgers_reference" -nu 0.015915494309189534 -nx 256 -nt 100 -t_final 0.99 -output "$out/p10_burgers_ref.h5" > /dev/null
    ref=(-reference_file "$out/p10_burgers_ref.h5")
  fi
  (cd "$here/tests/suite" && "$build/mspinn" -options_file "$f" "${ref[@]}" -output "$out/$name.h5" -grid_write 0 "$@" > "$out/$name.log" 2>&1) || {
    printf '%-22s failed (see %s)\n' "$name" "$out/$name.log"; continue; }
  "$py" - "$out/$name.h5" "$name" <<'PY'
import sys, h5py
s = h5py.File(sys.argv[1], "r")["summary"].attrs
g = lambda k: float(s[k]) if k in s else float("nan")
r = s["stop_reason"]; r = r.decode() if isinstance(r, bytes) else str(r)
print("%-22s %6d %10.2e %10.2e %10.2e %10.2e %-10s %8.1f" % (sys.argv[2], int(s["stages"]), g("error_l2_rel"), g("error_max"),
      g("residual_rms"), g("residual_floor"), r, g("wall_time_s")))
PY
done
