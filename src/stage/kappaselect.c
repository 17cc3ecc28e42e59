/* The first-layer scale of stage s >= 2 chosen by short trials (-stage_kappa_trials K).

   The spectral choice kappa_0 = 2 pi f_d / a (src/stage/stageinit.c) matches the residual's dominant
   frequency, but a network whose first layer oscillates that fast can fit the training points while
   oscillating between them: on fit2d (40^2 Chebyshev points) it gave the lowest training loss and a
   worse evaluation error than kappa_0 / 3. So K candidates kappa_0, kappa_0 / 2, kappa_0 / 4, ... are
   each trained for -stage_kappa_trial_its iterations (same seed, same points, same optimizer), and
   scored by the RMS of the composite's residual (for a fit: the misfit to -pde_exact) at held-out
   validation points: uniform random points of the domain (or mesh) drawn from their own seeded
   stream, never training or evaluation points. The stage is then trained from the start with the
   best candidate. The unknown coefficients of an inverse problem are restored after each trial. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>

PetscErrorCode MSSolverSelectKappa_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSProblem   prob = sol->prob;
  PetscInt    d = prob->nin, Nv = d == 1 ? 1024 : (d == 2 ? 4096 : 8192), nunk, best = 0;
  PetscReal  *Xv, *R, *cv, saved[MSPDE_MAX_COEF], score[16], factor = 1.0;
  const PetscInt *unk;
  PetscBool   haseq, given;
  PetscRandom rnd;
  char        opt[64];

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-stage_%" PetscInt_FMT "_net_kappa", s + 1));
  PetscCall(PetscOptionsHasName(((PetscObject)sol)->options, NULL, opt, &given));
  if (given || sol->init != MS_STAGE_INIT_SCALED_SINE || (!haseq && !prob->exact)) PetscFunctionReturn(0); /* nothing to choose, or no way to validate */
  PetscCall(PetscMalloc1(Nv, &R));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rnd, prob->seed + 424242 + s));
  PetscCall(PetscRandomSeed(rnd));
  if (prob->meshfile[0]) {
    PetscCall(PetscMalloc1(Nv * d, &Xv));
    PetscCall(MSProblemMeshSampleDomain_Private(prob, rnd, Nv, Xv));
  } else PetscCall(MSPointsGenerate_Private(MS_POINTS_RANDOM, d, prob->lo, prob->hi, Nv, rnd, &Nv, &Xv));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MSPDEGetUnknowns(prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(prob->pde, NULL, NULL, &cv));
  for (PetscInt j = 0; j < nunk; j++) saved[j] = cv[unk[j]];
  sol->trial = PETSC_TRUE;
  for (PetscInt k = 0; k < PetscMin(sol->kappa_trials, 16); k++, factor *= 0.5) {
    PetscReal ss = 0;
    if (k > 0) { /* a fresh candidate network with this factor (k = 0: the one already made) */
      PetscCall(MSNetDestroy(&sol->net[s]));
      sol->kappa_factor = factor;
      PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
    }
    PetscCall(MSSolverTrainStage_Private(sol, s));
    PetscCall(MSSolverResidualAt_Private(sol, s + 1, Nv, Xv, R)); /* the same on every rank */
    for (PetscInt q = 0; q < Nv; q++) ss += R[q] * R[q];
    score[k] = PetscSqrtReal(ss / Nv);
    if (!(score[k] >= score[best])) best = k; /* NaN-safe: a NaN score never wins */
    for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = saved[j];
    PetscCall(PetscInfo(sol, "stage %" PetscInt_FMT ": kappa factor %g: validation residual %g\n", s + 1, (double)factor, (double)score[k]));
  }
  sol->trial = PETSC_FALSE;
  PetscCall(PetscPrintf(comm, "stage %" PetscInt_FMT ": first-layer scale trials (validation residual RMS):", s + 1));
  factor = 1.0;
  for (PetscInt k = 0; k < PetscMin(sol->kappa_trials, 16); k++, factor *= 0.5) PetscCall(PetscPrintf(comm, " kappa_0/%d: %.3e%s", (int)(1.0 / factor + 0.5), (double)score[k], k == best ? " (kept)" : ""));
  PetscCall(PetscPrintf(comm, "\n"));
  /* the stage's network with the best factor, from its initialization (the trials' training is discarded) */
  PetscCall(MSNetDestroy(&sol->net[s]));
  sol->kappa_factor = PetscPowReal(0.5, (PetscReal)best);
  PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
  sol->kappa_factor = 1.0;
  PetscCall(PetscFree(Xv));
  PetscCall(PetscFree(R));
  PetscFunctionReturn(0);
}
