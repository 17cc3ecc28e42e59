/* The features of a stage chosen by held-out validation: the bandwidth of random features
   (-stage_features auto; stage 1 too for a linear problem, MSSolverPrepareFirstStage_Private), and
   the first-layer scale of a trained stage s >= 2 (-stage_kappa_trials K).

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
#include <mspinn/private/ddsum.h>

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
   at the points X. Stage 1 of a PDE is scored by its whole loss, with the equation part at X: u = 0
   may have no equation residual at all (a Laplace problem), only boundary misfit */
static PetscErrorCode MSSolverValidationScore_Private(MSSolver sol, PetscInt ns, PetscInt Nv, const PetscReal Xv[], PetscReal *score)
{
  PetscReal *R, ss = 0, data[3] = {0, 0, 0};
  PetscBool  haseq;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(sol->prob->pde, &haseq));
  PetscCall(PetscMalloc1(Nv, &R));
  PetscCall(MSModelResidual(sol->model, sol->prob, ns, Nv, Xv, R));
  for (PetscInt q = 0; q < Nv; q++) ss += R[q] * R[q];
  if (haseq && ns <= 1) PetscCall(MSSolverDataMisfit_Private(sol, ns, 0, data)); /* stage 1 is being built */
  *score = PetscSqrtReal(ss / Nv + data[0]);
  PetscCall(PetscFree(R));
  PetscFunctionReturn(0);
}

/* stage s's network as sol->stage_features[s] says: stage 1 trained is the -net_* network */
static PetscErrorCode MSSolverCreateTrainedNet_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  PetscFunctionBegin;
  if (s == 0 && sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED) {
    PetscCall(PetscObjectReference((PetscObject)sol->tmpl));
    sol->model->net[0] = sol->tmpl;
  } else PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
  PetscFunctionReturn(0);
}

/* the validation residual of a random-feature stage s whose bandwidth is factor times the first one
   (its solve, then the unknown coefficients are restored and the network discarded, or with keep given,
   handed back in *keep with the stage's record in *rec) */
static PetscErrorCode MSSolverRandomTrial_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec, PetscReal factor, PetscInt Nv, const PetscReal Xv[], PetscReal *score, MSNet *keep, MSStageRecord *rec)
{
  PetscInt         nunk;
  const PetscInt  *unk;
  PetscReal       *cv, saved[MSPDE_MAX_COEF];

  PetscFunctionBegin;
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, NULL, &cv));
  for (PetscInt j = 0; j < nunk; j++) saved[j] = cv[unk[j]];
  sol->kappa_factor = factor;
  PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
  PetscCall(MSSolverTrainStage_Private(sol, s));
  PetscCall(MSSolverValidationScore_Private(sol, s + 1, Nv, Xv, score));
  for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = saved[j];
  if (keep) {
    *keep = sol->model->net[s];
    *rec        = sol->rec[s];
    sol->model->net[s] = NULL;
  } else PetscCall(MSNetDestroy(&sol->model->net[s]));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " %.3g: %.3e", (double)(sol->random_kappa_fraction * factor * spec->fmax), (double)*score));
  PetscFunctionReturn(0);
}

/* -stage_features auto: stage s first tries random features (least-squares solves, seconds) and
   keeps them if they lower the validation residual by at least -stage_random_min_gain; otherwise
   the stage is a trained network. The features' bandwidth (their largest frequency F, cycles per unit
   length) is searched over the whole range the collocation points resolve, [F_lo, F_hi] =
   [c f_d, Nyquist] (MSPolicyBandwidths_Private; f_d the residual's dominant frequency, c =
   -stage_random_kappa_fraction). The validation residual is a valley in log F: too low a bandwidth
   cannot represent the residual (flat), too high a one oscillates between the points (steep), and
   the optimum is sharp (poisson1d at 1024 points: 4.9e-13 at F = 16, 2.2e-11 at 8, 1.9e-4 at 128).
   So the search starts at the middle, sqrt(F_lo F_hi), tries one octave on either side, walks by
   octaves the way the residual falls while it falls, and bisects the best octave (F / sqrt 2,
   F sqrt 2): about log2(F_hi / F_lo) / 2 + 5 solves, at most -stage_random_trials, and none after one
   that brought the residual within sqrt(-stage_floor_factor) of the round-off floor of the stages
   before (the composite's floor is at least as large, so no bandwidth can do better). Every trial is
   printed (F: validation residual RMS). Returns with sol->model->net[s] created and sol->stage_features[s] set. */
