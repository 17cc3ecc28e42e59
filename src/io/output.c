/* HDF5 output of a run, written collectively through PETSc's HDF5 viewer into a temporary file
   that is renamed onto the output path only when complete (no half-written file is ever at the
   output path). Layout (documented in README.md):
     /summary   attributes: problem, stages, wall_time_s, residual_rms, residual_max, residual_floor, residual_floor_ideal,
                error_l2_rel and error_max (when the exact solution is known), pde_<coefficient>
     /stages    one dataset per column of the per-stage table, length = stages
     /history   one dataset per column of the per-iteration history
     /eval      points (N x dim), xyz (N x 3, for XDMF), u, residual, and exact and error when known
     /grid, /snapshots  fields on a structured DMDA grid, and snapshots in time (src/io/grid.c)
     /checkpoint state for -resume (src/stage/resume.c)
     /model     the trained networks, eps per stage (src/io/model.c), for -load
     attribute "options" on / : the options database of the run, as text; provenance attributes and
     dataset descriptions (src/io/describe.c) */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <petscviewerhdf5.h>
#include <unistd.h>
#include <libgen.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <hdf5.h>

#define MS_DISK_FULL_BYTES   1.0e6 /* less free space than this after a failed write: the disk is full */
#define MS_SPACE_MARGIN_BYTES 1.0e6 /* room kept free beyond a dataset's bytes: HDF5's metadata, flushed at close */
#define MS_MEGABYTE           1.0e6

static PetscBool ms_output_failed = PETSC_FALSE; /* a write failed: HDF5 cannot close the file (MSOutputFailed) */
static PetscBool ms_space_short   = PETSC_FALSE; /* a dataset was refused before writing: the file can be closed */

/* the output path can take the run's file: its directory exists and is writable, and it is not a
   directory, not a device or other special file (a FIFO, /dev/full: writing a temporary file and
   renaming it would replace the device), and not one of the run's inputs (the same file, by device
   and inode: another name or a link to it counts). Checked on rank 0 before any training, the verdict
   shared so that every rank leaves together with one message. */
PetscErrorCode MSCheckOutputPath_Private(MPI_Comm comm, const char output[], PetscInt nin, const char *const inopt[], const char *const infile[])
{
  PetscMPIInt rank;
  int         code = 0, which = 0; /* 0 ok, 1 no directory, 2 not writable, 3 a directory, 4 special, 5 an input */
  char        dir[PETSC_MAX_PATH_LEN];
  struct stat st, in;

  PetscFunctionBegin;
  PetscCheck(output && output[0], comm, PETSC_ERR_ARG_WRONG, "-output: empty file name");
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscStrncpy(dir, output, sizeof(dir)));
  if (rank == 0) {
    const char *d = dirname(dir);
    if (stat(d, &st) || !S_ISDIR(st.st_mode)) code = 1;
    else if (access(d, W_OK)) code = 2;
    else if (!stat(output, &st)) {
      if (S_ISDIR(st.st_mode)) code = 3;
      else if (!S_ISREG(st.st_mode)) code = 4;
      else
        for (PetscInt k = 0; k < nin && !code; k++)
          if (infile[k] && infile[k][0] && !stat(infile[k], &in) && in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
            code  = 5;
            which = (int)k;
          }
    }
  }
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(&which, 1, MPI_INT, 0, comm));
  PetscCheck(code != 1, comm, PETSC_ERR_FILE_OPEN, "-output %s: directory %s does not exist", output, dir);
  PetscCheck(code != 2, comm, PETSC_ERR_FILE_OPEN, "-output %s: directory %s is not writable", output, dir);
  PetscCheck(code != 3, comm, PETSC_ERR_FILE_OPEN, "-output %s: is a directory", output);
  PetscCheck(code != 4, comm, PETSC_ERR_FILE_OPEN, "-output %s: is not a regular file (a device, FIFO or socket): refusing to replace it", output);
  PetscCheck(code != 5, comm, PETSC_ERR_FILE_OPEN, "-output %s: is the input file of %s: refusing to replace it (choose another -output)", output,
             inopt[which]);
  PetscFunctionReturn(0);
}

