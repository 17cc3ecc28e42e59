/* TAOMSLM ("mslm"): textbook Levenberg-Marquardt for TAO least-squares problems
   (TaoSetResidualRoutine + TaoSetJacobianResidualRoutine with an assembled MATDENSE Jacobian).

   Each iteration forms A = J^T J (dsyrk on the local rows, summed over ranks) and g = J^T r, solves
     (A + lambda D) delta = -g                                   (Cholesky, LAPACK dpotrf/dpotrs)
   with D = diag(A) kept as a running maximum (More 1978, scale invariant), the current diag(A), or a
   multiple of I (-tao_mslm_scaling max|diag|identity; TaoMSLMSetScaling), and accepts the
   step only if the gain ratio
     rho = (F(x) - F(x + delta)) / (L(0) - L(delta)),   L(0) - L(delta) = 1/2 delta^T (lambda D delta - g)
   is positive. Damping follows Nielsen (1999): after a success lambda *= max(1/3, 1 - (2 rho - 1)^3),
   nu = 2; after a failure lambda *= nu, nu *= 2 (Madsen, Nielsen & Tingleff, "Methods for
   non-linear least squares problems", 2004, eq. 3.16). Unlike TAOBRGN's lm mode, an uphill step is
   never taken, which matters when F approaches round-off.

   Stops on TAO's tests (fmin as a loss target, gatol/grtol/gttol, max_it), when lambda exceeds
   -tao_mslm_lambda_max (no downhill step exists at working precision), or when F has not dropped
   by -tao_mslm_stall_factor over -tao_mslm_stall_it iterations.

   MPI: with the residual's rows given in chunks (TaoMSLMSetRowChunks; mspinn's loss cuts them so
   that a chunk holds the same points on any number of ranks), A, g and F are summed chunk by chunk
   in double-double and reduced over the ranks with a double-double MPI sum
   (mspinn/private/ddsum.h): the iterates do not depend on the number of ranks. The cost per
   iteration: the local dsyrk, m P^2 flops for m local rows, plus P^2/2 double-double additions per
   chunk, one allreduce of 2 P^2 doubles, a Cholesky of P^3/3 flops on rank 0 and a broadcast of P. */
#include <petsc/private/taoimpl.h>
#include <petscblaslapack.h>
#include <mspinn.h>
#include <mspinn/private/taoutil.h>
#include <mspinn/private/ddsum.h>
#include <mspinn/private/solverimpl.h>

#define MS_LM_MATRICES 4 /* P x P doubles held: A, Af and the accumulator's two */

typedef struct {
  PetscReal  lambda0, lambda, nu, lambda_max;
  TaoMSLMScaling scaling;
  PetscReal  dscale;  /* identity: D = dscale I, dscale the largest diagonal entry of the first J^T J (lambda stays dimensionless) */
  PetscInt   stall_it;
  PetscReal  stall_factor;
  PetscInt   P, naccept, nreject;
  PetscReal *A, *Af, *g, *delta, *D, *fhist;
  Vec        xtrial, rtrial;
  PetscInt   nchunks, *chunk; /* local row chunks: [chunk[c], chunk[c+1]) (NULL: chunks of MS_CHUNK rows) */
  MSDDSum    accA, accg;
} TAO_MSLM;

/* the damping matrix D: running maximum of diag(J^T J) (More 1978), the current diag(J^T J), or a
   multiple of I (isotropic: the step is not stretched along directions of small curvature) */
const char *const TaoMSLMScalings[] = {"max", "diag", "identity", "TaoMSLMScaling", "TAOMSLM_SCALING_", NULL};

PetscErrorCode TaoMSLMSetScaling(Tao tao, TaoMSLMScaling scaling)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscBool same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLM, &same));
  if (same) lm->scaling = scaling;
  PetscFunctionReturn(0);
}

/* Rows [starts[c], starts[c+1]) of this rank form chunk c; sums over rows are formed per chunk and
   added in double-double, so that they do not depend on how rows are split over ranks. */
PetscErrorCode TaoMSLMSetRowChunks(Tao tao, PetscInt nchunks, const PetscInt starts[])
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscBool same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLM, &same));
  if (!same) PetscFunctionReturn(0);
  PetscCall(PetscFree(lm->chunk));
  lm->nchunks = nchunks;
  PetscCall(PetscMalloc1(nchunks + 1, &lm->chunk));
  PetscCall(PetscArraycpy(lm->chunk, starts, nchunks + 1));
  PetscFunctionReturn(0);
}

