/*
  mspinn: physics-informed neural networks to machine precision, on PETSc.
  Public API. Objects follow PETSc's life cycle: Create -> Set.../SetFromOptions -> SetUp -> use
  -> View -> Destroy(&obj). See ../README.md and DESIGN.md for the parts.
*/
#pragma once
#include <petsctao.h>
#include <mspinn/dual.h>

PETSC_EXTERN PetscErrorCode MSInitializePackage(void);
PETSC_EXTERN PetscErrorCode MSFinalizePackage(void);
PETSC_EXTERN PetscErrorCode MSOptionsInsertFiles(MPI_Comm, PetscOptions, PetscInt, const char *const[]);
PETSC_EXTERN PetscErrorCode MSOptionsInsertArgs(PetscOptions, int, char **);
PETSC_EXTERN void           MSSetCommandLine(int, char **);
PETSC_EXTERN PetscBool      MSOptionsIsName(const char[]);
PETSC_EXTERN PetscBool      MSOutputFailed(void);
PETSC_EXTERN PetscBool      MSOptionsTakesExpression(const char[]);
PETSC_EXTERN PetscErrorCode MSOptionsCheckInt(MPI_Comm, PetscOptions, const char[], const char[]);
PETSC_EXTERN PetscErrorCode MSOptionsHasExactName(PetscOptions, const char[], PetscBool *);
PETSC_EXTERN PetscErrorCode MSOptionsInt_Private(PetscOptionItems *, const char[], const char[], const char[], PetscInt, PetscInt *, PetscBool *);
/* PetscOptionsInt that refuses a value that does not fit PetscInt instead of wrapping it */
#define MSOptionsInt(opt, text, man, current, value, set) MSOptionsInt_Private(PetscOptionsObject, opt, text, man, current, value, set)

/* ======================================================================== jets
   Channels of a jet for `dim` inputs: 0 is u; 1..dim the first derivatives; with order 2 the pure
   second derivatives follow (dim of them), then, when `mixed` is set, the mixed ones in the order
   (0,1), (0,2), (1,2). */
typedef struct {
  PetscInt  dim;   /* number of inputs, 1..3 */
  PetscInt  order; /* 0, 1 or 2 */
  PetscBool mixed; /* with order 2: also the mixed second derivatives */
} MSJetSpec;

PETSC_EXTERN PetscInt MSJetSpecNumChannels(const MSJetSpec *);
PETSC_EXTERN PetscInt MSJetSpecChannelD(const MSJetSpec *, PetscInt i);
PETSC_EXTERN PetscInt MSJetSpecChannelDD(const MSJetSpec *, PetscInt i, PetscInt j);
PETSC_EXTERN PetscErrorCode MSJetSpecChannelName(const MSJetSpec *, const char *const inputs[], PetscInt c, char name[], size_t len);

/* ======================================================================== network */
typedef struct _p_MSNet *MSNet;
PETSC_EXTERN PetscClassId MSNET_CLASSID;

typedef enum {
  MS_ACT_TANH,
  MS_ACT_SIN,
  MS_ACT_COS
} MSActivation;
#define MS_NUM_ACTIVATIONS 3 /* activation codes are 0 .. MS_NUM_ACTIVATIONS - 1 */
PETSC_EXTERN const char *const MSActivations[];

/* Called by MSNetInitialize after the Xavier draw, to overwrite weights (e.g. a spectrum-informed
   first layer). Layer l's weights are W (nout x nin, column-major) and biases b. */
typedef PetscErrorCode (*MSNetInitializeFn)(MSNet, void *);

/* Callback of MSNetJacobianNormal: from the jets U (channel c of point p at U[c*n+p]) at the n
   points X (X[p*dim+i]) compute each point's residual r[p] and its sensitivity to each jet channel
   G[c*n+p] = d r[p] / d U[c*n+p]. */
typedef PetscErrorCode (*MSNetResidualFn)(void *, PetscInt n, const PetscReal X[], const PetscReal U[], PetscReal r[], PetscReal G[]);

