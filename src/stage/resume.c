/* -resume FILE.h5: continue a run from the output file it left (after every finished stage the
   output is rewritten as a checkpoint, atomically, so a killed run leaves the last one).

   Restored: the finished stages' networks and eps (/model), the per-stage table (/stages, with the
   unknown coefficients), the history (/history) and [finished, complete, wall time]
   (/checkpoint/state). The collocation points added by residual-based refinement before stages
   2..finished are not stored: they are recomputed from the restored networks, which is exact
   (the same networks give the same residuals, hence the same points). Training then goes on with
   stage finished + 1 exactly as an uninterrupted run would. */
#define MS_RESUME_KEYS 12 /* options that define the problem, besides its coefficients */
/* /stages/rate_end, trained_on, select_seconds, random_features: a file written before them resumes with 0 */
#define MS_FIRST_OPTIONAL_STAGE_COLUMN 15
#include <hdf5.h>
#include <string.h>
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/modelimpl.h>
#include <mspinn/private/netimpl.h>
#include <mspinn/private/problemimpl.h>

static PetscErrorCode MSResumeReadColumn_Private(MSSolver sol, const char group[], const char name[], PetscInt n, PetscReal **col)
{
  PetscInt nd, dims[8];
  char     path[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "/%s/%s", group, name));
  PetscCall(MSH5ReadDataset(PetscObjectComm((PetscObject)sol), "-resume", sol->resume, path, &nd, dims, col));
  PetscCheck(nd == 1 && dims[0] >= n, PetscObjectComm((PetscObject)sol), PETSC_ERR_FILE_UNEXPECTED, "-resume %s: %s has %" PetscInt_FMT " entries, expected %" PetscInt_FMT, sol->resume, path, nd == 1 ? dims[0] : -1, n);
  PetscFunctionReturn(0);
}

/* Whether the options text of a saved run (PetscOptionsGetAll: "-name value -name ...") gives 'key' the
   value 'value' (NULL: key absent) */
static PetscBool MSSavedOptionMatches(const char *text, const char *key, const char *value)
{
  size_t      klen = strlen(key);
  const char *at   = text;

  for (at = strstr(at, key); at; at = strstr(at + 1, key)) {
    const char *after = at + klen;
    if ((at != text && at[-1] != ' ') || (*after && *after != ' ')) continue; /* a longer name */
    if (!value) return PETSC_FALSE; /* present, but not in this run */
    if (*after == ' ' && !strncmp(after + 1, value, strlen(value))) {
      const char *end = after + 1 + strlen(value);
      if (!*end || (end[0] == ' ' && (!end[1] || end[1] == '-'))) return PETSC_TRUE;
    }
    return PETSC_FALSE;
  }
  return value ? PETSC_FALSE : PETSC_TRUE;
}

/* The points the saved run added during its first 'finished' stages, in the order it added them: from
   /checkpoint/points_log (every refinement and spread, dropped tries of a stage included), or, in a
   file written before that log, from the counts of /stages (points_added before each stage, then
   points_spread while it was solved, doubling the set each time) */
