/* fit: regression, no equation: the network should equal the given values (-pde_exact or data)
   at the collocation points. */
#include <mspinn/private/pdeimpl.h>

static PetscErrorCode MSPDESetFromOptions_Fit(MSPDE pde, PetscOptionItems *PetscOptionsObject)
{
  PetscInt dim = pde->sdim;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Fit: u = data");
  PetscCall(PetscOptionsInt("-pde_dim", "Number of inputs", "MSPDESetSpaceDimension", dim, &dim, NULL));
  PetscCall(MSPDESetSpaceDimension(pde, dim, PETSC_FALSE));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDECreate_Fit(MSPDE pde)
{
  PetscFunctionBegin;
  PetscCall(MSPDESetSpaceDimension(pde, 1, PETSC_FALSE));
  PetscCall(MSPDESetJetSpec(pde, 0, PETSC_FALSE));
  pde->ops->setfromoptions = MSPDESetFromOptions_Fit;
  PetscFunctionReturn(0);
}
