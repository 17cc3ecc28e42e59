#!/usr/bin/python3
"""Pictures of an mspinn run, from its HDF5 output file.

usage: tutorials/plot.py RUN.h5 [OUTPUT_PREFIX]

Writes OUTPUT_PREFIX_solution.png (u on the evaluation points), _error.png (|u - exact| on a log
scale, when the exact solution is known), _stages.png (residual and error after each stage) and
_history.png (the loss per iteration, its data and equation parts, with the stage boundaries).
Uses Debian's python3 with h5py and matplotlib (no display needed)."""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def field(ax, pts, values, title, log=False, cmap="viridis"):
    """u or |error| over 1 or 2 inputs (a line, or a colour map on the scattered points)."""
    if log:
        values = np.log10(np.maximum(np.abs(values), 1e-300))
    if pts.ndim == 1 or pts.shape[1] == 1:
        x = pts.reshape(-1)
        order = np.argsort(x)
        ax.plot(x[order], values[order])
        ax.set_xlabel("x")
        ax.set_ylabel("log10 |error|" if log else "u")
    else:
        m = ax.tricontourf(pts[:, 0], pts[:, 1], values, levels=64, cmap=cmap)
        plt.colorbar(m, ax=ax, label="log10 |error|" if log else "u")
        ax.set_xlabel("x")
        ax.set_ylabel("second input")
    ax.set_title(title)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    path = argv[1]
    prefix = argv[2] if len(argv) > 2 else path.rsplit(".h5", 1)[0]
    written = []
    with h5py.File(path, "r") as f:
        s = f["/summary"].attrs
        name = s["problem"].decode() if isinstance(s["problem"], bytes) else str(s["problem"])
        pts, u = f["/eval/points"][:], f["/eval/u"][:]
        if pts.ndim == 2 and pts.shape[1] == 3:  # 3D: the slice nearest the middle of the last input
            z = pts[:, 2]
            mid = z[np.argmin(np.abs(z - 0.5 * (z.min() + z.max())))]
            keep = np.isclose(z, mid)
            pts, u = pts[keep, :2], u[keep]
            err = f["/eval/error"][:][keep] if "/eval/error" in f else None
        else:
            err = f["/eval/error"][:] if "/eval/error" in f else None

        fig, ax = plt.subplots(figsize=(6, 4.5))
        field(ax, pts, u, f"{name}: solution u")
        written.append(save(fig, prefix + "_solution.png"))
        if err is not None:
            fig, ax = plt.subplots(figsize=(6, 4.5))
            field(ax, pts, err, f"{name}: error, rel. L2 {s['error_l2_rel']:.2e}, max {s['error_max']:.2e}", log=True, cmap="magma")
            written.append(save(fig, prefix + "_error.png"))

        st = f["/stages"]
        fig, ax = plt.subplots(figsize=(6, 4.5))
        stages = st["stage"][:]
        ax.semilogy(stages, st["residual_rms"][:], "o-", label="residual RMS")
        ax.semilogy(stages, st["residual_max"][:], "s--", label="residual max")
        if np.all(st["error_l2"][:] >= 0):
            ax.semilogy(stages, st["error_l2"][:], "^-", label="error, rel. L2")
            ax.semilogy(stages, st["error_max"][:], "v--", label="error, max")
        ax.axhline(s["residual_floor"], color="gray", lw=1, ls=":", label="residual round-off floor")
        ax.set_xlabel("stage")
        ax.set_xticks(stages)
        ax.set_title(f"{name}: after each stage")
        ax.legend()
        written.append(save(fig, prefix + "_stages.png"))

        h = f["/history"]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        it = np.arange(len(h["loss"]))
        def positive(v):  # an exactly zero part (rows matched exactly) is left out, not drawn at 1e-300
            return np.where(v > 0, v, np.nan)
        ax.semilogy(it, positive(h["loss"][:]), label="loss")
        ax.semilogy(it, positive(h["data"][:]), lw=0.8, label="data part")
        ax.semilogy(it, positive(h["equation"][:]), lw=0.8, label="equation part")
        hs = h["stage"][:]
        for b in np.nonzero(np.diff(hs))[0]:
            ax.axvline(b + 0.5, color="gray", lw=1, ls="--")
        ax.set_xlabel("iteration (all stages; dashed: a new stage)")
        ax.set_title(f"{name}: training history")
        ax.legend()
        written.append(save(fig, prefix + "_history.png"))
    print("wrote " + " ".join(written))
    return 0


def save(fig, name):
    fig.tight_layout()
    fig.savefig(name, dpi=110)
    plt.close(fig)
    return name


if __name__ == "__main__":
    sys.exit(main(sys.argv))
