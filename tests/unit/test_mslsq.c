static const char help[] = "TAOMSLSQ on an ill-conditioned linear least-squares fit, against TAOMSLM's normal equations.\n";
/* Fit f(x) = e^x sin(3x) on [-1,1] by a polynomial of degree 39 in the monomial basis, from N
   Chebyshev points distributed over the ranks (cond(A) ~ 1e17: the basis is numerically rank
   deficient). The fit is scored at 1000 uniform points that are not training points: relative RMS
   misfit <= 1e-13 for mslsq with each solve of its triangle (the default complete orthogonal
   decomposition, kept across iterations when TaoMSLSQSetLinear says the residual is linear, or
   recomputed; the truncated SVD), and the same with only the even monomials trained
   (TaoMSLSQSetColumns) for the even f(x) = cos(3x) e^{x^2}. TAOMSLM (Cholesky of the normal
   equations, which square the condition number) is run on the first case as a comparison and must
   end at least 1e2 times worse, which shows the check can tell them apart. */
#include <mspinn.h>

#define NP 40

typedef struct {
  Mat A;
  Vec b;
} Ctx;

static PetscReal Fodd(PetscReal x) { return PetscExpReal(x) * PetscSinReal(3 * x); }
static PetscReal Feven(PetscReal x) { return PetscCosReal(3 * x) * PetscExpReal(x * x); }

static PetscErrorCode Residual(Tao tao PETSC_UNUSED, Vec x, Vec r, void *vctx)
{
  Ctx *ctx = (Ctx *)vctx;

  PetscFunctionBegin;
  PetscCall(MatMult(ctx->A, x, r));
  PetscCall(VecAXPY(r, -1.0, ctx->b));
  PetscFunctionReturn(0);
}

static PetscErrorCode Jacobian(Tao tao PETSC_UNUSED, Vec x PETSC_UNUSED, Mat J PETSC_UNUSED, Mat Jpre PETSC_UNUSED, void *vctx PETSC_UNUSED)
{
  PetscFunctionBegin; /* the Jacobian is A itself (set once) */
  PetscFunctionReturn(0);
}

/* relative RMS misfit of the polynomial with coefficients x at 1000 uniform points */
static PetscErrorCode Score(Vec x, PetscReal (*f)(PetscReal), PetscReal *rel)
{
  Vec                xs;
  VecScatter         sc;
  const PetscScalar *c;
  PetscReal          num = 0, den = 0;

  PetscFunctionBegin;
  PetscCall(VecScatterCreateToAll(x, &sc, &xs));
  PetscCall(VecScatterBegin(sc, x, xs, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, x, xs, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(xs, &c));
  for (PetscInt i = 0; i < 1000; i++) {
    PetscReal t = -1 + 2.0 * (i + 0.5) / 1000, p = 0;
    for (PetscInt j = NP - 1; j >= 0; j--) p = p * t + c[j];
    num += PetscSqr(p - f(t));
    den += PetscSqr(f(t));
  }
  PetscCall(VecRestoreArrayRead(xs, &c));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&xs));
  *rel = PetscSqrtReal(num / den);
  PetscFunctionReturn(0);
}

static PetscErrorCode Fit(const char *type, PetscReal (*f)(PetscReal), PetscBool even, const char *fact, PetscBool linear, PetscReal *rel)
{
  Ctx      ctx;
  Tao      tao;
  Vec      x, r;
  PetscInt N = 400, lo, hi;

  PetscFunctionBegin;
  PetscCall(MatCreateDense(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, N, NP, NULL, &ctx.A));
  PetscCall(MatCreateVecs(ctx.A, &x, &ctx.b));
  PetscCall(VecDuplicate(ctx.b, &r));
  PetscCall(MatGetOwnershipRange(ctx.A, &lo, &hi));
  for (PetscInt i = lo; i < hi; i++) {
    PetscReal t = PetscCosReal(PETSC_PI * (i + 0.5) / N), p = 1;
    for (PetscInt j = 0; j < NP; j++, p *= t) PetscCall(MatSetValue(ctx.A, i, j, p, INSERT_VALUES));
    PetscCall(VecSetValue(ctx.b, i, f(t), INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(ctx.A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(ctx.A, MAT_FINAL_ASSEMBLY));
  PetscCall(VecAssemblyBegin(ctx.b));
  PetscCall(VecAssemblyEnd(ctx.b));
  PetscCall(TaoCreate(PETSC_COMM_WORLD, &tao));
  PetscCall(TaoSetType(tao, type));
  PetscCall(TaoMSLSQSetLinear(tao, linear));
  PetscCall(PetscOptionsSetValue(NULL, "-tao_mslsq_factorization", fact));
  if (even) {
    PetscInt cols[NP / 2];
    for (PetscInt j = 0; j < NP / 2; j++) cols[j] = 2 * j;
    PetscCall(TaoMSLSQSetColumns(tao, NP / 2, cols));
  }
  PetscCall(TaoSetSolution(tao, x));
  PetscCall(TaoSetResidualRoutine(tao, r, Residual, &ctx));
  PetscCall(TaoSetJacobianResidualRoutine(tao, ctx.A, ctx.A, Jacobian, &ctx));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(Score(x, f, rel));
  if (even) { /* the odd coefficients were not trained: still 0 */
    const PetscScalar *c;
    PetscCall(VecGetOwnershipRange(x, &lo, &hi));
    PetscCall(VecGetArrayRead(x, &c));
    for (PetscInt i = lo; i < hi; i++) PetscCheck(i % 2 == 0 || c[i - lo] == 0.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "coefficient %" PetscInt_FMT " changed though not selected", i);
    PetscCall(VecRestoreArrayRead(x, &c));
  }
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&ctx.b));
  PetscCall(MatDestroy(&ctx.A));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscReal e_lsq, e_even, e_lm, e_cod, e_svd;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(MSInitializePackage());
  PetscCall(Fit(TAOMSLSQ, Fodd, PETSC_FALSE, "cod", PETSC_TRUE, &e_lsq));
  PetscCall(Fit(TAOMSLSQ, Fodd, PETSC_FALSE, "cod", PETSC_FALSE, &e_cod));
  PetscCall(Fit(TAOMSLSQ, Fodd, PETSC_FALSE, "svd", PETSC_FALSE, &e_svd));
  PetscCall(Fit(TAOMSLSQ, Feven, PETSC_TRUE, "cod", PETSC_TRUE, &e_even));
  PetscCall(Fit(TAOMSLM, Fodd, PETSC_FALSE, "cod", PETSC_FALSE, &e_lm));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "relative RMS misfit at held-out points: mslsq %.3e (factorization kept), %.3e (recomputed), %.3e (svd), mslsq (even columns) %.3e, mslm %.3e\n", (double)e_lsq, (double)e_cod, (double)e_svd, (double)e_even, (double)e_lm));
  PetscCheck(e_lsq <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mslsq: misfit %g > 1e-13", (double)e_lsq);
  PetscCheck(e_cod <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mslsq, the factorization recomputed: misfit %g > 1e-13", (double)e_cod);
  PetscCheck(e_svd <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mslsq -tao_mslsq_factorization svd: misfit %g > 1e-13", (double)e_svd);
  PetscCheck(e_even <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mslsq on the even columns: misfit %g > 1e-13", (double)e_even);
  PetscCheck(e_lm >= 1e2 * e_lsq, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mslm reached %g, within 1e2 of mslsq's %g: the comparison shows nothing", (double)e_lm, (double)e_lsq);
  PetscCall(PetscFinalize());
  return 0;
}
