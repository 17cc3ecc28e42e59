#!/usr/bin/env bash
# Fields on the structured output grid: shapes follow the grid (n_t, n_x); the stage contributions
# sum to u; u and its derivatives on the grid equal the saved model evaluated at the grid's nodes
# by -load (an independent path: the model read back from the file); the snapshots in time are the
# grid's rows at the same times; the XDMF file references existing datasets.
# usage: grid.sh MSPINN_BINARY PYTHON XDMF_CHECK mspinn-arguments...
set -u
bin=$1; py=$2; xdmf=$3; shift 3
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$bin" "$@" -grid_n 65,33 -grid_snapshots 5 -output "$out/run.h5" >/dev/null || { echo "FAIL: run exited non-zero"; exit 1; }
"$py" - "$out" <<'PY' || exit 1
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(f"{d}/run.h5", "r") as f:
    x, t = f["/grid/x"][:], f["/grid/t"][:]
    T, X = np.meshgrid(t, x, indexing="ij")
    with h5py.File(f"{d}/pts.h5", "w") as g:
        g["/xt"] = np.column_stack([X.ravel(), T.ravel()])
PY
"$bin" -load "$out/run.h5" -eval_points "$out/pts.h5" -eval_dataset /xt -output "$out/eval.h5" >/dev/null || { echo "FAIL: -load exited non-zero"; exit 1; }
"$py" - "$out" <<'PY' || exit 1
import sys, h5py, numpy as np
d = sys.argv[1]
ok = True
def check(name, good, detail=""):
    global ok
    ok &= bool(good)
    print(f"{'ok  ' if good else 'FAIL'} {name} {detail}")
with h5py.File(f"{d}/run.h5", "r") as f, h5py.File(f"{d}/eval.h5", "r") as e:
    g = f["/grid"]
    u = g["u"][:]
    check("shape (n_t, n_x) = (33, 65)", u.shape == (33, 65), str(u.shape))
    stages = [k for k in g if k.startswith("stage_")]
    check("at least 2 stages", len(stages) >= 2 and len(stages) == f["/summary"].attrs["stages"], str(len(stages)))
    s = sum(g[k][:] for k in stages)
    check(f"sum of {len(stages)} stage contributions = u", np.max(np.abs(s - u)) <= 1e-14 * np.max(np.abs(u)), f"{np.max(np.abs(s - u)):.1e}")
    for name in ("u", "u_x", "u_t", "u_xx"):
        a, b = g[name][:].ravel(), e[name][:]
        rel = np.max(np.abs(a - b)) / np.max(np.abs(b))
        check(f"/grid/{name} = -load evaluation", rel <= 1e-13, f"(max rel. difference {rel:.1e})")
    ts, us = f["/snapshots/t"][:], f["/snapshots/u"][:]
    check("snapshot times", np.allclose(ts, g["t"][::8], rtol=0, atol=1e-15), str(ts))
    check("snapshots = grid rows at those times", np.max(np.abs(us - u[::8])) <= 1e-14 * np.max(np.abs(u)))
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
bash "$xdmf" "$py" "$out/run.h5" || exit 1
# the same -output again without snapshots, then without the grid: a companion the run no longer writes
# is removed (an earlier run's run_snapshots.xmf points at datasets the new file lacks); a file of that
# name that is not this output's companion is left alone
"$bin" "$@" -stage_max 1 -grid_n 65,33 -grid_snapshots 0 -output "$out/run.h5" >/dev/null || { echo "FAIL: second run exited non-zero"; exit 1; }
[ ! -e "$out/run_snapshots.xmf" ] && [ -e "$out/run_eval.xmf" ] || { echo "FAIL: run_snapshots.xmf of the first run left beside a file without snapshots"; exit 1; }
bash "$xdmf" "$py" "$out/run.h5" > /dev/null || { echo "FAIL: XDMF files after the second run"; exit 1; }
foreign='<Xdmf Version="3.0"><Domain><Grid Name="other"><Attribute><DataItem Format="HDF">other.h5:/u</DataItem></Attribute></Grid></Domain></Xdmf>'
echo "$foreign" > "$out/run_snapshots.xmf"
"$bin" "$@" -stage_max 1 -grid_write 0 -output "$out/run.h5" >/dev/null || { echo "FAIL: third run exited non-zero"; exit 1; }
[ ! -e "$out/run_eval.xmf" ] || { echo "FAIL: run_eval.xmf of an earlier run left beside a file without a grid"; exit 1; }
[ "$(cat "$out/run_snapshots.xmf")" = "$foreign" ] || { echo "FAIL: a run_snapshots.xmf that points into another file was changed or removed"; exit 1; }
echo "ok   stale companions removed, a foreign one kept"
