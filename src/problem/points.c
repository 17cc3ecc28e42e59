/* Point generators over a box in nd dimensions: tensor grids (uniform, Chebyshev-Gauss-Lobatto)
   with n points per direction, or n scattered points (seeded uniform random, Halton). */
#include <mspinn/private/problemimpl.h>

const char *const MSPointsTypes[] = {"grid", "chebyshev", "random", "halton", "MSPointsType", "MS_POINTS_", NULL};

/* radical inverse of i in base b: the Halton sequence's coordinate */
static PetscReal MSHalton_Private(PetscInt i, PetscInt b)
{
  PetscReal f = 1.0, r = 0.0;
  while (i > 0) {
    f /= b;
    r += f * (i % b);
    i /= b;
  }
  return r;
}

PetscErrorCode MSPointsGenerate_Private(MSPointsType type, PetscInt nd, const PetscReal lo[], const PetscReal hi[], PetscInt n, PetscRandom rnd, PetscInt *N, PetscReal **X)
{
  PetscReal *x;

  PetscFunctionBegin;
  PetscCheck(n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A point set needs at least one point, not %" PetscInt_FMT, n);
  if (nd == 0) { /* a single point (a face of a 1D interval) */
    *N = 1;
    PetscCall(PetscMalloc1(1, X));
    PetscFunctionReturn(0);
  }
  if (type == MS_POINTS_GRID || type == MS_POINTS_CHEBYSHEV) {
    PetscInt   total = 1;
    PetscInt64 count = 1;
    PetscReal *t;
    PetscCheck(type != MS_POINTS_CHEBYSHEV || n >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A Chebyshev-Gauss-Lobatto grid needs at least 2 points per direction");
    for (PetscInt i = 0; i < nd && count <= PETSC_MAX_INT; i++) count *= n;
    PetscCheck(count <= PETSC_MAX_INT / nd, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A grid of %" PetscInt_FMT " points per direction in %" PetscInt_FMT " dimensions has more coordinates than PetscInt counts", n, nd);
    total = (PetscInt)count;
    PetscCall(PetscMalloc1(total * nd, &x));
    PetscCall(PetscMalloc1(n, &t));
    for (PetscInt k = 0; k < n; k++) {
      if (n == 1) t[k] = 0.5;
      else if (type == MS_POINTS_GRID) t[k] = (PetscReal)k / (n - 1);
      else t[k] = 0.5 * (1.0 - PetscCosReal(PETSC_PI * k / (n - 1)));
    }
    for (PetscInt q = 0; q < total; q++) {
      PetscInt r = q;
      for (PetscInt i = 0; i < nd; i++) {
        x[q * nd + i] = lo[i] + (hi[i] - lo[i]) * t[r % n];
        r /= n;
      }
    }
    PetscCall(PetscFree(t));
    *N = total;
  } else {
    PetscCheck(n <= PETSC_MAX_INT / nd, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " points in %" PetscInt_FMT " dimensions: more coordinates than PetscInt counts", n, nd);
    PetscCall(PetscMalloc1(n * nd, &x));
    for (PetscInt q = 0; q < n; q++)
      for (PetscInt i = 0; i < nd; i++) {
        PetscReal u;
        static const PetscInt primes[] = {2, 3, 5, 7};
        if (type == MS_POINTS_RANDOM) PetscCall(PetscRandomGetValueReal(rnd, &u));
        else u = MSHalton_Private(q + 1, primes[i]);
        x[q * nd + i] = lo[i] + (hi[i] - lo[i]) * u;
      }
    *N = n;
  }
  *X = x;
  PetscFunctionReturn(0);
}
