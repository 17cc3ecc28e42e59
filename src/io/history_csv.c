/* The per-iteration history as a CSV file beside the HDF5 output (RUN.h5 -> RUN.csv), for a
   spreadsheet or pandas: a header line with the /history column names (and coef_<name> for unknown
   coefficients), then one line per training iteration, values as %.17g (round-trip exact). Written on
   rank 0 to a temporary name and renamed with the other output files by MSSolverWriteOutput. */
#include <errno.h>
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <stdio.h>
#include <string.h>

static void MSHistoryCSVRows_Private(FILE *f, MSSolver sol, PetscInt nunk, const PetscInt unk[], const char *const cn[])
{
  for (PetscInt c = 0; c < MS_NUM_HISTORY_COLUMNS; c++) fprintf(f, "%s%s", c ? "," : "", MSHistoryColumns[c]);
  for (PetscInt j = 0; j < nunk; j++) fprintf(f, ",coef_%s", cn[unk[j]]);
  fprintf(f, "\n");
  for (PetscInt i = 0; i < sol->nhist; i++) {
    for (PetscInt c = 0; c < MS_NUM_HISTORY_COLUMNS; c++) fprintf(f, "%s%.17g", c ? "," : "", (double)MSHistoryRecordGet(&sol->hist[i], c));
    for (PetscInt j = 0; j < nunk; j++) fprintf(f, ",%.17g", (double)sol->hist[i].coef[j]);
    fprintf(f, "\n");
  }
}

PetscErrorCode MSSolverWriteHistoryCSV_Private(MSSolver sol, const char tmp[])
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)sol);
  PetscMPIInt        rank;
  PetscInt           nunk;
  const PetscInt    *unk;
  const char *const *cn;
  int                err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, &cn, NULL));
  if (!rank) {
    FILE *f = fopen(tmp, "w");
    if (!f) err = errno;
    else {
      MSHistoryCSVRows_Private(f, sol, nunk, unk, cn);
      if (ferror(f)) err = errno ? errno : EIO;
      if (fclose(f) && !err) err = errno ? errno : EIO;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write its history file: %s%s", sol->output, strerror(err), err == ENOSPC ? " (the disk is full)" : "");
  PetscFunctionReturn(0);
}
