/* mspinn public API, continued: expressions, PDE kinds, problems, the loss, the optimizers and the
   solver that runs stages and writes the output. Included by <mspinn.h>. */
#pragma once

/* ======================================================================== expressions
   Formulas in the inputs (x, y, z, t), parsed by GNU libmatheval. Errors name the option. */
typedef struct _n_MSExpr *MSExpr;
PETSC_EXTERN PetscErrorCode MSExprCreate(MPI_Comm, const char optname[], const char text[], PetscInt nvars, const char *const vars[], MSExpr *);
PETSC_EXTERN PetscErrorCode MSExprDerivative(MSExpr, PetscInt var, MSExpr *);
PETSC_EXTERN PetscErrorCode MSExprEvaluate(MSExpr, const PetscReal x[], PetscReal *);
PETSC_EXTERN PetscErrorCode MSExprGetString(MSExpr, const char **);
PETSC_EXTERN PetscErrorCode MSExprDestroy(MSExpr *);

/* ======================================================================== HDF5 input */
PETSC_EXTERN PetscErrorCode MSH5ReadDataset(MPI_Comm, const char optname[], const char file[], const char dataset[], PetscInt *ndims, PetscInt dims[], PetscReal **data);
PETSC_EXTERN PetscErrorCode MSH5HasDataset(const char file[], const char dataset[], PetscBool *has);
PETSC_EXTERN PetscErrorCode MSH5ReadPoints(MPI_Comm, const char prefix[], const char file[], PetscInt ncoords, char *const coords[], const char values[], PetscInt dim, PetscInt *N, PetscReal **X, PetscReal **g);

/* ======================================================================== PDE kinds */
typedef struct _p_MSPDE *MSPDE;
PETSC_EXTERN PetscClassId MSPDE_CLASSID;
typedef const char       *MSPDEType;
#define MSPDEPOISSON "poisson"
#define MSPDEBURGERS "burgers"
#define MSPDEFIT     "fit"
#define MSPDE_MAX_COEF 8

/* Pointwise residual in dual arithmetic: jets[c] are the solution's jet channels (see MSJetSpec),
   coef[k] the coefficients, f the source at x. The dual parts of the result are its exact
   linearization in whatever the caller seeded (jet channels, coefficients). */
typedef PetscErrorCode (*MSPDEResidualFn)(MSPDE, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r);

PETSC_EXTERN PetscErrorCode MSPDECreate(MPI_Comm, MSPDE *);
PETSC_EXTERN PetscErrorCode MSPDESetType(MSPDE, MSPDEType);
PETSC_EXTERN PetscErrorCode MSPDEGetType(MSPDE, MSPDEType *);
PETSC_EXTERN PetscErrorCode MSPDERegister(const char[], PetscErrorCode (*)(MSPDE));
PETSC_EXTERN PetscErrorCode MSPDESetFromOptions(MSPDE);
PETSC_EXTERN PetscErrorCode MSPDEView(MSPDE, PetscViewer);
PETSC_EXTERN PetscErrorCode MSPDEDestroy(MSPDE *);
/* for implementations (called from their create routine) */
PETSC_EXTERN PetscErrorCode MSPDESetResidual(MSPDE, MSPDEResidualFn);
PETSC_EXTERN PetscErrorCode MSPDESetSpaceDimension(MSPDE, PetscInt dim, PetscBool timedependent);
PETSC_EXTERN PetscErrorCode MSPDESetSpaceDimensionRange(MSPDE, PetscInt min, PetscInt max);
PETSC_EXTERN PetscErrorCode MSPDESetJetSpec(MSPDE, PetscInt order, PetscBool mixed);
PETSC_EXTERN PetscErrorCode MSPDESetErrorOrder(MSPDE, PetscInt);
PETSC_EXTERN PetscErrorCode MSPDEGetErrorOrder(MSPDE, PetscInt *);
PETSC_EXTERN PetscErrorCode MSPDESetLinear(MSPDE, PetscBool);
PETSC_EXTERN PetscErrorCode MSPDEIsLinear(MSPDE, PetscBool *);
PETSC_EXTERN PetscErrorCode MSPDEAddCoefficient(MSPDE, const char name[], PetscReal value, const char help[]);
/* queries */
PETSC_EXTERN PetscErrorCode MSPDEGetDimensions(MSPDE, PetscInt *space, PetscBool *timedependent, PetscInt *ninputs);
PETSC_EXTERN PetscErrorCode MSPDEGetJetSpec(MSPDE, MSJetSpec *);
PETSC_EXTERN PetscErrorCode MSPDEGetCoefficients(MSPDE, PetscInt *n, const char *const **names, PetscReal **values);
PETSC_EXTERN PetscErrorCode MSPDEHasEquation(MSPDE, PetscBool *);
/* inverse problems: coefficients declared unknown (-pde_unknown a,b) are trained with the network;
   idx[j] is the j-th unknown's index into the coefficients, scale[j] its variable scale */