static PetscErrorCode MSSolverResumePoints_Private(MSSolver sol, PetscInt finished)
{
  MPI_Comm         comm = PetscObjectComm((PetscObject)sol);
  PetscInt         nd, dims[8];
  PetscReal       *log;
  PetscBool        haslog, haseq;

  PetscFunctionBegin;
  PetscCall(MSPDEHasEquation(sol->prob->pde, &haseq));
  PetscCall(MSH5HasDataset(sol->resume, "/checkpoint/points_log", &haslog));
  sol->resolved = 0;
  sol->nplog    = 0;
  if (haslog) {
    PetscInt n;
    PetscCall(MSH5ReadDataset(comm, "-resume", sol->resume, "/checkpoint/points_log", &nd, dims, &log));
    n = (nd == 1 && log[0] >= 0 && log[0] <= PETSC_MAX_INT / 3) ? (PetscInt)log[0] : -1; /* checked before the cast */
    PetscCheck(n >= 0 && dims[0] == 1 + 3 * n, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: malformed /checkpoint/points_log", sol->resume);
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal *e = log + 1 + 3 * i; /* stage, kind, count */
      PetscInt         s, K;
      PetscCheck(e[0] >= 0 && e[0] < MS_MAX_STAGES && e[2] >= 0 && e[2] <= PETSC_MAX_INT && (e[1] == MS_POINTS_REFINED || e[1] == MS_POINTS_SPREAD), comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: malformed entry %" PetscInt_FMT " of /checkpoint/points_log", sol->resume, i);
      s = (PetscInt)e[0];
      K = (PetscInt)e[2];
      if (s >= finished) continue; /* (for the stage in training: it is prepared again) */
      if (e[1] == MS_POINTS_SPREAD) {
        PetscCall(MSSolverSpreadPoints_Private(sol, s, K));
        sol->resolved++;
        continue;
      }
      PetscCheck(s > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: /checkpoint/points_log refines before stage 1", sol->resume);
      PetscCall(MSSolverSetCoefficients_Private(sol, sol->rec[s - 1].coef));
      PetscCall(MSSolverRefine_Private(sol, s, K));
      if (K > sol->refine_n) sol->resolved++;
    }
    PetscCall(PetscFree(log));
    PetscFunctionReturn(0);
  }
  for (PetscInt s = 0; s < finished; s++) { /* before stage s: refinement, then the points spread while solving it */
    if (s > 0) PetscCall(MSSolverSetCoefficients_Private(sol, sol->rec[s - 1].coef));
    if (s > 0) PetscCall(MSSolverRefine_Private(sol, s, sol->rec[s].added));
    if (s > 0 && sol->rec[s].added > sol->refine_n) sol->resolved++;
    for (PetscInt left = sol->rec[s].spread; left > 0;) { /* each solve again doubled the points (MSPolicyDoublePoints_Private) */
      PetscInt K = PetscMin(left, sol->prob->set[haseq ? MS_SET_INTERIOR : MS_SET_DATA].N);
      PetscCall(MSSolverSpreadPoints_Private(sol, s, K));
      left -= K;
      sol->resolved++;
    }
  }
  PetscFunctionReturn(0);
}

/* The saved stages solve the saved problem: a resumed run whose PDE, exact solution, data or domain
   differ would append stages to another problem's solution. Checked against the saved options. */
static PetscErrorCode MSSolverResumeCheckProblem_Private(MSSolver sol)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)sol);
  const char        *keys[MS_RESUME_KEYS + MSPDE_MAX_COEF] = {"-pde_type", "-pde_dim", "-pde_exact", "-pde_source", "-pde_boundary", "-pde_initial",
      "-domain_lower", "-domain_upper", "-domain_time", "-mesh", "-data_file", "-domain_periodic"};
  char               names[MSPDE_MAX_COEF][64], *text = NULL;
  PetscInt           nkeys = MS_RESUME_KEYS, nc;
  const char *const *cn;
  hid_t              f, a, t;

  PetscFunctionBegin;
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, &nc, &cn, NULL));
  for (PetscInt k = 0; k < nc && k < MSPDE_MAX_COEF; k++) {
    PetscCall(PetscSNPrintf(names[k], sizeof(names[k]), "-pde_%s", cn[k]));
    keys[nkeys++] = names[k];
  }
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  f = H5Fopen(sol->resume, H5F_ACC_RDONLY, H5P_DEFAULT);
  a = f >= 0 && H5Aexists_by_name(f, "/", "options", H5P_DEFAULT) > 0 ? H5Aopen_by_name(f, "/", "options", H5P_DEFAULT, H5P_DEFAULT) : -1;
  t = a >= 0 ? H5Aget_type(a) : -1;
  if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
    PetscCall(PetscCalloc1(H5Tget_size(t) + 1, &text));
    if (H5Aread(a, t, text) < 0) PetscCall(PetscFree(text));
  }
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  if (f >= 0) H5Fclose(f);
  PetscCheck(text, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: no options attribute on / (not an mspinn output?)", sol->resume);
  for (PetscInt k = 0; k < nkeys; k++) {
    const char *now = NULL;
    PetscBool   set;
    PetscCall(PetscOptionsFindPair(NULL, NULL, keys[k], &now, &set));
    if (MSSavedOptionMatches(text, keys[k], set ? (now ? now : "") : NULL)) continue;
    PetscCall(PetscFree(text));
    SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "-resume %s: the saved run had another %s (this run: %s): its stages solve another problem", sol->resume, keys[k] + 1, set ? (now ? now : "given") : "not given");
  }
  PetscCall(PetscFree(text));
  PetscFunctionReturn(0);
}

