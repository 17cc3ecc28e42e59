#!/usr/bin/env python3
"""Asserts bounds on the /summary attributes of an mspinn output file.

usage: check_summary.py FILE.h5 [name<=value | name>=value | name==text | name~=value[:rtol]] ...
'~=' compares a number to value with relative tolerance rtol (default 1e-12); value may be
'@OTHER.h5' to take the same attribute from another output file; '<=' and '>=' also take
'@OTHER.h5*F' (that value times F). The name 'history_loss[K]'
compares the first K entries of /history/loss instead (each to rtol); 'loss_reduction>=F' checks
that the loss fell by at least a factor F over the history, and 'loss_target_stop==T' that training
stopped at the loss target T (last loss <= T < the one before). Prints each check; exits 1 if any
fails or an attribute is missing."""
import sys
import h5py


def attr(path, name):
    with h5py.File(path, "r") as f:
        a = f["/summary"].attrs
        if name not in a:
            raise KeyError(f"{path}: /summary has no attribute '{name}' (has: {', '.join(sorted(a))})")
        v = a[name]
        return v.decode() if isinstance(v, bytes) else v


def history(path, k):
    with h5py.File(path, "r") as f:
        h = f["/history/loss"][:]
    if len(h) < k:
        raise ValueError(f"{path}: /history/loss has {len(h)} entries, fewer than {k}")
    return h[:k]


def main(argv):
    path, checks, bad = argv[1], argv[2:], 0
    for c in checks:
        for op in ("<=", ">=", "==", "~="):
            if op in c:
                name, want = c.split(op, 1)
                break
        else:
            raise SystemExit(f"bad check '{c}'")
        if name in ("loss_reduction", "loss_target_stop"):
            with h5py.File(path, "r") as f:
                h = f["/history/loss"][:]
            if name == "loss_reduction":
                got = h[0] / max(h[-1], 1e-300)
                ok = op == ">=" and got >= float(want)
            else:
                got = f"last {h[-1]:.3e}, before {h[-2]:.3e}"
                ok = op == "==" and len(h) >= 2 and h[-1] <= float(want) < h[-2]
            print(f"{'ok  ' if ok else 'FAIL'} {name} = {got}  ({op} {want})")
            bad += not ok
            continue
        if name.startswith("history_loss[") and op == "~=":
            k = int(name[len("history_loss["):-1])
            ref, rtol = (want.split(":") + ["1e-12"])[:2]
            a, b = history(path, k), history(ref[1:], k)
            rel = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a, b))
            ok = rel <= float(rtol)
            print(f"{'ok  ' if ok else 'FAIL'} {name}: largest relative difference {rel:.2e} (<= {rtol})")
            bad += not ok
            continue
        got = attr(path, name)
        if op == "==":
            ok = str(got) == want
        elif op == "~=":
            ref, rtol = (want.split(":") + ["1e-12"])[:2]
            ref = attr(ref[1:], name) if ref.startswith("@") else float(ref)
            ok = abs(float(got) - float(ref)) <= float(rtol) * max(abs(float(ref)), 1e-300)
            want = f"{ref} (rtol {rtol})"
        else:
            if want.startswith("@"):  # another file's value, times an optional factor: @OTHER.h5*0.5
                ref, fac = (want[1:].split("*") + ["1"])[:2]
                want = f"{float(attr(ref, name)) * float(fac)} ({ref} x {fac})"
                lim = float(attr(ref, name)) * float(fac)
            else:
                lim = float(want)
            ok = float(got) <= lim if op == "<=" else float(got) >= lim
        print(f"{'ok  ' if ok else 'FAIL'} {name} = {got}  ({op} {want})")
        bad += not ok
    print("PASS" if not bad else "FAIL")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