/* chunk c of the m local rows */
static void TaoMSLMChunk_Private(TAO_MSLM *lm, PetscInt m, PetscInt c, PetscInt *r0, PetscInt *r1)
{
  if (lm->chunk) {
    *r0 = lm->chunk[c];
    *r1 = lm->chunk[c + 1];
  } else {
    *r0 = c * MS_CHUNK;
    *r1 = PetscMin(m, (c + 1) * MS_CHUNK);
  }
}

static PetscInt TaoMSLMNumChunks_Private(TAO_MSLM *lm, PetscInt m)
{
  return lm->chunk ? lm->nchunks : (m + MS_CHUNK - 1) / MS_CHUNK;
}

/* F = 1/2 ||r||^2, summed chunk by chunk */
static PetscErrorCode TaoMSLMObjective_Private(Tao tao, TAO_MSLM *lm, Vec rv, PetscReal *F)
{
  const PetscScalar *r;
  PetscInt           m, nc;
  MSDDSum            acc;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(rv, &m));
  nc = TaoMSLMNumChunks_Private(lm, m);
  PetscCall(VecGetArrayRead(rv, &r));
  PetscCall(MSDDSumCreate(1, &acc));
  for (PetscInt c = 0; c < nc; c++) {
    PetscInt  r0, r1;
    PetscReal s = 0;
    TaoMSLMChunk_Private(lm, m, c, &r0, &r1);
    for (PetscInt i = r0; i < r1; i++) s += r[i] * r[i];
    PetscCall(MSDDSumAdd(&acc, 1, &s));
  }
  PetscCall(VecRestoreArrayRead(rv, &r));
  PetscCall(MSDDSumAllreduce(&acc, PetscObjectComm((PetscObject)tao), F));
  PetscCall(MSDDSumDestroy(&acc));
  *F *= 0.5;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoMSLMGetDamping(Tao tao, PetscReal *lambda)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscBool same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLM, &same));
  *lambda = same ? lm->lambda : 0.0;
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetUp_MSLM(Tao tao)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscInt  P;

  PetscFunctionBegin;
  PetscCheck(tao->ls_res && tao->ls_jac, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER, "TAOMSLM needs TaoSetResidualRoutine() and TaoSetJacobianResidualRoutine()");
  PetscCall(VecGetSize(tao->solution, &P));
  if (lm->P != P) {
    char what[128];
    PetscCall(PetscSNPrintf(what, sizeof(what), "Levenberg-Marquardt's normal equations (%" PetscInt_FMT " x %" PetscInt_FMT " parameters)", P, P));
    /* A and its factor Af, and the double-double accumulator of A (two doubles per entry) */
    PetscCall(MSCheckMemory_Private(PetscObjectComm((PetscObject)tao), (PetscInt64)P * P, MS_LM_MATRICES * (PetscReal)sizeof(PetscReal) * P * P, what));
    PetscCall(PetscFree6(lm->A, lm->Af, lm->g, lm->delta, lm->D, lm->fhist));
    lm->P = P;
    PetscCall(PetscMalloc6(P * P, &lm->A, P * P, &lm->Af, P, &lm->g, P, &lm->delta, P, &lm->D, PetscMax(lm->stall_it, 1) + 1, &lm->fhist));
    PetscCall(MSDDSumDestroy(&lm->accA));
    PetscCall(MSDDSumDestroy(&lm->accg));
    PetscCall(MSDDSumCreate(P * P, &lm->accA));
    PetscCall(MSDDSumCreate(P, &lm->accg));
  }
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!tao->stepdirection) PetscCall(VecDuplicate(tao->solution, &tao->stepdirection));
  if (!lm->xtrial) PetscCall(VecDuplicate(tao->solution, &lm->xtrial));
  if (!lm->rtrial) PetscCall(VecDuplicate(tao->ls_res, &lm->rtrial));
  PetscFunctionReturn(0);
}

/* A = J^T J (upper triangle) and g = J^T r summed over the ranks' rows, chunk by chunk (dsyrk and
   gemv on the chunk's rows into Af and delta as scratch), accumulated in double-double */
