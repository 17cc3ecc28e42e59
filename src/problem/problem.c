/* MSProblem: a PDE on a box (space, plus a time interval for evolution equations), the expressions
   for its data (source, boundary, initial, exact solution) and its point sets. Every rank generates
   the same global point sets from the seed and keeps its contiguous slice of each. */
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/ddsum.h>
#include <mspinn/private/pdeimpl.h>

PetscClassId      MSPROBLEM_CLASSID;
const char *const MSSetKinds[] = {"interior", "boundary", "initial", "data", "eval", "MSSetKind", "MS_SET_", NULL};
static const char *const MSInputNames[] = {"x", "y", "z"};

PetscErrorCode MSProblemCreate(MPI_Comm comm, MSProblem *prob)
{
  MSProblem p;

  PetscFunctionBegin;
  PetscCall(MSInitializePackage());
  PetscCall(PetscHeaderCreate(p, MSPROBLEM_CLASSID, "MSProblem", "PDE problem", "MSProblem", comm, MSProblemDestroy, MSProblemView));
  PetscCall(PetscStrncpy(p->name, "poisson1d", sizeof(p->name)));
  PetscCall(MSPDECreate(comm, &p->pde));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    p->pts[k].type = MS_POINTS_CHEBYSHEV;
    p->weight[k]   = 1.0;
    p->set[k].name = MSSetKinds[k];
  }
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) p->pts[k].n = 0; /* 0: by dimension, see MSProblemSetUp */
  p->pts[MS_SET_EVAL].type = MS_POINTS_GRID;
  *prob = p;
  PetscFunctionReturn(0);
}

/* A relative file name that does not exist relative to the working directory is looked for in the
   directories of the options files (the mspinn program passes them as -mspinn_options_dirs), so
   `mspinn -options_file path/to/problems/x.opts` finds x.opts's data files from anywhere. */
static PetscErrorCode MSProblemResolvePath_Private(MSProblem prob, char path[], size_t len)
{
  char     *dirs[16], cand[PETSC_MAX_PATH_LEN];
  PetscInt  n = 16;
  PetscBool flg;
  FILE     *f = NULL;

  PetscFunctionBegin;
  if (!path[0] || path[0] == '/') PetscFunctionReturn(0);
  if ((f = fopen(path, "r"))) {
    fclose(f);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscOptionsGetStringArray(((PetscObject)prob)->options, NULL, "-mspinn_options_dirs", dirs, &n, &flg));
  for (PetscInt i = 0; flg && i < n; i++) {
    PetscCall(PetscSNPrintf(cand, sizeof(cand), "%s/%s", dirs[i], path));
    if ((f = fopen(cand, "r"))) {
      fclose(f);
      PetscCall(PetscStrncpy(path, cand, len));
      break;
    }
  }
  for (PetscInt i = 0; flg && i < n; i++) PetscCall(PetscFree(dirs[i]));
  PetscFunctionReturn(0);
}

/* -data_* (fit values or observations) and -reference_* (evaluation points and reference solution) */
static PetscErrorCode MSProblemDataOptions_Private(MSProblem prob, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)prob);
  PetscBool flg;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < prob->ndatacoords; i++) PetscCall(PetscFree(prob->datacoords[i]));
  for (PetscInt i = 0; i < prob->nrefcoords; i++) PetscCall(PetscFree(prob->refcoords[i]));
  prob->ndatacoords = MS_JET_DIM;
  prob->nrefcoords  = MS_JET_DIM;
  PetscCall(PetscOptionsString("-data_file", "HDF5 file of data points and values (fit data, observations)", "MSProblemSetFromOptions", prob->datafile, prob->datafile, sizeof(prob->datafile), NULL));
  PetscCall(PetscOptionsStringArray("-data_coords", "Coordinates in -data_file: one (N, dim) dataset, or one 1D dataset per input (tensor grid)", "MSProblemSetFromOptions", prob->datacoords, &prob->ndatacoords, &flg));
  if (!flg) prob->ndatacoords = 0;
  PetscCall(PetscOptionsString("-data_values", "Values in -data_file: shape (N), or (n_dim, ..., n_1) on a tensor grid", "MSProblemSetFromOptions", prob->datavalues, prob->datavalues, sizeof(prob->datavalues), NULL));
  PetscCall(MSOptionsInt("-data_n", "Use this many data points, drawn at random with -points_seed (0: all)", "MSProblemSetFromOptions", prob->datan, &prob->datan, NULL));
  {
    const char *outside[] = {"error", "drop"};
    PetscInt    which     = prob->datadrop ? 1 : 0;
    PetscCall(PetscOptionsEList("-data_outside", "Points of -data_file and -reference_file outside the domain: an error, or drop them (fit on a window of the data)", "MSProblemSetFromOptions", outside, 2, outside[which], &which, NULL));
    prob->datadrop = which ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCall(PetscOptionsReal("-data_noise", "Add Gaussian noise of this size relative to the values' standard deviation", "MSProblemSetFromOptions", prob->datanoise, &prob->datanoise, NULL));
  PetscCall(PetscOptionsString("-reference_file", "HDF5 file with the evaluation points and a reference solution there", "MSProblemSetFromOptions", prob->reffile, prob->reffile, sizeof(prob->reffile), NULL));
  PetscCall(PetscOptionsStringArray("-reference_coords", "Coordinates in -reference_file (as -data_coords)", "MSProblemSetFromOptions", prob->refcoords, &prob->nrefcoords, &flg));
  if (!flg) prob->nrefcoords = 0;
  PetscCall(PetscOptionsString("-reference_values", "Reference values in -reference_file (as -data_values)", "MSProblemSetFromOptions", prob->refvalues, prob->refvalues, sizeof(prob->refvalues), NULL));
  PetscCall(MSProblemResolvePath_Private(prob, prob->datafile, sizeof(prob->datafile)));
  PetscCall(MSProblemResolvePath_Private(prob, prob->meshfile, sizeof(prob->meshfile)));
  PetscCall(MSProblemResolvePath_Private(prob, prob->reffile, sizeof(prob->reffile)));
  PetscCheck(prob->datan >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-data_n %" PetscInt_FMT ": must be non-negative", prob->datan);
  PetscCheck(prob->datanoise >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-data_noise %g: must be non-negative", (double)prob->datanoise);
  if (prob->datafile[0]) PetscCheck(prob->ndatacoords > 0 && prob->datavalues[0], comm, PETSC_ERR_ARG_WRONG, "-data_file %s: also give -data_coords and -data_values", prob->datafile);
  else PetscCheck(!prob->ndatacoords && !prob->datavalues[0], comm, PETSC_ERR_ARG_WRONG, "-data_coords/-data_values: give -data_file too");
  if (prob->reffile[0]) PetscCheck(prob->nrefcoords > 0 && prob->refvalues[0], comm, PETSC_ERR_ARG_WRONG, "-reference_file %s: also give -reference_coords and -reference_values", prob->reffile);
  else PetscCheck(!prob->nrefcoords && !prob->refvalues[0], comm, PETSC_ERR_ARG_WRONG, "-reference_coords/-reference_values: give -reference_file too");
  PetscFunctionReturn(0);
}

/* An expression option, parsed from its whole text in the options database (the buffer that
   PetscOptionsString filled holds only its first 4095 characters); 'text' when the option is not set */
static PetscErrorCode MSProblemExpression_Private(MSProblem prob, const char opt[], const char text[], const char *const vars[], MSExpr *e)
{
  const char *prefix, *full = NULL;
  PetscBool   set;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)prob, &prefix));
  PetscCall(PetscOptionsFindPair(((PetscObject)prob)->options, prefix, opt, &full, &set));
  PetscCall(MSExprCreate(PetscObjectComm((PetscObject)prob), opt, set && full ? full : text, prob->nin, vars, e));
  PetscFunctionReturn(0);
}

