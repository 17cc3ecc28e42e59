/* Reverse sweep of an MSNet: Jacobian rows of pointwise residuals with respect to the parameters.

   Point p's residual r_p depends on the network only through its jets U_c(x_p), with sensitivities
   G_c = d r_p / d U_c given by the caller. Reverse mode through the jet recurrences of
   netforward.c, for all points of a block at once (adjoints stored like the activations,
   [unit][channel][point]):
     output      abar_c = s w_L G_c;   dr/dw_L[j] = s sum_c G_c a_{L-1,c}[j],  dr/db_L = s G_0
     activation  zbar_ii = sigma_1 abar_ii,   zbar_ij = sigma_1 abar_ij
                 zbar_i  = sigma_1 abar_i + 2 sigma_2 z_i abar_ii + sum_j sigma_2 z_j abar_ij
                 zbar_0  = sigma_1 abar_0 + sigma_2 sum_i z_i abar_i
                           + sum_i (sigma_3 z_i^2 + sigma_2 z_ii) abar_ii
                           + sum_{i<j} (sigma_3 z_i z_j + sigma_2 z_ij) abar_ij
     linear      dr/dW_l[k, j] = sum_c zbar_c[k] a_{l-1,c}[j],  dr/db_l[k] = zbar_0[k],
                 abar_{l-1} = W_l^T zbar                      (one dgemm for all channels/points)
   so each Jacobian column is a contiguous vector over the block's points: J is written directly in
   the column-major layout of a PETSc MATDENSE and of LAPACK. */
#include <mspinn/private/netimpl.h>
#include <cblas.h>

static PetscErrorCode MSNetActivationAdjoint_Private(MSNet net, PetscInt l)
{
  const MSJetSpec *s = &net->spec;
  PetscInt         n = net->nblk, C = net->C, w = net->width[l], d = s->dim;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < w; k++) {
    const PetscReal *Z = net->Z[l] + k * C * n, *Ab = net->Abar + k * C * n;
    const PetscReal *s1 = net->S[l] + k * n, *s2 = s1 + w * n, *s3 = s2 + w * n;
    PetscReal       *Zb = net->Zbar + k * C * n;

    for (PetscInt p = 0; p < n; p++) Zb[p] = s1[p] * Ab[p];
    if (s->order >= 1)
      for (PetscInt i = 0; i < d; i++) {
        const PetscReal *zi = Z + (1 + i) * n, *abi = Ab + (1 + i) * n;
        PetscReal       *zbi = Zb + (1 + i) * n;
        for (PetscInt p = 0; p < n; p++) {
          zbi[p] = s1[p] * abi[p];
          Zb[p] += s2[p] * zi[p] * abi[p];
        }
      }
    if (s->order >= 2) {
      for (PetscInt i = 0; i < d; i++) {
        const PetscReal *zi = Z + (1 + i) * n, *zii = Z + (1 + d + i) * n, *abii = Ab + (1 + d + i) * n;
        PetscReal       *zbi = Zb + (1 + i) * n, *zbii = Zb + (1 + d + i) * n;
        for (PetscInt p = 0; p < n; p++) {
          zbii[p] = s1[p] * abii[p];
          zbi[p] += 2.0 * s2[p] * zi[p] * abii[p];
          Zb[p] += (s3[p] * zi[p] * zi[p] + s2[p] * zii[p]) * abii[p];
        }
      }
      if (s->mixed)
        for (PetscInt i = 0; i < d; i++)
          for (PetscInt j = i + 1; j < d; j++) {
            PetscInt         c  = MSJetSpecChannelDD(s, i, j);
            const PetscReal *zi = Z + (1 + i) * n, *zj = Z + (1 + j) * n, *zij = Z + c * n, *abij = Ab + c * n;
            PetscReal       *zbi = Zb + (1 + i) * n, *zbj = Zb + (1 + j) * n, *zbij = Zb + c * n;
            for (PetscInt p = 0; p < n; p++) {
              zbij[p] = s1[p] * abij[p];
              zbi[p] += s2[p] * zj[p] * abij[p];
              zbj[p] += s2[p] * zi[p] * abij[p];
              Zb[p] += (s3[p] * zi[p] * zj[p] + s2[p] * zij[p]) * abij[p];
            }
          }
    }
  }
  PetscCall(PetscLogFlops(6.0 * w * n * C));
  PetscFunctionReturn(0);
}