typedef struct {
  MSSolver          sol;
  PetscInt          s, Nv, ntried;
  const MSSpectrum *spec;
  const PetscReal  *Xv;
  PetscReal         best, bestscore; /* the best factor so far and its score */
  PetscReal         before, floor;   /* the validation residual before the stage; stage 1: the best trial's floor (0: unknown) */
  PetscReal         floor0;          /* the round-off floor of the composite before the stage (stage 1: 0) */
  MSNet             keep;            /* the full-width solve at best (NULL: none) */
  MSStageRecord     rec;             /* and its record */
  PetscInt          hist0;           /* the run's history before the search */
} MSBandwidthSearch;

static PetscErrorCode MSSolverEvaluateAside_Private(MSSolver, PetscInt, MSStageRecord *, PetscReal *, PetscReal *);

/* Stage 1 has no stages before it to give a round-off floor: a trial that gains MS_FLOOR_PROBE_GAIN
   or more over u = 0 is evaluated for its own floor (that of the composite of its features), which
   then ends the search as the floor of the stages before does later. A floor is eps times the
   magnitudes of the computation, so a trial that gained less is far above its own. */
#define MS_FLOOR_PROBE_GAIN 1e6
/* A trial's floor is eps times the magnitudes of its computation, which an ill-conditioned solve inflates: features
   whose outputs cancel (large coefficients of opposite signs) evaluate their sum with rounding errors far above
   eps |u|. Such a floor is the trial's, not the problem's: a better-conditioned bandwidth can go below it (a fit
   of tanh(20 x) on 1024 points: at F = 31.9 the residual is 1.1e-8 at a floor of 4.8e-9, 2e7 times that of an
   evaluation without cancellation; at F = 63.9 2.4e-15). So a floor ends the search only when it is not the
   trial's own (MSPolicyFloorIsOwn_Private) against the larger of that ideal floor and the floor before the stage. */
static PetscBool MSBandwidthFloorCounts_Private(const MSBandwidthSearch *bs, PetscReal floor, PetscReal ideal)
{
  return floor > 0 && !MSPolicyFloorIsOwn_Private(bs->sol, floor, PetscMax(ideal, bs->floor0)) ? PETSC_TRUE : PETSC_FALSE;
}

/* one trial at factor (relative to F_lo) unless the trial budget or the run's budget is spent */
static PetscErrorCode MSBandwidthTry_Private(MSBandwidthSearch *bs, PetscReal factor, PetscReal *score)
{
  MSSolver      sol = bs->sol;
  PetscReal     floor = bs->s == 0 ? bs->floor : sol->res_floor;
  MSNet         net = NULL;
  MSStageRecord rec;

  PetscFunctionBegin;
  *score = PETSC_MAX_REAL;
  if (bs->ntried >= sol->random_trials || MSPolicyBudgetSpent_Private(sol)) PetscFunctionReturn(0);
  if (bs->bestscore <= PetscSqrtReal(sol->floor_factor) * floor) PetscFunctionReturn(0); /* at the round-off floor: nothing to gain */
  bs->ntried++;
  PetscCall(MSSolverRandomTrial_Private(sol, bs->s, bs->spec, factor, bs->Nv, bs->Xv, score, &net, &rec));
  if (*score < bs->bestscore) { /* NaN-safe: a NaN score never wins */
    bs->bestscore = *score;
    bs->best      = factor;
    if (bs->s == 0 && *score * MS_FLOOR_PROBE_GAIN <= bs->before) {
      MSStageRecord ev;
      PetscReal     floor, ideal;
      sol->model->net[0] = net;
      PetscCall(MSSolverEvaluateAside_Private(sol, 1, &ev, &floor, &ideal));
      sol->model->net[0] = NULL;
      if (MSBandwidthFloorCounts_Private(bs, floor, ideal)) bs->floor = floor;
      else PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " (floor %.2e, %.2g times that without cancellation: ill-conditioned)", (double)floor, (double)(floor / ideal)));
    }
  }
  PetscCall(MSNetDestroy(&net));
  PetscFunctionReturn(0);
}

