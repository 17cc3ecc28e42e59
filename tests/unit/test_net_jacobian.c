static const char help[] = "Jacobian rows of PDE residuals against dual-number directional derivatives and finite differences.\n";
/* For a Poisson-type residual R = -lap u - f (2 inputs) and a Burgers-type residual
   R = u_t + u u_x - nu u_xx (inputs x, t), the rows J = dR/dtheta from MSNetJacobianRows are checked
   in random parameter directions v:
   (1) J v equals the directional derivative d/de R(theta + e v) computed independently with the
       pair type (MSJet value, MSJet derivative along v) through the network, to 1e-12 relative;
   (2) J v equals central finite differences of R along v, to 1e-6 relative;
   (3) MSNetJacobianNormal's J^T J and J^T r equal those formed from the rows, to 1e-12 relative.
   Each also with input 1 periodic (MSNetSetPeriodic, period 1.9: the (cos, sin) input features). */
#include <mspinn.h>

/* a + e da: a jet in the inputs and its derivative along a parameter direction */
typedef struct {
  MSJet a, da;
} Pair;

static Pair PairAct(MSActivation act, Pair z)
{
  Pair  r;
  MSJet d1;
  switch (act) {
  case MS_ACT_TANH: {
    MSJet t = MSJetTanh(z.a);
    r.a     = t;
    d1      = MSJetSub(MSJetConst(1.0), MSJetMul(t, t));
  } break;
  case MS_ACT_SIN:
    r.a = MSJetSin(z.a);
    d1  = MSJetCos(z.a);
    break;
  default:
    r.a = MSJetCos(z.a);
    d1  = MSJetScale(-1.0, MSJetSin(z.a));
    break;
  }
  r.da = MSJetMul(d1, z.da);
  return r;
}

/* the network along theta + e v, in pair arithmetic; Wl etc. read from the parameter array */
static PetscErrorCode PairNet(MSNet net, MSActivation act, PetscReal kappa, PetscReal s, const PetscReal th[], const PetscReal v[], const PetscReal x[], PetscInt dim, Pair *u)
{
  PetscInt nl, nin = dim, off = 0;
  Pair     a[64], z[64];

  PetscFunctionBegin;
  PetscCall(MSNetGetNumLayers(net, &nl));
  for (PetscInt i = 0; i < dim; i++) {
    a[i].a  = MSJetVar(x[i], (int)i);
    a[i].da = MSJetConst(0.0);
  }
  for (PetscInt i = 0; i < dim; i++) { /* a periodic input: cos(omega x_i) / omega in its place, sin(omega x_i) / omega after the inputs */
    PetscReal L;
    PetscCall(MSNetGetPeriod(net, i, &L));
    if (L > 0) {
      MSJet wx    = MSJetScale(2 * PETSC_PI / L, a[i].a);
      a[i].a      = MSJetScale(L / (2 * PETSC_PI), MSJetCos(wx));
      a[nin].a    = MSJetScale(L / (2 * PETSC_PI), MSJetSin(wx));
      a[nin++].da = MSJetConst(0.0);
    }
  }
  for (PetscInt l = 0; l < nl; l++) {
    PetscInt nout;
    PetscCall(MSNetGetLayer(net, l, &nout, NULL, NULL, NULL));
    PetscCall(MSNetRestoreLayer(net, l, NULL, NULL, NULL, NULL));
    for (PetscInt k = 0; k < nout; k++) {
      Pair acc = {MSJetConst(th[off + nout * nin + k]), MSJetConst(v[off + nout * nin + k])};
      for (PetscInt j = 0; j < nin; j++) {
        PetscReal w = th[off + k + nout * j], dw = v[off + k + nout * j];
        acc.a  = MSJetAdd(acc.a, MSJetScale(w, a[j].a));
        acc.da = MSJetAdd(acc.da, MSJetAdd(MSJetScale(w, a[j].da), MSJetScale(dw, a[j].a)));
      }
      z[k] = acc;
    }
    off += nout * nin + nout;
    if (l == nl - 1) {
      u->a  = MSJetScale(s, z[0].a);
      u->da = MSJetScale(s, z[0].da);
      break;
    }
    for (PetscInt k = 0; k < nout; k++) {
      if (l == 0) {
        z[k].a  = MSJetScale(kappa, z[k].a);
        z[k].da = MSJetScale(kappa, z[k].da);
      }
      a[k] = PairAct(act, z[k]);
    }
    nin = nout;
  }
  PetscFunctionReturn(0);
}

typedef struct {
  PetscInt  kind; /* 0 Poisson, 1 Burgers */
  PetscReal nu;
  MSJetSpec spec;
} Ctx;

