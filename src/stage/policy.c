/* The stage policy: what the stage manager decides from what it measures, apart from the mechanics
   (training a stage, evaluating the composite, refining points: solver.c, evaluate.c, kappaselect.c).

   How long a stage trains (-stage_rate_ratio q). Training is worth going on while it gains at least
   what a fresh stage would. A stage's progress is measured in decades of its loss per iteration over
   the last quarter of its iterations (at least MS_RATE_WINDOW_MIN): R_recent = log10(F_{i-w} / F_i) / w.
   Every iteration of a stage costs about the same (the same Jacobian, one factorization per damping),
   so this is a rate per second too, and unlike the clock it is the same on every run (deterministic). A new stage starts on a new network from the residual left
   and is expected to progress as fast as a stage does in its fast phase, the fastest R_recent of this
   stage so far, R_peak; so the stage ends when R_recent < R_peak / q, once its loss fell by
   MS_RATE_MIN_DROP (a stage stuck on a plateau near its start has not had its fast phase yet). This is the knee of the loss
   curve: past it, Levenberg-Marquardt creeps (on poisson1d, 40 iterations gain 7 decades of loss, the
   next 960 another 4; a random-feature stage 2 gains 20 in two solves). A slow start does not end a
   stage, as R_peak is then as slow. The
   rule stands aside when the stage's iteration count was given (-tao_max_it, -stage_<n>_tao_max_it),
   and in trials; -tao_max_it (default 1000) stays the cap. Whether a new stage is faster is measured
   once it has trained: when it is slower, it is dropped and the stage before trains on
   (MSPolicyTrainOnInstead_Private).

   The validation watch. The loss is measured at the training points; what the stage is kept for is the
   residual at the evaluation points, which no optimizer sees (a stage that lowers the loss can raise it:
   it fits its points and not the function between them). Every MS_WATCH_EVERY iterations of a trained
   stage the composite with the stage as it stands is evaluated there (its RMS residual, as after the
   stage); when it has not fallen below its lowest value for as many iterations as it took to reach that
   value (at least MS_WATCH_PATIENCE_MIN), the stage ends and its parameters go back to those of its best
   check: early stopping on a held-out set, with the patience scaled by the stage's own progress. At
   iteration 0 the check measures the composite with the stage untrained; a new stage that never does
   better ends after MS_WATCH_PATIENCE_MIN iterations instead of -tao_max_it, and is dropped (its random
   start is not kept; a stage training on goes back to where it started). Like the rate rule it
   stands aside where an iteration count was given, and in trials.

   Resolution (-stage_resolve_ratio, -stage_resolve_max). When the residual at the evaluation points,
   which no optimizer sees, is far above the residual at the training points, the stage fits the
   points and oscillates between them: more parameters do not help, more points do. Before the next
   stage the collocation set (for a fit with observations drawn from -pde_exact, the observations) is
   then doubled, and the stage is not followed by another: a random-feature stage is solved again on
   as many more points spread uniformly over the domain (MSSolverResolveStage_Private), a trained one
   goes on training from its parameters on them (MSSolverContinueStage_Private). When a stage gains
   less than -stage_min_gain (or is dropped), the next stage gets twice the points by residual-based
   refinement (points where the residual is largest; Lu et al. 2021): a random-feature stage has half
   as many features as rows, so more rows also bring more features. When random features of no bandwidth
   gain on the residual of random features whose width the points cap, the first of them is solved again
   on twice the points (MSPolicyWidenRandom_Private).

   What a stage is (src/stage/kappaselect.c): random features when their least-squares solve gains
   -stage_random_min_gain at held-out points, else a trained network; stage 1 of a linear problem
   too, scored against u = 0 (MSSolverPrepareFirstStage_Private).

   When to stop: the residual at its round-off floor ("floor": MSPolicyAtFloor_Private); the wall-time
   budget -solve_max_seconds spent ("budget"); a stage that gained less than -stage_min_gain, or made
   the residual worse, with no refinement left to try ("no_remedy"); -stage_max stages ("stage_max").

   Every decision prints one line starting with "policy:", what it measured and what it chose. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <petsc/private/taoimpl.h> /* max_it_changed: whether the iteration count was given */

