#!/usr/bin/env bash
# Opt-in (needs Debian's paraview and python3-paraview, and xvfb: scripts/install-deps.sh --paraview):
# the output of poisson1d, poisson2d, a short Burgers run and the disk mesh problem opened in a real ParaView
# (tests/paraview/check.py: bounds, arrays, |error|, time steps with all three readers; a PNG that is
# not blank; for a 1D grid, a first view that is not empty). The broken variants, poisson2d's files as
# written before (2D CoRectMesh, a point cloud without connectivity, in one file) and poisson1d's grid as
# a CoRectMesh, must fail the same check.
# usage: tests/paraview.sh BUILD_DIR [OUT_DIR]
set -u
here=$(cd "$(dirname "$0")/.." && pwd); build=$(cd "$1" && pwd); out=${2:-$(mktemp -d)}; mkdir -p "$out"; out=$(cd "$out" && pwd)
export OPENBLAS_NUM_THREADS=1
for tool in pvbatch xvfb-run; do command -v $tool > /dev/null || { echo "paraview.sh: $tool not found (install with scripts/install-deps.sh --paraview)"; exit 1; }; done
fail=0
solve() { # NAME OPTIONS_FILE [options]: a run in problems/, its output in $out/NAME.h5
  local name=$1; shift
  (cd "$here/problems" && "$build/mspinn" -options_file "$@" -output "$out/$name.h5" > "$out/$name.log" 2>&1) || { echo "FAIL $name: mspinn failed (see $out/$name.log)"; fail=1; }
}
pv() { # EXPECT FILE.xmf [check.py options]; the X server Xvfb sometimes refuses the connection: retried
  local expect=$1 log=$out/$(basename "$2" .xmf).pv.log rc
  for attempt in 1 2 3 4 5; do # (two xvfb-run -a starting together can race for a display: wait and retry)
    xvfb-run -a pvbatch "$here/tests/paraview/check.py" "${@:2}" > "$log" 2>&1; rc=$?
    grep -q "bad X server connection" "$log" || break
    echo "($(basename "$2"): the X server refused the connection, attempt $attempt)"; sleep $attempt
  done
  grep -E "^(FAIL|png|PASS)" "$log" | sed "s|^|  $(basename "$2"): |"
  if [ "$expect" = pass ] && [ $rc -ne 0 ]; then echo "FAIL $2 (see $log)"; fail=1; fi
  if [ "$expect" = fail ] && [ $rc -eq 0 ]; then echo "FAIL the broken variant $2 passed the check"; fail=1; fi
}
solve poisson1d poisson1d.opts
solve poisson2d poisson2d.opts
solve burgers burgers_smooth.opts -stage_1_tao_max_it 5 -stage_max 1
solve disk poisson_disk.opts -stage_max 1
pv pass "$out/poisson1d.xmf" --box -1 1 0 0 --arrays u,residual,exact,error --error-max 1e-12 --png "$out/poisson1d.png"
pv pass "$out/poisson2d.xmf" --box 0 1 0 1 --arrays u,residual,exact,error --error-max 1e-9 --png "$out/poisson2d.png"
pv pass "$out/poisson2d_eval.xmf" --box 0 1 0 1 --within --arrays u,residual,exact,error --error-max 1e-9
pv pass "$out/burgers.xmf" --box -1 1 0 0.99 --arrays u,residual,u_x,u_t --png "$out/burgers.png"
pv pass "$out/burgers_eval.xmf" --box -1 1 0 0.99 --arrays u,residual,exact,error --png "$out/burgers_eval.png"
pv pass "$out/burgers_snapshots.xmf" --box -1 1 0 0 --arrays u,residual --times 5 0 0.99 --png "$out/burgers_snapshots.png"
pv pass "$out/disk.xmf" --box -1 1 -1 1 --arrays u,residual,exact,error --error-max 1e-6 --png "$out/disk.png"
pv pass "$out/disk_eval.xmf" --box -1 1 -1 1 --within --arrays u,residual,exact,error --error-max 1e-6
# the broken variant, poisson2d's files as written before: the evaluation cloud without cells and the
# grid as a 2DCoRectMesh (ParaView puts it in the YZ plane) in one file, drawn over each other
python3 - "$out/poisson2d.xmf" "$out/poisson2d_eval.xmf" "$out/broken.xmf" <<'PY'
import re, sys
grid = re.search(r'    <Grid Name="grid".*?\n    </Grid>\n', open(sys.argv[1]).read(), re.S).group(0)
s = open(sys.argv[2]).read().replace("  </Domain>", grid + "  </Domain>")
s = re.sub(r'(<Topology TopologyType="Polyvertex"[^>]*)>\s*<DataItem[^<]*</DataItem>\s*</Topology>', r'\1/>', s)
s = s.replace('"3DCoRectMesh" Dimensions="1 ', '"2DCoRectMesh" Dimensions="').replace("ORIGIN_DXDYDZ", "ORIGIN_DXDY")
s = re.sub(r'Dimensions="3"( NumberType="Float" Precision="8">)\S+ ', r'Dimensions="2"\1', s)
open(sys.argv[3], "w").write(s)
PY
pv fail "$out/broken.xmf" --box 0 1 0 1 --arrays u,residual,exact,error
# the second broken variant: poisson1d's grid as the 3DCoRectMesh written before (ParaView's first view empty)
python3 - "$out/poisson1d.xmf" "$out/broken1d.xmf" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
n = int(re.search(r'NumberOfElements="(\d+)"', s).group(1)) + 1
x = re.search(r'<Geometry GeometryType="XYZ">\s*<DataItem[^>]*>(\S+) 0 0 (\S+) ', s)
x0, h = float(x.group(1)), float(x.group(2)) - float(x.group(1))
old = f'<Topology TopologyType="3DCoRectMesh" Dimensions="1 1 {n}"/>\n      <Geometry GeometryType="ORIGIN_DXDYDZ">\n' \
      f'        <DataItem Format="XML" Dimensions="3" NumberType="Float" Precision="8">0 0 {x0!r}</DataItem>\n' \
      f'        <DataItem Format="XML" Dimensions="3" NumberType="Float" Precision="8">1 1 {h!r}</DataItem>\n      </Geometry>'
s = re.sub(r'<Topology TopologyType="Polyline".*?</Geometry>', lambda m: old, s, flags=re.S)
open(sys.argv[2], "w").write(s)
PY
pv fail "$out/broken1d.xmf" --box -1 1 0 0 --arrays u,residual,exact,error --png "$out/broken1d.png"
[ $fail -eq 0 ] && echo PASS || echo FAIL
exit $fail
