/* The trained model in the output file, and evaluating it again without training.

   /model/stage_<s>/shape       [inputs, hidden layers, widths..., activation of each hidden layer]
   /model/stage_<s>/scalars     [kappa, output scale, eps]
   /model/stage_<s>/parameters  the network's parameters (MSNet layout)
   /model/stages                [number of stages]
   /model attributes inputs ("x,t"), and ansatz_lift, ansatz_distance, ansatz_stages when trained with
   an ansatz
   u = sum_s eps_s N_s(x) (or g + D sum_{s <= m} eps_s N_s + sum_{s > m} eps_s N_s, m = ansatz_stages,
   0 for all stages). Written through PETSc's HDF5 viewer, read back with MSH5ReadDataset. */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/netimpl.h>
#include <mspinn/private/problemimpl.h>
#include <mspinn/private/modelimpl.h>
#include <petscviewerhdf5.h>
#include <hdf5.h>
#include <string.h>
#include <stdio.h>

PetscErrorCode MSSolverWriteModel_Private(MSSolver sol, PetscViewer v)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)sol);
  PetscReal ns   = sol->nstages;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5PushGroup(v, "/model"));
  PetscCall(MSWriteRootArray_Private(v, comm, "stages", 1, 1, &ns));
  PetscCall(PetscViewerHDF5PopGroup(v));
  { /* the names of the inputs, e.g. "x,t" */
    static const char *const var[] = {"x", "y", "z"};
    char names[32] = "";
    for (PetscInt i = 0; i < sol->prob->nin; i++) {
      if (i) PetscCall(PetscStrlcat(names, ",", sizeof(names)));
      PetscCall(PetscStrlcat(names, i < sol->prob->sdim ? var[i] : "t", sizeof(names)));
    }
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "inputs", PETSC_STRING, names));
  }
  if (MSProblemHasAnsatz_Private(sol->prob)) { /* u = g + D sum_s eps_s N_s: the model needs g and D */
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_lift", PETSC_STRING, sol->prob->ansatz_text[0]));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_distance", PETSC_STRING, sol->prob->ansatz_text[1]));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/model", "ansatz_stages", PETSC_INT, &sol->prob->ansatz_stages));
  }
  for (PetscInt s = 0; s < sol->nstages; s++) {
    MSNet             net = sol->net[s];
    char              group[64];
    PetscReal         shape[2 + 2 * MSNET_MAX_LAYERS], scal[3] = {net->kappa, net->outscale, sol->eps[s]};
    const PetscReal  *p;
    PetscInt          n = 0;
    shape[n++] = net->dim;
    shape[n++] = net->nhidden;
    for (PetscInt l = 0; l < net->nhidden; l++) shape[n++] = net->width[l];
    for (PetscInt l = 0; l < net->nhidden; l++) shape[n++] = net->act[l];
    PetscCall(PetscSNPrintf(group, sizeof(group), "/model/stage_%" PetscInt_FMT, s + 1));
    PetscCall(PetscViewerHDF5PushGroup(v, group));
    PetscCall(MSWriteRootArray_Private(v, comm, "shape", n, 1, shape));
    PetscCall(MSWriteRootArray_Private(v, comm, "scalars", 3, 1, scal));
    PetscCall(VecGetArrayRead(net->params, &p));
    PetscCall(MSWriteRootArray_Private(v, comm, "parameters", net->P, 1, p));
    PetscCall(VecRestoreArrayRead(net->params, &p));
    PetscCall(PetscViewerHDF5PopGroup(v));
  }
  PetscFunctionReturn(0);
}