/* the default problem (no options at all) is problems/poisson1d.opts */
#define MS_DEFAULT_EXACT "sin(2*x+1)+0.2*exp(1.3*x)"

/* Point counts the options ask for, checked before any point is made: a tensor grid of n points per
   direction has n^d points, which must fit PetscInt with their coordinates (n^d * d entries). */
static PetscErrorCode MSProblemCheckPointCounts_Private(MSProblem prob)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)prob);

  PetscFunctionBegin;
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    const PetscInt  n    = prob->pts[k].n;
    const PetscInt  nd   = k == MS_SET_BOUNDARY ? prob->nin - 1 : (k == MS_SET_INITIAL ? prob->sdim : prob->nin);
    const PetscBool grid = (prob->pts[k].type == MS_POINTS_GRID || prob->pts[k].type == MS_POINTS_CHEBYSHEV) ? PETSC_TRUE : PETSC_FALSE;
    PetscInt64      total = n;
    if (n <= 0 || nd < 1) continue;
    PetscCheck(prob->pts[k].type != MS_POINTS_CHEBYSHEV || n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-points_%s_n %" PetscInt_FMT ": a Chebyshev-Gauss-Lobatto grid needs at least 2 points per direction", MSSetKinds[k], n);
    for (PetscInt i = 1; grid && i < nd && total <= PETSC_MAX_INT; i++) total *= n;
    PetscCheck(total <= PETSC_MAX_INT / nd, comm, PETSC_ERR_ARG_OUTOFRANGE, "-points_%s_n %" PetscInt_FMT ": %" PetscInt64_FMT " points in %" PetscInt_FMT " dimensions, more coordinates than PetscInt counts (%d)", MSSetKinds[k], n, total, nd, (int)PETSC_MAX_INT);
  }
  PetscFunctionReturn(0);
}

/* -domain_periodic x[,y,z]: the solution is periodic in these box directions with the box's length as period;
   every stage's network is then exactly periodic in them (MSNetSetPeriodic) and their faces carry no boundary points */
static PetscErrorCode MSProblemPeriodicOptions_Private(MSProblem prob, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)prob);
  char     *names[MS_JET_DIM + 1];
  PetscInt  n = MS_JET_DIM + 1;
  PetscBool flg;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < MS_JET_DIM; i++) prob->periodic[i] = PETSC_FALSE;
  PetscCall(PetscOptionsStringArray("-domain_periodic",
            "Space directions the solution is periodic in, e.g. x or x,y (period: the box's length; exact, through (cos, sin) input features)",
            "MSProblemSetFromOptions", names, &n, &flg));
  if (!flg) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < n; k++) {
    PetscInt i = -1;
    for (PetscInt j = 0; j < prob->sdim; j++) {
      PetscBool same;
      PetscCall(PetscStrcmp(names[k], MSInputNames[j], &same));
      if (same) i = j;
    }
    if (i < 0) {
      char bad[64];
      PetscCall(PetscStrncpy(bad, names[k], sizeof(bad)));
      for (PetscInt j = 0; j < n; j++) PetscCall(PetscFree(names[j]));
      SETERRQ(comm, PETSC_ERR_ARG_WRONG, "-domain_periodic: \"%s\" is not a space direction of this %" PetscInt_FMT "-dimensional box (x%s)", bad,
              prob->sdim, prob->sdim == 1 ? "" : (prob->sdim == 2 ? ", y" : ", y, z"));
    }
    prob->periodic[i] = PETSC_TRUE;
  }
  for (PetscInt j = 0; j < n; j++) PetscCall(PetscFree(names[j]));
  PetscCheck(!prob->meshfile[0], comm, PETSC_ERR_ARG_INCOMP, "-domain_periodic: a box domain only, not with -mesh %s", prob->meshfile);
  PetscFunctionReturn(0);
}

