/* Reading user data sets (observations, fit data, reference solutions) from HDF5 files, with
   one-line errors that name the option, file and dataset at fault. Every rank reads the (small)
   dataset itself; HDF5's own error stack printing is switched off. */
#include <mspinn.h>
#include <mspinn/private/solverimpl.h>
#include <hdf5.h>

PetscErrorCode MSH5ReadDataset(MPI_Comm comm, const char optname[], const char file[], const char dataset[], PetscInt *ndims, PetscInt dims[], PetscReal **data)
{
  hid_t    f, d, s;
  hsize_t  hd[8];
  int      nd;
  hsize_t  count = 1;
  PetscInt total;

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, comm, PETSC_ERR_FILE_OPEN, "%s: cannot open HDF5 file %s", optname, file);
  d = H5Lexists(f, dataset, H5P_DEFAULT) > 0 ? H5Dopen2(f, dataset, H5P_DEFAULT) : -1;
  if (d < 0) {
    H5Fclose(f);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no dataset %s in %s", optname, dataset, file);
  }
  s  = H5Dget_space(d);
  nd = H5Sget_simple_extent_ndims(s);
  if (nd < 1 || nd > 8) {
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset %s in %s has %d dimensions", optname, dataset, file, nd);
  }
  H5Sget_simple_extent_dims(s, hd, NULL);
  for (int i = 0; i < nd; i++) { /* counted in 64 bits: a chunked file of a few kB may claim 2^32 entries */
    count = (hd[i] && count > (hsize_t)PETSC_MAX_INT / hd[i]) ? (hsize_t)PETSC_MAX_INT + 1 : count * hd[i];
    if (hd[i] > (hsize_t)PETSC_MAX_INT) count = (hsize_t)PETSC_MAX_INT + 1;
  }
  if (count > (hsize_t)PETSC_MAX_INT) {
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset %s in %s has more entries than PetscInt counts (%d)", optname, dataset, file, (int)PETSC_MAX_INT);
  }
  for (int i = 0; i < nd; i++) dims[i] = (PetscInt)hd[i];
  total  = (PetscInt)count;
  *ndims = nd;
  {
    char what[PETSC_MAX_PATH_LEN + 64];
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s: dataset %s in %s", optname, dataset, file));
    PetscCall(MSCheckMemory_Private(comm, total, (PetscReal)sizeof(PetscReal) * total, what));
  }
  PetscCall(PetscMalloc1(PetscMax(total, 1), data));
  if (total > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    SETERRQ(comm, PETSC_ERR_FILE_READ, "%s: cannot read dataset %s in %s as numbers", optname, dataset, file);
  }
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  PetscCheck(total > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset %s in %s is empty", optname, dataset, file);
  for (PetscInt i = 0; i < total; i++) PetscCheck(!PetscIsInfOrNanReal((*data)[i]), comm, PETSC_ERR_FP, "%s: dataset %s in %s has a NaN or Inf at entry %" PetscInt_FMT, optname, dataset, file, i);
  PetscFunctionReturn(0);
}

/* whether the HDF5 file (readable) has the dataset; false when it cannot be opened */
PetscErrorCode MSH5HasDataset(const char file[], const char dataset[], PetscBool *has)
{
  hid_t f;

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  *has = PETSC_FALSE;
  f    = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) PetscFunctionReturn(0);
  *has = H5Lexists(f, dataset, H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
  H5Fclose(f);
  PetscFunctionReturn(0);
}

/* Points and values from HDF5: `coords` names either one dataset of shape (N, dim) (scattered
   points, with values of shape (N)) or dim one-dimensional datasets c_1..c_dim of lengths n_i (a
   tensor grid, with values of shape (n_dim, ..., n_1): the first coordinate varies fastest, as in
   u[i_t, i_x] for coordinates x,t). Returns X (N x dim) and g (N). */
PetscErrorCode MSH5ReadPoints(MPI_Comm comm, const char prefix[], const char file[], PetscInt ncoords, char *const coords[], const char values[], PetscInt dim, PetscInt *N, PetscReal **X, PetscReal **g)
{
  char      opt[256];
  PetscInt  nd, dims[8], vnd, vdims[8], total = 1;
  PetscInt64 tensor = 1;
  PetscReal *c[MS_JET_DIM], *v;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s_values", prefix));
  PetscCall(MSH5ReadDataset(comm, opt, file, values, &vnd, vdims, &v));
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s_coords", prefix));
  if (ncoords == 1) {
    PetscCall(MSH5ReadDataset(comm, opt, file, coords[0], &nd, dims, &c[0]));
    if (nd == 1 && dim == 1) dims[1] = 1;
    PetscCheck((nd == 2 || (nd == 1 && dim == 1)) && dims[1] == dim, comm, PETSC_ERR_ARG_SIZ, "%s: dataset %s in %s should have shape (N, %" PetscInt_FMT ") for this %" PetscInt_FMT "-input problem", opt, coords[0], file, dim, dim);
    total = dims[0];
    PetscCheck(vnd == 1 && vdims[0] == total, comm, PETSC_ERR_ARG_SIZ, "-%s_values: dataset %s in %s should have shape (%" PetscInt_FMT ") to match %s", prefix, values, file, total, coords[0]);
    *X = c[0];
  } else {
    PetscInt n[MS_JET_DIM];
    PetscCheck(ncoords == dim, comm, PETSC_ERR_ARG_SIZ, "%s: %" PetscInt_FMT " coordinate datasets given for a %" PetscInt_FMT "-input problem (give one (N, dim) dataset or one per input)", opt, ncoords, dim);
    for (PetscInt i = 0; i < dim; i++) {
      PetscCall(MSH5ReadDataset(comm, opt, file, coords[i], &nd, dims, &c[i]));
      PetscCheck(nd == 1, comm, PETSC_ERR_ARG_SIZ, "%s: dataset %s in %s should be one-dimensional", opt, coords[i], file);
      n[i] = dims[0];
      tensor *= n[i];
    }
    PetscCheck(vnd == dim, comm, PETSC_ERR_ARG_SIZ, "-%s_values: dataset %s in %s has %" PetscInt_FMT " dimensions, not %" PetscInt_FMT, prefix, values, file, vnd, dim);
    PetscCheck(tensor <= PETSC_MAX_INT / dim, comm, PETSC_ERR_ARG_SIZ, "%s: a tensor grid of %" PetscInt64_FMT " points in %s, more coordinates than PetscInt counts", opt, tensor, file);
    total = (PetscInt)tensor;
    for (PetscInt i = 0; i < dim; i++) PetscCheck(vdims[dim - 1 - i] == n[i], comm, PETSC_ERR_ARG_SIZ, "-%s_values: dataset %s in %s has %" PetscInt_FMT " entries along dimension %" PetscInt_FMT " but coordinate %s has %" PetscInt_FMT, prefix, values, file, vdims[dim - 1 - i], dim - 1 - i, coords[i], n[i]);
    PetscCall(PetscMalloc1(total * dim, X));
    for (PetscInt q = 0; q < total; q++) {
      PetscInt r = q;
      for (PetscInt i = 0; i < dim; i++) {
        (*X)[q * dim + i] = c[i][r % n[i]];
        r /= n[i];
      }
    }
    for (PetscInt i = 0; i < dim; i++) PetscCall(PetscFree(c[i]));
  }
  *N = total;
  *g = v;
  PetscFunctionReturn(0);
}
