#!/usr/bin/env bash
# A full disk: the output, -load's output and a checkpoint written onto small tmpfs file systems, on 1
# and 2 ranks. Each run must exit non-zero with one "mspinn: error" line saying the disk is full,
# within the timeout (2 ranks used to hang in HDF5's collective close), and leave no file behind.
# Mounting a tmpfs needs root: without it the test exits 77, which ctest reports as skipped.
# usage: diskfull.sh MSPINN_BINARY SOURCE_DIR
set -u
bin=$1; src=$2
SKIPPED=77
TIMEOUT_S=120
work=$(mktemp -d); full="$work/full"; mkdir "$full"
cleanup() { umount "$full" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mount_tmpfs() { # size
  umount "$full" 2>/dev/null
  mount -t tmpfs -o "size=$1" tmpfs "$full" 2>/dev/null
}
if ! mount_tmpfs 300k; then echo "diskfull.sh: cannot mount a tmpfs here (not root?): skipped"; exit $SKIPPED; fi
cd "$work"
"$bin" -output "$work/model.h5" >/dev/null 2>&1 || { echo "FAIL: the model run on the real disk failed"; exit 1; }
pass=0; fail=0
check() { # tmpfs-size ranks what, then the mspinn arguments
  local size=$1 np=$2 what=$3; shift 3
  mount_tmpfs "$size"
  OPENBLAS_NUM_THREADS=1 timeout $TIMEOUT_S mpiexec -n "$np" "$bin" "$@" >stdout.txt 2>stderr.txt
  local rc=$? lines left
  lines=$(grep -c "mspinn: error" stderr.txt); left=$(ls -A "$full")
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$lines" -eq 1 ] && grep "mspinn: error" stderr.txt | grep -q "the disk is full" && [ -z "$left" ]; then
    pass=$((pass+1)); echo "ok   $what ($np ranks, $size) -> $(grep 'mspinn: error' stderr.txt)"
  else
    fail=$((fail+1)); echo "FAIL $what ($np ranks, $size): exit $rc (124: timed out), $lines error lines, left: $left"
    grep -v "^--\|^ *$" stderr.txt | head -5 | sed 's/^/     /'
  fi
}
for np in 1 2; do
  check 300k $np "the output" -output "$full/out.h5"
  # fit2d's file is 1.3 MB: the first datasets fit, a later one does not
  check 2000k $np "the output, full half-way" -options_file "$src/problems/fit2d.opts" -output "$full/out.h5"
  check 300k $np "a checkpoint" -stage_1_features trained -tao_max_it 30 -output_every 5 -output "$full/out.h5"
  check 300k $np "-load's output" -load "$work/model.h5" -eval_points "$work/model.h5" -output "$full/eval.h5"
done
echo "diskfull.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
