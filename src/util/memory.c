/* The big arrays of a run (the dense Jacobian, the normal-equations matrix) are checked before they
   are allocated: their entries against the 32-bit PetscInt that indexes them, their bytes against the
   memory of the machine, summed over the ranks that share a node. A run that cannot fit stops with
   the sizes that decide it, instead of an overflowed allocation or an out-of-memory kill mid-run. */
#include <mspinn.h>
#include <mspinn/private/solverimpl.h>
#include <sys/resource.h>
#include <unistd.h>

#define MS_BYTES_PER_GB 1.0e9

/* total physical memory of this node in bytes (0 if the system does not say) */
static PetscReal MSPhysicalMemory(void)
{
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

  return (pages > 0 && size > 0) ? (PetscReal)pages * (PetscReal)size : 0.0;
}

/*
  MSCheckMemory_Private - Refuses an allocation that 32-bit indices or the machine cannot hold

  Collective

  Input Parameters:
+ comm    - the ranks that allocate
. entries - the largest array's entries on this rank
. bytes   - all bytes this rank is about to allocate
- what    - what is allocated and why, for the message (e.g. "the Jacobian (9000 rows x 1341 parameters)")
*/
PetscErrorCode MSCheckMemory_Private(MPI_Comm comm, PetscInt64 entries, PetscReal bytes, const char what[])
{
  MPI_Comm  node;
  PetscInt64 most;
  PetscReal nodebytes, worst, have = MSPhysicalMemory();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&entries, &most, 1, MPIU_INT64, MPI_MAX, comm));
  PetscCheck(most <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE,
    "%s: %" PetscInt64_FMT " entries on one rank, more than PetscInt indexes (%d)", what, most, (int)PETSC_MAX_INT);
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Allreduce(&bytes, &nodebytes, 1, MPIU_REAL, MPI_SUM, node));
  PetscCallMPI(MPI_Comm_free(&node));
  PetscCallMPI(MPI_Allreduce(&nodebytes, &worst, 1, MPIU_REAL, MPI_MAX, comm));
  { /* a limit on the address space (ulimit -v) binds each rank alone */
    struct rlimit lim;
    PetscReal     cap = (!getrlimit(RLIMIT_AS, &lim) && lim.rlim_cur != RLIM_INFINITY) ? (PetscReal)lim.rlim_cur : 0.0, capmin;
    PetscCallMPI(MPI_Allreduce(&cap, &capmin, 1, MPIU_REAL, MPI_MIN, comm));
    if (capmin > 0) {
      PetscReal over = cap > 0 && bytes > cap ? bytes : 0.0, worstover;
      PetscCallMPI(MPI_Allreduce(&over, &worstover, 1, MPIU_REAL, MPI_MAX, comm));
      PetscCheck(worstover <= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
        "%s: not enough memory (%.3g GB on one rank, whose address space is limited to %.3g GB)",
        what, (double)(worstover / MS_BYTES_PER_GB), (double)(capmin / MS_BYTES_PER_GB));
    }
  }
  PetscCheck(have <= 0 || worst <= have, comm, PETSC_ERR_ARG_OUTOFRANGE,
    "%s: not enough memory (%.3g GB on one node, which has %.3g GB)", what, (double)(worst / MS_BYTES_PER_GB), (double)(have / MS_BYTES_PER_GB));
  PetscFunctionReturn(0);
}
