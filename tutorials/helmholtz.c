static const char help[] = "Adds a PDE kind mspinn does not have, from user code: the Helmholtz equation\n"
                           "  -lap u - kh^2 u = f\n"
                           "registered as -pde_type helmholtz, then solved like any built-in kind:\n"
                           "  ./helmholtz -pde_type helmholtz -pde_dim 2 -pde_kh 3 -pde_exact \"sin(pi*x)*cos(2*y)\" -output h.h5\n\n";

#include <mspinn.h>

/* The residual R = L(u) - f in dual arithmetic: mspinn differentiates it with respect to the jet
   channels (for the Jacobian) and the coefficient kh (for inverse problems) by itself. */
static PetscErrorCode HelmholtzResidual(MSPDE pde, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r)
{
  MSJetSpec spec;
  PetscInt  dim;
  MSDual    lap = MSDualConst(0.0);

  PetscFunctionBegin;
  (void)x;
  PetscCall(MSPDEGetJetSpec(pde, &spec));
  PetscCall(MSPDEGetDimensions(pde, &dim, NULL, NULL));
  for (PetscInt i = 0; i < dim; i++) lap = MSDualAdd(lap, jets[MSJetSpecChannelDD(&spec, i, i)]);
  /* -lap u - kh^2 u - f */
  *r = MSDualAddConst(MSDualSub(MSDualScale(-1.0, lap), MSDualMul(MSDualMul(coef[0], coef[0]), jets[0])), -f);
  PetscFunctionReturn(0);
}

/* the kind's constructor: dimensions, the jets it reads, its coefficients, its residual */
static PetscErrorCode MSPDECreate_Helmholtz(MSPDE pde)
{
  PetscFunctionBegin;
  PetscCall(MSPDESetSpaceDimension(pde, 2, PETSC_FALSE));
  PetscCall(MSPDESetJetSpec(pde, 2, PETSC_FALSE));
  PetscCall(MSPDEAddCoefficient(pde, "kh", 1.0, "Helmholtz: wavenumber kh"));
  PetscCall(MSPDESetResidual(pde, HelmholtzResidual));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  MSSolver sol;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(MSPDERegister("helmholtz", MSPDECreate_Helmholtz)); /* the one registration line */
  PetscCall(MSSolverCreate(PETSC_COMM_WORLD, &sol));
  PetscCall(MSSolverSetFromOptions(sol));
  PetscCall(MSSolverSolve(sol));
  PetscCall(MSSolverWriteOutput(sol));
  PetscCall(MSSolverViewSummary(sol, PETSC_VIEWER_STDOUT_WORLD));
  PetscCall(MSSolverDestroy(&sol));
  PetscCall(PetscFinalize());
  return 0;
}

/*TEST
  test: helmholtz in 2D against the exact solution (see tutorials/CMakeLists.txt)
    args: -pde_type helmholtz -pde_dim 2 -pde_kh 3 -domain_lower 0,0 -domain_upper 1,1
          -pde_exact "sin(pi*x)*cos(2*y)" -points_interior_n 16 -points_boundary_n 16 -tao_max_it 300
    bound: error_l2_rel <= 1e-4
TEST*/
