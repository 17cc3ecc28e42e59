#!/usr/bin/env bash
# The XDMF file beside an output file is well-formed XML, and every HDF5 dataset it references exists
# with the stated dimensions.
set -u
py=$1; h5=$2
"$py" - "${h5%.h5}.xmf" "$(dirname "$h5")" <<'PY'
import sys, os, h5py, xml.etree.ElementTree as ET
xmf, here = sys.argv[1], sys.argv[2]
root = ET.parse(xmf).getroot()
items = [d for d in root.iter("DataItem") if d.get("Format") == "HDF"]
bad = 0
for d in items:
    fname, path = d.text.strip().split(":", 1)
    dims = tuple(int(v) for v in d.get("Dimensions").split())
    with h5py.File(os.path.join(here, fname), "r") as f:
        ok = path in f and f[path].shape == dims
        got = f[path].shape if path in f else "missing"
    print(f"{'ok  ' if ok else 'FAIL'} {fname}:{path} {dims} (file: {got})")
    bad += not ok
n = int(root.find(".//Topology").get("NumberOfElements"))
print(f"{len(items)} datasets referenced, {n} points")
print("PASS" if items and not bad else "FAIL")
sys.exit(1 if bad or not items else 0)
PY
