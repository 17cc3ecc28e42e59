#!/usr/bin/env bash
# A problem on a Gmsh mesh: /mesh holds the vertices, integer cells (valid vertex indices, every
# vertex used) and the fields at the vertices; u there equals the saved model evaluated at the
# vertices by -load; the XDMF file references existing datasets with the stated shapes.
# usage: mesh_output.sh MSPINN_BINARY PYTHON XDMF_CHECK mspinn-arguments...
set -u
bin=$1; py=$2; xdmf=$3; shift 3
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$bin" "$@" -output "$out/run.h5" >/dev/null || { echo "FAIL: run exited non-zero"; exit 1; }
"$bin" -load "$out/run.h5" -eval_points "$out/run.h5" -eval_dataset /mesh/vertices -output "$out/eval.h5" >/dev/null || { echo "FAIL: -load exited non-zero"; exit 1; }
"$py" - "$out" <<'PY' || exit 1
import sys, h5py, numpy as np
d = sys.argv[1]
ok = True
def check(name, good, detail=""):
    global ok
    ok &= bool(good)
    print(f"{'ok  ' if good else 'FAIL'} {name} {detail}")
with h5py.File(f"{d}/run.h5", "r") as f, h5py.File(f"{d}/eval.h5", "r") as e:
    V, C = f["/mesh/vertices"][:], f["/mesh/cells"][:]
    check("cells are integers", C.dtype.kind in "iu", str(C.dtype))
    check("cells index the vertices, all used", C.min() == 0 and C.max() == len(V) - 1 and len(np.unique(C)) == len(V), f"{C.shape} over {len(V)} vertices")
    for name in ("u", "u_x", "u_yy"):
        a, b = f["/mesh/" + name][:], e[name][:]
        rel = np.max(np.abs(a - b)) / np.max(np.abs(b))
        check(f"/mesh/{name} = -load evaluation at the vertices", rel <= 1e-13, f"(max rel. difference {rel:.1e})")
    err = f["/mesh/error"][:]
    check("error at the vertices consistent with the summary", np.max(np.abs(err)) <= 10 * f["/summary"].attrs["error_max"], f"{np.max(np.abs(err)):.2e}")
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
bash "$xdmf" "$py" "$out/run.h5"
