#!/usr/bin/env python3
"""Compares two mspinn output files: every dataset and /summary attribute must agree to a relative
tolerance (default 1e-10), except the timings (wall_time_s, /stages/seconds and select_seconds, /history/time and
/checkpoint/state, which holds the wall time). Reports the largest relative difference.

usage: same_output.py A.h5 B.h5 [rtol]"""
import sys
import h5py
import numpy as np

TIMINGS = {"stages/seconds", "stages/select_seconds", "history/time", "checkpoint/state"}


def datasets(f):
    out = {}
    f.visititems(lambda k, o: out.__setitem__(k, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-10
    bad, worst, n = 0, 0.0, 0
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        A, B = datasets(a), datasets(b)
        if set(A) != set(B):
            print(f"FAIL datasets differ: only in A {sorted(set(A) - set(B))}, only in B {sorted(set(B) - set(A))}")
            bad += 1
        for k in sorted(set(A) & set(B)):
            if k in TIMINGS:
                continue
            x, y = np.asarray(A[k]), np.asarray(B[k])
            if x.shape != y.shape:
                print(f"FAIL {k}: shape {x.shape} vs {y.shape}")
                bad += 1
                continue
            if x.dtype.kind in "fc":
                d = np.abs(x - y)
                rel = float(np.max(d / np.maximum(np.abs(x), 1e-300))) if d.size else 0.0
                rel = 0.0 if not np.any(d) else rel
                worst, n = max(worst, rel), n + 1
                if rel > rtol:
                    print(f"FAIL {k}: relative difference {rel:.2e}")
                    bad += 1
            elif not np.array_equal(x, y):
                print(f"FAIL {k} differs")
                bad += 1
        sa, sb = dict(a["/summary"].attrs), dict(b["/summary"].attrs)
        for k in sorted(set(sa) | set(sb)):
            if k == "wall_time_s":
                continue
            if k not in sa or k not in sb:
                print(f"FAIL /summary attribute {k} missing in one file")
                bad += 1
                continue
            x, y = sa[k], sb[k]
            if isinstance(x, (bytes, str)) or isinstance(y, (bytes, str)):
                ok = x == y
            else:
                rel = abs(float(x) - float(y)) / max(abs(float(x)), 1e-300) if x != y else 0.0
                worst, n, ok = max(worst, rel), n + 1, rel <= rtol
            if not ok:
                print(f"FAIL /summary {k}: {x} vs {y}")
                bad += 1
    print(f"{n} numeric datasets/attributes compared, largest relative difference {worst:.2e} (tolerance {rtol:g})")
    print("PASS" if not bad else "FAIL")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