/* residual and channel sensitivities at n points from jets U (the MSNetResidualFn interface) */
static PetscErrorCode Residual(void *vctx, PetscInt n, const PetscReal X[], const PetscReal U[], PetscReal r[], PetscReal G[])
{
  Ctx     *c = (Ctx *)vctx;
  PetscInt C = MSJetSpecNumChannels(&c->spec);

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(G, C * n));
  for (PetscInt p = 0; p < n; p++) {
    PetscReal f = PetscSinReal(X[2 * p]) * PetscCosReal(X[2 * p + 1]);
    if (c->kind == 0) {
      PetscInt cxx = MSJetSpecChannelDD(&c->spec, 0, 0), cyy = MSJetSpecChannelDD(&c->spec, 1, 1);
      r[p]         = -(U[cxx * n + p] + U[cyy * n + p]) - f;
      G[cxx * n + p] = -1.0;
      G[cyy * n + p] = -1.0;
    } else {
      PetscInt  cx = MSJetSpecChannelD(&c->spec, 0), ct = MSJetSpecChannelD(&c->spec, 1), cxx = MSJetSpecChannelDD(&c->spec, 0, 0);
      PetscReal u = U[p], ux = U[cx * n + p];
      r[p]          = U[ct * n + p] + u * ux - c->nu * U[cxx * n + p];
      G[p]          = ux;
      G[cx * n + p] = u;
      G[ct * n + p] = 1.0;
      G[cxx * n + p] = -c->nu;
    }
  }
  PetscFunctionReturn(0);
}

/* dR along v from the pair evaluation */
static PetscReal PairResidualDirection(const Ctx *c, Pair u)
{
  if (c->kind == 0) return -(u.da.h[0] + u.da.h[1]);
  return u.da.d[1] + u.da.v * u.a.d[0] + u.a.v * u.da.d[0] - c->nu * u.da.h[0];
}

#define PERIOD 1.9

