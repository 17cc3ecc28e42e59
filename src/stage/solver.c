/* MSSolver: trains the solution stage by stage and reports it.

   Stage s trains a network N_s on what is left, u = U_{s-1} + eps_s N_s (U_0 = 0, eps_1 = 1),
   with the optimizer chosen by -tao_type (default: the Levenberg-Marquardt TAOMSLM). After each
   stage the composite solution is evaluated on the evaluation set and a row of the per-stage table
   is printed and kept for the output file. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/ddsum.h>
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/netimpl.h>
#include <petsc/private/taoimpl.h> /* TaoList, to check -tao_chain */

#define MS_GRID_LEAST_FIELDS 3 /* fields of the output grid besides the coordinates: at least u, the residual and the error */

PetscClassId      MSSOLVER_CLASSID;
const char *const MSStageInits[] = {"scaled_sine", "spectrum", "MSStageInit", "MS_STAGE_INIT_", NULL};
const char *const MSStageFeaturesTypes[] = {"trained", "random", "auto", "MSStageFeatures", "MS_STAGE_FEATURES_", NULL};

PetscErrorCode MSSolverCreate(MPI_Comm comm, MSSolver *solver)
{
  MSSolver s;

  PetscFunctionBegin;
  PetscCall(MSInitializePackage());
  PetscCall(PetscHeaderCreate(s, MSSOLVER_CLASSID, "MSSolver", "Multi-stage PINN solver", "MSSolver", comm, MSSolverDestroy, NULL));
  PetscCall(MSProblemCreate(comm, &s->prob));
  PetscCall(MSModelCreate(comm, &s->model));
  s->stage_max    = 6;
  s->gamma        = 0.0;
  s->floor_factor = 10.0;
  s->floor_conditioning = MS_FLOOR_CONDITIONING_DEFAULT;
  s->min_gain     = 2.0;
  s->init         = MS_STAGE_INIT_SCALED_SINE;
  s->write          = PETSC_TRUE;
  s->grid           = PETSC_TRUE;
  s->grid_snapshots = 5;
  s->kappa_trials   = 0;
  s->trial_its      = 100;
  s->kappa_factor   = 1.0;
  s->kappa_fraction = 1.0;
  s->features       = MS_STAGE_FEATURES_AUTO;
  s->random_width   = 0;
  s->random_kappa_fraction = 1.0;
  s->random_trials         = 16;
  s->random_min_gain       = 10.0;
  s->rate_ratio            = 4.0;
  s->resolve_ratio         = 10.0; /* resolved stages measure 1-2 (docs/policy.md) */
  s->resolve_max           = 2;
  PetscCall(PetscTime(&s->t0));
  *solver = s;
  PetscFunctionReturn(0);
}

/* the features asked for stage s (0-based): -stage_<s+1>_features, else -stage_features; for stage 1
   auto when -stage_features is auto (the policy then decides every stage), else trained (an explicit
   -stage_features describes the residual-fitting stages >= 2) */
static PetscErrorCode MSSolverRequestedFeatures_Private(MSSolver sol, PetscInt s, MSStageFeatures *f)
{
  char      name[48];
  PetscBool own = PETSC_TRUE;

  PetscFunctionBegin;
  *f = sol->features;
  PetscCall(PetscSNPrintf(name, sizeof(name), "-stage_%" PetscInt_FMT "_features", s + 1));
  if (s == 0) PetscCall(MSOptionsHasExactName(((PetscObject)sol)->options, name, &own));
  if (s == 0 && !own && sol->features != MS_STAGE_FEATURES_AUTO) *f = MS_STAGE_FEATURES_TRAINED;
  if (own) PetscCall(PetscOptionsGetEnum(((PetscObject)sol)->options, NULL, name, MSStageFeaturesTypes, (PetscEnum *)f, NULL)); /* else -stage_features */
  PetscFunctionReturn(0);
}

/* the gamma asked for stage s (0-based): -stage_<s+1>_gamma, else -stage_gamma (0: balanced) */
static PetscErrorCode MSSolverRequestedGamma_Private(MSSolver sol, PetscInt s, PetscReal *gamma)
{
  char      prefix[32];
  PetscBool set;

  PetscFunctionBegin;
  *gamma = sol->gamma;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "stage_%" PetscInt_FMT "_", s + 1));
  PetscCall(PetscOptionsGetReal(((PetscObject)sol)->options, prefix, "-gamma", gamma, &set));
  PetscCheck(!set || *gamma >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_%" PetscInt_FMT "_gamma must be positive (or 0: balanced), not %g", s + 1, (double)*gamma);
  PetscFunctionReturn(0);
}

/* -stage_<n>_net_width and the like are read when stage n starts: their range is checked now */
static PetscErrorCode MSSolverCheckStageIntegers_Private(MSSolver sol, PetscInt s)
{
  const char *names[] = {"-net_width", "-net_layers", "-tao_max_it", "-net_widths", "-net_block_size", "-tao_max_funcs"};
  PetscInt    least[] = {1, 1, 0}; /* the smallest value of the first three */
  char        prefix[32];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "stage_%" PetscInt_FMT "_", s + 1));
  for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    PetscInt  v;
    PetscBool set;
    PetscCall(MSOptionsCheckInt(PetscObjectComm((PetscObject)sol), NULL, prefix, names[k]));
    if (k >= sizeof(least) / sizeof(least[0])) continue;
    PetscCall(PetscOptionsGetInt(NULL, prefix, names[k], &v, &set));
    PetscCheck(!set || v >= least[k], PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-%s%s %" PetscInt_FMT ": must be at least %" PetscInt_FMT, prefix, names[k] + 1, v, least[k]);
  }
  PetscFunctionReturn(0);
}

/* The output grid is evaluated on every rank (the file does not depend on the rank count): its nodes
   times the fields written there (at least u, the residual and the error, and the coordinates) and
   the snapshots in time are checked before training, not after it */
static PetscErrorCode MSSolverCheckGridMemory_Private(MSSolver sol, PetscInt nin)
{
  PetscInt64 nodes = 1, space = 1;
  char       what[96];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nin && nodes <= PETSC_MAX_INT; i++) nodes *= sol->grid_n[i];
  for (PetscInt i = 0; i < nin - 1; i++) space *= sol->grid_n[i];
  PetscCall(PetscSNPrintf(what, sizeof(what), "-grid_n %" PetscInt_FMT ": the output grid", sol->grid_n[0]));
  PetscCall(MSCheckMemory_Private(PetscObjectComm((PetscObject)sol), nodes * (MS_GRID_LEAST_FIELDS + nin), (PetscReal)sizeof(PetscReal) * nodes * (MS_GRID_LEAST_FIELDS + nin), what));
  if (sol->grid_snapshots > 0) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "-grid_snapshots %" PetscInt_FMT ": the snapshots in time", sol->grid_snapshots));
    PetscCall(MSCheckMemory_Private(PetscObjectComm((PetscObject)sol), sol->grid_snapshots * space * (nin + 1), (PetscReal)sizeof(PetscReal) * sol->grid_snapshots * space * (nin + 1), what));
  }
  PetscFunctionReturn(0);
}

/* Stage 1's Jacobian (rows x parameters doubles, split over the ranks), from the point counts the
   options ask for: a run that cannot hold it stops now, not after the points are made */
