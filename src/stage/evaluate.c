/* Evaluation of the composite solution u = sum_s eps_s N_s on the evaluation set, which no
   optimizer ever sees: errors against the exact solution, the PDE residual, and its round-off floor. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/modelimpl.h>
#include <mspinn/private/ddsum.h>

/* Fills rec's residual and error columns, and the solver's final fields when ns is the last stage.
   residual_floor, the size of the rounding errors in the computed residual (a running-error
   estimate): with M_c = sum_s |eps_s| |N_s|_c the jet magnitudes of MSNetEvaluateMagnitude (sum over
   paths of |W| |a|, bounding what rounding in each dot product perturbs), the RMS over the
   evaluation points of  eps_mach (sum_c |dR/du_c| M_c + |f|). residual_floor_ideal is the same with the jet
   values |u_c| for M_c: the floor of an evaluation without cancellation, which M_c exceeds by the factor an
   ill-conditioned representation (terms of opposite signs, large against their sum) inflates it. */
#define MS_EVAL_SUMS 6 /* per chunk: res^2, err^2, exact^2, floor^2, count, ideal floor^2 */
PetscErrorCode MSSolverEvaluate_Private(MSSolver sol, PetscInt ns, MSStageRecord *rec)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sol);
  MSPointSet *ev;
  MSPDE       pde;
  MSJetSpec   spec;
  PetscBool   haseq;
  PetscReal  *U, *Mag, s[MS_EVAL_SUMS] = {0, 0, 0, 0, 0, 0}, m[2] = {0, 0}; /* sums (MS_EVAL_SUMS); max: res, err */
  PetscInt    C, nc, nch, *cs;
  PetscReal  *cv, *part, scale = 0.0;

  PetscFunctionBegin;
  PetscCall(MSProblemGetPointSet(sol->prob, MS_SET_EVAL, &ev));
  PetscCall(MSProblemGetPDE(sol->prob, &pde));
  PetscCall(MSPDEGetJetSpec(pde, &spec));
  PetscCall(MSPDEHasEquation(pde, &haseq));
  PetscCall(MSPDEGetCoefficients(pde, &nc, NULL, &cv));
  C = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1(PetscMax(C * ev->n, 1), &U));
  PetscCall(MSModelEvaluate(sol->model, ns, &spec, ev->n, ev->X, U));
  PetscCall(PetscMalloc1(PetscMax(C * ev->n, 1), &Mag));
  PetscCall(MSModelEvaluate_Private(sol->model, ns, &spec, ev->n, ev->X, PETSC_TRUE, Mag)); /* |g| + |D| M, term by term */
  PetscCall(PetscFree(sol->u));
  PetscCall(PetscFree(sol->res));
  PetscCall(PetscMalloc1(PetscMax(ev->n, 1), &sol->u));
  PetscCall(PetscCalloc1(PetscMax(ev->n, 1), &sol->res));
  PetscCall(MSPointSetGetChunks(ev, &nch, &cs));
  PetscCall(PetscCalloc1(MS_EVAL_SUMS * PetscMax(nch, 1), &part));
  /* the error's sums of squares are taken of values divided by max |exact| (the same on every rank):
     on a domain like [0, 1e-300] the squares would underflow to 0 and the relative error read 0 */
  for (PetscInt p = 0; ev->exact && p < ev->n; p++) scale = PetscMax(scale, PetscAbsReal(ev->exact[p]));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &scale, 1, MPIU_REAL, MPIU_MAX, comm));
  if (!(scale > 0) || PetscIsInfOrNanReal(scale)) scale = 1.0;
  for (PetscInt p = 0, c = 0; p < ev->n; p++) {
    if (p == cs[c + 1]) { /* the next chunk: its sums start from zero (rank-independent totals) */
      PetscCall(PetscArraycpy(part + MS_EVAL_SUMS * c, s, MS_EVAL_SUMS));
      PetscCall(PetscArrayzero(s, MS_EVAL_SUMS));
      c++;
    }
    s[4] += 1;
    sol->u[p] = U[p];
    if (haseq) {
      MSDual jets[1 + 2 * MS_JET_DIM + 3], coef[MSPDE_MAX_COEF], R;
      PetscReal mag = PetscAbsReal(ev->f[p]), ideal = mag;
      for (PetscInt c = 0; c < C; c++) jets[c] = MSDualVar(U[c * ev->n + p], (int)c);
      for (PetscInt k = 0; k < nc; k++) coef[k] = MSDualConst(cv[k]);
      PetscCall(MSPDEResidual(pde, ev->X + p * ev->dim, jets, coef, ev->f[p], &R));
      for (PetscInt c = 0; c < C; c++) {
        mag += PetscAbsReal(R.d[c]) * Mag[c * ev->n + p];
        ideal += PetscAbsReal(R.d[c] * U[c * ev->n + p]);
      }
      sol->res[p] = R.v;
      s[0] += R.v * R.v;
      s[3] += PetscSqr(PETSC_MACHINE_EPSILON * mag);
      s[5] += PetscSqr(PETSC_MACHINE_EPSILON * ideal);
      m[0] = PetscMax(m[0], PetscAbsReal(R.v));
    } else if (ev->exact) { /* a fit's equation is u = data */
      sol->res[p] = U[p] - ev->exact[p];
      s[0] += sol->res[p] * sol->res[p];
      s[3] += PetscSqr(PETSC_MACHINE_EPSILON * (Mag[p] + PetscAbsReal(ev->exact[p])));
      s[5] += PetscSqr(PETSC_MACHINE_EPSILON * (PetscAbsReal(U[p]) + PetscAbsReal(ev->exact[p])));
      m[0] = PetscMax(m[0], PetscAbsReal(sol->res[p]));
    }
    if (ev->exact) {
      PetscReal e = U[p] - ev->exact[p];
      s[1] += PetscSqr(e / scale);
      s[2] += PetscSqr(ev->exact[p] / scale);
      m[1] = PetscMax(m[1], PetscAbsReal(e));
    }
  }
  if (nch > 0) PetscCall(PetscArraycpy(part + MS_EVAL_SUMS * (nch - 1), s, MS_EVAL_SUMS));
  PetscCall(PetscFree(U));
  PetscCall(PetscFree(Mag));
  PetscCall(MSDDAllreduceScalars(comm, nch, MS_EVAL_SUMS, part, s));
  PetscCall(PetscFree(part));
  PetscCall(PetscFree(cs));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, m, 2, MPIU_REAL, MPIU_MAX, comm));
  PetscCheck(s[4] > 0, comm, PETSC_ERR_ARG_WRONG, "The evaluation set is empty");
  rec->res_rms   = PetscSqrtReal(s[0] / s[4]);
  rec->res_max   = m[0];
  rec->err_l2    = ev->exact ? (s[2] > 0 ? PetscSqrtReal(s[1] / s[2]) : scale * PetscSqrtReal(s[1] / s[4])) : -1.0;
  rec->err_max   = ev->exact ? m[1] : -1.0;
  sol->res_rms   = rec->res_rms;
  sol->res_max   = rec->res_max;
  sol->res_floor = PetscSqrtReal(s[3] / s[4]);
  sol->res_floor_ideal = PetscSqrtReal(s[5] / s[4]);
  sol->err_l2    = rec->err_l2;
  sol->err_max   = rec->err_max;
  sol->hasexact  = ev->exact ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}
