/* The trained model in the output file, and evaluating it again without training.

   /model/stage_<s>/shape       [inputs, hidden layers, widths..., activation of each hidden layer]
   /model/stage_<s>/scalars     [kappa, output scale, eps]
   /model/stage_<s>/parameters  the network's parameters (MSNet layout)
   /model/stages                [number of stages]
   /model attributes inputs ("x,t"), and ansatz_lift, ansatz_distance, ansatz_stages when trained with
   an ansatz
   u = sum_s eps_s N_s(x) (or g + D sum_{s <= m} eps_s N_s + sum_{s > m} eps_s N_s, m = ansatz_stages,
   0 for all stages). Written by MSModelView through PETSc's HDF5 viewer, read back by MSModelLoad with
   MSH5ReadDataset. */
#include <mspinn/private/ioimpl.h>
#include <mspinn/private/netimpl.h>
#include <mspinn/private/modelimpl.h>
#include <petscviewerhdf5.h>
#include <hdf5.h>
#include <string.h>
#include <stdio.h>

/* the /model group (MSModelView with an HDF5 viewer) */
PetscErrorCode MSModelViewHDF5_Private(MSModel model, PetscViewer v)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)model);
  PetscReal ns   = model->nstages;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5PushGroup(v, "/model"));
  PetscCall(MSWriteRootArray_Private(v, comm, "stages", 1, 1, &ns));
  PetscCall(PetscViewerHDF5PopGroup(v));
  { /* the names of the inputs, e.g. "x,t" */
    char names[MS_JET_DIM * (MS_MODEL_NAME_LEN + 1)] = "";
    for (PetscInt i = 0; i < model->nin; i++) {
      if (i) PetscCall(PetscStrlcat(names, ",", sizeof(names)));
      PetscCall(PetscStrlcat(names, model->inputs[i], sizeof(names)));
    }
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "inputs", PETSC_STRING, names));
  }
  if (model->hasansatz) { /* u = g + D sum_s eps_s N_s: the model needs g and D */
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_lift", PETSC_STRING, model->ansatz_text[0]));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_distance", PETSC_STRING, model->ansatz_text[1]));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_stages", PETSC_INT, &model->ansatz_stages));
  }
  for (PetscInt s = 0; s < model->nstages; s++) {
    MSNet            net = model->net[s];
    char             group[64];
    PetscReal        shape[2 + 2 * MSNET_MAX_LAYERS], scal[3] = {net->kappa, net->outscale, model->eps[s]};
    const PetscReal *p;
    PetscInt         n = 0;
    shape[n++] = net->dim;
    shape[n++] = net->nhidden;
    for (PetscInt l = 0; l < net->nhidden; l++) shape[n++] = net->width[l];
    for (PetscInt l = 0; l < net->nhidden; l++) shape[n++] = net->act[l];
    PetscCall(PetscSNPrintf(group, sizeof(group), "/model/stage_%" PetscInt_FMT, s + 1));
    PetscCall(PetscViewerHDF5PushGroup(v, group));
    PetscCall(MSWriteRootArray_Private(v, comm, "shape", n, 1, shape));
    PetscCall(MSWriteRootArray_Private(v, comm, "scalars", 3, 1, scal));
    if (net->nper) { /* the period of each input, 0: not periodic (absent: none is) */
      PetscReal periods[MS_JET_DIM];
      for (PetscInt i = 0; i < net->dim; i++) PetscCall(MSNetGetPeriod(net, i, &periods[i]));
      PetscCall(MSWriteRootArray_Private(v, comm, "periods", net->dim, 1, periods));
    }
    PetscCall(VecGetArrayRead(net->params, &p));
    PetscCall(MSWriteRootArray_Private(v, comm, "parameters", net->P, 1, p));
    PetscCall(VecRestoreArrayRead(net->params, &p));
    PetscCall(PetscViewerHDF5PopGroup(v));
  }
  PetscFunctionReturn(0);
}

