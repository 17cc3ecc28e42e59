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

/* Creates stage s's network (s >= 1): options prefix stage_<s+1>_ (e.g. -stage_2_net_width),
   first layer sine, initialized from the spectrum of the residual of the stages before. */
PetscErrorCode MSSolverCreateStageNet_Private(MSSolver sol, PetscInt s, const MSSpectrum *spec)
{
  MSNet             net;
  PetscInt          nin, w;
  char              prefix[32];
  MSSpectrumInitCtx ctx = {spec};

  PetscFunctionBegin;
  PetscCall(MSPDEGetDimensions(sol->prob->pde, NULL, NULL, &nin));
  PetscCall(MSNetCreate(PetscObjectComm((PetscObject)sol), &net));
  PetscCall(MSNetSetInputDimension(net, nin));
  PetscCall(MSNetSetSeed(net, 1000 * s));
  PetscCall(MSNetSetActivation(net, 0, MS_ACT_SIN));
  { /* stage nets inherit the first network's shape, then their own options apply */
    PetscInt widths[MSNET_MAX_LAYERS];
    for (PetscInt l = 0; l < sol->net[0]->nhidden; l++) widths[l] = sol->net[0]->width[l];
    PetscCall(MSNetSetHiddenLayers(net, sol->net[0]->nhidden, widths));
    for (PetscInt l = 1; l < MSNET_MAX_LAYERS; l++) PetscCall(MSNetSetActivation(net, l, sol->net[0]->act[l]));
  }
  w = net->width[0];
  if (sol->init == MS_STAGE_INIT_SCALED_SINE) PetscCall(MSNetSetFirstLayerScale(net, sol->kappa_factor * sol->kappa_fraction * 2 * PETSC_PI * spec->fmax / PetscSqrtReal(6.0 / (nin + w))));
  else PetscCall(MSNetSetFirstLayerScale(net, 1.0));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "stage_%" PetscInt_FMT "_", s + 1));
  PetscCall(MSNetSetOptionsPrefix(net, prefix));
  PetscCall(MSNetSetFromOptions(net)); /* -stage_<s>_net_* */
  if (sol->init == MS_STAGE_INIT_SPECTRUM) PetscCall(MSNetSetInitializeHook(net, MSStageSpectrumInit_Private, &ctx));
  PetscCall(MSNetSetUp(net)); /* initializes, the hook included */
  PetscCall(MSNetSetInitializeHook(net, NULL, NULL));
  sol->net[s] = net;
  PetscFunctionReturn(0);
}
