/* Fields on a structured grid for visualization: a PETSc DMDA over the box of all inputs (space,
   and time last for time-dependent problems) with n nodes per direction including the box's faces.

   /grid/<field>   one dataset per field, written by VecView of DMDA vectors (the DMDA's natural
                   ordering: shape (n_last, ..., n_first), e.g. (n_t, n_x) for Burgers)
   /grid/<a>       the node coordinates along input a (x, y, z, t)
   fields: u; the derivatives the PDE uses (u_x, u_xx, u_t, ... in the PDE's jet channels);
   residual (the PDE residual; for a fit the misfit to -pde_exact); exact and error when -pde_exact
   is given; stage_<s>, each stage's contribution eps_s N_s (they sum to u; with an ansatz
   u = g + D sum_s eps_s N_s the contributions eps_s D N_s, which sum to u - g; stages after
   -ansatz_stages contribute eps_s N_s).

   Time-dependent problems also get K snapshots in time (-grid_snapshots), at t_k evenly spaced over
   the time interval, on the spatial nodes of the grid:
   /snapshots/t (K), /snapshots/u, residual, error (K, n_space): rows follow the spatial grid with
   x fastest. The XDMF file (src/io/xdmf.c) shows the grid and the snapshots as a time series. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/ddsum.h>
#include <petscdmda.h>
#include <petscviewerhdf5.h>

static const char *const MSGridInputNames[] = {"x", "y", "z"};

PetscErrorCode MSSolverGridInputName_Private(MSSolver sol, PetscInt i, const char **name)
{
  PetscFunctionBegin;
  *name = i < sol->prob->sdim ? MSGridInputNames[i] : "t";
  PetscFunctionReturn(0);
}

/* the name of jet channel c ("u", "u_x", "u_xt", ...) with this problem's input names */
PetscErrorCode MSSolverChannelName_Private(MSSolver sol, const MSJetSpec *spec, PetscInt c, char name[], size_t len)
{
  const char *inputs[MS_JET_DIM];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < spec->dim; i++) PetscCall(MSSolverGridInputName_Private(sol, i, &inputs[i]));
  PetscCall(MSJetSpecChannelName(spec, inputs, c, name, len));
  PetscFunctionReturn(0);
}

/* the fields at n points X: F[f*n + p] for the fields named in names[] (nf of them) */
static PetscErrorCode MSSolverGridFields_Private(MSSolver sol, PetscInt n, const PetscReal X[], PetscInt *nf, char names[][32], PetscReal **F)
{
  MSProblem  prob = sol->prob;
  MSJetSpec  spec;
  PetscBool  haseq;
  PetscInt   C, k = 0, ns = sol->model->nstages;
  PetscReal *U;

  PetscFunctionBegin;
  PetscCall(MSPDEGetJetSpec(prob->pde, &spec));
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  C = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1((C + 3 + ns) * PetscMax(n, 1), F));
  PetscCall(PetscMalloc1(C * PetscMax(n, 1), &U));
  PetscCall(MSModelEvaluate(sol->model, ns, &spec, n, X, U));
  for (PetscInt c = 0; c < C; c++, k++) {
    PetscCall(MSSolverChannelName_Private(sol, &spec, c, names[k], 32));
    PetscCall(PetscArraycpy(*F + k * n, U + c * n, n));
  }
  if (haseq || prob->exact) {
    PetscCall(PetscStrncpy(names[k], "residual", 32));
    PetscCall(MSModelResidual(sol->model, sol->prob, ns, n, X, *F + k * n));
    k++;
  }
  if (prob->exact) {
    PetscCall(PetscStrncpy(names[k], "exact", 32));
    PetscCall(PetscStrncpy(names[k + 1], "error", 32));
    for (PetscInt p = 0; p < n; p++) {
      PetscCall(MSExprEvaluate(prob->exact, X + p * prob->nin, &(*F)[k * n + p]));
      (*F)[(k + 1) * n + p] = U[p] - (*F)[k * n + p];
    }
    k += 2;
  }
  for (PetscInt s = 0; s < ns; s++, k++) {
    MSJetSpec s0 = {prob->nin, 0, PETSC_FALSE};
    PetscCall(PetscSNPrintf(names[k], 32, "stage_%" PetscInt_FMT, s + 1));
    PetscCall(MSModelEvaluateStage(sol->model, s, &s0, n, X, *F + k * n)); /* eps_s N_s, or D eps_s N_s */
  }
  *nf = k;
  PetscCall(PetscFree(U));
  PetscFunctionReturn(0);
}

/* Mesh problems (-mesh): the fields at the mesh's vertices, with the mesh itself:
   /mesh/vertices (n_v, dim), /mesh/cells (n_c, dim + 1) vertex indices (integers, from 0) and
   /mesh/<field> (n_v,), the same fields as /grid. Computed in chunks of vertices on every rank (the
   same values for any number of ranks), written by rank 0. */