static PetscErrorCode CheckKind(PetscInt kind, MSActivation act, PetscBool periodic, PetscReal *w1, PetscReal *w2, PetscReal *w3)
{
  MSNet       net;
  PetscInt    widths[] = {8, 8, 8}, n = 29, P, C;
  Ctx         ctx;
  PetscReal  *X, *U, *G, *r, *J, *th, *v, *thp, *Jv, *JtJ, *Jtr, *JtJn, *Jtrn, ssq = 0, kappa = 1.3, s = 0.8;
  PetscRandom rnd;
  Vec         pv;

  PetscFunctionBegin;
  ctx.kind = kind;
  ctx.nu   = 0.05;
  ctx.spec = (MSJetSpec){2, 2, PETSC_FALSE};
  C        = MSJetSpecNumChannels(&ctx.spec);
  PetscCall(MSNetCreate(PETSC_COMM_SELF, &net));
  PetscCall(MSNetSetInputDimension(net, 2));
  PetscCall(MSNetSetHiddenLayers(net, 3, widths));
  for (PetscInt l = 0; l < 3; l++) PetscCall(MSNetSetActivation(net, l, act));
  PetscCall(MSNetSetFirstLayerScale(net, kappa));
  PetscCall(MSNetSetOutputScale(net, s));
  PetscCall(MSNetSetBlockSize(net, 64));
  if (periodic) PetscCall(MSNetSetPeriodic(net, 0, PERIOD));
  PetscCall(MSNetSetUp(net));
  PetscCall(MSNetGetNumParameters(net, &P));
  PetscCall(MSNetGetParameters(net, &pv));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -0.6, 0.6));
  PetscCall(VecSetRandom(pv, rnd));
  PetscCall(PetscMalloc6(2 * n, &X, C * n, &U, C * n, &G, n, &r, n * P, &J, P, &th));
  PetscCall(PetscMalloc6(P, &v, P, &thp, n, &Jv, P * P, &JtJ, P, &Jtr, P * P, &JtJn));
  PetscCall(PetscMalloc1(P, &Jtrn));
  for (PetscInt q = 0; q < 2 * n; q++) PetscCall(PetscRandomGetValueReal(rnd, &X[q]));
  {
    const PetscReal *p;
    PetscCall(VecGetArrayRead(pv, &p));
    PetscCall(PetscArraycpy(th, p, P));
    PetscCall(VecRestoreArrayRead(pv, &p));
  }
  PetscCall(MSNetForward(net, &ctx.spec, n, X, U));
  PetscCall(Residual(&ctx, n, X, U, r, G));
  PetscCall(MSNetJacobianRows(net, G, n, J));

  for (PetscInt trial = 0; trial < 3; trial++) {
    PetscReal h = 1e-5, scale = 0;
    for (PetscInt q = 0; q < P; q++) PetscCall(PetscRandomGetValueReal(rnd, &v[q]));
    for (PetscInt p = 0; p < n; p++) {
      Jv[p] = 0;
      for (PetscInt q = 0; q < P; q++) Jv[p] += J[p + n * q] * v[q];
      scale = PetscMax(scale, PetscAbsReal(Jv[p]));
    }
    for (PetscInt p = 0; p < n; p++) { /* (1) pair arithmetic */
      Pair u;
      PetscCall(PairNet(net, act, kappa, s, th, v, X + 2 * p, 2, &u));
      *w1 = PetscMax(*w1, PetscAbsReal(PairResidualDirection(&ctx, u) - Jv[p]) / scale);
    }
    { /* (2) central differences along v */
      PetscReal *rp, *rm;
      PetscCall(PetscMalloc2(n, &rp, n, &rm));
      for (PetscInt q = 0; q < P; q++) thp[q] = th[q] + h * v[q];
      PetscCall(MSNetSetParameters(net, thp));
      PetscCall(MSNetEvaluate(net, &ctx.spec, n, X, U));
      PetscCall(Residual(&ctx, n, X, U, rp, G));
      for (PetscInt q = 0; q < P; q++) thp[q] = th[q] - h * v[q];
      PetscCall(MSNetSetParameters(net, thp));
      PetscCall(MSNetEvaluate(net, &ctx.spec, n, X, U));
      PetscCall(Residual(&ctx, n, X, U, rm, G));
      for (PetscInt p = 0; p < n; p++) *w2 = PetscMax(*w2, PetscAbsReal((rp[p] - rm[p]) / (2 * h) - Jv[p]) / scale);
      PetscCall(MSNetSetParameters(net, th));
      PetscCall(PetscFree2(rp, rm));
    }
  }
  { /* (3) normal equations without forming J, in blocks of 64 (n = 29: one partial block) */
    PetscReal scale = 0;
    PetscCall(PetscArrayzero(JtJn, P * P));
    PetscCall(PetscArrayzero(Jtrn, P));
    PetscCall(MSNetJacobianNormal(net, &ctx.spec, n, X, Residual, &ctx, JtJn, Jtrn, &ssq));
    for (PetscInt i = 0; i < P; i++) {
      Jtr[i] = 0;
      for (PetscInt p = 0; p < n; p++) Jtr[i] += J[p + n * i] * r[p];
      for (PetscInt j = i; j < P; j++) {
        JtJ[i + P * j] = 0;
        for (PetscInt p = 0; p < n; p++) JtJ[i + P * j] += J[p + n * i] * J[p + n * j];
        scale = PetscMax(scale, PetscAbsReal(JtJ[i + P * j]));
      }
    }
    for (PetscInt i = 0; i < P; i++) {
      *w3 = PetscMax(*w3, PetscAbsReal(Jtr[i] - Jtrn[i]) / PetscMax(PetscSqrtReal(scale * ssq), 1e-300));
      for (PetscInt j = i; j < P; j++) *w3 = PetscMax(*w3, PetscAbsReal(JtJ[i + P * j] - JtJn[i + P * j]) / scale);
    }
  }
  PetscCall(PetscFree6(X, U, G, r, J, th));
  PetscCall(PetscFree6(v, thp, Jv, JtJ, Jtr, JtJn));
  PetscCall(PetscFree(Jtrn));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MSNetDestroy(&net));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (PetscInt kind = 0; kind < 2; kind++)
    for (PetscInt a = 0; a < 6; a++) {
      PetscReal w1 = 0, w2 = 0, w3 = 0;
      PetscCall(CheckKind(kind, (MSActivation)(a % 3), a >= 3 ? PETSC_TRUE : PETSC_FALSE, &w1, &w2, &w3));
      PetscCall(PetscPrintf(PETSC_COMM_SELF,
                "%-7s %-4s%s: J v vs dual direction %.2e (1e-12), vs finite differences %.2e (1e-6), normal equations %.2e (1e-12)\n",
                kind ? "burgers" : "poisson", MSActivations[a % 3], a >= 3 ? " periodic x" : "", (double)w1, (double)w2, (double)w3));
      if (w1 > 1e-12 || w2 > 1e-6 || w3 > 1e-12) fails++;
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s\n", fails ? "FAIL" : "PASS"));
  PetscCall(PetscFinalize());
  return fails ? 1 : 0;
}