#define MS_RATE_WINDOW_MIN   10  /* iterations in the recent-rate window, at least */
#define MS_RATE_WINDOW_SHARE 4   /* the window is the last 1/4 of the stage's iterations */
#define MS_RATE_ITS_MIN      20  /* the rule decides after this many iterations */
#define MS_RATE_MIN_DROP     1e4 /* and once the loss fell by this factor (two decades of the residual) */
#define MS_WATCH_EVERY        50  /* iterations between two checks of the validation watch (a check evaluates the composite at every evaluation point) */
#define MS_WATCH_PATIENCE_MIN 200 /* iterations without a lower residual at the evaluation points before the watch ends a stage, at least */

PetscErrorCode MSPolicySetFromOptions_Private(MSSolver sol, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)sol);

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-stage_rate_ratio", "End a stage when its loss falls more slowly (decades per iteration, over its last quarter) than its fastest rate divided by this (0: train every stage to -tao_max_it or a stall; off where an iteration count is given)", "MSSolverSolve", sol->rate_ratio, &sol->rate_ratio, NULL));
  PetscCall(PetscOptionsReal("-solve_max_seconds", "Wall-time budget of the whole run: no stage starts, and training stops, once it is spent (0: none)", "MSSolverSolve", sol->budget, &sol->budget, NULL));
  PetscCall(PetscOptionsReal("-stage_resolve_ratio", "Under-resolved: the residual at the evaluation points is more than this times that at the training points; the next stage then gets twice the collocation points", "MSSolverSolve", sol->resolve_ratio, &sol->resolve_ratio, NULL));
  PetscCall(MSOptionsInt("-stage_resolve_max", "How many times the policy may double the collocation points (0: never)", "MSSolverSolve", sol->resolve_max, &sol->resolve_max, NULL));
  PetscCheck(sol->rate_ratio >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-stage_rate_ratio %g: must be non-negative (0: off)", (double)sol->rate_ratio);
  PetscCheck(sol->budget >= 0 && !PetscIsInfOrNanReal(sol->budget), comm, PETSC_ERR_ARG_OUTOFRANGE, "-solve_max_seconds %g: must be a non-negative number of seconds (0: no budget)", (double)sol->budget);
  PetscCheck(sol->resolve_ratio >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-stage_resolve_ratio %g: must be at least 1", (double)sol->resolve_ratio);
  PetscCheck(sol->resolve_max >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-stage_resolve_max %" PetscInt_FMT ": must be non-negative", sol->resolve_max);
  PetscFunctionReturn(0);
}

PetscBool MSPolicyBudgetSpent_Private(MSSolver sol)
{
  PetscLogDouble now;

  if (sol->budget <= 0) return PETSC_FALSE;
  if (PetscTime(&now)) return PETSC_FALSE;
  if (now - sol->t0 >= sol->budget) sol->budget_spent = PETSC_TRUE;
  return sol->budget_spent;
}

/* a stage's optimizer starts: the rate rule applies unless its iteration count was given */
PetscErrorCode MSPolicyStageStart_Private(MSSolver sol, Tao tao)
{
  PetscFunctionBegin;
  sol->rate_active = (sol->rate_ratio > 0 && !sol->trial && !tao->max_it_changed) ? PETSC_TRUE : PETSC_FALSE;
  sol->watch_active  = (sol->rate_active && sol->stage_features[sol->model->nstages] != MS_STAGE_FEATURES_RANDOM) ? PETSC_TRUE : PETSC_FALSE;
  sol->watch_best    = PETSC_MAX_REAL;
  sol->watch_best_it = 0;
  sol->watch_restore = PETSC_FALSE;
  PetscCall(VecDestroy(&sol->watch_x));
  sol->rate_n      = 0;
  sol->rate_note[0] = 0;
  sol->rate_stop    = 0;
  PetscFunctionReturn(0);
}

/* decades per iteration of the loss between iterations i and j > i of the stage */
static PetscReal MSPolicyRate_Private(MSSolver sol, PetscInt i, PetscInt j)
{
  if (j <= i || !(sol->rate_f[i] > 0) || !(sol->rate_f[j] > 0)) return 0.0;
  return PetscLog10Real(sol->rate_f[i] / sol->rate_f[j]) / (PetscReal)(j - i);
}

/* the validation watch's check at iteration its: the residual RMS at the evaluation points of the composite
   with the stage in training as it stands (collective; the same value on every rank) */
static PetscErrorCode MSPolicyWatch_Private(MSSolver sol, Tao tao, PetscInt its)
{
  MSStageRecord tmp;
  Vec           x;

  PetscFunctionBegin;
  PetscCall(TaoGetSolution(tao, &x));
  PetscCall(MSSolverEvaluateTraining_Private(sol, tao, PETSC_FALSE, &tmp));
  if (tmp.res_rms < sol->watch_best) {
    sol->watch_best    = tmp.res_rms;
    sol->watch_best_it = its;
    if (!sol->watch_x) PetscCall(VecDuplicate(x, &sol->watch_x));
    PetscCall(VecCopy(x, sol->watch_x));
  } else if (its - sol->watch_best_it >= PetscMax(MS_WATCH_PATIENCE_MIN, sol->watch_best_it)) {
    PetscCall(PetscSNPrintf(sol->rate_note, sizeof(sol->rate_note), "iteration %" PetscInt_FMT ": the residual at the evaluation points (RMS %.3e) has not fallen below %.3e, at iteration %" PetscInt_FMT ", for %" PetscInt_FMT " iterations: back to iteration %" PetscInt_FMT, its + sol->its_offset, (double)tmp.res_rms, (double)sol->watch_best, sol->watch_best_it + sol->its_offset, its - sol->watch_best_it, sol->watch_best_it + sol->its_offset));
    sol->watch_restore = PETSC_TRUE;
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  }
  PetscFunctionReturn(0);
}

/* after a stage's optimizer: its parameters back to the watch's best check when the watch ended it */
PetscErrorCode MSPolicyStageFinish_Private(MSSolver sol, Vec x)
{
  PetscFunctionBegin;
  if (sol->watch_restore && sol->watch_x) PetscCall(VecCopy(sol->watch_x, x));
  sol->watch_nothing = (sol->watch_restore && sol->watch_best_it == 0 && !sol->continuing) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(VecDestroy(&sol->watch_x));
  sol->watch_active = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* called at every iteration (from the convergence test): records the loss and ends the stage when the
   rate rule or the run's budget says so */
PetscErrorCode MSPolicyStageProgress_Private(MSSolver sol, Tao tao)
{
  PetscReal f, peak, recent;
  PetscInt  n, w;

  PetscFunctionBegin;
  if (MSPolicyBudgetSpent_Private(sol)) {
    PetscInt its;
    PetscCall(TaoGetIterationNumber(tao, &its));
    PetscCall(PetscSNPrintf(sol->rate_note, sizeof(sol->rate_note), "iteration %" PetscInt_FMT ": the run's budget (-solve_max_seconds %g) is spent", its + sol->its_offset, (double)sol->budget));
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
    PetscFunctionReturn(0);
  }
  if (!sol->rate_active) PetscFunctionReturn(0);
  if (sol->watch_active) {
    PetscInt its;
    PetscCall(TaoGetIterationNumber(tao, &its));
    if (its % MS_WATCH_EVERY == 0) PetscCall(MSPolicyWatch_Private(sol, tao, its));
    if (sol->watch_restore) PetscFunctionReturn(0);
  }
  PetscCall(TaoGetSolutionStatus(tao, NULL, &f, NULL, NULL, NULL, NULL));
  if (sol->rate_n == sol->rate_max) {
    sol->rate_max = PetscMax(2 * sol->rate_max, 256);
    PetscCall(PetscRealloc(sizeof(PetscReal) * sol->rate_max, &sol->rate_f));
  }
  sol->rate_f[sol->rate_n] = f;
  n                        = ++sol->rate_n;
  if (n <= MS_RATE_ITS_MIN) PetscFunctionReturn(0);
  w      = PetscMax(MS_RATE_WINDOW_MIN, (n - 1) / MS_RATE_WINDOW_SHARE);
  recent = MSPolicyRate_Private(sol, n - 1 - w, n - 1);
  if (n == MS_RATE_ITS_MIN + 1) sol->rate_peak = recent; /* the stage's first measurement: its own peak, not an earlier stage's */
  sol->rate_peak = PetscMax(sol->rate_peak, recent);
  peak           = sol->rate_peak;
  if (sol->rate_min > 0) { /* training on: until it is as slow as the next stage was measured to be */
    if (recent < sol->rate_min) {
      PetscCall(PetscSNPrintf(sol->rate_note, sizeof(sol->rate_note), "iteration %" PetscInt_FMT ": the loss fell %.3g decades/iteration over the last %" PetscInt_FMT " iterations, under %.3g (the next stage's measured rate, or 1 / -stage_rate_ratio of this stage's at its end)", n - 1 + sol->its_offset, (double)recent, w, (double)sol->rate_min));
      sol->rate_stop = recent;
      PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
    }
  } else if (recent * sol->rate_ratio < peak && sol->rate_f[n - 1] * MS_RATE_MIN_DROP <= sol->rate_f[0]) {
    sol->rate_stop = recent;
    PetscCall(PetscSNPrintf(sol->rate_note, sizeof(sol->rate_note), "iteration %" PetscInt_FMT ": the loss fell %.3g decades/iteration over the last %" PetscInt_FMT " iterations, under its fastest %.3g / %g", n - 1 + sol->its_offset, (double)recent, w, (double)peak, (double)sol->rate_ratio));
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  }
  PetscFunctionReturn(0);
}

/* asks for as many new points as the training set has (a fit to given data has none to draw) */
static PetscErrorCode MSPolicyDoublePoints_Private(MSSolver sol, PetscBool *added)
{
  PetscBool haseq;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(sol->prob->pde, &haseq));
  *added = PETSC_FALSE;
  if (!haseq && !MSProblemObservationsFromExact_Private(sol->prob)) PetscFunctionReturn(0);
  sol->pending_add = sol->prob->set[haseq ? MS_SET_INTERIOR : MS_SET_DATA].N;
  *added           = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* whether a round-off floor is the representation's own: more than -stage_floor_conditioning times ideal, the
   floor of the same evaluation without cancellation (evaluate.c). Random features whose large output weights
   cancel have such a floor; another bandwidth, or the stage solved again on more points, is another
   representation with another floor (p6_runge2d, first solve on 4096 interior points: floor 7.6e-11, 3.9e4
   times its ideal, residual at the evaluation points 273 times that at the training points). Also used by the
   bandwidth search (kappaselect.c). */
PetscBool MSPolicyFloorIsOwn_Private(MSSolver sol, PetscReal floor, PetscReal ideal)
{
  return sol->floor_conditioning > 0 && floor > sol->floor_conditioning * ideal ? PETSC_TRUE : PETSC_FALSE;
}

/* " (N times the floor without cancellation: the representation's)" when the composite's floor is its own, else "" */
static PetscErrorCode MSPolicyOwnFloorNote_Private(MSSolver sol, char note[], size_t len)
{
  PetscFunctionBegin;
  note[0] = 0;
  if (MSPolicyFloorIsOwn_Private(sol, sol->res_floor, sol->res_floor_ideal))
    PetscCall(PetscSNPrintf(note, len, " (%.2g times the floor without cancellation: the representation's)", (double)(sol->res_floor / sol->res_floor_ideal)));
  PetscFunctionReturn(0);
}

/* after stage s (0-based) was trained and evaluated: report why it ended, and ask for more points if
   it is under-resolved */
PetscErrorCode MSPolicyStageEnd_Private(MSSolver sol, PetscInt s)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)sol);
  MSStageRecord *rec  = &sol->rec[s];
  PetscReal      ratio;

  PetscFunctionBegin;
  if (sol->rate_note[0]) PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT " ended at %s\n", s + 1, sol->rate_note));
  sol->pending_add = 0;
  ratio            = rec->train_rms > 0 ? rec->res_rms / rec->train_rms : 0;
  if (!(ratio > sol->resolve_ratio) || (rec->res_rms <= sol->floor_factor * sol->res_floor && !MSPolicyFloorIsOwn_Private(sol, sol->res_floor, sol->res_floor_ideal))) PetscFunctionReturn(0);
  if (sol->resolved >= sol->resolve_max) {
    PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT " is under-resolved (residual %.2e at the evaluation points, %.2e at the training points), but the points were doubled %" PetscInt_FMT " times already (-stage_resolve_max)\n", s + 1, (double)rec->res_rms, (double)rec->train_rms, sol->resolved));
    PetscFunctionReturn(0);
  }
  {
    PetscBool added;
    PetscCall(MSPolicyDoublePoints_Private(sol, &added));
    if (!added) PetscFunctionReturn(0);
  }
  {
    PetscBool   random = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? PETSC_TRUE : PETSC_FALSE;
    const char *what = random ? "it is solved again on" : "it trains on from its parameters on", *where = "spread uniformly";
    char own[128];
    PetscCall(MSPolicyOwnFloorNote_Private(sol, own, sizeof(own)));
    PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT " is under-resolved: residual %.2e at the evaluation points, %.0f times that at the training"
                                " points (> %g)%s: %s %" PetscInt_FMT " more points, %s\n", s + 1, (double)rec->res_rms, (double)ratio, (double)sol->resolve_ratio,
                          own, what, sol->pending_add, where));
  }
  PetscFunctionReturn(0);
}