PETSC_EXTERN PetscErrorCode MSPDESetUnknowns(MSPDE, PetscInt n, const char *const names[]);
PETSC_EXTERN PetscErrorCode MSPDEGetUnknowns(MSPDE, PetscInt *n, const PetscInt **idx, const PetscReal **scale);
PETSC_EXTERN PetscErrorCode MSPDEGetCoefficientBounds(MSPDE, PetscInt k, PetscReal *lower, PetscReal *upper);
PETSC_EXTERN PetscErrorCode MSPDEGetCoefficientTruth(MSPDE, PetscInt k, PetscBool *known, PetscReal *truth);
PETSC_EXTERN PetscErrorCode MSPDEResidual(MSPDE, const PetscReal x[], const MSDual jets[], const MSDual coef[], PetscReal f, MSDual *r);

/* exact solution of u_t + u u_x = nu u_xx, u(x,0) = -sin(pi x), u(+-1,t) = 0 (Cole-Hopf), and u_x */
PETSC_EXTERN PetscErrorCode MSBurgersColeHopf(PetscReal nu, PetscReal x, PetscReal t, PetscReal *u, PetscReal *ux);

/* ======================================================================== problems */
typedef struct _p_MSProblem *MSProblem;
PETSC_EXTERN PetscClassId MSPROBLEM_CLASSID;

/* A point set: n points (X[p*dim+i]) and, for data sets, target values g[p]. Each rank holds the
   slice [rstart, rstart + n) of the global set of size N, cut at multiples of MS_CHUNK points (see
   mspinn/private/ddsum.h); points appended later (refinement) form further segments, each cut the
   same way: the local points [seg[i], seg[i+1]) start at a chunk boundary of segment i. */
#define MS_MAX_SEGMENTS 32
typedef struct {
  const char *name;
  PetscInt    N, n, rstart, dim;
  PetscInt    nseg, seg[MS_MAX_SEGMENTS + 1];
  PetscReal  *X;
  PetscReal  *g;      /* data targets (NULL for equation sets) */
  PetscReal  *f;      /* source values (equation sets) */
  PetscReal  *exact;  /* exact/reference values where known, else NULL */
  PetscReal   weight; /* loss weight */
  PetscBool   imposed; /* the data hold exactly by the ansatz (-ansatz_lift/-ansatz_distance): not trained on */
} MSPointSet;

typedef enum {
  MS_SET_INTERIOR,
  MS_SET_BOUNDARY,
  MS_SET_INITIAL,
  MS_SET_DATA,
  MS_SET_EVAL,
  MS_NUM_SETS
} MSSetKind;
PETSC_EXTERN const char *const MSSetKinds[];

