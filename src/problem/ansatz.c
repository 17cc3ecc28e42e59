/* Exact imposition of boundary and initial data by an ansatz (Lagaris, Likas & Fotiadis, IEEE TNN
   9, 1998; Sukumar & Srivastava, CMAME 389, 2022):

     u = g + D * sum_s eps_s N_s

   with the lift g (-ansatz_lift) matching the boundary/initial data and the distance D
   (-ansatz_distance) vanishing where they are given, so those data hold to round-off whatever the
   networks are and no network spends capacity on them. The jets of D N follow from the product
   rule, channel by channel (MSJetSpec numbering):
     (DN)      = D N
     (DN)_i    = D_i N + D N_i
     (DN)_ij   = D_ij N + D_i N_j + D_j N_i + D N_ij
   a linear map of N's jets whose transpose carries the loss gradient d r/d(DN)_c back to the
   network's channels. g and D and their derivatives come from libmatheval (symbolic). */
#include <mspinn/private/problemimpl.h>

/* g and D (texts[0], texts[1]) in the variables vars, and their derivatives up to second order */
PetscErrorCode MSAnsatzCreate_Private(MPI_Comm comm, const char *const texts[2], PetscInt nin, const char *const vars[], MSAnsatzExprs e)
{
  static const char *const opt[2] = {"-ansatz_lift", "-ansatz_distance"};
  MSJetSpec                full   = {nin, 2, PETSC_TRUE};

  PetscFunctionBegin;
  for (PetscInt a = 0; a < 2; a++) {
    PetscCall(MSExprCreate(comm, opt[a], texts[a], nin, vars, &e[a][0]));
    for (PetscInt i = 0; i < nin; i++) {
      PetscCall(MSExprDerivative(e[a][0], i, &e[a][MSJetSpecChannelD(&full, i)]));
      for (PetscInt j = i; j < nin; j++) PetscCall(MSExprDerivative(e[a][MSJetSpecChannelD(&full, i)], j, &e[a][MSJetSpecChannelDD(&full, i, j)]));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSAnsatzDestroy_Private(MSAnsatzExprs e)
{
  PetscFunctionBegin;
  for (PetscInt a = 0; a < 2; a++)
    for (PetscInt c = 0; c < MS_ANSATZ_CHANNELS; c++) PetscCall(MSExprDestroy(&e[a][c]));
  PetscFunctionReturn(0);
}

/* the lift's (G) and the distance's (D) jet channels of spec at the n points X, channel-major with
   leading dimension ld (G[c*ld+p]); either may be NULL */
PetscErrorCode MSAnsatzJets_Private(MSAnsatzExprs e, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscInt ld, PetscReal G[], PetscReal D[])
{
  MSJetSpec  full   = {spec->dim, 2, PETSC_TRUE};
  PetscReal *out[2] = {G, D};

  PetscFunctionBegin;
  for (PetscInt a = 0; a < 2; a++) {
    if (!out[a]) continue;
    for (PetscInt p = 0; p < n; p++) {
      const PetscReal *x = X + p * spec->dim;
      PetscCall(MSExprEvaluate(e[a][0], x, &out[a][p]));
      if (spec->order >= 1)
        for (PetscInt i = 0; i < spec->dim; i++) PetscCall(MSExprEvaluate(e[a][MSJetSpecChannelD(&full, i)], x, &out[a][MSJetSpecChannelD(spec, i) * ld + p]));
      if (spec->order >= 2)
        for (PetscInt i = 0; i < spec->dim; i++)
          for (PetscInt j = i; j < spec->dim; j++) {
            PetscInt c = MSJetSpecChannelDD(spec, i, j);
            if (c >= 0) PetscCall(MSExprEvaluate(e[a][MSJetSpecChannelDD(&full, i, j)], x, &out[a][c * ld + p]));
          }
    }
  }
  PetscFunctionReturn(0);
}

/* the option values read by MSProblemSetFromOptions */
PetscErrorCode MSProblemAnsatzCreate_Private(MSProblem prob, const char *const vars[])
{
  MPI_Comm          comm     = PetscObjectComm((PetscObject)prob);
  const char *const texts[2] = {prob->ansatz_text[0], prob->ansatz_text[1]};

  PetscFunctionBegin;
  PetscCall(MSAnsatzDestroy_Private(prob->ansatz));
  PetscCheck(!prob->ansatz_text[0][0] == !prob->ansatz_text[1][0], comm, PETSC_ERR_ARG_WRONG, "%s: give -ansatz_lift and -ansatz_distance together", prob->ansatz_text[0][0] ? "-ansatz_distance missing" : "-ansatz_lift missing");
  if (!prob->ansatz_text[0][0]) PetscFunctionReturn(0);
  PetscCheck(!prob->meshfile[0], comm, PETSC_ERR_SUP, "-ansatz_lift/-ansatz_distance: not supported with -mesh (give a distance function on a box domain)");
  PetscCall(MSAnsatzCreate_Private(comm, texts, prob->nin, vars, prob->ansatz));
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemAnsatzJets_Private(MSProblem prob, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscInt ld, PetscReal G[], PetscReal D[])
{
  PetscFunctionBegin;
  PetscCall(MSAnsatzJets_Private(prob->ansatz, spec, n, X, ld, G, D));
  PetscFunctionReturn(0);
}

/* U <- D U in place (jets of the product), n points, U with leading dimension n, D with ldD; with
   absmode, |D| |U| bounds (for the running-error floor: every term taken in magnitude).
   Second-order channels first: they read the first-order and value channels before those change. */
void MSAnsatzMultiply_Private(const MSJetSpec *spec, PetscInt n, const PetscReal D[], PetscInt ldD, PetscReal U[], PetscBool absmode)
{
  const PetscInt d = spec->dim;
#define DV(c) (absmode ? PetscAbsReal(D[(c) * ldD + p]) : D[(c) * ldD + p])
  if (spec->order >= 2)
    for (PetscInt i = 0; i < d; i++)
      for (PetscInt j = i; j < d; j++) {
        PetscInt c = MSJetSpecChannelDD(spec, i, j), ci = MSJetSpecChannelD(spec, i), cj = MSJetSpecChannelD(spec, j);
        if (c < 0) continue;
        for (PetscInt p = 0; p < n; p++) U[c * n + p] = DV(c) * U[p] + DV(ci) * U[cj * n + p] + DV(cj) * U[ci * n + p] + DV(0) * U[c * n + p];
      }
  if (spec->order >= 1)
    for (PetscInt i = 0; i < d; i++) {
      PetscInt ci = MSJetSpecChannelD(spec, i);
      for (PetscInt p = 0; p < n; p++) U[ci * n + p] = DV(ci) * U[p] + DV(0) * U[ci * n + p];
    }
  for (PetscInt p = 0; p < n; p++) U[p] = DV(0) * U[p];
#undef DV
}

/* the transpose: G holds d r/d(DU)_c per channel (leading dimension n); on return d r/dU_c.
   The value channel first: it reads every channel of G before they change. */
void MSAnsatzMultiplyTranspose_Private(const MSJetSpec *spec, PetscInt n, const PetscReal D[], PetscInt ldD, PetscReal G[])
{
  const PetscInt d = spec->dim;
  for (PetscInt p = 0; p < n; p++) {
    PetscReal g0 = D[p] * G[p];
    if (spec->order >= 1)
      for (PetscInt i = 0; i < d; i++) g0 += D[MSJetSpecChannelD(spec, i) * ldD + p] * G[MSJetSpecChannelD(spec, i) * n + p];
    if (spec->order >= 2)
      for (PetscInt i = 0; i < d; i++)
        for (PetscInt j = i; j < d; j++) {
          PetscInt c = MSJetSpecChannelDD(spec, i, j);
          if (c >= 0) g0 += D[c * ldD + p] * G[c * n + p];
        }
    G[p] = g0;
  }
  if (spec->order >= 1)
    for (PetscInt k = 0; k < d; k++) {
      PetscInt ck = MSJetSpecChannelD(spec, k);
      for (PetscInt p = 0; p < n; p++) {
        PetscReal gk = D[p] * G[ck * n + p];
        if (spec->order >= 2) /* (DU)_ij contains D_i U_j + D_j U_i */
          for (PetscInt i = 0; i < d; i++) {
            PetscInt c = MSJetSpecChannelDD(spec, i, k);
            if (c < 0) continue;
            gk += (i == k ? 2.0 : 1.0) * D[MSJetSpecChannelD(spec, i) * ldD + p] * G[c * n + p];
          }
        G[ck * n + p] = gk;
      }
    }
  if (spec->order >= 2)
    for (PetscInt i = 0; i < d; i++)
      for (PetscInt j = i; j < d; j++) {
        PetscInt c = MSJetSpecChannelDD(spec, i, j);
        if (c >= 0)
          for (PetscInt p = 0; p < n; p++) G[c * n + p] *= D[p];
      }
}

/* composite jets U (channel-major, n points) of sum_s eps_s N_s become u = g + D U */
PetscErrorCode MSAnsatzApply_Private(MSAnsatzExprs e, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[], PetscBool absmode)
{
  PetscInt   C = MSJetSpecNumChannels(spec);
  PetscReal *G, *D;

  PetscFunctionBegin;
  if (!e[0][0] || n == 0) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(C * n, &G, C * n, &D));
  PetscCall(MSAnsatzJets_Private(e, spec, n, X, n, G, D));
  MSAnsatzMultiply_Private(spec, n, D, n, U, absmode);
  for (PetscInt q = 0; q < C * n; q++) U[q] += absmode ? PetscAbsReal(G[q]) : G[q];
  PetscCall(PetscFree2(G, D));
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemAnsatzApply_Private(MSProblem prob, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[], PetscBool absmode)
{
  PetscFunctionBegin;
  PetscCall(MSAnsatzApply_Private(prob->ansatz, spec, n, X, U, absmode));
  PetscFunctionReturn(0);
}

/* Boundary and initial sets whose data the ansatz satisfies at every point (D = 0 and g = data up to
   a few rounding errors) are imposed exactly and leave the loss; a set where it does not stays a
   soft constraint (u = g + D N is fitted to it like any data). */
PetscErrorCode MSProblemAnsatzMarkImposed_Private(MSProblem prob)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)prob);

  PetscFunctionBegin;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    MSPointSet *set = &prob->set[k];
    PetscInt    ok  = 1;
    MSJetSpec   s0  = {prob->nin, 0, PETSC_FALSE};
    set->imposed    = PETSC_FALSE;
    if (!MSProblemHasAnsatz_Private(prob) || (k != MS_SET_BOUNDARY && k != MS_SET_INITIAL) || set->N == 0 || !set->g) continue;
    for (PetscInt p = 0; p < set->n && ok; p++) {
      PetscReal g, D;
      PetscCall(MSProblemAnsatzJets_Private(prob, &s0, 1, set->X + p * set->dim, 1, &g, &D));
      if (!(PetscAbsReal(D) <= 1e-13 && PetscAbsReal(g - set->g[p]) <= 1e-13 * (1.0 + PetscAbsReal(set->g[p])))) ok = 0;
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPIU_INT, MPI_MIN, comm));
    set->imposed = ok ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscFunctionReturn(0);
}
