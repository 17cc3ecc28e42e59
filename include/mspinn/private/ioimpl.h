/* Output helpers of src/io/ (any object's files): atomic writes through temporary files, checks of the
   output path and free space, arrays written by rank 0. */
#pragma once
#include <mspinn.h>
#include <petscviewer.h>

PETSC_INTERN PetscErrorCode MSTempName_Private(MPI_Comm, const char[], PetscInt, char[], size_t);
PETSC_INTERN PetscErrorCode MSTempCommit_Private(MPI_Comm, PetscInt, const char *const[]);
PETSC_INTERN PetscErrorCode MSTempRemoveAll_Private(MPI_Comm);
PETSC_INTERN PetscErrorCode MSCheckOutputPath_Private(MPI_Comm, const char[], PetscInt, const char *const[], const char *const[]);
PETSC_INTERN PetscErrorCode MSWriteAgree_Private(MPI_Comm, PetscErrorCode);
PETSC_INTERN PetscErrorCode MSWriteCheckSpace_Private(PetscViewer, MPI_Comm, PetscInt64);
PETSC_INTERN PetscErrorCode MSWriteH5File_Private(MPI_Comm, const char[], const char[], PetscErrorCode (*)(PetscViewer, void *), void *);
PETSC_INTERN PetscErrorCode MSWriteRootArray_Private(PetscViewer, MPI_Comm, const char[], PetscInt, PetscInt, const PetscReal[]);
PETSC_INTERN PetscErrorCode MSWriteRootInts_Private(PetscViewer, MPI_Comm, const char[], PetscInt, const PetscInt[]);
