#!/usr/bin/env bash
# Benchmark: time per Levenberg-Marquardt iteration and per Jacobian assembly on 1 and 2 MPI ranks
# (one OpenBLAS thread per rank), for 10^4 and 10^5 collocation points of problems/poisson1d's
# equation (Halton points, the default network: 3 x 20, P = 901 parameters), from PETSc's -log_view
# events TaoSolve and TaoJacobianEval. Prints a table with the parallel efficiency t1 / (2 t2);
# asserts nothing.
# usage: tests/bench/mpi.sh [build dir] [iterations]
set -eu
build=${1:-build}; its=${2:-10}
export OPENBLAS_NUM_THREADS=1
mpirun="mpiexec --allow-run-as-root --oversubscribe"
printf "%8s %6s %14s %14s %12s %12s\n" points ranks "s/iteration" "s/Jacobian" "eff(iter)" "eff(Jac)"
for n in 10000 100000; do
  for np in 1 2; do
    log=$($mpirun -n $np "$build/mspinn" -points_interior_type halton -points_interior_n $n -stage_max 1 -tao_max_it $its \
          -tao_mslm_stall_it 0 -grid_write 0 -output_write 0 -log_view)
    solve=$(echo "$log" | awk '$1 == "TaoSolve" {print $4}')
    jac=$(echo "$log" | awk '$1 == "TaoJacobianEval" {print $4 / $2}')
    it=$(echo "$solve $its" | awk '{print $1 / $2}')
    if [ $np = 1 ]; then it1=$it; jac1=$jac; e1=1; e2=1; else e1=$(echo "$it1 $it" | awk '{print $1 / (2 * $2)}'); e2=$(echo "$jac1 $jac" | awk '{print $1 / (2 * $2)}'); fi
    printf "%8d %6d %14.4f %14.4f %12.2f %12.2f\n" $n $np $it $jac $e1 $e2
  done
done
