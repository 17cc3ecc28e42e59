/* XDMF files beside the HDF5 output so that ParaView (File > Open; the Xdmf3 readers or the legacy
   XDMF reader) shows the fields. One grid per file, as ParaView draws every grid of a file over the others
   (a point cloud drawn over a surface speckles it): RUN.xmf holds grid "grid", the structured grid of /grid
   (a CoRectMesh: origin and spacing; a polyline over one input) with all its fields, or "mesh" for a Gmsh mesh; RUN_eval.xmf grid
   "eval", the evaluation points as a point cloud (geometry /eval/xyz, N x 3 with unused coordinates 0)
   with u, residual, and exact and error when known, or the reference's own grid. Without a grid
   (-grid_write 0) RUN.xmf holds "eval". For time-dependent problems RUN_snapshots.xmf: a temporal
   collection of the spatial grid with the fields of /snapshots/step_<k>. The HDF5 file is referenced by
   its name alone, so the files move together. Written on rank 0, atomically (temporary file, then rename). */
#include <errno.h>
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <stdio.h>
#include <string.h>

#define MS_XDMF_DIM 3 /* grids are written as 3D: ParaView misplaces 1D and 2D ones */

static void MSXdmfField_Private(FILE *f, const char *h5, const char *name, PetscInt N)
{
  fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", name);
  fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld\" NumberType=\"Float\" Precision=\"8\">%s:/eval/%s</DataItem>\n", (long)N, h5, name);
  fprintf(f, "      </Attribute>\n");
}

/* The dimensions of a structured grid over the first d <= 3 inputs with n[i] nodes, padded with 1s to
   three, slowest first ("1 ny nx"): ParaView's readers place a 1D or 2D CoRectMesh in the YZ plane
   (x on Y), a 3D one with its first input on X. Data items use the same padded dimensions (the legacy
   reader reads a 1D array on a 3D topology wrongly otherwise). */
static void MSXdmfDims_Private(FILE *f, PetscInt d, const PetscInt n[])
{
  for (PetscInt i = MS_XDMF_DIM - 1; i >= 0; i--) fprintf(f, "%ld%s", (long)(i < d ? n[i] : 1), i ? " " : "");
}

/* the padded origin or spacing of such a grid: input i's value v[i], 'pad' for the missing directions */
static void MSXdmfVector_Private(FILE *f, PetscInt d, const PetscReal v[], PetscReal pad)
{
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\">", MS_XDMF_DIM);
  for (PetscInt i = MS_XDMF_DIM - 1; i >= 0; i--) fprintf(f, "%.17g%s", (double)(i < d ? v[i] : pad), i ? " " : "</DataItem>\n");
}

/* a grid over one input with n nodes as a polyline on the x axis, coordinates and segments inline: ParaView
   shows a 1D CoRectMesh as a slice of no area (nothing), a polyline as a line */
static void MSXdmfLine_Private(FILE *f, PetscReal lo, PetscReal h, PetscInt n)
{
  fprintf(f, "      <Topology TopologyType=\"Polyline\" NodesPerElement=\"2\" NumberOfElements=\"%ld\">\n", (long)(n - 1));
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%ld 2\" NumberType=\"Int\">", (long)(n - 1));
  for (PetscInt i = 0; i + 1 < n; i++) fprintf(f, "%ld %ld%s", (long)i, (long)(i + 1), i + 2 < n ? " " : "");
  fprintf(f, "</DataItem>\n      </Topology>\n      <Geometry GeometryType=\"XYZ\">\n");
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%ld 3\" NumberType=\"Float\" Precision=\"8\">", (long)n);
  for (PetscInt i = 0; i < n; i++) fprintf(f, "%.17g 0 0%s", (double)(lo + h * i), i + 1 < n ? " " : "");
  fprintf(f, "</DataItem>\n      </Geometry>\n");
}

