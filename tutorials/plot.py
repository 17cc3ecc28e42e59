#!/usr/bin/python3
"""Pictures of an mspinn run, from its HDF5 output file.

usage: tutorials/plot.py RUN.h5 [OUTPUT_PREFIX]

Writes OUTPUT_PREFIX_solution.png (u: on the mesh for mesh problems, else on the evaluation points),
_error.png (|u - exact| on a log scale, when the exact solution is known), _stages.png (residual and
error after each stage), _history.png (the loss and its data and equation parts against the iteration
and against wall time, with the stage boundaries) and, for time-dependent problems whose evaluation
points are a grid in x and t, _snapshots.png (u(x, t_k) at a few times with the reference overlaid).
Axes are named after the problem's inputs (/model attribute "inputs"). Uses Debian's python3 with
h5py and matplotlib (no display needed)."""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.tri as mtri  # noqa: E402
import numpy as np  # noqa: E402

ERROR_DECADES = 8     # the log-error colour scale spans at most this many decades below the largest error
ROUNDOFF = 2.0 ** -52  # errors below round-off relative to max |u| are drawn at that level
GAP_EDGE_FACTOR = 6.0  # a triangle of the evaluation points with an edge this many median edges long spans a gap
SNAPSHOTS = 5          # curves in _snapshots.png


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def log_error(err, u):
    """log10 |error| with a floor: round-off relative to max |u|, at most ERROR_DECADES below the
    largest error (exact zeros would otherwise stretch the scale to -300)."""
    a = np.abs(err)
    top = a.max() if a.size and a.max() > 0 else 1.0
    floor = max(top * 10.0 ** -ERROR_DECADES, ROUNDOFF * max(np.abs(u).max(), np.finfo(float).tiny))
    return np.log10(np.maximum(a, min(floor, top))), np.log10(min(floor, top)), np.log10(top)


def field(ax, pts, values, names, title, label, tri=None, limits=None, cmap="viridis"):
    """A field over 1 or 2 inputs: a line, or a colour map (on the mesh's triangles when given)."""
    if pts.ndim == 1 or pts.shape[1] == 1:
        x = pts.reshape(-1)
        order = np.argsort(x)
        ax.plot(x[order], values[order])
        ax.set_xlabel(names[0])
        ax.set_ylabel(label)
    else:
        kw = dict(levels=np.linspace(limits[0], limits[1], 65) if limits else 64, cmap=cmap, extend="neither")
        m = ax.tricontourf(tri, values, **kw) if tri is not None else ax.tricontourf(pts[:, 0], pts[:, 1], values, **kw)
        plt.colorbar(m, ax=ax, label=label, format="%.3g")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_aspect("auto" if "t" in names[:2] else "equal")  # (x and t have no common scale)
    ax.set_title(title)


def fields(f):
    """(points, u, error or None, triangulation or None): the mesh's vertices for a 2D mesh problem,
    else the evaluation points (3D: the slice nearest the middle of the last input)."""
    if "/mesh/cells" in f and f["/mesh/vertices"].ndim == 2 and f["/mesh/vertices"].shape[1] == 2:
        v = f["/mesh/vertices"][:]
        tri = mtri.Triangulation(v[:, 0], v[:, 1], f["/mesh/cells"][:])
        return v, f["/mesh/u"][:], (f["/mesh/error"][:] if "/mesh/error" in f else None), tri, ""
    pts, u = f["/eval/points"][:], f["/eval/u"][:]
    err = f["/eval/error"][:] if "/eval/error" in f else None
    where = ""
    if pts.ndim == 2 and pts.shape[1] == 3:
        z = pts[:, 2]
        zk = z[np.argmin(np.abs(z - 0.5 * (z.min() + z.max())))]
        keep = np.isclose(z, zk)
        pts, u, err = pts[keep, :2], u[keep], (err[keep] if err is not None else None)
        where = f" at z = {zk:.3g}"
    return pts, u, err, (cloud_triangulation(pts) if pts.ndim == 2 and pts.shape[1] == 2 else None), where


def cloud_triangulation(pts):
    """The Delaunay triangulation of a 2D point cloud without the triangles that bridge a gap in it: it
    covers the convex hull, so on a domain that is not convex (the L-shape's missing quadrant, the
    annulus' hole) it would fill what is not the domain. A triangle with an edge longer than
    GAP_EDGE_FACTOR times the median edge spans a gap, not neighbouring points."""
    tri = mtri.Triangulation(pts[:, 0], pts[:, 1])
    t = tri.triangles
    edges = np.stack([np.hypot(*(pts[t[:, i]] - pts[t[:, (i + 1) % 3]]).T) for i in range(3)], axis=1)
    tri.set_mask(edges.max(axis=1) > GAP_EDGE_FACTOR * np.median(edges))
    return tri