static PetscErrorCode MSSolverCheckPlannedMemory_Private(MSSolver sol)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  PetscInt64  rows;
  PetscInt    P;
  PetscMPIInt size;
  char        what[160];

  PetscFunctionBegin;
  PetscCall(MSProblemPlannedRows_Private(sol->prob, &rows));
  if (!rows) PetscFunctionReturn(0);
  PetscCall(MSNetGetNumParameters(sol->model->net[0], &P));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscSNPrintf(what, sizeof(what), "-points_interior_n/-net_width: the Jacobian (at least %" PetscInt64_FMT " rows x %" PetscInt_FMT " parameters)", rows, P));
  PetscCall(MSCheckMemory_Private(comm, rows / size * P, (PetscReal)sizeof(PetscReal) * (PetscReal)(rows / size) * P, what));
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverSetFromOptions(MSSolver sol)
{
  PetscInt  nin_probe;
  PetscBool flg;
  PetscInt  nin;
  const char *name;

  PetscFunctionBegin;
  PetscCall(MSProblemSetFromOptions(sol->prob));
  PetscCall(MSPDEGetDimensions(sol->prob->pde, NULL, NULL, &nin_probe));
  PetscCall(MSProblemGetName(sol->prob, &name));
  PetscCall(PetscSNPrintf(sol->output, sizeof(sol->output), "%s.h5", name));
  PetscObjectOptionsBegin((PetscObject)sol);
  PetscCall(PetscOptionsString("-output", "HDF5 output file (written atomically: a temporary file, then rename)", "MSSolverWriteOutput", sol->output, sol->output, sizeof(sol->output), &flg));
  PetscCall(PetscOptionsBool("-output_write", "Write the output file", "MSSolverWriteOutput", sol->write, &sol->write, NULL));
  PetscCall(PetscOptionsBool("-monitor", "Print every training iteration (stage, iteration, loss, data and equation parts, damping, seconds)", "MSSolverSolve", sol->monitor, &sol->monitor, NULL));
  for (PetscInt k = 0; k < sol->nchain; k++) PetscCall(PetscFree(sol->chain[k]));
  sol->nchain = 8;
  PetscCall(PetscOptionsStringArray("-tao_chain", "Optimizers run in turn on each stage, e.g. adam,mslm; the k-th takes options with prefix chain<k>_ (e.g. -chain1_tao_max_it)", "MSSolverSolve", sol->chain, &sol->nchain, &flg));
  if (!flg) sol->nchain = 0;
  for (PetscInt k = 0; k < sol->nchain; k++) { /* catch a typo now, not after the first optimizer ran */
    PetscErrorCode (*create)(Tao);
    PetscCall(TaoInitializePackage());
    PetscCall(PetscFunctionListFind(TaoList, sol->chain[k], &create));
    PetscCheck(create, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_UNKNOWN_TYPE, "-tao_chain: unknown optimizer '%s' (TAO types, e.g. mslm, brgn, adam, lmvm, blmvm, bqnls, bncg)", sol->chain[k]);
  }
  {
    PetscInt n = MS_JET_DIM;
    PetscCall(PetscOptionsRealArray("-probe", "Report u and its first derivatives at this point (one value per input, e.g. x,t)", "MSSolverViewSummary", sol->probe, &n, &sol->hasprobe));
    for (PetscInt i = 0; sol->hasprobe && i < n; i++) PetscCheck(!PetscIsInfOrNanReal(sol->probe[i]), PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-probe: value %" PetscInt_FMT " (%g) is not a finite number", i + 1, (double)sol->probe[i]);
    PetscCheck(!sol->hasprobe || n == nin_probe, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_SIZ, "-probe: %" PetscInt_FMT " values for a %" PetscInt_FMT "-input problem", n, nin_probe);
  }
  PetscCall(PetscOptionsReal("-train_max_seconds", "Stop a stage's training after this many seconds of wall time (0: no limit)", "MSSolverSolve", sol->max_seconds, &sol->max_seconds, NULL));
  PetscCall(PetscOptionsReal("-stage_gamma", "Weight gamma of the equation residual against the data "
                             "(0: 1 for a trained stage 1, else balanced by the NTK traces); -stage_<n>_gamma for stage n alone",
                             "MSLossSetGamma", sol->gamma, &sol->gamma, NULL));
  PetscCall(MSOptionsInt("-stage_max", "Largest number of stages", "MSSolverSolve", sol->stage_max, &sol->stage_max, NULL));
  PetscCall(PetscOptionsEnum("-stage_init", "First layer of stages 2, 3, ...: sine scaled to the residual's dominant frequency, or spectrum-informed", "MSSolverSolve", MSStageInits, (PetscEnum)sol->init, (PetscEnum *)&sol->init, NULL));
  PetscCall(MSOptionsInt("-stage_refine_n", "Before each stage after the first, add this many collocation points where the residual is largest (0: none)", "MSSolverSolve", sol->refine_n, &sol->refine_n, NULL));
  PetscCall(PetscOptionsReal("-stage_floor_factor", "Stop when the residual RMS is within this factor of its round-off floor", "MSSolverSolve", sol->floor_factor, &sol->floor_factor, NULL));
  PetscCall(PetscOptionsReal("-stage_floor_conditioning", "A random-feature trial's round-off floor ends the bandwidth search only within this factor of the floor before the stage (an ill-conditioned solve inflates its own; 0: any floor)", "MSSolverSolve", sol->floor_conditioning, &sol->floor_conditioning, NULL));
  PetscCheck(sol->floor_conditioning >= 0 && !PetscIsInfOrNanReal(sol->floor_conditioning), PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_floor_conditioning %g: must be a non-negative factor (0: any floor)", (double)sol->floor_conditioning);
  {
    PetscInt n = MS_JET_DIM, def = nin_probe == 1 ? 1001 : (nin_probe == 2 ? 101 : 41);
    PetscBool set;
    for (PetscInt i = 0; i < MS_JET_DIM; i++) sol->grid_n[i] = def;
    PetscCall(PetscOptionsBool("-grid_write", "Write the fields on a structured grid (/grid) and, for time-dependent problems, snapshots in time (/snapshots)", "MSSolverWriteOutput", sol->grid, &sol->grid, NULL));
    PetscCall(MSOptionsCheckInt(PetscOptionsObject->comm, PetscOptionsObject->options, PetscOptionsObject->prefix, "-grid_n"));
    PetscCall(PetscOptionsIntArray("-grid_n", "Nodes of the output grid per input direction (one value: all directions; default 1001, 101, 41 for 1, 2, 3 inputs)", "MSSolverWriteOutput", sol->grid_n, &n, &set));
    if (set) {
      PetscCheck(n == 1 || n == nin_probe, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_SIZ, "-grid_n: give one value or one per input (%" PetscInt_FMT ")", nin_probe);
      for (PetscInt i = n; i < MS_JET_DIM; i++) sol->grid_n[i] = sol->grid_n[0];
      for (PetscInt i = 0; i < nin_probe; i++) PetscCheck(sol->grid_n[i] >= 2, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-grid_n %" PetscInt_FMT ": at least 2 nodes per direction", sol->grid_n[i]);
    }
    PetscCall(MSOptionsInt("-grid_snapshots", "Snapshots in time of a time-dependent problem written to /snapshots (0: none)", "MSSolverWriteOutput", sol->grid_snapshots, &sol->grid_snapshots, NULL));
    PetscCheck(sol->grid_snapshots >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-grid_snapshots %" PetscInt_FMT ": must be non-negative", sol->grid_snapshots);
    if (sol->grid) PetscCall(MSSolverCheckGridMemory_Private(sol, nin_probe));
  }
  PetscCall(MSOptionsInt("-stage_kappa_trials", "Stages >= 2: try this many first-layer scales (kappa, kappa/2, kappa/4, ...) for -stage_kappa_trial_its iterations each and keep the one with the smallest residual at held-out points (0 or 1: the spectral kappa)", "MSSolverSolve", sol->kappa_trials, &sol->kappa_trials, NULL));
  PetscCall(PetscOptionsReal("-stage_kappa_fraction", "Stages >= 2: the first layer's largest frequency along a direction, kappa a / (2 pi), as a fraction of the residual's dominant frequency", "MSSolverSolve", sol->kappa_fraction, &sol->kappa_fraction, NULL));
  PetscCall(PetscOptionsEnum("-stage_features", "Stages >= 2: train every parameter (trained), keep random hidden layers and solve for the output layer by orthogonal least squares (random), or random when that gains -stage_random_min_gain at held-out points, else trained (auto; stage 1 too, for a linear PDE or fit with known coefficients); -stage_<n>_features per stage", "MSSolverSolve", MSStageFeaturesTypes, (PetscEnum)sol->features, (PetscEnum *)&sol->features, NULL));
  { /* listed for -help; read by MSSolverRequestedFeatures_Private */
    MSStageFeatures f1 = sol->features == MS_STAGE_FEATURES_AUTO ? MS_STAGE_FEATURES_AUTO : MS_STAGE_FEATURES_TRAINED;
    PetscCall(PetscOptionsEnum("-stage_1_features",
                               "Stage 1: the -net_* network trained, random features, or auto: random features first for a linear PDE or fit with"
                               " known coefficients (default: auto with -stage_features auto, else trained)",
                               "MSSolverSolve", MSStageFeaturesTypes, (PetscEnum)f1, (PetscEnum *)&f1, NULL));
  }
  PetscCall(MSOptionsInt("-stage_random_width", "Hidden width of a random-feature stage's single hidden layer (0: half the training rows, at most 2048; -stage_<n>_net_layers/_width shape trained stages only)", "MSSolverSolve", sol->random_width, &sol->random_width, NULL));
  PetscCall(PetscOptionsReal("-stage_random_kappa_fraction", "Random-feature stages: the first layer's largest frequency as a multiple of the residual's dominant frequency (with -stage_features auto: the first of the multiples tried)", "MSSolverSolve", sol->random_kappa_fraction, &sol->random_kappa_fraction, NULL));
  PetscCall(MSOptionsInt("-stage_random_trials", "With -stage_features auto: try at most this many bandwidths between c f_d (c = -stage_random_kappa_fraction, f_d the residual's dominant frequency) and the Nyquist frequency of the points", "MSSolverSolve", sol->random_trials, &sol->random_trials, NULL));
  PetscCall(PetscOptionsReal("-stage_random_min_gain", "With -stage_features auto: keep random features when they lower the validation residual RMS by at least this factor", "MSSolverSolve", sol->random_min_gain, &sol->random_min_gain, NULL));
  PetscCall(MSOptionsInt("-stage_kappa_trial_its", "Iterations of each trial of -stage_kappa_trials", "MSSolverSolve", sol->trial_its, &sol->trial_its, NULL));
  PetscCall(PetscOptionsString("-resume", "Continue the run saved in this output file from its last finished stage", "MSSolverSolve", sol->resume, sol->resume, sizeof(sol->resume), NULL));
  PetscCall(MSOptionsInt("-output_every", "Also rewrite the output every this many training iterations, with the stage in training as it stands (0: after every stage only)", "MSSolverWriteOutput", sol->output_every, &sol->output_every, NULL));
  PetscCall(PetscOptionsReal("-stage_min_gain", "Stop when a stage reduces the residual RMS by less than this factor", "MSSolverSolve", sol->min_gain, &sol->min_gain, NULL));
  PetscCall(MSPolicySetFromOptions_Private(sol, PetscOptionsObject));
  PetscOptionsEnd();
  PetscCheck(sol->gamma >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_gamma must be positive (or 0: balanced), not %g", (double)sol->gamma);
  PetscCheck(sol->stage_max >= 1 && sol->stage_max <= MS_MAX_STAGES, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_max %" PetscInt_FMT ": must be in [1, %d]", sol->stage_max, MS_MAX_STAGES);
  PetscCheck(sol->refine_n >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_refine_n %" PetscInt_FMT ": must be non-negative", sol->refine_n);
  PetscCheck(sol->output_every >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-output_every %" PetscInt_FMT ": must be non-negative", sol->output_every);
  if (sol->resume[0]) {
    FILE *f = fopen(sol->resume, "r");
    PetscCheck(f, PetscObjectComm((PetscObject)sol), PETSC_ERR_FILE_OPEN, "-resume %s: cannot open the file", sol->resume);
    (void)fclose(f);
  }
  PetscCheck(sol->random_width >= 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_random_width %" PetscInt_FMT ": must be non-negative", sol->random_width);
  for (PetscInt k = 0; k < sol->stage_max; k++) { /* catch a bad -stage_<n>_features or _gamma now, not after stage n - 1 */
    MSStageFeatures f;
    PetscReal       g;
    PetscCall(MSSolverRequestedFeatures_Private(sol, k, &f));
    PetscCall(MSSolverRequestedGamma_Private(sol, k, &g));
    PetscCall(MSSolverCheckStageIntegers_Private(sol, k));
  }
  PetscCheck(sol->random_trials >= 1, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_random_trials %" PetscInt_FMT ": must be positive", sol->random_trials);
  PetscCheck(sol->random_min_gain >= 1, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_random_min_gain %g: must be at least 1", (double)sol->random_min_gain);
  PetscCheck(sol->random_kappa_fraction > 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_random_kappa_fraction %g: must be positive", (double)sol->random_kappa_fraction);
  PetscCheck(sol->kappa_fraction > 0, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_kappa_fraction %g: must be positive", (double)sol->kappa_fraction);
  PetscCheck(sol->min_gain >= 1, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_OUTOFRANGE, "-stage_min_gain must be at least 1");
  for (PetscInt i = 0; i < sol->prob->sdim; i++) /* (its first layer is set per frequency and direction of x itself) */
    PetscCheck(!sol->prob->periodic[i] || sol->init != MS_STAGE_INIT_SPECTRUM, PetscObjectComm((PetscObject)sol), PETSC_ERR_ARG_INCOMP,
               "-stage_init spectrum: not with -domain_periodic");
  if (sol->write) PetscCall(MSSolverCheckOutputPath_Private(sol));

  /* the first stage's network, so that -help lists its options and typos fail before training */
  PetscCall(MSNetDestroy(&sol->model->net[0]));
  PetscCall(MSPDEGetDimensions(sol->prob->pde, NULL, NULL, &nin));
  PetscCall(MSNetCreate(PetscObjectComm((PetscObject)sol), &sol->model->net[0]));
  PetscCall(MSNetSetInputDimension(sol->model->net[0], nin));
  PetscCall(MSProblemSetNetPeriodic_Private(sol->prob, sol->model->net[0]));
  PetscCall(MSNetSetFromOptions(sol->model->net[0]));         /* -net_* */
  PetscCall(MSNetSetOptionsPrefix(sol->model->net[0], "stage_1_"));
  PetscCall(MSNetSetFromOptions(sol->model->net[0]));         /* then -stage_1_net_* */
  PetscCall(MSNetDestroy(&sol->tmpl));
  PetscCall(PetscObjectReference((PetscObject)sol->model->net[0]));
  sol->tmpl = sol->model->net[0];
  PetscCall(MSSolverCheckPlannedMemory_Private(sol));
  { /* the trained stages' optimizer options (-tao_*), checked now: a random-feature stage 1 reads none */
    Tao tao;
    PetscCall(TaoCreate(PetscObjectComm((PetscObject)sol), &tao));
    PetscCall(TaoSetType(tao, TAOMSLM));
    PetscCall(TaoSetFromOptions(tao));
    PetscCall(TaoDestroy(&tao));
  }
  PetscFunctionReturn(0);
}

#define MS_PROGRESS_SECONDS 60.0 /* without -monitor, a stage in training prints a progress line this often */

/* the composite with the stage in training as it stands (the optimizer's current parameters), evaluated at the
   evaluation points into *rec; with snapshot, also written as an -output_every snapshot (collective) */
PetscErrorCode MSSolverEvaluateTraining_Private(MSSolver sol, Tao tao, PetscBool snapshot, MSStageRecord *rec)
{
  PetscInt       s = sol->model->nstages;
  Vec            x, r;
  PetscLogDouble now;

  PetscFunctionBegin;
  PetscCall(TaoGetSolution(tao, &x));
  PetscCall(MSLossGetVectors(sol->loss, NULL, &r, NULL));
  PetscCall(MSLossResidual(tao, x, r, sol->loss)); /* the network holds x (r is the residual at x again) */
  sol->model->nstages = s + 1;
  sol->snapshot       = snapshot;
  PetscCall(MSSolverEvaluate_Private(sol, s + 1, rec));
  if (snapshot) {
    PetscCall(MSSolverProbe_Private(sol));
    PetscCall(PetscTime(&now));
    sol->wall = now - sol->t0;
    PetscCall(MSSolverWriteOutput(sol));
  }
  sol->snapshot       = PETSC_FALSE;
  sol->model->nstages = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverMonitor_Private(Tao tao, void *ctx)
{
  MSSolver        sol = (MSSolver)ctx;
  PetscInt        its;
  PetscReal       f, gnorm, cnorm, xdiff, lambda;
  TaoConvergedReason reason;
  Vec             r, x;
  MSHistoryRecord h;
  PetscInt        nunk;
  const PetscInt *unk;
  PetscLogDouble  now;

  PetscFunctionBegin;
  if (sol->trial && !sol->trial_full) PetscFunctionReturn(0); /* a full-width trial may become the stage: its history is kept */
  PetscCall(TaoGetSolutionStatus(tao, &its, &f, &gnorm, &cnorm, &xdiff, &reason));
  PetscCall(MSLossGetVectors(sol->loss, NULL, &r, NULL));
  PetscCall(TaoMSLMGetDamping(tao, &lambda));
  if (lambda == 0) PetscCall(TaoAdamGetLearningRate(tao, &lambda));
  PetscCall(PetscTime(&now));
  h.stage     = sol->model->nstages + 1;
  h.optimizer = sol->optimizer;
  h.iteration = its + sol->its_offset;
  h.loss      = f;
  PetscCall(MSLossParts(sol->loss, r, &h.data, &h.eq));
  h.damping = lambda;
  h.gamma   = sol->gammas[sol->model->nstages];
  h.time    = now - sol->t0;
  PetscCall(PetscArrayzero(h.coef, MSPDE_MAX_COEF));
  PetscCall(TaoGetSolution(tao, &x));
  PetscCall(MSLossGetUnknowns(sol->loss, x, h.coef));
  if (sol->nhist == sol->maxhist) {
    sol->maxhist = PetscMax(2 * sol->maxhist, 256);
    PetscCall(PetscRealloc(sizeof(MSHistoryRecord) * sol->maxhist, &sol->hist));
  }
  sol->hist[sol->nhist++] = h;
  if (sol->output_every > 0 && sol->write && !sol->trial && its > 0 && its % sol->output_every == 0) { /* a snapshot with the stage as it stands */
    MSStageRecord tmp;
    PetscCall(MSSolverEvaluateTraining_Private(sol, tao, PETSC_TRUE, &tmp));
    PetscCall(PetscTime(&now));
  }
  if (!sol->monitor && !sol->trial && now - sol->progress_t >= MS_PROGRESS_SECONDS) { /* a long stage is not silent */
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "  stage %" PetscInt_FMT ": iteration %" PetscInt_FMT ", loss %.3e, %.0f s\n", h.stage,
                          h.iteration, (double)f, (double)(now - sol->stage_t0)));
    sol->progress_t = now;
  }
  if (sol->monitor) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "  stage %" PetscInt_FMT " %-5s it %4" PetscInt_FMT "  loss %.6e  data %.3e  eq %.3e  damping/lr %.2e  |g| %.2e  %.2fs\n", h.stage, ((PetscObject)tao)->type_name, its, (double)f, (double)h.data, (double)h.eq, (double)lambda, (double)gnorm, (double)h.time));
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  if (sol->monitor && nunk) {
    const char *const *cn;
    PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, &cn, NULL));
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "   "));
    for (PetscInt j = 0; j < nunk; j++) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " %s %.12e", cn[unk[j]], (double)h.coef[j]));
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "\n"));
  }
  PetscFunctionReturn(0);
}

/* TAO's own tests, plus the wall-clock budget (-train_max_seconds) */
static PetscErrorCode MSSolverConvergenceTest_Private(Tao tao, void *ctx)
{
  MSSolver       sol = (MSSolver)ctx;
  PetscLogDouble now;

  PetscFunctionBegin;
  PetscCall(TaoDefaultConvergenceTest(tao, NULL));
  PetscCall(PetscTime(&now));
  if (tao->reason == TAO_CONTINUE_ITERATING && sol->max_seconds > 0 && now - sol->stage_t0 > sol->max_seconds) PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  if (tao->reason == TAO_CONTINUE_ITERATING) PetscCall(MSPolicyStageProgress_Private(sol, tao)); /* the stage-length rule, the run's budget */
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverPrintStageHeader_Private(MSSolver sol)
{
  PetscFunctionBegin;
  PetscInt           nunk;
  const PetscInt    *unk;
  const char *const *cn;

  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "%5s %7s %6s %8s %9s %9s %9s %10s %10s %10s %10s %10s %8s", "stage", "params",
                        "iters", "seconds", "eps", "kappa", "gamma", "loss", "res_rms", "res_max", "err_l2", "err_max", "select_s"));
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, &cn, NULL));
  for (PetscInt j = 0; j < nunk; j++) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " %20s", cn[unk[j]]));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode MSSolverPrintStage_Private(MSSolver sol, const MSStageRecord *r)
{
  PetscInt nunk;

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol),
                        "%5" PetscInt_FMT " %7" PetscInt_FMT " %6" PetscInt_FMT " %8.2f %9.2e %9.2e %9.2e %10.3e %10.3e %10.3e %10.3e %10.3e %8.2f",
                        r->stage, r->params, r->iterations, (double)r->seconds, (double)r->eps, (double)r->kappa, (double)r->gamma, (double)r->loss,
                        (double)r->res_rms, (double)r->res_max, (double)r->err_l2, (double)r->err_max, (double)r->select_seconds));
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, NULL, NULL));
  for (PetscInt j = 0; j < nunk; j++) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), " %20.14e", (double)r->coef[j]));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol), "\n"));
  PetscFunctionReturn(0);
}

