/* Package registration: class ids, log events, and the built-in implementations (PDE kinds,
   TAO types) registered by name. */
#include <mspinn/private/netimpl.h>
#include <mspinn/private/pdeimpl.h>

PetscClassId  MSNET_CLASSID;
PetscLogEvent MSNET_Forward, MSNET_Jacobian, MSNET_Normal;

static PetscBool MSPackageInitialized = PETSC_FALSE;

PetscErrorCode MSFinalizePackage(void)
{
  PetscFunctionBegin;
  MSPackageInitialized = PETSC_FALSE;
  PetscCall(PetscFunctionListDestroy(&MSPDEList));
  PetscFunctionReturn(0);
}

PetscErrorCode MSInitializePackage(void)
{
  PetscFunctionBegin;
  if (MSPackageInitialized) PetscFunctionReturn(0);
  MSPackageInitialized = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("MSNet", &MSNET_CLASSID));
  PetscCall(PetscClassIdRegister("MSPDE", &MSPDE_CLASSID));
  PetscCall(PetscClassIdRegister("MSProblem", &MSPROBLEM_CLASSID));
  PetscCall(PetscClassIdRegister("MSSolver", &MSSOLVER_CLASSID));
  PetscCall(PetscClassIdRegister("MSModel", &MSMODEL_CLASSID));
  PetscCall(PetscLogEventRegister("MSNetForward", MSNET_CLASSID, &MSNET_Forward));
  PetscCall(PetscLogEventRegister("MSNetJacobian", MSNET_CLASSID, &MSNET_Jacobian));
  PetscCall(PetscLogEventRegister("MSNetNormal", MSNET_CLASSID, &MSNET_Normal));
  PetscCall(MSRegisterAll_Private());
  PetscCall(PetscRegisterFinalize(MSFinalizePackage));
  PetscFunctionReturn(0);
}

/* the built-in PDE kinds and optimizers; users add theirs with MSPDERegister / TaoRegister */
PetscErrorCode MSRegisterAll_Private(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListAdd(&MSPDEList, MSPDEPOISSON, MSPDECreate_Poisson));
  PetscCall(PetscFunctionListAdd(&MSPDEList, MSPDEBURGERS, MSPDECreate_Burgers));
  PetscCall(PetscFunctionListAdd(&MSPDEList, MSPDEFIT, MSPDECreate_Fit));
  PetscCall(TaoRegister(TAOMSLM, TaoCreate_MSLM));
  PetscCall(TaoRegister(TAOADAM, TaoCreate_Adam));
  PetscCall(TaoRegister(TAOMSLSQ, TaoCreate_MSLSQ));
  PetscFunctionReturn(0);
}
