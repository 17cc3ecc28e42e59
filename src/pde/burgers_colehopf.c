/* The exact solution of u_t + u u_x = nu u_xx, u(x, 0) = -sin(pi x), u(+-1, t) = 0, by the
   Cole-Hopf transformation (Basdevant et al., Computers & Fluids 14, 1986, eq. 5):

     u(x, t) = - N / D,   N = int sin(pi (x - e)) exp(E(e)) de,   D = int exp(E(e)) de,
     E(e)    = -cos(pi (x - e)) / (2 pi nu) - e^2 / (4 nu t)

   and, differentiating under the integral (dE/dx = sin(pi (x - e)) / (2 nu)),

     u_x = -(N' D - N D') / D^2,  N' = int [pi cos(pi (x - e)) + sin^2(pi (x - e)) / (2 nu)] exp(E),
                                  D' = int sin(pi (x - e)) / (2 nu) exp(E).

   The integrands are entire and decay like a Gaussian, so the trapezoidal rule on the real line
   converges exponentially (Trefethen & Weideman, SIAM Review 56, 2014). E'' is bounded by
   pi/(2 nu) + 1/(2 nu t), so the integrand's narrowest peak has width w >= (pi/(2 nu) + 1/(2 nu t))^(-1/2);
   a step h = w/8 puts the discretization error far below round-off. The range is cut where E is
   60 below its largest possible value 1/(2 pi nu) (relative contribution < e^-60), and exponents are
   shifted by their maximum on the grid to avoid overflow. */
#include <mspinn.h>

PetscErrorCode MSBurgersColeHopf(PetscReal nu, PetscReal x, PetscReal t, PetscReal *u, PetscReal *ux)
{
  PetscReal w, h, L, Emax = PETSC_MIN_REAL, N = 0, D = 0, Np = 0, Dp = 0;
  PetscInt  n;

  PetscFunctionBegin;
  PetscCheck(nu > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cole-Hopf: viscosity must be positive, not %g", (double)nu);
  PetscCheck(t >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cole-Hopf: time must be non-negative, not %g", (double)t);
  if (t == 0) {
    if (u) *u = -PetscSinReal(PETSC_PI * x);
    if (ux) *ux = -PETSC_PI * PetscCosReal(PETSC_PI * x);
    PetscFunctionReturn(0);
  }
  w = 1.0 / PetscSqrtReal(PETSC_PI / (2 * nu) + 1.0 / (2 * nu * t));
  h = w / 8;
  L = PetscSqrtReal(4 * nu * t * (1.0 / (PETSC_PI * nu) + 60.0));
  n = (PetscInt)PetscCeilReal(L / h);
  h = L / n;
  for (PetscInt pass = 0; pass < 2; pass++) {
    for (PetscInt k = -n; k <= n; k++) {
      PetscReal e = k * h, c = PetscCosReal(PETSC_PI * (x - e)), s = PetscSinReal(PETSC_PI * (x - e));
      PetscReal E = -c / (2 * PETSC_PI * nu) - e * e / (4 * nu * t);
      if (pass == 0) {
        Emax = PetscMax(Emax, E);
        continue;
      }
      E = PetscExpReal(E - Emax);
      N += s * E;
      D += E;
      Np += (PETSC_PI * c + s * s / (2 * nu)) * E;
      Dp += s / (2 * nu) * E;
    }
  }
  if (u) *u = -N / D;
  if (ux) *ux = -(Np * D - N * Dp) / (D * D);
  PetscFunctionReturn(0);
}