/* the frozen stages' jets at every training set (cached once per stage: u only at data sets) */
static PetscErrorCode MSSolverStageBase_Private(MSSolver sol, PetscInt s, PetscReal *base[MS_NUM_SETS])
{
  MSJetSpec spec;

  PetscFunctionBegin;
  PetscCall(MSPDEGetJetSpec(sol->prob->pde, &spec));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    MSPointSet *set = &sol->prob->set[k];
    MSJetSpec   sk  = spec;
    base[k]         = NULL;
    /* (the ansatz's lift g is the base of stage 1; sets it imposes have no rows in its stages) */
    if ((s == 0 && !MSProblemHasAnsatz_Private(sol->prob)) || k == MS_SET_EVAL || set->N == 0 || (set->imposed && MSProblemAnsatzOnStage_Private(sol->prob, s))) continue;
    if (k != MS_SET_INTERIOR) sk.order = 0;
    PetscCall(PetscMalloc1(PetscMax(MSJetSpecNumChannels(&sk) * set->n, 1), &base[k]));
    { /* chunk by chunk, so that each point's jets are computed the same way on any number of ranks */
      PetscInt   nc, *cs, C = MSJetSpecNumChannels(&sk);
      PetscReal *U;
      PetscCall(PetscMalloc1(C * MS_CHUNK, &U));
      PetscCall(MSPointSetGetChunks(set, &nc, &cs));
      for (PetscInt c = 0; c < nc; c++) {
        PetscInt nb = cs[c + 1] - cs[c];
        PetscCall(MSModelEvaluate(sol->model, s, &sk, nb, set->X + cs[c] * set->dim, U));
        for (PetscInt ch = 0; ch < C; ch++) PetscCall(PetscArraycpy(base[k] + ch * set->n + cs[c], U + ch * nb, nb));
      }
      PetscCall(PetscFree(cs));
      PetscCall(PetscFree(U));
    }
  }
  PetscFunctionReturn(0);
}

