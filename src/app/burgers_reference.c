static const char help[] = "mspinn_burgers_reference: the exact (Cole-Hopf) solution of the viscous Burgers benchmark\n"
                           "  u_t + u u_x = nu u_xx on [-1,1] x [0,T], u(x,0) = -sin(pi x), u(+-1,t) = 0\n"
                           "on a tensor grid, written to HDF5 as /x (nx), /t (nt), /u (nt x nx, u[i_t, i_x]) and /u_x,\n"
                           "the layout of the reference data of Raissi et al. (2019).\n"
                           "  -nu 0.01/pi -nx 256 -nt 100 -t_final 0.99 [-grid_from FILE.h5 (take /x and /t from FILE)] -output FILE.h5\n\n";
#include <mspinn.h>
#include <hdf5.h>
#include <stdio.h>

static PetscErrorCode WriteDataset(hid_t f, const char *name, int nd, const hsize_t *dims, const PetscReal *a)
{
  hid_t s, d;

  PetscFunctionBegin;
  s = H5Screate_simple(nd, dims, NULL);
  d = H5Dcreate2(f, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write dataset %s", name);
  H5Dclose(d);
  H5Sclose(s);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscReal  nu = 0.01 / PETSC_PI, tf = 0.99, *x, *t, *u, *ux;
  PetscInt   nx = 256, nt = 100, nd, dims[8];
  char       out[PETSC_MAX_PATH_LEN] = "burgers_reference.h5", tmp[PETSC_MAX_PATH_LEN + 16], grid[PETSC_MAX_PATH_LEN] = "";
  PetscBool  hasgrid;
  hid_t      f;
  hsize_t    d2[2];

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Burgers reference", NULL);
  PetscCall(PetscOptionsReal("-nu", "Viscosity", NULL, nu, &nu, NULL));
  PetscCall(MSOptionsInt("-nx", "Points in x (uniform on [-1, 1])", NULL, nx, &nx, NULL));
  PetscCall(MSOptionsInt("-nt", "Points in t (uniform on [0, t_final])", NULL, nt, &nt, NULL));
  PetscCall(PetscOptionsReal("-t_final", "Final time", NULL, tf, &tf, NULL));
  PetscCall(PetscOptionsString("-grid_from", "Take the grid /x and /t from this HDF5 file", NULL, grid, grid, sizeof(grid), &hasgrid));
  PetscCall(PetscOptionsString("-output", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCheck(nu > 0 && nx >= 2 && nt >= 1 && tf >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "need nu > 0, nx >= 2, nt >= 1, t_final >= 0");
  if (hasgrid) {
    PetscCall(MSH5ReadDataset(PETSC_COMM_WORLD, "-grid_from", grid, "/x", &nd, dims, &x));
    nx = dims[0];
    PetscCall(MSH5ReadDataset(PETSC_COMM_WORLD, "-grid_from", grid, "/t", &nd, dims, &t));
    nt = dims[0];
  } else {
    PetscCall(PetscMalloc2(nx, &x, nt, &t));
    for (PetscInt i = 0; i < nx; i++) x[i] = -1.0 + 2.0 * i / (nx - 1);
    for (PetscInt j = 0; j < nt; j++) t[j] = nt > 1 ? tf * j / (nt - 1) : tf;
  }
  PetscCall(PetscMalloc2(nx * nt, &u, nx * nt, &ux));
  for (PetscInt j = 0; j < nt; j++)
    for (PetscInt i = 0; i < nx; i++) PetscCall(MSBurgersColeHopf(nu, x[i], t[j], &u[j * nx + i], &ux[j * nx + i]));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.partial", out));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "-output %s: cannot create the file", out);
  d2[0] = (hsize_t)nx;
  PetscCall(WriteDataset(f, "/x", 1, d2, x));
  d2[0] = (hsize_t)nt;
  PetscCall(WriteDataset(f, "/t", 1, d2, t));
  d2[0] = (hsize_t)nt;
  d2[1] = (hsize_t)nx;
  PetscCall(WriteDataset(f, "/u", 2, d2, u));
  PetscCall(WriteDataset(f, "/u_x", 2, d2, ux));
  H5Fclose(f);
  PetscCheck(!rename(tmp, out), PETSC_COMM_WORLD, PETSC_ERR_FILE_WRITE, "-output %s: cannot rename the temporary file onto it", out);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "wrote %s: nu = %.17g, %" PetscInt_FMT " x %" PetscInt_FMT " points\n", out, (double)nu, nt, nx));
  if (hasgrid) PetscCall(PetscFree(x));
  if (hasgrid) PetscCall(PetscFree(t));
  if (!hasgrid) PetscCall(PetscFree2(x, t));
  PetscCall(PetscFree2(u, ux));
  PetscCall(PetscFinalize());
  return 0;
}