/* before stage s >= 1: the points to add (the user's -stage_refine_n, plus the policy's) */
PetscErrorCode MSPolicyBeforeStage_Private(MSSolver sol, PetscInt *K)
{
  PetscFunctionBegin;
  *K = sol->refine_n + sol->pending_add;
  if (sol->pending_add) sol->resolved++;
  sol->pending_add = 0;
  PetscFunctionReturn(0);
}

static PetscErrorCode MSPolicySetStop_Private(MSSolver sol, const char reason[], const char detail[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(sol->stop_reason, reason, sizeof(sol->stop_reason)));
  PetscCall(PetscStrncpy(sol->stop_detail, detail, sizeof(sol->stop_detail)));
  PetscFunctionReturn(0);
}

/* Random features of no bandwidth gained -stage_min_gain on the residual of random-feature stage s - 1
   (sol->beyond_random). When the width of random features is set by the points (half the rows, or 3/4 of the
   interior points, below the cap of MSSolverRandomWidth_Private), what they left may be what that many features
   cannot represent rather than what features cannot. Then the first of the random-feature stages before s,
   the one that carries the solution, is solved again on twice the points, with as many more features, and the
   random-feature stages after it are dropped (they corrected a narrower one), while -stage_resolve_max allows
   (docs/policy.md, "Random features as wide as the points allow"). A solve again that is not better is undone
   (MSSolverResolvedCheck_Private). Not when points were added by the residual of a stage that would be dropped
   (-resume could not place them). Returns the stage to solve again (0-based), -1 for none. */