/* the points log: -resume adds the same points in the same order (src/stage/resume.c) */
static PetscErrorCode MSSolverLogPoints_Private(MSSolver sol, PetscInt s, PetscInt kind, PetscInt K)
{
  PetscFunctionBegin;
  if (sol->nplog == sol->maxplog) {
    sol->maxplog = PetscMax(2 * sol->maxplog, 16);
    PetscCall(PetscRealloc(sizeof(PetscInt) * 3 * sol->maxplog, &sol->plog));
  }
  sol->plog[3 * sol->nplog]     = s;
  sol->plog[3 * sol->nplog + 1] = kind;
  sol->plog[3 * sol->nplog + 2] = K;
  sol->nplog++;
  PetscFunctionReturn(0);
}

/* Residual-based refinement before stage s (Lu et al., SIAM Review 63, 2021, "RAR"): the residual of
   the composite is evaluated at 20 K Halton points of the box (the same on every rank) and the K
   where it is largest in magnitude join the equation points, so later stages see the features
   (fronts, corners) that the first collocation set resolves too coarsely. For a fit whose
   observations are noise-free samples of -pde_exact, the misfit picks K new observations instead:
   the residue of later stages has a higher frequency and needs denser data (Nyquist). */
#define MS_REFINE_CANDIDATES 20 /* candidates per point added */

PetscErrorCode MSSolverRefine_Private(MSSolver sol, PetscInt s, PetscInt K)
{
  MSProblem  prob = sol->prob;
  PetscInt   Nc = MS_REFINE_CANDIDATES * K, d = prob->nin, *idx;
  PetscReal *Xc, *R, *absR, *Xn;
  PetscBool  haseq;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  /* (a fit: new observations where the misfit is largest, if they can be drawn from -pde_exact) */
  if (!K || (!haseq && !MSProblemObservationsFromExact_Private(prob))) PetscFunctionReturn(0);
  if (prob->meshfile[0]) { /* candidates uniform in the mesh, seeded by the stage */
    PetscRandom rnd;
    PetscCall(PetscMalloc1(Nc * d, &Xc));
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
    PetscCall(PetscRandomSetSeed(rnd, prob->seed + 1000 * s + 99));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(MSProblemMeshSampleDomain_Private(prob, rnd, Nc, Xc));
    PetscCall(PetscRandomDestroy(&rnd));
  } else PetscCall(MSPointsGenerate_Private(MS_POINTS_HALTON, d, prob->lo, prob->hi, Nc, NULL, &Nc, &Xc)); /* a point chosen twice is a harmless duplicate row */
  PetscCall(PetscMalloc4(Nc, &R, Nc, &absR, Nc, &idx, K * d, &Xn));
  PetscCall(MSModelResidual(sol->model, sol->prob, s, Nc, Xc, R));
  for (PetscInt q = 0; q < Nc; q++) {
    absR[q] = -PetscAbsReal(R[q]);
    idx[q]  = q;
  }
  PetscCall(PetscSortRealWithPermutation(Nc, absR, idx));
  for (PetscInt q = 0; q < K; q++) PetscCall(PetscArraycpy(Xn + q * d, Xc + idx[q] * d, d));
  PetscCall(MSProblemAddPoints(prob, haseq ? MS_SET_INTERIOR : MS_SET_DATA, K, Xn));
  PetscCall(MSSolverLogPoints_Private(sol, s, MS_POINTS_REFINED, K));
  PetscCall(PetscFree4(R, absR, idx, Xn));
  PetscCall(PetscFree(Xc));
  PetscFunctionReturn(0);
}

/* The data misfit of the composite of the first ns stages at the training points of the data sets
   (boundary, initial, observations), chunk by chunk (rank-independent), skipping the sets the ansatz
   imposes on stage 'building' (they have no rows): mis[0] = sum over the sets of weight x mean squared
   misfit (the data part of the training loss, times 2), mis[1] the squared misfits summed over every
   point, mis[2] the number of those points. */
PetscErrorCode MSSolverDataMisfit_Private(MSSolver sol, PetscInt ns, PetscInt building, PetscReal mis[3])
{
  MSDDSum acc;

  PetscFunctionBegin;
  PetscCall(MSDDSumCreate(3, &acc));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    MSPointSet *set = &sol->prob->set[k];
    PetscReal  *U;
    PetscInt    nc, *cs;
    MSJetSpec   s0 = {set->dim, 0, PETSC_FALSE};
    if (!set->g || set->N == 0 || set->weight == 0 || (set->imposed && MSProblemAnsatzOnStage_Private(sol->prob, building))) continue;
    PetscCall(PetscMalloc1(MS_CHUNK, &U));
    PetscCall(MSPointSetGetChunks(set, &nc, &cs));
    for (PetscInt c = 0; c < nc; c++) {
      PetscReal part[3] = {0, 0, (PetscReal)(cs[c + 1] - cs[c])};
      PetscCall(MSModelEvaluate(sol->model, ns, &s0, cs[c + 1] - cs[c], set->X + cs[c] * set->dim, U));
      for (PetscInt p = cs[c]; p < cs[c + 1]; p++) {
        const PetscReal sq = PetscSqr(set->g[p] - U[p - cs[c]]);
        part[0] += set->weight / set->N * sq;
        part[1] += sq;
      }
      PetscCall(MSDDSumAdd(&acc, 3, part));
    }
    PetscCall(PetscFree(cs));
    PetscCall(PetscFree(U));
  }
  PetscCall(MSDDSumAllreduce(&acc, PetscObjectComm((PetscObject)sol), mis));
  PetscCall(MSDDSumDestroy(&acc));
  PetscFunctionReturn(0);
}

/* Stage s >= 1: the residual's spectrum gives kappa (or the spectrum-informed first layer) and eps,
   the estimated size of what is left of the solution:
     eps = max( RMS of the error estimated from the residual's spectrum, RMS of the data misfit )
   where the error's spectrum is the residual's divided by (2 pi f)^(2k), k the PDE's order for this
   estimate (2 for Poisson, 1 for Burgers, 0 for a fit): a k-th order operator multiplies a component
   of frequency f by about (2 pi f)^k (src/stage/spectrum.c). */