/* the first `finished` stages of the saved model become the solver's (the file may also hold a stage that was in
   training, a snapshot: it is not kept); they only make sense with the ansatz they were trained with, on the same stages */
static PetscErrorCode MSSolverResumeModel_Private(MSSolver sol, PetscInt finished)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSModel     saved;
  PetscInt    nmodel, m, was, now;
  const char *lift, *dist;
  PetscBool   same[2];

  PetscFunctionBegin;
  PetscCall(MSModelCreate(comm, &saved));
  PetscCall(MSModelLoad(saved, sol->resume));
  PetscCall(MSModelGetNumStages(saved, &nmodel));
  PetscCheck(nmodel >= finished, comm, PETSC_ERR_FILE_UNEXPECTED,
             "-resume %s: /model has %" PetscInt_FMT " stages, fewer than the %" PetscInt_FMT " finished", sol->resume, nmodel, finished);
  PetscCheck(saved->nin == sol->prob->nin, comm, PETSC_ERR_ARG_INCOMP,
             "-resume %s: the saved model has %" PetscInt_FMT " inputs, this problem %" PetscInt_FMT " (different options?)", sol->resume,
             saved->nin, sol->prob->nin);
  PetscCall(MSModelGetAnsatz(saved, &lift, &dist, &m));
  PetscCall(PetscStrcmp(lift, sol->prob->ansatz_text[0], &same[0]));
  PetscCall(PetscStrcmp(dist, sol->prob->ansatz_text[1], &same[1]));
  PetscCheck(same[0] && same[1], comm, PETSC_ERR_ARG_INCOMP,
             "-resume %s: the saved stages were trained with -ansatz_lift \"%s\" -ansatz_distance \"%s\", this run has \"%s\" and \"%s\"",
             sol->resume, lift, dist, sol->prob->ansatz_text[0], sol->prob->ansatz_text[1]);
  was = (m == 0 || m > finished) ? finished : m; /* how many of the saved stages D multiplies */
  now = (sol->prob->ansatz_stages == 0 || sol->prob->ansatz_stages > finished) ? finished : sol->prob->ansatz_stages;
  PetscCheck(!lift[0] || was == now, comm, PETSC_ERR_ARG_INCOMP,
             "-resume %s: D multiplies %" PetscInt_FMT " of the %" PetscInt_FMT " saved stages (-ansatz_stages %" PetscInt_FMT "), with -ansatz_stages %" PetscInt_FMT " it would multiply %" PetscInt_FMT, sol->resume, was, finished, m, sol->prob->ansatz_stages, now);
  for (PetscInt s = 0; s < MS_MAX_STAGES; s++) PetscCall(MSNetDestroy(&sol->model->net[s]));
  sol->model->nstages = 0;
  for (PetscInt s = 0; s < finished; s++) PetscCall(MSModelAddStage(sol->model, saved->net[s], saved->eps[s]));
  PetscCall(MSModelDestroy(&saved));
  PetscFunctionReturn(0);
}

