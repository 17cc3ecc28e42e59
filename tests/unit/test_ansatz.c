static const char help[] = "The ansatz u = g + D N: product jets, their transpose, and the expressions' jets.\n";
/* (1) MSAnsatzMultiply_Private's jets of D N equal MSJet products of D's and N's jets (1e-14
       relative), for 3 inputs with mixed second derivatives and 2 inputs without (Burgers);
   (2) MSAnsatzMultiplyTranspose_Private is its adjoint: <G, T N> = <T^T G, N> (1e-14 relative);
   (3) the jets of g = sin(-pi x) and D = t (1 - x^2) from libmatheval equal the derivatives
       written out by hand (1e-14). Built with src/problem/ansatz.c (its routines are internal). */
#include <mspinn/private/problemimpl.h>

static PetscErrorCode RandomJet(PetscRandom rnd, MSJet *j)
{
  PetscFunctionBegin;
  PetscCall(PetscRandomGetValueReal(rnd, &j->v));
  for (int i = 0; i < MS_JET_DIM; i++) PetscCall(PetscRandomGetValueReal(rnd, &j->d[i]));
  for (int i = 0; i < MS_JET_NH; i++) PetscCall(PetscRandomGetValueReal(rnd, &j->h[i]));
  PetscFunctionReturn(0);
}

/* channel c of spec from a jet */
static PetscReal Channel(const MSJetSpec *spec, const MSJet *j, PetscInt c)
{
  if (c == 0) return j->v;
  for (PetscInt i = 0; i < spec->dim; i++) {
    if (MSJetSpecChannelD(spec, i) == c) return j->d[i];
    for (PetscInt k = i; k < spec->dim; k++)
      if (MSJetSpecChannelDD(spec, i, k) == c) return j->h[MSJetHIndex((int)i, (int)k)];
  }
  return NAN;
}

static PetscErrorCode CheckProduct(const MSJetSpec *spec, PetscRandom rnd, PetscReal *w1, PetscReal *w2)
{
  const PetscInt n = 17, C = MSJetSpecNumChannels(spec);
  PetscReal      D[17 * 10], N[17 * 10], M[17 * 10], G[17 * 10], GT[17 * 10], a = 0, b = 0, scale = 0;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < n; p++) {
    MSJet dj, nj, mj;
    PetscCall(RandomJet(rnd, &dj));
    PetscCall(RandomJet(rnd, &nj));
    mj = MSJetMul(dj, nj);
    for (PetscInt c = 0; c < C; c++) {
      D[c * n + p] = Channel(spec, &dj, c);
      N[c * n + p] = Channel(spec, &nj, c);
      M[c * n + p] = Channel(spec, &mj, c);
      PetscCall(PetscRandomGetValueReal(rnd, &G[c * n + p]));
    }
  }
  PetscCall(PetscArraycpy(GT, G, C * n));
  MSAnsatzMultiplyTranspose_Private(spec, n, D, n, GT);
  for (PetscInt q = 0; q < C * n; q++) b += GT[q] * N[q]; /* <T^T G, N> */
  MSAnsatzMultiply_Private(spec, n, D, n, N, PETSC_FALSE); /* N <- T N */
  for (PetscInt q = 0; q < C * n; q++) {
    if (!PetscIsNormalReal(N[q]) && N[q] != 0) *w1 = PETSC_MAX_REAL; /* a channel missed */
    *w1 = PetscMax(*w1, PetscAbsReal(N[q] - M[q]) / (1 + PetscAbsReal(M[q])));
    a += G[q] * N[q];
    scale += PetscAbsReal(G[q] * N[q]);
  }
  *w2 = PetscMax(*w2, PetscAbsReal(a - b) / scale);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom rnd;
  PetscReal   w1 = 0, w2 = 0, w3 = 0;
  MSJetSpec   s3 = {3, 2, PETSC_TRUE}, s2 = {2, 2, PETSC_FALSE}, s1 = {2, 1, PETSC_FALSE};

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  for (int trial = 0; trial < 5; trial++) {
    PetscCall(CheckProduct(&s3, rnd, &w1, &w2));
    PetscCall(CheckProduct(&s2, rnd, &w1, &w2));
    PetscCall(CheckProduct(&s1, rnd, &w1, &w2));
  }
  { /* (3) */
    const char *const texts[2] = {"sin(-pi*x)", "t*(1-x^2)"}, *vars[2] = {"x", "t"};
    MSAnsatzExprs     e = {{NULL}};
    PetscReal         X[2 * 7], G[5 * 7], D[5 * 7];
    PetscCall(MSAnsatzCreate_Private(PETSC_COMM_SELF, texts, 2, vars, e));
    for (PetscInt q = 0; q < 14; q++) PetscCall(PetscRandomGetValueReal(rnd, &X[q]));
    PetscCall(MSAnsatzJets_Private(e, &s2, 7, X, 7, G, D));
    for (PetscInt p = 0; p < 7; p++) {
      PetscReal x = X[2 * p], t = X[2 * p + 1], pi = PETSC_PI;
      PetscReal gx[5] = {PetscSinReal(-pi * x), -pi * PetscCosReal(pi * x), 0, pi * pi * PetscSinReal(pi * x), 0};
      PetscReal dx[5] = {t * (1 - x * x), -2 * x * t, 1 - x * x, -2 * t, 0};
      for (PetscInt c = 0; c < 5; c++) w3 = PetscMax(w3, PetscMax(PetscAbsReal(G[c * 7 + p] - gx[c]), PetscAbsReal(D[c * 7 + p] - dx[c])));
    }
    PetscCall(MSAnsatzDestroy_Private(e));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "product jets vs MSJet %.2e (bound 1e-14); adjoint %.2e (bound 1e-14); expression jets %.2e (bound 1e-14)\n", (double)w1, (double)w2, (double)w3));
  PetscCheck(w1 <= 1e-14 && w2 <= 1e-14 && w3 <= 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "ansatz jets wrong");
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return 0;
}
