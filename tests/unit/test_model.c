static const char help[] = "MSModel: the composite of stages with an ansatz, one stage's term, and the model saved and loaded.\n";
/* A model of two stages in (x, t) with the ansatz g = sin(-pi x), D = t (1 - x^2) on stage 1 only:
   (1) MSModelEvaluate's value channel equals g + D eps_1 N_1 + eps_2 N_2 written out (1e-15 relative);
   (2) every jet channel of MSModelEvaluate equals g's jets (by hand) plus the two MSModelEvaluateStage
       terms (1e-14 relative): D's product rule is applied to stage 1 alone;
   (3) MSModelView to an HDF5 file and MSModelLoad give back the same values bit for bit, the input
       names, the ansatz and stage 2's period in x (MSNetSetPeriodic); and the same model without its ansatz differs by more than 1e-3 (so the
       comparison in (3) would see an ansatz lost on the way). */
#include <mspinn.h>
#include <petscviewerhdf5.h>
#include <string.h>
#include <unistd.h>

#define NPTS 9

static PetscErrorCode CreateStageNet(PetscInt width, unsigned long seed, PetscReal period, MSNet *net)
{
  PetscFunctionBegin;
  PetscCall(MSNetCreate(PETSC_COMM_SELF, net));
  PetscCall(MSNetSetInputDimension(*net, 2));
  if (period > 0) PetscCall(MSNetSetPeriodic(*net, 0, period));
  PetscCall(MSNetSetHiddenLayers(*net, 1, &width));
  PetscCall(MSNetSetSeed(*net, seed));
  PetscCall(MSNetSetUp(*net));
  PetscFunctionReturn(0);
}

/* g = sin(-pi x) and its channels (u, u_x, u_t, u_xx, u_tt) at (x, t) */
static void LiftJets(const PetscReal X[2], PetscReal g[5])
{
  const PetscReal x = X[0];
  g[0] = PetscSinReal(-PETSC_PI * x);
  g[1] = -PETSC_PI * PetscCosReal(-PETSC_PI * x);
  g[2] = 0;
  g[3] = -PETSC_PI * PETSC_PI * PetscSinReal(-PETSC_PI * x);
  g[4] = 0;
}

static PetscReal MaxRelDiff(PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal w = 0, scale = 0;
  for (PetscInt q = 0; q < n; q++) scale = PetscMax(scale, PetscAbsReal(b[q]));
  for (PetscInt q = 0; q < n; q++) w = PetscMax(w, PetscAbsReal(a[q] - b[q]) / scale);
  return w;
}

int main(int argc, char **argv)
{
  MSModel     model, loaded;
  MSNet       net[2];
  MSJetSpec   s0 = {2, 0, PETSC_FALSE}, s2 = {2, 2, PETSC_FALSE};
  PetscReal   X[2 * NPTS], U[5 * NPTS], V[5 * NPTS], T[5 * NPTS], N1[NPTS], N2[NPTS], eps[2] = {1.0, 1e-3}, w1 = 0, w2, lost;
  const char *names[2] = {"x", "t"}, *lift, *dist, *name;
  PetscInt    m, same = 1;
  char        file[PETSC_MAX_PATH_LEN];
  PetscViewer v;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (PetscInt p = 0; p < NPTS; p++) {
    X[2 * p]     = -0.9 + 0.2 * p;       /* x in (-1, 1) */
    X[2 * p + 1] = 0.05 + 0.1 * (p % 5); /* t */
  }
  PetscCall(CreateStageNet(12, 7, 0.0, &net[0]));
  PetscCall(CreateStageNet(9, 11, 2.0, &net[1])); /* periodic in x: its periods are saved with it */
  PetscCall(MSModelCreate(PETSC_COMM_SELF, &model));
  PetscCall(MSModelSetInputNames(model, 2, names));
  PetscCall(MSModelSetAnsatz(model, "sin(-pi*x)", "t*(1-x^2)", 1));
  for (PetscInt s = 0; s < 2; s++) PetscCall(MSModelAddStage(model, net[s], eps[s]));

  /* (1) */
  PetscCall(MSModelEvaluate(model, 2, &s0, NPTS, X, U));
  PetscCall(MSNetEvaluate(net[0], &s0, NPTS, X, N1));
  PetscCall(MSNetEvaluate(net[1], &s0, NPTS, X, N2));
  for (PetscInt p = 0; p < NPTS; p++) {
    PetscReal x = X[2 * p], t = X[2 * p + 1], g[5];
    LiftJets(X + 2 * p, g);
    V[p] = g[0] + t * (1 - x * x) * eps[0] * N1[p] + eps[1] * N2[p];
  }
  w1 = MaxRelDiff(NPTS, U, V);

  /* (2) */
  PetscCall(MSModelEvaluate(model, 2, &s2, NPTS, X, U));
  PetscCall(MSModelEvaluateStage(model, 0, &s2, NPTS, X, V));
  PetscCall(MSModelEvaluateStage(model, 1, &s2, NPTS, X, T));
  for (PetscInt p = 0; p < NPTS; p++) {
    PetscReal g[5];
    LiftJets(X + 2 * p, g);
    for (PetscInt c = 0; c < 5; c++) V[c * NPTS + p] += T[c * NPTS + p] + g[c];
  }
  w2 = MaxRelDiff(5 * NPTS, U, V);

  /* (3) */
  PetscCall(PetscSNPrintf(file, sizeof(file), "test_model_%d.h5", (int)getpid()));
  PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, file, FILE_MODE_WRITE, &v));
  PetscCall(MSModelView(model, v));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(MSModelCreate(PETSC_COMM_SELF, &loaded));
  PetscCall(MSModelLoad(loaded, file));
  PetscCall(MSModelEvaluate(loaded, 2, &s2, NPTS, X, V));
  for (PetscInt q = 0; q < 5 * NPTS; q++) same = same && U[q] == V[q];
  PetscCall(MSModelGetAnsatz(loaded, &lift, &dist, &m));
  PetscCall(MSModelGetInputName(loaded, 1, &name));
  {
    MSNet     n2;
    PetscReal L;
    PetscCall(MSModelGetStage(loaded, 1, &n2, NULL));
    PetscCall(MSNetGetPeriod(n2, 0, &L));
    same = same && L == 2.0;
  }
  same = same && !strcmp(lift, "sin(-pi*x)") && !strcmp(dist, "t*(1-x^2)") && m == 1 && !strcmp(name, "t");
  PetscCall(MSModelSetAnsatz(loaded, "", "", 0));
  PetscCall(MSModelEvaluate(loaded, 2, &s2, NPTS, X, V));
  lost = MaxRelDiff(5 * NPTS, V, U);
  (void)remove(file);

  PetscCall(PetscPrintf(PETSC_COMM_SELF,
            "(1) value vs written out: %.2e\n(2) jets vs stage terms + lift: %.2e\n(3) loaded identical: %s; without the ansatz: %.2e\n",
            (double)w1, (double)w2, same ? "yes" : "no", (double)lost));
  PetscCheck(w1 <= 1e-15 && w2 <= 1e-14 && same && lost > 1e-3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "MSModel check failed");
  PetscCall(MSModelDestroy(&loaded));
  PetscCall(MSModelDestroy(&model));
  for (PetscInt s = 0; s < 2; s++) PetscCall(MSNetDestroy(&net[s]));
  PetscCall(PetscFinalize());
  return 0;
}
