/* First layers of the residue-fitting networks of stages 2, 3, ...

   scaled_sine (Wang & Lai 2024): the first layer is sin(kappa (W x + b)) with Xavier weights,
     W ~ U(-a, a), a = sqrt(6 / (nin + width)); kappa = 2 pi f_d / a puts the largest first-layer
     frequencies at the residual's dominant frequency f_d.
   spectrum (Ng, Wang & Lai 2024): kappa = 1 and the first-layer neurons are assigned to the
     largest peaks of the residual's spectrum, each neuron j getting one direction e and frequency f
     (W[j, :] = 2 pi f e, sin activation) and a phase b_j spread over [0, 2 pi); peaks get neurons
     in proportion to their amplitude (the square root of their power), at least one each. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/netimpl.h>
#include <mspinn/private/problemimpl.h>

typedef struct {
  const MSSpectrum *spec;
  PetscBool         spectrum, random;
  unsigned long     seed;
  const PetscReal  *lo, *hi; /* the box of the inputs */
} MSSpectrumInitCtx;

static PetscErrorCode MSStageSpectrumInit_Private(MSNet net, void *vctx)
{
  const MSSpectrum *spec = ((MSSpectrumInitCtx *)vctx)->spec;
  PetscInt          w, nin, count[MS_MAX_MODES], given = 0, j = 0;
  PetscReal        *W, *b, total = 0;

  PetscFunctionBegin;
  if (!spec->nmodes) PetscFunctionReturn(0);
  PetscCall(MSNetGetLayer(net, 0, &w, &nin, &W, &b));
  for (PetscInt m = 0; m < spec->nmodes; m++) total += PetscSqrtReal(spec->mode[m].power);
  for (PetscInt m = 0; m < spec->nmodes; m++) {
    count[m] = PetscMax(1, (PetscInt)PetscFloorReal(w * PetscSqrtReal(spec->mode[m].power) / total));
    given += count[m];
  }
  while (given > w) /* trim the smallest modes' shares */
    for (PetscInt m = spec->nmodes - 1; m >= 0 && given > w; m--)
      if (count[m] > 0) {
        count[m]--;
        given--;
      }
  for (PetscInt m = 0; given < w; m = (m + 1) % spec->nmodes) { /* the rest to the largest */
    count[m]++;
    given++;
  }
  for (PetscInt m = 0; m < spec->nmodes; m++)
    for (PetscInt c = 0; c < count[m]; c++, j++) {
      for (PetscInt i = 0; i < nin; i++) W[j + w * i] = i == spec->mode[m].dir ? 2 * PETSC_PI * spec->mode[m].freq : 0.0;
      b[j] = 2 * PETSC_PI * (c + 0.5) / count[m];
    }
  PetscCall(MSNetRestoreLayer(net, 0, &w, &nin, &W, &b));
  PetscFunctionReturn(0);
}

/* Random-feature stages: the hidden layer is never trained, so its phases must be random too (the
   Xavier biases are 0, and sin(kappa W x) alone is odd in x): kappa b_j ~ U(0, 2 pi). For another
   first activation (a ridge function such as tanh) the feature's transition W_j x + b_j = 0 is put
   through a uniform random point x_j of the input box: b_j = -W_j x_j. The output layer starts at 0,
   so that the stage starts from the frozen stages' solution; its least-squares solve is then the
   minimum-norm one (TAOMSLSQ). */
static PetscErrorCode MSStageRandomFeaturesInit_Private(MSNet net, const MSSpectrumInitCtx *ctx, PetscBool phases)
{
  PetscInt    w, nin, L;
  PetscReal  *W, *b, kappa;
  PetscRandom rnd;
  unsigned long seed = ctx->seed;

  PetscFunctionBegin;
  PetscCall(MSNetGetFirstLayerScale(net, &kappa));
  PetscCall(MSNetGetNumLayers(net, &L));
  L--; /* the output layer */
  if (phases) {
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
    PetscCall(PetscRandomSetSeed(rnd, seed + 77));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(MSNetGetLayer(net, 0, &w, &nin, &W, &b));
    for (PetscInt j = 0; j < w; j++) {
      PetscReal r;
      if (net->act[0] == MS_ACT_SIN) {
        PetscCall(PetscRandomGetValueReal(rnd, &r));
        b[j] = 2 * PETSC_PI * r / kappa;
      } else {
        PetscReal x[MS_JET_DIM];
        b[j] = 0;
        for (PetscInt i = 0; i < net->dim; i++) {
          PetscCall(PetscRandomGetValueReal(rnd, &r));
          x[i] = ctx->lo[i] + r * (ctx->hi[i] - ctx->lo[i]);
        }
        for (PetscInt i = 0; i < nin; i++) { /* the input features at x (x itself without periodic inputs) */
          PetscReal v, d1, d2;
          PetscInt  coord;
          MSNetInputFeature_Private(net, i, x, &v, &d1, &d2, &coord);
          b[j] -= W[j + w * i] * v;
        }
      }
    }
    PetscCall(MSNetRestoreLayer(net, 0, &w, &nin, &W, &b));
    PetscCall(PetscRandomDestroy(&rnd));
  }
  PetscCall(MSNetGetLayer(net, L, &w, &nin, &W, &b));
  for (PetscInt j = 0; j < nin; j++) W[j] = 0.0;
  b[0] = 0.0;
  PetscCall(MSNetRestoreLayer(net, L, &w, &nin, &W, &b));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSStageInit_Private(MSNet net, void *vctx)
{
  MSSpectrumInitCtx *ctx = (MSSpectrumInitCtx *)vctx;

  PetscFunctionBegin;
  if (ctx->spectrum) PetscCall(MSStageSpectrumInit_Private(net, vctx));
  if (ctx->random) PetscCall(MSStageRandomFeaturesInit_Private(net, ctx, ctx->spectrum ? PETSC_FALSE : PETSC_TRUE));
  PetscFunctionReturn(0);
}


#define MS_RANDOM_WIDTH_MIN 16   /* features of a random-feature stage by default, */
#define MS_RANDOM_WIDTH_MAX 4096 /* within these bounds (the least-squares solve costs rows x width^2) */
#define MS_RANDOM_MAIN_SHARE 0.75 /* and at most this share of the points where the equation (or fit) is imposed */

/* the hidden width of a random-feature stage: -stage_random_width, else half the training rows, but
   no more than 3/4 of the interior points (data points for a fit). Boundary rows pin only the
   boundary: with as many features as interior points the least-squares solution fits the equation at
   the points and oscillates between them (measurements: docs/policy.md). */
PetscInt MSSolverRandomWidth_Private(MSSolver sol)
{
  PetscInt  rows = 0, main;
  PetscBool haseq;

  if (sol->random_width) return sol->random_width;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++)
    if (k != MS_SET_EVAL) rows += sol->prob->set[k].N;
  if (MSPDEHasEquation(sol->prob->pde, &haseq)) haseq = PETSC_TRUE; /* (cannot fail for a set-up problem; returns a width, not an error code) */
  main = sol->prob->set[haseq ? MS_SET_INTERIOR : MS_SET_DATA].N;
  return PetscMax(MS_RANDOM_WIDTH_MIN, PetscMin(MS_RANDOM_WIDTH_MAX, PetscMin(rows / 2, (PetscInt)(MS_RANDOM_MAIN_SHARE * main))));
}

