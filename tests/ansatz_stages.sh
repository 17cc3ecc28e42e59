#!/usr/bin/env bash
# -ansatz_stages m: the ansatz's D multiplies stages 1..m only, later stages are free networks with
# soft boundary/initial data. A short Burgers run must say so, store m in /model, and its parts must
# add up: /grid u = g + sum_s stage_s (stage_s = eps_s D N_s for s <= m, eps_s N_s after) to round-off,
# and -load must reproduce /eval/u. The run also sets -stage_2_gamma 0.05: stage 2 must use it.
set -u
bin=$1; py=$2; shift 2
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$bin" "$@" -output "$out/train.h5" >"$out/log.txt" || { echo "FAIL: training run exited non-zero"; exit 1; }
grep -q "on stages 1..1; later stages are free networks" "$out/log.txt" || { echo "FAIL: the problem view does not say which stages D multiplies"; exit 1; }
grep -q "initial points: .*not trained on in its stages, a soft constraint after" "$out/log.txt" || { echo "FAIL: the initial set is not reported as soft after the ansatz's stages"; grep points "$out/log.txt"; exit 1; }
"$bin" -load "$out/train.h5" -eval_points "$out/train.h5" -eval_dataset /eval/points -output "$out/eval.h5" >/dev/null || { echo "FAIL: -load exited non-zero"; exit 1; }
"$py" - "$out/train.h5" "$out/eval.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
m = int(a["/model"].attrs["ansatz_stages"])
ns = int(a["/model/stages"][()].ravel()[0])
g = a["/grid"]
x, t = np.meshgrid(g["x"][:], g["t"][:])
parts = np.sin(-np.pi * x) + sum(g[f"stage_{s}"][:] for s in range(1, ns + 1))
gap = np.max(np.abs(g["u"][:] - parts))
rel = np.max(np.abs(a["/eval/u"][:] - b["/u"][:])) / np.max(np.abs(a["/eval/u"][:]))
gam = a["/stages/gamma"][:].ravel()
print(f"/model ansatz_stages {m} (1), {ns} stages (2); |u - g - sum stage_s| {gap:.2e} (<= 1e-14); -load reproduces u to {rel:.2e} (<= 1e-14); stage gammas {gam} (1, 0.05)")
ok = m == 1 and ns == 2 and gap <= 1e-14 and rel <= 1e-14 and len(gam) == 2 and gam[0] == 1 and gam[1] == 0.05
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