/* a structured grid over the first d inputs with n[i] nodes, as a 3DCoRectMesh (a polyline for d = 1) */
static void MSXdmfCoRect_Private(FILE *f, MSSolver sol, PetscInt d, const PetscInt n[])
{
  const PetscReal *lo = sol->prob->lo, *hi = sol->prob->hi;
  PetscReal        h[MS_XDMF_DIM];

  for (PetscInt i = 0; i < d; i++) h[i] = (hi[i] - lo[i]) / (n[i] - 1);
  if (d == 1) {
    MSXdmfLine_Private(f, lo[0], h[0], n[0]);
    return;
  }
  fprintf(f, "      <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"");
  MSXdmfDims_Private(f, d, n);
  fprintf(f, "\"/>\n      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n");
  MSXdmfVector_Private(f, d, lo, 0.0);
  MSXdmfVector_Private(f, d, h, 1.0);
  fprintf(f, "      </Geometry>\n");
}

/* a node-centred field of a structured grid over the first d inputs, dataset path (after the file name) */
static void MSXdmfGridField_Private(FILE *f, const char *h5, const char *name, PetscInt d, const PetscInt n[], const char *path)
{
  fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n        <DataItem Format=\"HDF\" Dimensions=\"", name);
  MSXdmfDims_Private(f, d, n);
  fprintf(f, "\" NumberType=\"Float\" Precision=\"8\">%s:%s</DataItem>\n      </Attribute>\n", h5, path);
}

/* the mesh: simplices over the vertices, fields at the vertices */
static void MSXdmfMesh_Private(FILE *f, MSSolver sol, const char *h5, PetscInt nf, char names[][32])
{
  MSProblem   prob = sol->prob;
  PetscInt    nv = prob->nvert, nc = prob->ncell, md = prob->mdim;
  const char *topo = md == 1 ? "Polyline" : md == 2 ? "Triangle" : "Tetrahedron";

  fprintf(f, "    <Grid Name=\"mesh\" GridType=\"Uniform\">\n");
  fprintf(f, "      <Topology TopologyType=\"%s\" NumberOfElements=\"%ld\"%s>\n", topo, (long)nc, md == 1 ? " NodesPerElement=\"2\"" : "");
  fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld %ld\" NumberType=\"Int\" Precision=\"%d\">%s:/mesh/cells</DataItem>\n", (long)nc, (long)(md + 1), (int)sizeof(PetscInt), h5);
  fprintf(f, "      </Topology>\n      <Geometry GeometryType=\"%s\">\n", md == 3 ? "XYZ" : "XY");
  if (md == 1) fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld\" NumberType=\"Float\" Precision=\"8\">%s:/mesh/vertices</DataItem>\n", (long)nv, h5);
  else fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld %ld\" NumberType=\"Float\" Precision=\"8\">%s:/mesh/vertices</DataItem>\n", (long)nv, (long)md, h5);
  fprintf(f, "      </Geometry>\n");
  for (PetscInt k = 0; k < nf; k++) {
    fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", names[k]);
    fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld\" NumberType=\"Float\" Precision=\"8\">%s:/mesh/%s</DataItem>\n      </Attribute>\n", (long)nv, h5, names[k]);
  }
  fprintf(f, "    </Grid>\n");
}

/* /grid (all inputs), or the mesh */
static PetscErrorCode MSXdmfGrid_Private(FILE *f, MSSolver sol, const char *h5)
{
  PetscInt d = sol->prob->nin, nf;
  char     names[64][32], path[64];

  PetscFunctionBegin;
  PetscCall(MSSolverGridFieldNames_Private(sol, &nf, names));
  if (sol->prob->meshfile[0]) {
    MSXdmfMesh_Private(f, sol, h5, nf, names);
    PetscFunctionReturn(0);
  }
  fprintf(f, "    <Grid Name=\"grid\" GridType=\"Uniform\">\n");
  MSXdmfCoRect_Private(f, sol, d, sol->grid_n);
  for (PetscInt k = 0; k < nf; k++) {
    PetscCall(PetscSNPrintf(path, sizeof(path), "/grid/%s", names[k]));
    MSXdmfGridField_Private(f, h5, names[k], d, sol->grid_n, path);
  }
  fprintf(f, "    </Grid>\n");
  PetscFunctionReturn(0);
}

