/* An XDMF file beside the HDF5 output (RUN.h5 -> RUN.xmf) so that ParaView (File > Open, Xdmf3
   reader) shows the fields: grid "eval", the evaluation points as a Polyvertex point cloud with
   geometry /eval/xyz (N x 3, unused coordinates 0) and the node-centred fields u, residual, and
   exact and error when known; grid "grid", the structured grid of /grid (a CoRectMesh: origin and
   spacing) with all its fields; and for time-dependent problems "snapshots", a temporal collection
   of the spatial grid whose fields are rows (hyperslabs) of /snapshots/<field>. The HDF5 file is referenced by its name alone, so the two files move
   together. Written on rank 0, atomically (temporary file, then rename). */
#include <errno.h>
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <stdio.h>
#include <string.h>

static void MSXdmfField_Private(FILE *f, const char *h5, const char *name, PetscInt N)
{
  fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", name);
  fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld\" NumberType=\"Float\" Precision=\"8\">%s:/eval/%s</DataItem>\n", (long)N, h5, name);
  fprintf(f, "      </Attribute>\n");
}

/* a structured grid over the first d inputs with n[i] nodes (XDMF lists directions slowest first) */
static void MSXdmfCoRect_Private(FILE *f, MSSolver sol, PetscInt d, const PetscInt n[])
{
  const PetscReal *lo = sol->prob->lo, *hi = sol->prob->hi;
  PetscInt         dd = d == 1 ? 2 : d;

  fprintf(f, "      <Topology TopologyType=\"%dDCoRectMesh\" Dimensions=\"", (int)dd);
  if (d == 1) fprintf(f, "1 ");
  for (PetscInt i = d - 1; i >= 0; i--) fprintf(f, "%ld%s", (long)n[i], i ? " " : "\"/>\n");
  fprintf(f, "      <Geometry GeometryType=\"%s\">\n", dd == 2 ? "ORIGIN_DXDY" : "ORIGIN_DXDYDZ");
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\">", (int)dd);
  if (d == 1) fprintf(f, "0 ");
  for (PetscInt i = d - 1; i >= 0; i--) fprintf(f, "%.17g%s", (double)lo[i], i ? " " : "</DataItem>\n");
  fprintf(f, "        <DataItem Format=\"XML\" Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\">", (int)dd);
  if (d == 1) fprintf(f, "1 ");
  for (PetscInt i = d - 1; i >= 0; i--) fprintf(f, "%.17g%s", (double)((hi[i] - lo[i]) / (n[i] - 1)), i ? " " : "</DataItem>\n");
  fprintf(f, "      </Geometry>\n");
}

/* /grid (all inputs) and /snapshots (a temporal collection over the spatial grid) */
static PetscErrorCode MSXdmfGrid_Private(FILE *f, MSSolver sol, const char *h5)
{
  MSProblem prob = sol->prob;
  PetscInt  d = prob->nin, nf, ns = 1, sd = prob->sdim, K = sol->grid_snapshots;
  char      names[64][32];

  PetscFunctionBegin;
  PetscCall(MSSolverGridFieldNames_Private(sol, &nf, names));
  if (prob->meshfile[0]) { /* the mesh: simplices over the vertices, fields at the vertices */
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
    PetscFunctionReturn(0);
  }
  fprintf(f, "    <Grid Name=\"grid\" GridType=\"Uniform\">\n");
  MSXdmfCoRect_Private(f, sol, d, sol->grid_n);
  for (PetscInt k = 0; k < nf; k++) {
    fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", names[k]);
    fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"");
    for (PetscInt i = d - 1; i >= 0; i--) fprintf(f, "%ld%s", (long)sol->grid_n[i], i ? " " : "");
    fprintf(f, "\" NumberType=\"Float\" Precision=\"8\">%s:/grid/%s</DataItem>\n      </Attribute>\n", h5, names[k]);
  }
  fprintf(f, "    </Grid>\n");
  if (!prob->timedep || K == 0) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < sd; i++) ns *= sol->grid_n[i];
  fprintf(f, "    <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
  for (PetscInt k = 0; k < K; k++) {
    PetscReal t = K > 1 ? prob->lo[sd] + (prob->hi[sd] - prob->lo[sd]) * k / (K - 1) : prob->hi[sd];
    fprintf(f, "    <Grid Name=\"t%ld\" GridType=\"Uniform\">\n      <Time Value=\"%.17g\"/>\n", (long)k, (double)t);
    MSXdmfCoRect_Private(f, sol, sd, sol->grid_n);
    for (PetscInt j = 0; j < nf; j++) {
      if (strcmp(names[j], "u") && strcmp(names[j], "residual") && strcmp(names[j], "error")) continue;
      fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", names[j]);
      fprintf(f, "        <DataItem ItemType=\"HyperSlab\" Dimensions=\"1 %ld\" Type=\"HyperSlab\">\n", (long)ns);
      fprintf(f, "          <DataItem Dimensions=\"3 2\" Format=\"XML\">%ld 0 1 1 1 %ld</DataItem>\n", (long)k, (long)ns);
      fprintf(f, "          <DataItem Format=\"HDF\" Dimensions=\"%ld %ld\" NumberType=\"Float\" Precision=\"8\">%s:/snapshots/%s</DataItem>\n", (long)K, (long)ns, h5, names[j]);
      fprintf(f, "        </DataItem>\n      </Attribute>\n");
    }
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "    </Grid>\n");
  PetscFunctionReturn(0);
}

/* RUN.h5 -> RUN.xmf (any other name: NAME.xmf) */
PetscErrorCode MSSolverXdmfName_Private(const char output[], char xmf[], size_t len)
{
  size_t n;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(xmf, output, len));
  n = strlen(xmf);
  if (n > 3 && !strcmp(xmf + n - 3, ".h5")) xmf[n - 3] = 0;
  PetscCall(PetscStrlcat(xmf, ".xmf", len));
  PetscFunctionReturn(0);
}

/* the XDMF file, written by rank 0 to tmp (renamed with the .h5 file by MSSolverWriteOutput) */
PetscErrorCode MSSolverWriteXDMF_Private(MSSolver sol, const char tmp[])
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
      fprintf(f, "    <Grid Name=\"eval\" GridType=\"Uniform\">\n");
      fprintf(f, "      <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"%ld\" NodesPerElement=\"1\"/>\n", (long)ev->N);
      fprintf(f, "      <Geometry GeometryType=\"XYZ\">\n");
      fprintf(f, "        <DataItem Format=\"HDF\" Dimensions=\"%ld 3\" NumberType=\"Float\" Precision=\"8\">%s:/eval/xyz</DataItem>\n", (long)ev->N, h5);
      fprintf(f, "      </Geometry>\n");
      MSXdmfField_Private(f, h5, "u", ev->N);
      MSXdmfField_Private(f, h5, "residual", ev->N);
      if (ev->exact) {
        MSXdmfField_Private(f, h5, "exact", ev->N);
        MSXdmfField_Private(f, h5, "error", ev->N);
      }
      fprintf(f, "    </Grid>\n");
      if (sol->grid) PetscCall(MSXdmfGrid_Private(f, sol, h5));
      fprintf(f, "  </Domain>\n</Xdmf>\n");
      if (ferror(f)) err = errno ? errno : EIO;
      if (fclose(f) && !err) err = errno ? errno : EIO;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write its XDMF file: %s%s", sol->output, strerror(err), err == ENOSPC ? " (the disk is full)" : "");
  PetscFunctionReturn(0);
}