/* The walk after the first three trials. Where none of them gained MS_BANDWIDTH_FLAT_GAIN over the
   residual before, the valley is flat there: those bandwidths cannot represent the residual (what is
   left between the points after a random-feature stage 1 is near the points' Nyquist frequency), and
   the walk goes up by octaves to the top, until a trial gains, then on while the residual falls. */
#define MS_BANDWIDTH_FLAT_GAIN 2.0
/* The walk and the bisection may go this factor below F_lo: the spectrum resolves no frequency below
   one cycle over the box (its lowest wavenumber), so a solution of half a cycle (sin(pi x) on [0, 1])
   has f_d ~ 1 and its valley lies under it (p7_sine3d: 8.9e-6 at F_lo, 512 features) */
#define MS_BANDWIDTH_BELOW 4.0

static PetscErrorCode MSBandwidthSearch_Private(MSBandwidthSearch *bs, PetscReal top, PetscReal before)
{
  PetscReal mid = PetscSqrtReal(top), up, down, dir;
  PetscBool flat;

  PetscFunctionBegin;
  mid = PetscPowReal(2.0, PetscFloorReal(PetscLog2Real(mid) + 0.5)); /* on the octave ladder from F_lo */
  PetscCall(MSBandwidthTry_Private(bs, mid, &up));
  if (2 * mid <= top) PetscCall(MSBandwidthTry_Private(bs, 2 * mid, &up));
  if (mid >= 2) PetscCall(MSBandwidthTry_Private(bs, mid / 2, &down));
  flat = bs->bestscore * MS_BANDWIDTH_FLAT_GAIN < before ? PETSC_FALSE : PETSC_TRUE;
  dir  = flat ? 2.0 : (bs->best > mid ? 2.0 : (bs->best < mid ? 0.5 : 0.0));
  for (PetscReal f = flat ? 4 * mid : bs->best * dir; dir > 0 && f * MS_BANDWIDTH_BELOW >= 1.0 && f <= top; f *= dir) { /* walk while it falls */
    PetscReal score, prev = bs->bestscore;
    PetscCall(MSBandwidthTry_Private(bs, f, &score));
    if (flat) {
      flat = score * MS_BANDWIDTH_FLAT_GAIN < before ? PETSC_FALSE : PETSC_TRUE;
      continue;
    }
    if (!(score < prev)) break;
  }
  if (bs->bestscore < PETSC_MAX_REAL) { /* bisect the best octave */
    PetscReal centre = bs->best, score;
    if (centre * MS_BANDWIDTH_BELOW / PETSC_SQRT2 >= 1.0) PetscCall(MSBandwidthTry_Private(bs, centre / PETSC_SQRT2, &score));
    if (centre * PETSC_SQRT2 <= top) PetscCall(MSBandwidthTry_Private(bs, centre * PETSC_SQRT2, &score));
  }
  PetscFunctionReturn(0);
}

/* the evaluation record of the composite of the first ns stages and its round-off floor, the solver's
   evaluated fields (those of the stages kept so far) left as they were */
