#pragma once
#include <petsc/private/taoimpl.h>

/* checks of the generic -tao_* options shared by mspinn's TAO types (called from their SetFromOptions) */
PETSC_INTERN PetscErrorCode MSTaoCheckGenericOptions_Private(Tao, PetscOptionItems *);
