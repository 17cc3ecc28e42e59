/* Double-double accumulation and reduction of chunk sums: see include/mspinn/private/ddsum.h.
   TwoSum (Knuth, TAOCP vol. 2, 4.2.2): s = a + b, e = (a - (s - bb)) + (b - bb), bb = s - a, gives
   a + b = s + e exactly. */
#include <mspinn/private/ddsum.h>

static inline void MSTwoSum(PetscReal a, PetscReal b, PetscReal *s, PetscReal *e)
{
  PetscReal x = a + b, bb = x - a;
  *e = (a - (x - bb)) + (b - bb);
  *s = x;
}

PetscErrorCode MSDDSumCreate(PetscInt n, MSDDSum *acc)
{
  PetscFunctionBegin;
  acc->n = n;
  PetscCall(PetscCalloc2(PetscMax(n, 1), &acc->hi, PetscMax(n, 1), &acc->lo));
  PetscFunctionReturn(0);
}

PetscErrorCode MSDDSumZero(MSDDSum *acc)
{
  PetscFunctionBegin;
  PetscCall(PetscArrayzero(acc->hi, acc->n));
  PetscCall(PetscArrayzero(acc->lo, acc->n));
  PetscFunctionReturn(0);
}

PetscErrorCode MSDDSumDestroy(MSDDSum *acc)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(acc->hi, acc->lo));
  acc->n = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode MSDDSumAdd(MSDDSum *acc, PetscInt n, const PetscReal v[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal e;
    MSTwoSum(acc->hi[i], v[i], &acc->hi[i], &e);
    acc->lo[i] += e;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSDDSumAddUpper(MSDDSum *acc, PetscInt P, const PetscReal A[])
{
  PetscFunctionBegin;
  for (PetscInt j = 0; j < P; j++)
    for (PetscInt i = 0; i <= j; i++) {
      PetscReal e;
      MSTwoSum(acc->hi[i + P * j], A[i + P * j], &acc->hi[i + P * j], &e);
      acc->lo[i + P * j] += e;
    }
  PetscFunctionReturn(0);
}

/* MPI reduction of (hi, lo) pairs: (a + b) as a double-double, renormalized */
static void MSDDSumOp(void *in, void *inout, int *len, MPI_Datatype *type)
{
  const PetscReal *a = (const PetscReal *)in;
  PetscReal       *b = (PetscReal *)inout;
  (void)type;
  for (int i = 0; i < *len; i++) {
    PetscReal s, e, lo;
    MSTwoSum(a[2 * i], b[2 * i], &s, &e);
    lo = e + a[2 * i + 1] + b[2 * i + 1];
    MSTwoSum(s, lo, &b[2 * i], &b[2 * i + 1]);
  }
}

PetscErrorCode MSDDSumAllreduce(MSDDSum *acc, MPI_Comm comm, PetscReal out[])
{
  static MPI_Op       op   = MPI_OP_NULL;
  static MPI_Datatype pair = MPI_DATATYPE_NULL;
  PetscReal          *buf;
  PetscMPIInt         size, n;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (size == 1) {
    for (PetscInt i = 0; i < acc->n; i++) out[i] = acc->hi[i] + acc->lo[i];
    PetscFunctionReturn(0);
  }
  if (op == MPI_OP_NULL) { /* created once, freed by MPI_Finalize */
    PetscCallMPI(MPI_Type_contiguous(2, MPIU_REAL, &pair));
    PetscCallMPI(MPI_Type_commit(&pair));
    PetscCallMPI(MPI_Op_create(MSDDSumOp, 1, &op));
  }
  PetscCall(PetscMalloc1(2 * PetscMax(acc->n, 1), &buf));
  for (PetscInt i = 0; i < acc->n; i++) { /* renormalized pairs */
    PetscReal s = acc->hi[i] + acc->lo[i];
    buf[2 * i]     = s;
    buf[2 * i + 1] = acc->lo[i] - (s - acc->hi[i]);
  }
  PetscCall(PetscMPIIntCast(acc->n, &n));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, buf, n, pair, op, comm));
  for (PetscInt i = 0; i < acc->n; i++) out[i] = buf[2 * i] + buf[2 * i + 1];
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

PetscErrorCode MSDDAllreduceScalars(MPI_Comm comm, PetscInt nchunks, PetscInt nvals, const PetscReal chunkvals[], PetscReal out[])
{
  MSDDSum acc;

  PetscFunctionBegin;
  PetscCall(MSDDSumCreate(nvals, &acc));
  for (PetscInt c = 0; c < nchunks; c++) PetscCall(MSDDSumAdd(&acc, nvals, chunkvals + c * nvals));
  PetscCall(MSDDSumAllreduce(&acc, comm, out));
  PetscCall(MSDDSumDestroy(&acc));
  PetscFunctionReturn(0);
}
