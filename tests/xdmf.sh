#!/usr/bin/env bash
# The XDMF files beside an output file (RUN.xmf, and RUN_eval.xmf, RUN_snapshots.xmf when written) are well-formed
# XML, every HDF5 dataset they reference exists with the stated shape (grids are written as 3D,
# "1 ny nx": dimensions of length 1 are ignored) or as a column of as many entries (the evaluation set
# on a reference file's grid), every grid has cells (a point cloud's connectivity), and RUN.xmf and
# RUN_eval.xmf hold one grid each (ParaView draws all grids of a file over each other); with a grid
# written (/grid), RUN_eval.xmf exists.
set -u
py=$1; h5=$2
"$py" - "${h5%.h5}" "$(dirname "$h5")" <<'PY'
import sys, os, math, h5py, xml.etree.ElementTree as ET
base, here = sys.argv[1], sys.argv[2]
squeeze = lambda s: tuple(v for v in s if v != 1)
bad = nitems = 0
with h5py.File(base + ".h5", "r") as f:
    if "grid" in f and not os.path.exists(base + "_eval.xmf"):
        print(f"FAIL {os.path.basename(base)}.h5 has /grid but no {os.path.basename(base)}_eval.xmf"); bad += 1
for xmf in [base + ".xmf"] + [base + x for x in ("_eval.xmf", "_snapshots.xmf") if os.path.exists(base + x)]:
    root = ET.parse(xmf).getroot()
    grids = [g for g in root.iter("Grid") if g.get("GridType") == "Uniform"]
    if not xmf.endswith("_snapshots.xmf") and len(grids) != 1:
        print(f"FAIL {os.path.basename(xmf)}: {len(grids)} grids, expected one"); bad += 1
    for d in (d for d in root.iter("DataItem") if d.get("Format") == "HDF"):
        fname, path = d.text.strip().split(":", 1)
        dims = tuple(int(v) for v in d.get("Dimensions").split())
        with h5py.File(os.path.join(here, fname), "r") as f:
            got = f[path].shape if path in f else None
        ok = got is not None and (squeeze(got) == squeeze(dims) or (len(got) == 1 and got[0] == math.prod(dims)))
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(xmf)} {fname}:{path} {dims} (file: {got if got else 'missing'})")
        bad += not ok; nitems += 1
    for g in grids:
        topo = g.find("Topology")
        cells = topo.get("NumberOfElements") or topo.get("Dimensions")
        conn = topo.find("DataItem") is not None or "Mesh" in topo.get("TopologyType")
        print(f"{'ok  ' if conn else 'FAIL'} grid {g.get('Name')}: {topo.get('TopologyType')} {cells}" + ("" if conn else " without connectivity"))
        bad += not conn
print(f"{nitems} datasets referenced")
print("PASS" if nitems and not bad else "FAIL")
sys.exit(1 if bad or not nitems else 0)
PY