PETSC_EXTERN PetscErrorCode MSNetCreate(MPI_Comm, MSNet *);
PETSC_EXTERN PetscErrorCode MSNetSetInputDimension(MSNet, PetscInt);
PETSC_EXTERN PetscErrorCode MSNetSetHiddenLayers(MSNet, PetscInt nlayers, const PetscInt widths[]);
PETSC_EXTERN PetscErrorCode MSNetSetActivation(MSNet, PetscInt layer, MSActivation);
PETSC_EXTERN PetscErrorCode MSNetSetFirstLayerScale(MSNet, PetscReal kappa);
PETSC_EXTERN PetscErrorCode MSNetGetFirstLayerScale(MSNet, PetscReal *kappa);
PETSC_EXTERN PetscErrorCode MSNetSetOutputScale(MSNet, PetscReal);
PETSC_EXTERN PetscErrorCode MSNetGetOutputScale(MSNet, PetscReal *);
PETSC_EXTERN PetscErrorCode MSNetSetSeed(MSNet, unsigned long);
PETSC_EXTERN PetscErrorCode MSNetSetBlockSize(MSNet, PetscInt);
PETSC_EXTERN PetscErrorCode MSNetSetInitializeHook(MSNet, MSNetInitializeFn, void *);
PETSC_EXTERN PetscErrorCode MSNetSetOptionsPrefix(MSNet, const char[]);
PETSC_EXTERN PetscErrorCode MSNetSetFromOptions(MSNet);
PETSC_EXTERN PetscErrorCode MSNetSetUp(MSNet);
PETSC_EXTERN PetscErrorCode MSNetView(MSNet, PetscViewer);
PETSC_EXTERN PetscErrorCode MSNetDestroy(MSNet *);

PETSC_EXTERN PetscErrorCode MSNetSetPeriodic(MSNet, PetscInt input, PetscReal period);
PETSC_EXTERN PetscErrorCode MSNetGetPeriod(MSNet, PetscInt input, PetscReal *period);
PETSC_EXTERN PetscErrorCode MSNetGetInputDimension(MSNet, PetscInt *);
PETSC_EXTERN PetscErrorCode MSNetGetNumParameters(MSNet, PetscInt *);
PETSC_EXTERN PetscErrorCode MSNetGetNumLayers(MSNet, PetscInt *);
PETSC_EXTERN PetscErrorCode MSNetGetParameters(MSNet, Vec *);
PETSC_EXTERN PetscErrorCode MSNetSetParameters(MSNet, const PetscReal[]);
PETSC_EXTERN PetscErrorCode MSNetGetLayer(MSNet, PetscInt l, PetscInt *nout, PetscInt *nin, PetscReal **W, PetscReal **b);
PETSC_EXTERN PetscErrorCode MSNetRestoreLayer(MSNet, PetscInt l, PetscInt *nout, PetscInt *nin, PetscReal **W, PetscReal **b);
PETSC_EXTERN PetscErrorCode MSNetInitialize(MSNet);
PETSC_EXTERN PetscErrorCode MSNetGetBlockSize(MSNet, PetscInt *);

/* jets of u at n points, any n (processed in blocks) */
PETSC_EXTERN PetscErrorCode MSNetEvaluate(MSNet, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[]);
/* jets at n <= block size points, keeping what MSNetJacobianRows needs */
PETSC_EXTERN PetscErrorCode MSNetForward(MSNet, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal U[]);
/* after MSNetForward: J[p + ldJ*q] = sum_c G[c*n+p] dU_c(x_p)/dtheta_q for the n points */
PETSC_EXTERN PetscErrorCode MSNetJacobianRows(MSNet, const PetscReal G[], PetscInt ldJ, PetscReal J[]);
/* J^T J (upper triangle, P x P column-major), J^T r and sum r^2 accumulated over n points, without
   forming all of J */
PETSC_EXTERN PetscErrorCode MSNetJacobianNormal(MSNet, const MSJetSpec *, PetscInt n, const PetscReal X[], MSNetResidualFn, void *, PetscReal JtJ[], PetscReal Jtr[], PetscReal *ssq);
/* magnitudes sum |W||a| of every jet channel (for round-off estimates) */
PETSC_EXTERN PetscErrorCode MSNetEvaluateMagnitude(MSNet, const MSJetSpec *, PetscInt n, const PetscReal X[], PetscReal Mag[]);
/* scalar reference: the network at one point in jet arithmetic (tests) */
PETSC_EXTERN PetscErrorCode MSNetEvaluateJet(MSNet, const PetscReal x[], MSJet *u);

#include <mspinn/problem.h>