/* the problem's periodic directions on a network about to be set up */
PetscErrorCode MSProblemSetNetPeriodic_Private(MSProblem prob, MSNet net)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < prob->sdim; i++)
    if (prob->periodic[i]) PetscCall(MSNetSetPeriodic(net, i, prob->hi[i] - prob->lo[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemSetFromOptions(MSProblem prob)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)prob);
  char      exact[4096] = MS_DEFAULT_EXACT, source[4096] = "", boundary[4096] = "", initial[4096] = "";
  PetscBool hasexact, hassource, hasboundary, hasinitial, flg;
  PetscReal lo[MS_JET_DIM + 1], hi[MS_JET_DIM + 1], time[3] = {0.0, 1.0, 0.0}, seed = 0;
  PetscInt  n, nt = 3; /* room for a third value, caught below */

  PetscFunctionBegin;
  PetscCall(MSPDESetFromOptions(prob->pde));
  PetscCall(MSPDEGetDimensions(prob->pde, &prob->sdim, &prob->timedep, &prob->nin));
  for (PetscInt i = 0; i <= MS_JET_DIM; i++) {
    lo[i] = -1.0;
    hi[i] = 1.0;
  }
  PetscObjectOptionsBegin((PetscObject)prob);
  PetscCall(PetscOptionsString("-problem_name", "Name of the problem (recorded in the output)", "MSProblemSetFromOptions", prob->name, prob->name, sizeof(prob->name), NULL));
  n = MS_JET_DIM + 1; /* room for more than sdim values, so that too many are caught */
  PetscCall(PetscOptionsRealArray("-domain_lower", "Lower corner of the space box, one value per dimension", "MSProblemSetFromOptions", lo, &n, &flg));
  PetscCheck(!flg || n == prob->sdim, comm, PETSC_ERR_ARG_SIZ, "-domain_lower: %" PetscInt_FMT " values given for a %" PetscInt_FMT "-dimensional domain", n, prob->sdim);
  n = MS_JET_DIM + 1; /* room for more than sdim values, so that too many are caught */
  PetscCall(PetscOptionsRealArray("-domain_upper", "Upper corner of the space box, one value per dimension", "MSProblemSetFromOptions", hi, &n, &flg));
  PetscCheck(!flg || n == prob->sdim, comm, PETSC_ERR_ARG_SIZ, "-domain_upper: %" PetscInt_FMT " values given for a %" PetscInt_FMT "-dimensional domain", n, prob->sdim);
  if (prob->timedep) {
    PetscCall(PetscOptionsRealArray("-domain_time", "Time interval t0,t1 of an evolution problem", "MSProblemSetFromOptions", time, &nt, &flg));
    PetscCheck(!flg || nt == 2, comm, PETSC_ERR_ARG_SIZ, "-domain_time needs two values t0,t1");
  }
  PetscCall(PetscOptionsString("-pde_exact", "Exact solution u(x,y,z,t) (libmatheval syntax); also the default boundary/initial data and the source of a manufactured solution", "MSProblemSetFromOptions", exact, exact, sizeof(exact), &hasexact));
  PetscCall(PetscOptionsString("-pde_source", "Source f (default: manufactured from -pde_exact)", "MSProblemSetFromOptions", source, source, sizeof(source), &hassource));
  PetscCall(PetscOptionsString("-pde_boundary", "Dirichlet data g on the boundary (default: -pde_exact)", "MSProblemSetFromOptions", boundary, boundary, sizeof(boundary), &hasboundary));
  PetscCall(PetscOptionsString("-pde_initial", "Initial data u(x,t0) of an evolution problem (default: -pde_exact)", "MSProblemSetFromOptions", initial, initial, sizeof(initial), &hasinitial));
  PetscCall(PetscOptionsString("-ansatz_lift", "Impose boundary/initial data exactly: u = g + D N with this g, which matches the data (with -ansatz_distance)", "MSProblemSetFromOptions", prob->ansatz_text[0], prob->ansatz_text[0], sizeof(prob->ansatz_text[0]), NULL));
  PetscCall(MSOptionsInt("-ansatz_stages", "With -ansatz_lift/-ansatz_distance: only stages 1..m are multiplied by D, later stages are free networks that keep the boundary/initial data as soft constraints (0: all stages)", "MSProblemSetFromOptions", prob->ansatz_stages, &prob->ansatz_stages, NULL));
  PetscCheck(prob->ansatz_stages >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ansatz_stages %" PetscInt_FMT ": must be non-negative (0: all stages)", prob->ansatz_stages);
  PetscCall(PetscOptionsString("-ansatz_distance", "Impose boundary/initial data exactly: u = g + D N with this D, which vanishes where the data are given (with -ansatz_lift)", "MSProblemSetFromOptions", prob->ansatz_text[1], prob->ansatz_text[1], sizeof(prob->ansatz_text[1]), NULL));
  for (PetscInt k = 0; k < 2; k++) { /* these texts are stored (output, -resume): a longer one is refused, not cut */
    const char *opt = k ? "-ansatz_distance" : "-ansatz_lift", *full = NULL;
    PetscBool   set;
    PetscCall(PetscOptionsFindPair(((PetscObject)prob)->options, ((PetscObject)prob)->prefix, opt, &full, &set));
    PetscCheck(!set || !full || strlen(full) < sizeof(prob->ansatz_text[k]), comm, PETSC_ERR_ARG_SIZ, "%s: the expression has %zu characters, at most %zu", opt, full ? strlen(full) : (size_t)0, sizeof(prob->ansatz_text[k]) - 1);
  }
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    char opt[64], help[128];
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-points_%s_type", MSSetKinds[k]));
    PetscCall(PetscSNPrintf(help, sizeof(help), "How the %s points are placed", MSSetKinds[k]));
    PetscCall(PetscOptionsEnum(opt, help, "MSProblemSetFromOptions", MSPointsTypes, (PetscEnum)prob->pts[k].type, (PetscEnum *)&prob->pts[k].type, NULL));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-points_%s_n", MSSetKinds[k]));
    PetscCall(PetscSNPrintf(help, sizeof(help), "Number of %s points (per direction for grids, in all otherwise; 0: by dimension, %s)", MSSetKinds[k], k == MS_SET_EVAL ? "1000, 100, 32" : (k == MS_SET_INTERIOR || k == MS_SET_DATA ? "1024, 64, 16 per direction" : "1024, 48, 16 per direction")));
    PetscCall(MSOptionsInt(opt, help, "MSProblemSetFromOptions", prob->pts[k].n, &prob->pts[k].n, NULL));
    PetscCheck(prob->pts[k].n >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT ": a point set needs at least one point (0: the default)", opt, prob->pts[k].n);
    if (k != MS_SET_EVAL) {
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-loss_%s_weight", MSSetKinds[k]));
      PetscCall(PetscSNPrintf(help, sizeof(help), "Weight of the %s points in the loss", MSSetKinds[k]));
      PetscCall(PetscOptionsReal(opt, help, "MSProblemSetFromOptions", prob->weight[k], &prob->weight[k], NULL));
      PetscCheck(prob->weight[k] >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must be non-negative", opt);
    }
  }
  PetscCall(PetscOptionsString("-mesh", "Gmsh mesh of the domain (.msh, read by DMPlex); the points are drawn in its cells and on its boundary facets", "MSProblemSetFromOptions", prob->meshfile, prob->meshfile, sizeof(prob->meshfile), &flg));
  if (prob->meshfile[0]) {
    PetscBool lset, uset;
    PetscCall(PetscOptionsHasName(((PetscObject)prob)->options, NULL, "-domain_lower", &lset));
    PetscCall(PetscOptionsHasName(((PetscObject)prob)->options, NULL, "-domain_upper", &uset));
    PetscCheck(!lset && !uset, comm, PETSC_ERR_ARG_INCOMP, "-domain_lower/-domain_upper: the domain is the mesh given by -mesh %s", prob->meshfile);
  }
  PetscCall(MSProblemPeriodicOptions_Private(prob, PetscOptionsObject));
  PetscCall(PetscOptionsReal("-points_seed", "Seed of the random point sets (an integer)", "MSProblemSetFromOptions", seed, &seed, NULL));
  PetscCall(MSProblemDataOptions_Private(prob, PetscOptionsObject));
  PetscOptionsEnd();
  PetscCheck(seed >= 0 && seed == PetscFloorReal(seed), comm, PETSC_ERR_ARG_OUTOFRANGE, "-points_seed must be a non-negative integer, not %g", (double)seed);
  PetscCall(MSProblemCheckPointCounts_Private(prob));
  prob->seed = (unsigned long)seed;
  for (PetscInt i = 0; i < prob->sdim; i++) {
    PetscCheck(!PetscIsInfOrNanReal(lo[i]) && !PetscIsInfOrNanReal(hi[i]), comm, PETSC_ERR_ARG_OUTOFRANGE, "-domain_lower/-domain_upper: [%g, %g] in direction %" PetscInt_FMT " is not a finite interval", (double)lo[i], (double)hi[i], i);
    PetscCheck(lo[i] < hi[i], comm, PETSC_ERR_ARG_OUTOFRANGE, "-domain_lower/-domain_upper: empty interval [%g, %g] in direction %" PetscInt_FMT, (double)lo[i], (double)hi[i], i);
    prob->lo[i] = lo[i];
    prob->hi[i] = hi[i];
  }
  PetscCall(MSProblemMeshDestroy_Private(prob));
  if (prob->meshfile[0]) PetscCall(MSProblemMeshLoad_Private(prob)); /* the box becomes the mesh's bounding box */
  if (prob->timedep) {
    PetscCheck(!PetscIsInfOrNanReal(time[0]) && !PetscIsInfOrNanReal(time[1]), comm, PETSC_ERR_ARG_OUTOFRANGE, "-domain_time: [%g, %g] is not a finite interval", (double)time[0], (double)time[1]);
    PetscCheck(time[0] < time[1], comm, PETSC_ERR_ARG_OUTOFRANGE, "-domain_time: empty interval [%g, %g]", (double)time[0], (double)time[1]);
    prob->lo[prob->sdim] = time[0];
    prob->hi[prob->sdim] = time[1];
  }

  { /* expressions, checked now so that a typo fails before any work */
    const char *vars[MS_JET_DIM + 1];
    PetscBool   haseq;
    for (PetscInt i = 0; i < prob->sdim; i++) vars[i] = MSInputNames[i];
    if (prob->timedep) vars[prob->sdim] = "t";
    PetscCall(MSPDEHasEquation(prob->pde, &haseq));
    PetscCall(MSExprDestroy(&prob->exact));
    PetscCall(MSExprDestroy(&prob->source));
    PetscCall(MSExprDestroy(&prob->boundary));
    PetscCall(MSExprDestroy(&prob->initial));
    /* the built-in default exact solution belongs to the default (1D Poisson) problem only */
    if (hasexact || (prob->nin == 1 && !hassource && !prob->datafile[0] && !prob->reffile[0])) PetscCall(MSProblemExpression_Private(prob, "-pde_exact", exact, vars, &prob->exact));
    if (hassource) PetscCall(MSProblemExpression_Private(prob, "-pde_source", source, vars, &prob->source));
    if (hasboundary) PetscCall(MSProblemExpression_Private(prob, "-pde_boundary", boundary, vars, &prob->boundary));
    if (hasinitial) PetscCall(MSProblemExpression_Private(prob, "-pde_initial", initial, vars, &prob->initial));
    if (haseq) {
      PetscCheck(prob->exact || prob->source, comm, PETSC_ERR_ARG_WRONG, "-pde_source: missing (give -pde_source, or -pde_exact for a manufactured source)");
      /* with observations (-data_file) boundary and initial data are optional: an inverse problem may have none */
      PetscCheck(prob->exact || prob->boundary || prob->datafile[0] || prob->meshfile[0], comm, PETSC_ERR_ARG_WRONG, "-pde_boundary: missing (give -pde_boundary, -pde_exact or observations with -data_file)");
      PetscCheck(!prob->timedep || prob->exact || prob->initial || prob->datafile[0], comm, PETSC_ERR_ARG_WRONG, "-pde_initial: missing (give -pde_initial, -pde_exact or observations with -data_file)");
    } else PetscCheck(prob->exact || prob->datafile[0], comm, PETSC_ERR_ARG_WRONG, "-pde_exact: missing (a fit problem needs the function to fit, or -data_file)");
    PetscCall(MSProblemAnsatzCreate_Private(prob, vars));
    if (prob->exact) { /* derivatives for the exact jets (manufactured source, reported derivatives) */
      MSJetSpec spec;
      PetscCall(MSPDEGetJetSpec(prob->pde, &spec));
      spec.order = 2;
      spec.mixed = PETSC_TRUE;
      for (PetscInt c = 0; c < (PetscInt)PETSC_STATIC_ARRAY_LENGTH(prob->dexact); c++) PetscCall(MSExprDestroy(&prob->dexact[c]));
      for (PetscInt i = 0; i < prob->nin; i++) {
        PetscCall(MSExprDerivative(prob->exact, i, &prob->dexact[MSJetSpecChannelD(&spec, i)]));
        for (PetscInt j = i; j < prob->nin; j++) PetscCall(MSExprDerivative(prob->dexact[MSJetSpecChannelD(&spec, i)], j, &prob->dexact[MSJetSpecChannelDD(&spec, i, j)]));
      }
    }
  }
  if (prob->meshfile[0]) { /* Dirichlet data per boundary label: -pde_boundary_<label> */
    PetscInt   vals[16], nl;
    const char *vars[MS_JET_DIM + 1];
    PetscBool  haseq;
    for (PetscInt i = 0; i < prob->sdim; i++) vars[i] = MSInputNames[i];
    PetscCall(MSPDEHasEquation(prob->pde, &haseq));
    PetscCall(MSProblemMeshBoundaryLabels_Private(prob, &nl, vals, 16));
    PetscObjectOptionsBegin((PetscObject)prob);
    for (PetscInt j = 0; j < nl; j++) {
      char      opt[64], text[4096];
      PetscBool set = PETSC_FALSE;
      prob->blabel[j]     = vals[j];
      prob->blabelexpr[j] = NULL;
      if (vals[j] >= 0) {
        PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pde_boundary_%" PetscInt_FMT, vals[j]));
        PetscCall(PetscOptionsString(opt, "Dirichlet data on the boundary facets with this Gmsh physical tag (Face Sets value)", "MSProblemSetFromOptions", "", text, sizeof(text), &set));
        if (set) PetscCall(MSProblemExpression_Private(prob, opt, text, vars, &prob->blabelexpr[j]));
      }
      if (vals[j] >= 0) PetscCheck(!haseq || set || prob->boundary || prob->exact || prob->datafile[0], comm, PETSC_ERR_ARG_WRONG, "-mesh %s: boundary label %" PetscInt_FMT " has no data: give -pde_boundary_%" PetscInt_FMT " (or -pde_boundary, -pde_exact)", prob->meshfile, vals[j], vals[j]);
      else PetscCheck(!haseq || prob->boundary || prob->exact || prob->datafile[0], comm, PETSC_ERR_ARG_WRONG, "-mesh %s: boundary facets without a physical tag have no data: give -pde_boundary (or -pde_exact)", prob->meshfile);
    }
    prob->nblabel = nl;
    PetscOptionsEnd();
  }
  PetscFunctionReturn(0);
}

/* jets of the exact solution at x, in the channel layout of the PDE's jet spec, as constants */
PetscErrorCode MSProblemExactJets_Private(MSProblem prob, const PetscReal x[], MSDual jets[])
{
  MSJetSpec spec, full;

  PetscFunctionBegin;
  PetscCall(MSPDEGetJetSpec(prob->pde, &spec));
  full       = spec;
  full.order = 2;
  full.mixed = PETSC_TRUE;
  for (PetscInt c = 0; c < MSJetSpecNumChannels(&spec); c++) jets[c] = MSDualConst(0.0);
  PetscCall(MSExprEvaluate(prob->exact, x, &jets[0].v));
  if (spec.order >= 1)
    for (PetscInt i = 0; i < spec.dim; i++) PetscCall(MSExprEvaluate(prob->dexact[MSJetSpecChannelD(&full, i)], x, &jets[MSJetSpecChannelD(&spec, i)].v));
  if (spec.order >= 2)
    for (PetscInt i = 0; i < spec.dim; i++)
      for (PetscInt j = i; j < spec.dim; j++) {
        PetscInt c = MSJetSpecChannelDD(&spec, i, j);
        if (c >= 0) PetscCall(MSExprEvaluate(prob->dexact[MSJetSpecChannelDD(&full, i, j)], x, &jets[c].v));
      }
  PetscFunctionReturn(0);
}

/* f at x: the given source, or the manufactured one L(u_exact) = R(u_exact; f = 0) */
PetscErrorCode MSProblemSourceAt_Private(MSProblem prob, const PetscReal x[], PetscReal *f)
{
  MSDual     jets[1 + 2 * MS_JET_DIM + 3], coef[MSPDE_MAX_COEF], r;
  PetscInt   nc;
  PetscReal *cv;

  PetscFunctionBegin;
  if (prob->source) {
    PetscCall(MSExprEvaluate(prob->source, x, f));
    PetscFunctionReturn(0);
  }
  PetscCall(MSPDEGetCoefficients(prob->pde, &nc, NULL, &cv));
  for (PetscInt k = 0; k < nc; k++) coef[k] = MSDualConst(cv[k]);
  { /* an unknown coefficient enters the manufactured source with its true value */
    PetscInt        nunk;
    const PetscInt *unk;
    PetscCall(MSPDEGetUnknowns(prob->pde, &nunk, &unk, NULL));
    for (PetscInt j = 0; j < nunk; j++) {
      PetscBool known;
      PetscReal truth;
      PetscCall(MSPDEGetCoefficientTruth(prob->pde, unk[j], &known, &truth));
      coef[unk[j]] = MSDualConst(truth);
    }
  }
  PetscCall(MSProblemExactJets_Private(prob, x, jets));
  PetscCall(MSPDEResidual(prob->pde, x, jets, coef, 0.0, &r));
  *f = r.v;
  PetscFunctionReturn(0);
}

/* keep this rank's contiguous slice [rstart, rstart + n) of a global set of N points */
static PetscErrorCode MSPointSetFromGlobal_Private(MPI_Comm comm, PetscInt nd, PetscInt N, PetscReal *X, MSPointSet *set)
{
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  { /* whole chunks of MS_CHUNK points per rank, as evenly as possible */
    PetscInt nc = (N + MS_CHUNK - 1) / MS_CHUNK, c0 = (nc / size) * rank + PetscMin(rank, nc % size), c1 = c0 + nc / size + (rank < nc % size ? 1 : 0);
    set->rstart = PetscMin(c0 * MS_CHUNK, N);
    set->n      = PetscMin(c1 * MS_CHUNK, N) - set->rstart;
  }
  set->N      = N;
  set->dim    = nd;
  set->nseg   = 1;
  set->seg[0] = 0;
  set->seg[1] = set->n;
  PetscCall(PetscMalloc1(PetscMax(set->n, 1) * nd, &set->X));
  PetscCall(PetscArraycpy(set->X, X + set->rstart * nd, set->n * nd));
  PetscFunctionReturn(0);
}

/* points of set k per direction (grids) or in all: the option, else by the dimension of the set. The
   sets where the equation (or the fit) is imposed get more in 2D: a random-feature stage has at most
   3/4 as many features as they have points (MSSolverRandomWidth_Private), and in 2D 48^2 points
   leave it too few to reach round-off (docs/policy.md); boundary faces keep 48 per direction. */
static PetscInt MSProblemPointCount_Private(MSProblem prob, MSSetKind k, PetscInt nd)
{
  static const PetscInt defmain[] = {1024, 64, 16}, def[] = {1024, 48, 16}, defeval[] = {1000, 100, 32};
  const PetscInt        dd    = PetscMin(PetscMax(nd, 1), 3) - 1;
  const PetscInt       *per   = k == MS_SET_EVAL ? defeval : (k == MS_SET_INTERIOR || k == MS_SET_DATA ? defmain : def);
  if (prob->pts[k].n > 0) return prob->pts[k].n;
  if (nd < 1) return 1;
  if (prob->pts[k].type == MS_POINTS_RANDOM || prob->pts[k].type == MS_POINTS_HALTON) { /* in all */
    PetscInt n = 1;
    for (PetscInt i = 0; i < nd; i++) n *= per[dd];
    return n;
  }
  return per[dd];
}

/* A lower bound of the training rows the options ask for, known before any point is made: the
   interior set of an equation (or the data set of a fit) on the box, n^d points for a tensor grid;
   0 when a mesh or a data file decides. For the memory check before training. */
PetscErrorCode MSProblemPlannedRows_Private(MSProblem prob, PetscInt64 *rows)
{
  PetscBool haseq;
  MSSetKind k;
  PetscInt  n;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  k     = haseq ? MS_SET_INTERIOR : MS_SET_DATA;
  *rows = 0;
  if (prob->meshfile[0] || (!haseq && prob->datafile[0])) PetscFunctionReturn(0);
  n     = MSProblemPointCount_Private(prob, k, prob->nin);
  *rows = n;
  if (prob->pts[k].type == MS_POINTS_GRID || prob->pts[k].type == MS_POINTS_CHEBYSHEV)
    for (PetscInt i = 1; i < prob->nin; i++) *rows *= n;
  PetscFunctionReturn(0);
}

/* this rank's slice of global values (the set's slice must be set) */
static PetscErrorCode MSPointSetSliceValues_Private(MSPointSet *set, const PetscReal G[], PetscReal **v)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(set->n, 1), v));
  PetscCall(PetscArraycpy(*v, G + set->rstart, set->n));
  PetscFunctionReturn(0);
}

