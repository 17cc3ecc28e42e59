/* TAOMSLSQ ("mslsq"): Gauss-Newton on a subset of the variables with each step a least-squares
   solve by orthogonal factorizations, for the random-feature stages of mspinn.

   A random-feature stage keeps its hidden layers at their random initialization and trains the
   linear output layer (and any unknown coefficients): u = U_base + eps (sum_j a_j phi_j(x) + a_0).
   The residual is then linear in a for a linear PDE or a fit, and nearly so for a nonlinear one at
   small eps. The features phi_j are close to linearly dependent (cond(J) ~ 1e16), so the normal
   equations J^T J, which square the condition number, lose every digit past ~1e-8 of the fit;
   Householder QR and a rank-revealing solve of its triangle keep them (Golub & Van Loan, "Matrix computations", 5.3 and
   5.5; for random-feature PINNs see Chen, Chi, E & Yang 2022, "Bridging traditional and machine
   learning-based algorithms for solving PDEs: the random feature method"). Each iteration:
     B = [J_S C | r]                    the selected columns S of the Jacobian, scaled to unit norm
                                        (C diagonal), and the residual, local rows
     B = Q_p R_p                        dgeqrf on every rank (TSQR, Demmel et al. 2012)
     [R_0; R_1; ...] = Q R              dgeqrf of the stacked triangles on rank 0
     R = [R11 q; 0 rho]                 so that ||J_S d + r||^2 = ||R11 d + q||^2 + rho^2
     d = -C R11^+ q                     R11^+ cut at -tao_mslsq_rcond: by default (cod) a complete
                                        orthogonal decomposition R11 P = Q1 [T 0] Z (QR with column
                                        pivoting, rank r = #{|T_ii| >= rcond |T_00|}, then dtzrzf),
                                        or (svd) a truncated SVD (dgelsd)
   then x_S += t d with t = 1, 1/2, 1/4, ... until the loss 1/2 ||r||^2 falls. A second iteration is
   iterative refinement for a linear residual (the new residual is refitted) and Gauss-Newton's next
   step for a nonlinear one. For a linear residual (TaoMSLSQSetLinear) with cod the Jacobian, its QR
   and R11's decomposition are kept: a refinement costs one residual and the kept reflectors applied
   to it (4 m K flops). Stops when an iteration lowers the loss by less than a factor
   -tao_mslsq_gain, when no step lowers it, or on TAO's tests (max_it, default 10).

   Cost per factorization: 2 m K^2 flops for the local QR of m rows and K = |S| columns, a gather of
   K^2/2 doubles per rank, and ~2 K^3 (cod; svd ~12 K^3) on rank 0. Unlike TAOMSLM's double-double sums, the result
   depends on the number of ranks at round-off level (the QR of a different row split). */
#include <petsc/private/taoimpl.h>
#include <petscblaslapack.h>
#include <mspinn.h>
#include <mspinn/private/taoutil.h>

/* LAPACK's divide-and-conquer SVD least-squares solver (PETSc 3.18 wraps dgelss, not dgelsd): the same
   truncated-SVD solution as dgelss, several times faster for the thousands of columns of a random-feature stage */
PETSC_EXTERN void dgelsd_(const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscReal *, const PetscReal *, PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscBLASInt *, PetscBLASInt *);

/* and the parts of a complete orthogonal decomposition (not wrapped by PETSc 3.18) */
PETSC_EXTERN void dgeqp3_(const PetscBLASInt *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscBLASInt *, PetscReal *, PetscReal *,
                          const PetscBLASInt *, PetscBLASInt *);
PETSC_EXTERN void dtzrzf_(const PetscBLASInt *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *, PetscReal *, PetscReal *, const PetscBLASInt *,
                          PetscBLASInt *);
PETSC_EXTERN void dormrz_(const char *, const char *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *, const PetscBLASInt *,
                          const PetscReal *, const PetscBLASInt *, const PetscReal *, PetscReal *, const PetscBLASInt *, PetscReal *, const PetscBLASInt *,
                          PetscBLASInt *);

