/* Domains from Gmsh meshes (-mesh FILE.msh), read by PETSc's DMPlex (DMPlexCreateFromFile, no
   libgmsh needed). Every rank reads the whole mesh (PETSC_COMM_SELF) and draws the same seeded points,
   which are then split over the ranks like any other point set.

   - collocation points: -points_interior_n random points per cell (uniform in the simplex: barycentric
     coordinates b_i = e_i / sum e_j with e_i = -log U_i, i.e. Dirichlet(1,...,1)), so the density
     follows the mesh;
   - boundary points: -points_boundary_n random points per boundary facet (a facet with one cell),
     with Dirichlet data chosen by the facet's "Face Sets" label value, i.e. the Gmsh physical tag:
     -pde_boundary_<tag>, else -pde_boundary, else -pde_exact;
   - evaluation points: -points_eval_n points drawn with probability proportional to cell volume
     (uniform in the domain), from their own random stream: never training points.
   Cells must be simplices (segments, triangles, tetrahedra). The mesh's vertices and cells are kept
   for the output (fields at the vertices, /mesh, shown by the XDMF file). */
#include <mspinn/private/problemimpl.h>
#include <petscdmplex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* what the check of an ASCII Gmsh file (format 2.x or 4.1) found */
typedef struct {
  int        version;          /* 2 or 41; 0: a format or encoding the check leaves to PETSc */
  PetscInt64 bytes;            /* the file's size */
  PetscInt64 nnodes, *node;    /* the node tags of $Nodes, sorted */
  PetscInt64  bad_elem, bad_node; /* the first bad element line (bad_elem >= 0): it names bad_node, which $Nodes lacks, */
  const char *bad_what;           /* or is malformed this way */
  PetscInt64  bad_tag;            /* a node tag of $Nodes out of the range 1 .. 2^31 - 1 (0: none) */
} MSGmshCheck;

static int MSCompareInt64_Private(const void *a, const void *b)
{
  const PetscInt64 x = *(const PetscInt64 *)a, y = *(const PetscInt64 *)b;
  return (x > y) - (x < y);
}

/* the integers of a line (at most max), their count in *n */
static void MSLineInts_Private(const char *line, PetscInt64 a[], int max, int *n)
{
  char *end;
  for (*n = 0; *n < max; (*n)++) {
    a[*n] = strtoll(line, &end, 10);
    if (end == line) break;
    line = end;
  }
}

#define MS_GMSH_LINE_INTS 64 /* integers read from one element line: more than any type listed below needs */

/* $Nodes: 2.x "N" then N lines "tag x y z"; 4.1 "blocks N min max", then per block "dim tag param n",
   n tag lines, n coordinate lines */
static PetscErrorCode MSGmshReadNodeTags_Private(FILE *f, MSGmshCheck *g, char **line, size_t *cap)
{
  PetscInt64 head[4], nblocks, k = 0;
  int        n;

  PetscFunctionBegin;
  if (getline(line, cap, f) < 0) { g->version = 0; PetscFunctionReturn(0); }
  MSLineInts_Private(*line, head, 4, &n);
  nblocks   = g->version == 2 ? 1 : head[0];
  g->nnodes = g->version == 2 ? head[0] : head[1];
  /* a count beyond the file's bytes cannot be true: left to PETSc's reader, which refuses it */
  if (n < (g->version == 2 ? 1 : 2) || g->nnodes < 0 || nblocks < 0 || g->nnodes > g->bytes) { g->version = 0; PetscFunctionReturn(0); }
  PetscCall(PetscMalloc1(g->nnodes + 1, &g->node));
  for (PetscInt64 b = 0; b < nblocks && k < g->nnodes; b++) {
    PetscInt64 nb = g->nnodes;
    if (g->version == 41) {
      if (getline(line, cap, f) < 0) break;
      MSLineInts_Private(*line, head, 4, &n);
      nb = n == 4 ? head[3] : 0;
    }
    for (PetscInt64 j = 0; j < nb && k < g->nnodes && getline(line, cap, f) >= 0; j++) {
      g->node[k] = strtoll(*line, NULL, 10);
      if (g->node[k] < 1 || g->node[k] > PETSC_MAX_INT) g->bad_tag = g->node[k]; /* PETSc reads an int */
      k++;
    }
    for (PetscInt64 j = 0; g->version == 41 && j < nb && getline(line, cap, f) >= 0; j++) { /* coordinates */ }
  }
  if (k < g->nnodes) { g->version = 0; PetscFunctionReturn(0); }
  if (g->nnodes) qsort(g->node, (size_t)g->nnodes, sizeof(PetscInt64), MSCompareInt64_Private);
  PetscFunctionReturn(0);
}

