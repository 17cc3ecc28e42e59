/* The composite solution of a multi-stage model (src/model/compose.c), shared by the solver's
   evaluation (src/stage/) and the evaluation of a saved model (-load, src/io/model.c). */
#pragma once
#include <mspinn/private/problemimpl.h>

/* the stages of a model and how they compose: u = g + D sum_{s < m} eps_s N_s + sum_{s >= m} eps_s N_s
   with the ansatz (g, D) when hasansatz (m = ansatz_stages, 0: every stage), else u = sum_s eps_s N_s */
typedef struct {
  PetscInt         nstages;
  MSNet           *nets;
  const PetscReal *eps;
  MSExpr         (*ansatz)[MS_ANSATZ_CHANNELS]; /* g's and D's jet expressions (MSAnsatzExprs), or NULL */
  PetscInt         ansatz_stages;
} MSModelStages;

PETSC_INTERN PetscErrorCode MSModelCompose_Private(const MSModelStages *, PetscInt ns, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscBool magnitude, PetscReal U[]);
