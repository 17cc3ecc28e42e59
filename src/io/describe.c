/* What makes the output file self-describing: provenance attributes on / (the mspinn, PETSc and
   HDF5 versions, the number of MPI ranks, when it was written, the command line) and a "description"
   attribute (and "units" where they mean something) on every dataset of the layout that the file
   holds. Written collectively (attributes are HDF5 metadata): every rank passes the same values. */
#include <mspinn/private/solverimpl.h>
#include <petscviewerhdf5.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef MSPINN_VERSION
  #define MSPINN_VERSION "unknown"
#endif

#define MS_COMMAND_LINE_LEN 8192 /* longer command lines are kept truncated, ending in "..." */

static char ms_command_line[MS_COMMAND_LINE_LEN];

/*@C
  MSSetCommandLine - Records the program's command line, as typed (before -options_file is taken out),
  for the output file's "command_line" attribute; callable before PetscInitialize()

  Not Collective

  Input Parameters:
+ argc - the argument count
- argv - the arguments
@*/
void MSSetCommandLine(int argc, char **argv)
{
  size_t n = 0;

  ms_command_line[0] = 0;
  for (int i = 0; i < argc && n < sizeof(ms_command_line); i++) {
    int w = snprintf(ms_command_line + n, sizeof(ms_command_line) - n, "%s%s", i ? " " : "", argv[i]);
    n += w > 0 ? (size_t)w : 0;
  }
  if (n >= sizeof(ms_command_line)) memcpy(ms_command_line + sizeof(ms_command_line) - 4, "...", 4);
}

typedef struct {
  const char *path, *description, *units;
} MSDescription;

static const MSDescription ms_descriptions[] = {
  {"/eval/points", "evaluation points (N x inputs), never training points", NULL},
  {"/eval/xyz", "evaluation points padded to 3 coordinates (the XDMF geometry)", NULL},
  {"/eval/vertex", "index of each evaluation point (the XDMF point cloud's cells)", NULL},
  {"/eval/u", "the solution u at the evaluation points", NULL},
  {"/eval/residual", "PDE residual at the evaluation points", NULL},
  {"/eval/exact", "exact or reference solution at the evaluation points", NULL},
  {"/eval/error", "u - exact at the evaluation points", NULL},
  {"/grid/u", "the solution u on the structured grid (time slowest, the first input fastest)", NULL},
  {"/grid/residual", "PDE residual on the structured grid", NULL},
  {"/grid/exact", "exact solution on the structured grid", NULL},
  {"/grid/error", "u - exact on the structured grid", NULL},
  {"/grid/x", "grid node coordinates along x", NULL},
  {"/grid/y", "grid node coordinates along y", NULL},
  {"/grid/z", "grid node coordinates along z", NULL},
  {"/grid/t", "grid node coordinates along t", NULL},
  {"/snapshots/t", "times of the snapshots", NULL},
  {"/snapshots/u", "u at the snapshot times (K x spatial grid nodes, x fastest)", NULL},
  {"/snapshots/residual", "PDE residual at the snapshot times", NULL},
  {"/snapshots/error", "u - exact at the snapshot times", NULL},
  {"/mesh/vertices", "mesh vertex coordinates", NULL},
  {"/mesh/cells", "mesh simplices: vertex indices (0-based)", NULL},
  {"/mesh/u", "the solution u at the mesh vertices", NULL},
  {"/stages/stage", "stage number (1-based)", NULL},
  {"/stages/seconds", "wall time of the stage's training", "s"},
  {"/stages/select_seconds", "wall time spent choosing the stage before its training (points added, feature and scale trials)", "s"},
  {"/stages/random_features", "1: a random-feature stage (hidden layer drawn, output layer solved by least squares), 0: trained", NULL},
  {"/stages/trial_bandwidth", "random features: the best bandwidth of the 512-feature trials, when two full-width candidates were solved (0: not)",
   NULL},
  {"/stages/bandwidth_shifted", "1: the shifted full-width candidate won, 0: the trials' best (a solve again on more points keeps the choice)", NULL},
  {"/stages/residual_rms", "RMS of the PDE residual at the evaluation points after the stage", NULL},
  {"/stages/error_l2", "relative L2 error at the evaluation points after the stage (-1: no exact solution)", NULL},
  {"/stages/error_max", "max error at the evaluation points after the stage (-1: no exact solution)", NULL},
  {"/history/loss", "loss 1/2 |r|^2 at each training iteration", NULL},
  {"/history/time", "wall time since the run started", "s"},
  {"/checkpoint/state", "stages finished, complete (0/1), wall time (s): what -resume continues from", NULL},
};