static PetscErrorCode MSPolicyWidenRandom_Private(MSSolver sol, PetscInt s, PetscInt K, PetscInt *again)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)sol);
  PetscInt  W = MSSolverRandomWidth_Private(sol), r = s;
  PetscBool added;

  PetscFunctionBegin;
  *again = -1;
  if (!sol->beyond_random || K > 0) PetscFunctionReturn(0);
  while (r > 0 && sol->stage_features[r - 1] == MS_STAGE_FEATURES_RANDOM && (r == s || sol->rec[r].added == 0)) r--;
  if (r == s || !MSSolverRandomWidthGrows_Private(sol)) PetscFunctionReturn(0);
  if (sol->resolved >= sol->resolve_max || MSPolicyBudgetSpent_Private(sol)) PetscFunctionReturn(0);
  PetscCall(MSPolicyDoublePoints_Private(sol, &added));
  if (!added) PetscFunctionReturn(0);
  *again = r;
  PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT ": random features of no bandwidth lowered the residual of random-feature stage"
                              " %" PetscInt_FMT
                              " (RMS %.2e, floor %.2e) by -stage_min_gain %g; %" PetscInt_FMT " features are as many as the points allow:",
                        s + 1, s, (double)sol->res_rms, (double)sol->res_floor, (double)sol->min_gain, W));
  PetscCall(PetscPrintf(comm, " stage %" PetscInt_FMT " is solved again on %" PetscInt_FMT " more points, spread uniformly", r + 1,
                        sol->pending_add));
  if (s - 1 == r + 1) PetscCall(PetscPrintf(comm, ", and stage %" PetscInt_FMT " is dropped", s));
  if (s - 1 > r + 1) PetscCall(PetscPrintf(comm, ", and stages %" PetscInt_FMT " to %" PetscInt_FMT " are dropped", r + 2, s));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

