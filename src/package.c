/* Package registration: class ids, log events, and the built-in implementations (PDE kinds,
   TAO types) registered by name. */
#include <mspinn/private/netimpl.h>
#include <mspinn/private/pdeimpl.h>
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/taoutil.h>

PetscClassId  MSNET_CLASSID;
PetscLogEvent MSNET_Forward, MSNET_Jacobian, MSNET_Normal, MS_Select, MS_Output, MS_Spectrum, MS_LMNormal, MS_LMFactor;

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
  PetscCall(PetscLogEventRegister("MSStageSelect", MSSOLVER_CLASSID, &MS_Select));
  PetscCall(PetscLogEventRegister("MSOutputWrite", MSSOLVER_CLASSID, &MS_Output));
  PetscCall(PetscLogEventRegister("MSSpectrum", MSSOLVER_CLASSID, &MS_Spectrum));
  PetscCall(PetscLogEventRegister("MSLMNormal", TAO_CLASSID, &MS_LMNormal));
  PetscCall(PetscLogEventRegister("MSLMFactor", TAO_CLASSID, &MS_LMFactor));
  PetscCall(MSRegisterAll_Private());
  PetscCall(PetscRegisterFinalize(MSFinalizePackage));
  PetscFunctionReturn(0);
}

/* Pushes the PETSc log stage of this name, registered the first time it is pushed, so that -log_view
   reports each mspinn stage (and the output) apart from the main stage */
PetscErrorCode MSLogStagePush_Private(const char name[])
{
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscCall(PetscLogStageGetId(name, &stage));
  if (stage < 0) PetscCall(PetscLogStageRegister(name, &stage));
  PetscCall(PetscLogStagePush(stage));
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