static PetscErrorCode MSSolverEvaluateAside_Private(MSSolver sol, PetscInt ns, MSStageRecord *rec, PetscReal *floor, PetscReal *ideal)
{
  PetscReal *u = sol->u, *res = sol->res, kept[6] = {sol->res_rms, sol->res_max, sol->res_floor, sol->err_l2, sol->err_max, sol->res_floor_ideal};
  PetscBool  hasexact = sol->hasexact;

  PetscFunctionBegin;
  sol->u   = NULL;
  sol->res = NULL;
  PetscCall(MSSolverEvaluate_Private(sol, ns, rec));
  *floor = sol->res_floor;
  if (ideal) *ideal = sol->res_floor_ideal;
  PetscCall(PetscFree(sol->u));
  PetscCall(PetscFree(sol->res));
  sol->u         = u;
  sol->res       = res;
  sol->res_rms   = kept[0];
  sol->res_max   = kept[1];
  sol->res_floor = kept[2];
  sol->err_l2    = kept[3];
  sol->err_max   = kept[4];
  sol->res_floor_ideal = kept[5];
  sol->hasexact  = hasexact;
  PetscFunctionReturn(0);
}

/* The trials ran at MS_RANDOM_TRIAL_WIDTH features; the stage has W of them. More features resolve
   higher frequencies before their columns become dependent: random frequencies fill a d-dimensional
   ball, so at a fixed density the radius grows as W^(1/d) (fit2d, 64^2 points: best 2.8 at 512
   features, 3.96 at 2048). The trial's best F and F (W / 512)^(1/d) are solved at full width and the
   better one kept: these solves are the stage's own (same seed, points and solver), so the winner's
   network, record and history become the stage (bs->keep, bs->rec) and the loser's history is removed.
   Unless the best trial itself is at the round-off floor (its residual at the evaluation points within
   -stage_floor_factor of its floor estimate for stage 1, within the square root of it later, as
   MSPolicyAtFloor_Private judges a stage): W features cost (W / 512)^2 times more and cannot do better,
   so that trial, solved again as the stage (with its history), is the stage.
   Nor where no trial gained MS_BANDWIDTH_FLAT_GAIN (the walk's flat valley): W features gained at most
   1.25 times what 512 did then (a nonlinear PDE's later stages, docs/policy.md), where a full-width
   solve of a nonlinear problem takes minutes; the trials that gain at all gain 100x or more at 512
   features, and the full width multiplies that (up to 1e8 on a 3D problem). */
#define MS_BANDWIDTH_RESOLUTION 1.189207115002721 /* 2^(1/4): half the bisection's step of half an octave */

static PetscErrorCode MSBandwidthNarrowAtFloor_Private(MSBandwidthSearch *bs, PetscBool *atfloor)
{
  MSSolver      sol = bs->sol;
  PetscInt      h0  = sol->nhist;
  PetscReal     score, floor = 0, ideal = 0, factor = bs->s == 0 ? sol->floor_factor : PetscSqrtReal(sol->floor_factor);
  MSNet         net = NULL;
  MSStageRecord rec, ev;

  PetscFunctionBegin;
  sol->trial_full   = PETSC_TRUE;
  sol->trial_narrow = PETSC_TRUE;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "; at %d features:", MS_RANDOM_TRIAL_WIDTH));
  PetscCall(MSSolverRandomTrial_Private(sol, bs->s, bs->spec, bs->best, bs->Nv, bs->Xv, &score, &net, &rec));
  sol->trial_full   = PETSC_FALSE;
  sol->trial_narrow = PETSC_FALSE;
  sol->model->net[bs->s] = net;
  PetscCall(MSSolverEvaluateAside_Private(sol, bs->s + 1, &ev, &floor, &ideal));
  sol->model->net[bs->s] = NULL;
  *atfloor        = ev.res_rms <= factor * floor && MSBandwidthFloorCounts_Private(bs, floor, ideal) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " (evaluation residual %.3e, floor %.3e%s)", (double)ev.res_rms, (double)floor,
      *atfloor ? ": at the floor" : ""));
  if (*atfloor) {
    bs->keep      = net;
    bs->rec       = rec;
    bs->bestscore = score;
  } else {
    PetscCall(MSNetDestroy(&net));
    sol->nhist = h0; /* its history is not the stage's */
  }
  PetscFunctionReturn(0);
}

