/* Private structure of MSNet (see src/net/). */
#pragma once
#include <mspinn.h>
#include <petsc/private/petscimpl.h>

#define MSNET_MAX_LAYERS 16

struct _p_MSNet {
  PETSCHEADER(int);
  PetscInt          dim;                       /* inputs */
  PetscReal         omega[MS_JET_DIM];         /* 2 pi / period of a periodic input, 0: not periodic (MSNetSetPeriodic) */
  PetscInt          nper, din;                 /* periodic inputs; the first layer's inputs, dim + nper (features) */
  PetscInt          nhidden;                   /* hidden layers */
  PetscInt          width[MSNET_MAX_LAYERS];   /* hidden widths */
  MSActivation      act[MSNET_MAX_LAYERS];     /* hidden activations */
  PetscReal         kappa;                     /* first layer: act(kappa (W x + b)) */
  PetscReal         outscale;                  /* u = outscale (w . a + b) */
  unsigned long     seed;
  PetscInt          P;                         /* number of parameters */
  PetscInt          offW[MSNET_MAX_LAYERS + 1], offb[MSNET_MAX_LAYERS + 1];
  Vec               params;                    /* sequential, replicated on every rank */
  MSNetInitializeFn inithook;
  void             *initctx;
  PetscBool         setupcalled;

  /* block workspace, [unit][channel][point] with points fastest; see src/net/netforward.c */
  PetscInt   bs;                               /* block size (points) */
  PetscInt   nblk, C;                          /* points and channels of the last forward pass */
  PetscInt   Calloc;                           /* channels the workspace holds */
  MSJetSpec  spec;
  const PetscReal *X;                          /* inputs of the last forward pass (borrowed) */
  PetscReal *Z[MSNET_MAX_LAYERS];              /* pre-activations, width x C x bs */
  PetscReal *A[MSNET_MAX_LAYERS];              /* activations, width x C x bs */
  PetscReal *S[MSNET_MAX_LAYERS];              /* sigma', sigma'', sigma''' at z0: 3 x width x bs */
  PetscReal *Abar, *Zbar;                      /* adjoints, maxwidth x C x bs */
  PetscReal *F;                                /* with periodic inputs: the first layer's input features and their first and
                                                  second derivatives along their coordinate, din x 3 x bs */
  PetscInt   maxwidth;
  PetscBool  absmode;                          /* magnitude pass: |W|, |b|, |x| and absolute chain rules */
  PetscReal *Sabs[MSNET_MAX_LAYERS];           /* |sigma|, |sigma'|, |sigma''|, |sigma'''| at the true z: 4 x width x bs */
};

PETSC_INTERN PetscLogEvent MSNET_Forward, MSNET_Jacobian, MSNET_Normal;
PETSC_INTERN PetscErrorCode MSNetActivationDerivatives_Private(MSActivation, PetscInt n, const PetscReal z[], PetscReal s0[], PetscReal s1[], PetscReal s2[], PetscReal s3[]);
PETSC_INTERN PetscErrorCode MSNetAllocateWork_Private(MSNet, PetscInt C);
PETSC_INTERN PetscInt       MSNetFeatureCoordinate_Private(MSNet, PetscInt j);
PETSC_INTERN void           MSNetInputFeature_Private(MSNet, PetscInt j, const PetscReal x[], PetscReal *v, PetscReal *d1, PetscReal *d2,
                                                      PetscInt *coord);