static PetscErrorCode MSWriteProvenance_Private(PetscViewer v, MPI_Comm comm)
{
  char        petsc[128], hdf5[64], when[64] = "", *cmd;
  unsigned    maj, min, rel;
  PetscMPIInt size;
  PetscInt    ranks;
  int         argc;
  char      **argv;
  size_t      len = 1;

  PetscFunctionBegin;
  PetscCall(PetscGetVersion(petsc, sizeof(petsc)));
  H5get_libversion(&maj, &min, &rel);
  PetscCall(PetscSNPrintf(hdf5, sizeof(hdf5), "%u.%u.%u", maj, min, rel));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  ranks = size;
  { /* rank 0's clock, so that every rank writes the same value */
    time_t    now = time(NULL);
    struct tm t;
    if (gmtime_r(&now, &t)) strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &t);
    PetscCallMPI(MPI_Bcast(when, sizeof(when), MPI_CHAR, 0, comm));
  }
  PetscCall(PetscGetArgs(&argc, &argv)); /* PETSc's arguments when the program recorded none (MSSetCommandLine) */
  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
  PetscCall(PetscCalloc1(PetscMax(len, sizeof(ms_command_line)), &cmd));
  if (ms_command_line[0]) PetscCall(PetscStrncpy(cmd, ms_command_line, sizeof(ms_command_line)));
  for (int i = 0; i < argc && !ms_command_line[0]; i++) {
    PetscCall(PetscStrlcat(cmd, argv[i], len));
    if (i + 1 < argc) PetscCall(PetscStrlcat(cmd, " ", len));
  }
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "mspinn_version", PETSC_STRING, MSPINN_VERSION));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "petsc_version", PETSC_STRING, petsc));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "hdf5_version", PETSC_STRING, hdf5));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "mpi_ranks", PETSC_INT, &ranks));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "created", PETSC_STRING, when));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "command_line", PETSC_STRING, cmd));
  PetscCall(PetscFree(cmd));
  PetscFunctionReturn(0);
}

/* HDF5 dimension scales (H5DS): /grid/<input> made the scale of its dimension of every /grid field (a
   field of d inputs has dimensions [n_(d-1), ..., n_0], the first input fastest), /snapshots/t of the
   snapshots' first; h5py's dims[k] and other HDF5 tools then tie a field to its coordinates. Metadata:
   every rank makes the same calls. */
static PetscErrorCode MSAttachScales_Private(PetscViewer v, const char group[], PetscInt nscale, const char *const scale[], const PetscInt dim[])
{
  hid_t      file, g, sc[MS_JET_DIM];
  H5G_info_t info;
  herr_t     st = 0;
  PetscBool  has;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5HasGroup(v, group, &has));
  if (!has) PetscFunctionReturn(0);
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  g = H5Gopen2(file, group, H5P_DEFAULT);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot open %s in the output file", group);
  for (PetscInt k = 0; k < nscale; k++) {
    sc[k] = H5Dopen2(g, scale[k], H5P_DEFAULT);
    if (sc[k] < 0 || H5DSset_scale(sc[k], scale[k]) < 0) st = -1;
  }
  if (st >= 0 && H5Gget_info(g, &info) < 0) st = -1;
  for (hsize_t i = 0; st >= 0 && i < info.nlinks; i++) { /* every dataset of this group (not the scales) with a dimension per scale */
    char       name[64];
    H5O_info_t oi;
    if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0) { st = -1; break; }
    if (H5Oget_info_by_name(g, name, &oi, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET) continue;
    PetscBool isscale = PETSC_FALSE;
    for (PetscInt k = 0; k < nscale; k++) isscale = isscale || !strcmp(name, scale[k]) ? PETSC_TRUE : PETSC_FALSE;
    if (isscale) continue;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT), space = d < 0 ? -1 : H5Dget_space(d);
    int   rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    for (PetscInt k = 0; k < nscale && rank > dim[k]; k++) {
      if (st >= 0) st = H5DSattach_scale(d, sc[k], (unsigned)dim[k]);
      if (st >= 0) st = H5DSset_label(d, (unsigned)dim[k], scale[k]);
    }
    if (space >= 0) H5Sclose(space);
    if (d >= 0) H5Dclose(d);
  }
  for (PetscInt k = 0; k < nscale; k++) if (sc[k] >= 0) H5Dclose(sc[k]);
  H5Gclose(g);
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot attach the dimension scales of %s in the output file", group);
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverAttachScales_Private(MSSolver sol, PetscViewer v)
{
  const char *names[MS_JET_DIM], *t = "t";
  PetscInt    d = sol->prob->nin, dim[MS_JET_DIM], zero = 0;

  PetscFunctionBegin;
  if (!sol->grid || sol->prob->meshfile[0]) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < d; i++) {
    PetscCall(MSSolverGridInputName_Private(sol, i, &names[i]));
    dim[i] = d - 1 - i;
  }
  PetscCall(MSAttachScales_Private(v, "/grid", d, names, dim));
  if (sol->prob->timedep) PetscCall(MSAttachScales_Private(v, "/snapshots", 1, &t, &zero));
  PetscFunctionReturn(0);
}

/* provenance on /, and the descriptions of the datasets the file holds */
PetscErrorCode MSSolverDescribeOutput_Private(MSSolver sol, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(MSWriteProvenance_Private(v, PetscObjectComm((PetscObject)sol)));
  PetscCall(MSSolverAttachScales_Private(sol, v));
  for (size_t k = 0; k < sizeof(ms_descriptions) / sizeof(ms_descriptions[0]); k++) {
    const MSDescription *d = &ms_descriptions[k];
    PetscBool            has;
    PetscCall(PetscViewerHDF5HasDataset(v, d->path, &has));
    if (!has) continue;
    PetscCall(PetscViewerHDF5WriteAttribute(v, d->path, "description", PETSC_STRING, d->description));
    if (d->units) PetscCall(PetscViewerHDF5WriteAttribute(v, d->path, "units", PETSC_STRING, d->units));
  }
  PetscFunctionReturn(0);
}
