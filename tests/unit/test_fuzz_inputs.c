/* Seeded random inputs for the readers a user's files reach (issue 20's fuzzing target), run under
   AddressSanitizer/UBSan in CI's sanitizer build:
   - options files: lines of the shipped problems, option names with adversarial values (huge, negative,
     NaN, leading minus, quotes, long expressions), includes of itself or of another file, random bytes;
     read by MSOptionsInsertFiles and, when that accepts them, checked by MSSolverSetFromOptions;
   - HDF5 files: datasets of random rank, shape (empty, huge chunked claims), type and values (NaN, inf),
     some shaped like a saved model, and truncated copies; read by MSH5ReadDataset, MSH5ReadPoints and
     MSModelLoad;
   - Gmsh meshes: disk.msh with numbers replaced, lines dropped or repeated, or cut short; read by
     MSProblemSetUp.
   Every input must be accepted or refused with a one-line message (no crash, no sanitizer report, no
   message with a line break). The counts of inputs, refusals and acceptances are printed.
   usage: test_fuzz_inputs -dir SOURCE_DIR [-seed S] [-options_n N] [-h5_n N] [-mesh_n N] [-verbose] */
#include <mspinn.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] = "Feeds seeded random options files, HDF5 files and meshes to mspinn's readers.\n";

#define FUZZ_MAX_TEXT  (1 << 16) /* bytes of one generated options file */
#define FUZZ_MAX_NAMES 512       /* option names collected from the shipped files */
#define FUZZ_MAX_FILES 16        /* shipped options files, the bases of the generated ones */
#define FUZZ_MAX_EDITS 4         /* lines added to a shipped options file */
#define FUZZ_MAX_DSETS 6         /* datasets of one generated HDF5 file */
#define FUZZ_HUGE_DIM  ((hsize_t)1 << 32)

typedef struct {
  PetscRandom rnd;
  char        dir[PETSC_MAX_PATH_LEN], work[PETSC_MAX_PATH_LEN];
  char       *names[FUZZ_MAX_NAMES], *files[FUZZ_MAX_FILES];
  PetscInt    nnames, nfiles;
  PetscInt    ran, refused, accepted;
  PetscBool   verbose; /* print every refusal */
} Fuzz;

static PetscInt FuzzPick(Fuzz *fz, PetscInt n)
{
  PetscReal r;
  PetscCallAbort(PETSC_COMM_SELF, PetscRandomGetValueReal(fz->rnd, &r));
  return PetscMin((PetscInt)(r * n), n - 1);
}

