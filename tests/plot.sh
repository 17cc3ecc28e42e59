#!/usr/bin/env bash
# tutorials/plot.py makes its four PNGs (valid PNG signatures) from a run's output file.
set -u
py=$1; plot=$2; h5=$3; out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$py" "$plot" "$h5" "$out/run" || { echo "FAIL: plot.py exited non-zero"; exit 1; }
fail=0
for k in solution error stages history; do
  f="$out/run_$k.png"
  if [ -s "$f" ] && [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then echo "ok   $k.png ($(stat -c %s "$f") bytes)"; else echo "FAIL $k.png missing or not a PNG"; fail=1; fi
done
exit $fail
