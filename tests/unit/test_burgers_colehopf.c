static const char help[] = "The project's Cole-Hopf Burgers solution against independent data.\n";
/* (1) against tests/data/burgers_shock.h5 (Raissi et al.'s spectral solution, which agrees with
       Cole-Hopf to 4.3e-11 max): max difference below 1e-10 on all 25600 points;
   (2) the steepest slope at x = 0, t = 1.6037/pi is -152.00516 (Basdevant et al. 1986), to its 8 digits;
   (3) the PDE holds: u_t + u u_x - nu u_xx from central differences of the solution is below 1e-6
       at smooth points (a check of the formula independent of both references). */
#include <mspinn.h>

int main(int argc, char **argv)
{
  char       file[PETSC_MAX_PATH_LEN] = "";
  PetscReal *x, *t, *u, nu = 0.01 / PETSC_PI, worst = 0, slope, ures = 0;
  PetscInt   nd, dims[8], nx, nt, fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data", file, sizeof(file), NULL));
  PetscCall(MSH5ReadDataset(PETSC_COMM_SELF, "-data", file, "/x", &nd, dims, &x));
  nx = dims[0];
  PetscCall(MSH5ReadDataset(PETSC_COMM_SELF, "-data", file, "/t", &nd, dims, &t));
  nt = dims[0];
  PetscCall(MSH5ReadDataset(PETSC_COMM_SELF, "-data", file, "/u", &nd, dims, &u));
  PetscCheck(nd == 2 && dims[0] == nt && dims[1] == nx, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "unexpected layout of %s", file);
  for (PetscInt j = 0; j < nt; j++)
    for (PetscInt i = 0; i < nx; i++) {
      PetscReal v;
      PetscCall(MSBurgersColeHopf(nu, x[i], t[j], &v, NULL));
      worst = PetscMax(worst, PetscAbsReal(v - u[j * nx + i]));
    }
  PetscCall(MSBurgersColeHopf(nu, 0.0, 1.6037 / PETSC_PI, NULL, &slope));
  { /* residual of the PDE by central differences at a few smooth points */
    const PetscReal pts[][2] = {{-0.5, 0.3}, {0.4, 0.7}, {-0.8, 0.9}, {0.7, 0.2}};
    for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
      PetscReal X = pts[k][0], T = pts[k][1], h = 1e-4, a, b, c, d, e, ux;
      PetscCall(MSBurgersColeHopf(nu, X, T, &a, &ux));
      PetscCall(MSBurgersColeHopf(nu, X + h, T, &b, NULL));
      PetscCall(MSBurgersColeHopf(nu, X - h, T, &c, NULL));
      PetscCall(MSBurgersColeHopf(nu, X, T + h, &d, NULL));
      PetscCall(MSBurgersColeHopf(nu, X, T - h, &e, NULL));
      ures = PetscMax(ures, PetscAbsReal((d - e) / (2 * h) + a * ux - nu * (b - 2 * a + c) / (h * h)));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "max |Cole-Hopf - %s| = %.2e (bound 1e-10)\n", file, (double)worst));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "du/dx(0, 1.6037/pi) = %.8f (Basdevant et al.: -152.00516)\n", (double)slope));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "PDE residual by finite differences %.2e (bound 1e-6)\n", (double)ures));
  if (worst > 1e-10) fails++;
  if (PetscAbsReal(slope + 152.00516) > 5e-6) fails++;
  if (ures > 1e-6) fails++;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s\n", fails ? "FAIL" : "PASS"));
  PetscCall(PetscFree(x));
  PetscCall(PetscFree(t));
  PetscCall(PetscFree(u));
  PetscCall(PetscFinalize());
  return fails ? 1 : 0;
}