static PetscErrorCode MSSolverPrepareStage_Private(MSSolver sol, PetscInt s)
{
  MSSpectrum spec;
  PetscReal  mis[3];

  PetscFunctionBegin;
  PetscCall(MSSolverResidualSpectrum_Private(sol, s, &spec));
  PetscCall(MSSolverDataMisfit_Private(sol, s, s, mis));
  sol->model->eps[s] = PetscMax(spec.err_rms, mis[2] > 0 ? PetscSqrtReal(mis[1] / mis[2]) : 0.0);
  if (!(sol->model->eps[s] > 0)) sol->model->eps[s] = PETSC_MACHINE_EPSILON;
  sol->kappa_factor = 1.0;
  PetscCall(MSSolverRequestedFeatures_Private(sol, s, &sol->stage_features[s]));
  if (sol->stage_features[s] == MS_STAGE_FEATURES_AUTO) PetscCall(MSSolverSelectFeatures_Private(sol, s, &spec)); /* resolves it */
  else PetscCall(MSSolverCreateStageNet_Private(sol, s, &spec));
  if (sol->kappa_trials > 1 && sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED && sol->model->net[s]) /* (no net: the stages stop) */
    PetscCall(MSSolverSelectKappa_Private(sol, s, &spec));
  PetscFunctionReturn(0);
}

/* Stage 1: the -net_* network, trained; or random features (Chen, Chi, E & Yang 2022), a linear
   least-squares problem when the PDE is linear and its coefficients known. With auto, random features
   are tried first for such a problem and kept when they gain -stage_random_min_gain at held-out points
   over u = 0 (src/stage/kappaselect.c): a trained tanh network's residual is not band-limited
   (docs/policy.md), so random features fitted to it later reach less than fitted to the problem. */
static PetscErrorCode MSSolverPrepareFirstStage_Private(MSSolver sol)
{
  MSSpectrum spec;
  PetscBool  linear, haseq;
  PetscInt   nunk;

  PetscFunctionBegin;
  PetscCall(MSSolverRequestedFeatures_Private(sol, 0, &sol->stage_features[0]));
  PetscCall(PetscInfo(sol, "stage 1 features requested: %s\n", MSStageFeaturesTypes[sol->stage_features[0]]));
  PetscCall(MSPDEIsLinear(sol->prob->pde, &linear));
  PetscCall(MSPDEHasEquation(sol->prob->pde, &haseq));
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, NULL, NULL));
  if (sol->stage_features[0] == MS_STAGE_FEATURES_AUTO && (!linear || nunk > 0 || (!haseq && !sol->prob->exact)))
    sol->stage_features[0] = MS_STAGE_FEATURES_TRAINED;
  if (sol->stage_features[0] == MS_STAGE_FEATURES_TRAINED) PetscFunctionReturn(0); /* sol->model->net[0] is sol->tmpl */
  PetscCall(MSSolverResidualSpectrum_Private(sol, 0, &spec));
  PetscCall(MSNetDestroy(&sol->model->net[0])); /* (sol->tmpl keeps it) */
  sol->kappa_factor = 1.0;
  if (sol->stage_features[0] == MS_STAGE_FEATURES_AUTO) PetscCall(MSSolverSelectFeatures_Private(sol, 0, &spec));
  else PetscCall(MSSolverCreateStageNet_Private(sol, 0, &spec));
  PetscFunctionReturn(0);
}

/* train stage number s (0-based) */
PetscErrorCode MSSolverTrainStage_Private(MSSolver sol, PetscInt s)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)sol);
  Tao            tao;
  Vec            x, r, xl = NULL, xu = NULL;
  Mat            J;
  PetscLogDouble t0, t1;
  MSStageRecord *rec = &sol->rec[s];
  PetscReal      f, train_rms, gamma, *base[MS_NUM_SETS];
  PetscInt       its, nchain;
  PetscBool      random, restored;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  sol->stage_t0   = t0;
  sol->progress_t = t0;
  PetscCall(MSLossCreate(sol->prob, sol->model->net[s], &sol->loss));
  PetscCall(MSSolverStageBase_Private(sol, s, base));
  PetscCall(MSLossSetStage(sol->loss, sol->model->eps[s], base));
  PetscCall(MSLossSetAnsatz(sol->loss, MSProblemAnsatzOnStage_Private(sol->prob, s)));
  PetscCall(MSLossSetUp(sol->loss));
  PetscCall(MSSolverRequestedGamma_Private(sol, s, &gamma));
  if (gamma > 0) sol->gammas[s] = gamma;
  else if (s == 0 && sol->stage_features[0] != MS_STAGE_FEATURES_RANDOM) sol->gammas[s] = 1.0; /* rows normalized per point set, of comparable size */
  else { /* later stages and random features: the operator scales the residual by ~(2 pi f)^k; balance the parts
            so they converge together: gamma = Tr K_data / Tr K_eq. With gamma = 1 a random-feature stage 1 left
            its error on the boundary, where the few data rows weigh little against the equation's (docs/policy.md) */
    PetscReal td, te;
    PetscCall(MSLossNTKTraces(sol->loss, &td, &te));
    sol->gammas[s] = (te > 0 && td > 0) ? td / te : 1.0;
  }
  PetscCall(MSLossSetGamma(sol->loss, sol->gammas[s]));
  PetscCall(MSLossGetVectors(sol->loss, &x, &r, &J));
  { /* bounds on unknown coefficients (-pde_<name>_bounds), in the scaled variables */
    PetscInt         nunk, P, lo, hi;
    const PetscInt  *unk;
    const PetscReal *us;
    PetscBool        bounded = PETSC_FALSE;
    PetscReal        l, u;
    PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, &us));
    for (PetscInt j = 0; j < nunk; j++) {
      PetscCall(MSPDEGetCoefficientBounds(sol->prob->pde, unk[j], &l, &u));
      if (!PetscIsInfReal(l) || !PetscIsInfReal(u)) bounded = PETSC_TRUE;
    }
    if (bounded) {
      PetscCall(VecDuplicate(x, &xl));
      PetscCall(VecDuplicate(x, &xu));
      PetscCall(VecSet(xl, PETSC_NINFINITY));
      PetscCall(VecSet(xu, PETSC_INFINITY));
      PetscCall(VecGetSize(x, &P));
      PetscCall(VecGetOwnershipRange(x, &lo, &hi));
      for (PetscInt j = 0; j < nunk; j++) {
        PetscInt i = P - nunk + j;
        PetscCall(MSPDEGetCoefficientBounds(sol->prob->pde, unk[j], &l, &u));
        if (i >= lo && i < hi) {
          PetscCall(VecSetValue(xl, i, l / us[j], INSERT_VALUES));
          PetscCall(VecSetValue(xu, i, u / us[j], INSERT_VALUES));
        }
      }
      PetscCall(VecAssemblyBegin(xl));
      PetscCall(VecAssemblyEnd(xl));
      PetscCall(VecAssemblyBegin(xu));
      PetscCall(VecAssemblyEnd(xu));
    }
  }
  its      = 0;
  restored = PETSC_FALSE;
  random   = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? PETSC_TRUE : PETSC_FALSE;
  nchain = random ? 0 : sol->nchain; /* random features: one least-squares optimizer, no chain */
  for (PetscInt k = 0; k < PetscMax(nchain, 1); k++) { /* the optimizer chain, warm-started */
    PetscInt kits;
    char     prefix[32];
    PetscCall(TaoCreate(comm, &tao));
    if (nchain) {
      PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "chain%" PetscInt_FMT "_", k + 1));
      PetscCall(TaoSetOptionsPrefix(tao, prefix));
    }
    PetscCall(TaoSetType(tao, random ? TAOMSLSQ : (nchain ? sol->chain[k] : TAOMSLM)));
    if (random) { /* train the output layer and the unknown coefficients; the hidden layers stay random */
      MSNet     net = sol->model->net[s];
      PetscInt  L = net->nhidden, P, nout; /* layer L: the output layer, weights then bias, last in the network's parameters */
      PetscInt *cols;
      PetscCall(VecGetSize(x, &P));
      nout = P - net->offW[L]; /* its width[L - 1] + 1 parameters and the unknowns after them */
      PetscCall(PetscMalloc1(nout, &cols));
      for (PetscInt j = 0; j < nout; j++) cols[j] = net->offW[L] + j;
      PetscCall(TaoMSLSQSetColumns(tao, nout, cols));
      PetscCall(PetscFree(cols));
      { /* a linear PDE with known coefficients: a linear least-squares problem */
        PetscBool linear;
        PetscInt  nunk;
        PetscCall(MSPDEIsLinear(sol->prob->pde, &linear));
        PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, NULL, NULL));
        PetscCall(TaoMSLSQSetLinear(tao, linear && nunk == 0 ? PETSC_TRUE : PETSC_FALSE));
      }
    }
    { /* rank-independent sums in LM */
      PetscInt nrc, *rc;
      PetscCall(MSLossGetRowChunks(sol->loss, &nrc, &rc));
      PetscCall(TaoMSLMSetRowChunks(tao, nrc, rc));
      PetscCall(PetscFree(rc));
    }
    PetscCall(TaoSetSolution(tao, x));
    PetscCall(TaoSetResidualRoutine(tao, r, MSLossResidual, sol->loss));
    PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, MSLossJacobian, sol->loss));
    PetscCall(TaoSetObjectiveAndGradient(tao, NULL, MSLossObjectiveGradient, sol->loss));
    if (xl) PetscCall(TaoSetVariableBounds(tao, xl, xu));
    PetscCall(TaoSetMonitor(tao, MSSolverMonitor_Private, sol, NULL));
    PetscCall(TaoSetConvergenceTest(tao, MSSolverConvergenceTest_Private, sol));
    if (!random) PetscCall(TaoSetFromOptions(tao)); /* -tao_* (or -chain<k>_tao_*), then the stage's own; a random-feature stage takes only its own, -stage_<n>_tao_* */
    {
      char      sprefix[64];
      PetscBool same;
      PetscCall(PetscSNPrintf(sprefix, sizeof(sprefix), "stage_%" PetscInt_FMT "_%s", s + 1, nchain ? prefix : ""));
      PetscCall(TaoSetOptionsPrefix(tao, sprefix));
      PetscCall(TaoSetFromOptions(tao));
      PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOMSLSQ, &same));
      PetscCheck(!random || same, comm, PETSC_ERR_ARG_INCOMP, "-%stao_type %s: stage %" PetscInt_FMT " has random features, which only the least-squares solver mslsq trains (or use -%sfeatures trained)", sprefix, ((PetscObject)tao)->type_name, s + 1, sprefix);
    }
    if (sol->trial && !sol->trial_full) PetscCall(TaoSetMaximumIterations(tao, sol->trial_its)); /* full width: as the stage */
    PetscCall(MSPolicyStageStart_Private(sol, tao));
    sol->optimizer = k + 1;
    PetscCall(TaoSolve(tao));
    PetscCall(TaoGetSolutionStatus(tao, &kits, &f, NULL, NULL, NULL, NULL));
    restored = sol->watch_restore;
    PetscCall(MSPolicyStageFinish_Private(sol, x)); /* the validation watch's best parameters, if it ended the stage */
    its += kits;
    if (k + 1 < PetscMax(nchain, 1)) PetscCall(TaoDestroy(&tao));
  }
  PetscCall(MSLossResidual(tao, x, r, sol->loss)); /* leaves the trained parameters in the network */
  if (restored) { /* the loss at the parameters the watch went back to */
    PetscReal rn;
    PetscCall(VecNorm(r, NORM_2, &rn));
    f = 0.5 * rn * rn;
  }
  { /* RMS of the equation (or, for a fit, data) residual at the training points */
    PetscReal data, eq;
    PetscBool haseq;
    PetscCall(MSLossParts(sol->loss, r, &data, &eq));
    PetscCall(MSPDEHasEquation(sol->prob->pde, &haseq));
    train_rms = haseq ? PetscSqrtReal(2 * eq / sol->gammas[s]) : PetscSqrtReal(2 * data / sol->prob->weight[MS_SET_DATA]);
  }
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&xl));
  PetscCall(VecDestroy(&xu));
  PetscCall(MSLossDestroy(&sol->loss));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) PetscCall(PetscFree(base[k]));
  PetscCall(PetscTime(&t1));
  rec->stage      = s + 1;
  rec->random     = sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM ? 1 : 0;
  rec->trial_bandwidth = 0; /* (set by the bandwidth search that keeps this solve) */
  rec->shifted         = 0;
  PetscCall(MSNetGetNumParameters(sol->model->net[s], &rec->params));
  rec->iterations = its;
  rec->seconds    = t1 - t0;
  rec->eps        = sol->model->eps[s];
  PetscCall(MSNetGetFirstLayerScale(sol->model->net[s], &rec->kappa));
  rec->gamma     = sol->gammas[s];
  rec->loss      = f;
  rec->train_rms = train_rms;
  rec->rate_end  = sol->rate_stop;
  { /* the unknown coefficients as trained (left in the PDE by the last residual evaluation) */
    PetscInt         nunk;
    const PetscInt  *unk;
    PetscReal       *cv;
    PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
    PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, NULL, &cv));
    for (PetscInt j = 0; j < nunk; j++) rec->coef[j] = cv[unk[j]];
  }
  if (sol->trial) PetscFunctionReturn(0);
  PetscCall(MSSolverEvaluate_Private(sol, s + 1, rec));
  PetscFunctionReturn(0);
}

