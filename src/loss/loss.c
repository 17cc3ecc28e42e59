/* MSLoss: the training loss as a least-squares residual vector and its exact Jacobian.

     r = [ sqrt(w_k / N_k) (u - g)   for every data set k (boundary, initial, data) ;
           sqrt(gamma / N_e) R(u)    at the equation (interior) points ]

   with u = U_base + eps N(x; theta): U_base the frozen earlier stages' jets (0 for the first stage)
   and N the network being trained. Loss = 1/2 ||r||^2. Rows follow the points each rank holds;
   parameters theta form a distributed Vec that is gathered to every rank (the network is
   replicated). Jacobian rows: dr/dtheta = scale * eps * sum_c dR/du_c dN_c/dtheta, with dR/du_c from
   the PDE's dual-number residual and the sum done by MSNetJacobianRows.

   With an ansatz u = g + D sum eps_s N_s (src/problem/ansatz.c) the network's jets are multiplied by
   D's before they join the base (which then holds g), and the gradient rows go back through the
   transpose of that product; boundary/initial sets the ansatz imposes exactly have no rows. A stage
   the ansatz does not multiply (MSLossSetAnsatz, -ansatz_stages) is a free network: u = base + eps N
   with every boundary/initial set a soft constraint again.

   Inverse problems: the unknown coefficients c_j (MSPDESetUnknowns) follow the network's parameters
   in theta as c_j / s_j; their Jacobian columns are dr/d(c_j/s_j) = scale * s_j dR/dc_j, the dual
   part of the residual seeded in c_j (data rows do not depend on them). */
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/netimpl.h>
#include <mspinn/private/ddsum.h>
#include <mspinn/private/solverimpl.h>

struct _p_MSLoss {
  MSProblem  prob;
  MSNet      net;
  MSPDE      pde;
  MSJetSpec  spec;
  PetscReal  gamma, eps;
  PetscBool  ansatz, ansatzset; /* the network is multiplied by the ansatz's D (default: when there is one) */
  PetscReal *base[MS_NUM_SETS]; /* C x n jets of the frozen stages per set (not owned), or NULL */
  PetscReal *mult[MS_NUM_SETS]; /* C x n jets of the ansatz's distance D per trained set, or NULL */
  PetscInt   P, m, M;           /* parameters, local and global rows */
  PetscInt   Pnet, nunk;        /* the network's parameters and the unknown coefficients (P = Pnet + nunk) */
  const PetscInt  *unk;         /* the unknowns' coefficient indices and variable scales */
  const PetscReal *uscale;
  PetscInt   row[MS_NUM_SETS];  /* first local row of each set, -1 when not trained on */
  Vec        x, r, xall;
  Mat        J;
  VecScatter toall;
  PetscReal *U, *G, *rb;        /* block workspace */
};