static PetscErrorCode MSSolverWriteMesh_Private(MSSolver sol, PetscViewer v)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSProblem   prob = sol->prob;
  PetscInt    nv = prob->nvert, d = prob->mdim, nf = 0;
  PetscReal  *F = NULL;
  PetscMPIInt rank;
  IS          cells;
  char        names[MS_JET_DIM * MS_JET_DIM + 3 + MS_JET_DIM + 4 + MS_MAX_STAGES][32];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt q0 = 0; q0 < nv; q0 += MS_CHUNK) {
    PetscInt   nb = PetscMin(MS_CHUNK, nv - q0);
    PetscReal *Fc;
    PetscCall(MSSolverGridFields_Private(sol, nb, prob->vert + q0 * d, &nf, names, &Fc));
    if (!F) PetscCall(PetscMalloc1(nf * nv, &F));
    for (PetscInt f = 0; f < nf; f++) PetscCall(PetscArraycpy(F + f * nv + q0, Fc + f * nb, nb));
    PetscCall(PetscFree(Fc));
  }
  PetscCall(PetscViewerHDF5PushGroup(v, "/mesh"));
  PetscCall(MSWriteRootArray_Private(v, comm, "vertices", nv, d, prob->vert));
  for (PetscInt f = 0; f < nf; f++) PetscCall(MSWriteRootArray_Private(v, comm, names[f], nv, 1, F + f * nv));
  PetscCall(ISCreateGeneral(comm, rank ? 0 : prob->ncell * (d + 1), prob->cellv, PETSC_USE_POINTER, &cells));
  PetscCall(ISSetBlockSize(cells, d + 1));
  PetscCall(PetscObjectSetName((PetscObject)cells, "cells"));
  PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)prob->ncell * (d + 1) * (PetscInt64)sizeof(PetscInt)));
  PetscCall(MSWriteAgree_Private(comm, ISView(cells, v)));
  PetscCall(ISDestroy(&cells));
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscCall(PetscFree(F));
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverWriteGrid_Private(MSSolver sol, PetscViewer v)
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)sol);
  MSProblem    prob = sol->prob;
  PetscInt     d = prob->nin, *n = sol->grid_n, N = 1, nf = 0, xs, ys, zs, xm, ym, zm;
  DM           da;
  Vec          field;
  PetscReal   *X, *F;
  char         names[MS_JET_DIM * MS_JET_DIM + 3 + MS_JET_DIM + 4 + MS_MAX_STAGES][32];

  PetscFunctionBegin;
  if (!sol->grid) PetscFunctionReturn(0);
  if (prob->meshfile[0]) { /* the box around a mesh is not the domain: fields at the vertices instead */
    PetscCall(MSSolverWriteMesh_Private(sol, v));
    PetscFunctionReturn(0);
  }
  if (d == 1) PetscCall(DMDACreate1d(comm, DM_BOUNDARY_NONE, n[0], 1, 0, NULL, &da));
  else if (d == 2) PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n[0], n[1], PETSC_DECIDE, PETSC_DECIDE, 1, 0, NULL, NULL, &da));
  else PetscCall(DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n[0], n[1], n[2], PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 1, 0, NULL, NULL, NULL, &da));
  PetscCall(DMSetUp(da));
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  /* the fields at every node in the natural ordering (first input fastest), chunk by chunk on every
     rank, so that the file's content does not depend on the number of ranks; each rank then stores
     its own nodes of the DMDA vectors */
  for (PetscInt i = 0; i < d; i++) N *= n[i];
  PetscCall(PetscMalloc1(MS_CHUNK * d, &X));
  F = NULL;
  for (PetscInt q0 = 0; q0 < N; q0 += MS_CHUNK) {
    PetscInt   nb = PetscMin(MS_CHUNK, N - q0);
    PetscReal *Fc;
    for (PetscInt q = 0; q < nb; q++) {
      PetscInt r = q0 + q;
      for (PetscInt i = 0; i < d; i++) {
        X[q * d + i] = prob->lo[i] + (prob->hi[i] - prob->lo[i]) * (r % n[i]) / (n[i] - 1);
        r /= n[i];
      }
    }
    PetscCall(MSSolverGridFields_Private(sol, nb, X, &nf, names, &Fc));
    if (!F) PetscCall(PetscMalloc1(nf * N, &F));
    for (PetscInt f = 0; f < nf; f++) PetscCall(PetscArraycpy(F + f * N + q0, Fc + f * nb, nb));
    PetscCall(PetscFree(Fc));
  }
  PetscCall(DMCreateGlobalVector(da, &field));
  PetscCall(PetscViewerHDF5PushGroup(v, "/grid"));
  for (PetscInt f = 0; f < nf; f++) {
    PetscReal *a;
    PetscInt   l = 0;
    PetscCall(PetscObjectSetName((PetscObject)field, names[f]));
    PetscCall(VecGetArray(field, &a));
    for (PetscInt k = zs; k < zs + zm; k++)
      for (PetscInt j = ys; j < ys + ym; j++)
        for (PetscInt i = xs; i < xs + xm; i++) a[l++] = F[f * N + i + n[0] * (j + (d > 1 ? n[1] : 1) * k)];
    PetscCall(VecRestoreArray(field, &a));
    PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)N * (PetscInt64)sizeof(PetscReal)));
    PetscCall(MSWriteAgree_Private(comm, VecView(field, v)));
  }
  for (PetscInt i = 0; i < d; i++) { /* node coordinates per direction */
    PetscReal  *line;
    const char *a;
    PetscCall(PetscMalloc1(n[i], &line));
    for (PetscInt j = 0; j < n[i]; j++) line[j] = prob->lo[i] + (prob->hi[i] - prob->lo[i]) * j / (n[i] - 1);
    PetscCall(MSSolverGridInputName_Private(sol, i, &a));
    PetscCall(MSWriteRootArray_Private(v, comm, a, n[i], 1, line));
    PetscCall(PetscFree(line));
  }
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscCall(VecDestroy(&field));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscFree(X));
  PetscCall(PetscFree(F));

  if (prob->timedep && sol->grid_snapshots > 0) { /* snapshots in time on the spatial nodes */
    PetscInt   K = sol->grid_snapshots, sd = prob->sdim, ns = 1, N;
    PetscReal *T, *G, *out;
    for (PetscInt i = 0; i < sd; i++) ns *= n[i];
    N = K * ns;
    PetscCall(PetscMalloc3(N * d, &X, K, &T, N, &out));
    for (PetscInt k = 0; k < K; k++) {
      T[k] = K > 1 ? prob->lo[sd] + (prob->hi[sd] - prob->lo[sd]) * k / (K - 1) : prob->hi[sd];
      for (PetscInt q = 0; q < ns; q++) {
        PetscInt r = q;
        for (PetscInt i = 0; i < sd; i++) {
          X[(k * ns + q) * d + i] = prob->lo[i] + (prob->hi[i] - prob->lo[i]) * (r % n[i]) / (n[i] - 1);
          r /= n[i];
        }
        X[(k * ns + q) * d + sd] = T[k];
      }
    }
    PetscCall(MSSolverGridFields_Private(sol, N, X, &nf, names, &G)); /* the same on every rank (any number of ranks); rank 0 writes */
    PetscCall(PetscViewerHDF5PushGroup(v, "/snapshots"));
    PetscCall(MSWriteRootArray_Private(v, comm, "t", K, 1, T));
    for (PetscInt f = 0; f < nf; f++) {
      PetscBool want;
      PetscCall(MSSolverSnapshotField_Private(names[f], &want));
      if (!want) continue;
      PetscCall(PetscArraycpy(out, G + f * N, N));
      PetscCall(MSWriteRootArray_Private(v, comm, names[f], K, ns, out));
    }
    PetscCall(PetscViewerHDF5PopGroup(v));
    for (PetscInt k = 0; k < K; k++) { /* each time's row on its own as well, for the XDMF readers (src/io/xdmf.c) */
      char group[64];
      PetscCall(PetscSNPrintf(group, sizeof(group), "/snapshots/step_%" PetscInt_FMT, k));
      PetscCall(PetscViewerHDF5PushGroup(v, group));
      for (PetscInt f = 0; f < nf; f++) {
        PetscBool want;
        PetscCall(MSSolverSnapshotField_Private(names[f], &want));
        if (want) PetscCall(MSWriteRootArray_Private(v, comm, names[f], ns, 1, G + f * N + k * ns));
      }
      PetscCall(PetscViewerHDF5PopGroup(v));
    }
    PetscCall(PetscFree(G));
    PetscCall(PetscFree3(X, T, out));
  }
  PetscFunctionReturn(0);
}

