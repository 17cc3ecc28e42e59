/* Private structure of MSProblem (see src/problem/). */
#pragma once
#include <mspinn.h>
#include <petsc/private/petscimpl.h>

typedef enum {
  MS_POINTS_GRID,
  MS_POINTS_CHEBYSHEV,
  MS_POINTS_RANDOM,
  MS_POINTS_HALTON
} MSPointsType;
PETSC_INTERN const char *const MSPointsTypes[];

/* an ansatz u = g + D sum_s eps_s N_s: [0] the lift g, [1] the distance D, each with its derivative
   channels in the full jet spec (order 2, mixed) */
#define MS_ANSATZ_CHANNELS (1 + 2 * MS_JET_DIM + 3)
typedef MSExpr MSAnsatzExprs[2][MS_ANSATZ_CHANNELS];

/* how one point set is generated */
typedef struct {
  MSPointsType type;
  PetscInt     n; /* per direction for grids, in all for random/halton */
} MSPointsSpec;

struct _p_MSProblem {
  PETSCHEADER(int);
  char         name[256];
  MSPDE        pde;
  PetscInt     sdim, nin;
  PetscBool    timedep;
  PetscReal    lo[MS_JET_DIM], hi[MS_JET_DIM]; /* box over all inputs (time last) */
  MSExpr       exact, source, boundary, initial;
  MSExpr       dexact[1 + 2 * MS_JET_DIM + 3]; /* exact solution's jet channels */
  MSPointsSpec pts[MS_NUM_SETS];
  PetscReal    weight[MS_NUM_SETS];
  unsigned long seed;
  /* data (fit values / observations) and reference solution from HDF5 */
  char         datafile[PETSC_MAX_PATH_LEN], datavalues[256], *datacoords[MS_JET_DIM];
  PetscInt     ndatacoords, datan;
  PetscReal    datanoise;
  PetscBool    datadrop;             /* -data_outside drop: leave out file points outside the domain box (else an error) */
  PetscInt     ndropped[2];          /* points so left out of -data_file and -reference_file */
  char         reffile[PETSC_MAX_PATH_LEN], refvalues[256], *refcoords[MS_JET_DIM];
  PetscInt     nrefcoords;
  PetscInt     refgrid_n[MS_JET_DIM]; /* -reference_file a tensor grid kept whole: its axes (refgrid_n[0] = 0: not) */
  PetscReal   *refgrid_x[MS_JET_DIM];
  /* a Gmsh mesh (-mesh, src/problem/mesh.c): vertices, simplices, boundary facets and their labels */
  char         meshfile[PETSC_MAX_PATH_LEN];
  PetscBool    periodic[MS_JET_DIM];   /* -domain_periodic: space directions the solution is periodic in (period hi - lo) */
  PetscInt     mdim, nvert, ncell, nface;
  PetscReal   *vert, *cellvol;
  PetscInt    *cellv, *facev, *facelabel;
  PetscInt     nblabel, blabel[16];
  MSExpr       blabelexpr[16];       /* -pde_boundary_<label> (NULL: the default boundary data) */
  /* exact imposition u = g + D sum_s eps_s N_s (src/problem/ansatz.c): -ansatz_lift, -ansatz_distance */
  char         ansatz_text[2][4096]; /* "" when not given */
  MSAnsatzExprs ansatz;              /* jets of g and D, channels of the full spec (order 2, mixed) */
  PetscInt     ansatz_stages;        /* -ansatz_stages: stages 1..m are multiplied by D, later ones are free (0: all) */
  MSPointSet   set[MS_NUM_SETS];
  PetscBool    setupcalled;
};

/* the observations are noise-free samples of -pde_exact, so more can be drawn (MSProblemAddPoints) */
static inline PetscBool MSProblemObservationsFromExact_Private(MSProblem prob)
{
  return (prob->exact && !prob->datafile[0] && prob->datanoise == 0) ? PETSC_TRUE : PETSC_FALSE;
}

