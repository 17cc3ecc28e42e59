#!/usr/bin/env bash
# Every shipped options file (problems/*.opts) is accepted as it is: set up and trained for one
# iteration of one stage, from another working directory (relative data and mesh paths must
# resolve beside the file), with no unused options (but those of stages 2, 3, ..., which a one-stage
# run never reads).
# usage: problems_parse.sh MSPINN_BINARY PROBLEMS_DIR
set -u
bin=$1; dir=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0
for f in "$dir"/*.opts; do
  if "$bin" -options_file "$f" -stage_max 1 -tao_max_it 1 -stage_1_tao_max_it 1 -grid_write 0 -output "$work/out.h5" >out.txt 2>err.txt && ! grep "was not used" out.txt | grep -qv "option -stage_[2-9]_"; then
    echo "ok   $(basename "$f")"
  else
    echo "FAIL $(basename "$f"): $(head -2 err.txt) $(grep 'was not used' out.txt | head -2)"; fail=1
  fi
done
exit $fail