/* the shifted candidate at W features: the trials' best factor times (W / MS_RANDOM_TRIAL_WIDTH)^(1/d), at most top */
static PetscReal MSBandwidthShifted_Private(MSBandwidthSearch *bs, PetscReal best, PetscInt W, PetscReal top)
{
  return PetscMin(top, best * PetscPowReal((PetscReal)W / MS_RANDOM_TRIAL_WIDTH, 1.0 / bs->sol->prob->nin));
}

static PetscErrorCode MSBandwidthFullWidth_Private(MSBandwidthSearch *bs, PetscReal top)
{
  MSSolver      sol = bs->sol;
  PetscInt      W = MSSolverRandomWidth_Private(sol), h[3];
  PetscReal     shifted, score[2], cand[2];
  MSNet         net[2] = {NULL, NULL};
  MSStageRecord rec[2];
  PetscInt      win, ncand;
  PetscBool     atfloor = PETSC_FALSE;

  PetscFunctionBegin;
  if (!(bs->bestscore < PETSC_MAX_REAL)) PetscFunctionReturn(0);
  if (W <= MS_RANDOM_TRIAL_WIDTH) PetscFunctionReturn(0);
  if (bs->bestscore * MS_BANDWIDTH_FLAT_GAIN > bs->before) { /* a flat valley: no full-width solve */
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "; no bandwidth gained %g at %d features: not solved at %" PetscInt_FMT,
                          (double)MS_BANDWIDTH_FLAT_GAIN, MS_RANDOM_TRIAL_WIDTH, W));
    PetscFunctionReturn(0);
  }
  PetscCall(MSBandwidthNarrowAtFloor_Private(bs, &atfloor));
  if (atfloor || MSPolicyBudgetSpent_Private(sol)) PetscFunctionReturn(0);
  shifted = MSBandwidthShifted_Private(bs, bs->best, W, top);
  cand[0] = bs->best;
  cand[1] = shifted;
  ncand   = shifted > MS_BANDWIDTH_RESOLUTION * bs->best ? 2 : 1; /* (a shift the bisection does not resolve: one solve) */
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "; at %" PetscInt_FMT " features:", W));
  sol->trial_full = PETSC_TRUE;
  h[0]            = sol->nhist;
  score[1] = PETSC_MAX_REAL;
  h[2]     = h[0];
  for (PetscInt k = 0; k < ncand; k++) {
    if (k > 0 && MSPolicyBudgetSpent_Private(sol)) break; /* (the first is the stage, if it is kept) */
    if (k > 0 && !(score[0] < bs->bestscore)) { /* W features at the narrow trials' bandwidth did no better than 512: the */
      PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " (no better than %d features: not tried at %.3g)", MS_RANDOM_TRIAL_WIDTH, (double)(cand[1] * sol->random_kappa_fraction * bs->spec->fmax)));
      break;                                    /* features' number is not what limits them, the shifted bandwidth not tried */
    }
    PetscCall(MSSolverRandomTrial_Private(sol, bs->s, bs->spec, cand[k], bs->Nv, bs->Xv, &score[k], &net[k], &rec[k]));
    h[k + 1] = sol->nhist;
  }
  sol->trial_full = PETSC_FALSE;
  win             = score[1] < score[0] ? 1 : 0;
  if (net[win]) { /* the choice, for a solve again: known when both were solved */
    rec[win].trial_bandwidth = h[2] > h[1] ? bs->spec->fmax * sol->random_kappa_fraction * bs->best : 0.0;
    rec[win].shifted         = win;
  }
  bs->best        = cand[win];
  bs->bestscore   = PetscMin(score[0], score[1]);
  if (!(bs->bestscore < PETSC_MAX_REAL)) bs->bestscore = PETSC_MAX_REAL; /* NaN: no gain */
  PetscCall(PetscArraymove(sol->hist + h[0], sol->hist + h[win], h[win + 1] - h[win])); /* the winner's history only */
  sol->nhist = h[0] + h[win + 1] - h[win];
  bs->keep   = net[win];
  bs->rec    = rec[win];
  PetscCall(MSNetDestroy(&net[1 - win]));
  PetscFunctionReturn(0);
}

