static const char help[] = "Manufactured sources (derived from -pde_exact with libmatheval) against hand-derived ones.\n";
/* For each case the problem is set up from options with only -pde_exact, and the source values at
   its interior points are compared with the formula derived by hand (1e-12 relative to max |f|). */
#include <mspinn.h>

typedef PetscReal (*HandSource)(const PetscReal *);
static PetscReal nu_b = 0.05;

static PetscReal F1(const PetscReal *x) /* poisson1d: -(sin(2x+1) + 0.2 e^{1.3x})'' */
{
  return 4 * PetscSinReal(2 * x[0] + 1) - 0.2 * 1.69 * PetscExpReal(1.3 * x[0]);
}
static PetscReal F2(const PetscReal *x) /* poisson2d */
{
  return 2 * PETSC_PI * PETSC_PI * PetscSinReal(PETSC_PI * x[0]) * PetscSinReal(PETSC_PI * x[1]);
}
static PetscReal F3(const PetscReal *x) /* poisson3d */
{
  return 3 * PETSC_PI * PETSC_PI * PetscSinReal(PETSC_PI * x[0]) * PetscSinReal(PETSC_PI * x[1]) * PetscSinReal(PETSC_PI * x[2]);
}
static PetscReal F4(const PetscReal *x) /* poisson2d_highfreq, k = 2: -2 lap(sin(4 pi x) sin(4 pi y) + 0.5 x y) */
{
  return 2 * 32 * PETSC_PI * PETSC_PI * PetscSinReal(4 * PETSC_PI * x[0]) * PetscSinReal(4 * PETSC_PI * x[1]);
}
static PetscReal F5(const PetscReal *x) /* burgers, u = e^{-t} sin(pi x): u_t + 0.7 u u_x - nu u_xx */
{
  PetscReal e = PetscExpReal(-x[1]), s = PetscSinReal(PETSC_PI * x[0]), c = PetscCosReal(PETSC_PI * x[0]);
  return -e * s + 0.7 * e * e * PETSC_PI * s * c + nu_b * PETSC_PI * PETSC_PI * e * s;
}

int main(int argc, char **argv)
{
  const char *cases[] = {
    "-pde_type poisson -pde_dim 1 -pde_exact sin(2*x+1)+0.2*exp(1.3*x)",
    "-pde_type poisson -pde_dim 2 -domain_lower 0,0 -domain_upper 1,1 -pde_exact sin(pi*x)*sin(pi*y)",
    "-pde_type poisson -pde_dim 3 -domain_lower 0,0,0 -domain_upper 1,1,1 -pde_exact sin(pi*x)*sin(pi*y)*sin(pi*z) -points_interior_n 6",
    "-pde_type poisson -pde_dim 2 -pde_k 2 -domain_lower 0,0 -domain_upper 1,1 -pde_exact sin(4*pi*x)*sin(4*pi*y)+0.5*x*y",
    "-pde_type burgers -pde_nu 0.05 -pde_lambda1 0.7 -domain_time 0,1 -pde_exact exp(-t)*sin(pi*x)",
  };
  HandSource hand[] = {F1, F2, F3, F4, F5};
  PetscInt   fails  = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    MSProblem   prob;
    MSPointSet *set;
    PetscReal   worst = 0, scale = 0;
    PetscCall(PetscOptionsClear(NULL));
    PetscCall(PetscOptionsInsertString(NULL, cases[k]));
    PetscCall(MSProblemCreate(PETSC_COMM_WORLD, &prob));
    PetscCall(MSProblemSetFromOptions(prob));
    PetscCall(MSProblemGetPointSet(prob, MS_SET_INTERIOR, &set));
    for (PetscInt p = 0; p < set->n; p++) scale = PetscMax(scale, PetscAbsReal(hand[k](set->X + p * set->dim)));
    for (PetscInt p = 0; p < set->n; p++) worst = PetscMax(worst, PetscAbsReal(set->f[p] - hand[k](set->X + p * set->dim)) / scale);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-95s %" PetscInt_FMT " points: max rel. difference %.2e\n", cases[k], set->N, (double)worst));
    if (!(worst <= 1e-12) || set->N == 0) fails++;
    PetscCall(MSProblemDestroy(&prob));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n", fails ? "FAIL" : "PASS"));
  PetscCall(PetscFinalize());
  return fails ? 1 : 0;
}
