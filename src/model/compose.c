/* The composite solution of the first ns stages of a model at n points: the jets
     U = sum_s eps_s N_s                                      (no ansatz), or
     U = g + D sum_{s < m} eps_s N_s + sum_{m <= s < ns} eps_s N_s   (ansatz (g, D) on stages 1..m),
   with magnitude the running-error magnitudes instead (every term in absolute value, |N_s| from
   MSNetEvaluateMagnitude), for the round-off floor. One implementation for the solver's evaluation
   (src/stage/evaluate.c) and for a saved model evaluated again (-load, src/io/model.c). */
#include <mspinn/private/modelimpl.h>

PetscErrorCode MSModelCompose_Private(const MSModelStages *m, PetscInt ns, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscBool magnitude, PetscReal U[])
{
  PetscInt   C = MSJetSpecNumChannels(spec);
  PetscReal *Us, *Uf = NULL;
  PetscBool  free = (m->ansatz && m->ansatz_stages > 0 && ns > m->ansatz_stages) ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(U, C * n));
  PetscCall(PetscMalloc1(PetscMax(C * n, 1), &Us));
  if (free) PetscCall(PetscCalloc1(PetscMax(C * n, 1), &Uf)); /* stages after ansatz_stages: not multiplied by D */
  for (PetscInt s = 0; s < ns; s++) {
    PetscReal *to = (free && s >= m->ansatz_stages) ? Uf : U;
    if (magnitude) PetscCall(MSNetEvaluateMagnitude(m->nets[s], spec, n, X, Us));
    else PetscCall(MSNetEvaluate(m->nets[s], spec, n, X, Us));
    for (PetscInt q = 0; q < C * n; q++) to[q] += (magnitude ? PetscAbsReal(m->eps[s]) : m->eps[s]) * Us[q];
  }
  if (m->ansatz) PetscCall(MSAnsatzApply_Private(m->ansatz, spec, n, X, U, magnitude)); /* u = g + D U */
  if (free)
    for (PetscInt q = 0; q < C * n; q++) U[q] += Uf[q];
  PetscCall(PetscFree(Us));
  PetscCall(PetscFree(Uf));
  PetscFunctionReturn(0);
}