/* the solver's -output and the files beside it (RUN.xmf, RUN.csv, RUN_eval.xmf, RUN_snapshots.xmf) against its
   inputs: -data_file, -reference_file, -mesh, -resume */
PetscErrorCode MSSolverCheckOutputPath_Private(MSSolver sol)
{
  const char *opt[]  = {"-data_file", "-reference_file", "-mesh", "-resume"};
  const char *file[] = {sol->prob->datafile, sol->prob->reffile, sol->prob->meshfile, sol->resume};
  const char *companion[] = {".xmf", ".csv", "_eval.xmf", "_snapshots.xmf"};
  size_t      ncomp       = 2 + (MSSolverHasEvalXdmf_Private(sol) ? 1 : 0) + (MSSolverHasSnapshots_Private(sol) ? 1 : 0);
  char        name[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(MSCheckOutputPath_Private(PetscObjectComm((PetscObject)sol), sol->output, 4, opt, file));
  for (size_t k = 0; k < ncomp; k++) { /* the files written beside it: no input, no special file, a name that fits */
    const char *slash;
    PetscCall(MSSolverCompanionName_Private(sol->output, companion[k], name, sizeof(name)));
    slash = strrchr(name, '/');
    PetscCheck(strlen(slash ? slash + 1 : name) <= NAME_MAX, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_WRONG,
               "-output %s: the file written beside it, %s, would have a name longer than %d characters (choose a shorter -output)", sol->output, name, NAME_MAX);
    PetscCall(MSCheckOutputPath_Private(PetscObjectComm((PetscObject)sol), name, 4, opt, file));
  }
  PetscFunctionReturn(0);
}

/* the free bytes of the file system that holds path's directory (-1: unknown) */
static PetscReal MSFreeBytes_Private(const char path[])
{
  char           dir[PETSC_MAX_PATH_LEN];
  struct statvfs fs;

  if (PetscStrncpy(dir, path, sizeof(dir)) || statvfs(dirname(dir), &fs)) return -1;
  return (PetscReal)fs.f_bavail * (PetscReal)fs.f_frsize;
}

/* Before a dataset of 'bytes' bytes is written: rank 0 checks that the file system of the file open in
   v has room for it and a margin; the verdict is shared, so every rank stops at the same call. A disk
   that fills during a parallel write leaves the ranks out of step inside HDF5's collective flush (the
   close then hangs), so a full disk has to be found before the write, not by it. */
PetscErrorCode MSWriteCheckSpace_Private(PetscViewer v, MPI_Comm comm, PetscInt64 bytes)
{
  PetscMPIInt rank;
  PetscReal   room[2] = {1, 0}; /* enough (1 or 0), free bytes */
  const char *name;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    PetscCall(PetscViewerFileGetName(v, &name));
    room[1] = MSFreeBytes_Private(name);
    if (room[1] >= 0) room[0] = room[1] >= (PetscReal)bytes + MS_SPACE_MARGIN_BYTES;
  }
  PetscCallMPI(MPI_Bcast(room, 2, MPIU_REAL, 0, comm));
  if (room[0] == 0) ms_space_short = PETSC_TRUE;
  PetscCheck(room[0] != 0, comm, PETSC_ERR_FILE_WRITE,
             "no space left on the device (the disk is full: %.3g MB free, %.3g MB needed for the next dataset and HDF5's metadata)",
             room[1] / MS_MEGABYTE, ((PetscReal)bytes + MS_SPACE_MARGIN_BYTES) / MS_MEGABYTE);
  PetscFunctionReturn(0);
}

/* After a collective write: every rank learns whether any failed (an I/O error on one rank would
   otherwise leave the others waiting in the next collective call) and all return an error together */
PetscErrorCode MSWriteAgree_Private(MPI_Comm comm, PetscErrorCode ierr)
{
  int failed = ierr != 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_LOR, comm));
  if (ierr) PetscFunctionReturn(ierr);
  PetscCheck(!failed, comm, PETSC_ERR_FILE_WRITE, "another rank could not write its part");
  PetscFunctionReturn(0);
}