static PetscBool MSLossTrains_Private(MSLoss loss, MSSetKind k)
{
  MSPointSet *set = &loss->prob->set[k];
  return (k != MS_SET_EVAL && set->N > 0 && !(set->imposed && loss->ansatz)) ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode MSLossCreate(MSProblem prob, MSNet net, MSLoss *loss)
{
  MSLoss l;

  PetscFunctionBegin;
  PetscCall(PetscNew(&l));
  l->prob  = prob;
  l->net   = net;
  l->gamma = 1.0;
  l->eps   = 1.0;
  PetscCall(MSProblemGetPDE(prob, &l->pde));
  *loss = l;
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossSetGamma(MSLoss loss, PetscReal gamma)
{
  PetscFunctionBegin;
  loss->gamma = gamma;
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossSetStage(MSLoss loss, PetscReal eps, PetscReal *const base[MS_NUM_SETS])
{
  PetscFunctionBegin;
  loss->eps = eps;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) loss->base[k] = base ? base[k] : NULL;
  PetscFunctionReturn(0);
}

/* whether the network is multiplied by the ansatz's D (default: whenever the problem has an ansatz) */
PetscErrorCode MSLossSetAnsatz(MSLoss loss, PetscBool ansatz)
{
  PetscFunctionBegin;
  loss->ansatz    = ansatz;
  loss->ansatzset = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossSetUp(MSLoss loss)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)loss->prob);
  PetscInt bs, C;

  PetscFunctionBegin;
  PetscCall(MSProblemSetUp(loss->prob));
  if (!loss->ansatzset) loss->ansatz = MSProblemHasAnsatz_Private(loss->prob);
  loss->ansatz = (loss->ansatz && MSProblemHasAnsatz_Private(loss->prob)) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(MSPDEGetJetSpec(loss->pde, &loss->spec));
  PetscCall(MSNetGetNumParameters(loss->net, &loss->Pnet));
  PetscCall(MSPDEGetUnknowns(loss->pde, &loss->nunk, &loss->unk, &loss->uscale));
  loss->P = loss->Pnet + loss->nunk;
  PetscCheck(MSJetSpecNumChannels(&loss->spec) + loss->nunk <= MS_DUAL_MAX, comm, PETSC_ERR_SUP, "-pde_unknown: too many unknowns for the dual numbers (%d jet channels and unknowns at most)", MS_DUAL_MAX);
  loss->m = 0;
  loss->M = 0;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    loss->row[k] = -1;
    if (!MSLossTrains_Private(loss, (MSSetKind)k)) continue;
    loss->row[k] = loss->m;
    loss->m += loss->prob->set[k].n;
    loss->M += loss->prob->set[k].N;
    if (loss->ansatz) {
      MSPointSet *set = &loss->prob->set[k];
      MSJetSpec   sk  = loss->spec;
      if (k != MS_SET_INTERIOR) sk.order = 0;
      PetscCall(PetscFree(loss->mult[k]));
      PetscCall(PetscMalloc1(PetscMax(MSJetSpecNumChannels(&sk) * set->n, 1), &loss->mult[k]));
      PetscCall(MSProblemAnsatzJets_Private(loss->prob, &sk, set->n, set->X, set->n, NULL, loss->mult[k]));
    }
  }
  PetscCheck(loss->M > 0, comm, PETSC_ERR_ARG_WRONG, "The problem has no training points");
  {
    char what[128];
    PetscCall(PetscSNPrintf(what, sizeof(what), "the Jacobian (%" PetscInt_FMT " rows x %" PetscInt_FMT " parameters)", loss->M, loss->P));
    PetscCall(MSCheckMemory_Private(comm, (PetscInt64)loss->m * loss->P, (PetscReal)sizeof(PetscReal) * loss->m * loss->P, what));
  }
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, loss->P, &loss->x));
  PetscCall(PetscObjectSetName((PetscObject)loss->x, "parameters"));
  PetscCall(VecCreateMPI(comm, loss->m, loss->M, &loss->r));
  PetscCall(MatCreateDense(comm, loss->m, PETSC_DECIDE, loss->M, loss->P, NULL, &loss->J));
  PetscCall(VecScatterCreateToAll(loss->x, &loss->toall, &loss->xall));
  PetscCall(MSNetGetBlockSize(loss->net, &bs));
  C = MSJetSpecNumChannels(&loss->spec);
  PetscCall(PetscMalloc3(C * bs, &loss->U, C * bs, &loss->G, bs, &loss->rb));
  { /* the network's current parameters are the starting point */
    Vec                params;
    const PetscScalar *p;
    PetscInt           lo, hi;
    PetscCall(MSNetGetParameters(loss->net, &params));
    PetscCall(VecGetOwnershipRange(loss->x, &lo, &hi));
    PetscCall(VecGetArrayRead(params, &p));
    for (PetscInt i = lo; i < PetscMin(hi, loss->Pnet); i++) PetscCall(VecSetValue(loss->x, i, p[i], INSERT_VALUES));
    PetscCall(VecRestoreArrayRead(params, &p));
    if (loss->nunk) {
      PetscReal *cv;
      PetscCall(MSPDEGetCoefficients(loss->pde, NULL, NULL, &cv));
      for (PetscInt j = 0; j < loss->nunk; j++)
        if (loss->Pnet + j >= lo && loss->Pnet + j < hi) PetscCall(VecSetValue(loss->x, loss->Pnet + j, cv[loss->unk[j]] / loss->uscale[j], INSERT_VALUES));
    }
    PetscCall(VecAssemblyBegin(loss->x));
    PetscCall(VecAssemblyEnd(loss->x));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossGetVectors(MSLoss loss, Vec *x, Vec *r, Mat *J)
{
  PetscFunctionBegin;
  if (x) *x = loss->x;
  if (r) *r = loss->r;
  if (J) *J = loss->J;
  PetscFunctionReturn(0);
}

/* gather theta to every rank and load it into the network */
static PetscErrorCode MSLossLoadParameters_Private(MSLoss loss, Vec x)
{
  const PetscScalar *p;

  PetscFunctionBegin;
  PetscCall(VecScatterBegin(loss->toall, x, loss->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(loss->toall, x, loss->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(loss->xall, &p));
  PetscCall(MSNetSetParameters(loss->net, p));
  if (loss->nunk) {
    PetscReal *cv;
    PetscCall(MSPDEGetCoefficients(loss->pde, NULL, NULL, &cv));
    for (PetscInt j = 0; j < loss->nunk; j++) cv[loss->unk[j]] = p[loss->Pnet + j] * loss->uscale[j];
  }
  PetscCall(VecRestoreArrayRead(loss->xall, &p));
  PetscFunctionReturn(0);
}

/* residual rows (and, when J != NULL, Jacobian rows) of one block of nb points of set k, starting
   at the set's local point p0; r and J point at the block's first row */
static PetscErrorCode MSLossBlock_Private(MSLoss loss, MSSetKind k, PetscInt p0, PetscInt nb, PetscReal *r, PetscInt ldJ, PetscReal *J)
{
  MSPointSet *set = &loss->prob->set[k];
  PetscInt    d = set->dim, Cn = MSJetSpecNumChannels(&loss->spec);
  PetscReal   eps = loss->eps, *base = loss->base[k], *D = loss->mult[k] ? loss->mult[k] + p0 : NULL;
  MSJetSpec   spec = loss->spec;

  PetscFunctionBegin;
  if (k != MS_SET_INTERIOR) spec.order = 0; /* data rows need u only */
  Cn = MSJetSpecNumChannels(&spec);
  PetscCall(MSNetForward(loss->net, &spec, nb, set->X + p0 * d, loss->U));
  if (k != MS_SET_INTERIOR) {
    PetscReal s = PetscSqrtReal(set->weight / set->N);
    for (PetscInt p = 0; p < nb; p++) {
      PetscReal Dp = D ? D[p] : 1.0, u = (base ? base[p0 + p] : 0.0) + eps * Dp * loss->U[p];
      r[p]         = s * (u - set->g[p0 + p]);
      loss->G[p]   = s * eps * Dp;
      if (J)
        for (PetscInt j = 0; j < loss->nunk; j++) J[p + ldJ * (loss->Pnet + j)] = 0.0;
    }
  } else {
    PetscReal  s = PetscSqrtReal(loss->gamma / set->N), *cv;
    MSDual     jets[1 + 2 * MS_JET_DIM + 3], coef[MSPDE_MAX_COEF], R;
    PetscInt   nc;
    PetscCheck(Cn <= MS_DUAL_MAX, PETSC_COMM_SELF, PETSC_ERR_SUP, "Too many jet channels for MSDual");
    PetscCall(MSPDEGetCoefficients(loss->pde, &nc, NULL, &cv));
    for (PetscInt c = 0; c < nc; c++) coef[c] = MSDualConst(cv[c]);
    for (PetscInt j = 0; j < loss->nunk; j++) coef[loss->unk[j]] = MSDualVar(cv[loss->unk[j]], (int)(Cn + j));
    if (D) MSAnsatzMultiply_Private(&spec, nb, D, set->n, loss->U, PETSC_FALSE); /* jets of D N */
    for (PetscInt p = 0; p < nb; p++) {
      for (PetscInt c = 0; c < Cn; c++) jets[c] = MSDualVar((base ? base[c * set->n + p0 + p] : 0.0) + eps * loss->U[c * nb + p], (int)c);
      PetscCall(MSPDEResidual(loss->pde, set->X + (p0 + p) * d, jets, coef, set->f[p0 + p], &R));
      r[p] = s * R.v;
      for (PetscInt c = 0; c < Cn; c++) loss->G[c * nb + p] = s * eps * R.d[c];
      if (J)
        for (PetscInt j = 0; j < loss->nunk; j++) J[p + ldJ * (loss->Pnet + j)] = s * loss->uscale[j] * R.d[Cn + j];
    }
    if (D && J) MSAnsatzMultiplyTranspose_Private(&spec, nb, D, set->n, loss->G); /* d r/d(D N)_c -> d r/dN_c */
  }
  if (J) PetscCall(MSNetJacobianRows(loss->net, loss->G, ldJ, J));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSLossEvaluate_Private(MSLoss loss, Vec x, Vec rv, Mat Jm)
{
  PetscReal *r, *J = NULL;
  PetscInt   bs, ldJ = 0;

  PetscFunctionBegin;
  PetscCall(MSLossLoadParameters_Private(loss, x));
  PetscCall(MSNetGetBlockSize(loss->net, &bs));
  PetscCall(VecGetArray(rv, &r));
  if (Jm) {
    PetscCall(MatDenseGetArrayWrite(Jm, &J));
    PetscCall(MatDenseGetLDA(Jm, &ldJ));
  }
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    PetscInt nc, *cs;
    if (loss->row[k] < 0) continue;
    /* blocks never straddle a chunk: a point's rows come out the same on any number of ranks */
    PetscCall(MSPointSetGetChunks(&loss->prob->set[k], &nc, &cs));
    for (PetscInt c = 0; c < nc; c++)
      for (PetscInt p0 = cs[c]; p0 < cs[c + 1]; p0 += bs) {
        PetscInt nb = PetscMin(bs, cs[c + 1] - p0), row = loss->row[k] + p0;
        PetscCall(MSLossBlock_Private(loss, (MSSetKind)k, p0, nb, J ? loss->rb : r + row, ldJ, J ? J + row : NULL));
        if (J) PetscCall(PetscArraycpy(r + row, loss->rb, nb));
      }
    PetscCall(PetscFree(cs));
  }
  PetscCall(VecRestoreArray(rv, &r));
  if (Jm) {
    PetscCall(MatDenseRestoreArrayWrite(Jm, &J));
    PetscCall(MatAssemblyBegin(Jm, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(Jm, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossResidual(Tao tao, Vec x, Vec r, void *ctx)
{
  PetscFunctionBegin;
  (void)tao;
  PetscCall(MSLossEvaluate_Private((MSLoss)ctx, x, r, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossJacobian(Tao tao, Vec x, Mat J, Mat Jpre, void *ctx)
{
  MSLoss loss = (MSLoss)ctx;

  PetscFunctionBegin;
  (void)tao;
  (void)Jpre;
  /* the residual at x is recomputed with the rows; TAO asked for it at the same x just before */
  PetscCall(MSLossEvaluate_Private(loss, x, loss->r, J));
  PetscFunctionReturn(0);
}

/* for TAO's objective+gradient methods: f = 1/2 ||r||^2, g = J^T r */
PetscErrorCode MSLossObjectiveGradient(Tao tao, Vec x, PetscReal *f, Vec g, void *ctx)
{
  MSLoss loss = (MSLoss)ctx;

  PetscFunctionBegin;
  (void)tao;
  PetscCall(MSLossEvaluate_Private(loss, x, loss->r, loss->J));
  PetscCall(VecNorm(loss->r, NORM_2, f));
  *f = 0.5 * (*f) * (*f);
  PetscCall(MatMultTranspose(loss->J, loss->r, g));
  PetscFunctionReturn(0);
}

/* the local residual rows in chunks (each set's chunks, in row order), for rank-independent sums */
PetscErrorCode MSLossGetRowChunks(MSLoss loss, PetscInt *nchunks, PetscInt **starts)
{
  PetscInt n = 0, total = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    PetscInt nc, *cs;
    if (loss->row[k] < 0) continue;
    PetscCall(MSPointSetGetChunks(&loss->prob->set[k], &nc, &cs));
    total += nc;
    PetscCall(PetscFree(cs));
  }
  PetscCall(PetscMalloc1(total + 1, starts));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    PetscInt nc, *cs;
    if (loss->row[k] < 0) continue;
    PetscCall(MSPointSetGetChunks(&loss->prob->set[k], &nc, &cs));
    for (PetscInt c = 0; c < nc; c++) (*starts)[n++] = loss->row[k] + cs[c];
    PetscCall(PetscFree(cs));
  }
  (*starts)[n] = loss->m;
  *nchunks     = n;
  PetscFunctionReturn(0);
}

/* the unknown coefficients' values at the parameters x (in the order of MSPDEGetUnknowns) */
PetscErrorCode MSLossGetUnknowns(MSLoss loss, Vec x, PetscReal values[])
{
  const PetscScalar *p;

  PetscFunctionBegin;
  if (!loss->nunk) PetscFunctionReturn(0);
  PetscCall(VecScatterBegin(loss->toall, x, loss->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(loss->toall, x, loss->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(loss->xall, &p));
  for (PetscInt j = 0; j < loss->nunk; j++) values[j] = p[loss->Pnet + j] * loss->uscale[j];
  PetscCall(VecRestoreArrayRead(loss->xall, &p));
  PetscFunctionReturn(0);
}

/* Traces of the neural tangent kernel blocks K = J J^T of the data rows and of the equation rows at
   the current parameters (the equation rows at gamma = 1): Tr K = sum of the squared row norms of J.
   Their ratio balances the two parts (Wang, Yu & Perdikaris, J. Comput. Phys. 449, 2022). */
PetscErrorCode MSLossNTKTraces(MSLoss loss, PetscReal *data, PetscReal *eq)
{
  const PetscReal *J;
  PetscInt         lda;
  PetscReal        t[2] = {0, 0}, gamma = loss->gamma;
  MSDDSum          acc;

  PetscFunctionBegin;
  loss->gamma = 1.0;
  PetscCall(MSLossEvaluate_Private(loss, loss->x, loss->r, loss->J));
  loss->gamma = gamma;
  PetscCall(MatDenseGetLDA(loss->J, &lda));
  PetscCall(MatDenseGetArrayRead(loss->J, &J));
  PetscCall(MSDDSumCreate(2, &acc));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    PetscInt nc, *cs;
    if (loss->row[k] < 0) continue;
    PetscCall(MSPointSetGetChunks(&loss->prob->set[k], &nc, &cs));
    for (PetscInt c = 0; c < nc; c++) {
      PetscReal part[2] = {0, 0};
      for (PetscInt q = 0; q < loss->Pnet; q++) /* the network's columns: an unknown coefficient's column is not scaled by eps */
        for (PetscInt p = cs[c]; p < cs[c + 1]; p++) part[k == MS_SET_INTERIOR] += PetscSqr(J[loss->row[k] + p + lda * q]);
      PetscCall(MSDDSumAdd(&acc, 2, part));
    }
    PetscCall(PetscFree(cs));
  }
  PetscCall(MatDenseRestoreArrayRead(loss->J, &J));
  PetscCall(MSDDSumAllreduce(&acc, PetscObjectComm((PetscObject)loss->r), t));
  PetscCall(MSDDSumDestroy(&acc));
  *data = t[0];
  *eq   = t[1];
  PetscFunctionReturn(0);
}

/* 1/2 ||r||^2 split into data rows and equation rows */
PetscErrorCode MSLossParts(MSLoss loss, Vec rv, PetscReal *data, PetscReal *eq)
{
  const PetscReal *r;
  PetscReal        s[2] = {0, 0};
  MSDDSum          acc;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(rv, &r));
  PetscCall(MSDDSumCreate(2, &acc));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) { /* chunk by chunk: the same on any number of ranks */
    PetscInt nc, *cs;
    if (loss->row[k] < 0) continue;
    PetscCall(MSPointSetGetChunks(&loss->prob->set[k], &nc, &cs));
    for (PetscInt c = 0; c < nc; c++) {
      PetscReal part[2] = {0, 0};
      for (PetscInt p = cs[c]; p < cs[c + 1]; p++) part[k == MS_SET_INTERIOR] += 0.5 * r[loss->row[k] + p] * r[loss->row[k] + p];
      PetscCall(MSDDSumAdd(&acc, 2, part));
    }
    PetscCall(PetscFree(cs));
  }
  PetscCall(VecRestoreArrayRead(rv, &r));
  PetscCall(MSDDSumAllreduce(&acc, PetscObjectComm((PetscObject)rv), s));
  PetscCall(MSDDSumDestroy(&acc));
  if (data) *data = s[0];
  if (eq) *eq = s[1];
  PetscFunctionReturn(0);
}

PetscErrorCode MSLossDestroy(MSLoss *loss)
{
  PetscFunctionBegin;
  if (!*loss) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&(*loss)->x));
  PetscCall(VecDestroy(&(*loss)->r));
  PetscCall(VecDestroy(&(*loss)->xall));
  PetscCall(MatDestroy(&(*loss)->J));
  PetscCall(VecScatterDestroy(&(*loss)->toall));
  PetscCall(PetscFree3((*loss)->U, (*loss)->G, (*loss)->rb));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) PetscCall(PetscFree((*loss)->mult[k]));
  PetscCall(PetscFree(*loss));
  PetscFunctionReturn(0);
}