/* points of a file outside the domain box: an error, or (-data_outside drop) compacted away, counted in *ndropped */
static PetscErrorCode MSProblemPointsInside_Private(MSProblem prob, const char *opt, const char *file, PetscInt *N, PetscReal X[], PetscReal G[], PetscInt *ndropped)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)prob);
  PetscInt nin = prob->nin, m = 0;

  PetscFunctionBegin;
  for (PetscInt q = 0; q < *N; q++) {
    PetscBool in = PETSC_TRUE;
    for (PetscInt i = 0; i < nin; i++) {
      PetscReal x = X[q * nin + i], tol = 1e-12 * (prob->hi[i] - prob->lo[i]);
      if (x >= prob->lo[i] - tol && x <= prob->hi[i] + tol) continue;
      PetscCheck(prob->datadrop, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %s: point %" PetscInt_FMT " has coordinate %" PetscInt_FMT " = %g outside the domain [%g, %g] (-data_outside drop leaves such points out)", opt, file, q, i, (double)x, (double)prob->lo[i], (double)prob->hi[i]);
      in = PETSC_FALSE;
    }
    if (!in) continue;
    for (PetscInt i = 0; i < nin; i++) X[m * nin + i] = X[q * nin + i];
    G[m++] = G[q];
  }
  *ndropped = *N - m;
  PetscCheck(m > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %s: none of its %" PetscInt_FMT " points lies in the domain", opt, file, *N);
  *N = m;
  PetscFunctionReturn(0);
}

/* points and values from -data_file: check the domain, subsample (-data_n), add noise (-data_noise) */
static PetscErrorCode MSProblemReadData_Private(MSProblem prob, PetscRandom rnd, PetscInt *N, PetscReal **X, PetscReal **G)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)prob);
  PetscInt  nin  = prob->nin;

  PetscFunctionBegin;
  PetscCall(MSH5ReadPoints(comm, "data", prob->datafile, prob->ndatacoords, prob->datacoords, prob->datavalues, nin, N, X, G));
  PetscCall(MSProblemPointsInside_Private(prob, "-data_file", prob->datafile, N, *X, *G, &prob->ndropped[0]));
  if (prob->datan > 0) { /* a seeded random subset (partial Fisher-Yates shuffle) */
    PetscCheck(prob->datan <= *N, comm, PETSC_ERR_ARG_OUTOFRANGE, "-data_n %" PetscInt_FMT ": the file has only %" PetscInt_FMT " points%s", prob->datan, *N, prob->ndropped[0] ? " in the domain" : "");
    for (PetscInt q = 0; q < prob->datan; q++) {
      PetscReal r;
      PetscInt  j;
      PetscCall(PetscRandomGetValueReal(rnd, &r));
      j = q + (PetscInt)(r * (*N - q));
      if (j >= *N) j = *N - 1;
      for (PetscInt i = 0; i < nin; i++) {
        PetscReal t       = (*X)[q * nin + i];
        (*X)[q * nin + i] = (*X)[j * nin + i];
        (*X)[j * nin + i] = t;
      }
      {
        PetscReal t = (*G)[q];
        (*G)[q]     = (*G)[j];
        (*G)[j]     = t;
      }
    }
    *N = prob->datan;
  }
  if (prob->datanoise > 0) { /* g += noise * std(g) * N(0, 1), Box-Muller */
    PetscReal mean = 0, var = 0;
    for (PetscInt q = 0; q < *N; q++) mean += (*G)[q] / *N;
    for (PetscInt q = 0; q < *N; q++) var += PetscSqr((*G)[q] - mean) / *N;
    for (PetscInt q = 0; q < *N; q++) {
      PetscReal u1, u2;
      PetscCall(PetscRandomGetValueReal(rnd, &u1));
      PetscCall(PetscRandomGetValueReal(rnd, &u2));
      (*G)[q] += prob->datanoise * PetscSqrtReal(var) * PetscSqrtReal(-2.0 * PetscLogReal(1.0 - u1)) * PetscCosReal(2 * PETSC_PI * u2);
    }
  }
  PetscFunctionReturn(0);
}