/* a dataset of n values held on rank 0 (small tables), n x bs when bs > 1 */
PetscErrorCode MSWriteRootArray_Private(PetscViewer v, MPI_Comm comm, const char name[], PetscInt n, PetscInt bs, const PetscReal a[])
{
  PetscMPIInt rank;
  Vec         x;
  PetscReal  *xa;

  PetscFunctionBegin;
  if (n == 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)n * bs * (PetscInt64)sizeof(PetscReal)));
  PetscCall(VecCreate(comm, &x));
  PetscCall(VecSetSizes(x, rank ? 0 : n * bs, n * bs));
  PetscCall(VecSetBlockSize(x, bs));
  PetscCall(VecSetType(x, VECSTANDARD));
  PetscCall(PetscObjectSetName((PetscObject)x, name));
  PetscCall(VecGetArray(x, &xa));
  if (!rank) PetscCall(PetscArraycpy(xa, a, n * bs));
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(MSWriteAgree_Private(comm, VecView(x, v)));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* A 1-D integer dataset of n values held on rank 0 in the viewer's current group (the integer columns of
   the tables). Written through the viewer's HDF5 file: every rank creates the dataset (collective
   metadata), rank 0 writes the values, the others select none. */
PetscErrorCode MSWriteRootInts_Private(PetscViewer v, MPI_Comm comm, const char name[], PetscInt n, const PetscInt a[])
{
  PetscMPIInt rank;
  hid_t       file, group, space, dset;
  hsize_t     dim = (hsize_t)n;
  herr_t      st  = 0;
  long long  *buf;

  PetscFunctionBegin;
  if (n == 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)n * (PetscInt64)sizeof(long long)));
  PetscCall(PetscMalloc1(n, &buf));
  for (PetscInt i = 0; i < n; i++) buf[i] = rank ? 0 : (long long)a[i];
  PetscCall(PetscViewerHDF5OpenGroup(v, NULL, &file, &group));
  space = H5Screate_simple(1, &dim, NULL);
  dset  = space < 0 ? -1 : H5Dcreate2(group, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dset >= 0 && rank) st = H5Sselect_none(space);
  if (dset >= 0 && st >= 0) st = H5Dwrite(dset, H5T_NATIVE_LLONG, space, space, H5P_DEFAULT, buf);
  if (dset >= 0 && H5Dclose(dset) < 0) st = -1;
  if (space >= 0 && H5Sclose(space) < 0) st = -1;
  if (H5Gclose(group) < 0) st = -1;
  PetscCall(PetscFree(buf));
  PetscCall(MSWriteAgree_Private(comm, space < 0 || dset < 0 || st < 0 ? PETSC_ERR_FILE_WRITE : 0));
  PetscFunctionReturn(0);
}