PetscErrorCode MSSolverResume_Private(MSSolver sol)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)sol);
  PetscReal         *state, *col, *cv;
  PetscInt           nd, dims[8], finished, nh, nunk;
  const PetscInt    *unk;
  const char *const *cn;
  PetscLogDouble     now;

  PetscFunctionBegin;
  PetscCall(MSH5ReadDataset(comm, "-resume", sol->resume, "/checkpoint/state", &nd, dims, &state));
  PetscCheck(nd == 1 && dims[0] == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: malformed /checkpoint/state", sol->resume);
  finished      = state[0] >= 1 && state[0] <= MS_MAX_STAGES ? (PetscInt)state[0] : 0; /* checked before the cast */
  sol->complete = state[1] != 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscTime(&now));
  sol->t0 = now - state[2]; /* the wall time goes on from the saved run's */
  PetscCall(PetscFree(state));
  PetscCheck(finished >= 1, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: no finished stage to continue from", sol->resume);
  PetscCall(MSSolverResumeCheckProblem_Private(sol));

  PetscCall(MSSolverResumeModel_Private(sol, finished));
  sol->finished = finished;

  { /* the per-stage table */
    for (PetscInt c = 0; c < MS_NUM_STAGE_COLUMNS; c++) {
      if (c >= MS_FIRST_OPTIONAL_STAGE_COLUMN) { /* columns newer than the file may be absent: 0 (the policy's rules did not fire) */
        char      path[128];
        PetscBool has;
        PetscCall(PetscSNPrintf(path, sizeof(path), "/stages/%s", MSStageColumns[c]));
        PetscCall(MSH5HasDataset(sol->resume, path, &has));
        if (!has) {
          for (PetscInt s = 0; s < finished; s++) MSStageRecordSet(&sol->rec[s], c, 0.0);
          continue;
        }
      }
      PetscCall(MSResumeReadColumn_Private(sol, "stages", MSStageColumns[c], finished, &col));
      for (PetscInt s = 0; s < finished; s++) MSStageRecordSet(&sol->rec[s], c, col[s]);
      PetscCall(PetscFree(col));
    }
    for (PetscInt s = 0; s < finished; s++) {
      PetscCheck(sol->rec[s].params == sol->model->net[s]->P, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-resume %s: /stages/parameters[%" PetscInt_FMT "] does not match /model", sol->resume, s);
      sol->gammas[s] = sol->rec[s].gamma;
      /* the policy's rules ask what the stages were */
      sol->stage_features[s] = sol->rec[s].random ? MS_STAGE_FEATURES_RANDOM : MS_STAGE_FEATURES_TRAINED;
    }
  }
  PetscCall(MSPDEGetUnknowns(sol->prob->pde, &nunk, &unk, NULL));
  PetscCall(MSPDEGetCoefficients(sol->prob->pde, NULL, &cn, &cv));
  for (PetscInt j = 0; j < nunk; j++) {
    char name[64];
    PetscCall(PetscSNPrintf(name, sizeof(name), "coef_%s", cn[unk[j]]));
    PetscCall(MSResumeReadColumn_Private(sol, "stages", name, finished, &col));
    for (PetscInt s = 0; s < finished; s++) sol->rec[s].coef[j] = col[s];
    PetscCall(PetscFree(col));
  }

  { /* the history */
    PetscCall(MSH5ReadDataset(comm, "-resume", sol->resume, "/history/loss", &nd, dims, &col));
    nh = dims[0];
    PetscCall(PetscFree(col));
    PetscCall(PetscFree(sol->hist));
    sol->maxhist = PetscMax(nh, 256);
    sol->nhist   = nh;
    PetscCall(PetscCalloc1(sol->maxhist, &sol->hist));
    for (PetscInt c = 0; c < MS_NUM_HISTORY_COLUMNS; c++) {
      PetscCall(MSResumeReadColumn_Private(sol, "history", MSHistoryColumns[c], nh, &col));
      for (PetscInt i = 0; i < nh; i++) MSHistoryRecordSet(&sol->hist[i], c, col[i]);
      PetscCall(PetscFree(col));
    }
    for (PetscInt j = 0; j < nunk; j++) {
      char name[64];
      PetscCall(PetscSNPrintf(name, sizeof(name), "coef_%s", cn[unk[j]]));
      PetscCall(MSResumeReadColumn_Private(sol, "history", name, nh, &col));
      for (PetscInt i = 0; i < nh; i++) sol->hist[i].coef[j] = col[i];
      PetscCall(PetscFree(col));
    }
    /* a snapshot's history runs into the unfinished stage: that stage is trained again */
    while (sol->nhist > 0 && sol->hist[sol->nhist - 1].stage > finished) sol->nhist--;
  }

  /* the collocation points added during the finished stages, with the coefficients each refinement saw */
  PetscCall(MSSolverResumePoints_Private(sol, finished));
  for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = sol->rec[finished - 1].coef[j];
  { /* the solver's fields (residual floor, final evaluation) for the finished stages */
    MSStageRecord tmp;
    PetscCall(MSSolverEvaluate_Private(sol, finished, &tmp));
  }
  /* the policy's state: the doublings of the points done, and its verdict on the last finished stage */
  PetscCall(MSPolicyStageEnd_Private(sol, finished - 1));
  PetscFunctionReturn(0);
}