/* stage s (0-based) was prepared on K more points: stop before training it when its random features
   gained nothing near the floor (the floor is confirmed), after a trained stage s was dropped already, or
   when it would be a trained stage after random features that no bandwidth improved on; or solve
   random-feature stage *again >= 0 again on more points instead (MSPolicyWidenRandom_Private) */
PetscErrorCode MSPolicyBeforeTraining_Private(MSSolver sol, PetscInt s, PetscInt K, PetscBool *stop, PetscInt *again)
{
  char msg[256];

  PetscFunctionBegin;
  PetscCall(MSPolicyWidenRandom_Private(sol, s, K, again));
  if (*again >= 0) sol->beyond_random = PETSC_FALSE;
  *stop = sol->floor_confirmed || sol->exhausted || sol->beyond_random ? PETSC_TRUE : PETSC_FALSE;
  if (sol->floor_confirmed) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "the residual (RMS %.2e) is within -stage_floor_factor %g of its round-off floor %.2e, and random features gained nothing more", (double)sol->res_rms, (double)sol->floor_factor, (double)sol->res_floor));
    PetscCall(MSPolicySetStop_Private(sol, "floor", msg));
  } else if (sol->exhausted) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "random features gained less than -stage_random_min_gain %g on %" PetscInt_FMT " more points, and a trained stage %" PetscInt_FMT " was dropped before", (double)sol->random_min_gain, K, s + 1));
    PetscCall(MSPolicySetStop_Private(sol, "no_remedy", msg));
  } else if (sol->beyond_random) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "random features of no bandwidth lowered the residual of random-feature stage %" PetscInt_FMT
                            " (RMS %.2e, floor %.2e) by -stage_min_gain %g, and a trained network would not", s, (double)sol->res_rms,
                            (double)sol->res_floor, (double)sol->min_gain));
    PetscCall(MSPolicySetStop_Private(sol, "no_remedy", msg));
  }
  PetscFunctionReturn(0);
}