/* a dataset of a distributed point set's values: each rank's n local values (times bs) */
static PetscErrorCode MSWriteSetArray_Private(PetscViewer v, MPI_Comm comm, const char name[], PetscInt n, PetscInt N, PetscInt bs,
                                              const PetscReal a[])
{
  Vec        x;
  PetscReal *xa;

  PetscFunctionBegin;
  if (N == 0) PetscFunctionReturn(0);
  PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)N * bs * (PetscInt64)sizeof(PetscReal)));
  PetscCall(VecCreate(comm, &x));
  PetscCall(VecSetSizes(x, n * bs, N * bs));
  PetscCall(VecSetBlockSize(x, bs));
  PetscCall(VecSetType(x, VECSTANDARD));
  PetscCall(PetscObjectSetName((PetscObject)x, name));
  PetscCall(VecGetArray(x, &xa));
  PetscCall(PetscArraycpy(xa, a, n * bs));
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(MSWriteAgree_Private(comm, VecView(x, v)));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverWriteSummary_Private(MSSolver sol, PetscViewer v)
{
  const char        *name;
  PetscInt           nc;
  const char *const *cn;
  PetscReal         *cv;

  PetscFunctionBegin;
  PetscCall(MSProblemGetName(sol->prob, &name));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "problem", PETSC_STRING, name));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "stages", PETSC_INT, &sol->model->nstages));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "wall_time_s", PETSC_REAL, &sol->wall));
  { /* a checkpoint written during the run has complete = 0 (stages_finished of its stages are final) */
    PetscInt complete = sol->complete ? 1 : 0;
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "complete", PETSC_INT, &complete));
    if (sol->complete) { /* why the stages stopped: floor, budget, no_remedy, stage_max (src/stage/policy.c) */
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "stop_reason", PETSC_STRING, sol->stop_reason));
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "stop_detail", PETSC_STRING, sol->stop_detail));
    }
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "stages_finished", PETSC_INT, &sol->finished));
  }
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "residual_rms", PETSC_REAL, &sol->res_rms));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "residual_max", PETSC_REAL, &sol->res_max));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "residual_floor", PETSC_REAL, &sol->res_floor));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "residual_floor_ideal", PETSC_REAL, &sol->res_floor_ideal));
  if (sol->hasexact) {
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "error_l2_rel", PETSC_REAL, &sol->err_l2));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "error_max", PETSC_REAL, &sol->err_max));
  }
  if (sol->hasprobe) {
    static const char *const var[] = {"x", "y", "z"};
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", "probe_u", PETSC_REAL, &sol->probe_jet[0]));
    for (PetscInt i = 0; i < sol->prob->nin; i++) {
      char an[32];
      PetscCall(PetscSNPrintf(an, sizeof(an), "probe_du_d%s", i < sol->prob->sdim ? var[i] : "t"));
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", an, PETSC_REAL, &sol->probe_jet[1 + i]));
    }
  }
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, &nc, &cn, &cv));
  for (PetscInt k = 0; k < nc; k++) {
    char an[64];
    PetscCall(PetscSNPrintf(an, sizeof(an), "pde_%s", cn[k]));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", an, PETSC_REAL, &cv[k]));
  }
  { /* inferred coefficients: coef_<name>, and with the truth given coef_<name>_true and _rel_error */
    PetscInt        nunk;
    const PetscInt *unk;
    PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
    for (PetscInt j = 0; j < nunk; j++) {
      char      an[64];
      PetscBool known;
      PetscReal truth, rel;
      PetscCall(PetscSNPrintf(an, sizeof(an), "coef_%s", cn[unk[j]]));
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", an, PETSC_REAL, &cv[unk[j]]));
      PetscCall(MSPDEGetCoefficientTruth(sol->prob->pde, unk[j], &known, &truth));
      if (!known) continue;
      rel = truth != 0 ? PetscAbsReal(cv[unk[j]] - truth) / PetscAbsReal(truth) : PetscAbsReal(cv[unk[j]]);
      PetscCall(PetscSNPrintf(an, sizeof(an), "coef_%s_true", cn[unk[j]]));
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", an, PETSC_REAL, &truth));
      PetscCall(PetscSNPrintf(an, sizeof(an), "coef_%s_rel_error", cn[unk[j]]));
      PetscCall(PetscViewerHDF5WriteAttribute(v, "/summary", an, PETSC_REAL, &rel));
    }
  }
  PetscFunctionReturn(0);
}