/* the boundary of the space box (times the time interval): every face, points by the face's spec */
static PetscErrorCode MSProblemBoundaryPoints_Private(MSProblem prob, PetscRandom rnd, PetscInt *N, PetscReal **X)
{
  PetscInt   nin = prob->nin, total = 0, cap = 0;
  PetscReal *all = NULL;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < prob->sdim; i++)
    for (PetscInt side = 0; side < 2 && !prob->periodic[i]; side++) { /* (no data on the faces of a periodic direction) */
      PetscReal flo[MS_JET_DIM], fhi[MS_JET_DIM], *F;
      PetscInt  nf = 0, Nf;
      for (PetscInt j = 0; j < nin; j++)
        if (j != i) {
          flo[nf]   = prob->lo[j];
          fhi[nf++] = prob->hi[j];
        }
      PetscCall(MSPointsGenerate_Private(prob->pts[MS_SET_BOUNDARY].type, nf, flo, fhi, MSProblemPointCount_Private(prob, MS_SET_BOUNDARY, nf), rnd, &Nf, &F));
      if (total + Nf > cap) {
        cap = 2 * (total + Nf);
        PetscCall(PetscRealloc(sizeof(PetscReal) * cap * nin, &all));
      }
      for (PetscInt q = 0; q < Nf; q++) {
        PetscInt m = 0;
        for (PetscInt j = 0; j < nin; j++) all[(total + q) * nin + j] = j == i ? (side ? prob->hi[i] : prob->lo[i]) : F[q * nf + m++];
      }
      total += Nf;
      PetscCall(PetscFree(F));
    }
  *N = total;
  *X = all;
  PetscFunctionReturn(0);
}