/* A random-feature stage solved again on twice the points (under-resolved or widened: MSSolverResolveStage_Private) keeps its
   first solve's bandwidth choice: the trials at MS_RANDOM_TRIAL_WIDTH features measure what that many features
   resolve, not the points (p6_runge2d, v3-like bumps, the atan front: the same best trial on twice the points), and
   the full-width solve of the first showed which of the two candidates wins. Only that candidate is solved, at the
   new width, and the trials and the other full-width solve (a third of the stage's choice on p6) are not repeated.
   The choice is the first solve's record (/stages/trial_bandwidth, bandwidth_shifted), so -resume repeats this.
   Returns *done = PETSC_FALSE when there is no such choice to keep. */
static PetscErrorCode MSBandwidthAgain_Private(MSBandwidthSearch *bs, PetscReal f0, PetscReal top, PetscBool *done)
{
  MSSolver             sol = bs->sol;
  const MSStageRecord *first = &sol->aside_rec;
  PetscInt             s = bs->s, W = MSSolverRandomWidth_Private(sol);
  PetscReal            F;

  PetscFunctionBegin;
  *done = PETSC_FALSE;
  if (!sol->aside || sol->model->nstages != s || !first->random || !(first->trial_bandwidth > 0)) PetscFunctionReturn(0);
  if (W <= MS_RANDOM_TRIAL_WIDTH) PetscFunctionReturn(0);
  bs->best = first->trial_bandwidth / f0;
  F        = first->shifted ? MSBandwidthShifted_Private(bs, bs->best, W, top) : bs->best;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " as the first solve (best %.3g at %d features, %s at full width); at %" PetscInt_FMT
                                                           " features:",
                        (double)first->trial_bandwidth, MS_RANDOM_TRIAL_WIDTH, first->shifted ? "shifted" : "kept", W));
  sol->trial_full = PETSC_TRUE;
  PetscCall(MSSolverRandomTrial_Private(sol, s, bs->spec, F, bs->Nv, bs->Xv, &bs->bestscore, &bs->keep, &bs->rec));
  sol->trial_full = PETSC_FALSE;
  bs->rec.trial_bandwidth = first->trial_bandwidth; /* (a further solve again keeps it too) */
  bs->rec.shifted         = first->shifted;
  if (!(bs->bestscore < PETSC_MAX_REAL)) bs->bestscore = PETSC_MAX_REAL; /* NaN: no gain */
  bs->best = F;
  *done    = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverSelectFeatures_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MPI_Comm          comm = PetscObjectComm((PetscObject)sol);
  MSProblem         prob = sol->prob;
  PetscReal        *Xv, before, fhi, f0, need, gain;
  PetscBool         haseq, after_random;
  PetscLogDouble    t0, t1;
  MSBandwidthSearch bs = {.sol = sol, .s = s, .spec = spec, .bestscore = PETSC_MAX_REAL, .hist0 = sol->nhist};

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  if (!haseq && !prob->exact) { /* no way to validate: trained */
    sol->stage_features[s] = MS_STAGE_FEATURES_TRAINED;
    PetscCall(MSSolverCreateTrainedNet_Private(sol, s, spec));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogEventBegin(MS_Select, sol, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  PetscCall(MSPolicyBandwidths_Private(sol, spec, &fhi));
  f0 = sol->random_kappa_fraction * spec->fmax;
  PetscCall(MSSolverValidationPoints_Private(sol, s, &bs.Nv, &Xv));
  bs.Xv = Xv;
  PetscCall(MSSolverValidationScore_Private(sol, s, bs.Nv, Xv, &before));
  bs.before = before;
  bs.floor0 = s == 0 ? 0.0 : sol->res_floor;
  if (!(before > 0) || PetscIsInfOrNanReal(before)) { /* nothing left that features could lower (or a residual that is not a number) */
    PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT ": validation residual RMS %.3e before: no random features tried\n", s + 1,
        (double)before));
    sol->stage_features[s] = MS_STAGE_FEATURES_TRAINED;
    PetscCall(MSSolverCreateTrainedNet_Private(sol, s, spec));
    PetscCall(PetscFree(Xv));
    PetscCall(PetscLogEventEnd(MS_Select, sol, 0, 0, 0));
    PetscFunctionReturn(0);
  }
  sol->stage_features[s] = MS_STAGE_FEATURES_RANDOM;
  sol->trial             = PETSC_TRUE;
  PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT ": random-feature bandwidths %.3g to %.3g (Nyquist of the points), validation residual RMS %.3e before; bandwidth: residual", s + 1, (double)f0, (double)PetscMax(f0, fhi), (double)before));
  {
    PetscBool again;
    PetscCall(MSBandwidthAgain_Private(&bs, f0, PetscMax(1.0, fhi / f0), &again));
    if (!again) {
      PetscCall(MSBandwidthSearch_Private(&bs, PetscMax(1.0, fhi / f0), before));
      PetscCall(MSBandwidthFullWidth_Private(&bs, PetscMax(1.0, fhi / f0)));
    }
  }
  sol->trial             = PETSC_FALSE;
  /* after random features a trained network is no alternative (below): features are kept when they gain -stage_min_gain, else stop */
  after_random           = s > 0 && sol->stage_features[s - 1] == MS_STAGE_FEATURES_RANDOM ? PETSC_TRUE : PETSC_FALSE;
  need                   = after_random ? sol->min_gain : sol->random_min_gain;
  sol->stage_features[s] = bs.bestscore < PETSC_MAX_REAL && bs.bestscore * need <= before ? MS_STAGE_FEATURES_RANDOM : MS_STAGE_FEATURES_TRAINED;
  PetscCall(PetscTime(&t1));
  gain = bs.bestscore < PETSC_MAX_REAL ? before / bs.bestscore : 1.0;
  if (sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM)
    PetscCall(PetscPrintf(comm, "; kept %.3g (gain %.3g >= %s %g; %.2f s)\n", (double)(f0 * bs.best), (double)gain,
                          after_random ? "-stage_min_gain" : "-stage_random_min_gain", (double)need, (double)(t1 - t0)));
  else if (after_random)
    PetscCall(PetscPrintf(comm, "; best gain %.3g < -stage_min_gain %g after random features: no trained network (%.2f s)\n", (double)gain,
                          (double)need, (double)(t1 - t0)));
  else
    PetscCall(PetscPrintf(comm, "; best gain %.3g < -stage_random_min_gain %g: a trained network instead (%.2f s)\n", (double)gain, (double)need,
                          (double)(t1 - t0)));
  /* within -stage_floor_factor of the floor and no bandwidth gains: the floor is confirmed, no trained stage */
  sol->floor_confirmed = (s > 0 && sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED && sol->res_rms <= sol->floor_factor * sol->res_floor)
                         ? PETSC_TRUE : PETSC_FALSE;
  /* a trained network was dropped here already, after the same verdict on fewer points: it would be trained again for nothing */
  sol->exhausted = (sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED && sol->trained_dropped) ? PETSC_TRUE : PETSC_FALSE;
  /* the residual of a random-feature stage that features of no bandwidth lower by -stage_min_gain: a trained network did not
     either, wherever measured (docs/policy.md, "After random features, no trained stage"), and took minutes to find out */
  sol->beyond_random = after_random && sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED ? PETSC_TRUE : PETSC_FALSE;
  if (sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM && bs.keep) { /* the full-width solve is the stage */
    sol->model->net[s] = bs.keep;
    sol->rec[s]     = bs.rec;
    sol->pretrained = PETSC_TRUE;
  } else {
    PetscCall(MSNetDestroy(&bs.keep));
    sol->nhist = bs.hist0; /* no trial's history */
    /* (no stage s > 0 is trained after these verdicts: MSPolicyBeforeTraining_Private) */
    if (s == 0 || !(sol->floor_confirmed || sol->exhausted || sol->beyond_random)) {
      sol->kappa_factor = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? bs.best : 1.0;
      PetscCall(MSSolverCreateTrainedNet_Private(sol, s, spec)); /* from its initialization (trials at MS_RANDOM_TRIAL_WIDTH) */
      sol->kappa_factor = 1.0;
    }
  }
  PetscCall(PetscFree(Xv));
  PetscCall(PetscLogEventEnd(MS_Select, sol, 0, 0, 0));
  PetscFunctionReturn(0);
}