/* a column of a table: integers (icol, n of them, as work space) or reals */
static PetscErrorCode MSWriteColumn_Private(PetscViewer v, MPI_Comm comm, const char name[], PetscBool integer, PetscInt n, const PetscReal col[],
                                            PetscInt icol[])
{
  PetscFunctionBegin;
  if (!integer) {
    PetscCall(MSWriteRootArray_Private(v, comm, name, n, 1, col));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < n; i++) icol[i] = (PetscInt)col[i];
  PetscCall(MSWriteRootInts_Private(v, comm, name, n, icol));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverWriteTables_Private(MSSolver sol, PetscViewer v)
{
  MPI_Comm   comm = PetscObjectComm((PetscObject)sol);
  PetscInt   ns = sol->finished, nh = sol->nhist, nunk, *icol;
  PetscReal *col;
  const PetscInt    *unk;
  const char *const *cn;
  char               name[64];

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(PetscMax(PetscMax(ns, nh), 1), &col, PetscMax(PetscMax(ns, nh), 1), &icol));
  PetscCall(PetscViewerHDF5PushGroup(v, "/stages"));
  for (PetscInt c = 0; c < MS_NUM_STAGE_COLUMNS; c++) {
    for (PetscInt s = 0; s < ns; s++) col[s] = MSStageRecordGet(&sol->rec[s], c);
    PetscCall(MSWriteColumn_Private(v, comm, MSStageColumns[c], MSStageColumnIsInteger[c], ns, col, icol));
  }
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, &cn, NULL));
  for (PetscInt j = 0; j < nunk; j++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "coef_%s", cn[unk[j]]));
    for (PetscInt s = 0; s < ns; s++) col[s] = sol->rec[s].coef[j];
    PetscCall(MSWriteRootArray_Private(v, comm, name, ns, 1, col));
  }
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscCall(PetscViewerHDF5PushGroup(v, "/history"));
  for (PetscInt c = 0; c < MS_NUM_HISTORY_COLUMNS; c++) {
    for (PetscInt i = 0; i < nh; i++) col[i] = MSHistoryRecordGet(&sol->hist[i], c);
    PetscCall(MSWriteColumn_Private(v, comm, MSHistoryColumns[c], MSHistoryColumnIsInteger[c], nh, col, icol));
  }
  for (PetscInt j = 0; j < nunk; j++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "coef_%s", cn[unk[j]]));
    for (PetscInt i = 0; i < nh; i++) col[i] = sol->hist[i].coef[j];
    PetscCall(MSWriteRootArray_Private(v, comm, name, nh, 1, col));
  }
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscCall(PetscFree2(col, icol));
  { /* what -resume needs beyond the tables: [stages finished, complete, wall time (s)] */
    PetscReal state[3] = {(PetscReal)sol->finished, sol->complete ? 1.0 : 0.0, sol->wall};
    PetscCall(PetscViewerHDF5PushGroup(v, "/checkpoint"));
    PetscCall(MSWriteRootArray_Private(v, comm, "state", 3, 1, state));
    { /* the points log: [n, then (stage, kind, count) n times] (never empty) */
      PetscReal *plog;
      PetscCall(PetscMalloc1(1 + 3 * sol->nplog, &plog));
      plog[0] = (PetscReal)sol->nplog;
      for (PetscInt i = 0; i < 3 * sol->nplog; i++) plog[1 + i] = (PetscReal)sol->plog[i];
      PetscCall(MSWriteRootArray_Private(v, comm, "points_log", 1 + 3 * sol->nplog, 1, plog));
      PetscCall(PetscFree(plog));
    }
    PetscCall(PetscViewerHDF5PopGroup(v));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverWriteEval_Private(MSSolver sol, PetscViewer v)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSPointSet *ev;

  PetscFunctionBegin;
  PetscCall(MSProblemGetPointSet(sol->prob, MS_SET_EVAL, &ev));
  PetscCall(PetscViewerHDF5PushGroup(v, "/eval"));
  PetscCall(MSWriteSetArray_Private(v, comm, "points", ev->n, ev->N, ev->dim, ev->X));
  { /* the points padded to 3 coordinates: the geometry of the XDMF file */
    PetscReal *xyz;
    PetscCall(PetscCalloc1(PetscMax(3 * ev->n, 1), &xyz));
    for (PetscInt p = 0; p < ev->n; p++)
      for (PetscInt i = 0; i < ev->dim; i++) xyz[3 * p + i] = ev->X[p * ev->dim + i];
    PetscCall(MSWriteSetArray_Private(v, comm, "xyz", ev->n, ev->N, 3, xyz));
    PetscCall(PetscFree(xyz));
  }
  { /* the points' indices: the XDMF point cloud's cells */
    IS        vertex;
    PetscInt  start = 0, *idx;
    PetscCallMPI(MPI_Exscan(&ev->n, &start, 1, MPIU_INT, MPI_SUM, comm));
    PetscCall(MSWriteCheckSpace_Private(v, comm, (PetscInt64)ev->N * (PetscInt64)sizeof(PetscInt)));
    PetscCall(PetscMalloc1(PetscMax(ev->n, 1), &idx));
    for (PetscInt p = 0; p < ev->n; p++) idx[p] = start + p;
    PetscCall(ISCreateGeneral(comm, ev->n, idx, PETSC_OWN_POINTER, &vertex));
    PetscCall(PetscObjectSetName((PetscObject)vertex, "vertex"));
    PetscCall(MSWriteAgree_Private(comm, ISView(vertex, v)));
    PetscCall(ISDestroy(&vertex));
  }
  PetscCall(MSWriteSetArray_Private(v, comm, "u", ev->n, ev->N, 1, sol->u));
  PetscCall(MSWriteSetArray_Private(v, comm, "residual", ev->n, ev->N, 1, sol->res));
  if (ev->exact) {
    PetscReal *err;
    PetscCall(MSWriteSetArray_Private(v, comm, "exact", ev->n, ev->N, 1, ev->exact));
    PetscCall(PetscMalloc1(PetscMax(ev->n, 1), &err));
    for (PetscInt p = 0; p < ev->n; p++) err[p] = sol->u[p] - ev->exact[p];
    PetscCall(MSWriteSetArray_Private(v, comm, "error", ev->n, ev->N, 1, err));
    PetscCall(PetscFree(err));
  }
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscFunctionReturn(0);
}