/* how the K x K triangle R11 is solved in the least-squares sense */
typedef enum {
  TAO_MSLSQ_SVD, /* truncated SVD (dgelsd): ~12 K^3 flops */
  TAO_MSLSQ_COD  /* QR with column pivoting and a complete orthogonal decomposition: ~2 K^3 flops, reusable */
} TaoMSLSQFactorization;
static const char *const TaoMSLSQFactorizations[] = {"svd", "cod", "TaoMSLSQFactorization", "TAO_MSLSQ_", NULL};

typedef struct {
  PetscInt  ncols, *cols; /* the trained variables (global indices); NULL: all */
  TaoMSLSQFactorization fact;
  PetscReal rcond, gain;
  PetscInt  rank;         /* numerical rank of the last solve */
  Vec       xtrial, rtrial;
  /* the factorization of the last iteration, kept for the next when the residual is linear */
  PetscBool     linear, factored;
  PetscInt      m, k, ktot;      /* local rows, local reflectors, stacked rows (rank 0) */
  PetscReal    *B, *tau, *cs;    /* local QR of [J_S C | r] (m x (K+1)), its reflectors' factors; the column scales C */
  PetscReal    *S, *taus;        /* rank 0, several ranks: QR of the stacked triangles */
  PetscReal    *R, *tauq, *tauz; /* rank 0: R (n x n); with cod, R11's decomposition in place */
  PetscBLASInt *jpvt, crank;
  PetscMPIInt  *cnt, *disp;      /* rank 0: rows of every rank's triangle, and their offsets */
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

/* the residual is affine in the trained variables (a linear PDE with known coefficients): with
   -tao_mslsq_factorization cod the Jacobian is computed and factored once per solve */
PetscErrorCode TaoMSLSQSetLinear(Tao tao, PetscBool linear)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;
  PetscBool  same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLSQ, &same));
  if (same) ls->linear = linear;
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

/* d <- the minimum-norm least-squares solution of R11 d = d (R11: K x K, leading dimension n, destroyed)
   with the singular values below -tao_mslsq_rcond times the largest cut (dgelsd) */
static PetscErrorCode TaoMSLSQSolveTriangle_Private(TAO_MSLSQ *ls, PetscInt K, PetscInt n, PetscReal *R, PetscReal d[], PetscReal sv[],
                                                    PetscBLASInt *brank)
{
  PetscBLASInt bK, bn, one = 1, info, lwork = -1, iwq = 0, *iwork;
  PetscReal    wq, *work;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(K, &bK));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKgelsd", dgelsd_(&bK, &bK, &one, R, &bn, d, &bK, sv, &ls->rcond, brank, &wq, &lwork, &iwq, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc2(PetscMax(lwork, 1), &work, PetscMax(iwq, 1), &iwork));
  PetscCallBLAS("LAPACKgelsd", dgelsd_(&bK, &bK, &one, R, &bn, d, &bK, sv, &ls->rcond, brank, work, &lwork, iwork, &info));
  PetscCall(PetscLogFlops(12.0 * (PetscLogDouble)K * K * K));
  PetscCall(PetscFree2(work, iwork));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgelsd failed: info %d", (int)info);
  PetscFunctionReturn(0);
}

/* Householder QR of the m x n column-major matrix A (lda m) in place, its reflectors' factors in tau
   (min(m, n)) */
static PetscErrorCode TaoMSLSQQR_Private(PetscInt m, PetscInt n, PetscReal *A, PetscReal tau[])
{
  PetscBLASInt bm, bn, info, lwork = -1;
  PetscReal    wq, *work;
  PetscInt     k = PetscMin(m, n);

  PetscFunctionBegin;
  if (m == 0) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&bm, &bn, A, &bm, tau, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(PetscMax(lwork, 1), &work));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&bm, &bn, A, &bm, tau, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgeqrf failed: info %d", (int)info);
  PetscCall(PetscLogFlops(2.0 * m * n * (PetscLogDouble)k - 2.0 / 3.0 * (PetscLogDouble)k * k * k));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(0);
}