/* nodes per Gmsh element type 1..19 (lines, triangles, quadrangles, tetrahedra, hexahedra, prisms,
   pyramids up to second order, points), 0 for a type not listed */
static PetscInt MSGmshTypeNodes_Private(PetscInt64 type)
{
  static const PetscInt nodes[] = {0, 2, 3, 4, 4, 8, 6, 5, 3, 6, 9, 10, 27, 18, 14, 1, 8, 20, 15, 13};
  return type >= 1 && type < (PetscInt64)(sizeof(nodes) / sizeof(nodes[0])) ? nodes[type] : 0;
}

/* one element line (its n integers in v; 2.x: tag type ntags tags... nodes..., 4.1: tag nodes... of the
   block's type): the count its type needs, integers PETSc's int can hold, nodes that $Nodes defines.
   PETSc reads as many integers as the type needs, wherever they are, and indexes its node table with
   them: a line that breaks any of these would make it read out of bounds. */
static void MSGmshCheckElementLine_Private(MSGmshCheck *g, const PetscInt64 v[], int n, PetscInt64 type41)
{
  PetscInt64 type = g->version == 2 ? (n > 1 ? v[1] : 0) : type41;
  int        first = g->version == 2 ? (n > 2 ? 3 + (int)PetscMax(PetscMin(v[2], MS_GMSH_LINE_INTS), 0) : n) : 1;

  if (n < 1) return;
  for (int i = 0; i < n; i++)
    if (v[i] < PETSC_MIN_INT || v[i] > PETSC_MAX_INT) {
      g->bad_elem = v[0], g->bad_what = "a number beyond the range of int";
      return;
    }
  if (!MSGmshTypeNodes_Private(type)) {
    g->bad_elem = v[0], g->bad_what = "an element type mspinn does not read";
    return;
  }
  if ((g->version == 2 && (n < 3 || v[2] < 0)) || n - first != MSGmshTypeNodes_Private(type)) {
    g->bad_elem = v[0], g->bad_what = "not as many numbers as its type needs";
    return;
  }
  for (int i = first; i < n; i++) {
    if (bsearch(&v[i], g->node, (size_t)g->nnodes, sizeof(PetscInt64), MSCompareInt64_Private)) continue;
    g->bad_elem = v[0], g->bad_node = v[i];
    return;
  }
}

/* $Elements: 2.x "N" then N element lines; 4.1 "blocks N min max", then per block "dim tag type n" and
   n element lines */
static PetscErrorCode MSGmshCheckElements_Private(FILE *f, MSGmshCheck *g, char **line, size_t *cap)
{
  PetscInt64 v[MS_GMSH_LINE_INTS], nblocks;
  int        n;

  PetscFunctionBegin;
  if (getline(line, cap, f) < 0) PetscFunctionReturn(0);
  MSLineInts_Private(*line, v, 4, &n);
  nblocks = g->version == 2 ? 1 : v[0];
  for (PetscInt64 b = 0; b < nblocks && g->bad_elem < 0; b++) {
    PetscInt64 nb = g->version == 2 ? v[0] : 0, type = 0;
    if (g->version == 41) {
      if (getline(line, cap, f) < 0) break;
      MSLineInts_Private(*line, v, 4, &n);
      nb   = n == 4 ? v[3] : 0;
      type = n == 4 ? v[2] : 0;
    }
    for (PetscInt64 e = 0; e < nb && g->bad_elem < 0 && getline(line, cap, f) >= 0; e++) {
      MSLineInts_Private(*line, v, MS_GMSH_LINE_INTS, &n);
      MSGmshCheckElementLine_Private(g, v, n, type);
    }
  }
  PetscFunctionReturn(0);
}

/* PETSc 3.18's Gmsh reader maps element nodes through a table indexed by node tag without checking
   the tag (an element naming a node that does not exist reads outside it and yields a wrong mesh),
   and reads an element line into a fixed buffer as long as its type and tag count say: ASCII files are
   checked here first (node tags, element lines), binary files are left to PETSc. */