/*@C
  MSOutputFailed - Whether writing an output file failed in a way that leaves HDF5 unable to finalize

  Not Collective

  Notes:
  After a failed write (a full disk) the file stays open in HDF5, which crashes when MPI_Finalize
  closes it; the program should then exit without PetscFinalize (after the error is printed).
@*/
PetscBool MSOutputFailed(void)
{
  return ms_output_failed;
}

/* the content of the output file (layout above) */
static PetscErrorCode MSSolverWriteFile_Private(MSSolver sol, PetscViewer v)
{
  char *opts;

  PetscFunctionBegin;
  PetscCall(MSSolverWriteSummary_Private(sol, v));
  PetscCall(MSSolverWriteTables_Private(sol, v));
  PetscCall(MSSolverWriteEval_Private(sol, v));
  PetscCall(MSSolverWriteGrid_Private(sol, v));
  PetscCall(MSModelView(sol->model, v));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "options", PETSC_STRING, opts));
  PetscCall(PetscFree(opts));
  PetscCall(MSSolverDescribeOutput_Private(sol, v));
  PetscFunctionReturn(0);
}

/* Writes the HDF5 file tmp (to be renamed onto output) by write(v, ctx). A write that fails (a full
   disk, an I/O error) is reported as one line that says why, and the temporary files are removed:
   HDF5's own error stack is not printed. The ranks agree on whether any of them failed before the
   close, which is collective: a file whose write failed is not closed (its flush would fail again,
   on some ranks only, and hang; HDF5 would crash closing it in MPI_Finalize, so the program leaves
   without finalizing: MSOutputFailed), a file whose dataset was refused for want of space is. */