/* which input makes a set's values NaN or Inf, named for the message (MSProblemCheckFinite_Private) */
static const char *MSProblemValueSource_Private(MSProblem prob, MSSetKind k, PetscInt what)
{
  if (what == 1) return "-pde_exact";
  if (what == 2) return prob->source ? "-pde_source" : "the source manufactured from -pde_exact and the -pde_ coefficients";
  if (k == MS_SET_DATA) return prob->datafile[0] ? "-data_file" : "-pde_exact";
  if (k == MS_SET_BOUNDARY) return prob->meshfile[0] ? "-pde_boundary[_TAG]" : (prob->boundary ? "-pde_boundary" : "-pde_exact");
  return prob->initial ? "-pde_initial" : "-pde_exact";
}

/* The values of a point set (exact solution, source, data) are finite, or the run stops before
   training with the expression and a point where it is not: not later as "the loss is nan". */
static PetscErrorCode MSProblemCheckFinite_Private(MSProblem prob, MSSetKind k)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)prob);
  MSPointSet *set  = &prob->set[k];
  struct {
    PetscReal   what; /* 1 exact, 2 source, 3 data; 0: all finite */
    PetscMPIInt rank;
  } mine = {0, 0}, worst;
  PetscReal x[MS_JET_DIM + 1] = {0};
  char      at[160]            = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &mine.rank));
  for (PetscInt p = 0; p < set->n && !mine.what; p++) {
    if (set->exact && PetscIsInfOrNanReal(set->exact[p]) && !(k == MS_SET_EVAL && prob->reffile[0])) mine.what = 1;
    else if (set->f && PetscIsInfOrNanReal(set->f[p])) mine.what = 2;
    else if (set->g && PetscIsInfOrNanReal(set->g[p])) mine.what = 3;
    if (mine.what) PetscCall(PetscArraycpy(x, set->X + p * prob->nin, prob->nin));
  }
  PetscCallMPI(MPI_Allreduce(&mine, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm));
  if (!worst.what) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(x, MS_JET_DIM + 1, MPIU_REAL, worst.rank, comm));
  for (PetscInt i = 0; i < prob->nin; i++) {
    char c[32];
    PetscCall(PetscSNPrintf(c, sizeof(c), "%s%g", i ? ", " : "", (double)x[i]));
    PetscCall(PetscStrlcat(at, c, sizeof(at)));
  }
  SETERRQ(comm, PETSC_ERR_FP, "%s: not finite (NaN or Inf) at the %s point (%s)", MSProblemValueSource_Private(prob, k, (PetscInt)worst.what), MSSetKinds[k], at);
}

/* The axes of -reference_file when its coordinates are a tensor grid (one dataset per input) and every
   point is kept: the evaluation set is then that grid, first input fastest, and the output describes
   it as a structured grid (src/io/xdmf.c), so that ParaView shows the error as a field. */
