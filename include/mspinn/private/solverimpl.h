/* Private structure of MSSolver (see src/stage/ and src/io/). */
#pragma once
#include <mspinn.h>
#include <petsc/private/petscimpl.h>

#define MS_MAX_STAGES 16

/* one row of the per-stage table (DESIGN.md) */
typedef struct {
  PetscInt  stage, params, iterations;
  PetscReal seconds, eps, kappa, gamma, loss, res_rms, res_max, err_l2, err_max;
} MSStageRecord;

/* one training iteration (the history) */
typedef struct {
  PetscInt  stage, optimizer, iteration;
  PetscReal loss, data, eq, damping, gamma, time;
} MSHistoryRecord;

struct _p_MSSolver {
  PETSCHEADER(int);
  MSProblem        prob;
  MSNet            net[MS_MAX_STAGES];
  PetscReal        eps[MS_MAX_STAGES];
  PetscInt         nstages, stage_max;
  PetscReal        gamma;
  MSLoss           loss; /* of the stage being trained */
  PetscBool        monitor;
  PetscInt         optimizer;        /* position in the optimizer chain being run (1-based) */
  char            *chain[8];         /* -tao_chain: optimizer types, run in turn */
  PetscInt         nchain;
  PetscReal        max_seconds;      /* wall-clock budget of one stage's training, 0: none */
  PetscLogDouble   stage_t0;
  char             output[PETSC_MAX_PATH_LEN], tmpoutput[PETSC_MAX_PATH_LEN];
  PetscBool        write;
  PetscLogDouble   t0, wall;
  MSStageRecord    rec[MS_MAX_STAGES];
  MSHistoryRecord *hist;
  PetscInt         nhist, maxhist;
  /* final evaluation on the eval set (local points) */
  PetscReal       *u, *res;
  PetscReal        res_rms, res_max, res_floor, err_l2, err_max;
  PetscBool        hasexact;
};

PETSC_INTERN PetscErrorCode MSSolverEvaluate_Private(MSSolver, PetscInt nstages, MSStageRecord *);
PETSC_INTERN PetscErrorCode MSSolverCheckOutputPath_Private(MSSolver);