#define MS_MAX_KAPPA_TRIALS 16 /* first-layer scales kappa_0 / 2^k tried, k < this (-stage_kappa_trials is capped) */

PetscErrorCode MSSolverSelectKappa_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSProblem   prob = sol->prob;
  PetscInt    Nv, nunk, best = 0;
  PetscReal  *Xv, *cv, saved[MSPDE_MAX_COEF], score[MS_MAX_KAPPA_TRIALS], factor = 1.0;
  PetscLogDouble t[2];
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
  PetscCall(PetscLogEventBegin(MS_Select, sol, 0, 0, 0));
  PetscCall(PetscTime(&t[0]));
  PetscCall(PetscPrintf(comm, "stage %" PetscInt_FMT ": first-layer scale trials (validation residual RMS):", s + 1));
  sol->trial = PETSC_TRUE;
  for (PetscInt k = 0; k < PetscMin(sol->kappa_trials, MS_MAX_KAPPA_TRIALS); k++, factor *= 0.5) {
    if (k > 0) { /* a fresh candidate network with this factor (k = 0: the one already made) */
      PetscCall(MSNetDestroy(&sol->model->net[s]));
      sol->kappa_factor = factor;
      PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
    }
    PetscCall(MSSolverTrainStage_Private(sol, s));
    PetscCall(MSSolverValidationScore_Private(sol, s + 1, Nv, Xv, &score[k])); /* the same on every rank */
    if (!(score[k] >= score[best])) best = k; /* NaN-safe: a NaN score never wins */
    for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = saved[j];
    PetscCall(PetscPrintf(comm, " kappa_0/%d: %.3e", (int)(1.0 / factor + 0.5), (double)score[k]));
  }
  sol->trial = PETSC_FALSE;
  PetscCall(PetscTime(&t[1]));
  PetscCall(PetscPrintf(comm, "; kept kappa_0/%d (%.2f s)\n", (int)(PetscPowReal(2.0, (PetscReal)best) + 0.5), (double)(t[1] - t[0])));
  PetscCall(PetscLogEventEnd(MS_Select, sol, 0, 0, 0));
  /* the stage's network with the best factor, from its initialization (the trials' training is discarded) */
  PetscCall(MSNetDestroy(&sol->model->net[s]));
  sol->kappa_factor = PetscPowReal(0.5, (PetscReal)best);
  PetscCall(MSSolverCreateStageNet_Private(sol, s, spec));
  sol->kappa_factor = 1.0;
  PetscCall(PetscFree(Xv));
  PetscFunctionReturn(0);
}
