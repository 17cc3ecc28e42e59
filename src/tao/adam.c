/* TAOADAM ("adam"): Adam (Kingma & Ba, ICLR 2015, Algorithm 1) as a TAO type, for objective +
   gradient problems:
     m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
     x -= lr_k (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps),
   with the learning rate lr_k = lr decay^(k / decay_steps) (-tao_adam_decay, -tao_adam_decay_steps).
   Stops on TAO's tests (fmin as a loss target, gradient tolerances, max_it). TaoSetUpdate's
   routine, if any, runs at the top of every iteration (e.g. to resample collocation points). */
#include <petsc/private/taoimpl.h>
#include <mspinn.h>
#include <mspinn/private/taoutil.h>

typedef struct {
  PetscReal lr, beta1, beta2, eps, decay, decay_steps, lr_now;
  Vec       m, v;
} TAO_ADAM;

PetscErrorCode TaoAdamGetLearningRate(Tao tao, PetscReal *lr)
{
  PetscBool same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOADAM, &same));
  *lr = same ? ((TAO_ADAM *)tao->data)->lr_now : 0.0;
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetUp_Adam(Tao tao)
{
  TAO_ADAM *a = (TAO_ADAM *)tao->data;

  PetscFunctionBegin;
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!a->m) PetscCall(VecDuplicate(tao->solution, &a->m));
  if (!a->v) PetscCall(VecDuplicate(tao->solution, &a->v));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSolve_Adam(Tao tao)
{
  TAO_ADAM    *a = (TAO_ADAM *)tao->data;
  PetscReal    f, gnorm, b1k = 1.0, b2k = 1.0;
  PetscInt     n;
  PetscScalar *x, *m, *v;
  const PetscScalar *g;

  PetscFunctionBegin;
  PetscCall(VecSet(a->m, 0.0));
  PetscCall(VecSet(a->v, 0.0));
  tao->reason = TAO_CONTINUE_ITERATING;
  tao->niter  = 0;
  a->lr_now   = a->lr;
  PetscCall(TaoComputeObjectiveAndGradient(tao, tao->solution, &f, tao->gradient));
  PetscCall(VecNorm(tao->gradient, NORM_2, &gnorm));
  while (1) {
    PetscCheck(!PetscIsInfOrNanReal(f), PetscObjectComm((PetscObject)tao), PETSC_ERR_FP, "Adam: the loss is %g (NaN or Inf): lower -tao_adam_lr", (double)f);
    PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
    PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, a->lr_now));
    PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
    if (tao->reason != TAO_CONTINUE_ITERATING) break;
    PetscTryTypeMethod(tao, update, tao->niter, tao->user_update);
    tao->niter++;
    b1k *= a->beta1;
    b2k *= a->beta2;
    a->lr_now = a->lr * PetscPowReal(a->decay, tao->niter / a->decay_steps);
    PetscCall(VecGetLocalSize(tao->solution, &n));
    PetscCall(VecGetArray(tao->solution, &x));
    PetscCall(VecGetArray(a->m, &m));
    PetscCall(VecGetArray(a->v, &v));
    PetscCall(VecGetArrayRead(tao->gradient, &g));
    for (PetscInt i = 0; i < n; i++) {
      m[i] = a->beta1 * m[i] + (1 - a->beta1) * g[i];
      v[i] = a->beta2 * v[i] + (1 - a->beta2) * g[i] * g[i];
      x[i] -= a->lr_now * (m[i] / (1 - b1k)) / (PetscSqrtReal(v[i] / (1 - b2k)) + a->eps);
    }
    PetscCall(VecRestoreArrayRead(tao->gradient, &g));
    PetscCall(VecRestoreArray(a->v, &v));
    PetscCall(VecRestoreArray(a->m, &m));
    PetscCall(VecRestoreArray(tao->solution, &x));
    PetscCall(PetscLogFlops(12.0 * n));
    PetscCall(TaoComputeObjectiveAndGradient(tao, tao->solution, &f, tao->gradient));
    PetscCall(VecNorm(tao->gradient, NORM_2, &gnorm));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoSetFromOptions_Adam(Tao tao, PetscOptionItems *PetscOptionsObject)
{
  TAO_ADAM *a = (TAO_ADAM *)tao->data;

  PetscFunctionBegin;
  PetscCall(MSTaoCheckGenericOptions_Private(tao, PetscOptionsObject));
  PetscOptionsHeadBegin(PetscOptionsObject, "Adam options");
  PetscCall(PetscOptionsReal("-tao_adam_lr", "Learning rate", "TAOADAM", a->lr, &a->lr, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_beta1", "Decay of the first moment", "TAOADAM", a->beta1, &a->beta1, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_beta2", "Decay of the second moment", "TAOADAM", a->beta2, &a->beta2, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_epsilon", "Denominator guard", "TAOADAM", a->eps, &a->eps, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_decay", "Learning-rate factor per -tao_adam_decay_steps iterations", "TAOADAM", a->decay, &a->decay, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_decay_steps", "Iterations over which the learning rate drops by -tao_adam_decay", "TAOADAM", a->decay_steps, &a->decay_steps, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(a->lr > 0, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_adam_lr must be positive, not %g", (double)a->lr);
  PetscCheck(a->beta1 >= 0 && a->beta1 < 1 && a->beta2 >= 0 && a->beta2 < 1, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_adam_beta1/-tao_adam_beta2 must be in [0, 1)");
  PetscCheck(a->decay > 0 && a->decay <= 1 && a->decay_steps > 0, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE, "-tao_adam_decay must be in (0, 1] and -tao_adam_decay_steps positive");
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoView_Adam(Tao tao, PetscViewer viewer)
{
  TAO_ADAM *a = (TAO_ADAM *)tao->data;
  PetscBool isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (isascii) PetscCall(PetscViewerASCIIPrintf(viewer, "  Adam: lr %g (now %g), beta1 %g, beta2 %g, decay %g per %g iterations\n", (double)a->lr, (double)a->lr_now, (double)a->beta1, (double)a->beta2, (double)a->decay, (double)a->decay_steps));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoDestroy_Adam(Tao tao)
{
  TAO_ADAM *a = (TAO_ADAM *)tao->data;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&a->m));
  PetscCall(VecDestroy(&a->v));
  PetscCall(PetscFree(tao->data));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_Adam(Tao tao)
{
  TAO_ADAM *a;

  PetscFunctionBegin;
  PetscCall(PetscNew(&a));
  a->lr          = 1e-3;
  a->beta1       = 0.9;
  a->beta2       = 0.999;
  a->eps         = 1e-8;
  a->decay       = 1.0;
  a->decay_steps = 1000;
  tao->data      = a;
  tao->ops->setup          = TaoSetUp_Adam;
  tao->ops->solve          = TaoSolve_Adam;
  tao->ops->setfromoptions = TaoSetFromOptions_Adam;
  tao->ops->view           = TaoView_Adam;
  tao->ops->destroy        = TaoDestroy_Adam;
  if (!tao->max_it_changed) tao->max_it = 10000;
  if (!tao->gatol_changed) tao->gatol = 0.0;
  if (!tao->grtol_changed) tao->grtol = 0.0;
  if (!tao->gttol_changed) tao->gttol = 0.0;
  PetscFunctionReturn(0);
}
