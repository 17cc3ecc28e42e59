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

/* the held-out validation points of stage s (the same on every rank) */
static PetscErrorCode MSSolverValidationPoints_Private(MSSolver sol, PetscInt s, PetscInt *N, PetscReal **Xv_)
{
  MSProblem   prob = sol->prob;
  PetscReal  *Xv;
  PetscInt    d = prob->nin, Nv = d == 1 ? 1024 : (d == 2 ? 4096 : 8192);
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rnd, prob->seed + 424242 + s));
  PetscCall(PetscRandomSeed(rnd));
  if (prob->meshfile[0]) {
    PetscCall(PetscMalloc1(Nv * d, &Xv));
    PetscCall(MSProblemMeshSampleDomain_Private(prob, rnd, Nv, Xv));
  } else PetscCall(MSPointsGenerate_Private(MS_POINTS_RANDOM, d, prob->lo, prob->hi, Nv, rnd, &Nv, &Xv));
  PetscCall(PetscRandomDestroy(&rnd));
  *N   = Nv;
  *Xv_ = Xv;
  PetscFunctionReturn(0);
}

/* RMS of the residual of the composite of the first ns stages (for a fit: the misfit to -pde_exact)
   at the points X */
static PetscErrorCode MSSolverValidationScore_Private(MSSolver sol, PetscInt ns, PetscInt Nv, const PetscReal Xv[], PetscReal *score)
{
  PetscReal *R, ss = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(Nv, &R));
  PetscCall(MSSolverResidualAt_Private(sol, ns, Nv, Xv, R));
  for (PetscInt q = 0; q < Nv; q++) ss += R[q] * R[q];
  *score = PetscSqrtReal(ss / Nv);
  PetscCall(PetscFree(R));
  PetscFunctionReturn(0);
}

/* -stage_features auto: stage s first tries random features (least-squares solves, seconds) and
   keeps them if they lower the validation residual by at least -stage_random_min_gain; otherwise
   the stage is a trained network. The features' bandwidth is chosen on the same validation points:
   the first layer's largest frequency c f_d, c = c_0, 2 c_0, 4 c_0, ... (c_0 =
   -stage_random_kappa_fraction, at most -stage_random_trials values), until the validation residual
   is 10 times the best one's, or after four values that have not halved it: too low a bandwidth
   cannot represent the residual, too high a one oscillates between the training points (fit2d, 64^2 points: c = 1, 2, 4 give 6e-12, 2e-15, 6e-9; poisson1d, 1024 points
   in 1D: c = 2 gives 1e-9, c = 16 2e-15). Returns with sol->net[s] created and sol->stage_features[s] set. */
PetscErrorCode MSSolverSelectFeatures_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MSProblem        prob = sol->prob;
  PetscInt         Nv, nunk, best = -1;
  PetscReal       *Xv, *cv, saved[MSPDE_MAX_COEF], before, score, bestscore = PETSC_MAX_REAL;
  const PetscInt  *unk;
  PetscBool        haseq;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  if (!haseq && !prob->exact) { /* no way to validate: trained */
    sol->stage_features[s] = MS_STAGE_FEATURES_TRAINED;
    PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
    PetscFunctionReturn(0);
  }
  PetscCall(MSSolverValidationPoints_Private(sol, s, &Nv, &Xv));
  PetscCall(MSSolverValidationScore_Private(sol, s, Nv, Xv, &before));
  PetscCall(MSPDEGetUnknowns(prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(prob->pde, NULL, NULL, &cv));
  for (PetscInt j = 0; j < nunk; j++) saved[j] = cv[unk[j]];
  sol->stage_features[s] = MS_STAGE_FEATURES_RANDOM;
  sol->trial             = PETSC_TRUE;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "stage %" PetscInt_FMT ": random features, validation residual RMS %.3e before:", s + 1, (double)before));
  for (PetscInt k = 0; k < sol->random_trials; k++) {
    sol->kappa_factor = PetscPowReal(2.0, (PetscReal)k);
    PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
    PetscCall(MSSolverTrainStage_Private(sol, s));
    PetscCall(MSSolverValidationScore_Private(sol, s + 1, Nv, Xv, &score));
    for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = saved[j];
    PetscCall(MSNetDestroy(&sol->net[s]));
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " c = %g: %.3e", (double)(sol->random_kappa_fraction * sol->kappa_factor), (double)score));
    if (score < bestscore) {
      bestscore = score;
      best      = k;
    } else if (!(score <= 10 * bestscore)) break; /* clearly past the best bandwidth (NaN too); a flat start goes on */
    if (k == 3 && !(2 * bestscore <= before)) break; /* four bandwidths, 1 to 8, and not even a factor 2: give up */
  }
  sol->trial             = PETSC_FALSE;
  sol->stage_features[s] = best >= 0 && bestscore * sol->random_min_gain <= before ? MS_STAGE_FEATURES_RANDOM : MS_STAGE_FEATURES_TRAINED;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "; %s\n", sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? "kept the best" : "a trained network instead"));
  sol->kappa_factor = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? PetscPowReal(2.0, (PetscReal)best) : 1.0;
  PetscCall(MSSolverCreateStageNet_Private(sol, s, spec)); /* from its initialization: the trial's solve is redone */
  sol->kappa_factor = 1.0;
  PetscCall(PetscFree(Xv));
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverSelectKappa_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSProblem   prob = sol->prob;
  PetscInt    Nv, nunk, best = 0;
  PetscReal  *Xv, *cv, saved[MSPDE_MAX_COEF], score[16], factor = 1.0;
  const PetscInt *unk;
  PetscBool   haseq, given;
  char        opt[64];

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-stage_%" PetscInt_FMT "_net_kappa", s + 1));
  PetscCall(PetscOptionsHasName(((PetscObject)sol)->options, NULL, opt, &given));
  if (given || sol->init != MS_STAGE_INIT_SCALED_SINE || (!haseq && !prob->exact)) PetscFunctionReturn(0); /* nothing to choose, or no way to validate */
  PetscCall(MSSolverValidationPoints_Private(sol, s, &Nv, &Xv));
  PetscCall(MSPDEGetUnknowns(prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(prob->pde, NULL, NULL, &cv));
  for (PetscInt j = 0; j < nunk; j++) saved[j] = cv[unk[j]];
  sol->trial = PETSC_TRUE;
  for (PetscInt k = 0; k < PetscMin(sol->kappa_trials, 16); k++, factor *= 0.5) {
    if (k > 0) { /* a fresh candidate network with this factor (k = 0: the one already made) */
      PetscCall(MSNetDestroy(&sol->net[s]));
      sol->kappa_factor = factor;
      PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
    }
    PetscCall(MSSolverTrainStage_Private(sol, s));
    PetscCall(MSSolverValidationScore_Private(sol, s + 1, Nv, Xv, &score[k])); /* the same on every rank */
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
  PetscFunctionReturn(0);
}
