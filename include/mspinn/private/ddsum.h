/* Sums that do not depend on how the points are split over MPI ranks (issue: rank-independent
   results). Points are distributed in chunks of MS_CHUNK consecutive points (a chunk never spans
   two ranks), every per-point quantity is summed in double within a chunk (the same operations in
   the same order on any number of ranks), and the chunk sums are accumulated in double-double
   arithmetic (Knuth's error-free TwoSum; the error terms collected in a second double) and reduced
   over the ranks with an MPI operation that adds double-double numbers. The result, rounded to
   double, is independent of the order of the chunks except when the exact sum falls within about
   n 2^-104 (relative) of a rounding boundary: in practice the same bits for any number of ranks. */
#pragma once
#include <petscsys.h>

#define MS_CHUNK 256

typedef struct {
  PetscInt   n;
  PetscReal *hi, *lo;
} MSDDSum;

PETSC_INTERN PetscErrorCode MSDDSumCreate(PetscInt n, MSDDSum *);
PETSC_INTERN PetscErrorCode MSDDSumZero(MSDDSum *);
PETSC_INTERN PetscErrorCode MSDDSumDestroy(MSDDSum *);
/* acc[i] += v[i], i < n (n <= acc->n); with upper != 0, v is a P x P column-major matrix whose upper triangle only is added */
PETSC_INTERN PetscErrorCode MSDDSumAdd(MSDDSum *, PetscInt n, const PetscReal v[]);
PETSC_INTERN PetscErrorCode MSDDSumAddUpper(MSDDSum *, PetscInt P, const PetscReal A[]);
/* the sum over the ranks, rounded to double into out[] (n entries) */
PETSC_INTERN PetscErrorCode MSDDSumAllreduce(MSDDSum *, MPI_Comm, PetscReal out[]);
/* a scalar sum of per-chunk partial sums over the ranks (convenience) */
PETSC_INTERN PetscErrorCode MSDDAllreduceScalars(MPI_Comm, PetscInt nchunks, PetscInt nvals, const PetscReal chunkvals[], PetscReal out[]);
