/* -resume FILE.h5: continue a run from the output file it left (after every finished stage the
   output is rewritten as a checkpoint, atomically, so a killed run leaves the last one).

   Restored: the finished stages' networks and eps (/model), the per-stage table (/stages, with the
   unknown coefficients), the history (/history) and [finished, complete, wall time]
   (/checkpoint/state). The collocation points added by residual-based refinement before stages
   2..finished are not stored: they are recomputed from the restored networks, which is exact
   (the same networks give the same residuals, hence the same points). Training then goes on with
   stage finished + 1 exactly as an uninterrupted run would. */
#include <mspinn/private/solverimpl.h>
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

PetscErrorCode MSSolverResume_Private(MSSolver sol)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)sol);
  PetscReal         *state, *col, eps[MS_MAX_STAGES], *cv;
  PetscInt           nd, dims[8], finished, nmodel, nh, nunk;
  MSNet              nets[MS_MAX_STAGES];
  const PetscInt    *unk;
  const char *const *cn;
  PetscLogDouble     now;

  PetscFunctionBegin;
  PetscCall(MSH5ReadDataset(comm, "-resume", sol->resume, "/checkpoint/state", &nd, dims, &state));
  PetscCheck(nd == 1 && dims[0] == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: malformed /checkpoint/state", sol->resume);
  finished      = (PetscInt)state[0];
  sol->complete = state[1] != 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscTime(&now));
  sol->t0 = now - state[2]; /* the wall time goes on from the saved run's */
  PetscCall(PetscFree(state));
  PetscCheck(finished >= 1 && finished <= MS_MAX_STAGES, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: no finished stage to continue from", sol->resume);

  /* networks: the file may also hold a stage that was in training (a snapshot): only finished ones are kept */
  PetscCall(MSModelLoad(comm, sol->resume, &nmodel, nets, eps));
  PetscCheck(nmodel >= finished, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: /model has %" PetscInt_FMT " stages, fewer than the %" PetscInt_FMT " finished", sol->resume, nmodel, finished);
  for (PetscInt s = finished; s < nmodel; s++) PetscCall(MSNetDestroy(&nets[s]));
  PetscCheck(nets[0]->dim == sol->prob->nin, comm, PETSC_ERR_ARG_INCOMP, "-resume %s: the saved model has %" PetscInt_FMT " inputs, this problem %" PetscInt_FMT " (different options?)", sol->resume, nets[0]->dim, sol->prob->nin);
  { /* the stages only make sense with the ansatz they were trained with, on the same stages */
    char      lift[4096], dist[4096];
    PetscBool same[2];
    PetscInt  m, was, now;
    PetscCall(MSModelAnsatzTexts_Private(sol->resume, lift, dist, sizeof(lift), &m));
    PetscCall(PetscStrcmp(lift, sol->prob->ansatz_text[0], &same[0]));
    PetscCall(PetscStrcmp(dist, sol->prob->ansatz_text[1], &same[1]));
    PetscCheck(same[0] && same[1], comm, PETSC_ERR_ARG_INCOMP, "-resume %s: the saved stages were trained with -ansatz_lift \"%s\" -ansatz_distance \"%s\", this run has \"%s\" and \"%s\"", sol->resume, lift, dist, sol->prob->ansatz_text[0], sol->prob->ansatz_text[1]);
    was = (m == 0 || m > finished) ? finished : m; /* how many of the saved stages D multiplies */
    now = (sol->prob->ansatz_stages == 0 || sol->prob->ansatz_stages > finished) ? finished : sol->prob->ansatz_stages;
    PetscCheck(!lift[0] || was == now, comm, PETSC_ERR_ARG_INCOMP, "-resume %s: D multiplies %" PetscInt_FMT " of the %" PetscInt_FMT " saved stages (-ansatz_stages %" PetscInt_FMT "), with -ansatz_stages %" PetscInt_FMT " it would multiply %" PetscInt_FMT, sol->resume, was, finished, m, sol->prob->ansatz_stages, now);
  }
  for (PetscInt s = 0; s < MS_MAX_STAGES; s++) PetscCall(MSNetDestroy(&sol->net[s]));
  for (PetscInt s = 0; s < finished; s++) {
    sol->net[s] = nets[s];
    sol->eps[s] = eps[s];
  }
  sol->nstages  = finished;
  sol->finished = finished;

  { /* the per-stage table */
    for (PetscInt c = 0; c < MS_NUM_STAGE_COLUMNS; c++) {
      PetscCall(MSResumeReadColumn_Private(sol, "stages", MSStageColumns[c], finished, &col));
      for (PetscInt s = 0; s < finished; s++) MSStageRecordSet(&sol->rec[s], c, col[s]);
      PetscCall(PetscFree(col));
    }
    for (PetscInt s = 0; s < finished; s++) {
      PetscCheck(sol->rec[s].params == nets[s]->P, comm, PETSC_ERR_FILE_UNEXPECTED, "-resume %s: /stages/parameters[%" PetscInt_FMT "] does not match /model", sol->resume, s);
      sol->gammas[s] = sol->rec[s].gamma;
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

  /* the refined collocation points, with the coefficients each refinement saw */
  for (PetscInt s = 1; s < finished; s++) {
    for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = sol->rec[s - 1].coef[j];
    PetscCall(MSSolverRefine_Private(sol, s, sol->rec[s].added));
  }
  for (PetscInt j = 0; j < nunk; j++) cv[unk[j]] = sol->rec[finished - 1].coef[j];
  { /* the solver's fields (residual floor, final evaluation) for the finished stages */
    MSStageRecord tmp;
    PetscCall(MSSolverEvaluate_Private(sol, finished, &tmp));
  }
  /* the policy's state: the doublings of the points done, and its verdict on the last finished stage */
  sol->resolved = 0;
  for (PetscInt s = 1; s < finished; s++)
    if (sol->rec[s].added > sol->refine_n) sol->resolved++;
  PetscCall(MSPolicyStageEnd_Private(sol, finished - 1));
  PetscFunctionReturn(0);
}