PETSC_INTERN PetscErrorCode MSPointsGenerate_Private(MSPointsType, PetscInt nd, const PetscReal lo[], const PetscReal hi[], PetscInt n, PetscRandom, PetscInt *N, PetscReal **X);
PETSC_INTERN PetscErrorCode MSProblemPlannedRows_Private(MSProblem, PetscInt64 *);
PETSC_INTERN PetscErrorCode MSProblemMeshLoad_Private(MSProblem);
PETSC_INTERN PetscErrorCode MSProblemMeshBoundaryLabels_Private(MSProblem, PetscInt *, PetscInt[], PetscInt);
PETSC_INTERN PetscErrorCode MSProblemMeshSampleDomain_Private(MSProblem, PetscRandom, PetscInt, PetscReal[]);
PETSC_INTERN PetscErrorCode MSProblemMeshInteriorPoints_Private(MSProblem, PetscRandom, PetscInt, PetscInt *, PetscReal **);
PETSC_INTERN PetscErrorCode MSProblemMeshBoundaryPoints_Private(MSProblem, PetscRandom, PetscInt, PetscInt *, PetscReal **, PetscInt **);
PETSC_INTERN PetscErrorCode MSProblemMeshDestroy_Private(MSProblem);
static inline PetscBool MSProblemHasAnsatz_Private(MSProblem prob)
{
  return prob->ansatz[0][0] ? PETSC_TRUE : PETSC_FALSE;
}
/* stage s (0-based) is multiplied by the ansatz's D: u = g + D sum_{s < m} eps_s N_s + sum_{s >= m} eps_s N_s */
static inline PetscBool MSProblemAnsatzOnStage_Private(MSProblem prob, PetscInt s)
{
  return (MSProblemHasAnsatz_Private(prob) && (prob->ansatz_stages == 0 || s < prob->ansatz_stages)) ? PETSC_TRUE : PETSC_FALSE;
}
PETSC_INTERN PetscErrorCode MSProblemAnsatzCreate_Private(MSProblem, const char *const vars[]);
PETSC_INTERN PetscErrorCode MSAnsatzCreate_Private(MPI_Comm, const char *const texts[2], PetscInt nin, const char *const vars[], MSAnsatzExprs);
PETSC_INTERN PetscErrorCode MSAnsatzDestroy_Private(MSAnsatzExprs);
PETSC_INTERN PetscErrorCode MSAnsatzJets_Private(MSAnsatzExprs, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscInt ld, PetscReal G[], PetscReal D[]);
PETSC_INTERN PetscErrorCode MSAnsatzApply_Private(MSAnsatzExprs, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[], PetscBool absmode);
PETSC_INTERN PetscErrorCode MSProblemAnsatzJets_Private(MSProblem, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscInt ld, PetscReal G[], PetscReal D[]);
PETSC_INTERN PetscErrorCode MSProblemAnsatzApply_Private(MSProblem, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[], PetscBool absmode);
PETSC_INTERN PetscErrorCode MSProblemAnsatzMarkImposed_Private(MSProblem);
PETSC_INTERN void           MSAnsatzMultiply_Private(const MSJetSpec *, PetscInt n, const PetscReal D[], PetscInt ldD, PetscReal U[], PetscBool absmode);
PETSC_INTERN void           MSAnsatzMultiplyTranspose_Private(const MSJetSpec *, PetscInt n, const PetscReal D[], PetscInt ldD, PetscReal G[]);
PETSC_INTERN PetscErrorCode MSProblemExactJets_Private(MSProblem, const PetscReal x[], MSDual jets[]);
PETSC_INTERN PetscErrorCode MSProblemSetNetPeriodic_Private(MSProblem, MSNet);
PETSC_INTERN PetscErrorCode MSProblemSourceAt_Private(MSProblem, const PetscReal x[], PetscReal *f);