static PetscErrorCode TaoMSLMNormalEquations_Private(Tao tao, TAO_MSLM *lm)
{
  const PetscScalar *J, *r;
  PetscInt           m, lda, P = lm->P, nc;
  PetscBLASInt       bP, blda, one = 1;
  PetscScalar        a1 = 1.0, a0 = 0.0;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(MS_LMNormal, tao, 0, 0, 0));
  PetscCall(MatGetLocalSize(tao->ls_jac, &m, NULL));
  PetscCall(MatDenseGetLDA(tao->ls_jac, &lda));
  PetscCall(MatDenseGetArrayRead(tao->ls_jac, &J));
  PetscCall(VecGetArrayRead(tao->ls_res, &r));
  PetscCall(PetscBLASIntCast(P, &bP));
  PetscCall(PetscBLASIntCast(PetscMax(lda, 1), &blda));
  PetscCall(MSDDSumZero(&lm->accA));
  PetscCall(MSDDSumZero(&lm->accg));
  nc = TaoMSLMNumChunks_Private(lm, m);
  for (PetscInt c = 0; c < nc; c++) {
    PetscInt     r0, r1;
    PetscBLASInt bm;
    TaoMSLMChunk_Private(lm, m, c, &r0, &r1);
    if (r1 <= r0) continue;
    PetscCall(PetscBLASIntCast(r1 - r0, &bm));
    PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "T", &bP, &bm, &a1, J + r0, &blda, &a0, lm->Af, &bP));
    PetscCallBLAS("BLASgemv", BLASgemv_("T", &bm, &bP, &a1, J + r0, &blda, r + r0, &one, &a0, lm->delta, &one));
    PetscCall(MSDDSumAddUpper(&lm->accA, P, lm->Af));
    PetscCall(MSDDSumAdd(&lm->accg, P, lm->delta));
  }
  PetscCall(PetscLogFlops((PetscLogDouble)m * P * (P + 1) + 2.0 * m * P + 3.0 * nc * P * (P + 1)));
  PetscCall(VecRestoreArrayRead(tao->ls_res, &r));
  PetscCall(MatDenseRestoreArrayRead(tao->ls_jac, &J));
  PetscCall(MSDDSumAllreduce(&lm->accA, PetscObjectComm((PetscObject)tao), lm->A));
  PetscCall(MSDDSumAllreduce(&lm->accg, PetscObjectComm((PetscObject)tao), lm->g));
  PetscCall(PetscLogEventEnd(MS_LMNormal, tao, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* solve (A + lambda D) delta = -g on rank 0 and broadcast, so every rank takes the same step;
   returns *ok = false if the damped matrix is not numerically positive definite */
static PetscErrorCode TaoMSLMSolveStep_Private(Tao tao, TAO_MSLM *lm, PetscBool *ok)
{
  PetscInt     P = lm->P;
  PetscBLASInt bP, info = 0, one = 1;
  PetscMPIInt  rank;
  PetscReal    flag;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)tao), &rank));
  PetscCall(PetscBLASIntCast(P, &bP));
  PetscCall(PetscLogEventBegin(MS_LMFactor, tao, 0, 0, 0));
  if (rank == 0) {
    for (PetscInt j = 0; j < P; j++) {
      for (PetscInt i = 0; i <= j; i++) lm->Af[i + P * j] = lm->A[i + P * j];
      lm->Af[j + P * j] += lm->lambda * lm->D[j];
      lm->delta[j] = -lm->g[j];
    }
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("U", &bP, lm->Af, &bP, &info));
    if (!info) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("U", &bP, &one, lm->Af, &bP, lm->delta, &bP, &info));
    PetscCall(PetscLogFlops(P * (PetscLogDouble)P * P / 3.0 + 2.0 * P * P));
  }
  PetscCall(PetscLogEventEnd(MS_LMFactor, tao, 0, 0, 0));
  flag = info ? 1.0 : 0.0;
  PetscCallMPI(MPI_Bcast(&flag, 1, MPIU_REAL, 0, PetscObjectComm((PetscObject)tao)));
  *ok = flag == 0.0 ? PETSC_TRUE : PETSC_FALSE;
  if (*ok) PetscCallMPI(MPI_Bcast(lm->delta, P, MPIU_REAL, 0, PetscObjectComm((PetscObject)tao)));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSolve_MSLM(Tao tao)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscReal f, gnorm = 0, step = 0;
  PetscInt  P, lo, hi;

  PetscFunctionBegin;
  P          = lm->P;
  lm->lambda = lm->lambda0;
  lm->nu     = 2.0;
  PetscCall(PetscArrayzero(lm->D, P));
  PetscCall(VecGetOwnershipRange(tao->solution, &lo, &hi));
  PetscCall(TaoComputeResidual(tao, tao->solution, tao->ls_res));
  PetscCall(TaoMSLMObjective_Private(tao, lm, tao->ls_res, &f));
  tao->reason  = TAO_CONTINUE_ITERATING;
  tao->niter   = 0;
  lm->naccept  = 0;
  lm->nreject  = 0;
  while (1) {
    PetscScalar *g;
    PetscBool    accepted = PETSC_FALSE;

    PetscCheck(!PetscIsInfOrNanReal(f), PetscObjectComm((PetscObject)tao), PETSC_ERR_FP, "Levenberg-Marquardt: the loss is %g (NaN or Inf): check the data and expressions", (double)f);
    PetscCall(TaoComputeResidualJacobian(tao, tao->solution, tao->ls_jac, tao->ls_jac_pre));
    PetscCall(TaoMSLMNormalEquations_Private(tao, lm));
    gnorm = 0;
    for (PetscInt i = 0; i < P; i++) gnorm += lm->g[i] * lm->g[i];
    gnorm = PetscSqrtReal(gnorm);
    PetscCall(VecGetArray(tao->gradient, &g));
    for (PetscInt i = lo; i < hi; i++) g[i - lo] = lm->g[i];
    PetscCall(VecRestoreArray(tao->gradient, &g));
    { /* Marquardt scaling, as a running maximum (More 1978) or the current diagonal, floored so that a
         parameter the residual does not see (a zero column of J) still gets damped. The running
         maximum remembers the large sensitivities of the first iterations: on the sine-layer networks
         of later stages it kept lambda near 1 and stalled LM (fit2d stage 2, 1000 iterations: 5.1e-7,
         against 8.2e-8 with the identity). */
      PetscReal dmax = 0;
      for (PetscInt i = 0; i < P; i++) {
        if (lm->scaling == TAOMSLM_SCALING_MAX) lm->D[i] = PetscMax(lm->D[i], lm->A[i + P * i]);
        else lm->D[i] = lm->A[i + P * i];
        dmax = PetscMax(dmax, lm->D[i]);
      }
      if (tao->niter == 0) lm->dscale = dmax > 0 ? dmax : 1.0;
      for (PetscInt i = 0; i < P; i++) lm->D[i] = lm->scaling == TAOMSLM_SCALING_IDENTITY ? lm->dscale : PetscMax(lm->D[i], 1e-10 * dmax);
    }

    /* stall: F has not dropped by stall_factor over stall_it iterations */
    if (lm->stall_it > 0) {
      PetscInt h = tao->niter % (lm->stall_it + 1);
      if (tao->niter >= lm->stall_it && f > lm->stall_factor * lm->fhist[(tao->niter + 1) % (lm->stall_it + 1)]) tao->reason = TAO_CONVERGED_USER;
      lm->fhist[h] = f;
    }
    PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
    PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step));
    if (tao->reason == TAO_CONTINUE_ITERATING) PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
    if (tao->reason != TAO_CONTINUE_ITERATING) break;

    while (!accepted) {
      PetscBool ok;
      PetscCall(TaoMSLMSolveStep_Private(tao, lm, &ok));
      if (ok) {
        PetscReal    pred = 0, ftrial, dn = 0;
        PetscScalar *xt;
        const PetscScalar *x;
        for (PetscInt i = 0; i < P; i++) {
          pred += lm->delta[i] * (lm->lambda * lm->D[i] * lm->delta[i] - lm->g[i]);
          dn += lm->delta[i] * lm->delta[i];
        }
        pred *= 0.5;
        PetscCall(VecGetArrayRead(tao->solution, &x));
        PetscCall(VecGetArray(lm->xtrial, &xt));
        for (PetscInt i = lo; i < hi; i++) xt[i - lo] = x[i - lo] + lm->delta[i];
        PetscCall(VecRestoreArray(lm->xtrial, &xt));
        PetscCall(VecRestoreArrayRead(tao->solution, &x));
        if (tao->XL && tao->XU) PetscCall(VecMedian(tao->XL, lm->xtrial, tao->XU, lm->xtrial)); /* bounds: project the trial point */
        PetscCall(TaoComputeResidual(tao, lm->xtrial, lm->rtrial));
        PetscCall(TaoMSLMObjective_Private(tao, lm, lm->rtrial, &ftrial));
        if (!PetscIsInfOrNanReal(ftrial) && ftrial < f && pred > 0) {
          PetscReal rho = (f - ftrial) / pred, t = 2.0 * rho - 1.0;
          PetscCall(VecCopy(lm->xtrial, tao->solution));
          PetscCall(VecCopy(lm->rtrial, tao->ls_res));
          f          = ftrial;
          step       = PetscSqrtReal(dn);
          lm->lambda = lm->lambda * PetscMax(1.0 / 3.0, 1.0 - t * t * t);
          lm->nu     = 2.0;
          accepted   = PETSC_TRUE;
          lm->naccept++;
          continue;
        }
      }
      lm->nreject++;
      lm->lambda *= lm->nu;
      lm->nu *= 2.0;
      if (lm->lambda > lm->lambda_max) break;
    }
    tao->niter++;
    if (!accepted) { /* no downhill step at this precision: converged to round-off */
      PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
      PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, 0.0));
      tao->reason = TAO_CONVERGED_STEPTOL;
      break;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetFromOptions_MSLM(Tao tao, PetscOptionItems *PetscOptionsObject)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;

  PetscFunctionBegin;
  PetscCall(MSTaoCheckGenericOptions_Private(tao, PetscOptionsObject));
  PetscOptionsHeadBegin(PetscOptionsObject, "Levenberg-Marquardt (mslm) options");
  PetscCall(PetscOptionsReal("-tao_mslm_lambda", "Initial damping", "TAOMSLM", lm->lambda0, &lm->lambda0, NULL));
  PetscCall(PetscOptionsReal("-tao_mslm_lambda_max", "Largest damping before stopping (no downhill step left)", "TAOMSLM", lm->lambda_max, &lm->lambda_max, NULL));
  PetscCall(PetscOptionsEnum("-tao_mslm_scaling", "Damping matrix: running maximum of diag(J^T J) (More), current diag(J^T J), or the identity", "TaoMSLMSetScaling", TaoMSLMScalings, (PetscEnum)lm->scaling, (PetscEnum *)&lm->scaling, NULL));
  PetscCall(MSOptionsInt("-tao_mslm_stall_it", "Stop when the loss has not dropped by the stall factor in this many iterations (0: never)", "TAOMSLM", lm->stall_it, &lm->stall_it, NULL));
  PetscCall(PetscOptionsReal("-tao_mslm_stall_factor", "Stall factor (see -tao_mslm_stall_it)", "TAOMSLM", lm->stall_factor, &lm->stall_factor, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(lm->lambda0 > 0, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_mslm_lambda must be positive");
  PetscCheck(lm->stall_it >= 0, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_mslm_stall_it must be non-negative");
  lm->P = -1; /* reallocate in SetUp: the stall history depends on stall_it */
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoView_MSLM(Tao tao, PetscViewer viewer)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;
  PetscBool isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "Levenberg-Marquardt: damping matrix %s, lambda %g, %" PetscInt_FMT " steps accepted, %" PetscInt_FMT " rejected\n", TaoMSLMScalings[lm->scaling], (double)lm->lambda, lm->naccept, lm->nreject));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoDestroy_MSLM(Tao tao)
{
  TAO_MSLM *lm = (TAO_MSLM *)tao->data;

  PetscFunctionBegin;
  PetscCall(PetscFree6(lm->A, lm->Af, lm->g, lm->delta, lm->D, lm->fhist));
  PetscCall(MSDDSumDestroy(&lm->accA));
  PetscCall(MSDDSumDestroy(&lm->accg));
  PetscCall(PetscFree(lm->chunk));
  PetscCall(VecDestroy(&lm->xtrial));
  PetscCall(VecDestroy(&lm->rtrial));
  PetscCall(PetscFree(tao->data));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_MSLM(Tao tao)
{
  TAO_MSLM *lm;

  PetscFunctionBegin;
  PetscCall(PetscNew(&lm));
  lm->lambda0      = 1e-3;
  lm->lambda_max   = 1e16;
  lm->stall_it     = 100;
  lm->stall_factor = 0.99;
  lm->P            = -1;
  tao->data        = lm;
  tao->ops->setup          = TaoSetUp_MSLM;
  tao->ops->solve          = TaoSolve_MSLM;
  tao->ops->setfromoptions = TaoSetFromOptions_MSLM;
  tao->ops->view           = TaoView_MSLM;
  tao->ops->destroy        = TaoDestroy_MSLM;
  /* the aim is round-off: no gradient-size stopping unless asked for */
  if (!tao->max_it_changed) tao->max_it = 1000;
  if (!tao->gatol_changed) tao->gatol = 0.0;
  if (!tao->grtol_changed) tao->grtol = 0.0;
  if (!tao->gttol_changed) tao->gttol = 0.0;
  PetscFunctionReturn(0);
}
