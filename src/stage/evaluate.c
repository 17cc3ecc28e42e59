/* Evaluation of the composite solution u = sum_s eps_s N_s on the evaluation set, which no
   optimizer ever sees: errors against the exact solution, the PDE residual, and its round-off floor. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>

/* jets of the first ns stages at the n points X: U[c*n+p] = sum_s eps_s N_s,c(x_p) */
static PetscErrorCode MSSolverCompositeJets_Private(MSSolver sol, PetscInt ns, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[])
{
  PetscInt   C = MSJetSpecNumChannels(spec);
  PetscReal *Us;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(U, C * n));
  PetscCall(PetscMalloc1(PetscMax(C * n, 1), &Us));
  for (PetscInt s = 0; s < ns; s++) {
    PetscCall(MSNetEvaluate(sol->net[s], spec, n, X, Us));
    for (PetscInt q = 0; q < C * n; q++) U[q] += sol->eps[s] * Us[q];
  }
  PetscCall(PetscFree(Us));
  PetscFunctionReturn(0);
}

/* Fills rec's residual and error columns, and the solver's final fields when ns is the last stage.
   residual_floor: u_round times the RMS of sum_c |dR/du_c u_c| + |f|, the rounding error committed
   in assembling R from exact jets alone; a lower bound on the floor of the computed residual. */
PetscErrorCode MSSolverEvaluate_Private(MSSolver sol, PetscInt ns, MSStageRecord *rec)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSPointSet *ev;
  MSPDE       pde;
  MSJetSpec   spec;
  PetscBool   haseq;
  PetscReal  *U, s[6] = {0, 0, 0, 0, 0, 0}, m[2] = {0, 0}; /* sums: res^2, err^2, exact^2, floor^2, count; max: res, err */
  PetscInt    C, nc;
  PetscReal  *cv;

  PetscFunctionBegin;
  PetscCall(MSProblemGetPointSet(sol->prob, MS_SET_EVAL, &ev));
  PetscCall(MSProblemGetPDE(sol->prob, &pde));
  PetscCall(MSPDEGetJetSpec(pde, &spec));
  PetscCall(MSPDEHasEquation(pde, &haseq));
  PetscCall(MSPDEGetCoefficients(pde, &nc, NULL, &cv));
  C = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1(PetscMax(C * ev->n, 1), &U));
  PetscCall(MSSolverCompositeJets_Private(sol, ns, &spec, ev->n, ev->X, U));
  PetscCall(PetscFree(sol->u));
  PetscCall(PetscFree(sol->res));
  PetscCall(PetscMalloc1(PetscMax(ev->n, 1), &sol->u));
  PetscCall(PetscCalloc1(PetscMax(ev->n, 1), &sol->res));
  for (PetscInt p = 0; p < ev->n; p++) {
    sol->u[p] = U[p];
    if (haseq) {
      MSDual jets[1 + 2 * MS_JET_DIM + 3], coef[MSPDE_MAX_COEF], R;
      PetscReal mag = PetscAbsReal(ev->f[p]);
      for (PetscInt c = 0; c < C; c++) jets[c] = MSDualVar(U[c * ev->n + p], (int)c);
      for (PetscInt k = 0; k < nc; k++) coef[k] = MSDualConst(cv[k]);
      PetscCall(MSPDEResidual(pde, ev->X + p * ev->dim, jets, coef, ev->f[p], &R));
      for (PetscInt c = 0; c < C; c++) mag += PetscAbsReal(R.d[c] * U[c * ev->n + p]);
      sol->res[p] = R.v;
      s[0] += R.v * R.v;
      s[3] += PetscSqr(PETSC_MACHINE_EPSILON * mag);
      m[0] = PetscMax(m[0], PetscAbsReal(R.v));
    } else if (ev->exact) { /* a fit's equation is u = data */
      sol->res[p] = U[p] - ev->exact[p];
      s[0] += sol->res[p] * sol->res[p];
      s[3] += PetscSqr(PETSC_MACHINE_EPSILON * (PetscAbsReal(U[p]) + PetscAbsReal(ev->exact[p])));
      m[0] = PetscMax(m[0], PetscAbsReal(sol->res[p]));
    }
    if (ev->exact) {
      PetscReal e = U[p] - ev->exact[p];
      s[1] += e * e;
      s[2] += ev->exact[p] * ev->exact[p];
      m[1] = PetscMax(m[1], PetscAbsReal(e));
    }
  }
  s[4] = ev->n;
  PetscCall(PetscFree(U));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 5, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, m, 2, MPIU_REAL, MPIU_MAX, comm));
  PetscCheck(s[4] > 0, comm, PETSC_ERR_ARG_WRONG, "The evaluation set is empty");
  rec->res_rms   = PetscSqrtReal(s[0] / s[4]);
  rec->res_max   = m[0];
  rec->err_l2    = ev->exact ? (s[2] > 0 ? PetscSqrtReal(s[1] / s[2]) : PetscSqrtReal(s[1] / s[4])) : -1.0;
  rec->err_max   = ev->exact ? m[1] : -1.0;
  sol->res_rms   = rec->res_rms;
  sol->res_max   = rec->res_max;
  sol->res_floor = PetscSqrtReal(s[3] / s[4]);
  sol->err_l2    = rec->err_l2;
  sol->err_max   = rec->err_max;
  sol->hasexact  = ev->exact ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}
