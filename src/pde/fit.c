/* fit: regression, no equation: the network should equal the given values (-pde_exact or data)
   at the collocation points. */
#include <mspinn/private/pdeimpl.h>

PetscErrorCode MSPDECreate_Fit(MSPDE pde)
{
  PetscFunctionBegin;
  PetscCall(MSPDESetSpaceDimension(pde, 1, PETSC_FALSE));
  PetscCall(MSPDESetJetSpec(pde, 0, PETSC_FALSE));
  PetscCall(MSPDESetLinear(pde, PETSC_TRUE)); /* u = data */
  PetscFunctionReturn(0);
}