def snapshots(f, names, name, prefix):
    """u(x, t_k) against the reference at a few times, when the evaluation points are an x-t grid."""
    if names[-1] != "t" or len(names) != 2 or "/eval/exact" not in f:
        return None
    pts, u, ex = f["/eval/points"][:], f["/eval/u"][:], f["/eval/exact"][:]
    ts = np.unique(pts[:, 1])
    if len(ts) * len(np.unique(pts[:, 0])) != len(u):
        return None
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for k, t in enumerate(ts[np.linspace(0, len(ts) - 1, min(SNAPSHOTS, len(ts))).round().astype(int)]):
        row = np.isclose(pts[:, 1], t)
        order = np.argsort(pts[row, 0])
        c = f"C{k}"
        ax.plot(pts[row, 0][order], u[row][order], color=c, label=f"t = {t:.3g}")
        ax.plot(pts[row, 0][order], ex[row][order], color=c, ls=":", lw=2.5)
    ax.set_xlabel(names[0])
    ax.set_ylabel("u")
    ax.set_title(f"{name}: u (solid) and the reference (dotted)")
    ax.legend()
    return save(fig, prefix + "_snapshots.png")


def history(f, s, name, prefix):
    h = f["/history"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    hs = h["stage"][:]

    def positive(v):  # an exactly zero part (rows matched exactly) is left out, not drawn at 1e-300
        return np.where(v > 0, v, np.nan)

    for ax, x, label in ((axes[0], np.arange(len(hs)), "iteration (all stages)"), (axes[1], h["time"][:], "wall time (s)")):
        ax.semilogy(x, positive(h["loss"][:]), label="loss")
        ax.semilogy(x, positive(h["data"][:]), lw=0.8, label="data part")
        ax.semilogy(x, positive(h["equation"][:]), lw=0.8, label="equation part")
        for b in np.nonzero(np.diff(hs))[0]:
            ax.axvline(0.5 * (x[b] + x[b + 1]), color="gray", lw=1, ls="--")
        ax.set_xlabel(label + "; dashed: a new stage")
    axes[0].set_title(f"{name}: training history")
    axes[1].set_title(f"stop: {text(s['stop_reason'])}" if "stop_reason" in s else "")
    axes[0].legend()
    return save(fig, prefix + "_history.png")


def stages_plot(f, s, name, prefix):
    st = f["/stages"]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    stages = st["stage"][:]
    ax.semilogy(stages, st["residual_rms"][:], "o-", label="residual RMS")
    ax.semilogy(stages, st["residual_max"][:], "s--", label="residual max")
    if np.all(st["error_l2"][:] >= 0):
        ax.semilogy(stages, st["error_l2"][:], "^-", label="error, rel. L2")
        ax.semilogy(stages, st["error_max"][:], "v--", label="error, max")
    for key in sorted(k for k in st.keys() if k.startswith("coef_")):  # inverse problems: each unknown's error
        true = s.get(key + "_true")
        if true is not None and float(true) != 0:
            rel = np.abs(st[key][:] - float(true)) / abs(float(true))  # (exactly 0: drawn at round-off)
            ax.semilogy(stages, np.maximum(rel, ROUNDOFF), "d-.", label=f"{key[5:]}: relative error")
    ax.axhline(s["residual_floor"], color="gray", lw=1, ls=":", label="residual round-off floor")
    ax.set_xlabel("stage")
    ax.set_xticks(stages)
    ax.set_title(f"{name}: after each stage")
    ax.legend()
    return save(fig, prefix + "_stages.png")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    path = argv[1]
    prefix = argv[2] if len(argv) > 2 else path.rsplit(".h5", 1)[0]
    written = []
    with h5py.File(path, "r") as f:
        s = f["/summary"].attrs
        name = text(s["problem"])
        names = text(f["/model"].attrs["inputs"]).split(",") if "/model" in f and "inputs" in f["/model"].attrs else ["x", "y", "z"]
        pts, u, err, tri, where = fields(f)
        fig, ax = plt.subplots(figsize=(6, 4.5))
        field(ax, pts, u, names, f"{name}: solution u{where}", "u", tri)
        written.append(save(fig, prefix + "_solution.png"))
        if err is not None:
            le, lo, hi = log_error(err, u)
            fig, ax = plt.subplots(figsize=(6, 4.5))
            title = f"{name}: error{where}, rel. L2 {s['error_l2_rel']:.2e}, max {s['error_max']:.2e}"
            field(ax, pts, le, names, title, "log10 |error|", tri, (lo, hi) if hi > lo else None, cmap="magma")
            written.append(save(fig, prefix + "_error.png"))
        written.append(stages_plot(f, s, name, prefix))
        written.append(history(f, s, name, prefix))
        snap = snapshots(f, names, name, prefix)
        if snap:
            written.append(snap)
    print("wrote " + " ".join(written))
    return 0


def save(fig, name):
    fig.tight_layout()
    fig.savefig(name, dpi=110)
    plt.close(fig)
    return name


if __name__ == "__main__":
    sys.exit(main(sys.argv))