/* a string attribute of /model ("" when absent) */
static PetscErrorCode MSModelStringAttribute_Private(const char file[], const char attr[], char buf[], size_t len)
{
  hid_t f, g, a, t;

  PetscFunctionBegin;
  buf[0] = 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if ((f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) PetscFunctionReturn(0);
  if ((g = H5Gopen2(f, "/model", H5P_DEFAULT)) >= 0) {
    if ((a = H5Aopen(g, attr, H5P_DEFAULT)) >= 0) {
      t = H5Aget_type(a);
      if (H5Tget_size(t) < len && H5Aread(a, t, buf) >= 0) buf[H5Tget_size(t)] = 0;
      else buf[0] = 0;
      H5Tclose(t);
      H5Aclose(a);
    }
    H5Gclose(g);
  }
  H5Fclose(f);
  PetscFunctionReturn(0);
}

/* an integer attribute of /model (0 when absent) */
static PetscErrorCode MSModelIntAttribute_Private(const char file[], const char attr[], PetscInt *value)
{
  hid_t     f, g, a;
  long long buf = 0;

  PetscFunctionBegin;
  *value = 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if ((f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) PetscFunctionReturn(0);
  if ((g = H5Gopen2(f, "/model", H5P_DEFAULT)) >= 0) {
    if ((a = H5Aopen(g, attr, H5P_DEFAULT)) >= 0) {
      if (H5Aread(a, H5T_NATIVE_LLONG, &buf) >= 0) *value = (PetscInt)buf;
      H5Aclose(a);
    }
    H5Gclose(g);
  }
  H5Fclose(f);
  PetscFunctionReturn(0);
}

/* the "inputs" attribute of /model ("x,t"), or x,y,z */
static PetscErrorCode MSModelInputNames_Private(const char file[], PetscInt nin, char names[][MS_MODEL_NAME_LEN])
{
  static const char *const var[] = {"x", "y", "z"};
  char                     buf[64];
  char                    *tok, *save = NULL;
  PetscInt                 k = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nin; i++) PetscCall(PetscStrncpy(names[i], var[i], MS_MODEL_NAME_LEN));
  PetscCall(MSModelStringAttribute_Private(file, "inputs", buf, sizeof(buf)));
  for (tok = strtok_r(buf, ",", &save); tok && k < nin; tok = strtok_r(NULL, ",", &save)) PetscCall(PetscStrncpy(names[k++], tok, MS_MODEL_NAME_LEN));
  PetscFunctionReturn(0);
}

/* the periods of stage s's inputs, when the file has them (/model/stage_<s>/periods) */
static PetscErrorCode MSModelLoadPeriods_Private(MPI_Comm comm, const char file[], PetscInt s, MSNet net)
{
  char       name[96];
  PetscBool  has;
  PetscInt   nd, dims[8];
  PetscReal *periods;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/periods", s + 1));
  PetscCall(MSH5HasDataset(file, name, &has));
  if (!has) PetscFunctionReturn(0);
  PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &periods));
  PetscCheck(nd == 1 && dims[0] == net->dim, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: %s should hold %" PetscInt_FMT " periods", file, name,
             net->dim);
  for (PetscInt i = 0; i < net->dim; i++) {
    PetscCheck(periods[i] >= 0 && periods[i] < PETSC_INFINITY, comm, PETSC_ERR_FILE_UNEXPECTED,
               "-load %s: %s gives input %" PetscInt_FMT " the period %g", file, name, i + 1, (double)periods[i]);
    PetscCall(MSNetSetPeriodic(net, i, periods[i]));
  }
  PetscCall(PetscFree(periods));
  PetscFunctionReturn(0);
}