/* the residual of the first s + 1 stages is at its round-off floor: within the square root of
   -stage_floor_factor of the estimate, or within the factor after a stage that gained less than it. The estimate bounds the
   rounding errors by sums of magnitudes, which a random-feature stage's large, cancelling output weights
   inflate (fit2d: residual 1.1e-11, estimate 7.8e-12, after a stage that gained 4e6): a stage that still
   gains much more than the factor is followed by another, which is dropped if the floor was real. */
static PetscBool MSPolicyAtFloor_Private(MSSolver sol, PetscInt s)
{
  const MSStageRecord *r = &sol->rec[s];

  if (r->res_rms <= PetscSqrtReal(sol->floor_factor) * sol->res_floor) return PETSC_TRUE;
  if (r->res_rms > sol->floor_factor * sol->res_floor) return PETSC_FALSE;
  return (s == 0 || sol->rec[s - 1].res_rms < sol->floor_factor * r->res_rms) ? PETSC_TRUE : PETSC_FALSE;
}


/* whether stages stop after stage s (0-based) was kept (or, dropped, a later one was tried and
   dropped); sets sol->stop_reason (a keyword) and sol->stop_detail (a sentence) */
PetscErrorCode MSPolicyStopReason_Private(MSSolver sol, PetscInt s, PetscBool dropped, PetscBool *stop)
{
  const MSStageRecord *r = &sol->rec[s];
  char                 msg[256];
  PetscBool            remedy = sol->pending_add > 0 ? PETSC_TRUE : PETSC_FALSE, nogain;

  PetscFunctionBegin;
  *stop  = PETSC_TRUE;
  nogain = (dropped || (s > 0 && sol->rec[s - 1].res_rms < sol->min_gain * r->res_rms)) ? PETSC_TRUE : PETSC_FALSE;
  if (nogain && !remedy && s + 1 < sol->stage_max && sol->resolved < sol->resolve_max && !MSPolicyBudgetSpent_Private(sol) && !MSPolicyAtFloor_Private(sol, s)) {
    /* the stage gained nothing at this resolution: a random-feature stage has as many features as half the
       rows, a trained one may fit the points and not between them; double the points and try again */
    PetscCall(MSPolicyDoublePoints_Private(sol, &remedy));
    if (remedy) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "policy: stage %" PetscInt_FMT " gained less than -stage_min_gain %g: the next stage gets %" PetscInt_FMT " more points, where the residual is largest\n", (dropped ? s + 2 : s + 1), (double)sol->min_gain, sol->pending_add));
  }
  if (MSPolicyAtFloor_Private(sol, s) && !(remedy && MSPolicyFloorIsOwn_Private(sol, sol->res_floor, sol->res_floor_ideal))) {
    char own[128];
    PetscCall(MSPolicyOwnFloorNote_Private(sol, own, sizeof(own)));
    if (r->res_rms <= PetscSqrtReal(sol->floor_factor) * sol->res_floor) PetscCall(PetscSNPrintf(msg, sizeof(msg), "the residual (RMS %.2e) is within sqrt(-stage_floor_factor) of its round-off floor estimate %.2e%s", (double)r->res_rms, (double)sol->res_floor, own));
    else PetscCall(PetscSNPrintf(msg, sizeof(msg), "the residual (RMS %.2e) is within -stage_floor_factor %g of its round-off floor %.2e%s, and the last stage gained less than that", (double)r->res_rms, (double)sol->floor_factor, (double)sol->res_floor, own));
    PetscCall(MSPolicySetStop_Private(sol, "floor", msg));
  } else if (MSPolicyBudgetSpent_Private(sol)) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "the wall-time budget -solve_max_seconds %g is spent", (double)sol->budget));
    PetscCall(MSPolicySetStop_Private(sol, "budget", msg));
  } else if (dropped && !remedy) {
    PetscCall(MSPolicySetStop_Private(sol, "no_remedy", "the last stage did not reduce the residual and was dropped; the points were doubled -stage_resolve_max times already"));
  } else if (nogain && !remedy) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "the last stage reduced the residual by %.3g, less than -stage_min_gain %g; the points were doubled -stage_resolve_max times already", (double)(sol->rec[s - 1].res_rms / r->res_rms), (double)sol->min_gain));
    PetscCall(MSPolicySetStop_Private(sol, "no_remedy", msg));
  } else if (s + 1 >= sol->stage_max) {
    PetscCall(PetscSNPrintf(msg, sizeof(msg), "-stage_max %" PetscInt_FMT " stages", sol->stage_max));
    PetscCall(MSPolicySetStop_Private(sol, "stage_max", msg));
  } else *stop = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Trained stage s (0-based) followed a trained stage s - 1 that the rate rule ended, and gained less than
   -stage_min_gain. The rule ended stage s - 1 expecting a new stage to progress faster; here the new
   stage was measured: log10 of its gain in the residual, twice that in the loss, per iteration. When
   that is below the rate stage s - 1 had when it ended, stage s is dropped and stage s - 1 trains on
   from its parameters until its rate falls to the measured one, or to 1 / -stage_rate_ratio of the
   rate it ended at, whichever is faster (on p10_burgers, a trained stage 2
   gained 1.7x in 223 iterations, 0.002 decades of loss per iteration, where stage 1 ended at 0.019).
   Once per stage; not when stage s trained fewer than MS_RATE_ITS_MIN iterations (no rate measured),
   nor when points were added for stage s (they would stay with stage s - 1, and -resume could not
   place them). Returns the rate to train on to, 0 when the rule does not apply. */