/* the unknown coefficients of the PDE set to a stage's (its record's coef) */
PetscErrorCode MSSolverSetCoefficients_Private(MSSolver sol, const PetscReal coef[])
{
  PetscInt         nunk;
  const PetscInt  *unk;
  PetscReal       *cv;

  PetscFunctionBegin;
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, NULL, &cv));
  for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = coef[j];
  PetscFunctionReturn(0);
}

/* stage s is the full-width bandwidth trial that won (src/stage/kappaselect.c): the same network,
   seed and solve the stage would repeat; its record and coefficients are the trial's, evaluated now */
static PetscErrorCode MSSolverKeepTrial_Private(MSSolver sol, PetscInt s)
{
  MSStageRecord *rec = &sol->rec[s];

  PetscFunctionBegin;
  sol->pretrained = PETSC_FALSE;
  sol->gammas[s]  = rec->gamma;
  PetscCall(MSSolverSetCoefficients_Private(sol, rec->coef));
  PetscCall(MSSolverEvaluate_Private(sol, s + 1, rec));
  PetscFunctionReturn(0);
}

/* u and its gradient at the -probe point */
PetscErrorCode MSSolverProbe_Private(MSSolver sol)
{
  PetscFunctionBegin;
  if (sol->hasprobe) {
    MSJetSpec spec = {sol->prob->nin, 1, PETSC_FALSE};
    PetscCall(MSModelEvaluate(sol->model, sol->model->nstages, &spec, 1, sol->probe, sol->probe_jet));
  }
  PetscFunctionReturn(0);
}

/* stage s (0-based) is dropped (it made the residual worse, or stage s - 1 trains on instead): restore the coefficients of the stage before */
static PetscErrorCode MSSolverDropStage_Private(MSSolver sol, PetscInt s)
{
  PetscFunctionBegin;
  sol->model->nstages = s;
  PetscCall(MSSolverSetCoefficients_Private(sol, sol->rec[s - 1].coef));
  PetscCall(MSSolverEvaluate_Private(sol, s, &sol->rec[s - 1]));
  PetscCall(MSNetDestroy(&sol->model->net[s]));
  PetscFunctionReturn(0);
}

/* K more equation points (for a fit with observations drawn from -pde_exact: observations) spread
   uniformly over the domain: the next K points of the Halton sequence of the box, or points of the
   mesh drawn from a stream seeded by how many were spread before. The same on every rank. */
#define MS_SPREAD_SEED 31337
PetscErrorCode MSSolverSpreadPoints_Private(MSSolver sol, PetscInt s, PetscInt K)
{
  MSProblem  prob = sol->prob;
  PetscInt   d = prob->nin, N, done = sol->spread_total;
  PetscReal *X;
  PetscBool  haseq;

  PetscFunctionBegin;
  if (!K) PetscFunctionReturn(0);
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  if (prob->meshfile[0]) {
    PetscRandom rnd;
    PetscCall(PetscMalloc1(K * d, &X));
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
    PetscCall(PetscRandomSetSeed(rnd, prob->seed + MS_SPREAD_SEED + done));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(MSProblemMeshSampleDomain_Private(prob, rnd, K, X));
    PetscCall(PetscRandomDestroy(&rnd));
    PetscCall(MSProblemAddPoints(prob, haseq ? MS_SET_INTERIOR : MS_SET_DATA, K, X));
  } else {
    PetscCall(MSPointsGenerate_Private(MS_POINTS_HALTON, d, prob->lo, prob->hi, done + K, NULL, &N, &X));
    PetscCall(MSProblemAddPoints(prob, haseq ? MS_SET_INTERIOR : MS_SET_DATA, K, X + done * d));
  }
  PetscCall(PetscFree(X));
  sol->spread_total += K;
  PetscCall(MSSolverLogPoints_Private(sol, s, MS_POINTS_SPREAD, K));
  PetscFunctionReturn(0);
}

/* Random-feature stage s is under-resolved (MSPolicyStageEnd_Private asked for more points): as many
   points again are spread uniformly over the domain and the stage is solved again, in place of a new
   stage on top. A stage on top fits the new points, not the error between them: on p6_runge2d
   (residual 1.1e-6 at the evaluation points, 4e-9 at the training points) a random-feature stage 2
   gained 1.00 at every bandwidth; and points added where the residual is largest cluster, so that the
   features oscillate between them elsewhere (docs/policy.md). The first solve is kept aside, and comes
   back if the second is worse (MSSolverResolvedCheck_Private). */
static PetscErrorCode MSSolverResolveStage_Private(MSSolver sol, PetscInt s)
{
  PetscInt K = sol->pending_add;

  PetscFunctionBegin;
  PetscCall(MSSolverSpreadPoints_Private(sol, s, K));
  sol->spread_stage += K;
  sol->resolved++;
  sol->pending_add = 0;
  PetscCall(MSNetDestroy(&sol->aside));
  sol->aside     = sol->model->net[s];
  sol->aside_rec = sol->rec[s];
  sol->model->net[s] = NULL;
  sol->model->nstages = s;
  PetscFunctionReturn(0);
}

/* Trained stage s is under-resolved: it fits its points and not the field between them (p10_burgers at
   64^2 Chebyshev points: residual 6e-2 at the evaluation points, 2.6e-4 at the training points, where
   the front at x = 0 falls between the points). More parameters would fit the points better still;
   so, as for random features, as many points again are spread uniformly, and the same network goes on
   training from its parameters on them. Its parameters are kept aside and come back if the residual
   at the evaluation points is not lower after (MSSolverResolvedCheck_Private). */
