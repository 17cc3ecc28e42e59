/* Batched forward pass of an MSNet carrying jets (u and its input derivatives).

   For a block of n points every layer's pre-activations and activations are stored as
   [unit k][channel c][point p] with p fastest, i.e. a column-major (C n) x width matrix whose rows
   are (channel, point). The channels of z = W a + b are linear in those of a, so one dgemm per
   layer carries all of them:  Z_l = A_{l-1} W_l^T  (bias only on the value channel). The
   activation then maps channels by the chain rule (sigma_k = sigma^(k)(z_0)):
     a_0  = sigma(z_0)
     a_i  = sigma_1 z_i
     a_ii = sigma_2 z_i^2   + sigma_1 z_ii
     a_ij = sigma_2 z_i z_j + sigma_1 z_ij
   The first layer is kappa (W_0 x + b_0): z_0 = kappa (W_0 x + b_0), z_i = kappa W_0[:, i], no
   second-order part. */
#include <mspinn/private/netimpl.h>
#include <cblas.h>

PetscErrorCode MSNetAllocateWork_Private(MSNet net, PetscInt C)
{
  PetscInt bs = net->bs;

  PetscFunctionBegin;
  if (C <= net->Calloc) PetscFunctionReturn(0);
  for (PetscInt l = 0; l < net->nhidden; l++) {
    PetscCall(PetscFree3(net->Z[l], net->A[l], net->S[l]));
    PetscCall(PetscMalloc3(net->width[l] * C * bs, &net->Z[l], net->width[l] * C * bs, &net->A[l], 3 * net->width[l] * bs, &net->S[l]));
  }
  PetscCall(PetscFree2(net->Abar, net->Zbar));
  PetscCall(PetscMalloc2(net->maxwidth * C * bs, &net->Abar, net->maxwidth * C * bs, &net->Zbar));
  net->Calloc = C;
  PetscFunctionReturn(0);
}

/* activation of layer l in place of its channels: A from Z, keeping sigma_1..3 in S */
static PetscErrorCode MSNetActivate_Private(MSNet net, PetscInt l)
{
  const MSJetSpec *s = &net->spec;
  PetscInt         n = net->nblk, C = net->C, w = net->width[l], d = s->dim;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < w; k++) {
    const PetscReal *Z  = net->Z[l] + k * C * n;
    PetscReal       *A  = net->A[l] + k * C * n;
    PetscReal       *s1 = net->S[l] + k * n, *s2 = s1 + w * n, *s3 = s2 + w * n;

    if (net->absmode) { /* magnitudes: |sigma^(k)| at the true pre-activation, kept by the real pass */
      const PetscReal *sa = net->Sabs[l] + k * n;
      for (PetscInt p = 0; p < n; p++) {
        A[p]  = sa[p];
        s1[p] = sa[w * n + p];
        s2[p] = sa[2 * w * n + p];
        s3[p] = sa[3 * w * n + p];
      }
    } else PetscCall(MSNetActivationDerivatives_Private(net->act[l], n, Z, A, s1, s2, s3));
    if (s->order >= 1)
      for (PetscInt i = 0; i < d; i++) {
        const PetscReal *zi = Z + (1 + i) * n;
        PetscReal       *ai = A + (1 + i) * n;
        for (PetscInt p = 0; p < n; p++) ai[p] = s1[p] * zi[p];
      }
    if (s->order >= 2) {
      for (PetscInt i = 0; i < d; i++) {
        const PetscReal *zi = Z + (1 + i) * n, *zii = Z + (1 + d + i) * n;
        PetscReal       *aii = A + (1 + d + i) * n;
        for (PetscInt p = 0; p < n; p++) aii[p] = s2[p] * zi[p] * zi[p] + s1[p] * zii[p];
      }
      if (s->mixed)
        for (PetscInt i = 0; i < d; i++)
          for (PetscInt j = i + 1; j < d; j++) {
            PetscInt         c  = MSJetSpecChannelDD(s, i, j);
            const PetscReal *zi = Z + (1 + i) * n, *zj = Z + (1 + j) * n, *zij = Z + c * n;
            PetscReal       *aij = A + c * n;
            for (PetscInt p = 0; p < n; p++) aij[p] = s2[p] * zi[p] * zj[p] + s1[p] * zij[p];
          }
    }
  }
  PetscCall(PetscLogFlops(3.0 * w * n * (C - 1)));
  PetscFunctionReturn(0);
}