/* stage s of the model in file: its network and eps */
static PetscErrorCode MSModelLoadStage_Private(MPI_Comm comm, const char file[], PetscInt s, MSNet *netp, PetscReal *eps)
{
  PetscInt   nd, dims[8], widths[MSNET_MAX_LAYERS], nl, P, np;
  MSNet      net;
  char       name[96];
  PetscReal *shape, *scal, *p;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/shape", s + 1));
  PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &shape));
  PetscCheck(nd == 1 && dims[0] >= 2 && shape[1] >= 1 && shape[1] < MSNET_MAX_LAYERS, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: malformed %s",
             file, name);
  nl = (PetscInt)shape[1];
  PetscCheck(dims[0] == 2 + 2 * nl && shape[0] >= 1 && shape[0] <= MS_JET_DIM, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: malformed %s", file,
             name);
  for (PetscInt l = 0; l < nl; l++) { /* widths positive, activation codes known: else u would be garbage with exit 0 */
    PetscReal w = shape[2 + l], a = shape[2 + nl + l];
    PetscCheck(w >= 1 && w <= PETSC_MAX_INT && w == PetscFloorReal(w), comm, PETSC_ERR_FILE_UNEXPECTED,
               "-load %s: %s gives layer %" PetscInt_FMT " the width %g", file, name, l + 1, (double)w);
    PetscCheck(a >= 0 && a < MS_NUM_ACTIVATIONS && a == PetscFloorReal(a), comm, PETSC_ERR_FILE_UNEXPECTED,
               "-load %s: %s gives layer %" PetscInt_FMT " the unknown activation code %g (known: 0 to %d)", file, name, l + 1, (double)a,
               MS_NUM_ACTIVATIONS - 1);
  }
  PetscCall(MSNetCreate(comm, &net));
  PetscCall(MSNetSetInputDimension(net, (PetscInt)shape[0]));
  for (PetscInt l = 0; l < nl; l++) widths[l] = (PetscInt)shape[2 + l];
  PetscCall(MSNetSetHiddenLayers(net, nl, widths));
  for (PetscInt l = 0; l < nl; l++) PetscCall(MSNetSetActivation(net, l, (MSActivation)(PetscInt)shape[2 + nl + l]));
  PetscCall(PetscFree(shape));
  PetscCall(MSModelLoadPeriods_Private(comm, file, s, net));
  PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/scalars", s + 1));
  PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &scal));
  PetscCheck(nd == 1 && dims[0] == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: malformed %s", file, name);
  PetscCall(MSNetSetFirstLayerScale(net, scal[0]));
  PetscCall(MSNetSetOutputScale(net, scal[1]));
  *eps = scal[2];
  PetscCall(PetscFree(scal));
  PetscCall(MSNetSetUp(net));
  PetscCall(MSNetGetNumParameters(net, &P));
  PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/parameters", s + 1));
  PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &p));
  np = dims[0];
  PetscCheck(nd == 1 && np == P, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: %s has %" PetscInt_FMT " values, the network %" PetscInt_FMT, file,
             name, np, P);
  PetscCall(MSNetSetParameters(net, p));
  PetscCall(PetscFree(p));
  *netp = net;
  PetscFunctionReturn(0);
}

/* the stages, input names and ansatz of a model written by MSModelView (the /model group of an output file);
   whatever the model held is replaced */
