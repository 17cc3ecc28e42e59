/* Private structure of MSPDE (see src/pde/). */
#pragma once
#include <mspinn.h>
#include <petsc/private/petscimpl.h>

typedef struct _MSPDEOps *MSPDEOps;
struct _MSPDEOps {
  PetscErrorCode (*setfromoptions)(MSPDE, PetscOptionItems *);
  PetscErrorCode (*view)(MSPDE, PetscViewer);
  PetscErrorCode (*destroy)(MSPDE);
};

struct _p_MSPDE {
  PETSCHEADER(struct _MSPDEOps);
  MSPDEResidualFn residual;                 /* NULL: no equation (pure data fit) */
  PetscInt        sdim;                     /* space dimension */
  PetscInt        mindim, maxdim;           /* the range -pde_dim may take */
  PetscBool       timedep;                  /* inputs are (space..., t) */
  MSJetSpec       spec;                     /* jets the residual reads */
  PetscInt        errorder;                 /* order k in error ~ residual / (2 pi f)^k; -1: spec.order */
  PetscBool       linear;                   /* the residual is affine in the jets of u */
  PetscInt        ncoef;
  char           *coefname[MSPDE_MAX_COEF];
  char           *coefhelp[MSPDE_MAX_COEF];
  PetscReal       coef[MSPDE_MAX_COEF];
  /* inverse problems: coefficients trained with the network (-pde_unknown) */
  PetscInt        nunknown, unknown[MSPDE_MAX_COEF];      /* indices into coef[] */
  PetscReal       scale[MSPDE_MAX_COEF];                 /* TAO variable = coef / scale (initial |guess|) */
  PetscReal       lower[MSPDE_MAX_COEF], upper[MSPDE_MAX_COEF]; /* bounds (-pde_<name>_bounds) */
  PetscReal       truth[MSPDE_MAX_COEF];                 /* -pde_<name>_true */
  PetscBool       hastruth[MSPDE_MAX_COEF];
  void           *data;
};

PETSC_INTERN PetscFunctionList MSPDEList;
PETSC_INTERN PetscErrorCode    MSPDECreate_Poisson(MSPDE);
PETSC_INTERN PetscErrorCode    MSPDECreate_Burgers(MSPDE);
PETSC_INTERN PetscErrorCode    MSPDECreate_Fit(MSPDE);