static PetscErrorCode MSProblemReferenceGrid_Private(MSProblem prob, PetscInt N)
{
  MPI_Comm   comm = PetscObjectComm((PetscObject)prob);
  PetscInt64 total = 1;
  PetscInt   nd, dims[8];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < MS_JET_DIM; i++) PetscCall(PetscFree(prob->refgrid_x[i]));
  prob->refgrid_n[0] = 0;
  if (prob->nrefcoords != prob->nin || prob->nin < 2 || prob->ndropped[1] > 0) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < prob->nin; i++) {
    PetscCall(MSH5ReadDataset(comm, "-reference_coords", prob->reffile, prob->refcoords[i], &nd, dims, &prob->refgrid_x[i]));
    prob->refgrid_n[i] = dims[0];
    total *= dims[0];
  }
  if (total != N) {
    for (PetscInt i = 0; i < prob->nin; i++) PetscCall(PetscFree(prob->refgrid_x[i]));
    prob->refgrid_n[0] = 0;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemSetUp(MSProblem prob)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)prob);
  PetscRandom rnd;
  PetscBool   haseq;
  PetscInt    nin  = prob->nin, nunk;
  const PetscInt *unk;

  PetscFunctionBegin;
  if (prob->setupcalled) PetscFunctionReturn(0);
  PetscCall(MSPDEHasEquation(prob->pde, &haseq));
  PetscCall(MSPDEGetUnknowns(prob->pde, &nunk, &unk, NULL));
  for (PetscInt j = 0; j < nunk && haseq && !prob->source; j++) {
    PetscBool          known;
    const char *const *cn;
    PetscCall(MSPDEGetCoefficientTruth(prob->pde, unk[j], &known, NULL));
    PetscCall(MSPDEGetCoefficients(prob->pde, NULL, &cn, NULL));
    PetscCheck(known, comm, PETSC_ERR_ARG_WRONG, "-pde_unknown %s: the source is manufactured from -pde_exact, which needs the true value: give -pde_%s_true (or -pde_source)", cn[unk[j]], cn[unk[j]]);
  }
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rnd, prob->seed + 12345));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    MSPointSet *set = &prob->set[k];
    PetscReal  *X   = NULL, *G = NULL; /* global points, and values given by a file */
    PetscInt    N   = 0;

    set->weight = prob->weight[k];
    set->dim    = nin;
    switch ((MSSetKind)k) {
    case MS_SET_INTERIOR:
      if (haseq && prob->meshfile[0]) PetscCall(MSProblemMeshInteriorPoints_Private(prob, rnd, prob->pts[k].n > 0 ? prob->pts[k].n : 4, &N, &X));
      else if (haseq) PetscCall(MSPointsGenerate_Private(prob->pts[k].type, nin, prob->lo, prob->hi, MSProblemPointCount_Private(prob, (MSSetKind)k, nin), rnd, &N, &X));
      break;
    case MS_SET_DATA:
      if (prob->datafile[0]) PetscCall(MSProblemReadData_Private(prob, rnd, &N, &X, &G));
      else if ((!haseq || (nunk && prob->exact)) && prob->meshfile[0]) {
        N = prob->pts[k].n > 0 ? prob->pts[k].n : 4096;
        PetscCall(PetscMalloc1(N * nin, &X));
        PetscCall(MSProblemMeshSampleDomain_Private(prob, rnd, N, X));
      } else if (!haseq || (nunk && prob->exact)) PetscCall(MSPointsGenerate_Private(prob->pts[k].type, nin, prob->lo, prob->hi, MSProblemPointCount_Private(prob, (MSSetKind)k, nin), rnd, &N, &X));
      break;
    case MS_SET_BOUNDARY:
      if (haseq && prob->meshfile[0]) {
        PetscInt *lab;
        PetscCall(MSProblemMeshBoundaryPoints_Private(prob, rnd, prob->pts[k].n > 0 ? prob->pts[k].n : 4, &N, &X, &lab));
        PetscCall(PetscMalloc1(PetscMax(N, 1), &G));
        for (PetscInt q = 0; q < N; q++) { /* the label's data, else the default boundary data */
          MSExpr e = prob->boundary ? prob->boundary : prob->exact;
          for (PetscInt j = 0; j < prob->nblabel; j++)
            if (prob->blabel[j] == lab[q] && prob->blabelexpr[j]) e = prob->blabelexpr[j];
          PetscCheck(e, comm, PETSC_ERR_ARG_WRONG, "-mesh %s: boundary label %" PetscInt_FMT " has no data", prob->meshfile, lab[q]);
          PetscCall(MSExprEvaluate(e, X + q * nin, &G[q]));
        }
        PetscCall(PetscFree(lab));
      } else if (haseq && (prob->exact || prob->boundary)) PetscCall(MSProblemBoundaryPoints_Private(prob, rnd, &N, &X));
      break;
    case MS_SET_INITIAL:
      if (haseq && prob->timedep && (prob->exact || prob->initial)) {
        PetscCall(MSPointsGenerate_Private(prob->pts[k].type, prob->sdim, prob->lo, prob->hi, MSProblemPointCount_Private(prob, (MSSetKind)k, prob->sdim), rnd, &N, &X));
        PetscCall(PetscRealloc(sizeof(PetscReal) * N * nin, &X));
        for (PetscInt q = N - 1; q >= 0; q--) { /* spread (x..) to (x.., t0) in place */
          for (PetscInt i = prob->sdim - 1; i >= 0; i--) X[q * nin + i] = X[q * prob->sdim + i];
          X[q * nin + prob->sdim] = prob->lo[prob->sdim];
        }
      }
      break;
    case MS_SET_EVAL:
      if (prob->meshfile[0] && !prob->reffile[0]) { /* uniform in the mesh, from their own random stream */
        PetscRandom erd;
        N = prob->pts[k].n > 0 ? prob->pts[k].n : 20000;
        PetscCall(PetscMalloc1(N * nin, &X));
        PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &erd));
        PetscCall(PetscRandomSetType(erd, PETSCRAND48));
        PetscCall(PetscRandomSetSeed(erd, prob->seed + 777777));
        PetscCall(PetscRandomSeed(erd));
        PetscCall(MSProblemMeshSampleDomain_Private(prob, erd, N, X));
        PetscCall(PetscRandomDestroy(&erd));
        break;
      }
      if (prob->reffile[0]) {
        PetscCall(MSH5ReadPoints(comm, "reference", prob->reffile, prob->nrefcoords, prob->refcoords, prob->refvalues, nin, &N, &X, &G));
        PetscCall(MSProblemPointsInside_Private(prob, "-reference_file", prob->reffile, &N, X, G, &prob->ndropped[1]));
        PetscCall(MSProblemReferenceGrid_Private(prob, N));
        break;
      } else { /* a cell-centred uniform grid: never a training point of a grid or a Gauss-Lobatto set's ends */
      PetscInt  n = MSProblemPointCount_Private(prob, MS_SET_EVAL, nin);
      PetscReal elo[MS_JET_DIM], ehi[MS_JET_DIM];
      for (PetscInt i = 0; i < nin; i++) {
        PetscReal h = (prob->hi[i] - prob->lo[i]) / n;
        elo[i]      = prob->lo[i] + 0.5 * h;
        ehi[i]      = prob->hi[i] - 0.5 * h;
      }
      PetscCall(MSPointsGenerate_Private(prob->pts[k].type, nin, elo, ehi, n, rnd, &N, &X));
    } break;
    default:
      break;
    }
    PetscCall(MSPointSetFromGlobal_Private(comm, nin, N, X, set));
    PetscCall(PetscFree(X));
    /* values at this rank's points: from the file, else from the expressions */
    if (G && (k == MS_SET_DATA || k == MS_SET_BOUNDARY)) PetscCall(MSPointSetSliceValues_Private(set, G, &set->g));
    if (G && k == MS_SET_EVAL) PetscCall(MSPointSetSliceValues_Private(set, G, &set->exact));
    PetscCall(PetscFree(G));
    if (prob->exact && !set->exact) PetscCall(PetscMalloc1(PetscMax(set->n, 1), &set->exact));
    if (!set->g && (k == MS_SET_BOUNDARY || k == MS_SET_INITIAL || k == MS_SET_DATA)) PetscCall(PetscMalloc1(PetscMax(set->n, 1), &set->g));
    if (haseq && (k == MS_SET_INTERIOR || k == MS_SET_EVAL)) PetscCall(PetscMalloc1(PetscMax(set->n, 1), &set->f));
    for (PetscInt p = 0; p < set->n; p++) {
      const PetscReal *x = set->X + p * nin;
      if (prob->exact && !(k == MS_SET_EVAL && prob->reffile[0])) PetscCall(MSExprEvaluate(prob->exact, x, &set->exact[p]));
      if (set->f) PetscCall(MSProblemSourceAt_Private(prob, x, &set->f[p]));
      if (set->g && !(k == MS_SET_DATA && prob->datafile[0]) && !(k == MS_SET_BOUNDARY && prob->meshfile[0])) {
        MSExpr e = k == MS_SET_BOUNDARY ? prob->boundary : k == MS_SET_INITIAL ? prob->initial : NULL;
        if (e) PetscCall(MSExprEvaluate(e, x, &set->g[p]));
        else set->g[p] = set->exact[p];
      }
    }
    PetscCall(MSProblemCheckFinite_Private(prob, (MSSetKind)k));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  { /* an inverse problem needs observations (-data_file, or samples of -pde_exact), at least one per unknown */
    PetscCheck(!nunk || haseq, comm, PETSC_ERR_ARG_WRONG, "-pde_unknown: PDE kind %s has no equation to infer coefficients from", ((PetscObject)prob->pde)->type_name);
    PetscCheck(prob->set[MS_SET_DATA].N >= nunk, comm, PETSC_ERR_ARG_WRONG, "-pde_unknown: %" PetscInt_FMT " unknown coefficient(s) but %" PetscInt_FMT " observations (give at least as many with -data_file/-data_n, or -pde_exact and -points_data_n)", nunk, prob->set[MS_SET_DATA].N);
  }
  PetscCall(MSProblemAnsatzMarkImposed_Private(prob));
  prob->setupcalled = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Appends M new equation points (the same X on every rank) to the interior set: each rank keeps its
   slice of the new points, with their source values and exact solution. */
PetscErrorCode MSPointSetGetChunks(const MSPointSet *set, PetscInt *nchunks, PetscInt **starts)
{
  PetscInt n = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < set->nseg; i++) n += (set->seg[i + 1] - set->seg[i] + MS_CHUNK - 1) / MS_CHUNK;
  PetscCall(PetscMalloc1(n + 1, starts));
  n = 0;
  for (PetscInt i = 0; i < set->nseg; i++)
    for (PetscInt p = set->seg[i]; p < set->seg[i + 1]; p += MS_CHUNK) (*starts)[n++] = p;
  (*starts)[n] = set->n;
  *nchunks     = n;
  PetscFunctionReturn(0);
}

/* Adds M points (given on every rank, split like a new segment) to the equation points
   (MS_SET_INTERIOR: source values) or, when the observations are noise-free samples of -pde_exact,
   to the observations (MS_SET_DATA: values of -pde_exact) */