static PetscErrorCode MSProblemMeshCheckGmsh_Private(MSProblem prob)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)prob);
  FILE       *f;
  char       *line = NULL;
  size_t      cap  = 0;
  MSGmshCheck g    = {0, 0, 0, NULL, -1, -1, NULL, 0};
  PetscReal   version = 0;
  int         binary = 1;

  PetscFunctionBegin;
  f = fopen(prob->meshfile, "r");
  PetscCheck(f, comm, PETSC_ERR_FILE_OPEN, "-mesh %s: cannot open the file", prob->meshfile);
  if (!fseek(f, 0, SEEK_END)) g.bytes = (PetscInt64)ftell(f);
  rewind(f);
  while (getline(&line, &cap, f) >= 0) {
    if (!strncmp(line, "$MeshFormat", 11) && getline(&line, &cap, f) >= 0 && sscanf(line, "%lf %d", &version, &binary) == 2) {
      g.version = binary ? 0 : (version >= 2 && version < 3 ? 2 : (version == 4.1 ? 41 : 0));
      if (!g.version) break;
    } else if (g.version && !strncmp(line, "$Nodes", 6)) PetscCall(MSGmshReadNodeTags_Private(f, &g, &line, &cap));
    else if (g.version && g.node && !strncmp(line, "$Elements", 9)) PetscCall(MSGmshCheckElements_Private(f, &g, &line, &cap));
  }
  free(line);
  (void)fclose(f);
  PetscCall(PetscFree(g.node));
  PetscCheck(!g.bad_tag, comm, PETSC_ERR_FILE_UNEXPECTED, "-mesh %s: $Nodes has the node tag %" PetscInt64_FMT ", out of the range 1 to %d",
             prob->meshfile, g.bad_tag, (int)PETSC_MAX_INT);
  PetscCheck(g.bad_elem < 0 || g.bad_what, comm, PETSC_ERR_FILE_UNEXPECTED,
             "-mesh %s: element %" PetscInt64_FMT " names node %" PetscInt64_FMT ", which the file's $Nodes does not define",
             prob->meshfile, g.bad_elem, g.bad_node);
  PetscCheck(g.bad_elem < 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-mesh %s: the line of element %" PetscInt64_FMT " has %s", prob->meshfile,
             g.bad_elem, g.bad_what);
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemMeshLoad_Private(MSProblem prob)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)prob);
  DM              dm;
  PetscErrorCode  ierr;
  PetscInt        dim, cStart, cEnd, vStart, vEnd, fStart, fEnd, nv, *closure = NULL, ncl;
  Vec             coords;
  PetscSection    cs;
  const PetscReal *ca;
  DMLabel         label;

  PetscFunctionBegin;
  PetscCall(MSProblemMeshCheckGmsh_Private(prob));
  /* PETSc's reader reports its own errors; replace them with one line naming the option */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = DMPlexCreateFromFile(PETSC_COMM_SELF, prob->meshfile, "mspinn", PETSC_TRUE, &dm);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_UNEXPECTED, "-mesh %s: not a mesh PETSc can read (a Gmsh .msh file, format 2.2 or 4.1)", prob->meshfile);
  PetscCall(DMGetDimension(dm, &dim));
  PetscCheck(dim == prob->sdim, comm, PETSC_ERR_ARG_INCOMP,
             "-mesh %s: the mesh is %" PetscInt_FMT "-dimensional but the PDE's space dimension (-pde_dim) is %" PetscInt_FMT, prob->meshfile, dim, prob->sdim);
  PetscCheck(!prob->timedep, comm, PETSC_ERR_SUP, "-mesh: time-dependent PDEs on meshes are not supported yet");
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  PetscCheck(cEnd > cStart, comm, PETSC_ERR_FILE_UNEXPECTED, "-mesh %s: the mesh has no cells", prob->meshfile);
  nv          = vEnd - vStart;
  prob->mdim  = dim;
  prob->nvert = nv;
  prob->ncell = cEnd - cStart;
  PetscCall(PetscMalloc3(nv * dim, &prob->vert, prob->ncell * (dim + 1), &prob->cellv, prob->ncell, &prob->cellvol));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  for (PetscInt v = vStart; v < vEnd; v++) {
    PetscInt off;
    PetscCall(PetscSectionGetOffset(cs, v, &off));
    for (PetscInt i = 0; i < dim; i++) prob->vert[(v - vStart) * dim + i] = ca[off + i];
  }
  PetscCall(VecRestoreArrayRead(coords, &ca));
  for (PetscInt i = 0; i < dim; i++) { /* the bounding box: spectra, output grids */
    prob->lo[i] = PETSC_MAX_REAL;
    prob->hi[i] = PETSC_MIN_REAL;
    for (PetscInt v = 0; v < nv; v++) {
      prob->lo[i] = PetscMin(prob->lo[i], prob->vert[v * dim + i]);
      prob->hi[i] = PetscMax(prob->hi[i], prob->vert[v * dim + i]);
    }
  }
  for (PetscInt c = cStart; c < cEnd; c++) { /* vertices of each simplex, and its volume */
    DMPolytopeType ct;
    PetscInt       k = 0;
    PetscReal      M[9], det;
    PetscCall(DMPlexGetCellType(dm, c, &ct));
    PetscCheck(ct == DM_POLYTOPE_SEGMENT || ct == DM_POLYTOPE_TRIANGLE || ct == DM_POLYTOPE_TETRAHEDRON, comm, PETSC_ERR_SUP,
               "-mesh %s: cell %" PetscInt_FMT " is a %s; only simplices (segments, triangles, tetrahedra) are supported", prob->meshfile, c, DMPolytopeTypes[ct]);
    PetscCall(DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    for (PetscInt q = 0; q < ncl; q++)
      if (closure[2 * q] >= vStart && closure[2 * q] < vEnd && k <= dim) prob->cellv[(c - cStart) * (dim + 1) + k++] = closure[2 * q] - vStart;
    PetscCall(DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    for (PetscInt j = 0; j < dim; j++) /* edge vectors from vertex 0 */
      for (PetscInt i = 0; i < dim; i++) M[i * dim + j] = prob->vert[prob->cellv[(c - cStart) * (dim + 1) + j + 1] * dim + i] - prob->vert[prob->cellv[(c - cStart) * (dim + 1)] * dim + i];
    det = dim == 1 ? M[0] : dim == 2 ? M[0] * M[3] - M[1] * M[2] : M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
    prob->cellvol[c - cStart] = PetscAbsReal(det) / (dim == 1 ? 1 : dim == 2 ? 2 : 6);
  }
  /* boundary facets (one supporting cell) with their Face Sets value (the Gmsh physical tag, or -1) */
  PetscCall(DMGetLabel(dm, "Face Sets", &label));
  prob->nface = 0;
  for (PetscInt fc = fStart; fc < fEnd; fc++) {
    PetscInt ss;
    PetscCall(DMPlexGetSupportSize(dm, fc, &ss));
    if (ss == 1) prob->nface++;
  }
  PetscCall(PetscMalloc2(prob->nface * dim, &prob->facev, prob->nface, &prob->facelabel));
  prob->nface = 0;
  for (PetscInt fc = fStart; fc < fEnd; fc++) {
    PetscInt ss, k = 0, val = -1;
    PetscCall(DMPlexGetSupportSize(dm, fc, &ss));
    if (ss != 1) continue;
    if (label) PetscCall(DMLabelGetValue(label, fc, &val));
    PetscCall(DMPlexGetTransitiveClosure(dm, fc, PETSC_TRUE, &ncl, &closure));
    for (PetscInt q = 0; q < ncl; q++)
      if (closure[2 * q] >= vStart && closure[2 * q] < vEnd && k < dim) prob->facev[prob->nface * dim + k++] = closure[2 * q] - vStart;
    PetscCall(DMPlexRestoreTransitiveClosure(dm, fc, PETSC_TRUE, &ncl, &closure));
    prob->facelabel[prob->nface++] = val;
  }
  PetscCheck(prob->nface > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-mesh %s: the mesh has no boundary facets", prob->meshfile);
  PetscCall(DMDestroy(&dm));
  PetscFunctionReturn(0);
}

/* the distinct label values of the boundary facets, sorted */
PetscErrorCode MSProblemMeshBoundaryLabels_Private(MSProblem prob, PetscInt *n, PetscInt vals[], PetscInt max)
{
  PetscFunctionBegin;
  *n = 0;
  for (PetscInt q = 0; q < prob->nface; q++) {
    PetscBool seen = PETSC_FALSE;
    for (PetscInt j = 0; j < *n; j++) seen = seen || vals[j] == prob->facelabel[q] ? PETSC_TRUE : PETSC_FALSE;
    if (!seen) {
      PetscCheck(*n < max, PETSC_COMM_SELF, PETSC_ERR_SUP, "-mesh %s: more than %" PetscInt_FMT " boundary labels", prob->meshfile, max);
      vals[(*n)++] = prob->facelabel[q];
    }
  }
  PetscCall(PetscSortInt(*n, vals));
  PetscFunctionReturn(0);
}

/* a uniform point of the simplex with vertex indices v[0..k] (k + 1 vertices of dim coordinates) */
static PetscErrorCode MSMeshSimplexPoint_Private(MSProblem prob, const PetscInt v[], PetscInt k, PetscRandom rnd, PetscReal x[])
{
  PetscInt  dim = prob->mdim;
  PetscReal e[4], s = 0;

  PetscFunctionBegin;
  for (PetscInt j = 0; j <= k; j++) {
    PetscReal u;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    e[j] = -PetscLogReal(1.0 - u); /* Exp(1); 1 - u in (0, 1] */
    s += e[j];
  }
  for (PetscInt i = 0; i < dim; i++) {
    x[i] = 0;
    for (PetscInt j = 0; j <= k; j++) x[i] += e[j] / s * prob->vert[v[j] * dim + i];
  }
  PetscFunctionReturn(0);
}

/* n points uniform in the domain: cells drawn with probability proportional to their volume */
PetscErrorCode MSProblemMeshSampleDomain_Private(MSProblem prob, PetscRandom rnd, PetscInt n, PetscReal X[])
{
  PetscInt   nc = prob->ncell, dim = prob->mdim;
  PetscReal *cum;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nc, &cum));
  for (PetscInt c = 0; c < nc; c++) cum[c] = (c ? cum[c - 1] : 0) + prob->cellvol[c];
  for (PetscInt p = 0; p < n; p++) {
    PetscReal u;
    PetscInt  lo = 0, hi = nc - 1;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    u *= cum[nc - 1];
    while (lo < hi) { /* the first cell with cum > u */
      PetscInt mid = (lo + hi) / 2;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    PetscCall(MSMeshSimplexPoint_Private(prob, prob->cellv + lo * (dim + 1), dim, rnd, X + p * dim));
  }
  PetscCall(PetscFree(cum));
  PetscFunctionReturn(0);
}

/* k random points in every cell */
PetscErrorCode MSProblemMeshInteriorPoints_Private(MSProblem prob, PetscRandom rnd, PetscInt k, PetscInt *N, PetscReal **X)
{
  PetscInt dim = prob->mdim;

  PetscFunctionBegin;
  *N = prob->ncell * k;
  PetscCall(PetscMalloc1(PetscMax(*N * dim, 1), X));
  for (PetscInt c = 0; c < prob->ncell; c++)
    for (PetscInt j = 0; j < k; j++) PetscCall(MSMeshSimplexPoint_Private(prob, prob->cellv + c * (dim + 1), dim, rnd, *X + (c * k + j) * dim));
  PetscFunctionReturn(0);
}

/* k random points on every boundary facet, with the facets' label values */
PetscErrorCode MSProblemMeshBoundaryPoints_Private(MSProblem prob, PetscRandom rnd, PetscInt k, PetscInt *N, PetscReal **X, PetscInt **lab)
{
  PetscInt dim = prob->mdim;

  PetscFunctionBegin;
  *N = prob->nface * k;
  PetscCall(PetscMalloc1(PetscMax(*N * dim, 1), X));
  PetscCall(PetscMalloc1(PetscMax(*N, 1), lab));
  for (PetscInt q = 0; q < prob->nface; q++)
    for (PetscInt j = 0; j < k; j++) {
      if (dim == 1) PetscCall(PetscArraycpy(*X + (q * k + j) * dim, prob->vert + prob->facev[q] * dim, dim)); /* a facet of a segment mesh is a vertex */
      else PetscCall(MSMeshSimplexPoint_Private(prob, prob->facev + q * dim, dim - 1, rnd, *X + (q * k + j) * dim));
      (*lab)[q * k + j] = prob->facelabel[q];
    }
  PetscFunctionReturn(0);
}

PetscErrorCode MSProblemMeshDestroy_Private(MSProblem prob)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(prob->vert, prob->cellv, prob->cellvol));
  PetscCall(PetscFree2(prob->facev, prob->facelabel));
  for (PetscInt j = 0; j < prob->nblabel; j++) PetscCall(MSExprDestroy(&prob->blabelexpr[j]));
  prob->nblabel = 0;
  prob->ncell   = 0;
  prob->nface   = 0;
  PetscFunctionReturn(0);
}
