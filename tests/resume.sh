#!/usr/bin/env bash
# Kill a training run part-way (SIGKILL) and resume it: the resumed run must end with the same
# summary, stage table and loss history as an uninterrupted run (1e-12 relative), and the file at
# the output path must always be a complete, readable HDF5 file (checkpoints are written to a
# temporary and renamed). Two kills: one after the first finished stage (a stage checkpoint), one in
# the middle of stage 2 (an -output_every snapshot, whose unfinished stage is trained again). Third,
# a finished one-stage run (-stage_max 1; RESUME_EXTEND_FROM stages) extended by -resume with the full
# -stage_max. Fourth (oldformat), the same extension from a file written before /stages/rate_end,
# /stages/trained_on and /checkpoint/points_log existed (deleted here): they resume as 0 and the /stages
# point counts, which is exact when no rule fired and no stage was dropped.
# RESUME_MODES (default "stage snapshot extend") selects the cases.
# usage: resume.sh MSPINN_BINARY PYTHON mspinn-arguments...
set -u
bin=$1; py=$2; shift 2
out=$(mktemp -d); trap 'kill -9 $pid 2>/dev/null; rm -rf "$out"' EXIT
pid=
"$bin" "$@" -output "$out/ref.h5" >/dev/null || { echo "FAIL: uninterrupted run exited non-zero"; exit 1; }

state() { # "finished stages" of a checkpoint file, or nothing while there is none
  "$py" -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); a=f['/summary'].attrs; print(int(a['stages_finished']), int(a['stages']), int(a['complete']))" "$1" 2>/dev/null
}
compare() { # the resumed run against the uninterrupted one
  "$py" - "$out/ref.h5" "$out/resumed.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
ok = True
for k in ("stages", "residual_rms", "residual_max", "residual_floor", "residual_floor_ideal", "error_l2_rel", "error_max", "complete"):
    x, y = float(a["/summary"].attrs[k]), float(b["/summary"].attrs[k])
    good = abs(x - y) <= 1e-12 * abs(x)
    ok &= good
    print(f"  {'ok  ' if good else 'FAIL'} {k}: {y:.16e} vs uninterrupted {x:.16e}")
for g, cols in (("/stages", ("eps", "kappa", "gamma", "loss", "residual_rms", "error_l2")), ("/history", ("loss", "data", "equation", "damping"))):
    for c in cols:
        x, y = a[f"{g}/{c}"][:], b[f"{g}/{c}"][:]
        good = x.shape == y.shape and np.all(np.abs(x - y) <= 1e-12 * np.abs(x))
        ok &= bool(good)
        if not good: print(f"  FAIL {g}/{c} differs ({x.shape} vs {y.shape})")
print(f"  {'ok  ' if ok else 'FAIL'} /stages and /history columns equal ({len(a['/history/loss'])} iterations)")
sys.exit(0 if ok else 1)
PY
}
fail=0
for mode in ${RESUME_MODES:-stage snapshot extend}; do
  rm -f "$out/run.h5" "$out"/.mspinn-*.partial "$out/resumed.h5"
  extra=(); want="1 1 0"
  [ $mode = snapshot ] && { extra=(-output_every 10); want="1 2 0"; }
  if [ $mode = extend ] || [ $mode = oldformat ]; then
    n=${RESUME_EXTEND_FROM:-1}
    "$bin" "$@" -stage_max $n -output "$out/run.h5" >"$out/run.log" 2>&1 || { echo "FAIL (extend): the $n-stage run exited non-zero"; fail=1; continue; }
    got=$(state "$out/run.h5")
    [ "$got" = "$n $n 1" ] || { echo "FAIL (extend): the $n-stage run left state '$got'"; fail=1; continue; }
    echo "extending a finished $n-stage run (stages_finished, stages, complete = $got)"
    if [ $mode = oldformat ]; then
      "$py" -c "import h5py,sys; f=h5py.File(sys.argv[1],'r+'); [f.__delitem__(k) for k in ('/stages/rate_end','/stages/trained_on','/checkpoint/points_log')]" "$out/run.h5" ||
        { echo "FAIL (oldformat): could not delete the newer datasets"; fail=1; continue; }
      echo "  deleted /stages/rate_end, /stages/trained_on, /checkpoint/points_log"
    fi
    "$bin" "$@" -resume "$out/run.h5" -output "$out/resumed.h5" >"$out/resume.log" 2>&1 || { echo "FAIL ($mode): resume exited non-zero"; cat "$out/resume.log"; fail=1; continue; }
    compare || fail=1
    continue
  fi
  "$bin" "$@" "${extra[@]}" -output "$out/run.h5" >"$out/run.log" 2>&1 &
  pid=$!
  got=
  for _ in $(seq 1 3000); do
    got=$(state "$out/run.h5")
    [ "$got" = "$want" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  got=$(state "$out/run.h5")
  if [ "$got" != "$want" ]; then echo "FAIL ($mode): the run was not caught at a checkpoint (state '$got', wanted '$want')"; fail=1; continue; fi
  echo "killed ($mode) with the output at: stages_finished, stages, complete = $got"
  "$bin" "$@" "${extra[@]}" -resume "$out/run.h5" -output "$out/resumed.h5" >"$out/resume.log" 2>&1 || { echo "FAIL ($mode): resume exited non-zero"; cat "$out/resume.log"; fail=1; continue; }
  compare || fail=1
done
[ $fail -eq 0 ] && echo PASS || { echo FAIL; exit 1; }
