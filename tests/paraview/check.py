# Opens an mspinn XDMF file in ParaView (run by pvbatch under xvfb-run, tests/paraview.sh) with each of
# its readers (Xdmf3ReaderS, Xdmf3ReaderT, the legacy XDMFReader) and checks what a user would see:
# one dataset (ParaView draws every dataset of a file over the others: a point cloud over a surface
# speckles it), with points and cells, spanning the expected box in the x-y plane
# (z = 0), the named arrays are there with finite ranges, |error| is under a bound, the time steps are
# the expected ones; then renders u with Xdmf3ReaderT into a PNG and checks that it is not blank.
# usage: pvbatch check.py FILE.xmf --box x0 x1 y0 y1 [--within] [--arrays u,error] [--error-max E]
#                                   [--times K t0 t1] [--png OUT.png]
import argparse, math, os
from paraview.simple import XDMFReader, Xdmf3ReaderS, Xdmf3ReaderT, GetActiveViewOrCreate, Show, ColorBy, SaveScreenshot
from paraview import servermanager
from paraview.vtk.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

ap = argparse.ArgumentParser()
ap.add_argument("xmf"); ap.add_argument("--box", type=float, nargs=4, required=True)
ap.add_argument("--arrays", default="u"); ap.add_argument("--error-max", type=float)
ap.add_argument("--times", type=float, nargs=3); ap.add_argument("--png")
ap.add_argument("--within", action="store_true", help="the points lie in the box (an evaluation cloud) rather than span it")
a = ap.parse_args()
WITHIN_SHARE = 0.9     # --within: the points span at least this share of the box along each axis
NONBLANK_SHARE = 0.05  # of the pixels differ from the background
NONBLANK_COLORS = 16   # distinct colours at least (a coloured field, not a flat patch)
LINE_WIDTH = 6         # pixels: a 1D grid (y extent 0) is drawn as a line this wide ...
NONBLANK_LINE_SHARE = 0.005  # ... and then covers at least this share of the view
fails = []

def leaves(o):
    if o.IsA("vtkCompositeDataSet"):
        it = o.NewIterator(); it.InitTraversal()
        while not it.IsDoneWithTraversal():
            yield it.GetCurrentDataObject(); it.GoToNextItem()
    else:
        yield o

def check(tag, data, reader):
    sets = [d for d in leaves(data) if d is not None]
    if not sets: fails.append(f"{tag}: no datasets"); return
    if len(sets) != 1: fails.append(f"{tag}: {len(sets)} datasets drawn over each other, expected one")
    seen = {}
    for d in sets:
        if d.GetNumberOfPoints() == 0 or d.GetNumberOfCells() == 0:
            fails.append(f"{tag}: a {d.GetClassName()} with {d.GetNumberOfPoints()} points and {d.GetNumberOfCells()} cells")
        pd = d.GetPointData()
        for i in range(pd.GetNumberOfArrays()):
            r = pd.GetArray(i).GetRange(); n = pd.GetArrayName(i)
            seen[n] = (min(r[0], seen.get(n, r)[0]), max(r[1], seen.get(n, r)[1]))
    box = list(reader.GetDataInformation().GetBounds())  # as ParaView's Information panel shows them: a fetched
    want = list(a.box) + [0.0, 0.0]                       # vtkRectilinearGrid comes with its X coordinates on all axes
    tol = 1e-9 * max(1.0, *(abs(v) for v in want))
    if a.within:  # scattered points inside the box, covering most of it
        ext = lambda b, i: b[2 * i + 1] - b[2 * i]
        off = any(box[2 * i] < want[2 * i] - tol or box[2 * i + 1] > want[2 * i + 1] + tol or ext(box, i) < WITHIN_SHARE * ext(want, i) for i in range(3))
    else: off = any(abs(box[i] - want[i]) > tol for i in range(6))
    if off:
        fails.append(f"{tag}: bounds {tuple(round(v, 6) for v in box)}, expected {tuple(want)}")
    for n in a.arrays.split(","):
        if n not in seen: fails.append(f"{tag}: no array {n} (has {sorted(seen)})")
        elif not all(math.isfinite(v) for v in seen[n]): fails.append(f"{tag}: array {n} range {seen[n]}")
    if a.error_max is not None and "error" in seen and max(abs(v) for v in seen["error"]) > a.error_max:
        fails.append(f"{tag}: |error| up to {max(abs(v) for v in seen['error']):.3g} > {a.error_max:g}")
    print(f"{tag}: {len(sets)} datasets, bounds {tuple(round(v, 6) for v in box)}, arrays {sorted(seen)}")

def times_of(r):
    return list(r.TimestepValues) if r.TimestepValues else []

for name, make in (("Xdmf3ReaderS", lambda: Xdmf3ReaderS(FileName=[a.xmf])), ("Xdmf3ReaderT", lambda: Xdmf3ReaderT(FileName=[a.xmf])),
                   ("XDMFReader", lambda: XDMFReader(FileNames=[a.xmf]))):
    r = make(); ts = times_of(r)
    if a.times:
        K, t0, t1 = int(a.times[0]), a.times[1], a.times[2]
        if len(ts) != K or abs(ts[0] - t0) > 1e-12 or abs(ts[-1] - t1) > 1e-12:
            fails.append(f"{name}: time steps {ts}, expected {K} from {t0} to {t1}")
    elif ts: fails.append(f"{name}: unexpected time steps {ts}")
    for t in ts or [None]:
        r.UpdatePipeline(t) if t is not None else r.UpdatePipeline()
        check(f"{name}" + (f" t={t:g}" if t is not None else ""), servermanager.Fetch(r), r)

if a.png:
    r = Xdmf3ReaderT(FileName=[a.xmf]); v = GetActiveViewOrCreate("RenderView"); v.ViewSize = [640, 480]
    ts = times_of(r)
    if ts: v.ViewTime = ts[-1]
    line = a.box[2] == a.box[3]
    dsp = Show(r, v)
    if line and dsp.Representation == "Slice":  # what a user sees first: a slice of a 1D image has no area
        fails.append("ParaView's default representation of this 1D grid is Slice: the view is empty")
    dsp.SetRepresentationType("Surface"); ColorBy(dsp, ("POINTS", "u")); v.ResetCamera()
    if line: dsp.LineWidth = LINE_WIDTH
    SaveScreenshot(a.png, v)
    png = vtkPNGReader(); png.SetFileName(a.png); png.Update()
    img = png.GetOutput(); px = vtk_to_numpy(img.GetPointData().GetScalars())[:, :3]
    bg = px[0]; share = float((abs(px.astype(int) - bg).sum(axis=1) > 0).mean()); colors = len({tuple(p) for p in px[::7]})
    print(f"png {a.png}: {share:.1%} of the pixels not background, {colors} colours")
    if share < (NONBLANK_LINE_SHARE if line else NONBLANK_SHARE) or colors < NONBLANK_COLORS: fails.append(f"png {a.png} is blank ({share:.1%} drawn, {colors} colours)")

for f in fails: print("FAIL", f)
print("PASS" if not fails else "FAIL", flush=True)
os._exit(1 if fails else 0)  # not sys.exit: tearing down the render window under Xvfb fails (GLXBadContext)