/* /snapshots as a temporal collection over the spatial grid, one dataset per time (the Xdmf3 readers
   read no HyperSlab items; a temporal collection hides every other grid of its file from them, hence
   a file of its own) */
static PetscErrorCode MSXdmfSnapshots_Private(FILE *f, MSSolver sol, const char *h5)
{
  MSProblem prob = sol->prob;
  PetscInt  sd = prob->sdim, K = sol->grid_snapshots, nf;
  char      names[64][32], path[96];

  PetscFunctionBegin;
  PetscCall(MSSolverGridFieldNames_Private(sol, &nf, names));
  fprintf(f, "    <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
  for (PetscInt k = 0; k < K; k++) {
    PetscReal t = K > 1 ? prob->lo[sd] + (prob->hi[sd] - prob->lo[sd]) * k / (K - 1) : prob->hi[sd];
    fprintf(f, "    <Grid Name=\"t%ld\" GridType=\"Uniform\">\n      <Time Value=\"%.17g\"/>\n", (long)k, (double)t);
    MSXdmfCoRect_Private(f, sol, sd, sol->grid_n);
    for (PetscInt j = 0; j < nf; j++) {
      PetscBool want;
      PetscCall(MSSolverSnapshotField_Private(names[j], &want));
      if (!want) continue;
      PetscCall(PetscSNPrintf(path, sizeof(path), "/snapshots/step_%ld/%s", (long)k, names[j]));
      MSXdmfGridField_Private(f, h5, names[j], sd, sol->grid_n, path);
    }
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "    </Grid>\n");
  PetscFunctionReturn(0);
}

/* the name of a file written beside the output: RUN.h5 -> RUN<suffix> (any other name: NAME<suffix>);
   suffix ".xmf", "_snapshots.xmf" or ".csv" */
PetscErrorCode MSSolverCompanionName_Private(const char output[], const char suffix[], char xmf[], size_t len)
{
  size_t n;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(xmf, output, len));
  n = strlen(xmf);
  if (n > 3 && !strcmp(xmf + n - 3, ".h5")) xmf[n - 3] = 0;
  PetscCall(PetscStrlcat(xmf, suffix, len));
  PetscFunctionReturn(0);
}

/* whether the run writes RUN_eval.xmf: the evaluation set has a file of its own when RUN.xmf holds the grid */
PetscBool MSSolverHasEvalXdmf_Private(MSSolver sol)
{
  return sol->grid ? PETSC_TRUE : PETSC_FALSE;
}

/* whether the run writes /snapshots and so RUN_snapshots.xmf */
PetscBool MSSolverHasSnapshots_Private(MSSolver sol)
{
  return (sol->grid && sol->prob->timedep && !sol->prob->meshfile[0] && sol->grid_snapshots > 0) ? PETSC_TRUE : PETSC_FALSE;
}

/* an axis of a rectilinear grid: its coordinates inline, or the single coordinate 0 of a padded direction */
static void MSXdmfAxis_Private(FILE *f, PetscInt n, const PetscReal *x)
{
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%ld\" NumberType=\"Float\" Precision=\"8\">", (long)(x ? n : 1));
  if (!x) fprintf(f, "0");
  for (PetscInt j = 0; x && j < n; j++) fprintf(f, "%.17g%s", (double)x[j], j + 1 < n ? " " : "");
  fprintf(f, "</DataItem>\n");
}