/* the networks and eps of a model written by MSSolverWriteModel_Private */
PetscErrorCode MSModelLoad(MPI_Comm comm, const char file[], PetscInt *nstages, MSNet nets[], PetscReal eps[])
{
  PetscInt   nd, dims[8];
  PetscReal *a;

  PetscFunctionBegin;
  PetscCall(MSH5ReadDataset(comm, "-load", file, "/model/stages", &nd, dims, &a));
  { /* checked as a real before the cast (a huge value cast to an integer is undefined) */
    const PetscReal stages = a[0];
    PetscCall(PetscFree(a));
    PetscCheck(stages >= 1 && stages <= MS_MAX_STAGES && stages == PetscFloorReal(stages), comm, PETSC_ERR_FILE_UNEXPECTED,
               "-load %s: /model/stages = %g is not a number of stages (1 to %d)", file,
               (double)stages, MS_MAX_STAGES);
    *nstages = (PetscInt)stages;
  }
  for (PetscInt s = 0; s < *nstages; s++) {
    char       name[96];
    PetscReal *shape, *scal, *p;
    PetscInt   widths[MSNET_MAX_LAYERS], nl, P, np;
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
                 "-load %s: %s gives layer %" PetscInt_FMT " the unknown activation code %g (known: 0 to %d)", file, name, l + 1, (double)a, MS_NUM_ACTIVATIONS - 1);
    }
    PetscCall(MSNetCreate(comm, &nets[s]));
    PetscCall(MSNetSetInputDimension(nets[s], (PetscInt)shape[0]));
    for (PetscInt l = 0; l < nl; l++) widths[l] = (PetscInt)shape[2 + l];
    PetscCall(MSNetSetHiddenLayers(nets[s], nl, widths));
    for (PetscInt l = 0; l < nl; l++) PetscCall(MSNetSetActivation(nets[s], l, (MSActivation)(PetscInt)shape[2 + nl + l]));
    PetscCall(PetscFree(shape));
    PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/scalars", s + 1));
    PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &scal));
    PetscCheck(nd == 1 && dims[0] == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: malformed %s", file, name);
    PetscCall(MSNetSetFirstLayerScale(nets[s], scal[0]));
    PetscCall(MSNetSetOutputScale(nets[s], scal[1]));
    eps[s] = scal[2];
    PetscCall(PetscFree(scal));
    PetscCall(MSNetSetUp(nets[s]));
    PetscCall(MSNetGetNumParameters(nets[s], &P));
    PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/parameters", s + 1));
    PetscCall(MSH5ReadDataset(comm, "-load", file, name, &nd, dims, &p));
    np = dims[0];
    PetscCheck(nd == 1 && np == P, comm, PETSC_ERR_FILE_UNEXPECTED, "-load %s: %s has %" PetscInt_FMT " values, the network %" PetscInt_FMT, file,
               name, np, P);
    PetscCall(MSNetSetParameters(nets[s], p));
    PetscCall(PetscFree(p));
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

/* the ansatz a model was trained with ("" and "" without one) and how many of its stages D
   multiplies (0: all) */
PetscErrorCode MSModelAnsatzTexts_Private(const char file[], char lift[], char dist[], size_t len, PetscInt *stages)
{
  PetscFunctionBegin;
  PetscCall(MSModelStringAttribute_Private(file, "ansatz_lift", lift, len));
  PetscCall(MSModelStringAttribute_Private(file, "ansatz_distance", dist, len));
  PetscCall(MSModelIntAttribute_Private(file, "ansatz_stages", stages));
  PetscFunctionReturn(0);
}

/* the "inputs" attribute of /model ("x,t"), or x,y,z */
static PetscErrorCode MSModelInputNames_Private(const char file[], PetscInt nin, char names[][8])
{
  static const char *const var[] = {"x", "y", "z"};
  char                     buf[64];
  char                    *tok, *save = NULL;
  PetscInt                 k = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nin; i++) PetscCall(PetscStrncpy(names[i], var[i], 8));
  PetscCall(MSModelStringAttribute_Private(file, "inputs", buf, sizeof(buf)));
  for (tok = strtok_r(buf, ",", &save); tok && k < nin; tok = strtok_r(NULL, ",", &save)) PetscCall(PetscStrncpy(names[k++], tok, 8));
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
  MSNet       nets[MS_MAX_STAGES];
  PetscReal   eps[MS_MAX_STAGES], *X, *U;
  PetscInt    ns, nd, dims[8], N, d, C;
  char        names[MS_JET_DIM][8], tmp[PETSC_MAX_PATH_LEN + 16];
  PetscMPIInt rank;
  MSJetSpec   spec;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  {
    const char *opt[] = {"-load", "-eval_points"}, *file[] = {load, pointsfile};
    PetscCall(MSCheckOutputPath_Private(comm, output, 2, opt, file));
  }
  PetscCall(MSModelLoad(comm, load, &ns, nets, eps));
  PetscCall(MSNetGetInputDimension(nets[0], &d));
  PetscCall(MSH5ReadDataset(comm, "-eval_points", pointsfile, dataset, &nd, dims, &X));
  if (nd == 1 && d == 1) dims[1] = 1;
  PetscCheck((nd == 2 || (nd == 1 && d == 1)) && dims[1] == d, comm, PETSC_ERR_ARG_SIZ,
             "-eval_points %s: dataset %s should have shape (N, %" PetscInt_FMT ") for this model's %" PetscInt_FMT " inputs", pointsfile, dataset, d, d);
  N         = dims[0];
  spec.dim  = d;
  spec.order = 2;
  spec.mixed = d > 1 ? PETSC_TRUE : PETSC_FALSE;
  C         = MSJetSpecNumChannels(&spec);
  PetscCall(PetscMalloc1(C * N, &U));
  PetscCall(MSModelInputNames_Private(load, d, names));
  { /* the composite, with the ansatz the model was trained with (src/model/compose.c) */
    char          texts[2][4096];
    PetscInt      m;
    MSAnsatzExprs e = {{NULL}};
    MSModelStages model = {ns, nets, eps, NULL, 0};
    PetscCall(MSModelAnsatzTexts_Private(load, texts[0], texts[1], sizeof(texts[0]), &m));
    if (texts[0][0] && texts[1][0]) {
      const char *const t[2] = {texts[0], texts[1]};
      const char       *vars[MS_JET_DIM];
      for (PetscInt i = 0; i < d; i++) vars[i] = names[i];
      PetscCall(MSAnsatzCreate_Private(comm, t, d, vars, e));
      model.ansatz        = e;
      model.ansatz_stages = m;
    }
    PetscCall(MSModelCompose_Private(&model, ns, &spec, N, X, PETSC_FALSE, U));
    PetscCall(MSAnsatzDestroy_Private(e));
    for (PetscInt s = 0; s < ns; s++) PetscCall(MSNetDestroy(&nets[s]));
  }
  PetscCall(MSTempName_Private(comm, output, 0, tmp, sizeof(tmp)));
  {
    MSLoadOutput out = {N, d, C, X, U, &spec, {NULL}};
    for (PetscInt i = 0; i < d; i++) out.inputs[i] = names[i];
    PetscCall(MSWriteH5File_Private(comm, tmp, output, MSModelWriteEvaluation_Private, &out));
  }
  {
    const char *finals[1] = {output};
    PetscCall(MSTempCommit_Private(comm, 1, finals));
  }
  PetscCall(PetscPrintf(comm, "evaluated the %" PetscInt_FMT "-stage model of %s at %" PetscInt_FMT " points of %s:%s; wrote %s\n", ns, load, N, pointsfile, dataset, output));
  PetscCall(PetscFree(X));
  PetscCall(PetscFree(U));
  PetscFunctionReturn(0);
}
