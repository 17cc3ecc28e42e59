/* What TaoSetFromOptions accepts without a check: a negative or wrapped iteration count (-tao_max_it -5
   would train no iteration and say nothing), negative tolerances. mspinn's TAO types refuse them. */
#include <mspinn.h>
#include <mspinn/private/taoutil.h>

PetscErrorCode MSTaoCheckGenericOptions_Private(Tao tao, PetscOptionItems *items)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)tao);
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(TaoGetOptionsPrefix(tao, &prefix));
  PetscCall(MSOptionsCheckInt(comm, items->options, prefix, "-tao_max_it"));
  PetscCall(MSOptionsCheckInt(comm, items->options, prefix, "-tao_max_funcs"));
  PetscCheck(tao->max_it >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
    "-%stao_max_it %" PetscInt_FMT ": must be non-negative", prefix ? prefix : "", tao->max_it);
  PetscCheck(tao->gatol >= 0 && tao->grtol >= 0 && tao->gttol >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
    "-%stao_gatol/-tao_grtol/-tao_gttol: must be non-negative", prefix ? prefix : "");
  PetscFunctionReturn(0);
}
