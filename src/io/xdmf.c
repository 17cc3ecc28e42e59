/* An XDMF file beside the HDF5 output (RUN.h5 -> RUN.xmf) so that ParaView (File > Open, Xdmf3
   reader) shows the evaluation fields: the evaluation points as a Polyvertex point cloud with
   geometry /eval/xyz (N x 3, unused coordinates 0) and the node-centred fields u, residual, and
   exact and error when known. The HDF5 file is referenced by its name alone, so the two files move
   together. Written on rank 0, atomically (temporary file, then rename). */
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

PetscErrorCode MSSolverWriteXDMF_Private(MSSolver sol)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  PetscMPIInt rank;
  MSPointSet *ev;
  char        xmf[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 16];
  const char *h5, *slash;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MSProblemGetPointSet(sol->prob, MS_SET_EVAL, &ev));
  PetscCall(PetscStrncpy(xmf, sol->output, sizeof(xmf)));
  {
    size_t len = strlen(xmf);
    if (len > 3 && !strcmp(xmf + len - 3, ".h5")) xmf[len - 3] = 0;
    PetscCall(PetscStrlcat(xmf, ".xmf", sizeof(xmf)));
  }
  slash = strrchr(sol->output, '/');
  h5    = slash ? slash + 1 : sol->output;
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.partial", xmf));
  if (!rank) {
    FILE *f = fopen(tmp, "w");
    if (!f) err = 1;
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
      fprintf(f, "    </Grid>\n  </Domain>\n</Xdmf>\n");
      if (fclose(f) || rename(tmp, xmf)) err = 1;
    }
    if (err) (void)remove(tmp);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write %s", sol->output, xmf);
  PetscFunctionReturn(0);
}