PetscErrorCode MSProblemAddPoints(MSProblem prob, MSSetKind kind, PetscInt M, const PetscReal X[])
{
  MSPointSet *set = &prob->set[kind];
  MSPointSet  add = *set;
  PetscInt    nin = prob->nin, n0 = set->n;

  PetscFunctionBegin;
  PetscCheck(kind == MS_SET_INTERIOR || kind == MS_SET_DATA, PetscObjectComm((PetscObject)prob), PETSC_ERR_SUP, "Points can be added to the interior and data sets only");
  PetscCheck(kind != MS_SET_DATA || MSProblemObservationsFromExact_Private(prob), PetscObjectComm((PetscObject)prob), PETSC_ERR_SUP, "Observations can be added only when they are noise-free samples of -pde_exact");
  PetscCheck(set->nseg < MS_MAX_SEGMENTS, PetscObjectComm((PetscObject)prob), PETSC_ERR_SUP, "Too many refinements of the %s set (at most %d)", MSSetKinds[kind], MS_MAX_SEGMENTS - 1);
  PetscCall(MSPointSetFromGlobal_Private(PetscObjectComm((PetscObject)prob), nin, M, (PetscReal *)X, &add));
  set->seg[++set->nseg] = n0 + add.n; /* a new segment, chunked on its own */
  PetscCall(PetscRealloc(sizeof(PetscReal) * PetscMax(n0 + add.n, 1) * nin, &set->X));
  PetscCall(PetscArraycpy(set->X + n0 * nin, add.X, add.n * nin));
  if (set->f) PetscCall(PetscRealloc(sizeof(PetscReal) * PetscMax(n0 + add.n, 1), &set->f));
  if (set->g) PetscCall(PetscRealloc(sizeof(PetscReal) * PetscMax(n0 + add.n, 1), &set->g));
  if (set->exact) PetscCall(PetscRealloc(sizeof(PetscReal) * PetscMax(n0 + add.n, 1), &set->exact));
  for (PetscInt p = n0; p < n0 + add.n; p++) {
    if (set->f) PetscCall(MSProblemSourceAt_Private(prob, set->X + p * nin, &set->f[p]));
    if (set->exact) PetscCall(MSExprEvaluate(prob->exact, set->X + p * nin, &set->exact[p]));
    if (set->g) PetscCall(MSExprEvaluate(prob->exact, set->X + p * nin, &set->g[p]));
  }
  PetscCall(PetscFree(add.X));
  set->n += add.n;
  set->N += M;
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemGetPDE(MSProblem prob, MSPDE *pde)
{
  PetscFunctionBegin;
  *pde = prob->pde;
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemGetName(MSProblem prob, const char **name)
{
  PetscFunctionBegin;
  *name = prob->name;
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemGetPointSet(MSProblem prob, MSSetKind k, MSPointSet **set)
{
  PetscFunctionBegin;
  PetscCall(MSProblemSetUp(prob));
  *set = &prob->set[k];
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemHasExact(MSProblem prob, PetscBool *has)
{
  PetscFunctionBegin;
  *has = prob->exact ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemView(MSProblem prob, PetscViewer viewer)
{
  PetscBool   isascii;
  const char *s;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)prob), &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "Problem %s\n", prob->name));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(MSPDEView(prob->pde, viewer));
  if (prob->meshfile[0]) {
    char labels[512] = "", one[64];
    for (PetscInt j = 0; j < prob->nblabel; j++) {
      PetscCall(PetscSNPrintf(one, sizeof(one), " %" PetscInt_FMT "%s", prob->blabel[j], prob->blabelexpr[j] ? " (own data)" : ""));
      PetscCall(PetscStrlcat(labels, one, sizeof(labels)));
    }
    PetscCall(PetscViewerASCIIPrintf(viewer, "mesh %s: %" PetscInt_FMT " cells, %" PetscInt_FMT " vertices, %" PetscInt_FMT " boundary facets, boundary labels%s; bounding box:\n", prob->meshfile, prob->ncell, prob->nvert, prob->nface, labels));
  }
  for (PetscInt i = 0; i < prob->nin; i++) PetscCall(PetscViewerASCIIPrintf(viewer, "%s in [%g, %g]\n", i < prob->sdim ? MSInputNames[i] : "t", (double)prob->lo[i], (double)prob->hi[i]));
  if (prob->exact) {
    PetscCall(MSExprGetString(prob->exact, &s));
    PetscCall(PetscViewerASCIIPrintf(viewer, "exact solution %s\n", s));
  }
  if (MSProblemHasAnsatz_Private(prob)) {
    const char *g, *D;
    PetscCall(MSExprGetString(prob->ansatz[0][0], &g));
    PetscCall(MSExprGetString(prob->ansatz[1][0], &D));
    PetscCall(PetscViewerASCIIPrintf(viewer, "ansatz u = g + D N: g = %s, D = %s\n", g, D));
    if (prob->ansatz_stages) PetscCall(PetscViewerASCIIPrintf(viewer, "  on stages 1..%" PetscInt_FMT "; later stages are free networks (u = g + D sum_{s <= %" PetscInt_FMT "} eps_s N_s + sum_{s > %" PetscInt_FMT "} eps_s N_s)\n", prob->ansatz_stages, prob->ansatz_stages, prob->ansatz_stages));
  }
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    const char *from = MSPointsTypes[prob->pts[k].type], *how = "";
    char        buf[128];
    PetscInt    file = k == MS_SET_DATA && prob->datafile[0] ? 0 : (k == MS_SET_EVAL && prob->reffile[0] ? 1 : -1);
    if (!prob->set[k].N) continue;
    if (file >= 0) {
      char dropped[64] = "";
      if (prob->ndropped[file]) PetscCall(PetscSNPrintf(dropped, sizeof(dropped), "; %" PetscInt_FMT " of its points outside the domain dropped", prob->ndropped[file]));
      PetscCall(PetscSNPrintf(buf, sizeof(buf), "from -%s_file%s", file ? "reference" : "data", dropped));
      from = buf;
    } else if (prob->meshfile[0]) from = "random in the mesh";
    if (prob->set[k].imposed) how = prob->ansatz_stages ? ", imposed exactly by the ansatz: not trained on in its stages, a soft constraint after" : ", imposed exactly by the ansatz: not trained on";
    else if (MSProblemHasAnsatz_Private(prob) && (k == MS_SET_BOUNDARY || k == MS_SET_INITIAL)) how = ", NOT satisfied by the ansatz: a soft constraint";
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s points: %" PetscInt_FMT " (%s)%s\n", MSSetKinds[k], prob->set[k].N, from, how));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemDestroy(MSProblem *prob)
{
  PetscFunctionBegin;
  if (!*prob) PetscFunctionReturn(0);
  if (--((PetscObject)(*prob))->refct > 0) {
    *prob = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(MSPDEDestroy(&(*prob)->pde));
  PetscCall(MSExprDestroy(&(*prob)->exact));
  PetscCall(MSExprDestroy(&(*prob)->source));
  PetscCall(MSExprDestroy(&(*prob)->boundary));
  PetscCall(MSExprDestroy(&(*prob)->initial));
  for (PetscInt i = 0; i < MS_JET_DIM; i++) PetscCall(PetscFree((*prob)->refgrid_x[i]));
  PetscCall(MSProblemMeshDestroy_Private(*prob));
  PetscCall(MSAnsatzDestroy_Private((*prob)->ansatz));
  for (PetscInt c = 0; c < (PetscInt)PETSC_STATIC_ARRAY_LENGTH((*prob)->dexact); c++) PetscCall(MSExprDestroy(&(*prob)->dexact[c]));
  for (PetscInt i = 0; i < (*prob)->ndatacoords; i++) PetscCall(PetscFree((*prob)->datacoords[i]));
  for (PetscInt i = 0; i < (*prob)->nrefcoords; i++) PetscCall(PetscFree((*prob)->refcoords[i]));
  for (PetscInt k = 0; k < MS_NUM_SETS; k++) {
    MSPointSet *s = &(*prob)->set[k];
    PetscCall(PetscFree(s->X));
    PetscCall(PetscFree(s->g));
    PetscCall(PetscFree(s->f));
    PetscCall(PetscFree(s->exact));
  }
  PetscCall(PetscHeaderDestroy(prob));
  PetscFunctionReturn(0);
}
