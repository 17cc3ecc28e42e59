/* MSModel: the stages of a multi-stage solution and how they compose,
     U = sum_s eps_s N_s                                                (no ansatz), or
     U = g + D sum_{s < m} eps_s N_s + sum_{m <= s < ns} eps_s N_s      (ansatz (g, D) on stages 1..m, m = 0: all),
   evaluated as jets at any points. The solver builds one (MSSolverGetModel); the output writes it
   (MSModelView, src/io/model.c) and -load and -resume read it back (MSModelLoad). */
#include <mspinn/private/modelimpl.h>
#include <mspinn/private/netimpl.h>
#include <string.h>

PetscClassId MSMODEL_CLASSID;

PetscErrorCode MSModelCreate(MPI_Comm comm, MSModel *model)
{
  MSModel m;

  PetscFunctionBegin;
  PetscValidPointer(model, 2);
  PetscCall(MSInitializePackage());
  PetscCall(PetscHeaderCreate(m, MSMODEL_CLASSID, "MSModel", "Multi-stage model", "MSModel", comm, MSModelDestroy, MSModelView));
  *model = m;
  PetscFunctionReturn(0);
}

/* the names of the inputs (x, y, z, t): the variables of the ansatz's expressions and of the saved model */
PetscErrorCode MSModelSetInputNames(MSModel model, PetscInt nin, const char *const names[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCheck(nin >= 1 && nin <= MS_JET_DIM, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_OUTOFRANGE,
             "A model has 1 to %d inputs, not %" PetscInt_FMT, MS_JET_DIM, nin);
  PetscCheck(!model->hasansatz, PetscObjectComm((PetscObject)model), PETSC_ERR_ORDER, "Name the model's inputs before setting its ansatz");
  model->nin = nin;
  for (PetscInt i = 0; i < nin; i++) PetscCall(PetscStrncpy(model->inputs[i], names[i], MS_MODEL_NAME_LEN));
  PetscFunctionReturn(0);
}

PetscErrorCode MSModelGetInputName(MSModel model, PetscInt i, const char **name)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCheck(i >= 0 && i < model->nin, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_OUTOFRANGE,
             "Input %" PetscInt_FMT " of a model with %" PetscInt_FMT, i, model->nin);
  *name = model->inputs[i];
  PetscFunctionReturn(0);
}

/* u = g + D sum_{s < stages} eps_s N_s + ... (stages = 0: D multiplies every stage); lift and distance are
   expressions in the input names; "" and "" remove the ansatz */
PetscErrorCode MSModelSetAnsatz(MSModel model, const char lift[], const char distance[], PetscInt stages)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)model);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCall(MSAnsatzDestroy_Private(model->ansatz));
  model->hasansatz         = PETSC_FALSE;
  model->ansatz_text[0][0] = model->ansatz_text[1][0] = 0;
  model->ansatz_stages     = 0;
  if (!lift[0] && !distance[0]) PetscFunctionReturn(0);
  PetscCheck(lift[0] && distance[0], comm, PETSC_ERR_ARG_WRONG, "A model's ansatz needs both the lift and the distance");
  PetscCheck(model->nin >= 1, comm, PETSC_ERR_ORDER, "Name the model's inputs (MSModelSetInputNames) before setting its ansatz");
  PetscCheck(stages >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "The ansatz multiplies a non-negative number of stages, not %" PetscInt_FMT, stages);
  PetscCheck(strlen(lift) < MS_MODEL_TEXT_LEN && strlen(distance) < MS_MODEL_TEXT_LEN, comm, PETSC_ERR_ARG_SIZ,
             "Ansatz expressions are limited to %d characters", MS_MODEL_TEXT_LEN - 1);
  {
    const char *const texts[2] = {lift, distance};
    const char       *vars[MS_JET_DIM];
    for (PetscInt i = 0; i < model->nin; i++) vars[i] = model->inputs[i];
    PetscCall(MSAnsatzCreate_Private(comm, texts, model->nin, vars, model->ansatz));
  }
  PetscCall(PetscStrncpy(model->ansatz_text[0], lift, MS_MODEL_TEXT_LEN));
  PetscCall(PetscStrncpy(model->ansatz_text[1], distance, MS_MODEL_TEXT_LEN));
  model->ansatz_stages = stages;
  model->hasansatz     = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* the ansatz's texts ("" and "" without one) and how many stages D multiplies (0: all) */
