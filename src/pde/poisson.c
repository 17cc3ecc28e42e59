/* poisson: -div(k grad u) = f in 1, 2 or 3 space dimensions, k a constant (-pde_k). */
#include <mspinn/private/pdeimpl.h>

static PetscErrorCode MSPDEResidual_Poisson(MSPDE pde, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r)
{
  MSDual lap = MSDualConst(0.0);

  PetscFunctionBegin;
  (void)x;
  for (PetscInt i = 0; i < pde->sdim; i++) lap = MSDualAdd(lap, jets[MSJetSpecChannelDD(&pde->spec, i, i)]);
  *r = MSDualAddConst(MSDualScale(-1.0, MSDualMul(coef[0], lap)), -f);
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDECreate_Poisson(MSPDE pde)
{
  PetscFunctionBegin;
  PetscCall(MSPDESetSpaceDimension(pde, 1, PETSC_FALSE));
  PetscCall(MSPDESetJetSpec(pde, 2, PETSC_FALSE));
  PetscCall(MSPDEAddCoefficient(pde, "k", 1.0, "Poisson: diffusion coefficient k"));
  PetscCall(MSPDESetResidual(pde, MSPDEResidual_Poisson));
  PetscCall(MSPDESetLinear(pde, PETSC_TRUE));
  PetscFunctionReturn(0);
}
