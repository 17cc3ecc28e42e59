#pragma once
#include <petsc/private/taoimpl.h>

PETSC_INTERN PetscLogEvent MS_LMNormal; /* TAOMSLM: J^T J and J^T r, summed over the ranks in double-double */
PETSC_INTERN PetscLogEvent MS_LMFactor; /* TAOMSLM: the damped normal equations' Cholesky factorization and solve */

/* checks of the generic -tao_* options shared by mspinn's TAO types (called from their SetFromOptions) */
PETSC_INTERN PetscErrorCode MSTaoCheckGenericOptions_Private(Tao, PetscOptionItems *);