/* whether a grid field is also written in /snapshots: u, residual and error */
PetscErrorCode MSSolverSnapshotField_Private(const char name[], PetscBool *want)
{
  const char *keep[] = {"u", "residual", "error"};

  PetscFunctionBegin;
  *want = PETSC_FALSE;
  for (size_t j = 0; j < sizeof(keep) / sizeof(keep[0]) && !*want; j++) PetscCall(PetscStrcmp(name, keep[j], want));
  PetscFunctionReturn(0);
}

/* the names of the fields written on the grid, for the XDMF file */
PetscErrorCode MSSolverGridFieldNames_Private(MSSolver sol, PetscInt *nf, char names[][32])
{
  MSProblem prob = sol->prob;
  MSJetSpec spec;
  PetscBool haseq;
  PetscInt  C, k = 0;

  PetscFunctionBegin;
  PetscCall(MSPDEGetJetSpec(prob->pde, &spec));
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  C = MSJetSpecNumChannels(&spec);
  for (PetscInt c = 0; c < C; c++, k++) PetscCall(MSSolverChannelName_Private(sol, &spec, c, names[k], 32));
  if (haseq || prob->exact) PetscCall(PetscStrncpy(names[k++], "residual", 32));
  if (prob->exact) {
    PetscCall(PetscStrncpy(names[k++], "exact", 32));
    PetscCall(PetscStrncpy(names[k++], "error", 32));
  }
  for (PetscInt s = 0; s < sol->model->nstages; s++, k++) PetscCall(PetscSNPrintf(names[k], 32, "stage_%" PetscInt_FMT, s + 1));
  *nf = k;
  PetscFunctionReturn(0);
}
