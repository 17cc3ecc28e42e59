#!/usr/bin/env bash
# Every shipped options file (problems/*.opts) is accepted as it is: set up and trained for one
# iteration of one stage (a trained one; a random-feature stage 1 with one bandwidth and 32 features),
# from another working directory (relative data and mesh paths must resolve beside the file), with no
# unused options (but those of stages 2, 3, ..., which a one-stage run never reads, and this test's
# own limits, which the other kind of stage 1 does not read).
# usage: problems_parse.sh MSPINN_BINARY PROBLEMS_DIR
set -u
bin=$1; dir=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0
for f in "$dir"/*.opts; do
  limits=(-stage_max 1 -tao_max_it 1 -stage_1_tao_max_it 1 -stage_random_trials 1 -stage_random_width 32)
  own='option -(stage_[2-9]_|tao_max_it |stage_1_tao_max_it |stage_random_trials |stage_random_width )'
  if "$bin" -options_file "$f" "${limits[@]}" -grid_write 0 -output "$work/out.h5" >out.txt 2>err.txt && ! grep "was not used" out.txt | grep -Eqv "$own"; then
    echo "ok   $(basename "$f")"
  else
    echo "FAIL $(basename "$f"): $(head -2 err.txt) $(grep 'was not used' out.txt | head -2)"; fail=1
  fi
done
exit $fail
