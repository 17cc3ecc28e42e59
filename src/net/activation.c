/* Activations and their first three derivatives (the third is needed by the reverse sweep through
   second-derivative jets). */
#include <mspinn/private/netimpl.h>

const char *const MSActivations[] = {"tanh", "sin", "cos", "MSActivation", "MS_ACT_", NULL};

PetscErrorCode MSNetActivationDerivatives_Private(MSActivation act, PetscInt n, const PetscReal z[], PetscReal s0[], PetscReal s1[], PetscReal s2[], PetscReal s3[])
{
  PetscFunctionBegin;
  switch (act) {
  case MS_ACT_TANH:
    for (PetscInt p = 0; p < n; p++) {
      PetscReal t = tanh(z[p]), d = 1.0 - t * t;
      s0[p] = t;
      s1[p] = d;
      s2[p] = -2.0 * t * d;
      s3[p] = -2.0 * d * d + 4.0 * t * t * d;
    }
    break;
  case MS_ACT_SIN:
    for (PetscInt p = 0; p < n; p++) {
      PetscReal s = sin(z[p]), c = cos(z[p]);
      s0[p] = s;
      s1[p] = c;
      s2[p] = -s;
      s3[p] = -c;
    }
    break;
  case MS_ACT_COS:
    for (PetscInt p = 0; p < n; p++) {
      PetscReal s = sin(z[p]), c = cos(z[p]);
      s0[p] = c;
      s1[p] = -s;
      s2[p] = -c;
      s3[p] = s;
    }
    break;
  }
  PetscCall(PetscLogFlops(4.0 * n));
  PetscFunctionReturn(0);
}