static PetscErrorCode MSSolverContinueStage_Private(MSSolver sol, PetscInt s)
{
  Vec params;

  PetscFunctionBegin;
  sol->spread_stage = sol->rec[s].spread; /* (the points spread for it so far stay its own) */
  PetscCall(MSSolverSpreadPoints_Private(sol, s, sol->pending_add));
  sol->spread_stage += sol->pending_add;
  sol->resolved++;
  sol->pending_add = 0;
  PetscCall(MSNetGetParameters(sol->model->net[s], &params));
  PetscCall(VecDestroy(&sol->aside_params));
  PetscCall(VecDuplicate(params, &sol->aside_params));
  PetscCall(VecCopy(params, sol->aside_params));
  sol->aside_rec  = sol->rec[s];
  sol->continuing = PETSC_TRUE;
  sol->its_offset = sol->rec[s].iterations;
  sol->model->nstages = s;
  PetscFunctionReturn(0);
}

/* the first solve of stage s (= sol->model->nstages, set aside) is the stage again: the network set aside,
   or the trained network's parameters and coefficients before it went on training */
static PetscErrorCode MSSolverRestoreAside_Private(MSSolver sol, PetscInt s)
{
  PetscFunctionBegin;
  if (sol->aside_params) {
    const PetscScalar *p;
    PetscCall(VecGetArrayRead(sol->aside_params, &p));
    PetscCall(MSNetSetParameters(sol->model->net[s], p));
    PetscCall(VecRestoreArrayRead(sol->aside_params, &p));
    PetscCall(VecDestroy(&sol->aside_params));
  } else {
    PetscCall(MSNetDestroy(&sol->model->net[s]));
    sol->model->net[s] = sol->aside;
    sol->aside         = NULL;
  }
  PetscCall(MSSolverSetCoefficients_Private(sol, sol->aside_rec.coef)); /* an inverse problem's coefficients with it */
  sol->rec[s]         = sol->aside_rec;
  sol->stage_features[s] = sol->aside_rec.random ? MS_STAGE_FEATURES_RANDOM : MS_STAGE_FEATURES_TRAINED;
  sol->model->nstages = s + 1;
  sol->rec[s].spread  = sol->spread_stage; /* (the points stay) */
  PetscCall(MSSolverEvaluate_Private(sol, s + 1, &sol->rec[s]));
  PetscFunctionReturn(0);
}

/* after stage s was solved again (or trained on): the first solve comes back if it had the smaller
   residual; a trained stage's iterations and seconds count both */
static PetscErrorCode MSSolverResolvedCheck_Private(MSSolver sol, PetscInt s)
{
  PetscFunctionBegin;
  if (!sol->aside && !sol->aside_params) PetscFunctionReturn(0);
  if (sol->aside_params) {
    PetscReal seconds = sol->rec[s].seconds + sol->aside_rec.seconds;
    sol->rec[s].iterations += sol->aside_rec.iterations;
    sol->rec[s].seconds = sol->aside_rec.seconds = seconds;
  }
  if (sol->rec[s].res_rms > sol->aside_rec.res_rms) {
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sol),
        "policy: stage %" PetscInt_FMT " %s has residual RMS %.3e, before %.3e: the first is kept\n", s + 1,
        sol->aside_params ? "trained on more points" : "solved again", (double)sol->rec[s].res_rms, (double)sol->aside_rec.res_rms));
    PetscCall(MSSolverRestoreAside_Private(sol, s));
  }
  PetscCall(MSNetDestroy(&sol->aside));
  PetscCall(VecDestroy(&sol->aside_params));
  sol->continuing = PETSC_FALSE;
  sol->its_offset = 0;
  sol->rate_min   = 0;
  PetscFunctionReturn(0);
}

/* after stage s (0-based) was trained and evaluated: whether a stage trains again (*again) instead of a stop
   decision: stage s on more points when it is under-resolved, or stage s - 1 on from its parameters when
   stage s progressed more slowly than it (MSPolicyTrainOnInstead_Private; stage s is dropped) */
static PetscErrorCode MSSolverStageAgain_Private(MSSolver sol, PetscInt s, PetscBool *again)
{
  PetscReal rate_next;

  PetscFunctionBegin;
  *again = PETSC_TRUE;
  if (sol->pending_add > 0) { /* under-resolved: this stage again, on more points */
    if (sol->stage_features[s] == MS_STAGE_FEATURES_RANDOM) PetscCall(MSSolverResolveStage_Private(sol, s));
    else PetscCall(MSSolverContinueStage_Private(sol, s));
    PetscFunctionReturn(0);
  }
  sol->spread_stage = 0;
  PetscCall(MSPolicyTrainOnInstead_Private(sol, s, &rate_next));
  if (rate_next > 0) {
    PetscCall(MSSolverDropStage_Private(sol, s));
    sol->rec[s - 1].trained_on = 1;
    sol->rate_min              = rate_next;
    PetscCall(MSSolverContinueStage_Private(sol, s - 1));
    PetscFunctionReturn(0);
  }
  *again = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* a checkpoint: a usable output file, and the point -resume continues from */
static PetscErrorCode MSSolverCheckpoint_Private(MSSolver sol)
{
  PetscLogDouble t;

  PetscFunctionBegin;
  PetscCall(MSSolverProbe_Private(sol));
  PetscCall(PetscTime(&t));
  sol->wall = t - sol->t0;
  PetscCall(MSSolverWriteOutput(sol));
  PetscFunctionReturn(0);
}

/* random-feature stage r < s again, on more points and with more features (MSPolicyWidenRandom_Private); the
   stages between r and s are dropped */
static PetscErrorCode MSSolverWidenStage_Private(MSSolver sol, PetscInt s, PetscInt r)
{
  PetscFunctionBegin;
  for (PetscInt j = s - 1; j > r; j--) PetscCall(MSNetDestroy(&sol->model->net[j]));
  sol->model->nstages = r + 1;
  sol->spread_stage   = sol->rec[r].spread; /* (the points spread for it so far stay its own) */
  PetscCall(MSSolverResolveStage_Private(sol, r));
  PetscFunctionReturn(0);
}

/* trains stages after the finished ones until a stop rule of the policy holds */
static PetscErrorCode MSSolverStages_Private(MSSolver sol)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)sol);
  PetscInt  attempts = sol->model->nstages; /* (a resumed run: its finished stages were tries) */
  PetscBool stop = PETSC_FALSE, logged = PETSC_FALSE;

  PetscFunctionBegin;
  /* a stage dropped for want of points is tried again after refinement: at most stage_max + resolve_max tries; a stage
     that trains on (MSSolverContinueStage_Private, at most resolve_max + stage_max times) is not a new try */
  while (!stop && (sol->continuing || attempts < sol->stage_max + sol->resolve_max)) {
    if (!sol->continuing) attempts++;
    PetscInt       s = sol->model->nstages, K = 0;
    PetscBool      dropped = PETSC_FALSE, again, pretrained;
    PetscInt       widen = -1;
    PetscLogDouble tsel[2];
    char           logname[32];

    if (logged) PetscCall(PetscLogStagePop());
    PetscCall(PetscSNPrintf(logname, sizeof(logname), "mspinn stage %" PetscInt_FMT, s + 1));
    PetscCall(MSLogStagePush_Private(logname)); /* -log_view: one PETSc stage per mspinn stage (its choice and training) */
    logged = PETSC_TRUE;
    PetscCall(PetscTime(&tsel[0]));
    if ((sol->aside || sol->aside_params) && MSPolicyBudgetSpent_Private(sol)) { /* no time to solve it again */
      PetscCall(MSSolverRestoreAside_Private(sol, s));
      sol->continuing = PETSC_FALSE;
      sol->its_offset = 0;
      sol->rate_min   = 0;
      s = sol->model->nstages;
    }
    if (s > 0 && MSPolicyBudgetSpent_Private(sol)) {
      PetscCall(MSPolicyStopReason_Private(sol, s - 1, PETSC_FALSE, &stop));
      break;
    }
    if (s > 0 && !sol->continuing) {
      PetscCall(MSPolicyBeforeStage_Private(sol, &K));
      if (K) PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT ": %" PetscInt_FMT " points added where the residual is largest\n", s + 1, K));
      PetscCall(MSSolverRefine_Private(sol, s, K));
      PetscCall(MSSolverPrepareStage_Private(sol, s));
      PetscCall(MSPolicyBeforeTraining_Private(sol, s, K, &stop, &widen));
      if (stop || widen >= 0) PetscCall(MSNetDestroy(&sol->model->net[s]));
      if (stop) break;
      if (widen >= 0) {
        PetscCall(MSSolverWidenStage_Private(sol, s, widen));
        continue;
      }
    }
    if (s == 0 && !sol->continuing) PetscCall(MSSolverPrepareFirstStage_Private(sol));
    PetscCall(PetscTime(&tsel[1]));
    pretrained = sol->pretrained;
    if (sol->pretrained) PetscCall(MSSolverKeepTrial_Private(sol, s));
    else PetscCall(MSSolverTrainStage_Private(sol, s));
    if (!sol->continuing) sol->rec[s].added = s > 0 ? K : 0;
    { /* the choice's time, the solve of a kept random-feature trial (the stage's seconds) taken out */
      PetscReal select = (PetscReal)(tsel[1] - tsel[0]) - (pretrained ? sol->rec[s].seconds : 0);
      sol->rec[s].select_seconds = (sol->continuing ? sol->rec[s].select_seconds : 0) + PetscMax(select, 0);
    }
    PetscCall(MSSolverResolvedCheck_Private(sol, s));
    sol->rec[s].spread = sol->spread_stage;
    PetscCall(MSSolverPrintStage_Private(sol, &sol->rec[s]));
    PetscCall(MSPolicyStageEnd_Private(sol, s));
    sol->model->nstages = s + 1;
    PetscCall(MSSolverStageAgain_Private(sol, s, &again));
    if (again) continue;
    if (s > 0 && sol->rec[s].res_rms > sol->rec[s - 1].res_rms) {
      PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT " raised the residual RMS from %.3e to %.3e: dropped\n", s + 1, (double)sol->rec[s - 1].res_rms, (double)sol->rec[s].res_rms));
      PetscCall(MSSolverDropStage_Private(sol, s));
      dropped = PETSC_TRUE;
    } else if (s > 0 && sol->watch_nothing) {
      PetscCall(PetscPrintf(comm, "policy: stage %" PetscInt_FMT " did not lower the residual at the evaluation points below that of its untrained start in %" PetscInt_FMT " iterations: dropped\n", s + 1, sol->rec[s].iterations));
      PetscCall(MSSolverDropStage_Private(sol, s));
      dropped = PETSC_TRUE;
    }
    sol->watch_nothing = PETSC_FALSE;
    sol->trained_dropped = (dropped && sol->stage_features[s] == MS_STAGE_FEATURES_TRAINED) ? PETSC_TRUE : PETSC_FALSE;
    sol->finished = sol->model->nstages;
    PetscCall(MSPolicyStopReason_Private(sol, sol->model->nstages - 1, dropped, &stop));
    if (!stop && !dropped) PetscCall(MSSolverCheckpoint_Private(sol));
  }
  if (logged) PetscCall(PetscLogStagePop());
  if (sol->aside || sol->aside_params) PetscCall(MSSolverRestoreAside_Private(sol, sol->model->nstages)); /* (the tries ran out) */
  sol->continuing = PETSC_FALSE;
  sol->its_offset = 0;
  sol->rate_min   = 0;
  if (!stop) PetscCall(MSPolicyStopReason_Private(sol, sol->model->nstages - 1, PETSC_FALSE, &stop));
  if (!stop) PetscCall(PetscStrncpy(sol->stop_reason, "stage_max", sizeof(sol->stop_reason)));
  sol->floor_confirmed = PETSC_FALSE;
  sol->exhausted       = PETSC_FALSE;
  sol->beyond_random   = PETSC_FALSE;
  sol->trained_dropped = PETSC_FALSE;
  PetscCall(PetscPrintf(comm, "stages stopped (%s): %s\n", sol->stop_reason, sol->stop_detail));
  PetscFunctionReturn(0);
}

