/* burgers: u_t + lambda1 u u_x = nu u_xx (+ f) on an interval times [t0, t1]; inputs (x, t). */
#include <mspinn/private/pdeimpl.h>

static PetscErrorCode MSPDEResidual_Burgers(MSPDE pde, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r)
{
  const MSJetSpec *s  = &pde->spec;
  MSDual           u  = jets[0], ux = jets[MSJetSpecChannelD(s, 0)], ut = jets[MSJetSpecChannelD(s, 1)];
  MSDual           uxx = jets[MSJetSpecChannelDD(s, 0, 0)];
  MSDual           adv = MSDualMul(coef[0], MSDualMul(u, ux)), diff = MSDualMul(coef[1], uxx);

  PetscFunctionBegin;
  (void)x;
  *r = MSDualAddConst(MSDualSub(MSDualAdd(ut, adv), diff), -f);
  PetscFunctionReturn(0);
}

PetscErrorCode MSPDECreate_Burgers(MSPDE pde)
{
  PetscFunctionBegin;
  PetscCall(MSPDESetSpaceDimension(pde, 1, PETSC_TRUE));
  PetscCall(MSPDESetSpaceDimensionRange(pde, 1, 1));
  PetscCall(MSPDESetJetSpec(pde, 2, PETSC_FALSE));
  PetscCall(MSPDESetErrorOrder(pde, 1)); /* u_t + u u_x dominates for small nu */
  PetscCall(MSPDEAddCoefficient(pde, "lambda1", 1.0, "Burgers: coefficient of u u_x"));
  PetscCall(MSPDEAddCoefficient(pde, "nu", 0.01 / PETSC_PI, "Burgers: viscosity"));
  PetscCall(MSPDESetResidual(pde, MSPDEResidual_Burgers));
  PetscFunctionReturn(0);
}
