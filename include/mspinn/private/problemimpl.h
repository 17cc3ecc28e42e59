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
  char         reffile[PETSC_MAX_PATH_LEN], refvalues[256], *refcoords[MS_JET_DIM];
  PetscInt     nrefcoords;
  /* a Gmsh mesh (-mesh, src/problem/mesh.c): vertices, simplices, boundary facets and their labels */
  char         meshfile[PETSC_MAX_PATH_LEN];
  PetscInt     mdim, nvert, ncell, nface;
  PetscReal   *vert, *cellvol;
  PetscInt    *cellv, *facev, *facelabel;
  PetscInt     nblabel, blabel[16];
  MSExpr       blabelexpr[16];       /* -pde_boundary_<label> (NULL: the default boundary data) */
  MSPointSet   set[MS_NUM_SETS];
  PetscBool    setupcalled;
};

/* the observations are noise-free samples of -pde_exact, so more can be drawn (MSProblemAddPoints) */
static inline PetscBool MSProblemObservationsFromExact_Private(MSProblem prob)
{
  return (prob->exact && !prob->datafile[0] && prob->datanoise == 0) ? PETSC_TRUE : PETSC_FALSE;
}

PETSC_INTERN PetscErrorCode MSPointsGenerate_Private(MSPointsType, PetscInt nd, const PetscReal lo[], const PetscReal hi[], PetscInt n, PetscRandom, PetscInt *N, PetscReal **X);
PETSC_INTERN PetscErrorCode MSProblemMeshLoad_Private(MSProblem);
PETSC_INTERN PetscErrorCode MSProblemMeshBoundaryLabels_Private(MSProblem, PetscInt *, PetscInt[], PetscInt);
PETSC_INTERN PetscErrorCode MSProblemMeshSampleDomain_Private(MSProblem, PetscRandom, PetscInt, PetscReal[]);
PETSC_INTERN PetscErrorCode MSProblemMeshInteriorPoints_Private(MSProblem, PetscRandom, PetscInt, PetscInt *, PetscReal **);
PETSC_INTERN PetscErrorCode MSProblemMeshBoundaryPoints_Private(MSProblem, PetscRandom, PetscInt, PetscInt *, PetscReal **, PetscInt **);
PETSC_INTERN PetscErrorCode MSProblemMeshDestroy_Private(MSProblem);
PETSC_INTERN PetscErrorCode MSProblemExactJets_Private(MSProblem, const PetscReal x[], MSDual jets[]);
PETSC_INTERN PetscErrorCode MSProblemSourceAt_Private(MSProblem, const PetscReal x[], PetscReal *f);