/* the evaluation set when it is the tensor grid of -reference_file: a 3DRectMesh over the file's axes */
static PetscErrorCode MSXdmfEvalGrid_Private(FILE *f, MSProblem prob, PetscBool exact, const char *h5)
{
  const char *fields[] = {"u", "residual", "exact", "error"};
  char        path[32];

  PetscFunctionBegin;
  fprintf(f, "    <Grid Name=\"eval\" GridType=\"Uniform\">\n      <Topology TopologyType=\"3DRectMesh\" Dimensions=\"");
  MSXdmfDims_Private(f, prob->nin, prob->refgrid_n);
  fprintf(f, "\"/>\n      <Geometry GeometryType=\"VXVYVZ\">\n");
  for (PetscInt i = 0; i < MS_XDMF_DIM; i++) MSXdmfAxis_Private(f, i < prob->nin ? prob->refgrid_n[i] : 1, i < prob->nin ? prob->refgrid_x[i] : NULL);
  fprintf(f, "      </Geometry>\n");
  for (PetscInt k = 0; k < (exact ? 4 : 2); k++) {
    PetscCall(PetscSNPrintf(path, sizeof(path), "/eval/%s", fields[k]));
    MSXdmfGridField_Private(f, h5, fields[k], prob->nin, prob->refgrid_n, path);
  }
  fprintf(f, "    </Grid>\n");
  PetscFunctionReturn(0);
}

/* the evaluation points: a point cloud, one Polyvertex cell per point (/eval/vertex: the Xdmf3 readers
   make no cells without it, and ParaView then shows nothing), or the reference's grid */
static PetscErrorCode MSXdmfEval_Private(FILE *f, MSProblem prob, const MSPointSet *ev, const char *h5)
{
  PetscFunctionBegin;
  if (prob->refgrid_n[0] > 0 && prob->nin <= MS_XDMF_DIM) {
    PetscCall(MSXdmfEvalGrid_Private(f, prob, ev->exact ? PETSC_TRUE : PETSC_FALSE, h5));
    PetscFunctionReturn(0);
  }
  fprintf(f, "    <Grid Name=\"eval\" GridType=\"Uniform\">\n");
  fprintf(f, "      <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"%ld\" NodesPerElement=\"1\">\n", (long)ev->N);
  fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld\" NumberType=\"Int\" Precision=\"%d\">%s:/eval/vertex</DataItem>\n", (long)ev->N, (int)sizeof(PetscInt), h5);
  fprintf(f, "      </Topology>\n      <Geometry GeometryType=\"XYZ\">\n");
  fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld 3\" NumberType=\"Float\" Precision=\"8\">%s:/eval/xyz</DataItem>\n", (long)ev->N, h5);
  fprintf(f, "      </Geometry>\n");
  MSXdmfField_Private(f, h5, "u", ev->N);
  MSXdmfField_Private(f, h5, "residual", ev->N);
  if (ev->exact) {
    MSXdmfField_Private(f, h5, "exact", ev->N);
    MSXdmfField_Private(f, h5, "error", ev->N);
  }
  fprintf(f, "    </Grid>\n");
  PetscFunctionReturn(0);
}

/* one XDMF file, written by rank 0 to tmp (renamed with the .h5 file by MSSolverWriteOutput): RUN.xmf
   (the grid or mesh, else the evaluation set), RUN_eval.xmf or RUN_snapshots.xmf */
PetscErrorCode MSSolverWriteXDMF_Private(MSSolver sol, const char tmp[], MSXdmfKind kind)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  PetscMPIInt rank;
  MSPointSet *ev;
  const char *h5, *slash;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MSProblemGetPointSet(sol->prob, MS_SET_EVAL, &ev));
  slash = strrchr(sol->output, '/');
  h5    = slash ? slash + 1 : sol->output;
  if (!rank) {
    FILE *f = fopen(tmp, "w");
    if (!f) err = errno;
    else {
      fprintf(f, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"3.0\">\n  <Domain>\n");
      if (kind == MS_XDMF_SNAPSHOTS) PetscCall(MSXdmfSnapshots_Private(f, sol, h5));
      else if (kind == MS_XDMF_FIELDS && sol->grid) PetscCall(MSXdmfGrid_Private(f, sol, h5));
      else PetscCall(MSXdmfEval_Private(f, sol->prob, ev, h5));
      fprintf(f, "  </Domain>\n</Xdmf>\n");
      if (ferror(f)) err = errno ? errno : EIO;
      if (fclose(f) && !err) err = errno ? errno : EIO;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write its XDMF file: %s%s", sol->output, strerror(err), err == ENOSPC ? " (the disk is full)" : "");
  PetscFunctionReturn(0);
}