/* whether more points bring more features: the width follows the points and is below its cap */
PetscBool MSSolverRandomWidthGrows_Private(MSSolver sol)
{
  return !sol->random_width && MSSolverRandomWidth_Private(sol) < MS_RANDOM_WIDTH_MAX ? PETSC_TRUE : PETSC_FALSE;
}

/* Creates stage s's network (s >= 1; s = 0 for random features): options prefix stage_<s+1>_ (e.g. -stage_2_net_width),
   first layer sine, initialized from the spectrum of the residual of the stages before; trained or
   random features as sol->stage_features[s] says (set by the caller). */
PetscErrorCode MSSolverCreateStageNet_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MSNet             net;
  PetscInt          nin, w;
  char              prefix[32];
  MSSpectrumInitCtx ctx = {spec, PETSC_FALSE, PETSC_FALSE, 0, sol->prob->lo, sol->prob->hi};
  PetscReal         c;
  PetscBool         given;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "stage_%" PetscInt_FMT "_", s + 1));
  PetscCall(MSPDEGetDimensions(sol->prob->pde, NULL, NULL, &nin));
  PetscCall(MSNetCreate(PetscObjectComm((PetscObject)sol), &net));
  PetscCall(MSNetSetInputDimension(net, nin));
  PetscCall(MSProblemSetNetPeriodic_Private(sol->prob, net));
  PetscCall(MSNetSetSeed(net, 1000 * s));
  PetscCall(MSNetSetActivation(net, 0, MS_ACT_SIN));
  { /* stage nets inherit the first network's shape, then their own options apply */
    PetscInt widths[MSNET_MAX_LAYERS];
    for (PetscInt l = 0; l < sol->tmpl->nhidden; l++) widths[l] = sol->tmpl->width[l];
    PetscCall(MSNetSetHiddenLayers(net, sol->tmpl->nhidden, widths));
    for (PetscInt l = 1; l < MSNET_MAX_LAYERS; l++) PetscCall(MSNetSetActivation(net, l, sol->tmpl->act[l]));
  }
  c = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? sol->random_kappa_fraction : sol->kappa_fraction;
  PetscCall(MSNetSetOptionsPrefix(net, prefix));
  PetscCall(MSNetSetFromOptions(net)); /* -stage_<s>_net_* */
  if (sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM) {
    /* one wide random layer: by default half as many features as training rows, at most 2048. Its
       shape is -stage_random_width's alone: -stage_<s>_net_layers/_width are for a trained stage s
       (with -stage_features auto both are tried, and 4 layers of 2048 would not fit in memory) */
    PetscInt width = MSSolverRandomWidth_Private(sol);
    /* a bandwidth trial: ranks bandwidths at a fraction of the cost (~ width^3) */
    if (sol->trial && (!sol->trial_full || sol->trial_narrow)) width = PetscMin(width, MS_RANDOM_TRIAL_WIDTH);
    PetscCall(MSNetSetHiddenLayers(net, 1, &width));
  }
  PetscCall(PetscOptionsHasName(((PetscObject)net)->options, prefix, "-net_kappa", &given));
  w = net->width[0]; /* Xavier's a for the width the options gave */
  if (!given) PetscCall(MSNetSetFirstLayerScale(net, sol->init == MS_STAGE_INIT_SCALED_SINE ? sol->kappa_factor * c * 2 * PETSC_PI * spec->fmax / PetscSqrtReal(6.0 / (nin + w)) : 1.0));
  ctx.spectrum = sol->init == MS_STAGE_INIT_SPECTRUM ? PETSC_TRUE : PETSC_FALSE;
  ctx.random   = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? PETSC_TRUE : PETSC_FALSE;
  ctx.seed     = 1000 * s;
  if (ctx.spectrum || ctx.random) PetscCall(MSNetSetInitializeHook(net, MSStageInit_Private, &ctx));
  PetscCall(MSNetSetUp(net)); /* initializes, the hook included */
  PetscCall(MSNetSetInitializeHook(net, NULL, NULL));
  sol->model->net[s] = net;
  PetscFunctionReturn(0);
}