PetscErrorCode MSModelGetAnsatz(MSModel model, const char **lift, const char **distance, PetscInt *stages)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  if (lift) *lift = model->ansatz_text[0];
  if (distance) *distance = model->ansatz_text[1];
  if (stages) *stages = model->ansatz_stages;
  PetscFunctionReturn(0);
}

/* appends eps N as the next stage (the model takes a reference to the network) */
PetscErrorCode MSModelAddStage(MSModel model, MSNet net, PetscReal eps)
{
  PetscInt s, d;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscValidHeaderSpecific(net, MSNET_CLASSID, 2);
  s = model->nstages;
  PetscCheck(s < MS_MAX_STAGES, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_OUTOFRANGE, "A model has at most %d stages", MS_MAX_STAGES);
  PetscCall(MSNetGetInputDimension(net, &d));
  PetscCheck(model->nin == 0 || d == model->nin, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_INCOMP,
             "A network of %" PetscInt_FMT " inputs added to a model of %" PetscInt_FMT, d, model->nin);
  PetscCall(PetscObjectReference((PetscObject)net));
  PetscCall(MSNetDestroy(&model->net[s]));
  model->net[s]  = net;
  model->eps[s]  = eps;
  model->nstages = s + 1;
  PetscFunctionReturn(0);
}

PetscErrorCode MSModelGetNumStages(MSModel model, PetscInt *ns)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  *ns = model->nstages;
  PetscFunctionReturn(0);
}

/* stage s (0-based): its network (borrowed) and eps */
PetscErrorCode MSModelGetStage(MSModel model, PetscInt s, MSNet *net, PetscReal *eps)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCheck(s >= 0 && s < model->nstages, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_OUTOFRANGE,
             "Stage %" PetscInt_FMT " of a model of %" PetscInt_FMT, s, model->nstages);
  if (net) *net = model->net[s];
  if (eps) *eps = model->eps[s];
  PetscFunctionReturn(0);
}

/* the jets of the first ns stages at the n points X, channel c at U + c n; with magnitude the running-error
   magnitudes instead (every term in absolute value, |N_s| from MSNetEvaluateMagnitude), for the round-off floor */
PetscErrorCode MSModelEvaluate_Private(MSModel m, PetscInt ns, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscBool magnitude,
                                       PetscReal U[])
{
  PetscInt   C = MSJetSpecNumChannels(spec);
  PetscReal *Us, *Uf = NULL;
  PetscBool  free = (m->hasansatz && m->ansatz_stages > 0 && ns > m->ansatz_stages) ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  PetscCheck(ns >= 0 && ns <= MS_MAX_STAGES, PetscObjectComm((PetscObject)m), PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " stages of a model", ns);
  PetscCall(PetscArrayzero(U, C * n));
  PetscCall(PetscMalloc1(PetscMax(C * n, 1), &Us));
  if (free) PetscCall(PetscCalloc1(PetscMax(C * n, 1), &Uf)); /* stages after ansatz_stages: not multiplied by D */
  for (PetscInt s = 0; s < ns; s++) {
    PetscReal *to = (free && s >= m->ansatz_stages) ? Uf : U;
    if (magnitude) PetscCall(MSNetEvaluateMagnitude(m->net[s], spec, n, X, Us));
    else PetscCall(MSNetEvaluate(m->net[s], spec, n, X, Us));
    for (PetscInt q = 0; q < C * n; q++) to[q] += (magnitude ? PetscAbsReal(m->eps[s]) : m->eps[s]) * Us[q];
  }
  if (m->hasansatz) PetscCall(MSAnsatzApply_Private(m->ansatz, spec, n, X, U, magnitude)); /* u = g + D U */
  if (free)
    for (PetscInt q = 0; q < C * n; q++) U[q] += Uf[q];
  PetscCall(PetscFree(Us));
  PetscCall(PetscFree(Uf));
  PetscFunctionReturn(0);
}

