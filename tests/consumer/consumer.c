/* Evaluates a small network with the installed library: proves headers, library and dependencies
   are found by a project outside the source tree. */
#include <mspinn.h>

int main(int argc, char **argv)
{
  MSNet     net;
  PetscInt  P;
  MSJetSpec spec = {1, 2, PETSC_FALSE};
  PetscReal x = 0.25, u[3];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(MSNetCreate(PETSC_COMM_WORLD, &net));
  PetscCall(MSNetSetUp(net));
  PetscCall(MSNetGetNumParameters(net, &P));
  PetscCall(MSNetEvaluate(net, &spec, 1, &x, u));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "consumer: %" PetscInt_FMT " parameters, u(0.25) = %g\n", P, (double)u[0]));
  PetscCall(MSNetDestroy(&net));
  PetscCall(PetscFinalize());
  return 0;
}