PETSC_EXTERN PetscErrorCode MSProblemCreate(MPI_Comm, MSProblem *);
PETSC_EXTERN PetscErrorCode MSProblemSetFromOptions(MSProblem);
PETSC_EXTERN PetscErrorCode MSProblemSetUp(MSProblem);
PETSC_EXTERN PetscErrorCode MSProblemView(MSProblem, PetscViewer);
PETSC_EXTERN PetscErrorCode MSProblemDestroy(MSProblem *);
PETSC_EXTERN PetscErrorCode MSProblemGetPDE(MSProblem, MSPDE *);
PETSC_EXTERN PetscErrorCode MSProblemGetName(MSProblem, const char **);
PETSC_EXTERN PetscErrorCode MSProblemGetPointSet(MSProblem, MSSetKind, MSPointSet **);
PETSC_EXTERN PetscErrorCode MSProblemHasExact(MSProblem, PetscBool *);
/* this rank's chunks of a set: chunk c is the local points [starts[c], starts[c+1]) (free starts) */
PETSC_EXTERN PetscErrorCode MSPointSetGetChunks(const MSPointSet *, PetscInt *nchunks, PetscInt **starts);
PETSC_EXTERN PetscErrorCode MSProblemAddPoints(MSProblem, MSSetKind, PetscInt M, const PetscReal X[]);

/* ======================================================================== loss
   r = [ sqrt(w_d / N_d) (u - g) over each data set ; sqrt(gamma / N_e) R(u) over equation points ],
   u = U_base + eps N(x) when earlier stages are frozen (U_base their cached jets). */
typedef struct _p_MSLoss *MSLoss;
PETSC_EXTERN PetscErrorCode MSLossCreate(MSProblem, MSNet, MSLoss *);
PETSC_EXTERN PetscErrorCode MSLossSetGamma(MSLoss, PetscReal);
PETSC_EXTERN PetscErrorCode MSLossSetStage(MSLoss, PetscReal eps, PetscReal *const base[MS_NUM_SETS]);
PETSC_EXTERN PetscErrorCode MSLossSetAnsatz(MSLoss, PetscBool);
PETSC_EXTERN PetscErrorCode MSLossSetUp(MSLoss);
PETSC_EXTERN PetscErrorCode MSLossGetVectors(MSLoss, Vec *x, Vec *r, Mat *J);
PETSC_EXTERN PetscErrorCode MSLossResidual(Tao, Vec, Vec, void *);
PETSC_EXTERN PetscErrorCode MSLossJacobian(Tao, Vec, Mat, Mat, void *);
PETSC_EXTERN PetscErrorCode MSLossObjectiveGradient(Tao, Vec, PetscReal *, Vec, void *);
PETSC_EXTERN PetscErrorCode MSLossParts(MSLoss, Vec r, PetscReal *data, PetscReal *eq);
PETSC_EXTERN PetscErrorCode MSLossGetRowChunks(MSLoss, PetscInt *nchunks, PetscInt **starts);
PETSC_EXTERN PetscErrorCode MSLossGetUnknowns(MSLoss, Vec x, PetscReal values[]);
PETSC_EXTERN PetscErrorCode MSLossNTKTraces(MSLoss, PetscReal *data, PetscReal *eq);
PETSC_EXTERN PetscErrorCode MSLossDestroy(MSLoss *);

/* ======================================================================== optimizers */
#define TAOMSLM "mslm"
#define TAOADAM "adam"
#define TAOMSLSQ "mslsq"
PETSC_EXTERN PetscErrorCode TaoCreate_MSLM(Tao);
/* the damping matrix D of TAOMSLM (-tao_mslm_scaling): running maximum of diag(J^T J), current diag(J^T J), identity */
typedef enum {
  TAOMSLM_SCALING_MAX,
  TAOMSLM_SCALING_DIAG,
  TAOMSLM_SCALING_IDENTITY
} TaoMSLMScaling;
PETSC_EXTERN const char *const TaoMSLMScalings[];
PETSC_EXTERN PetscErrorCode    TaoMSLMSetScaling(Tao, TaoMSLMScaling);
PETSC_EXTERN PetscErrorCode TaoMSLMGetDamping(Tao, PetscReal *);
PETSC_EXTERN PetscErrorCode TaoMSLMSetRowChunks(Tao, PetscInt nchunks, const PetscInt starts[]);
PETSC_EXTERN PetscErrorCode TaoCreate_Adam(Tao);
PETSC_EXTERN PetscErrorCode TaoCreate_MSLSQ(Tao);
PETSC_EXTERN PetscErrorCode TaoMSLSQSetColumns(Tao, PetscInt n, const PetscInt cols[]);
PETSC_EXTERN PetscErrorCode TaoMSLSQSetLinear(Tao, PetscBool);
PETSC_EXTERN PetscErrorCode TaoAdamGetLearningRate(Tao, PetscReal *);