PetscErrorCode MSWriteH5File_Private(MPI_Comm comm, const char tmp[], const char output[], PetscErrorCode (*write)(PetscViewer, void *), void *ctx)
{
  PetscViewer    v = NULL;
  PetscErrorCode ierr, ierr2 = 0;
  const char    *text = NULL, *specific = NULL;
  char           msg[512];
  PetscReal      avail;
  int            full, failed;

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ms_space_short = PETSC_FALSE;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &v);
  if (!ierr) ierr = write(v, ctx);
  failed = ierr != 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_LOR, comm));
  if (v && (!failed || ms_space_short)) ierr2 = PetscViewerDestroy(&v);
  if (!ierr) ierr = ierr2;
  if (ierr) (void)PetscErrorMessage(ierr, &text, (char **)&specific);
  PetscCall(PetscPopErrorHandler());
  if (!failed && !ierr) PetscFunctionReturn(0);
  PetscCall(PetscStrncpy(msg, specific ? specific : (text ? text : "I/O error"), sizeof(msg)));
  if (!ierr) PetscCall(PetscStrncpy(msg, "another rank could not write its part", sizeof(msg)));
  if (v || ierr2) ms_output_failed = PETSC_TRUE;
  PetscCall(MSTempRemoveAll_Private(comm));
  avail = MSFreeBytes_Private(output);
  full  = !ms_space_short && avail >= 0 && avail < MS_DISK_FULL_BYTES;
  SETERRQ(comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write it: %s", output, full ? "no space left on the device (the disk is full)" : msg);
}

static PetscErrorCode MSSolverWriteFileCtx_Private(PetscViewer v, void *ctx)
{
  return MSSolverWriteFile_Private((MSSolver)ctx, v);
}

#define MS_STALE_MAX_BYTES 16.0e6 /* an old companion larger than this is not read (ours are kilobytes to a few megabytes) */

/* whether file is an XDMF file that points into the HDF5 file h5 (its base name): one an earlier run
   with the same -output wrote (its first HDF reference may follow inline coordinates: all of it is read) */
static PetscErrorCode MSIsCompanionOf_Private(const char file[], const char h5[], PetscBool *ours)
{
  char        ref[PETSC_MAX_PATH_LEN + 2], *text;
  struct stat st;
  FILE       *f;
  size_t      n;

  PetscFunctionBegin;
  *ours = PETSC_FALSE;
  if (lstat(file, &st) || !S_ISREG(st.st_mode) || (double)st.st_size > MS_STALE_MAX_BYTES) PetscFunctionReturn(0);
  if (snprintf(ref, sizeof(ref), ">%s:/", h5) >= (int)sizeof(ref) || !(f = fopen(file, "r"))) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1((size_t)st.st_size + 1, &text));
  n       = fread(text, 1, (size_t)st.st_size, f);
  text[n] = 0;
  (void)fclose(f);
  *ours = (strstr(text, "<Xdmf") && strstr(text, ref)) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscFree(text));
  PetscFunctionReturn(0);
}

/* RUN_eval.xmf and RUN_snapshots.xmf that this run does not write but an earlier one with the same -output
   did would point at datasets the new RUN.h5 lacks (ParaView fails on them, or shows the old run's
   layout): they are removed, on rank 0, once the new files are in place. A file of that name that is not
   such a companion (not XDMF, or pointing elsewhere) is left alone. */