/* J[:, off + k + nout*j] = sum_c Yb_c[k] . Xa_c[j] over the points: the weight columns of layer l */
static void MSNetWeightColumns_Private(PetscInt n, PetscInt C, PetscInt nout, PetscInt nin, const PetscReal *Yb, const PetscReal *Xa, PetscInt ldJ, PetscReal *J)
{
  for (PetscInt j = 0; j < nin; j++) {
    const PetscReal *a = Xa + j * C * n;
    for (PetscInt k = 0; k < nout; k++) {
      const PetscReal *g   = Yb + k * C * n;
      PetscReal       *col = J + ldJ * (k + nout * j);
      for (PetscInt p = 0; p < n; p++) col[p] = g[p] * a[p];
      for (PetscInt c = 1; c < C; c++)
        for (PetscInt p = 0; p < n; p++) col[p] += g[c * n + p] * a[c * n + p];
    }
  }
}

/* the first layer's weight columns with periodic inputs (netforward.c): z_0 = kappa (b + sum_j W_j phi_j),
   z_i = kappa sum W_j phi_j', z_ii = kappa sum W_j phi_j'' over the features j of coordinate i, so
   dr/dW[k, j] = kappa (zbar_0 phi_j + zbar_i phi_j' + zbar_ii phi_j'') */
