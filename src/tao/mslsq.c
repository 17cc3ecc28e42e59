/* TAOMSLSQ ("mslsq"): Gauss-Newton on a subset of the variables with each step a least-squares
   solve by orthogonal factorizations, for the random-feature stages of mspinn.

   A random-feature stage keeps its hidden layers at their random initialization and trains the
   linear output layer (and any unknown coefficients): u = U_base + eps (sum_j a_j phi_j(x) + a_0).
   The residual is then linear in a for a linear PDE or a fit, and nearly so for a nonlinear one at
   small eps. The features phi_j are close to linearly dependent (cond(J) ~ 1e16), so the normal
   equations J^T J, which square the condition number, lose every digit past ~1e-8 of the fit;
   Householder QR and a truncated SVD keep them (Golub & Van Loan, "Matrix computations", 5.3 and
   5.5; for random-feature PINNs see Chen, Chi, E & Yang 2022, "Bridging traditional and machine
   learning-based algorithms for solving PDEs: the random feature method"). Each iteration:
     B = [J_S C | r]                    the selected columns S of the Jacobian, scaled to unit norm
                                        (C diagonal), and the residual, local rows
     B = Q_p R_p                        dgeqrf on every rank (TSQR, Demmel et al. 2012)
     [R_0; R_1; ...] = Q R              dgeqrf of the stacked triangles on rank 0
     R = [R11 q; 0 rho]                 so that ||J_S d + r||^2 = ||R11 d + q||^2 + rho^2
     d = -C R11^+ q                     truncated SVD (dgelsd): singular values below
                                        -tao_mslsq_rcond times the largest are dropped
   then x_S += t d with t = 1, 1/2, 1/4, ... until the loss 1/2 ||r||^2 falls. A second iteration is
   iterative refinement for a linear residual (the new residual is refitted) and Gauss-Newton's next
   step for a nonlinear one. Stops when an iteration lowers the loss by less than a factor
   -tao_mslsq_gain, when no step lowers it, or on TAO's tests (max_it, default 10).

   Cost per iteration: 2 m K^2 flops for the local QR of m rows and K = |S| columns, a gather of
   K^2/2 doubles per rank, and O(K^3) on rank 0. Unlike TAOMSLM's double-double sums, the result
   depends on the number of ranks at round-off level (the QR of a different row split). */
#include <petsc/private/taoimpl.h>
#include <petscblaslapack.h>
#include <mspinn.h>
#include <mspinn/private/taoutil.h>

/* LAPACK's divide-and-conquer SVD least-squares solver (PETSc 3.18 wraps dgelss, not dgelsd): the same
   truncated-SVD solution as dgelss, several times faster for the thousands of columns of a random-feature stage */
PETSC_EXTERN void dgelsd_(const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscReal *, const PetscReal *, PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscBLASInt *, PetscBLASInt *);

typedef struct {
  PetscInt  ncols, *cols; /* the trained variables (global indices); NULL: all */
  PetscReal rcond, gain;
  PetscInt  rank;         /* numerical rank of the last solve */
  Vec       xtrial, rtrial;
} TAO_MSLSQ;

/* Train only the variables cols[0..n-1] (global indices); the others keep their values */
PetscErrorCode TaoMSLSQSetColumns(Tao tao, PetscInt n, const PetscInt cols[])
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;
  PetscBool  same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLSQ, &same));
  if (!same) PetscFunctionReturn(0);
  PetscCall(PetscFree(ls->cols));
  ls->ncols = n;
  PetscCall(PetscMalloc1(n, &ls->cols));
  PetscCall(PetscArraycpy(ls->cols, cols, n));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoMSLSQObjective_Private(Vec r, PetscReal *F)
{
  PetscReal nrm = 0;

  PetscFunctionBegin;
  PetscCall(VecNorm(r, NORM_2, &nrm));
  *F = 0.5 * nrm * nrm;
  PetscFunctionReturn(0);
}

/* Householder QR of the m x n column-major matrix A (lda m) in place; copies its upper trapezoid,
   min(m, n) x n, into T (leading dimension ldt) */
static PetscErrorCode TaoMSLSQTriangle_Private(PetscInt m, PetscInt n, PetscReal *A, PetscInt ldt, PetscReal *T)
{
  PetscBLASInt bm, bn, info, lwork = -1;
  PetscReal   *tau, wq, *work;
  PetscInt     k = PetscMin(m, n);

  PetscFunctionBegin;
  if (m == 0) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc1(k, &tau));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&bm, &bn, A, &bm, tau, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(PetscMax(lwork, 1), &work));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&bm, &bn, A, &bm, tau, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgeqrf failed: info %d", (int)info);
  PetscCall(PetscLogFlops(2.0 * m * n * (PetscLogDouble)k - 2.0 / 3.0 * (PetscLogDouble)k * k * k));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < k; i++) T[i + ldt * j] = i <= j ? A[i + (size_t)m * j] : 0.0;
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(tau));
  PetscFunctionReturn(0);
}