/* the option names and the text of every shipped options file */
static PetscErrorCode FuzzCollect(Fuzz *fz)
{
  const char *files[] = {"poisson1d", "poisson2d", "poisson3d", "poisson2d_highfreq", "poisson_inverse", "poisson_disk", "fit1d", "fit2d",
                         "burgers", "burgers_smooth", "burgers_inverse"};
  char        path[2 * PETSC_MAX_PATH_LEN], line[4096];

  PetscFunctionBegin;
  for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
    FILE  *f;
    size_t n = 0;
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/problems/%s.opts", fz->dir, files[k]));
    f = fopen(path, "r");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
    PetscCall(PetscMalloc1(FUZZ_MAX_TEXT, &fz->files[fz->nfiles]));
    while (fgets(line, sizeof(line), f)) {
      char *tok, *save;
      n += (size_t)snprintf(fz->files[fz->nfiles] + n, FUZZ_MAX_TEXT - n, "%s", line);
      for (tok = strtok_r(line, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
        if (tok[0] == '-' && tok[1] >= 'a' && tok[1] <= 'z' && fz->nnames < FUZZ_MAX_NAMES) PetscCall(PetscStrallocpy(tok, &fz->names[fz->nnames++]));
    }
    fz->nfiles++;
    (void)fclose(f);
  }
  PetscFunctionReturn(0);
}

/* one adversarial value: numbers at and beyond every limit, expressions, quotes, long text */
static void FuzzValue(Fuzz *fz, char *v, size_t len)
{
  static const char *const vals[] = {"0", "1", "-1", "2", "3", "7", "1e-300", "1e300", "1e400", "-1e400", "nan", "inf", "-inf",
                                     "2147483647", "2147483648",
                                     "4294967297", "9223372036854775807", "99999999999999999999", "0.5", "abc", "\"\"", "\"-x*x+1\"",
                                     "sin(pi*x)", "x*y*z",
                                     "sin(", "1,2", "1,2,3", "-1,-1", "0,0", "auto", "random", "trained", "mslm", "mslsq", "adam",
                                     "poisson", "burgers",
                                     "fit", "grid", "chebyshev", "halton", "\"unclosed", "'single'", "x^1e9", "log(x)", "1/0", "t", "#",
                                     "\\", "%s%n"};
  PetscInt k = FuzzPick(fz, (PetscInt)(sizeof(vals) / sizeof(vals[0])) + 2);
  if (k < (PetscInt)(sizeof(vals) / sizeof(vals[0]))) {
    (void)PetscStrncpy(v, vals[k], len);
    return;
  }
  if (k == (PetscInt)(sizeof(vals) / sizeof(vals[0]))) { /* a long expression */
    size_t n = 0;
    while (n + 8 < len && FuzzPick(fz, 2000)) n += (size_t)snprintf(v + n, len - n, "x+");
    (void)snprintf(v + n, len - n, "1");
    return;
  }
  for (size_t i = 0; i + 1 < len && i < 16; i++) v[i] = (char)(1 + FuzzPick(fz, 255)); /* random bytes, no NUL */
  v[PetscMin(len - 1, 16)] = 0;
}

/* an options file: a shipped one with lines added (a name with an adversarial value; rarely an include
   of itself or of the other file), and at times a few bytes changed */
static PetscErrorCode FuzzOptionsText(Fuzz *fz, const char self[], const char other[], char *text)
{
  size_t n;
  char   v[FUZZ_MAX_TEXT / 2];

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(text, fz->files[FuzzPick(fz, fz->nfiles)], FUZZ_MAX_TEXT));
  n = strlen(text);
  for (PetscInt l = 1 + FuzzPick(fz, FUZZ_MAX_EDITS); l > 0 && n + sizeof(v) + 256 < FUZZ_MAX_TEXT; l--) {
    if (FuzzPick(fz, 20) == 0) n += (size_t)snprintf(text + n, FUZZ_MAX_TEXT - n, "-options_file %s\n", FuzzPick(fz, 2) ? self : other);
    else {
      FuzzValue(fz, v, sizeof(v));
      n += (size_t)snprintf(text + n, FUZZ_MAX_TEXT - n, "%s %s\n", fz->names[FuzzPick(fz, fz->nnames)], v);
    }
  }
  for (PetscInt e = FuzzPick(fz, 4) ? 0 : 1 + FuzzPick(fz, 3); e > 0 && n > 0; e--) { /* byte edits */
    static const char edits[] = "\"'#\n\t -\\";
    text[FuzzPick(fz, (PetscInt)n)] = FuzzPick(fz, 2) ? edits[FuzzPick(fz, (PetscInt)sizeof(edits) - 1)] : (char)(1 + FuzzPick(fz, 255));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FuzzWriteFile(const char path[], const char *text, size_t n)
{
  FILE *f = fopen(path, "w");

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  PetscCheck(fwrite(text, 1, n, f) == n && !fclose(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
  PetscFunctionReturn(0);
}

/* the outcome of one input: refused with a one-line message, or accepted */
static PetscErrorCode FuzzOutcome(Fuzz *fz, PetscErrorCode ierr, const char what[])
{
  const char *text = NULL;
  char       *specific = NULL;

  PetscFunctionBegin;
  fz->ran++;
  if (!ierr) {
    fz->accepted++;
    PetscFunctionReturn(0);
  }
  fz->refused++;
  (void)PetscErrorMessage(ierr, &text, &specific);
  PetscCheck(specific && specific[0], PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: refused without a message", what);
  PetscCheck(!strchr(specific, '\n'), PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: a message of more than one line: %s", what, specific);
  if (fz->verbose) PetscCall(PetscPrintf(PETSC_COMM_SELF, "refused %s: %s\n", what, specific));
  PetscFunctionReturn(0);
}

static PetscErrorCode FuzzOptions(Fuzz *fz, PetscInt count)
{
  char  self[2 * PETSC_MAX_PATH_LEN], other[2 * PETSC_MAX_PATH_LEN], *text;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(self, sizeof(self), "%s/case.opts", fz->work));
  PetscCall(PetscSNPrintf(other, sizeof(other), "%s/other.opts", fz->work));
  PetscCall(PetscMalloc1(FUZZ_MAX_TEXT, &text));
  for (PetscInt i = 0; i < count; i++) {
    const char    *files[1] = {self};
    PetscOptions   o;
    MSSolver       sol = NULL;
    PetscErrorCode ierr;
    PetscCall(FuzzOptionsText(fz, other, self, text));
    PetscCall(FuzzWriteFile(other, text, strlen(text)));
    PetscCall(FuzzOptionsText(fz, self, other, text));
    PetscCall(FuzzWriteFile(self, text, strlen(text)));
    PetscCall(PetscOptionsCreate(&o));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = MSOptionsInsertFiles(PETSC_COMM_SELF, o, 1, files);
    if (!ierr) {
      ierr = PetscOptionsPush(o);
      if (!ierr) ierr = MSSolverCreate(PETSC_COMM_SELF, &sol);
      if (!ierr) ierr = MSSolverSetFromOptions(sol);
      (void)MSSolverDestroy(&sol);
      (void)PetscOptionsPop();
    }
    PetscCall(PetscPopErrorHandler());
    PetscCall(FuzzOutcome(fz, ierr, "an options file"));
    PetscCall(PetscOptionsDestroy(&o));
  }
  PetscCall(PetscFree(text));
  PetscFunctionReturn(0);
}

/* one dataset of random rank, extent, type and values; model-shaped with small integers at times */
static PetscErrorCode FuzzH5Dataset(Fuzz *fz, hid_t file, const char name[])
{
  static const hsize_t extents[] = {0, 1, 2, 3, 6, 50, FUZZ_HUGE_DIM + 50, FUZZ_HUGE_DIM / 2 + 5};
  hid_t                types[]   = {H5T_NATIVE_DOUBLE, H5T_NATIVE_FLOAT, H5T_NATIVE_INT, H5T_NATIVE_LLONG, H5T_NATIVE_UCHAR};
  static const double  specials[] = {0, 1, 2, -1, 1e300, -1e300, 0.5, 20, 3};
  hsize_t              dims[3], total = 1, chunk[3] = {1, 1, 1};
  int                  rank = (int)FuzzPick(fz, 4), huge = 0;
  hid_t                space, dcpl, dset, lcpl;

  PetscFunctionBegin;
  for (int r = 0; r < rank; r++) {
    dims[r] = extents[FuzzPick(fz, 8)];
    if (dims[r] > 50) huge = 1;
    total *= dims[r] ? dims[r] : 1;
  }
  space = H5Screate_simple(rank, dims, NULL);
  dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  if (huge) PetscCheck(H5Pset_chunk(dcpl, rank, chunk) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "H5Pset_chunk");
  lcpl = H5Pcreate(H5P_LINK_CREATE);
  (void)H5Pset_create_intermediate_group(lcpl, 1);
  if (FuzzPick(fz, 8) == 0) { /* a string where numbers belong */
    hid_t st = H5Tcopy(H5T_C_S1), scalar = H5Screate(H5S_SCALAR);
    (void)H5Tset_size(st, 8);
    dset = H5Dcreate2(file, name, st, scalar, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (dset >= 0) (void)H5Dwrite(dset, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, "garbage");
    (void)H5Tclose(st);
    (void)H5Sclose(scalar);
  } else {
    dset = H5Dcreate2(file, name, types[FuzzPick(fz, 5)], space, lcpl, dcpl, H5P_DEFAULT);
    if (dset >= 0 && !huge && total > 0) { /* values: small integers, specials, NaN and inf */
      double *a;
      PetscCall(PetscMalloc1(total, &a));
      for (hsize_t q = 0; q < total; q++) {
        PetscInt k = FuzzPick(fz, 12);
        a[q] = k < 9 ? specials[k] : (k == 9 ? NAN : (k == 10 ? INFINITY : (double)FuzzPick(fz, 1000)));
      }
      (void)H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a);
      PetscCall(PetscFree(a));
    }
  }
  if (dset >= 0) (void)H5Dclose(dset);
  (void)H5Pclose(lcpl);
  (void)H5Pclose(dcpl);
  (void)H5Sclose(space);
  PetscFunctionReturn(0);
}

static void FuzzH5Write(hid_t file, const char name[], hsize_t n, const double *a)
{
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), space = H5Screate_simple(1, &n, NULL), dset;

  (void)H5Pset_create_intermediate_group(lcpl, 1);
  dset = H5Dcreate2(file, name, H5T_NATIVE_DOUBLE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (dset >= 0) {
    if (n) (void)H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a);
    (void)H5Dclose(dset);
  }
  (void)H5Sclose(space);
  (void)H5Pclose(lcpl);
}

/* a saved model as mspinn writes it (/model/stages, /model/stage_<s>/shape, scalars, parameters) and
   1-D /x, /t, /u of one length, with one value or one length changed at random */
static PetscErrorCode FuzzH5Model(Fuzz *fz, hid_t file)
{
  static const double bad[] = {NAN, INFINITY, -1, 0, 0.5, 1e300, 2147483648.0, 100, 7};
  double              a[64], *p;
  PetscInt            ns = 1 + FuzzPick(fz, 2), victim = FuzzPick(fz, 4 * ns + 2), item = 0;
  hsize_t             n;
  char                name[64];

  PetscFunctionBegin;
  a[0] = (double)ns;
  if (victim == item++) a[0] = bad[FuzzPick(fz, 9)];
  FuzzH5Write(file, "/model/stages", 1, a);
  for (PetscInt s = 1; s <= ns; s++) {
    PetscInt d = 1 + FuzzPick(fz, 2), nl = 1 + FuzzPick(fz, 2), P = 0, nin = d;
    a[0] = d, a[1] = nl;
    for (PetscInt l = 0; l < nl; l++) a[2 + l] = 1 + FuzzPick(fz, 4), a[2 + nl + l] = FuzzPick(fz, MS_NUM_ACTIVATIONS);
    for (PetscInt l = 0; l <= nl; l++) {
      PetscInt nout = l < nl ? (PetscInt)a[2 + l] : 1;
      P += nout * nin + nout, nin = nout;
    }
    n = (hsize_t)(2 + 2 * nl);
    if (victim == item++) a[FuzzPick(fz, (PetscInt)n)] = bad[FuzzPick(fz, 9)];
    if (victim == item++) n = (hsize_t)FuzzPick(fz, (PetscInt)n + 2);
    PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/shape", s));
    FuzzH5Write(file, name, n, a);
    a[0] = 1, a[1] = 1, a[2] = 0.5;
    if (victim == item++) a[FuzzPick(fz, 3)] = bad[FuzzPick(fz, 9)];
    PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/scalars", s));
    FuzzH5Write(file, name, 3, a);
    PetscCall(PetscCalloc1(P + 2, &p));
    n = (hsize_t)P;
    if (victim == item++) n = (hsize_t)FuzzPick(fz, P + 3);
    PetscCall(PetscSNPrintf(name, sizeof(name), "/model/stage_%" PetscInt_FMT "/parameters", s));
    FuzzH5Write(file, name, n, p);
    PetscCall(PetscFree(p));
  }
  n = (hsize_t)(1 + FuzzPick(fz, 20));
  for (hsize_t q = 0; q < n; q++) a[q] = (double)q / (double)n;
  if (victim == item++) a[FuzzPick(fz, (PetscInt)n)] = bad[FuzzPick(fz, 9)];
  FuzzH5Write(file, "/x", n, a);
  FuzzH5Write(file, "/t", n, a);
  FuzzH5Write(file, "/u", victim == item ? n + 1 : n, a);
  PetscFunctionReturn(0);
}

/* the readers on one file: datasets by name, a point set with values, a saved model */
static PetscErrorCode FuzzH5Read(Fuzz *fz, const char path[], const char *const names[], PetscInt nnames)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < 3; k++) {
    PetscInt       nd, dims[8], dim = 1 + FuzzPick(fz, 2), N;
    PetscReal     *a = NULL, *X = NULL, *g = NULL;
    PetscBool      plain = FuzzPick(fz, 2) ? PETSC_TRUE : PETSC_FALSE; /* the names a model-shaped file has */
    char          *coords[2] = {plain ? (char *)"/x" : (char *)names[FuzzPick(fz, nnames)], plain ? (char *)"/t" : (char *)names[FuzzPick(fz,
                                         nnames)]};
    MSModel        model;
    PetscErrorCode ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    switch (k) {
    case 0:
      ierr = MSH5ReadDataset(PETSC_COMM_SELF, "-fuzz", path, names[FuzzPick(fz, nnames)], &nd, dims, &a);
      break;
    case 1:
      ierr = MSH5ReadPoints(PETSC_COMM_SELF, "fuzz", path, FuzzPick(fz, 2) ? dim : 1, coords, plain ? "/u" : names[FuzzPick(fz, nnames)], dim, &N,
                            &X, &g);
      break;
    default:
      ierr = MSModelCreate(PETSC_COMM_SELF, &model);
      if (!ierr) ierr = MSModelLoad(model, path);
      (void)MSModelDestroy(&model); /* (a model left half-loaded by a refusal included) */
    }
    PetscCall(PetscPopErrorHandler());
    PetscCall(FuzzOutcome(fz, ierr, "an HDF5 file"));
    if (!ierr) {
      PetscCall(PetscFree(a));
      PetscCall(PetscFree(X));
      PetscCall(PetscFree(g));
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FuzzH5(Fuzz *fz, PetscInt count)
{
  const char *const names[] = {"/x", "/u", "/t", "/eval/points", "/model/stages", "/model/stage_1/shape", "/model/stage_1/scalars",
                               "/model/stage_1/parameters",
                               "/model/stage_2/shape", "/missing"};
  const PetscInt    nnames  = (PetscInt)(sizeof(names) / sizeof(names[0]));
  char              path[2 * PETSC_MAX_PATH_LEN], cut[2 * PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/case.h5", fz->work));
  PetscCall(PetscSNPrintf(cut, sizeof(cut), "%s/cut.h5", fz->work));
  for (PetscInt i = 0; i < count; i++) {
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    long  size;
    FILE *f;
    PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create %s", path);
    if (FuzzPick(fz, 2)) PetscCall(FuzzH5Model(fz, file));
    else
      for (PetscInt d = 1 + FuzzPick(fz, FUZZ_MAX_DSETS); d > 0; d--) PetscCall(FuzzH5Dataset(fz, file, names[FuzzPick(fz, nnames - 1)]));
    (void)H5Fclose(file);
    PetscCall(FuzzH5Read(fz, path, names, nnames));
    f = fopen(path, "r"); /* a copy cut short, as an interrupted transfer leaves it */
    PetscCheck(f && !fseek(f, 0, SEEK_END), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", path);
    size = ftell(f);
    (void)fclose(f);
    PetscCheck(!truncate(path, (off_t)FuzzPick(fz, (PetscInt)size)) && !rename(path, cut), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot cut %s",
               path);
    PetscCall(FuzzH5Read(fz, cut, names, nnames));
  }
  PetscFunctionReturn(0);
}

/* disk.msh with one to three edits: a number replaced, a line dropped or repeated, or the file cut */
static PetscErrorCode FuzzMeshText(Fuzz *fz, const char *orig, size_t n, char *out, size_t *m)
{
  static const char *const nums[] = {"-1", "0", "1", "2", "3", "15", "1001", "9999", "2147483648", "1e300", "nan", "x"};

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(out, orig, n));
  *m = n;
  for (PetscInt e = 1 + FuzzPick(fz, 3); e > 0; e--) {
    size_t a = (size_t)FuzzPick(fz, (PetscInt)*m), b;
    while (a > 0 && out[a - 1] != '\n') a--; /* the start of a line */
    for (b = a; b < *m && out[b] != '\n'; b++) { }
    switch (FuzzPick(fz, 4)) {
    case 0: { /* replace one of the line's numbers: shift the tail */
      const char *v = nums[FuzzPick(fz, (PetscInt)(sizeof(nums) / sizeof(nums[0])))];
      size_t      t, l = strlen(v);
      for (PetscInt k = FuzzPick(fz, 4); k > 0; k--) { /* the k-th token */
        size_t c = a;
        while (c < b && out[c] != ' ') c++;
        if (c < b) a = c + 1;
      }
      t = a;
      while (t < b && out[t] != ' ') t++;
      if (*m + l > 2 * n) break;
      memmove(out + a + l, out + t, *m - t);
      memcpy(out + a, v, l);
      *m = *m - (t - a) + l;
    } break;
    case 1: /* drop the line */
      if (b < *m) b++;
      memmove(out + a, out + b, *m - b);
      *m -= b - a;
      break;
    case 2: /* repeat it */
      if (b < *m && *m + (b - a + 1) <= 2 * n) {
        memmove(out + b + 1 + (b - a), out + b + 1, *m - b - 1);
        memcpy(out + b + 1, out + a, b - a);
        out[b + 1 + (b - a)] = '\n';
        *m += b - a + 1;
      }
      break;
    default:
      *m = a;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FuzzMesh(Fuzz *fz, PetscInt count)
{
  char   src[2 * PETSC_MAX_PATH_LEN], path[2 * PETSC_MAX_PATH_LEN], *orig, *text;
  size_t n, m;
  FILE  *f;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(src, sizeof(src), "%s/meshes/disk.msh", fz->dir));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/case.msh", fz->work));
  f = fopen(src, "r");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", src);
  (void)fseek(f, 0, SEEK_END);
  n = (size_t)ftell(f);
  rewind(f);
  PetscCall(PetscMalloc2(n, &orig, 2 * n, &text));
  PetscCheck(fread(orig, 1, n, f) == n, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", src);
  (void)fclose(f);
  for (PetscInt i = 0; i < count; i++) {
    PetscOptions   o;
    MSProblem      prob = NULL;
    PetscErrorCode ierr;
    PetscCall(FuzzMeshText(fz, orig, n, text, &m));
    PetscCall(FuzzWriteFile(path, text, m));
    PetscCall(PetscOptionsCreate(&o));
    PetscCall(PetscOptionsInsertString(o, "-pde_dim 2 -pde_exact x*y -points_interior_n 2 -points_boundary_n 2 -points_eval_n 8"));
    PetscCall(PetscOptionsSetValue(o, "-mesh", path));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PetscOptionsPush(o);
    if (!ierr) ierr = MSProblemCreate(PETSC_COMM_SELF, &prob);
    if (!ierr) ierr = MSProblemSetFromOptions(prob);
    if (!ierr) ierr = MSProblemSetUp(prob);
    (void)MSProblemDestroy(&prob);
    (void)PetscOptionsPop();
    PetscCall(PetscPopErrorHandler());
    PetscCall(FuzzOutcome(fz, ierr, "a mesh"));
    PetscCall(PetscOptionsDestroy(&o));
  }
  PetscCall(PetscFree2(orig, text));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Fuzz      fz = {0};
  PetscInt  seed = 1, nopt = 400, nh5 = 150, nmesh = 150;
  PetscInt  counts[3][3];
  PetscBool flg;
  char      tmpl[] = "/tmp/mspinn-fuzz-XXXXXX";

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dir", fz.dir, sizeof(fz.dir), &flg));
  PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "give -dir SOURCE_DIR");
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-verbose", &fz.verbose, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-options_n", &nopt, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-h5_n", &nh5, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-mesh_n", &nmesh, NULL));
  PetscCheck(mkdtemp(tmpl), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot make a work directory");
  PetscCall(PetscStrncpy(fz.work, tmpl, sizeof(fz.work)));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &fz.rnd));
  PetscCall(PetscRandomSetSeed(fz.rnd, (unsigned long)seed));
  PetscCall(PetscRandomSeed(fz.rnd));
  PetscCall(FuzzCollect(&fz));
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  {
    const char *what[3] = {"options files", "HDF5 reads", "meshes"};
    PetscInt    before[3];
    for (PetscInt part = 0; part < 3; part++) {
      before[0] = fz.ran, before[1] = fz.refused, before[2] = fz.accepted;
      if (part == 0) PetscCall(FuzzOptions(&fz, nopt));
      else if (part == 1) PetscCall(FuzzH5(&fz, nh5));
      else PetscCall(FuzzMesh(&fz, nmesh));
      counts[part][0] = fz.ran - before[0], counts[part][1] = fz.refused - before[1], counts[part][2] = fz.accepted - before[2];
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "fuzz (seed %" PetscInt_FMT "):", seed));
    for (PetscInt part = 0; part < 3; part++)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, " %s %" PetscInt_FMT " (%" PetscInt_FMT " refused, %" PetscInt_FMT " accepted);", what[part],
                            counts[part][0], counts[part][1], counts[part][2]));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, " no crash, every refusal one line\n"));
  }
  for (PetscInt k = 0; k < fz.nnames; k++) PetscCall(PetscFree(fz.names[k]));
  for (PetscInt k = 0; k < fz.nfiles; k++) PetscCall(PetscFree(fz.files[k]));
  PetscCall(PetscRandomDestroy(&fz.rnd));
  {
    const char *rm[] = {"case.opts", "other.opts", "case.h5", "cut.h5", "case.msh"};
    char        p[2 * PETSC_MAX_PATH_LEN];
    for (size_t k = 0; k < sizeof(rm) / sizeof(rm[0]); k++) {
      PetscCall(PetscSNPrintf(p, sizeof(p), "%s/%s", fz.work, rm[k]));
      (void)unlink(p);
    }
    (void)rmdir(fz.work);
  }
  PetscCall(PetscFinalize());
  return 0;
}
