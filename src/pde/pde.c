/* MSPDE: a PDE kind, registered by name (MSPDERegister) and chosen with -pde_type. Each kind is a
   pointwise residual R(x, jets, coefficients, f) = L(u) - f written in MSDual arithmetic, so its
   linearization in the jets and coefficients is exact. */
#include <mspinn/private/pdeimpl.h>

PetscClassId      MSPDE_CLASSID;
PetscFunctionList MSPDEList = NULL;

PetscErrorCode MSPDERegister(const char name[], PetscErrorCode (*create)(MSPDE))
{
  PetscFunctionBegin;
  PetscCall(MSInitializePackage());
  PetscCall(PetscFunctionListAdd(&MSPDEList, name, create));
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDECreate(MPI_Comm comm, MSPDE *pde)
{
  MSPDE p;

  PetscFunctionBegin;
  PetscCall(MSInitializePackage());
  PetscCall(PetscHeaderCreate(p, MSPDE_CLASSID, "MSPDE", "PDE", "MSPDE", comm, MSPDEDestroy, MSPDEView));
  p->sdim       = 1;
  p->spec.dim   = 1;
  p->spec.order = 0;
  *pde          = p;
  PetscFunctionReturn(0);
}

static PetscErrorCode MSPDEReset_Private(MSPDE pde)
{
  PetscFunctionBegin;
  if (pde->ops->destroy) PetscCall((*pde->ops->destroy)(pde));
  PetscCall(PetscMemzero(pde->ops, sizeof(struct _MSPDEOps)));
  for (PetscInt k = 0; k < pde->ncoef; k++) {
    PetscCall(PetscFree(pde->coefname[k]));
    PetscCall(PetscFree(pde->coefhelp[k]));
  }
  pde->ncoef    = 0;
  pde->nunknown = 0;
  pde->mindim   = 1;
  pde->errorder = -1;
  pde->maxdim   = MS_JET_DIM;
  pde->residual = NULL;
  pde->data     = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDESetType(MSPDE pde, MSPDEType type)
{
  PetscErrorCode (*create)(MSPDE);
  PetscBool same;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(pde, MSPDE_CLASSID, 1);
  PetscCall(PetscObjectTypeCompare((PetscObject)pde, type, &same));
  if (same) PetscFunctionReturn(0);
  PetscCall(PetscFunctionListFind(MSPDEList, type, &create));
  PetscCheck(create, PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_UNKNOWN_TYPE, "-pde_type: unknown PDE kind '%s' (registered: poisson, burgers, fit, or one added with MSPDERegister)", type);
  PetscCall(MSPDEReset_Private(pde));
  PetscCall(PetscObjectChangeTypeName((PetscObject)pde, type));
  PetscCall((*create)(pde));
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetType(MSPDE pde, MSPDEType *type)
{
  PetscFunctionBegin;
  *type = ((PetscObject)pde)->type_name;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDESetResidual(MSPDE pde, MSPDEResidualFn fn)
{
  PetscFunctionBegin;
  pde->residual = fn;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDESetSpaceDimension(MSPDE pde, PetscInt dim, PetscBool timedep)
{
  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim + (timedep ? 1 : 0) <= MS_JET_DIM, PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_OUTOFRANGE, "-pde_dim: space dimension %" PetscInt_FMT "%s is not supported (at most %d inputs in all)", dim, timedep ? " plus time" : "", MS_JET_DIM);
  pde->sdim     = dim;
  pde->timedep  = timedep;
  pde->spec.dim = dim + (timedep ? 1 : 0);
  PetscFunctionReturn(0);
}

/* the order k of the estimate error ~ residual / (2 pi f)^k used to size the next stage: by default
   the order of the jets the residual reads */
PetscErrorCode MSPDESetErrorOrder(MSPDE pde, PetscInt k)
{
  PetscFunctionBegin;
  pde->errorder = k;
  PetscFunctionReturn(0);
}

/* whether the residual is affine in the jets of u (a kind's property, set by its create routine): a
   random-feature stage's least-squares problem is then linear (with the coefficients known) */
PetscErrorCode MSPDESetLinear(MSPDE pde, PetscBool linear)
{
  PetscFunctionBegin;
  pde->linear = linear;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEIsLinear(MSPDE pde, PetscBool *linear)
{
  PetscFunctionBegin;
  *linear = pde->linear;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetErrorOrder(MSPDE pde, PetscInt *k)
{
  PetscFunctionBegin;
  *k = pde->errorder >= 0 ? pde->errorder : pde->spec.order;
  PetscFunctionReturn(0);
}

/* the space dimensions a kind supports (-pde_dim); default 1..3 minus the time input */
PetscErrorCode MSPDESetSpaceDimensionRange(MSPDE pde, PetscInt min, PetscInt max)
{
  PetscFunctionBegin;
  pde->mindim = min;
  pde->maxdim = max;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDESetJetSpec(MSPDE pde, PetscInt order, PetscBool mixed)
{
  PetscFunctionBegin;
  pde->spec.order = order;
  pde->spec.mixed = mixed;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEAddCoefficient(MSPDE pde, const char name[], PetscReal value, const char help[])
{
  PetscFunctionBegin;
  PetscCheck(pde->ncoef < MSPDE_MAX_COEF, PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_OUTOFRANGE, "At most %d coefficients", MSPDE_MAX_COEF);
  PetscCall(PetscStrallocpy(name, &pde->coefname[pde->ncoef]));
  PetscCall(PetscStrallocpy(help, &pde->coefhelp[pde->ncoef]));
  pde->lower[pde->ncoef]    = PETSC_NINFINITY;
  pde->upper[pde->ncoef]    = PETSC_INFINITY;
  pde->hastruth[pde->ncoef] = PETSC_FALSE;
  pde->truth[pde->ncoef]    = value;
  pde->coef[pde->ncoef++]   = value;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDESetFromOptions(MSPDE pde)
{
  char      type[256] = MSPDEPOISSON;
  PetscBool flg;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(pde, MSPDE_CLASSID, 1);
  if (((PetscObject)pde)->type_name) PetscCall(PetscStrncpy(type, ((PetscObject)pde)->type_name, sizeof(type)));
  PetscObjectOptionsBegin((PetscObject)pde);
  PetscCall(PetscOptionsFList("-pde_type", "PDE kind", "MSPDESetType", MSPDEList, type, type, sizeof(type), &flg));
  PetscCall(MSPDESetType(pde, type));
  {
    PetscInt dim = pde->sdim, maxdim = PetscMin(pde->maxdim, MS_JET_DIM - (pde->timedep ? 1 : 0));
    PetscCall(MSOptionsInt("-pde_dim", "Space dimension", "MSPDESetSpaceDimension", dim, &dim, NULL));
    PetscCheck(dim >= pde->mindim && dim <= maxdim, PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_OUTOFRANGE, "-pde_dim %" PetscInt_FMT ": PDE kind %s supports space dimensions %" PetscInt_FMT " to %" PetscInt_FMT, dim, type, pde->mindim, maxdim);
    PetscCall(MSPDESetSpaceDimension(pde, dim, pde->timedep));
  }
  if (pde->ops->setfromoptions) PetscCall((*pde->ops->setfromoptions)(pde, PetscOptionsObject));
  for (PetscInt k = 0; k < pde->ncoef; k++) {
    char opt[64];
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pde_%s", pde->coefname[k]));
    PetscCall(PetscOptionsReal(opt, pde->coefhelp[k], "MSPDEAddCoefficient", pde->coef[k], &pde->coef[k], NULL));
    PetscCheck(!PetscIsInfOrNanReal(pde->coef[k]), PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_OUTOFRANGE, "%s %g: not a finite number", opt, (double)pde->coef[k]);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pde_%s_true", pde->coefname[k]));
    PetscCall(PetscOptionsReal(opt, "True value of an unknown coefficient (for reporting its error)", "MSPDESetUnknowns", pde->truth[k], &pde->truth[k], &pde->hastruth[k]));
    PetscCheck(!PetscIsInfOrNanReal(pde->truth[k]), PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_OUTOFRANGE, "%s %g: not a finite number", opt, (double)pde->truth[k]);
    {
      PetscReal b[2] = {pde->lower[k], pde->upper[k]};
      PetscInt  nb   = 2;
      PetscBool set;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pde_%s_bounds", pde->coefname[k]));
      PetscCall(PetscOptionsRealArray(opt, "Bounds lower,upper of an unknown coefficient", "MSPDESetUnknowns", b, &nb, &set));
      if (set) {
        PetscCheck(nb == 2 && b[0] < b[1], PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_WRONG, "%s: give two numbers lower,upper with lower < upper", opt);
        pde->lower[k] = b[0];
        pde->upper[k] = b[1];
      }
    }
  }
  {
    char     *names[MSPDE_MAX_COEF];
    PetscInt  n = MSPDE_MAX_COEF;
    PetscBool set;
    PetscCall(PetscOptionsStringArray("-pde_unknown", "Coefficients to infer from data, e.g. nu,lambda1 (initial guesses from -pde_<name>)", "MSPDESetUnknowns", names, &n, &set));
    if (set) {
      PetscCall(MSPDESetUnknowns(pde, n, (const char *const *)names));
      for (PetscInt j = 0; j < n; j++) PetscCall(PetscFree(names[j]));
    }
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* Declares the named coefficients unknown: they become training variables next to the network's
   parameters. Each trains as x = c / s with s = |initial guess| (1 if the guess is 0), so that a
   coefficient of size 1e-3 and one of size 1 enter the Jacobian with comparable columns. */
PetscErrorCode MSPDESetUnknowns(MSPDE pde, PetscInt n, const char *const names[])
{
  MPI_Comm comm = PetscObjectComm((PetscObject)pde);

  PetscFunctionBegin;
  pde->nunknown = 0;
  for (PetscInt j = 0; j < n; j++) {
    PetscInt k;
    PetscBool match = PETSC_FALSE;
    for (k = 0; k < pde->ncoef; k++) {
      PetscCall(PetscStrcmp(names[j], pde->coefname[k], &match));
      if (match) break;
    }
    if (!match) {
      char list[256] = "";
      for (PetscInt i = 0; i < pde->ncoef; i++) {
        if (i) PetscCall(PetscStrlcat(list, ", ", sizeof(list)));
        PetscCall(PetscStrlcat(list, pde->coefname[i], sizeof(list)));
      }
      SETERRQ(comm, PETSC_ERR_ARG_WRONG, "-pde_unknown: PDE kind %s has no coefficient '%s' (its coefficients: %s)", ((PetscObject)pde)->type_name, names[j], pde->ncoef ? list : "none");
    }
    for (PetscInt i = 0; i < pde->nunknown; i++) PetscCheck(pde->unknown[i] != k, comm, PETSC_ERR_ARG_WRONG, "-pde_unknown: coefficient '%s' listed twice", names[j]);
    PetscCheck(pde->coef[k] >= pde->lower[k] && pde->coef[k] <= pde->upper[k], comm, PETSC_ERR_ARG_OUTOFRANGE, "-pde_%s %g: the initial guess is outside -pde_%s_bounds %g,%g", names[j], (double)pde->coef[k], names[j], (double)pde->lower[k], (double)pde->upper[k]);
    pde->unknown[pde->nunknown] = k;
    pde->scale[pde->nunknown++] = pde->coef[k] != 0 ? PetscAbsReal(pde->coef[k]) : 1.0;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetUnknowns(MSPDE pde, PetscInt *n, const PetscInt **idx, const PetscReal **scale)
{
  PetscFunctionBegin;
  if (n) *n = pde->nunknown;
  if (idx) *idx = pde->unknown;
  if (scale) *scale = pde->scale;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetCoefficientBounds(MSPDE pde, PetscInt k, PetscReal *lower, PetscReal *upper)
{
  PetscFunctionBegin;
  if (lower) *lower = pde->lower[k];
  if (upper) *upper = pde->upper[k];
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetCoefficientTruth(MSPDE pde, PetscInt k, PetscBool *known, PetscReal *truth)
{
  PetscFunctionBegin;
  if (known) *known = pde->hastruth[k];
  if (truth) *truth = pde->truth[k];
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetDimensions(MSPDE pde, PetscInt *space, PetscBool *timedep, PetscInt *nin)
{
  PetscFunctionBegin;
  if (space) *space = pde->sdim;
  if (timedep) *timedep = pde->timedep;
  if (nin) *nin = pde->spec.dim;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetJetSpec(MSPDE pde, MSJetSpec *spec)
{
  PetscFunctionBegin;
  *spec = pde->spec;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEGetCoefficients(MSPDE pde, PetscInt *n, const char *const **names, PetscReal **values)
{
  PetscFunctionBegin;
  if (n) *n = pde->ncoef;
  if (names) *names = (const char *const *)pde->coefname;
  if (values) *values = pde->coef;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEHasEquation(MSPDE pde, PetscBool *has)
{
  PetscFunctionBegin;
  *has = pde->residual ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEResidual(MSPDE pde, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r)
{
  PetscFunctionBegin;
  PetscCheck(pde->residual, PetscObjectComm((PetscObject)pde), PETSC_ERR_ARG_WRONGSTATE, "PDE kind %s has no equation residual", ((PetscObject)pde)->type_name);
  PetscCall((*pde->residual)(pde, x, jets, coef, f, r));
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEView(MSPDE pde, PetscViewer viewer)
{
  PetscBool isascii;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)pde), &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)pde, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "space dimension %" PetscInt_FMT "%s\n", pde->sdim, pde->timedep ? " + time" : ""));
  for (PetscInt k = 0; k < pde->ncoef; k++) {
    PetscBool unknown = PETSC_FALSE;
    for (PetscInt j = 0; j < pde->nunknown; j++) unknown = unknown || pde->unknown[j] == k ? PETSC_TRUE : PETSC_FALSE;
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s = %.17g%s\n", pde->coefname[k], (double)pde->coef[k], unknown ? " (unknown: initial guess)" : ""));
  }
  if (pde->ops->view) PetscCall((*pde->ops->view)(pde, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDEDestroy(MSPDE *pde)
{
  PetscFunctionBegin;
  if (!*pde) PetscFunctionReturn(0);
  if (--((PetscObject)(*pde))->refct > 0) {
    *pde = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(MSPDEReset_Private(*pde));
  PetscCall(PetscHeaderDestroy(pde));
  PetscFunctionReturn(0);
}