/* the Gauss-Newton step d (length K, on every rank): min ||J_S d + r|| */
static PetscErrorCode TaoMSLSQStep_Private(Tao tao, TAO_MSLSQ *ls, PetscInt K, const PetscInt cols[], PetscReal d[])
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)tao);
  const PetscScalar *J, *r;
  PetscReal         *B, *T, *S = NULL, *cs;
  PetscInt           m, lda, n = K + 1, k;
  PetscMPIInt        rank, size, *cnt = NULL, *disp = NULL, mycnt;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetLocalSize(tao->ls_jac, &m, NULL));
  PetscCall(MatDenseGetLDA(tao->ls_jac, &lda));
  PetscCall(MatDenseGetArrayRead(tao->ls_jac, &J));
  PetscCall(VecGetArrayRead(tao->ls_res, &r));
  PetscCall(PetscMalloc2((size_t)m * n, &B, K, &cs));
  for (PetscInt j = 0; j < K; j++) { /* column equilibration: the SVD's cut is then relative to unit columns */
    const PetscScalar *c = J + (size_t)lda * cols[j];
    cs[j] = 0;
    for (PetscInt i = 0; i < m; i++) cs[j] += c[i] * c[i];
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, cs, (PetscMPIInt)K, MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt j = 0; j < K; j++) {
    const PetscScalar *c = J + (size_t)lda * cols[j];
    PetscReal         *bj = B + (size_t)m * j;
    cs[j] = cs[j] > 0 ? 1.0 / PetscSqrtReal(cs[j]) : 0.0;
    for (PetscInt i = 0; i < m; i++) bj[i] = cs[j] * c[i];
  }
  PetscCall(PetscArraycpy(B + (size_t)m * K, r, m));
  PetscCall(VecRestoreArrayRead(tao->ls_res, &r));
  PetscCall(MatDenseRestoreArrayRead(tao->ls_jac, &J));
  k = PetscMin(m, n);
  PetscCall(PetscMalloc1((size_t)PetscMax(k, 1) * n, &T));
  PetscCall(TaoMSLSQTriangle_Private(m, n, B, k, T));
  /* gather the triangles, row-stacked, on rank 0 (column-major with leading dimension sum k_p) */
  PetscCall(PetscMPIIntCast(k, &mycnt));
  if (rank == 0) PetscCall(PetscMalloc2(size, &cnt, size + 1, &disp));
  PetscCallMPI(MPI_Gather(&mycnt, 1, MPI_INT, cnt, 1, MPI_INT, 0, comm));
  {
    PetscInt ktot = 0;
    if (rank == 0) {
      disp[0] = 0;
      for (PetscMPIInt p = 0; p < size; p++) disp[p + 1] = disp[p] + cnt[p];
      ktot = disp[size];
      PetscCall(PetscMalloc1((size_t)PetscMax(ktot, 1) * n, &S));
    }
    for (PetscInt j = 0; j < n; j++) /* one column at a time: the triangles' rows are contiguous per column */
      PetscCallMPI(MPI_Gatherv(T + (size_t)k * j, mycnt, MPIU_REAL, rank == 0 ? S + (size_t)ktot * j : NULL, cnt, disp, MPIU_REAL, 0, comm));
    PetscCall(PetscFree(T));
    if (rank == 0) {
      PetscReal   *R, *q, *sv, *work, wq, rcond = ls->rcond;
      PetscInt     kk = PetscMin(ktot, n);
      PetscBLASInt bK, one = 1, info, lwork = -1, brank;

      PetscCall(PetscCalloc2((size_t)n * n, &R, PetscMax(K, 1), &sv));
      if (size > 1) PetscCall(TaoMSLSQTriangle_Private(ktot, n, S, n, R));
      else
        for (PetscInt j = 0; j < n; j++)
          for (PetscInt i = 0; i < kk; i++) R[i + n * j] = S[i + (size_t)ktot * j];
      /* R11 is R[0:K, 0:K] (leading dimension n), q = R[0:K, K]; rows past kk are zero */
      q = R + (size_t)n * K;
      for (PetscInt i = 0; i < K; i++) d[i] = -q[i];
      PetscCall(PetscBLASIntCast(K, &bK));
      {
        PetscBLASInt bn;
        PetscCall(PetscBLASIntCast(n, &bn));
        PetscBLASInt iwq, *iwork;
        PetscCallBLAS("LAPACKgelsd", dgelsd_(&bK, &bK, &one, R, &bn, d, &bK, sv, &rcond, &brank, &wq, &lwork, &iwq, &info));
        PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
        PetscCall(PetscMalloc2(PetscMax(lwork, 1), &work, PetscMax(iwq, 1), &iwork));
        PetscCallBLAS("LAPACKgelsd", dgelsd_(&bK, &bK, &one, R, &bn, d, &bK, sv, &rcond, &brank, work, &lwork, iwork, &info));
        PetscCall(PetscFree2(work, iwork));
      }
      PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgelsd failed: info %d", (int)info);
      PetscCall(PetscLogFlops(12.0 * (PetscLogDouble)K * K * K));
      ls->rank = brank;
      PetscCall(PetscFree2(R, sv));
      PetscCall(PetscFree(S));
      PetscCall(PetscFree2(cnt, disp));
    }
  }
  PetscCallMPI(MPI_Bcast(d, (PetscMPIInt)K, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(&ls->rank, 1, MPIU_INT, 0, comm));
  for (PetscInt j = 0; j < K; j++) d[j] *= cs[j];
  PetscCall(PetscFree2(B, cs));
  PetscFunctionReturn(0);
}