/* v <- Q^T v for the first k reflectors of a QR stored in A (m rows, lda m) */
static PetscErrorCode TaoMSLSQApplyQT_Private(PetscInt m, PetscInt k, PetscReal *A, PetscReal tau[], PetscReal v[])
{
  PetscBLASInt bm, bk, one = 1, info, lwork = -1;
  PetscReal    wq, *work;

  PetscFunctionBegin;
  if (m == 0 || k == 0) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCallBLAS("LAPACKormqr", LAPACKormqr_("L", "T", &bm, &one, &bk, A, &bm, tau, v, &bm, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(PetscMax(lwork, 1), &work));
  PetscCallBLAS("LAPACKormqr", LAPACKormqr_("L", "T", &bm, &one, &bk, A, &bm, tau, v, &bm, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dormqr failed: info %d", (int)info);
  PetscCall(PetscFree(work));
  PetscFunctionReturn(0);
}

/* The complete orthogonal decomposition of the K x K triangle R11 (leading dimension ldr, in place):
   R11 P = Q1 [T11 T12; 0 T22] by QR with column pivoting, the numerical rank r the number of
   |T_ii| >= rcond |T_00| (the pivoting orders them by size), then [T11 T12] = [T 0] Z (dtzrzf).
   Golub & Van Loan, "Matrix computations", 5.4.2; LAPACK's dgelsy, with this rank test */
static PetscErrorCode TaoMSLSQCODFactor_Private(TAO_MSLSQ *ls, PetscInt K, PetscInt ldr, PetscReal *R)
{
  PetscBLASInt bK, bl, br, info, lwork = -1;
  PetscReal    wq, *work;
  PetscInt     r = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(K, &bK));
  PetscCall(PetscBLASIntCast(ldr, &bl));
  PetscCall(PetscCalloc1(PetscMax(K, 1), &ls->jpvt)); /* 0: every column free to pivot */
  PetscCall(PetscMalloc2(PetscMax(K, 1), &ls->tauq, PetscMax(K, 1), &ls->tauz));
  PetscCallBLAS("LAPACKgeqp3", dgeqp3_(&bK, &bK, R, &bl, ls->jpvt, ls->tauq, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(PetscMax(lwork, 1), &work));
  PetscCallBLAS("LAPACKgeqp3", dgeqp3_(&bK, &bK, R, &bl, ls->jpvt, ls->tauq, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgeqp3 failed: info %d", (int)info);
  PetscCall(PetscFree(work));
  PetscCall(PetscLogFlops(4.0 / 3.0 * (PetscLogDouble)K * K * K));
  while (r < K && PetscAbsReal(R[r + ldr * r]) > ls->rcond * PetscAbsReal(R[0])) r++;
  ls->crank = r;
  if (r > 0 && r < K) {
    PetscCall(PetscBLASIntCast(r, &br));
    lwork = -1;
    PetscCallBLAS("LAPACKtzrzf", dtzrzf_(&br, &bK, R, &bl, ls->tauz, &wq, &lwork, &info));
    PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
    PetscCall(PetscMalloc1(PetscMax(lwork, 1), &work));
    PetscCallBLAS("LAPACKtzrzf", dtzrzf_(&br, &bK, R, &bl, ls->tauz, work, &lwork, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dtzrzf failed: info %d", (int)info);
    PetscCall(PetscFree(work));
    PetscCall(PetscLogFlops(4.0 * (PetscLogDouble)r * r * (K - r)));
  }
  PetscFunctionReturn(0);
}

/* d <- the minimum-norm solution of min ||R11 x - d|| cut at the rank, from the decomposition above:
   x = P Z^T [T^-1 (Q1^T d)_(0:r); 0] */
static PetscErrorCode TaoMSLSQCODSolve_Private(TAO_MSLSQ *ls, PetscInt K, PetscInt ldr, PetscReal *R, PetscReal d[])
{
  PetscBLASInt bK, bl, br, bz, one = 1, info, lwork = -1;
  PetscReal    wq, *work, *x;
  PetscInt     r = ls->crank;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(K, &bK));
  PetscCall(PetscBLASIntCast(ldr, &bl));
  PetscCall(PetscBLASIntCast(r, &br));
  PetscCall(PetscBLASIntCast(K - r, &bz));
  PetscCall(PetscMalloc1(PetscMax(K, 1), &x));
  PetscCallBLAS("LAPACKormqr", LAPACKormqr_("L", "T", &bK, &one, &bK, R, &bl, ls->tauq, d, &bK, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(PetscMax(lwork, K), &work));
  PetscCallBLAS("LAPACKormqr", LAPACKormqr_("L", "T", &bK, &one, &bK, R, &bl, ls->tauq, d, &bK, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dormqr failed: info %d", (int)info);
  if (r > 0) PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("U", "N", "N", &br, &one, R, &bl, d, &bK, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dtrtrs failed: info %d", (int)info);
  for (PetscInt i = r; i < K; i++) d[i] = 0.0;
  if (r > 0 && r < K) {
    PetscCallBLAS("LAPACKormrz", dormrz_("L", "T", &bK, &one, &br, &bz, R, &bl, ls->tauz, d, &bK, work, &bK, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "dormrz failed: info %d", (int)info);
  }
  for (PetscInt i = 0; i < K; i++) x[ls->jpvt[i] - 1] = d[i];
  PetscCall(PetscArraycpy(d, x, K));
  PetscCall(PetscLogFlops(4.0 * (PetscLogDouble)K * K));
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

/* frees the factorization kept for the next iterations */
static PetscErrorCode TaoMSLSQResetFactors_Private(TAO_MSLSQ *ls)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(ls->B, ls->tau, ls->cs));
  PetscCall(PetscFree2(ls->S, ls->taus));
  PetscCall(PetscFree(ls->R));
  PetscCall(PetscFree(ls->jpvt));
  PetscCall(PetscFree2(ls->tauq, ls->tauz));
  PetscCall(PetscFree2(ls->cnt, ls->disp));
  ls->factored = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* B = [J_S C | r] (local rows), C the column scales that give J_S C unit columns */
static PetscErrorCode TaoMSLSQAssemble_Private(Tao tao, TAO_MSLSQ *ls, PetscInt K, const PetscInt cols[])
{
  const PetscScalar *J, *r;
  PetscInt           m = ls->m, lda;

  PetscFunctionBegin;
  PetscCall(MatDenseGetLDA(tao->ls_jac, &lda));
  PetscCall(MatDenseGetArrayRead(tao->ls_jac, &J));
  PetscCall(VecGetArrayRead(tao->ls_res, &r));
  for (PetscInt j = 0; j < K; j++) { /* column equilibration: the cut is then relative to unit columns */
    const PetscScalar *c = J + (size_t)lda * cols[j];
    ls->cs[j] = 0;
    for (PetscInt i = 0; i < m; i++) ls->cs[j] += c[i] * c[i];
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ls->cs, (PetscMPIInt)K, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)tao)));
  for (PetscInt j = 0; j < K; j++) {
    const PetscScalar *c  = J + (size_t)lda * cols[j];
    PetscReal         *bj = ls->B + (size_t)m * j;
    ls->cs[j]             = ls->cs[j] > 0 ? 1.0 / PetscSqrtReal(ls->cs[j]) : 0.0;
    for (PetscInt i = 0; i < m; i++) bj[i] = ls->cs[j] * c[i];
  }
  PetscCall(PetscArraycpy(ls->B + (size_t)m * K, r, m));
  PetscCall(VecRestoreArrayRead(tao->ls_res, &r));
  PetscCall(MatDenseRestoreArrayRead(tao->ls_jac, &J));
  PetscFunctionReturn(0);
}

/* gathers the first k rows (leading dimension ld) of ncol columns of every rank's M, row-stacked, on
   rank 0 into G (leading dimension ls->ktot) */
static PetscErrorCode TaoMSLSQGather_Private(Tao tao, TAO_MSLSQ *ls, PetscInt ncol, const PetscReal *M, PetscInt ld, PetscReal *G)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)tao);
  PetscMPIInt mycnt, rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMPIIntCast(ls->k, &mycnt));
  for (PetscInt j = 0; j < ncol; j++) /* one column at a time: the rows of a column are contiguous */
    PetscCallMPI(MPI_Gatherv(M + (size_t)ld * j, mycnt, MPIU_REAL, rank == 0 ? G + (size_t)ls->ktot * j : NULL, ls->cnt, ls->disp, MPIU_REAL, 0,
        comm));
  PetscFunctionReturn(0);
}

/* the first factorization of an iteration: local QR of B, the stacked triangles' QR on rank 0, and R
   (n x n, leading dimension n) on rank 0 */
static PetscErrorCode TaoMSLSQFactor_Private(Tao tao, TAO_MSLSQ *ls, PetscInt K, const PetscInt cols[])
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)tao);
  PetscInt    m, n = K + 1;
  PetscMPIInt rank, size, mycnt;
  PetscReal  *T;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetLocalSize(tao->ls_jac, &m, NULL));
  ls->m = m;
  ls->k = PetscMin(m, n);
  PetscCall(PetscMalloc3((size_t)m * n, &ls->B, PetscMax(ls->k, 1), &ls->tau, PetscMax(K, 1), &ls->cs));
  PetscCall(TaoMSLSQAssemble_Private(tao, ls, K, cols));
  PetscCall(TaoMSLSQQR_Private(m, n, ls->B, ls->tau));
  PetscCall(PetscCalloc1((size_t)PetscMax(ls->k, 1) * n, &T)); /* the local triangle, k x n */
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < ls->k && i <= j; i++) T[i + ls->k * j] = ls->B[i + (size_t)m * j];
  PetscCall(PetscMPIIntCast(ls->k, &mycnt));
  if (rank == 0) PetscCall(PetscMalloc2(size, &ls->cnt, size + 1, &ls->disp));
  PetscCallMPI(MPI_Gather(&mycnt, 1, MPI_INT, ls->cnt, 1, MPI_INT, 0, comm));
  ls->ktot = 0;
  if (rank == 0) {
    ls->disp[0] = 0;
    for (PetscMPIInt p = 0; p < size; p++) ls->disp[p + 1] = ls->disp[p] + ls->cnt[p];
    ls->ktot = ls->disp[size];
    PetscCall(PetscMalloc2((size_t)PetscMax(ls->ktot, 1) * n, &ls->S, PetscMax(PetscMin(ls->ktot, n), 1), &ls->taus));
  }
  PetscCall(TaoMSLSQGather_Private(tao, ls, n, T, ls->k, ls->S));
  PetscCall(PetscFree(T));
  if (rank == 0) {
    PetscInt kk = PetscMin(ls->ktot, n);
    PetscCall(PetscCalloc1((size_t)n * n, &ls->R));
    if (size > 1) PetscCall(TaoMSLSQQR_Private(ls->ktot, n, ls->S, ls->taus));
    for (PetscInt j = 0; j < n; j++) /* rows past kk stay zero */
      for (PetscInt i = 0; i < kk && i <= j; i++) ls->R[i + n * j] = ls->S[i + (size_t)ls->ktot * j];
  }
  PetscFunctionReturn(0);
}