static PetscErrorCode MSNetFirstLayerFeatureColumns_Private(MSNet net, PetscInt ldJ, PetscReal J[])
{
  const MSJetSpec *spec = &net->spec;
  PetscInt         n = net->nblk, C = net->C, w = net->width[0];

  PetscFunctionBegin;
  for (PetscInt j = 0; j < net->din; j++) {
    const PetscInt   i = MSNetFeatureCoordinate_Private(net, j), ci = MSJetSpecChannelD(spec, i), cii = MSJetSpecChannelDD(spec, i, i);
    const PetscReal *F = net->F + 3 * j * n;
    for (PetscInt k = 0; k < w; k++) {
      PetscReal       *col = J + ldJ * (net->offW[0] + k + w * j);
      const PetscReal *zb  = net->Zbar + k * C * n;
      for (PetscInt p = 0; p < n; p++) {
        PetscReal g = zb[p] * F[p];
        if (spec->order >= 1) g += zb[ci * n + p] * F[n + p];
        if (spec->order >= 2) g += zb[cii * n + p] * F[2 * n + p];
        col[p] = net->kappa * g;
      }
    }
  }
  PetscCall(PetscLogFlops(6.0 * net->din * w * n));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetJacobianRows(MSNet net, const PetscReal G[], PetscInt ldJ, PetscReal J[])
{
  const PetscReal *theta;
  PetscInt         n = net->nblk, C = net->C, L = net->nhidden, d = net->dim;
  PetscReal        s = net->outscale;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 1);
  PetscCheck(net->X || n == 0, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_WRONGSTATE, "Call MSNetForward() before MSNetJacobianRows()");
  PetscCheck(ldJ >= n, PetscObjectComm((PetscObject)net), PETSC_ERR_ARG_SIZ, "Leading dimension %" PetscInt_FMT " < %" PetscInt_FMT " rows", ldJ, n);
  if (n == 0) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(MSNET_Jacobian, net, 0, 0, 0));
  PetscCall(VecGetArrayRead(net->params, &theta));
  { /* output layer */
    PetscInt         win = net->width[L - 1];
    const PetscReal *W   = theta + net->offW[L];
    const PetscReal *A   = net->A[L - 1];
    for (PetscInt j = 0; j < win; j++) {
      PetscReal *col = J + ldJ * (net->offW[L] + j);
      for (PetscInt p = 0; p < n; p++) col[p] = 0.0;
      for (PetscInt c = 0; c < C; c++)
        for (PetscInt p = 0; p < n; p++) col[p] += s * G[c * n + p] * A[(j * C + c) * n + p];
      for (PetscInt c = 0; c < C; c++)
        for (PetscInt p = 0; p < n; p++) net->Abar[(j * C + c) * n + p] = s * W[j] * G[c * n + p];
    }
    for (PetscInt p = 0; p < n; p++) J[ldJ * net->offb[L] + p] = s * G[p];
    PetscCall(PetscLogFlops(5.0 * win * C * n));
  }
  for (PetscInt l = L - 1; l >= 0; l--) {
    PetscInt w = net->width[l];
    PetscCall(MSNetActivationAdjoint_Private(net, l));
    for (PetscInt k = 0; k < w; k++) {
      PetscReal *col = J + ldJ * (net->offb[l] + k);
      for (PetscInt p = 0; p < n; p++) col[p] = (l == 0 ? net->kappa : 1.0) * net->Zbar[k * C * n + p];
    }
    if (l > 0) {
      PetscInt win = net->width[l - 1];
      MSNetWeightColumns_Private(n, C, w, win, net->Zbar, net->A[l - 1], ldJ, J + ldJ * net->offW[l]);
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, C * n, win, w, 1.0, net->Zbar, C * n, theta + net->offW[l], w, 0.0, net->Abar, C * n);
      PetscCall(PetscLogFlops(2.0 * C * n * w * win * 2.0));
    } else if (net->nper) PetscCall(MSNetFirstLayerFeatureColumns_Private(net, ldJ, J));
    else {
      /* z_0 = kappa (W x + b), z_i = kappa W[:, i]: dz_0/dW[k,i] = kappa x_i, dz_i/dW[k,i] = kappa */
      for (PetscInt i = 0; i < d; i++)
        for (PetscInt k = 0; k < w; k++) {
          PetscReal       *col = J + ldJ * (net->offW[0] + k + w * i);
          const PetscReal *zb0 = net->Zbar + k * C * n, *zbi = zb0 + (1 + i) * n;
          for (PetscInt p = 0; p < n; p++) col[p] = net->kappa * (zb0[p] * net->X[p * d + i] + (net->spec.order >= 1 ? zbi[p] : 0.0));
        }
      PetscCall(PetscLogFlops(3.0 * d * w * n));
    }
  }
  PetscCall(VecRestoreArrayRead(net->params, &theta));
  PetscCall(PetscLogEventEnd(MSNET_Jacobian, net, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode MSNetJacobianNormal(MSNet net, const MSJetSpec *spec, PetscInt n, const PetscReal X[], MSNetResidualFn fn, void *ctx, PetscReal JtJ[], PetscReal Jtr[], PetscReal *ssq)
{
  PetscInt   C = MSJetSpecNumChannels(spec), bs = net->bs, d = net->dim, P;
  PetscReal *U, *G, *r, *Jb, sum = 0.0;

  PetscFunctionBegin;
  PetscCall(MSNetGetNumParameters(net, &P));
  PetscCall(PetscMalloc4(C * bs, &U, C * bs, &G, bs, &r, (size_t)bs * P, &Jb));
  for (PetscInt p0 = 0; p0 < n; p0 += bs) {
    PetscInt nb = PetscMin(bs, n - p0);
    PetscCall(MSNetForward(net, spec, nb, X + p0 * d, U));
    PetscCall((*fn)(ctx, nb, X + p0 * d, U, r, G));
    PetscCall(MSNetJacobianRows(net, G, nb, Jb));
    PetscCall(PetscLogEventBegin(MSNET_Normal, net, 0, 0, 0));
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, P, nb, 1.0, Jb, nb, 1.0, JtJ, P);
    cblas_dgemv(CblasColMajor, CblasTrans, nb, P, 1.0, Jb, nb, r, 1, 1.0, Jtr, 1);
    for (PetscInt p = 0; p < nb; p++) sum += r[p] * r[p];
    PetscCall(PetscLogFlops((PetscLogDouble)nb * P * (P + 1) + 2.0 * nb * P));
    PetscCall(PetscLogEventEnd(MSNET_Normal, net, 0, 0, 0));
  }
  PetscCall(PetscFree4(U, G, r, Jb));
  if (ssq) *ssq += sum;
  PetscFunctionReturn(0);
}