/* the model's input names (x, y, z, then t) and the problem's ansatz, once the problem is set up */
static PetscErrorCode MSSolverSetUpModel_Private(MSSolver sol)
{
  static const char *const space[] = {"x", "y", "z"};
  const char              *names[MS_JET_DIM];
  MSProblem                prob = sol->prob;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < prob->nin; i++) names[i] = i < prob->sdim ? space[i] : "t";
  PetscCall(MSModelSetAnsatz(sol->model, "", "", 0));
  PetscCall(MSModelSetInputNames(sol->model, prob->nin, names));
  if (MSProblemHasAnsatz_Private(prob)) PetscCall(MSModelSetAnsatz(sol->model, prob->ansatz_text[0], prob->ansatz_text[1], prob->ansatz_stages));
  PetscFunctionReturn(0);
}

/* the stages built by MSSolverSolve (borrowed: the solver keeps it) */
PetscErrorCode MSSolverGetModel(MSSolver sol, MSModel *model)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sol, MSSOLVER_CLASSID, 1);
  *model = sol->model;
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverSolve(MSSolver sol)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)sol);
  PetscLogDouble t;
  PetscInt       s0 = 0;

  PetscFunctionBegin;
  PetscCall(MSProblemSetUp(sol->prob));
  PetscCall(MSSolverSetUpModel_Private(sol));
  PetscCall(MSProblemView(sol->prob, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(MSNetView(sol->model->net[0], PETSC_VIEWER_STDOUT_(comm)));
  sol->model->eps[0] = 1.0;
  sol->complete = PETSC_FALSE;
  if (sol->resume[0]) { /* the finished stages, their table and history, the refined points */
    PetscCall(MSSolverResume_Private(sol));
    s0 = sol->model->nstages;
    PetscCall(PetscPrintf(comm, "resumed from %s: %" PetscInt_FMT " finished stage(s)%s\n", sol->resume, s0, sol->complete ? ", the run had ended" : ""));
  }
  PetscCall(MSSolverPrintStageHeader_Private(sol));
  for (PetscInt s = 0; s < s0; s++) PetscCall(MSSolverPrintStage_Private(sol, &sol->rec[s]));
  if (s0 > 0) { /* the stop rules under the current options: a finished run can be extended (e.g. a larger -stage_max) */
    PetscBool stop;
    PetscCall(MSPolicyStopReason_Private(sol, s0 - 1, PETSC_FALSE, &stop));
    if (stop) {
      PetscCall(PetscPrintf(comm, "stages stopped (%s): %s\n", sol->stop_reason, sol->stop_detail));
      sol->complete = PETSC_TRUE;
    } else if (sol->complete) {
      PetscCall(PetscPrintf(comm, "no stop rule holds under the current options: adding stages to the finished run\n"));
      sol->complete = PETSC_FALSE;
    }
  }
  if (!sol->complete) PetscCall(MSSolverStages_Private(sol));
  sol->complete = PETSC_TRUE;
  sol->finished = sol->model->nstages;
  PetscCall(MSSolverProbe_Private(sol));
  PetscCall(PetscTime(&t));
  sol->wall = t - sol->t0;
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverViewSummary(MSSolver sol, PetscViewer viewer)
{
  const char *name;
  PetscInt    nc;
  const char *const *cn;
  PetscReal  *cv;

  PetscFunctionBegin;
  PetscCall(MSProblemGetName(sol->prob, &name));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, &nc, &cn, &cv));
  PetscCall(PetscViewerASCIIPrintf(viewer, "summary\n"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "problem         %s\n", name));
  PetscCall(PetscViewerASCIIPrintf(viewer, "stages          %" PetscInt_FMT "\n", sol->model->nstages));
  PetscCall(PetscViewerASCIIPrintf(viewer, "wall_time_s     %.3f\n", (double)sol->wall));
  PetscCall(PetscViewerASCIIPrintf(viewer, "residual_rms    %.6e\n", (double)sol->res_rms));
  PetscCall(PetscViewerASCIIPrintf(viewer, "residual_max    %.6e\n", (double)sol->res_max));
  PetscCall(PetscViewerASCIIPrintf(viewer, "residual_floor  %.6e\n", (double)sol->res_floor));
  if (sol->hasexact) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "error_l2_rel    %.6e\n", (double)sol->err_l2));
    PetscCall(PetscViewerASCIIPrintf(viewer, "error_max       %.6e\n", (double)sol->err_max));
  }
  for (PetscInt k = 0; k < nc; k++) PetscCall(PetscViewerASCIIPrintf(viewer, "pde_%-11s %.17g\n", cn[k], (double)cv[k]));
  {
    PetscInt        nunk;
    const PetscInt *unk;
    PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
    for (PetscInt j = 0; j < nunk; j++) {
      PetscBool known;
      PetscReal truth;
      PetscCall(MSPDEGetCoefficientTruth(sol->prob->pde, unk[j], &known, &truth));
      if (known) PetscCall(PetscViewerASCIIPrintf(viewer, "coef_%-10s %.17g (true %.17g, relative error %.3e)\n", cn[unk[j]], (double)cv[unk[j]], (double)truth, (double)(truth != 0 ? PetscAbsReal(cv[unk[j]] - truth) / PetscAbsReal(truth) : PetscAbsReal(cv[unk[j]]))));
      else PetscCall(PetscViewerASCIIPrintf(viewer, "coef_%-10s %.17g\n", cn[unk[j]], (double)cv[unk[j]]));
    }
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "stop_reason     %s (%s)\n", sol->stop_reason, sol->stop_detail));
  if (sol->hasprobe) {
    static const char *const var[] = {"x", "y", "z"};
    PetscCall(PetscViewerASCIIPrintf(viewer, "probe_u         %.15g\n", (double)sol->probe_jet[0]));
    for (PetscInt i = 0; i < sol->prob->nin; i++) PetscCall(PetscViewerASCIIPrintf(viewer, "probe_du_d%s     %.15g\n", i < sol->prob->sdim ? var[i] : "t", (double)sol->probe_jet[1 + i]));
  }
  if (sol->write) PetscCall(PetscViewerASCIIPrintf(viewer, "output          %s\n", sol->output));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverDestroy(MSSolver *sol)
{
  PetscFunctionBegin;
  if (!*sol) PetscFunctionReturn(0);
  if (--((PetscObject)(*sol))->refct > 0) {
    *sol = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(MSProblemDestroy(&(*sol)->prob));
  PetscCall(MSModelDestroy(&(*sol)->model));
  PetscCall(MSNetDestroy(&(*sol)->tmpl));
  PetscCall(MSNetDestroy(&(*sol)->aside));
  PetscCall(PetscFree((*sol)->plog));
  PetscCall(VecDestroy(&(*sol)->aside_params));
  PetscCall(VecDestroy(&(*sol)->watch_x));
  PetscCall(MSLossDestroy(&(*sol)->loss));
  PetscCall(PetscFree((*sol)->hist));
  for (PetscInt k = 0; k < (*sol)->nchain; k++) PetscCall(PetscFree((*sol)->chain[k]));
  PetscCall(PetscFree((*sol)->u));
  PetscCall(PetscFree((*sol)->res));
  PetscCall(MSPolicyDestroy_Private(*sol));
  PetscCall(PetscHeaderDestroy(sol));
  PetscFunctionReturn(0);
}