/* ======================================================================== solver (stages + output) */
typedef struct _p_MSSolver *MSSolver;
PETSC_EXTERN PetscClassId MSSOLVER_CLASSID;
PETSC_EXTERN PetscErrorCode MSSolverCreate(MPI_Comm, MSSolver *);
PETSC_EXTERN PetscErrorCode MSSolverSetFromOptions(MSSolver);
PETSC_EXTERN PetscErrorCode MSSolverSolve(MSSolver);
PETSC_EXTERN PetscErrorCode MSSolverWriteOutput(MSSolver);
PETSC_EXTERN PetscErrorCode MSSolverViewSummary(MSSolver, PetscViewer);
PETSC_EXTERN PetscErrorCode MSSolverRemovePartialOutput(MSSolver);
PETSC_EXTERN PetscErrorCode MSSolverDestroy(MSSolver *);

/* ======================================================================== models
   A multi-stage solution u = sum_s eps_s N_s, or g + D sum_{s < m} eps_s N_s + sum_{s >= m} eps_s N_s with
   an ansatz (g, D) on its first m stages (m = 0: all): built by MSSolverSolve (MSSolverGetModel), saved in
   the output's /model group (MSModelView with an HDF5 viewer), read back by MSModelLoad. */
typedef struct _p_MSModel *MSModel;
PETSC_EXTERN PetscClassId MSMODEL_CLASSID;
PETSC_EXTERN PetscErrorCode MSModelCreate(MPI_Comm, MSModel *);
PETSC_EXTERN PetscErrorCode MSModelSetInputNames(MSModel, PetscInt nin, const char *const names[]);
PETSC_EXTERN PetscErrorCode MSModelGetInputName(MSModel, PetscInt i, const char **);
PETSC_EXTERN PetscErrorCode MSModelSetAnsatz(MSModel, const char lift[], const char distance[], PetscInt stages);
PETSC_EXTERN PetscErrorCode MSModelGetAnsatz(MSModel, const char **lift, const char **distance, PetscInt *stages);
PETSC_EXTERN PetscErrorCode MSModelAddStage(MSModel, MSNet, PetscReal eps);
PETSC_EXTERN PetscErrorCode MSModelGetNumStages(MSModel, PetscInt *);
PETSC_EXTERN PetscErrorCode MSModelGetStage(MSModel, PetscInt s, MSNet *, PetscReal *eps);
PETSC_EXTERN PetscErrorCode MSModelEvaluate(MSModel, PetscInt ns, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[]);
PETSC_EXTERN PetscErrorCode MSModelEvaluateStage(MSModel, PetscInt s, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[]);
PETSC_EXTERN PetscErrorCode MSModelResidual(MSModel, MSProblem, PetscInt ns, PetscInt n, const PetscReal X[], PetscReal R[]);
PETSC_EXTERN PetscErrorCode MSModelView(MSModel, PetscViewer);
PETSC_EXTERN PetscErrorCode MSModelLoad(MSModel, const char file[]);
PETSC_EXTERN PetscErrorCode MSModelDestroy(MSModel *);
PETSC_EXTERN PetscErrorCode MSSolverGetModel(MSSolver, MSModel *);
PETSC_EXTERN PetscErrorCode MSModelEvaluateToFile(MPI_Comm, const char load[], const char pointsfile[], const char dataset[], const char output[]);

PETSC_INTERN PetscErrorCode MSRegisterAll_Private(void);