PetscErrorCode MSModelLoad(MSModel model, const char file[])
{
  MPI_Comm   comm = PetscObjectComm((PetscObject)model);
  PetscInt   nd, dims[8], ns, d, m;
  PetscReal *a;
  char       names[MS_JET_DIM][MS_MODEL_NAME_LEN], texts[2][MS_MODEL_TEXT_LEN];

  PetscFunctionBegin;
  PetscValidHeaderSpecific(model, MSMODEL_CLASSID, 1);
  PetscCall(MSH5ReadDataset(comm, "-load", file, "/model/stages", &nd, dims, &a));
  { /* checked as a real before the cast (a huge value cast to an integer is undefined) */
    const PetscReal stages = a[0];
    PetscCall(PetscFree(a));
    PetscCheck(stages >= 1 && stages <= MS_MAX_STAGES && stages == PetscFloorReal(stages), comm, PETSC_ERR_FILE_UNEXPECTED,
               "-load %s: /model/stages = %g is not a number of stages (1 to %d)", file, (double)stages, MS_MAX_STAGES);
    ns = (PetscInt)stages;
  }
  PetscCall(MSModelSetAnsatz(model, "", "", 0));
  for (PetscInt s = 0; s < MS_MAX_STAGES; s++) PetscCall(MSNetDestroy(&model->net[s]));
  model->nstages = 0;
  model->nin     = 0;
  for (PetscInt s = 0; s < ns; s++) {
    MSNet     net;
    PetscReal eps = 0.0;
    PetscCall(MSModelLoadStage_Private(comm, file, s, &net, &eps));
    PetscCall(MSModelAddStage(model, net, eps)); /* (every stage with the first one's inputs) */
    PetscCall(MSNetDestroy(&net));
    if (s == 0) PetscCall(MSNetGetInputDimension(model->net[0], &model->nin));
  }
  d = model->nin;
  PetscCall(MSModelInputNames_Private(file, d, names));
  {
    const char *vars[MS_JET_DIM];
    for (PetscInt i = 0; i < d; i++) vars[i] = names[i];
    PetscCall(MSModelSetInputNames(model, d, vars));
  }
  PetscCall(MSModelStringAttribute_Private(file, "ansatz_lift", texts[0], sizeof(texts[0])));
  PetscCall(MSModelStringAttribute_Private(file, "ansatz_distance", texts[1], sizeof(texts[1])));
  PetscCall(MSModelIntAttribute_Private(file, "ansatz_stages", &m));
  PetscCheck(!texts[0][0] == !texts[1][0], comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: /model has only one of ansatz_lift and ansatz_distance", file);
  PetscCheck(m >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: /model's ansatz_stages = %" PetscInt_FMT " is negative", file, m);
  PetscCall(MSModelSetAnsatz(model, texts[0], texts[1], m));
  PetscFunctionReturn(0);
}

/* what -load writes: the points and u with its derivatives (channel c at U + c N) */
typedef struct {
  PetscInt         N, d, C;
  const PetscReal *X, *U;
  const MSJetSpec *spec;
  const char      *inputs[MS_JET_DIM];
} MSLoadOutput;

static PetscErrorCode MSModelWriteEvaluation_Private(PetscViewer v, void *ctx)
{
  MSLoadOutput *out  = (MSLoadOutput *)ctx;
  MPI_Comm      comm = PetscObjectComm((PetscObject)v);

  PetscFunctionBegin;
  PetscCall(MSWriteRootArray_Private(v, comm, "points", out->N, out->d, out->X));
  PetscCall(MSWriteRootArray_Private(v, comm, "u", out->N, 1, out->U));
  for (PetscInt c = 1; c < out->C; c++) { /* the derivatives u_<a>, u_<a><b> */
    char name[32];
    PetscCall(MSJetSpecChannelName(out->spec, out->inputs, c, name, sizeof(name)));
    PetscCall(MSWriteRootArray_Private(v, comm, name, out->N, 1, out->U + c * out->N));
  }
  PetscFunctionReturn(0);
}

/* -load FILE -eval_points POINTS.h5 [-eval_dataset /eval/points] -output OUT.h5: u and its first
   and second derivatives at the points, written as /points, /u, /u_<a>, /u_<a><b> (a, b the input
   names), from a model saved by a training run; atomically (temporary file, then rename). */
PetscErrorCode MSModelEvaluateToFile(MPI_Comm comm, const char load[], const char pointsfile[], const char dataset[], const char output[])
{
  MSModel   model;
  PetscReal *X, *U;
  PetscInt  ns, nd, dims[8], N, d, C;
  char      tmp[PETSC_MAX_PATH_LEN + 16];
  MSJetSpec spec;

  PetscFunctionBegin;
  {
    const char *opt[] = {"-load", "-eval_points"}, *file[] = {load, pointsfile};
    PetscCall(MSCheckOutputPath_Private(comm, output, 2, opt, file));
  }
  PetscCall(MSModelCreate(comm, &model));
  PetscCall(MSModelLoad(model, load));
  PetscCall(MSModelGetNumStages(model, &ns));
  d = model->nin;
  PetscCall(MSH5ReadDataset(comm, "-eval_points", pointsfile, dataset, &nd, dims, &X));
  if (nd == 1 && d == 1) dims[1] = 1;
  PetscCheck((nd == 2 || (nd == 1 && d == 1)) && dims[1] == d, comm, PETSC_ERR_ARG_SIZ,
             "-eval_points %s: dataset %s should have shape (N, %" PetscInt_FMT ") for this model's %" PetscInt_FMT " inputs", pointsfile, dataset, d, d);
  N          = dims[0];
  spec.dim   = d;
  spec.order = 2;
  spec.mixed = d > 1 ? PETSC_TRUE : PETSC_FALSE;
  C          = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1(C * N, &U));
  PetscCall(MSModelEvaluate(model, ns, &spec, N, X, U)); /* with the ansatz the model was trained with */
  PetscCall(MSTempName_Private(comm, output, 0, tmp, sizeof(tmp)));
  {
    MSLoadOutput out = {N, d, C, X, U, &spec, {NULL}};
    for (PetscInt i = 0; i < d; i++) out.inputs[i] = model->inputs[i];
    PetscCall(MSWriteH5File_Private(comm, tmp, output, MSModelWriteEvaluation_Private, &out));
  }
  {
    const char *finals[1] = {output};
    PetscCall(MSTempCommit_Private(comm, 1, finals));
  }
  PetscCall(PetscPrintf(comm, "evaluated the %" PetscInt_FMT "-stage model of %s at %" PetscInt_FMT " points of %s:%s; wrote %s\n", ns, load, N, pointsfile, dataset, output));
  PetscCall(MSModelDestroy(&model));
  PetscCall(PetscFree(X));
  PetscCall(PetscFree(U));
  PetscFunctionReturn(0);
}