/* ||J_S^T r||, the gradient of the loss in the trained variables (work: K entries) */
static PetscErrorCode TaoMSLSQGradientNorm_Private(Tao tao, PetscInt K, const PetscInt cols[], PetscReal work[], PetscReal *gnorm)
{
  const PetscScalar *J, *r;
  PetscInt           m, lda;
  PetscReal          s = 0;

  PetscFunctionBegin;
  PetscCall(MatGetLocalSize(tao->ls_jac, &m, NULL));
  PetscCall(MatDenseGetLDA(tao->ls_jac, &lda));
  PetscCall(MatDenseGetArrayRead(tao->ls_jac, &J));
  PetscCall(VecGetArrayRead(tao->ls_res, &r));
  for (PetscInt j = 0; j < K; j++) {
    const PetscScalar *c = J + (size_t)lda * cols[j];
    work[j] = 0;
    for (PetscInt i = 0; i < m; i++) work[j] += c[i] * r[i];
  }
  PetscCall(VecRestoreArrayRead(tao->ls_res, &r));
  PetscCall(MatDenseRestoreArrayRead(tao->ls_jac, &J));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, work, (PetscMPIInt)K, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)tao)));
  for (PetscInt j = 0; j < K; j++) s += work[j] * work[j];
  *gnorm = PetscSqrtReal(s);
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetUp_MSLSQ(Tao tao)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;

  PetscFunctionBegin;
  PetscCheck(tao->ls_res && tao->ls_jac, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER, "TAOMSLSQ needs TaoSetResidualRoutine() and TaoSetJacobianResidualRoutine()");
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!tao->stepdirection) PetscCall(VecDuplicate(tao->solution, &tao->stepdirection));
  if (!ls->xtrial) PetscCall(VecDuplicate(tao->solution, &ls->xtrial));
  if (!ls->rtrial) PetscCall(VecDuplicate(tao->ls_res, &ls->rtrial));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSolve_MSLSQ(Tao tao)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;
  PetscReal  f = 0, step = 0, gnorm = 0, *d;
  PetscInt   P, lo, hi, K, *cols;

  PetscFunctionBegin;
  PetscCall(VecGetSize(tao->solution, &P));
  PetscCall(VecGetOwnershipRange(tao->solution, &lo, &hi));
  K = ls->cols ? ls->ncols : P;
  PetscCall(PetscMalloc2(K, &cols, K, &d));
  for (PetscInt j = 0; j < K; j++) {
    cols[j] = ls->cols ? ls->cols[j] : j;
    PetscCheck(cols[j] >= 0 && cols[j] < P, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "TAOMSLSQ: column %" PetscInt_FMT " is not one of the %" PetscInt_FMT " variables", cols[j], P);
  }
  PetscCall(TaoComputeResidual(tao, tao->solution, tao->ls_res));
  PetscCall(TaoMSLSQObjective_Private(tao->ls_res, &f));
  tao->reason = TAO_CONTINUE_ITERATING;
  tao->niter  = 0;
  while (1) {
    PetscReal ftrial = f, t = 1.0;
    PetscBool accepted = PETSC_FALSE;

    PetscCheck(!PetscIsInfOrNanReal(f), PetscObjectComm((PetscObject)tao), PETSC_ERR_FP, "Gauss-Newton (mslsq): the loss is %g (NaN or Inf): check the data and expressions", (double)f);
    PetscCall(TaoComputeResidualJacobian(tao, tao->solution, tao->ls_jac, tao->ls_jac_pre));
    PetscCall(TaoMSLSQGradientNorm_Private(tao, K, cols, d, &gnorm));
    PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
    PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step));
    PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
    if (tao->reason != TAO_CONTINUE_ITERATING) break;
    PetscCall(TaoMSLSQStep_Private(tao, ls, K, cols, d));
    for (PetscInt h = 0; h < 30 && !accepted; h++, t *= 0.5) { /* backtracking on the Gauss-Newton step */
      const PetscScalar *x;
      PetscScalar       *xt;
      PetscCall(VecGetArrayRead(tao->solution, &x));
      PetscCall(VecGetArray(ls->xtrial, &xt));
      for (PetscInt i = lo; i < hi; i++) xt[i - lo] = x[i - lo];
      for (PetscInt j = 0; j < K; j++)
        if (cols[j] >= lo && cols[j] < hi) xt[cols[j] - lo] += t * d[j];
      PetscCall(VecRestoreArray(ls->xtrial, &xt));
      PetscCall(VecRestoreArrayRead(tao->solution, &x));
      if (tao->XL && tao->XU) PetscCall(VecMedian(tao->XL, ls->xtrial, tao->XU, ls->xtrial));
      PetscCall(TaoComputeResidual(tao, ls->xtrial, ls->rtrial));
      PetscCall(TaoMSLSQObjective_Private(ls->rtrial, &ftrial));
      if (!PetscIsInfOrNanReal(ftrial) && ftrial < f) accepted = PETSC_TRUE;
    }
    tao->niter++;
    if (!accepted) { /* no step lowers the loss at this precision (tao->ls_res still holds r(x)) */
      tao->reason = TAO_CONVERGED_STEPTOL;
      break;
    }
    {
      PetscReal dn = 0;
      for (PetscInt j = 0; j < K; j++) dn += d[j] * d[j];
      step = 2 * t * PetscSqrtReal(dn); /* t was halved once more after the accepted trial */
    }
    PetscCall(VecCopy(ls->xtrial, tao->solution));
    PetscCall(VecCopy(ls->rtrial, tao->ls_res));
    if (ftrial > f / ls->gain) { /* converged: the last iteration gained too little */
      f = ftrial;
      PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
      PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step));
      tao->reason = TAO_CONVERGED_USER;
      break;
    }
    f = ftrial;
  }
  PetscCall(PetscInfo(tao, "mslsq: %" PetscInt_FMT " variables, numerical rank %" PetscInt_FMT ", loss %g\n", K, ls->rank, (double)f));
  PetscCall(PetscFree2(cols, d));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetFromOptions_MSLSQ(Tao tao, PetscOptionItems *PetscOptionsObject)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;

  PetscFunctionBegin;
  PetscCall(MSTaoCheckGenericOptions_Private(tao, PetscOptionsObject));
  PetscOptionsHeadBegin(PetscOptionsObject, "Gauss-Newton with orthogonal least-squares solves (mslsq) options");
  PetscCall(PetscOptionsReal("-tao_mslsq_rcond", "Drop singular values of the Jacobian below this fraction of the largest", "TAOMSLSQ", ls->rcond, &ls->rcond, NULL));
  PetscCall(PetscOptionsReal("-tao_mslsq_gain", "Stop when an iteration lowers the loss by less than this factor", "TAOMSLSQ", ls->gain, &ls->gain, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(ls->rcond > 0 && ls->rcond < 1, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_mslsq_rcond %g: must be in (0, 1)", (double)ls->rcond);
  PetscCheck(ls->gain >= 1, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_mslsq_gain %g: must be at least 1", (double)ls->gain);
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoView_MSLSQ(Tao tao, PetscViewer viewer)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;
  PetscBool  isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "Gauss-Newton, QR + truncated SVD: rcond %g, numerical rank %" PetscInt_FMT "\n", (double)ls->rcond, ls->rank));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoDestroy_MSLSQ(Tao tao)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(ls->cols));
  PetscCall(VecDestroy(&ls->xtrial));
  PetscCall(VecDestroy(&ls->rtrial));
  PetscCall(PetscFree(tao->data));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_MSLSQ(Tao tao)
{
  TAO_MSLSQ *ls;

  PetscFunctionBegin;
  PetscCall(PetscNew(&ls));
  ls->rcond = 1e-15;
  ls->gain  = 2.0;
  tao->data = ls;
  tao->ops->setup          = TaoSetUp_MSLSQ;
  tao->ops->solve          = TaoSolve_MSLSQ;
  tao->ops->setfromoptions = TaoSetFromOptions_MSLSQ;
  tao->ops->view           = TaoView_MSLSQ;
  tao->ops->destroy        = TaoDestroy_MSLSQ;
  if (!tao->max_it_changed) tao->max_it = 10;
  if (!tao->gatol_changed) tao->gatol = 0.0;
  if (!tao->grtol_changed) tao->grtol = 0.0;
  if (!tao->gttol_changed) tao->gttol = 0.0;
  PetscFunctionReturn(0);
}
