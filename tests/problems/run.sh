#!/usr/bin/env bash
# Runs mspinn and checks its /summary.
# usage: run.sh PYTHON CHECKER OUT.h5 [mpiexec args ...] MSPINN [mspinn args ...] -- [checks ...]
# The checks are those of tests/check_summary.py. OUT.h5 is removed first, so a stale file never passes.
set -u
py=$1; checker=$2; out=$3; shift 3
cmd=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmd+=("$1"); shift; done
shift
rm -f "$out"
"${cmd[@]}" -output "$out" || { echo "FAIL: mspinn exited $?"; exit 1; }
exec "$py" "$checker" "$out" "$@"
