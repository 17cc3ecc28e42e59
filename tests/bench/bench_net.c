static const char help[] = "Benchmark of the network kernels: forward jets, Jacobian rows, J^T J.\n"
                           "  bench_net [-n 10000] [-widths 20,50,100] [-layers 3]\n"
                           "Prints seconds and GFLOP/s of each kernel next to the dgemm rate this binary measures.\n";
/* 2 inputs, second-derivative jets (u, u_x, u_y, u_xx, u_yy), a Poisson-type residual. Flops are
   the counts the kernels log with PetscLogFlops (PetscGetFlops), so -log_view agrees with them. */
#include <mspinn.h>
#include <cblas.h>

static PetscErrorCode Residual(void *ctx, PetscInt n, const PetscReal X[], const PetscReal U[], PetscReal r[], PetscReal G[])
{
  PetscFunctionBegin;
  (void)ctx;
  (void)X;
  PetscCall(PetscArrayzero(G, 5 * n));
  for (PetscInt p = 0; p < n; p++) {
    r[p]         = -(U[3 * n + p] + U[4 * n + p]) - 1.0;
    G[3 * n + p] = -1.0;
    G[4 * n + p] = -1.0;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Clock(PetscLogDouble *t, PetscLogDouble *f)
{
  PetscFunctionBegin;
  PetscCall(PetscTime(t));
  PetscCall(PetscGetFlops(f));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt       n = 10000, widths[8], nw = 8, layers = 3, m = 2000;
  PetscReal      dgemm_rate;
  PetscLogDouble t0, t1, f0, f1;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-layers", &layers, NULL));
  {
    PetscBool set;
    PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-widths", widths, &nw, &set));
    if (!set) { /* (PETSc sets the count to 0 when the option is absent) */
      widths[0] = 20;
      widths[1] = 50;
      widths[2] = 100;
      nw        = 3;
    }
  }
  { /* reference: a square dgemm */
    PetscReal *A, *B, *C;
    PetscCall(PetscMalloc3(m * m, &A, m * m, &B, m * m, &C));
    for (PetscInt i = 0; i < m * m; i++) {
      A[i] = 1.0 / (1 + i % 7);
      B[i] = 1.0 / (1 + i % 5);
    }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0, A, m, B, m, 0.0, C, m);
    PetscCall(PetscTime(&t0));
    for (int k = 0; k < 3; k++) cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0, A, m, B, m, 0.0, C, m);
    PetscCall(PetscTime(&t1));
    dgemm_rate = 3 * 2.0 * m * (double)m * m / (t1 - t0) / 1e9;
    PetscCall(PetscFree3(A, B, C));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "dgemm %" PetscInt_FMT "^3: %.1f GFLOP/s\n", m, (double)dgemm_rate));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "N = %" PetscInt_FMT " points, 2 inputs, %" PetscInt_FMT " hidden layers, jets u, u_x, u_y, u_xx, u_yy\n", n, layers));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%6s %7s | %9s %8s | %9s %8s | %9s %8s | %9s %8s %8s\n", "width", "params", "fwd s", "GFLOP/s", "jac s", "GFLOP/s", "JtJ s", "GFLOP/s", "jac+JtJ s", "GFLOP/s", "%dgemm"));
  for (PetscInt k = 0; k < nw; k++) {
    MSNet      net;
    PetscInt   w[16], P, bs;
    MSJetSpec  spec = {2, 2, PETSC_FALSE};
    PetscReal *X, *U, *G, *r, *JtJ, *Jtr, ssq = 0, tf, tj, ts, tn, gf, gj, gs, gn;
    for (PetscInt l = 0; l < layers; l++) w[l] = widths[k];
    PetscCall(MSNetCreate(PETSC_COMM_WORLD, &net));
    PetscCall(MSNetSetInputDimension(net, 2));
    PetscCall(MSNetSetHiddenLayers(net, layers, w));
    PetscCall(MSNetSetBlockSize(net, 512));
    PetscCall(MSNetSetUp(net));
    PetscCall(MSNetGetNumParameters(net, &P));
    PetscCall(MSNetGetBlockSize(net, &bs));
    PetscCall(PetscMalloc6(2 * n, &X, 5 * n, &U, 5 * n, &G, n, &r, (size_t)P * P, &JtJ, P, &Jtr));
    for (PetscInt p = 0; p < n; p++) {
      X[2 * p]     = -1.0 + 2.0 * ((p * 7919) % n) / n;
      X[2 * p + 1] = -1.0 + 2.0 * ((p * 104729) % n) / n;
    }
    /* forward jets */
    PetscCall(Clock(&t0, &f0));
    PetscCall(MSNetEvaluate(net, &spec, n, X, U));
    PetscCall(Clock(&t1, &f1));
    tf = t1 - t0;
    gf = (f1 - f0) / tf / 1e9;
    { /* Jacobian rows for all points, block by block into one N x P matrix, then J^T J by dsyrk */
      PetscReal *J, *Ub, *Gb, *rb;
      PetscCall(PetscMalloc4((size_t)n * P, &J, 5 * bs, &Ub, 5 * bs, &Gb, bs, &rb));
      PetscCall(PetscArrayzero(J, (size_t)n * P)); /* first touch outside the timing */
      PetscCall(Clock(&t0, &f0));
      for (PetscInt p0 = 0; p0 < n; p0 += bs) {
        PetscInt nb = PetscMin(bs, n - p0);
        PetscCall(MSNetForward(net, &spec, nb, X + 2 * p0, Ub));
        PetscCall(Residual(NULL, nb, X + 2 * p0, Ub, rb, Gb));
        PetscCall(MSNetJacobianRows(net, Gb, n, J + p0));
      }
      PetscCall(Clock(&t1, &f1));
      tj = t1 - t0;
      gj = (f1 - f0) / tj / 1e9;
      PetscCall(Clock(&t0, &f0));
      cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, P, n, 1.0, J, n, 0.0, JtJ, P);
      PetscCall(PetscLogFlops((PetscLogDouble)n * P * (P + 1)));
      PetscCall(Clock(&t1, &f1));
      ts = t1 - t0;
      gs = (f1 - f0) / ts / 1e9;
      PetscCall(PetscFree4(J, Ub, Gb, rb));
    }
    /* the blocked path that never forms J: rows, dsyrk and dgemv per block */
    PetscCall(PetscArrayzero(JtJ, (size_t)P * P));
    PetscCall(PetscArrayzero(Jtr, P));
    PetscCall(Clock(&t0, &f0));
    PetscCall(MSNetJacobianNormal(net, &spec, n, X, Residual, NULL, JtJ, Jtr, &ssq));
    PetscCall(Clock(&t1, &f1));
    tn = t1 - t0;
    gn = (f1 - f0) / tn / 1e9;
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%6" PetscInt_FMT " %7" PetscInt_FMT " | %9.4f %8.1f | %9.4f %8.1f | %9.3f %8.1f | %9.3f %8.1f %7.0f%%\n", widths[k], P, (double)tf, (double)gf, (double)tj, (double)gj, (double)ts, (double)gs, (double)tn, (double)gn, (double)(100 * gn / dgemm_rate)));
    PetscCall(PetscFree6(X, U, G, r, JtJ, Jtr));
    PetscCall(MSNetDestroy(&net));
  }
  PetscCall(PetscFinalize());
  return 0;
}