/* u and its derivatives (the channels of spec) from the first ns stages at the n points X[p * dim + i] */
PetscErrorCode MSModelEvaluate(MSModel model, PetscInt ns, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCall(MSModelEvaluate_Private(model, ns, spec, n, X, PETSC_FALSE, U));
  PetscFunctionReturn(0);
}

/* what stage s adds to u: eps_s N_s, times D where the ansatz multiplies stage s (the product's jets) */
PetscErrorCode MSModelEvaluateStage(MSModel model, PetscInt s, const MSJetSpec *spec, PetscInt n, const PetscReal X[], PetscReal U[])
{
  PetscInt C = MSJetSpecNumChannels(spec);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCheck(s >= 0 && s < model->nstages, PetscObjectComm((PetscObject)model), PETSC_ERR_ARG_OUTOFRANGE,
             "Stage %" PetscInt_FMT " of a model of %" PetscInt_FMT, s, model->nstages);
  PetscCall(MSNetEvaluate(model->net[s], spec, n, X, U));
  for (PetscInt q = 0; q < C * n; q++) U[q] *= model->eps[s];
  if (model->hasansatz && (model->ansatz_stages == 0 || s < model->ansatz_stages)) {
    PetscReal *D;
    PetscCall(PetscMalloc1(PetscMax(C * n, 1), &D));
    PetscCall(MSAnsatzJets_Private(model->ansatz, spec, n, X, n, NULL, D));
    MSAnsatzMultiply_Private(spec, n, D, n, U, PETSC_FALSE);
    PetscCall(PetscFree(D));
  }
  PetscFunctionReturn(0);
}

/* ASCII: the stages (parameters, kappa, eps) and the ansatz; HDF5: the /model group (src/io/model.c) */
PetscErrorCode MSModelView(MSModel model, PetscViewer viewer)
{
  PetscBool ascii, hdf5;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)model), &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERHDF5, &hdf5));
  if (hdf5) PetscCall(MSModelViewHDF5_Private(model, viewer));
  if (!ascii) PetscFunctionReturn(0);
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)model, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "stages %" PetscInt_FMT ", inputs %" PetscInt_FMT "\n", model->nstages, model->nin));
  if (model->hasansatz)
    PetscCall(PetscViewerASCIIPrintf(viewer, "ansatz u = (%s) + (%s) * (stages 1..%" PetscInt_FMT ")\n", model->ansatz_text[0], model->ansatz_text[1],
                                     model->ansatz_stages ? model->ansatz_stages : model->nstages));
  for (PetscInt s = 0; s < model->nstages; s++) {
    PetscInt  P;
    PetscReal kappa;
    PetscCall(MSNetGetNumParameters(model->net[s], &P));
    PetscCall(MSNetGetFirstLayerScale(model->net[s], &kappa));
    PetscCall(PetscViewerASCIIPrintf(viewer, "stage %" PetscInt_FMT ": %" PetscInt_FMT " parameters, kappa %g, eps %g\n", s + 1, P, (double)kappa,
              (double)model->eps[s]));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode MSModelDestroy(MSModel *model)
{
  PetscFunctionBegin;
  if (!*model) PetscFunctionReturn(0);
  PetscValidHeaderSpecific(*model, MSMODEL_CLASSID, 1);
  if (--((PetscObject)(*model))->refct > 0) {
    *model = NULL;
    PetscFunctionReturn(0);
  }
  for (PetscInt s = 0; s < MS_MAX_STAGES; s++) PetscCall(MSNetDestroy(&(*model)->net[s]));
  PetscCall(MSAnsatzDestroy_Private((*model)->ansatz));
  PetscCall(PetscHeaderDestroy(model));
  PetscFunctionReturn(0);
}