/* q = the first K entries of Q^T r for the kept factorization and the current residual (rank 0) */
static PetscErrorCode TaoMSLSQProject_Private(Tao tao, TAO_MSLSQ *ls, PetscInt K, PetscReal q[])
{
  const PetscScalar *r;
  PetscReal         *v, *g = NULL;
  PetscMPIInt        rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)tao), &rank));
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)tao), &size));
  PetscCall(PetscMalloc1(PetscMax(ls->m, 1), &v));
  PetscCall(VecGetArrayRead(tao->ls_res, &r));
  PetscCall(PetscArraycpy(v, r, ls->m));
  PetscCall(VecRestoreArrayRead(tao->ls_res, &r));
  PetscCall(TaoMSLSQApplyQT_Private(ls->m, PetscMin(ls->k, K), ls->B, ls->tau, v));
  if (rank == 0) PetscCall(PetscMalloc1(PetscMax(ls->ktot, 1), &g));
  PetscCall(TaoMSLSQGather_Private(tao, ls, 1, v, ls->m, g));
  if (rank == 0) {
    if (size > 1) PetscCall(TaoMSLSQApplyQT_Private(ls->ktot, PetscMin(PetscMin(ls->ktot, K + 1), K), ls->S, ls->taus, g));
    for (PetscInt i = 0; i < K; i++) q[i] = i < ls->ktot ? g[i] : 0.0;
  }
  PetscCall(PetscFree(g));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* the Gauss-Newton step d (length K, on every rank): min ||J_S d + r||. With -tao_mslsq_factorization
   cod and a linear residual the factorization is kept: later iterations (iterative refinement) cost a
   residual and the application of the kept reflectors */
