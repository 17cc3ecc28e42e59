#!/usr/bin/env bash
# The output file describes itself: provenance attributes on / (versions, ranks, an ISO 8601 UTC date,
# the command line), a description on each main dataset, units on the timings, integer counting
# columns, the grid's coordinates attached to /grid/u as dimension scales; and RUN.csv beside it holds
# exactly /history (same columns, same values to the last bit). The broken variant, a copy without the
# date, with float iterations, the scale detached and one history value changed in the last digit, must fail.
set -u
py=$1; h5=$2; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() {
"$py" - "$1" "${1%.h5}.csv" <<'PY'
import csv, re, sys, h5py, numpy as np
h5, hist = sys.argv[1], sys.argv[2]
fails = []
with h5py.File(h5, "r") as f:
    a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    for k in ("mspinn_version", "petsc_version", "hdf5_version", "mpi_ranks", "created", "command_line"):
        if k not in a: fails.append(f"no attribute {k} on /")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(a.get("created", ""))): fails.append(f"created = {a.get('created')!r}")
    if "-output" not in str(a.get("command_line", "")): fails.append(f"command_line = {a.get('command_line')!r}")
    if "PETSc" not in str(a.get("petsc_version", "")).replace("Petsc", "PETSc"): fails.append(f"petsc_version = {a.get('petsc_version')!r}")
    for path in ("/eval/u", "/eval/residual", "/eval/points", "/stages/residual_rms", "/history/loss", "/history/time"):
        if path in f and not f[path].attrs.get("description"): fails.append(f"{path}: no description")
    for path in ("/stages/stage", "/stages/parameters", "/stages/iterations", "/stages/points_added", "/history/stage", "/history/iteration"):
        if path in f and f[path].dtype.kind not in "iu": fails.append(f"{path}: {f[path].dtype}, not integers")
    if "/grid/u" in f:
        u = f["/grid/u"]; ins = [n for n in ("x", "y", "z", "t") if f"/grid/{n}" in f]
        for k in range(u.ndim):
            want = ins[u.ndim - 1 - k] if len(ins) == u.ndim else None
            got = [sc.name for sc in u.dims[k].values()]
            if want is None or got != [f"/grid/{want}"] or u.dims[k].label != want: fails.append(f"/grid/u dimension {k}: scales {got}, label {u.dims[k].label!r} (want /grid/{want})")
    for path in ("/history/time", "/stages/seconds", "/stages/select_seconds"):
        if f[path].attrs.get("units") not in (b"s", "s"): fails.append(f"{path}: units {f[path].attrs.get('units')!r}")
    rows = list(csv.reader(open(hist)))
    head, body = rows[0], np.array(rows[1:], dtype=float).reshape(-1, len(rows[0]))
    if sorted(head) != sorted(f["/history"].keys()): fails.append(f"CSV columns {head} but /history has {sorted(f['/history'].keys())}")
    for j, c in enumerate(head):
        if c in f["/history"] and not np.array_equal(body[:, j], f["/history"][c][:]): fails.append(f"CSV column {c} differs from /history/{c}")
    print(f"{len(a)} attributes on /, created {a.get('created')}; CSV: {body.shape[0]} rows x {len(head)} columns")
for m in fails: print("FAIL", m)
print("PASS" if not fails else "FAIL")
sys.exit(1 if fails else 0)
PY
}
check "$h5" || exit 1
cp "$h5" "$tmp/broken.h5"; cp "${h5%.h5}.csv" "$tmp/broken.csv"
"$py" - "$tmp/broken.h5" "$tmp/broken.csv" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f.attrs["created"]
    its = f["/stages/iterations"][()].astype(float); del f["/stages/iterations"]; f["/stages/iterations"] = its
    f["/grid/u"].dims[0].detach_scale(f["/grid/x"])
lines = open(sys.argv[2]).read().splitlines()
cells = lines[1].split(","); cells[3] = repr(float(cells[3]) * (1 + 2.0 ** -50)); lines[1] = ",".join(cells)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
if check "$tmp/broken.h5" > "$tmp/broken.log"; then echo "FAIL the broken variant passed"; exit 1; fi
echo "broken variant: $(grep -c '^FAIL ' "$tmp/broken.log") failures found, as it should"