static PetscErrorCode MSSolverRemoveStaleXdmf_Private(MSSolver sol, PetscBool evalx, PetscBool snap)
{
  const char *suffix[] = {"_eval.xmf", "_snapshots.xmf"};
  PetscBool   written[] = {evalx, snap};
  const char *slash     = strrchr(sol->output, '/');
  PetscMPIInt rank;
  PetscBool   ours;
  char        name[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)sol), &rank));
  if (rank) PetscFunctionReturn(0);
  for (int k = 0; k < 2; k++) {
    if (written[k]) continue;
    PetscCall(MSSolverCompanionName_Private(sol->output, suffix[k], name, sizeof(name)));
    PetscCall(MSIsCompanionOf_Private(name, slash ? slash + 1 : sol->output, &ours));
    if (!ours || unlink(name)) continue;
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "output: removed %s, an earlier run's (this run writes no %s)\n", name, k ? "snapshots" : "grid, so its evaluation set is in the .xmf"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverWriteOutput(MSSolver sol)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  char        xmf[PETSC_MAX_PATH_LEN], tmpxmf[PETSC_MAX_PATH_LEN], sxmf[PETSC_MAX_PATH_LEN], tmpsxmf[PETSC_MAX_PATH_LEN];
  char        csv[PETSC_MAX_PATH_LEN], tmpcsv[PETSC_MAX_PATH_LEN], exmf[PETSC_MAX_PATH_LEN], tmpexmf[PETSC_MAX_PATH_LEN];
  PetscBool   snap = MSSolverHasSnapshots_Private(sol), evalx = MSSolverHasEvalXdmf_Private(sol); /* (snapshots need the grid) */
  const char *finals[5] = {sol->output, xmf, csv, exmf, sxmf};
  PetscLogDouble t[2];

  PetscFunctionBegin;
  if (!sol->write) PetscFunctionReturn(0);
  PetscCall(MSLogStagePush_Private("mspinn output"));
  PetscCall(PetscLogEventBegin(MS_Output, sol, 0, 0, 0));
  PetscCall(PetscTime(&t[0]));
  if (!sol->snapshot) PetscCall(PetscPrintf(comm, "output: writing %s", sol->output)); /* (not for each -output_every rewrite) */
  /* the files are written under temporary names and then renamed together: none is replaced unless
     all were written */
  PetscCall(MSSolverCompanionName_Private(sol->output, ".xmf", xmf, sizeof(xmf)));
  PetscCall(MSSolverCompanionName_Private(sol->output, "_snapshots.xmf", sxmf, sizeof(sxmf)));
  PetscCall(MSSolverCompanionName_Private(sol->output, "_eval.xmf", exmf, sizeof(exmf)));
  PetscCall(MSSolverCompanionName_Private(sol->output, ".csv", csv, sizeof(csv)));
  PetscCall(MSTempName_Private(comm, sol->output, 0, sol->tmpoutput, sizeof(sol->tmpoutput)));
  PetscCall(MSTempName_Private(comm, xmf, 1, tmpxmf, sizeof(tmpxmf)));
  PetscCall(MSTempName_Private(comm, csv, 2, tmpcsv, sizeof(tmpcsv)));
  if (evalx) PetscCall(MSTempName_Private(comm, exmf, 3, tmpexmf, sizeof(tmpexmf)));
  if (snap) PetscCall(MSTempName_Private(comm, sxmf, 4, tmpsxmf, sizeof(tmpsxmf)));
  PetscCall(MSWriteH5File_Private(comm, sol->tmpoutput, sol->output, MSSolverWriteFileCtx_Private, sol));
  PetscCall(MSSolverWriteXDMF_Private(sol, tmpxmf, MS_XDMF_FIELDS));
  PetscCall(MSSolverWriteHistoryCSV_Private(sol, tmpcsv));
  if (evalx) PetscCall(MSSolverWriteXDMF_Private(sol, tmpexmf, MS_XDMF_EVAL));
  if (snap) PetscCall(MSSolverWriteXDMF_Private(sol, tmpsxmf, MS_XDMF_SNAPSHOTS));
  PetscCall(MSTempCommit_Private(comm, 3 + (evalx ? 1 : 0) + (snap ? 1 : 0), finals));
  sol->tmpoutput[0] = 0;
  PetscCall(PetscTime(&t[1]));
  if (!sol->snapshot) PetscCall(PetscPrintf(comm, " and its .xmf, .csv%s%s: %.2f s\n", evalx ? ", _eval.xmf" : "", snap ? ", _snapshots.xmf" : "", (double)(t[1] - t[0])));
  PetscCall(MSSolverRemoveStaleXdmf_Private(sol, evalx, snap));
  PetscCall(PetscLogEventEnd(MS_Output, sol, 0, 0, 0));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

/* after a failure: remove the temporary files, so nothing half-written is left behind */
PetscErrorCode MSSolverRemovePartialOutput(MSSolver sol)
{
  PetscFunctionBegin;
  PetscCall(MSTempRemoveAll_Private(sol ? PetscObjectComm((PetscObject)sol) : PETSC_COMM_WORLD)); /* no solver: -load's output */
  if (sol) sol->tmpoutput[0] = 0;
  PetscFunctionReturn(0);
}
