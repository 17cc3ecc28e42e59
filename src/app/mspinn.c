static const char help[] = "mspinn: physics-informed neural networks to machine precision.\n"
                           "Solves the PDE problem described by the options (default: problems/poisson1d.opts, the 1D Poisson\n"
                           "problem) with multi-stage networks trained by Levenberg-Marquardt, prints the per-stage table and a\n"
                           "summary, and writes them with the solution to an HDF5 file (-output FILE.h5).\n"
                           "  mspinn -options_file problems/<name>.opts [-output FILE.h5] [options]\n\n";

#include <mspinn.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static int MSIsNumber(const char *tok)
{
  char *end;
  (void)strtod(tok, &end);
  return end != tok && !*end;
}

/* PETSc's own parse errors quote the bad value but not the option ("Input string abc has no integer
   value"): find the option whose value the message quotes, to name it. */
static void MSFindOptionForMessage(const char *mess, char *opt, size_t len)
{
  char *all = NULL, *tok, *save = NULL, *name = NULL;

  opt[0] = 0;
  if (PetscOptionsGetAll(NULL, &all) || !all) return;
  for (tok = strtok_r(all, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    if (tok[0] == '-' && !(tok[1] >= '0' && tok[1] <= '9') && tok[1] != '.') {
      name = tok;
      continue;
    }
    /* a number matches only PETSc's "Input string N has no ... value": elsewhere "2" is any 2 */
    if (name && tok[0] && (!MSIsNumber(tok) || strstr(mess, "Input string "))) {
      const char *hit = strstr(mess, tok);
      size_t      n   = strlen(tok);
      if (hit && (hit == mess || hit[-1] == ' ') && (hit[n] == 0 || hit[n] == ' ' || hit[n] == '.')) {
        snprintf(opt, len, "%s %s: ", name, tok);
        break;
      }
    }
    name = NULL;
  }
  free(all);
}

/* Errors reach the user as one line naming what is wrong: the message of the error where it was
   raised, without PETSc's traceback (-mspinn_traceback restores it). */
static PetscErrorCode MSErrorHandlerOneLine(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscMPIInt rank = 0;
  char        opt[256] = "";

  (void)line;
  (void)file;
  (void)ctx;
  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (mess && mess[0] && mess[0] != '-') MSFindOptionForMessage(mess, opt, sizeof(opt));
  /* PETSc raises a malformed option value on PETSC_COMM_SELF, but every rank has the same options and
     meets the same error: it is printed by rank 0 only */
  if (!rank || (comm == PETSC_COMM_SELF && !opt[0])) {
    /* out of memory: PETSc 3.18's PetscMallocAlign raises it with its arguments shifted (the code is
       a line number, the message the allocating function's name), so it is recognized by name */
    if (fun && !strcmp(fun, "PetscMallocAlign"))
      fprintf(stderr, "mspinn: error: out of memory in %s (too many points or parameters for this machine: the dense Jacobian has rows x parameters entries)\n", mess && mess[0] ? mess : fun);
    else if (n == PETSC_ERR_MEM) fprintf(stderr, "mspinn: error: out of memory in %s: %s\n", fun, mess ? mess : "");
    else if (mess && mess[0]) fprintf(stderr, "mspinn: error: %s%s\n", opt, mess);
    else fprintf(stderr, "mspinn: error: PETSc error %d (in %s)\n", (int)n, fun);
    fflush(stderr);
  }
  return n;
}

/* Options files are read by MSOptionsInsertFiles rather than by PetscInitialize, so that a missing or
   malformed file gets the one-line error on every rank together: they are taken out of argv first
   (files[]), inserted once the error handler is in place, and then the command line is applied again
   (MSOptionsInsertArgs) so that it wins over them. */
static int MSTakeOptionsFiles(int *argc, char **argv, char **files, int *nfiles)
{
  int n = 1;

  *nfiles = 0;
  for (int i = 1; i < *argc; i++) {
    if (!strcmp(argv[i], "-options_file")) {
      if (i + 1 >= *argc) {
        fprintf(stderr, "mspinn: error: -options_file needs a file name\n");
        return 1;
      }
      files[(*nfiles)++] = argv[++i];
      if (*nfiles == 16) {
        fprintf(stderr, "mspinn: error: at most 16 -options_file\n");
        return 1;
      }
      continue;
    }
    argv[n++] = argv[i];
  }
  *argc   = n;
  argv[n] = NULL;
  return 0;
}

/* options nobody read (typos): reported, PETSc's own run-time options excepted */
static PetscErrorCode MSReportUnusedOptions(void)
{
  PetscInt    N;
  char      **names, **values;
  const char *petsc[] = {"log", "malloc", "options_", "info", "history", "checkstack", "objects_dump", "fp_trap", "on_error", "no_signal_handler", "skip_petscrc", "use_gpu_aware_mpi", "mspinn_traceback", "mspinn_options_dirs", "mpi_", "viewer_", "help", "version"};

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &N, &names, &values));
  for (PetscInt i = 0; i < N; i++) {
    PetscBool skip = PETSC_FALSE;
    for (size_t k = 0; k < sizeof(petsc) / sizeof(petsc[0]); k++) {
      size_t len = strlen(petsc[k]);
      if (!strncmp(names[i], petsc[k], len)) skip = PETSC_TRUE;
    }
    if (!skip) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mspinn: warning: option -%s was not used (misspelled, or not for this problem?)\n", names[i]));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &names, &values));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSRun(MSSolver *sol)
{
  PetscBool help, load;
  char      loadfile[PETSC_MAX_PATH_LEN] = "", points[PETSC_MAX_PATH_LEN] = "", dataset[256] = "/eval/points", out[PETSC_MAX_PATH_LEN] = "eval.h5";

  PetscFunctionBegin;
  /* -load: evaluate a trained model at new points, no training */
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Evaluating a trained model", NULL);
  PetscCall(PetscOptionsString("-load", "Evaluate the model saved in this output file at -eval_points instead of training", "MSModelEvaluateToFile", loadfile, loadfile, sizeof(loadfile), &load));
  PetscCall(PetscOptionsString("-eval_points", "With -load: HDF5 file of the points", "MSModelEvaluateToFile", points, points, sizeof(points), NULL));
  PetscCall(PetscOptionsString("-eval_dataset", "With -load: dataset of the points, shape (N, inputs)", "MSModelEvaluateToFile", dataset, dataset, sizeof(dataset), NULL));
  PetscOptionsEnd();
  if (load) {
    PetscCall(PetscOptionsGetString(NULL, NULL, "-output", out, sizeof(out), NULL));
    PetscCheck(points[0], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "-load %s: also give -eval_points FILE.h5", loadfile);
    PetscCall(MSModelEvaluateToFile(PETSC_COMM_WORLD, loadfile, points, dataset, out));
    PetscFunctionReturn(0);
  }
  PetscCall(MSSolverCreate(PETSC_COMM_WORLD, sol));
  PetscCall(MSSolverSetFromOptions(*sol));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) { /* list the optimizer's options too, then stop */
    Tao tao;
    PetscCall(TaoCreate(PETSC_COMM_WORLD, &tao));
    PetscCall(TaoSetType(tao, TAOMSLM));
    PetscCall(TaoSetFromOptions(tao));
    PetscCall(TaoDestroy(&tao));
    PetscFunctionReturn(0);
  }
  PetscCall(MSSolverSolve(*sol));
  PetscCall(MSSolverWriteOutput(*sol));
  PetscCall(MSSolverViewSummary(*sol, PETSC_VIEWER_STDOUT_WORLD));
  PetscCall(MSReportUnusedOptions());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  MSSolver       sol = NULL;
  PetscErrorCode ierr;
  PetscBool      traceback = PETSC_FALSE;
  char          *files[16];
  int            nfiles;

  MSSetCommandLine(argc, argv); /* as typed, for the output's provenance */
  if (MSTakeOptionsFiles(&argc, argv, files, &nfiles)) return 1;
  ierr = PetscInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  ierr = PetscOptionsGetBool(NULL, NULL, "-mspinn_traceback", &traceback, NULL);
  if (ierr) return 1;
  if (!traceback) {
    ierr = PetscPushErrorHandler(MSErrorHandlerOneLine, NULL);
    if (ierr) return 1;
  }
  ierr = MSOptionsInsertFiles(PETSC_COMM_WORLD, NULL, nfiles, (const char *const *)files);
  if (!ierr) ierr = MSOptionsInsertArgs(NULL, argc, argv);
  if (!ierr) ierr = MSRun(&sol);
  if (ierr) {
    (void)MSSolverRemovePartialOutput(sol);
    if (MSOutputFailed()) { /* HDF5 would crash in MPI_Finalize on the file it could not close */
      fflush(NULL);
      _exit(1);
    }
    (void)MSSolverDestroy(&sol);
    (void)PetscFinalize();
    return 1;
  }
  ierr = MSSolverDestroy(&sol);
  if (ierr) return 1;
  ierr = PetscFinalize();
  return ierr ? 1 : 0;
}