/* The first layer with periodic inputs: z = kappa (W phi(x) + b) over the input features phi_j (x_i, or
   cos(omega x_i) and sin(omega x_i); MSNetInputFeature_Private), each a function of one coordinate i(j):
     z_0 = kappa (b + sum_j W_j phi_j),  z_i = kappa sum_{j: i(j) = i} W_j phi_j',  z_ii = kappa sum_{j: i(j) = i} W_j phi_j'',
   mixed z_ij = 0. The features and their derivatives are kept in net->F for the reverse sweep. */
static PetscErrorCode MSNetFirstLayerFeatures_Private(MSNet net, const PetscReal *theta)
{
  const MSJetSpec *spec = &net->spec;
  PetscInt         n = net->nblk, C = net->C, d = net->dim, D = net->din, w = net->width[0];
  const PetscReal *W = theta + net->offW[0], *b = theta + net->offb[0];
  PetscReal        kappa = net->kappa, *F;

  PetscFunctionBegin;
  if (!net->F) PetscCall(PetscMalloc1(3 * D * net->bs, &net->F));
  F = net->F;
  for (PetscInt j = 0; j < D; j++)
    for (PetscInt p = 0; p < n; p++) {
      PetscInt coord;
      MSNetInputFeature_Private(net, j, net->X + p * d, &F[(3 * j) * n + p], &F[(3 * j + 1) * n + p], &F[(3 * j + 2) * n + p], &coord);
    }
  for (PetscInt k = 0; k < w; k++) {
    PetscReal *Z = net->Z[0] + k * C * n;
    for (PetscInt c = 0; c < C; c++)
      for (PetscInt p = 0; p < n; p++) Z[c * n + p] = 0.0;
    for (PetscInt p = 0; p < n; p++) Z[p] = net->absmode ? PetscAbsReal(b[k]) : b[k];
    for (PetscInt j = 0; j < D; j++) {
      const PetscInt  i = MSNetFeatureCoordinate_Private(net, j), ci = MSJetSpecChannelD(spec, i), cii = MSJetSpecChannelDD(spec, i, i);
      const PetscReal wk = net->absmode ? PetscAbsReal(W[k + w * j]) : W[k + w * j];
      for (PetscInt p = 0; p < n; p++) {
        const PetscReal *f = F + 3 * j * n + p;
        Z[p] += wk * (net->absmode ? PetscAbsReal(f[0]) : f[0]);
        if (spec->order >= 1) Z[ci * n + p] += wk * (net->absmode ? PetscAbsReal(f[n]) : f[n]);
        if (spec->order >= 2) Z[cii * n + p] += wk * (net->absmode ? PetscAbsReal(f[2 * n]) : f[2 * n]);
      }
    }
    for (PetscInt c = 0; c < C; c++)
      for (PetscInt p = 0; p < n; p++) Z[c * n + p] *= kappa;
  }
  PetscCall(PetscLogFlops(2.0 * w * n * (D + 1) * 3));
  PetscCall(MSNetActivate_Private(net, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetForward(MSNet net, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[])
{
  const PetscReal *theta;
  PetscInt         C = MSJetSpecNumChannels(spec), d = net->dim, L = net->nhidden;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCall(MSNetSetUp(net));
  PetscCheck(spec->dim == d, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_SIZ, "Jet dimension %" PetscInt_FMT " differs from the network's %" PetscInt_FMT " inputs", spec->dim, d);
  PetscCheck(spec->order >= 0 && spec->order <= 2, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE, "Jet order %" PetscInt_FMT " must be 0, 1 or 2", spec->order);
  PetscCheck(n >= 0 && n <= net->bs, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_OUTOFRANGE, "MSNetForward takes at most the block size %" PetscInt_FMT " points, not %" PetscInt_FMT, net->bs, n);
  PetscCall(PetscLogEventBegin(MSNET_Forward, net, 0, 0, 0));
  PetscCall(MSNetAllocateWork_Private(net, C));
  net->C    = C;
  net->nblk = n;
  net->spec = *spec;
  net->X    = X;
  PetscCall(VecGetArrayRead(net->params, &theta));

  if (net->nper) PetscCall(MSNetFirstLayerFeatures_Private(net, theta));
  else { /* first layer */
    PetscInt         w = net->width[0];
    const PetscReal *W = theta + net->offW[0], *b = theta + net->offb[0];
    PetscReal        kappa = net->kappa;
    for (PetscInt k = 0; k < w; k++) {
      PetscReal *Z = net->Z[0] + k * C * n;
      for (PetscInt p = 0; p < n; p++) {
        PetscReal z = b[k];
        if (net->absmode) {
          z = PetscAbsReal(b[k]);
          for (PetscInt i = 0; i < d; i++) z += PetscAbsReal(W[k + w * i] * X[p * d + i]);
        } else
          for (PetscInt i = 0; i < d; i++) z += W[k + w * i] * X[p * d + i];
        Z[p] = kappa * z;
      }
      if (spec->order >= 1)
        for (PetscInt i = 0; i < d; i++)
          for (PetscInt p = 0; p < n; p++) Z[(1 + i) * n + p] = kappa * (net->absmode ? PetscAbsReal(W[k + w * i]) : W[k + w * i]);
      for (PetscInt c = 1 + (spec->order >= 1 ? d : 0); c < C; c++)
        for (PetscInt p = 0; p < n; p++) Z[c * n + p] = 0.0;
    }
    PetscCall(PetscLogFlops(2.0 * w * n * (d + 1)));
    PetscCall(MSNetActivate_Private(net, 0));
  }
  for (PetscInt l = 1; l < L; l++) {
    PetscInt         w = net->width[l], win = net->width[l - 1];
    const PetscReal *W = theta + net->offW[l], *b = theta + net->offb[l];
    if (n > 0) cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, C * n, w, win, 1.0, net->A[l - 1], C * n, W, w, 0.0, net->Z[l], C * n);
    for (PetscInt k = 0; k < w; k++) {
      PetscReal *Z = net->Z[l] + k * C * n;
      for (PetscInt p = 0; p < n; p++) Z[p] += b[k];
    }
    PetscCall(PetscLogFlops(2.0 * C * n * w * win + w * n));
    PetscCall(MSNetActivate_Private(net, l));
  }
  { /* linear output layer */
    PetscInt         win = net->width[L - 1];
    const PetscReal *W = theta + net->offW[L], *b = theta + net->offb[L];
    if (n > 0) cblas_dgemv(CblasColMajor, CblasNoTrans, C * n, win, net->outscale, net->A[L - 1], C * n, W, 1, 0.0, U, 1);
    for (PetscInt p = 0; p < n; p++) U[p] += net->outscale * b[0];
    PetscCall(PetscLogFlops(2.0 * C * n * win));
  }
  PetscCall(VecRestoreArrayRead(net->params, &theta));
  PetscCall(PetscLogEventEnd(MSNET_Forward, net, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetEvaluate(MSNet net, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[])
{
  PetscInt   C = MSJetSpecNumChannels(spec), bs = net->bs, d = net->dim;
  PetscReal *Ub;

  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  PetscCall(PetscMalloc1(C * PetscMin(bs, PetscMax(n, 1)), &Ub));
  for (PetscInt p0 = 0; p0 < n; p0 += bs) {
    PetscInt nb = PetscMin(bs, n - p0);
    PetscCall(MSNetForward(net, spec, nb, X + p0 * d, Ub));
    for (PetscInt c = 0; c < C; c++) PetscCall(PetscArraycpy(U + c * n + p0, Ub + c * nb, nb));
  }
  PetscCall(PetscFree(Ub));
  PetscFunctionReturn(0);
}

/* Magnitudes of the jets for a running round-off estimate: the forward pass with |W|, |b|, |x|,
   |kappa|, |s| and the chain rules of netforward.c with absolute values, so that each channel is
   sum |W| |a| over every path (Higham, Accuracy and Stability of Numerical Algorithms, sec. 3.1:
   |fl(W a) - W a| <= gamma_K |W| |a|). The activations' values are taken where the pre-activation
   is, which is the first-order estimate. */
PetscErrorCode MSNetEvaluateMagnitude(MSNet net, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal Mag[])
{
  Vec        saved, absp;
  PetscReal  kappa = net->kappa, s = net->outscale, *Ub;
  PetscInt   C = MSJetSpecNumChannels(spec), bs = net->bs, d = net->dim, L = net->nhidden;

  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  PetscCall(VecDuplicate(net->params, &absp));
  PetscCall(VecCopy(net->params, absp));
  PetscCall(VecAbs(absp));
  PetscCall(PetscMalloc1(C * bs, &Ub));
  for (PetscInt l = 0; l < L; l++)
    if (!net->Sabs[l]) PetscCall(PetscMalloc1(4 * net->width[l] * bs, &net->Sabs[l]));
  for (PetscInt p0 = 0; p0 < n; p0 += bs) {
    PetscInt nb = PetscMin(bs, n - p0);
    PetscCall(MSNetForward(net, spec, nb, X + p0 * d, Ub)); /* the true pre-activations */
    for (PetscInt l = 0; l < L; l++) {
      PetscInt w = net->width[l];
      for (PetscInt k = 0; k < w; k++)
        for (PetscInt p = 0; p < nb; p++) {
          net->Sabs[l][k * nb + p]         = PetscAbsReal(net->A[l][k * net->C * nb + p]);
          net->Sabs[l][(w + k) * nb + p]     = PetscAbsReal(net->S[l][k * nb + p]);
          net->Sabs[l][(2 * w + k) * nb + p] = PetscAbsReal(net->S[l][(w + k) * nb + p]);
          net->Sabs[l][(3 * w + k) * nb + p] = PetscAbsReal(net->S[l][(2 * w + k) * nb + p]);
        }
    }
    saved         = net->params;
    net->params   = absp;
    net->absmode  = PETSC_TRUE;
    net->kappa    = PetscAbsReal(kappa);
    net->outscale = PetscAbsReal(s);
    PetscCall(MSNetForward(net, spec, nb, X + p0 * d, Ub));
    net->params   = saved;
    net->absmode  = PETSC_FALSE;
    net->kappa    = kappa;
    net->outscale = s;
    for (PetscInt c = 0; c < C; c++) PetscCall(PetscArraycpy(Mag + c * n + p0, Ub + c * nb, nb));
  }
  PetscCall(PetscFree(Ub));
  PetscCall(VecDestroy(&absp));
  PetscFunctionReturn(0);
}

/* The same network evaluated at one point in MSJet arithmetic: the reference for the batched
   kernels (slow, scalar, obviously correct). */
PetscErrorCode MSNetEvaluateJet(MSNet net, const PetscReal x[], MSJet *u)
{
  const PetscReal *theta;
  MSJet           *a, *z;
  PetscInt         nin = net->dim;

  PetscFunctionBegin;
  PetscCall(MSNetSetUp(net));
  PetscCall(PetscMalloc2(PetscMax(net->maxwidth, net->din), &a, net->maxwidth, &z));
  for (PetscInt i = 0; i < nin; i++) a[i] = MSJetVar(x[i], (int)i);
  if (net->nper) { /* the periodic inputs' (cos, sin) features: cos(omega x_i) / omega in place of x_i, the sines after */
    for (PetscInt i = 0, m = nin; i < net->dim; i++) {
      if (!(net->omega[i] > 0)) continue;
      MSJet wx = MSJetScale(net->omega[i], MSJetVar(x[i], (int)i));
      a[i]     = MSJetScale(1.0 / net->omega[i], MSJetCos(wx));
      a[m++]   = MSJetScale(1.0 / net->omega[i], MSJetSin(wx));
    }
    nin = net->din;
  }
  PetscCall(VecGetArrayRead(net->params, &theta));
  for (PetscInt l = 0; l <= net->nhidden; l++) {
    PetscInt         nout = l < net->nhidden ? net->width[l] : 1;
    const PetscReal *W = theta + net->offW[l], *b = theta + net->offb[l];
    for (PetscInt k = 0; k < nout; k++) {
      MSJet s = MSJetConst(b[k]);
      for (PetscInt j = 0; j < nin; j++) s = MSJetAdd(s, MSJetScale(W[k + nout * j], a[j]));
      z[k] = s;
    }
    if (l == net->nhidden) {
      *u = MSJetScale(net->outscale, z[0]);
      break;
    }
    for (PetscInt k = 0; k < nout; k++) {
      MSJet zk = l == 0 ? MSJetScale(net->kappa, z[k]) : z[k];
      switch (net->act[l]) {
      case MS_ACT_TANH:
        a[k] = MSJetTanh(zk);
        break;
      case MS_ACT_SIN:
        a[k] = MSJetSin(zk);
        break;
      case MS_ACT_COS:
        a[k] = MSJetCos(zk);
        break;
      }
    }
    nin = nout;
  }
  PetscCall(VecRestoreArrayRead(net->params, &theta));
  PetscCall(PetscFree2(a, z));
  PetscFunctionReturn(0);
}