static PetscErrorCode TaoMSLSQStep_Private(Tao tao, TAO_MSLSQ *ls, PetscInt K, const PetscInt cols[], PetscReal d[])
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)tao);
  PetscInt    n    = K + 1;
  PetscMPIInt rank;
  PetscBool   reuse = ls->linear && ls->fact == TAO_MSLSQ_COD ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!ls->factored) {
    PetscCall(TaoMSLSQFactor_Private(tao, ls, K, cols));
    if (rank == 0) {
      PetscReal *sv;
      for (PetscInt i = 0; i < K; i++) d[i] = -ls->R[i + (size_t)n * K]; /* q = R[0:K, K] */
      if (ls->fact == TAO_MSLSQ_SVD) {
        PetscBLASInt brank;
        PetscCall(PetscMalloc1(PetscMax(K, 1), &sv));
        PetscCall(TaoMSLSQSolveTriangle_Private(ls, K, n, ls->R, d, sv, &brank));
        ls->rank = brank;
        PetscCall(PetscFree(sv));
      } else {
        PetscCall(TaoMSLSQCODFactor_Private(ls, K, n, ls->R));
        PetscCall(TaoMSLSQCODSolve_Private(ls, K, n, ls->R, d));
        ls->rank = ls->crank;
      }
    }
    ls->factored = PETSC_TRUE;
  } else {
    PetscCall(TaoMSLSQProject_Private(tao, ls, K, d));
    if (rank == 0) {
      for (PetscInt i = 0; i < K; i++) d[i] = -d[i];
      PetscCall(TaoMSLSQCODSolve_Private(ls, K, n, ls->R, d));
    }
  }
  PetscCallMPI(MPI_Bcast(d, (PetscMPIInt)K, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(&ls->rank, 1, MPIU_INT, 0, comm));
  for (PetscInt j = 0; j < K; j++) d[j] *= ls->cs[j];
  if (!reuse) PetscCall(TaoMSLSQResetFactors_Private(ls));
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
  PetscCall(TaoMSLSQResetFactors_Private(ls));
  PetscCall(TaoComputeResidual(tao, tao->solution, tao->ls_res));
  PetscCall(TaoMSLSQObjective_Private(tao->ls_res, &f));
  tao->reason = TAO_CONTINUE_ITERATING;
  tao->niter  = 0;
  while (1) {
    PetscReal ftrial = f, t = 1.0;
    PetscBool accepted = PETSC_FALSE;

    PetscCheck(!PetscIsInfOrNanReal(f), PetscObjectComm((PetscObject)tao), PETSC_ERR_FP, "Gauss-Newton (mslsq): the loss is %g (NaN or Inf): check the data and expressions", (double)f);
    if (!ls->factored) PetscCall(TaoComputeResidualJacobian(tao, tao->solution, tao->ls_jac, tao->ls_jac_pre)); /* (kept: linear) */
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
  PetscCall(TaoMSLSQResetFactors_Private(ls));
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
  PetscCall(PetscOptionsEnum("-tao_mslsq_factorization",
      "How the triangle of the QR is solved: truncated SVD, or pivoted QR with a complete orthogonal decomposition (about 4 times fewer flops)",
      "TAOMSLSQ", TaoMSLSQFactorizations, (PetscEnum)ls->fact, (PetscEnum *)&ls->fact, NULL));
  PetscCall(PetscOptionsReal("-tao_mslsq_rcond",
      "Cut the part of the (column-scaled) Jacobian whose singular values, or pivoted-QR condition estimate, fall below this fraction of the largest",
      "TAOMSLSQ", ls->rcond, &ls->rcond, NULL));
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
  PetscCall(PetscViewerASCIIPrintf(viewer, "Gauss-Newton, QR + %s: rcond %g, numerical rank %" PetscInt_FMT "\n",
      ls->fact == TAO_MSLSQ_SVD ? "truncated SVD" : "pivoted QR (complete orthogonal decomposition)", (double)ls->rcond, ls->rank));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoDestroy_MSLSQ(Tao tao)
{
  TAO_MSLSQ *ls = (TAO_MSLSQ *)tao->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(ls->cols));
  PetscCall(TaoMSLSQResetFactors_Private(ls));
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
  ls->fact  = TAO_MSLSQ_COD;
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
