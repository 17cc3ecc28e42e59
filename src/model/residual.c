/* The residual of a model's composite solution for a problem, at any points. */
#include <mspinn/private/modelimpl.h>

/* the residual of the composite of the first ns stages at the n points X: the PDE residual
   R(x, u, du, d2u; coefficients) - f, or for a fit the misfit u - exact */
PetscErrorCode MSModelResidual(MSModel model, MSProblem prob, PetscInt ns, PetscInt n, const PetscReal X[], PetscReal R[])
{
  MSPDE      pde;
  MSJetSpec  spec;
  PetscBool  haseq;
  PetscReal *U, *cv;
  PetscInt   C, nc, d;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscValidHeaderSpecific(prob, MSPROBLEM_CLASSID, 2);
  PetscCall(MSProblemGetPDE(prob, &pde));
  PetscCall(MSPDEGetJetSpec(pde, &spec));
  PetscCall(MSPDEHasEquation(pde, &haseq));
  PetscCall(MSPDEGetCoefficients(pde, &nc, NULL, &cv));
  PetscCheck(haseq || prob->exact, PetscObjectComm((PetscObject)model), PETSC_ERR_SUP,
             "The misfit of a fit to data away from the data points is unknown");
  d = spec.dim;
  C = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1(PetscMax(C * n, 1), &U));
  PetscCall(MSModelEvaluate(model, ns, &spec, n, X, U));
  for (PetscInt p = 0; p < n; p++) {
    if (haseq) {
      MSDual    jets[MS_ANSATZ_CHANNELS], coef[MSPDE_MAX_COEF], r;
      PetscReal f;
      for (PetscInt c = 0; c < C; c++) jets[c] = MSDualConst(U[c * n + p]);
      for (PetscInt k = 0; k < nc; k++) coef[k] = MSDualConst(cv[k]);
      PetscCall(MSProblemSourceAt_Private(prob, X + p * d, &f));
      PetscCall(MSPDEResidual(pde, X + p * d, jets, coef, f, &r));
      R[p] = r.v;
    } else {
      PetscReal e;
      PetscCall(MSExprEvaluate(prob->exact, X + p * d, &e));
      R[p] = U[p] - e;
    }
  }
  PetscCall(PetscFree(U));
  PetscFunctionReturn(0);
}
