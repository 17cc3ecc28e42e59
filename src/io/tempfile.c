/* Temporary files of an output being written. Each output file is written under a short hidden
   name in its own directory (DIR/.mspinn-PID-K.partial: Open MPI's shared-file-pointer component
   aborts on long file names, so the user's name is not used while MPI-IO has the file open) and
   renamed onto its path only when complete. The names are kept here so that a failed run
   (MSTempRemoveAll_Private) and SIGINT/SIGTERM (the handler below) remove them: no half-written
   file is left behind, and the previous output stays valid. */
#include <mspinn/private/solverimpl.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define MS_TEMP_SLOTS 5 /* files of one output written together (.h5, .xmf, .csv, _eval.xmf, _snapshots.xmf) */

static char             ms_temp[MS_TEMP_SLOTS][PETSC_MAX_PATH_LEN];
static struct sigaction ms_oldint, ms_oldterm;
static int              ms_handlers = 0;

static void MSTempSignal(int sig)
{
  for (int k = 0; k < MS_TEMP_SLOTS; k++)
    if (ms_temp[k][0]) (void)unlink(ms_temp[k]); /* async-signal-safe */
  (void)sigaction(SIGINT, &ms_oldint, NULL);
  (void)sigaction(SIGTERM, &ms_oldterm, NULL);
  (void)raise(sig);
}

static void MSTempInstallHandlers(void)
{
  struct sigaction sa;

  if (ms_handlers) return;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = MSTempSignal;
  (void)sigemptyset(&sa.sa_mask);
  (void)sigaction(SIGINT, &sa, &ms_oldint);
  (void)sigaction(SIGTERM, &sa, &ms_oldterm);
  ms_handlers = 1;
}

/* the temporary name of the file 'final' in slot k, the same on every rank (rank 0's process id) */
PetscErrorCode MSTempName_Private(MPI_Comm comm, const char final[], PetscInt k, char tmp[], size_t len)
{
  long        pid = (long)getpid();
  const char *slash = strrchr(final, '/');

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < MS_TEMP_SLOTS, comm, PETSC_ERR_ARG_OUTOFRANGE, "temporary file slot %" PetscInt_FMT, k);
  PetscCallMPI(MPI_Bcast(&pid, 1, MPI_LONG, 0, comm));
  if (slash) PetscCall(PetscSNPrintf(tmp, len, "%.*s/.mspinn-%ld-%" PetscInt_FMT ".partial", (int)(slash - final), final, pid, k));
  else PetscCall(PetscSNPrintf(tmp, len, ".mspinn-%ld-%" PetscInt_FMT ".partial", pid, k));
  PetscCall(PetscStrncpy(ms_temp[k], tmp, sizeof(ms_temp[k])));
  MSTempInstallHandlers();
  PetscFunctionReturn(0);
}

/* renames the temporary files of slots 0..n-1 onto finals[] (rank 0), in that order; on failure the
   ones not yet renamed are removed and the error names the file */
PetscErrorCode MSTempCommit_Private(MPI_Comm comm, PetscInt n, const char *const finals[])
{
  PetscMPIInt rank;
  int         err = 0, bad = -1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank)
    for (PetscInt k = 0; k < n && !err; k++) {
      if (rename(ms_temp[k], finals[k])) {
        err = errno;
        bad = (int)k;
      } else ms_temp[k][0] = 0;
    }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  if (err) PetscCall(MSTempRemoveAll_Private(comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-output: cannot write %s: %s", finals[bad], strerror(err));
  for (PetscInt k = 0; k < n; k++) ms_temp[k][0] = 0;
  PetscFunctionReturn(0);
}

/* after a failure: the temporary files are removed (rank 0) */
PetscErrorCode MSTempRemoveAll_Private(MPI_Comm comm)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (int k = 0; k < MS_TEMP_SLOTS; k++) {
    if (!rank && ms_temp[k][0]) (void)unlink(ms_temp[k]);
    ms_temp[k][0] = 0;
  }
  PetscFunctionReturn(0);
}
