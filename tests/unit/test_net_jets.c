static const char help[] = "Batched network jets against the scalar jet type and central finite differences.\n";
/* For 1, 2 and 3 inputs, every activation, with and without mixed derivatives, on random points:
   (1) MSNetEvaluate's jets equal MSNetEvaluateJet (MSJet arithmetic, point by point) to 1e-13
       relative; (2) first and second derivatives match fourth-order central finite differences to
       1e-7 relative. The block size is smaller than the point count so several blocks,
       including a partial one, are exercised. Each case also runs with periodic inputs (MSNetSetPeriodic:
       input 1 of period 1.7, and input 3 of period 2.3 in 3D), where (3) u(x + L e_i) = u(x) to 1e-13. */
#include <mspinn.h>

#define PERIOD_1 1.7
#define PERIOD_3 2.3

/* u at the points shifted by one period along every periodic input, against u */
static PetscErrorCode CheckPeriodic(MSNet net, PetscInt dim, PetscInt n, const PetscReal X[], const PetscReal U[], PetscReal scale, PetscReal *worst)
{
  MSJetSpec  s0 = {dim, 0, PETSC_FALSE};
  PetscReal *Xs, *Us;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n * dim, &Xs, n, &Us));
  for (PetscInt p = 0; p < n; p++)
    for (PetscInt i = 0; i < dim; i++) {
      PetscReal L;
      PetscCall(MSNetGetPeriod(net, i, &L));
      Xs[p * dim + i] = X[p * dim + i] + L;
    }
  PetscCall(MSNetEvaluate(net, &s0, n, Xs, Us));
  for (PetscInt p = 0; p < n; p++) *worst = PetscMax(*worst, PetscAbsReal(Us[p] - U[p]) / scale);
  PetscCall(PetscFree2(Xs, Us));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckNet(PetscInt dim, MSActivation act, PetscReal kappa, PetscBool mixed, PetscBool periodic, PetscReal *worst_dual,
                               PetscReal *worst_fd, PetscReal *worst_per)
{
  MSNet       net;
  PetscInt    widths[] = {7, 9, 6}, n = 37;
  MSJetSpec   spec = {dim, 2, mixed};
  PetscInt    C    = MSJetSpecNumChannels(&spec);
  PetscReal  *X, *U, scale = 0;
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(MSNetCreate(PETSC_COMM_SELF, &net));
  PetscCall(MSNetSetInputDimension(net, dim));
  PetscCall(MSNetSetHiddenLayers(net, 3, widths));
  for (PetscInt l = 0; l < 3; l++) PetscCall(MSNetSetActivation(net, l, act));
  PetscCall(MSNetSetFirstLayerScale(net, kappa));
  PetscCall(MSNetSetOutputScale(net, 0.7));
  PetscCall(MSNetSetSeed(net, 11 + dim));
  PetscCall(MSNetSetBlockSize(net, 16));
  if (periodic) PetscCall(MSNetSetPeriodic(net, 0, PERIOD_1));
  if (periodic && dim == 3) PetscCall(MSNetSetPeriodic(net, 2, PERIOD_3));
  PetscCall(MSNetSetUp(net));
  { /* nonzero biases too */
    Vec p;
    PetscCall(MSNetGetParameters(net, &p));
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetInterval(rnd, -0.5, 0.5));
    PetscCall(VecSetRandom(p, rnd));
  }
  PetscCall(PetscMalloc2(n * dim, &X, n * C, &U));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  for (PetscInt q = 0; q < n * dim; q++) PetscCall(PetscRandomGetValueReal(rnd, &X[q]));
  PetscCall(MSNetEvaluate(net, &spec, n, X, U));
  for (PetscInt q = 0; q < n * C; q++) scale = PetscMax(scale, PetscAbsReal(U[q]));
  if (periodic) PetscCall(CheckPeriodic(net, dim, n, X, U, scale, worst_per));

  for (PetscInt p = 0; p < n; p++) {
    MSJet     ref;
    PetscReal h, xp[3];
    PetscCall(MSNetEvaluateJet(net, X + p * dim, &ref));
    *worst_dual = PetscMax(*worst_dual, PetscAbsReal(U[p] - ref.v) / scale);
    for (PetscInt i = 0; i < dim; i++) {
      *worst_dual = PetscMax(*worst_dual, PetscAbsReal(U[MSJetSpecChannelD(&spec, i) * n + p] - ref.d[i]) / scale);
      for (PetscInt j = i; j < dim; j++) {
        PetscInt c = MSJetSpecChannelDD(&spec, i, j);
        if (c < 0) continue;
        *worst_dual = PetscMax(*worst_dual, PetscAbsReal(U[c * n + p] - ref.h[MSJetHIndex((int)i, (int)j)]) / scale);
      }
      /* fourth-order central differences (h = 1e-3: truncation ~h^4, rounding ~eps/h): of u for the
         first derivative, of the first-derivative channels for the second derivatives */
      {
        MSJetSpec       s1 = {dim, 1, PETSC_FALSE};
        const PetscReal w[4] = {1.0 / 12, -8.0 / 12, 8.0 / 12, -1.0 / 12}, off[4] = {-2, -1, 1, 2};
        PetscReal       du = 0, g[4], dg[3] = {0, 0, 0};
        h = 1e-3;
        for (PetscInt q = 0; q < 4; q++) {
          for (PetscInt k = 0; k < dim; k++) xp[k] = X[p * dim + k];
          xp[i] += off[q] * h;
          PetscCall(MSNetEvaluate(net, &s1, 1, xp, g));
          du += w[q] * g[0] / h;
          for (PetscInt j = 0; j < dim; j++) dg[j] += w[q] * g[1 + j] / h;
        }
        *worst_fd = PetscMax(*worst_fd, PetscAbsReal(du - U[MSJetSpecChannelD(&spec, i) * n + p]) / scale);
        for (PetscInt j = 0; j < dim; j++) {
          PetscInt c = MSJetSpecChannelDD(&spec, i, j);
          if (c >= 0) *worst_fd = PetscMax(*worst_fd, PetscAbsReal(dg[j] - U[c * n + p]) / scale);
        }
      }
    }
  }
  PetscCall(PetscFree2(X, U));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MSNetDestroy(&net));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscReal worst_dual = 0, worst_fd = 0, worst_per = 0;
  PetscInt  fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (PetscInt dim = 1; dim <= 3; dim++)
    for (PetscInt a = 0; a < 3; a++)
      for (PetscInt mixed = 0; mixed < 2; mixed++)
        for (PetscInt per = 0; per < 2; per++) {
        PetscReal wd = 0, wf = 0, wp = 0;
        if (mixed && dim == 1) continue;
        PetscCall(CheckNet(dim, (MSActivation)a, a ? 1.7 : 1.0, (PetscBool)mixed, (PetscBool)per, &wd, &wf, &wp));
        PetscCall(PetscPrintf(PETSC_COMM_SELF,
                  "dim %" PetscInt_FMT " %-4s mixed %" PetscInt_FMT " periodic %" PetscInt_FMT ": batched vs MSJet %.2e, vs finite differences %.2e, one period on %.2e\n", dim, MSActivations[a], mixed, per, (double)wd, (double)wf, (double)wp));
        if (wd > 1e-13 || wf > 1e-7 || wp > 1e-13) fails++;
        worst_per  = PetscMax(worst_per, wp);
        worst_dual = PetscMax(worst_dual, wd);
        worst_fd   = PetscMax(worst_fd, wf);
      }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "worst: %.2e (bound 1e-13), %.2e (bound 1e-7), periodicity %.2e (bound 1e-13)\n%s\n", (double)worst_dual,
            (double)worst_fd, (double)worst_per, fails ? "FAIL" : "PASS"));
  PetscCall(PetscFinalize());
  return fails ? 1 : 0;
}
