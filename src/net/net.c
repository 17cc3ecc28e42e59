/* MSNet: a multilayer perceptron u(x) = s (w_L . a_{L-1} + b_L), a_l = act_l(W_l a_{l-1} + b_l),
   whose first layer is act_0(kappa (W_0 x + b_0)) (the scaled first layer of multi-stage networks,
   Wang & Lai 2024). Parameters live in one sequential Vec, layer by layer: W_l (column-major,
   nout x nin) then b_l. This file holds the object's life cycle.
   A periodic input x_i (MSNetSetPeriodic, period L, omega = 2 pi / L) enters the first layer as the two
   features cos(omega x_i) / omega and sin(omega x_i) / omega instead of x_i (slopes of at most 1, as x_i's),
   so that every network is exactly L-periodic in x_i: the first layer's columns are then [x, or
   cos(omega x) / omega, per input, then sin(omega x) / omega per periodic input] (Dong & Ni, J. Comput.
   Phys. 435, 2021: exact periodicity through a Fourier input layer). */
#include <mspinn/private/netimpl.h>

PetscErrorCode MSNetCreate(MPI_Comm comm, MSNet *net)
{
  MSNet n;

  PetscFunctionBegin;
  PetscValidPointer(net, 2);
  PetscCall(MSInitializePackage());
  PetscCall(PetscHeaderCreate(n, MSNET_CLASSID, "MSNet", "Neural network", "MSNet", comm, MSNetDestroy, MSNetView));
  n->dim      = 1;
  n->nhidden  = 3;
  n->kappa    = 1.0;
  n->outscale = 1.0;
  n->seed     = 0;
  n->bs       = 256;
  PetscCall(PetscObjectChangeTypeName((PetscObject)n, "mlp"));
  for (PetscInt l = 0; l < MSNET_MAX_LAYERS; l++) {
    n->width[l] = 20;
    n->act[l]   = MS_ACT_TANH;
  }
  *net = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode MSNetCheckNotSetUp_Private(MSNet net)
{
  PetscFunctionBegin;
  PetscCheck(!net->setupcalled, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_WRONGSTATE, "The network's shape cannot change after MSNetSetUp()");
  PetscFunctionReturn(0);
}

/* input i is periodic with this period (> 0); 0 makes it an ordinary input again */
PetscErrorCode MSNetSetPeriodic(MSNet net, PetscInt i, PetscReal period)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCall(MSNetCheckNotSetUp_Private(net));
  PetscCheck(i >= 0 && i < net->dim, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Input %" PetscInt_FMT " of a network with %" PetscInt_FMT " inputs", i, net->dim);
  PetscCheck(period >= 0 && period < PETSC_INFINITY, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "A period must be positive and finite, not %g", (double)period);
  net->omega[i] = period > 0 ? 2 * PETSC_PI / period : 0.0;
  net->nper     = 0;
  for (PetscInt k = 0; k < net->dim; k++) net->nper += net->omega[k] > 0 ? 1 : 0;
  PetscFunctionReturn(0);
}

/* the period of input i (0: not periodic) */
PetscErrorCode MSNetGetPeriod(MSNet net, PetscInt i, PetscReal *period)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCheck(i >= 0 && i < net->dim, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Input %" PetscInt_FMT " of a network with %" PetscInt_FMT " inputs", i, net->dim);
  *period = net->omega[i] > 0 ? 2 * PETSC_PI / net->omega[i] : 0.0;
  PetscFunctionReturn(0);
}

/* the input coordinate first-layer feature j depends on: j itself, or for j >= dim the (j - dim)-th periodic input */
PetscInt MSNetFeatureCoordinate_Private(MSNet net, PetscInt j)
{
  PetscInt i = j;

  if (j >= net->dim)
    for (PetscInt k = 0, m = net->dim; k < net->dim; k++)
      if (net->omega[k] > 0 && m++ == j) i = k;
  return i;
}

/* first-layer input feature j at the point x: its value, first and second derivative along its coordinate
   (x_i: x_i, 1, 0; for periodic x_i: cos(omega x_i) / omega, -sin, -omega cos, and the sine columns after
   the dim first: sin(omega x_i) / omega, cos, -omega sin) */
void MSNetInputFeature_Private(MSNet net, PetscInt j, const PetscReal x[], PetscReal *v, PetscReal *d1, PetscReal *d2, PetscInt *coord)
{
  const PetscInt i = MSNetFeatureCoordinate_Private(net, j);

  *coord = i;
  if (!(net->omega[i] > 0)) {
    *v  = x[i];
    *d1 = 1.0;
    *d2 = 0.0;
  } else { /* divided by omega: d/dx has the size of x's own, so kappa keeps its meaning as a frequency scale */
    const PetscReal w = net->omega[i], c = PetscCosReal(w * x[i]), sn = PetscSinReal(w * x[i]);
    *v  = (j < net->dim ? c : sn) / w;
    *d1 = j < net->dim ? -sn : c;
    *d2 = -w * w * *v;
  }
}

PetscErrorCode MSNetSetInputDimension(MSNet net, PetscInt dim)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCall(MSNetCheckNotSetUp_Private(net));
  PetscCheck(dim >= 1 && dim <= MS_JET_DIM, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Input dimension %" PetscInt_FMT " must be 1, 2 or 3", dim);
  net->dim  = dim;
  net->nper = 0;
  for (PetscInt k = 0; k < MS_JET_DIM; k++) net->omega[k] = 0.0;
  PetscFunctionReturn(0);
}

/* weights and biases of a network with these hidden widths and one output, counted in 64 bits (a
   count beyond them, e.g. from two layers of width 2^31 - 1, is returned as INT64_MAX) */
static PetscInt64 MSNetCountParameters_Private(PetscInt dim, PetscInt nl, const PetscInt widths[])
{
  PetscInt64 count = 0, nin = dim;

  for (PetscInt l = 0; l <= nl; l++) {
    PetscInt64 nout = l < nl ? widths[l] : 1, layer;
    if (__builtin_mul_overflow(nout, nin + 1, &layer) || __builtin_add_overflow(count, layer, &count)) return INT64_MAX;
    nin = nout;
  }
  return count;
}

PetscErrorCode MSNetSetHiddenLayers(MSNet net, PetscInt nl, const PetscInt widths[])
{
  PetscInt64 count;
  PetscInt   widest = 0;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCall(MSNetCheckNotSetUp_Private(net));
  PetscCheck(nl >= 1 && nl <= MSNET_MAX_LAYERS - 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Number of hidden layers %" PetscInt_FMT " must be in [1, %d]", nl, MSNET_MAX_LAYERS - 1);
  for (PetscInt l = 0; l < nl; l++) PetscCheck(widths[l] >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
       "Width of hidden layer %" PetscInt_FMT " must be positive, not %" PetscInt_FMT, l, widths[l]);
  count = MSNetCountParameters_Private(PetscMax(net->dim, 1), nl, widths);
  for (PetscInt l = 0; l < nl; l++) widest = PetscMax(widest, widths[l]);
  PetscCheck(count < INT64_MAX, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "-net_width %" PetscInt_FMT ": the network has more parameters than 64 bits count",
             widest);
  PetscCheck(count <= PETSC_MAX_INT, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "-net_width %" PetscInt_FMT ": the network has %" PetscInt64_FMT " parameters, more than PetscInt holds (%d)",
             widest, count, (int)PETSC_MAX_INT);
  net->nhidden = nl;
  for (PetscInt l = 0; l < nl; l++) net->width[l] = widths[l];
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetActivation(MSNet net, PetscInt layer, MSActivation act)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCheck(layer >= 0 && layer < MSNET_MAX_LAYERS, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Layer %" PetscInt_FMT " out of range", layer);
  PetscCheck((int)act >= 0 && (int)act < MS_NUM_ACTIVATIONS, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Activation code %d out of range (0 to %d)", (int)act, MS_NUM_ACTIVATIONS - 1);
  net->act[layer] = act;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetFirstLayerScale(MSNet net, PetscReal kappa)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  net->kappa = kappa;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetFirstLayerScale(MSNet net, PetscReal *kappa)
{
  PetscFunctionBegin;
  *kappa = net->kappa;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetOutputScale(MSNet net, PetscReal s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  net->outscale = s;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetOutputScale(MSNet net, PetscReal *s)
{
  PetscFunctionBegin;
  *s = net->outscale;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetSeed(MSNet net, unsigned long seed)
{
  PetscFunctionBegin;
  net->seed = seed;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetBlockSize(MSNet net, PetscInt bs)
{
  PetscFunctionBegin;
  PetscCall(MSNetCheckNotSetUp_Private(net));
  PetscCheck(bs >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE, "Block size must be positive");
  net->bs = bs;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetBlockSize(MSNet net, PetscInt *bs)
{
  PetscFunctionBegin;
  *bs = net->bs;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetInitializeHook(MSNet net, MSNetInitializeFn fn, void *ctx)
{
  PetscFunctionBegin;
  net->inithook = fn;
  net->initctx  = ctx;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetOptionsPrefix(MSNet net, const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscObjectSetOptionsPrefix((PetscObject)net, prefix));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetFromOptions(MSNet net)
{
  PetscInt     widths[MSNET_MAX_LAYERS], nw = net->nhidden, width = net->width[0], nl = net->nhidden, bs = net->bs;
  PetscBool    flgw, flgws, flgl;
  MSActivation act = net->act[1], act0 = net->act[0];
  PetscReal    seed = (PetscReal)net->seed;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCall(MSNetCheckNotSetUp_Private(net));
  PetscObjectOptionsBegin((PetscObject)net);
  PetscCall(MSOptionsInt("-net_layers", "Number of hidden layers", "MSNetSetHiddenLayers", nl, &nl, &flgl));
  PetscCall(MSOptionsInt("-net_width", "Width of every hidden layer", "MSNetSetHiddenLayers", width, &width, &flgw));
  for (PetscInt l = 0; l < MSNET_MAX_LAYERS; l++) widths[l] = net->width[l];
  PetscCall(MSOptionsCheckInt(PetscOptionsObject->comm, PetscOptionsObject->options, PetscOptionsObject->prefix, "-net_widths"));
  PetscCall(PetscOptionsIntArray("-net_widths", "Widths of the hidden layers (overrides -net_layers/-net_width)", "MSNetSetHiddenLayers", widths, &nw, &flgws));
  PetscCall(PetscOptionsEnum("-net_activation", "Activation of the hidden layers after the first", "MSNetSetActivation", MSActivations, (PetscEnum)act, (PetscEnum *)&act, NULL));
  PetscCall(PetscOptionsEnum("-net_first_activation", "Activation of the first hidden layer", "MSNetSetActivation", MSActivations, (PetscEnum)act0, (PetscEnum *)&act0, NULL));
  PetscCall(PetscOptionsReal("-net_kappa", "Scale of the first layer: act(kappa (W x + b))", "MSNetSetFirstLayerScale", net->kappa, &net->kappa, NULL));
  PetscCall(PetscOptionsReal("-net_output_scale", "Scale of the linear output layer", "MSNetSetOutputScale", net->outscale, &net->outscale, NULL));
  PetscCall(PetscOptionsReal("-net_seed", "Seed of the Xavier initialization (an integer)", "MSNetSetSeed", seed, &seed, NULL));
  PetscCall(MSOptionsInt("-net_block_size", "Points per block in the batched kernels", "MSNetSetBlockSize", bs, &bs, NULL));
  PetscOptionsEnd();
  if (flgws) { /* the listing above shows the current widths; read up to the largest depth */
    const char *prefix;
    PetscCall(PetscObjectGetOptionsPrefix((PetscObject)net, &prefix));
    nw = MSNET_MAX_LAYERS - 1;
    PetscCall(PetscOptionsGetIntArray(((PetscObject)net)->options, prefix, "-net_widths", widths, &nw, NULL));
  }
  PetscCheck(nl >= 1 && nl < MSNET_MAX_LAYERS, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "-net_layers %" PetscInt_FMT ": must be in [1, %d]", nl, MSNET_MAX_LAYERS - 1);
  PetscCheck(width >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE, "-net_width %" PetscInt_FMT ": must be positive", width);
  PetscCheck(bs >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE, "-net_block_size %" PetscInt_FMT ": must be positive", bs);
  for (PetscInt l = 0; flgws && l < nw; l++) PetscCheck(widths[l] >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
       "-net_widths: width %" PetscInt_FMT " must be positive", widths[l]);
  PetscCheck(seed >= 0 && seed == PetscFloorReal(seed), PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "-net_seed must be a non-negative integer, not %g", (double)seed);
  net->seed = (unsigned long)seed;
  net->bs   = bs;
  if (flgws) {
    PetscCheck(nw >= 1, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_WRONG, "-net_widths needs at least one width");
    PetscCall(MSNetSetHiddenLayers(net, nw, widths));
  } else if (flgw || flgl) {
    for (PetscInt l = 0; l < nl; l++) widths[l] = width;
    PetscCall(MSNetSetHiddenLayers(net, nl, widths));
  }
  net->act[0] = act0;
  for (PetscInt l = 1; l < MSNET_MAX_LAYERS; l++) net->act[l] = act;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetUp(MSNet net)
{
  PetscInt off = 0, nin;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  if (net->setupcalled) PetscFunctionReturn(0);
  net->din = net->dim + net->nper;
  nin      = net->din;
  PetscCheck(MSNetCountParameters_Private(nin, net->nhidden, net->width) <= PETSC_MAX_INT, PetscObjectComm((PetscObject)net),
             PETSC_ERR_ARG_OUTOFRANGE, "The network has more parameters than PetscInt holds (%d)", (int)PETSC_MAX_INT);
  net->maxwidth = 1;
  for (PetscInt l = 0; l <= net->nhidden; l++) {
    PetscInt nout = l < net->nhidden ? net->width[l] : 1;
    net->offW[l]  = off;
    off += nout * nin;
    net->offb[l] = off;
    off += nout;
    nin           = nout;
    net->maxwidth = PetscMax(net->maxwidth, nout);
  }
  net->P = off;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, net->P, &net->params));
  PetscCall(PetscObjectSetName((PetscObject)net->params, "parameters"));
  net->setupcalled = PETSC_TRUE;
  PetscCall(MSNetInitialize(net));
  PetscFunctionReturn(0);
}

/* Xavier (Glorot) uniform initialization, W ~ U(-a, a) with a = sqrt(6 / (nin + nout)), zero
   biases, from a PetscRandom seeded with the network's seed; then the initialization hook. */
PetscErrorCode MSNetInitialize(MSNet net)
{
  PetscRandom rnd;
  PetscReal  *p;
  PetscInt    nin;

  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  nin = net->din;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rnd, net->seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecGetArray(net->params, &p));
  for (PetscInt l = 0; l <= net->nhidden; l++) {
    PetscInt  nout = l < net->nhidden ? net->width[l] : 1;
    PetscReal a    = PetscSqrtReal(6.0 / (nin + nout));
    for (PetscInt q = 0; q < nout * nin; q++) {
      PetscReal r;
      PetscCall(PetscRandomGetValueReal(rnd, &r));
      p[net->offW[l] + q] = a * (2.0 * r - 1.0);
    }
    for (PetscInt k = 0; k < nout; k++) p[net->offb[l] + k] = 0.0;
    nin = nout;
  }
  PetscCall(VecRestoreArray(net->params, &p));
  PetscCall(PetscRandomDestroy(&rnd));
  if (net->inithook) PetscCall((*net->inithook)(net, net->initctx));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetInputDimension(MSNet net, PetscInt *dim)
{
  PetscFunctionBegin;
  *dim = net->dim;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetNumParameters(MSNet net, PetscInt *P)
{
  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  *P = net->P;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetNumLayers(MSNet net, PetscInt *nl)
{
  PetscFunctionBegin;
  *nl = net->nhidden + 1;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetGetParameters(MSNet net, Vec *params)
{
  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  *params = net->params;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetSetParameters(MSNet net, const PetscReal theta[])
{
  PetscReal *p;

  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  PetscCall(VecGetArray(net->params, &p));
  PetscCall(PetscArraycpy(p, theta, net->P));
  PetscCall(VecRestoreArray(net->params, &p));
  PetscFunctionReturn(0);
}

/* Layer l = 0..nhidden (nhidden is the linear output layer): its weights and biases, in place. */
PetscErrorCode MSNetGetLayer(MSNet net, PetscInt l, PetscInt *nout, PetscInt *nin, PetscReal **W, PetscReal **b)
{
  PetscReal *p;

  PetscFunctionBegin;
  PetscCheck(l >= 0 && l <= net->nhidden, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE,
             "Layer %" PetscInt_FMT " out of range [0, %" PetscInt_FMT "]", l, net->nhidden);
  PetscCall(VecGetArray(net->params, &p));
  if (nout) *nout = l < net->nhidden ? net->width[l] : 1;
  if (nin) *nin = l == 0 ? net->din : net->width[l - 1];
  if (W) *W = p + net->offW[l];
  if (b) *b = p + net->offb[l];
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetRestoreLayer(MSNet net, PetscInt l, PetscInt *nout, PetscInt *nin, PetscReal **W, PetscReal **b)
{
  PetscFunctionBegin;
  (void)l;
  (void)nout;
  (void)nin;
  PetscCall(VecRestoreArray(net->params, NULL));
  if (W) *W = NULL;
  if (b) *b = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetView(MSNet net, PetscViewer viewer)
{
  PetscBool isascii;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)net), &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)net, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "inputs %" PetscInt_FMT ", hidden widths", net->dim));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  for (PetscInt l = 0; l < net->nhidden; l++) PetscCall(PetscViewerASCIIPrintf(viewer, " %" PetscInt_FMT, net->width[l]));
  if (net->setupcalled) PetscCall(PetscViewerASCIIPrintf(viewer, ", %" PetscInt_FMT " parameters", net->P));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  for (PetscInt i = 0; i < net->dim; i++)
    if (net->omega[i] > 0) PetscCall(PetscViewerASCIIPrintf(viewer, "input %" PetscInt_FMT " periodic, period %g: (cos, sin) features\n", i,
                                     (double)(2 * PETSC_PI / net->omega[i])));
  PetscCall(PetscViewerASCIIPrintf(viewer, "activations: first %s, others %s; kappa %g, output scale %g, seed %lu\n", MSActivations[net->act[0]], MSActivations[net->act[1]], (double)net->kappa, (double)net->outscale, net->seed));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetDestroy(MSNet *net)
{
  PetscFunctionBegin;
  if (!*net) PetscFunctionReturn(0);
  PetscValidHeaderSpecific(*net, MSNET_CLASSID, 1);
  if (--((PetscObject)(*net))->refct > 0) {
    *net = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(VecDestroy(&(*net)->params));
  for (PetscInt l = 0; l < MSNET_MAX_LAYERS; l++) PetscCall(PetscFree3((*net)->Z[l], (*net)->A[l], (*net)->S[l]));
  for (PetscInt l = 0; l < MSNET_MAX_LAYERS; l++) PetscCall(PetscFree((*net)->Sabs[l]));
  PetscCall(PetscFree2((*net)->Abar, (*net)->Zbar));
  PetscCall(PetscFree((*net)->F));
  PetscCall(PetscHeaderDestroy(net));
  PetscFunctionReturn(0);
}