PetscErrorCode MSPolicyTrainOnInstead_Private(MSSolver sol, PetscInt s, PetscReal *rate_next)
{
  const MSStageRecord *r = &sol->rec[s];
  PetscReal            gain, rate;

  PetscFunctionBegin;
  *rate_next = 0;
  if (s == 0 || sol->stage_features[s] != MS_STAGE_FEATURES_TRAINED || sol->stage_features[s - 1] != MS_STAGE_FEATURES_TRAINED) PetscFunctionReturn(0);
  if (!(sol->rec[s - 1].rate_end > 0) || sol->rec[s - 1].trained_on || r->added > 0 || r->spread > 0 || r->iterations < MS_RATE_ITS_MIN) PetscFunctionReturn(0);
  if (MSPolicyBudgetSpent_Private(sol) || MSPolicyAtFloor_Private(sol, s)) PetscFunctionReturn(0);
  gain = r->res_rms > 0 ? sol->rec[s - 1].res_rms / r->res_rms : 0;
  if (!(gain < sol->min_gain)) PetscFunctionReturn(0);
  rate = 2 * PetscLog10Real(PetscMax(gain, 1.0)) / PetscMax(r->iterations, 1);
  if (!(rate < sol->rec[s - 1].rate_end)) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "policy: stage %" PetscInt_FMT " gained %.3g in %" PetscInt_FMT " iterations (%.3g decades of loss per iteration), slower than stage %" PetscInt_FMT " when it ended (%.3g): dropped; stage %" PetscInt_FMT " trains on from its parameters\n",
                        s + 1, (double)gain, r->iterations, (double)rate, s, (double)sol->rec[s - 1].rate_end, s));
  *rate_next = PetscMax(rate, sol->rec[s - 1].rate_end / sol->rate_ratio); /* (a stage that gained nothing: a quarter of the rate at its end) */
  PetscFunctionReturn(0);
}

