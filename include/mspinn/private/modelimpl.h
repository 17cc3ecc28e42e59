/* Private structure of MSModel (src/model/, its HDF5 form in src/io/model.c): the stages of a
   multi-stage solution and how they compose. One object for the solver's evaluation, the output, -load
   and -resume. */
#pragma once
#include <mspinn/private/problemimpl.h>

#define MS_MAX_STAGES 16
#define MS_MODEL_TEXT_LEN 4096 /* the longest ansatz expression kept */
#define MS_MODEL_NAME_LEN 8    /* the longest input name ("x", "t") */

/* u = g + D sum_{s < m} eps_s N_s + sum_{m <= s < nstages} eps_s N_s with the ansatz (g, D) when hasansatz
   (m = ansatz_stages, 0: every stage), else u = sum_s eps_s N_s.
   net[s] for s >= nstages may hold a stage the solver is building: it is not part of u until counted. */
struct _p_MSModel {
  PETSCHEADER(int);
  PetscInt      nstages;
  MSNet         net[MS_MAX_STAGES];
  PetscReal     eps[MS_MAX_STAGES];
  PetscInt      nin;
  char          inputs[MS_JET_DIM][MS_MODEL_NAME_LEN];
  PetscBool     hasansatz;
  char          ansatz_text[2][MS_MODEL_TEXT_LEN]; /* g and D as given */
  MSAnsatzExprs ansatz;                            /* their jets in the model's input names */
  PetscInt      ansatz_stages;
};

PETSC_INTERN PetscErrorCode MSModelEvaluate_Private(MSModel, PetscInt ns, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscBool magnitude,
                                                    PetscReal U[]);
PETSC_INTERN PetscErrorCode MSModelViewHDF5_Private(MSModel, PetscViewer);
