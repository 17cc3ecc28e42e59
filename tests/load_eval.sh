#!/usr/bin/env bash
# A model saved by a training run, evaluated again with -load/-eval_points at the run's own
# evaluation points, reproduces the run's /eval/u to round-off (1e-14 relative, max norm), and the
# derivative datasets are there.
set -u
bin=$1; py=$2; shift 2
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$bin" "$@" -output "$out/train.h5" >/dev/null || { echo "FAIL: training run exited non-zero"; exit 1; }
"$bin" -load "$out/train.h5" -eval_points "$out/train.h5" -eval_dataset /eval/points -output "$out/eval.h5" || { echo "FAIL: -load exited non-zero"; exit 1; }
"$py" - "$out/train.h5" "$out/eval.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
ua, ub = a["/eval/u"][:], b["/u"][:]
rel = np.max(np.abs(ua - ub)) / np.max(np.abs(ua))
names = sorted(k for k in b.keys() if k.startswith("u_"))
print(f"stages {a['/summary'].attrs['stages']}, max rel. difference {rel:.2e} (<= 1e-14), derivatives: {', '.join(names)}")
ok = rel <= 1e-14 and np.array_equal(a["/eval/points"][:], b["/points"][:]) and {"u_x", "u_t", "u_xx", "u_xt", "u_tt"} <= set(names)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