/* The bandwidths random features may try: from the residual's dominant frequency up to what the
   collocation points resolve. With n_i points along a direction of length L_i, the highest frequency
   they sample is their Nyquist frequency n_i / (2 L_i) (cycles per unit length; n_i from the total
   count, N^(1/d), for scattered sets); the largest of the features' frequencies may go one octave past
   it, as Chebyshev points are denser than their mean near the ends. Returns the largest frequency. */
PetscErrorCode MSPolicyBandwidths_Private(MSSolver sol, const MSSpectrum *spec, PetscReal *fmax_hi)
{
  MSProblem  prob = sol->prob;
  PetscBool  haseq;
  PetscInt   k, d = prob->nin;
  PetscReal  n, nyq = PETSC_MAX_REAL;
  const PetscReal beyond = 2.0; /* one octave past the mean spacing's Nyquist frequency */

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  k = haseq ? MS_SET_INTERIOR : MS_SET_DATA;
  n = PetscPowReal((PetscReal)PetscMax(prob->set[k].N, 1), 1.0 / d);
  for (PetscInt i = 0; i < d; i++) nyq = PetscMin(nyq, n / (2 * (prob->hi[i] - prob->lo[i])));
  *fmax_hi = PetscMax(beyond * nyq, spec->fmax);
  PetscFunctionReturn(0);
}

PetscErrorCode MSPolicyDestroy_Private(MSSolver sol)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(sol->rate_f));
  PetscFunctionReturn(0);
}
