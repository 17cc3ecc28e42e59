/* The columns of the per-stage table (/stages) and of the history (/history): their dataset names
   and the record fields they hold, shared by the writer (output.c) and -resume (resume.c). */
#include <mspinn/private/solverimpl.h>

const char *const MSStageColumns[MS_NUM_STAGE_COLUMNS] = {"stage", "parameters", "iterations", "seconds", "eps", "kappa", "gamma", "loss",
                                                          "residual_rms", "residual_max", "error_l2", "error_max", "points_added",
                                                          "train_residual_rms", "points_spread", "rate_end", "trained_on", "select_seconds",
                                                          "random_features", "trial_bandwidth", "bandwidth_shifted"};
const char *const MSHistoryColumns[MS_NUM_HISTORY_COLUMNS] = {"stage", "optimizer", "iteration", "loss", "data", "equation", "damping", "gamma", "time"};
/* the columns that count or flag (written as integers): stage, parameters, iterations, points_added, points_spread, trained_on,
   random_features, bandwidth_shifted */
#define T PETSC_TRUE
#define F PETSC_FALSE
const PetscBool MSStageColumnIsInteger[MS_NUM_STAGE_COLUMNS]     = {T, T, T, F, F, F, F, F, F, F, F, F, T, F, T, F, T, F, T, F, T};
const PetscBool MSHistoryColumnIsInteger[MS_NUM_HISTORY_COLUMNS] = {T, T, T, F, F, F, F, F, F}; /* stage, optimizer, iteration */
#undef T
#undef F

PetscReal MSStageRecordGet(const MSStageRecord *r, PetscInt c)
{
  const PetscReal v[MS_NUM_STAGE_COLUMNS] = {r->stage,   r->params,  r->iterations, r->seconds,         r->eps,
                                             r->kappa,   r->gamma,   r->loss,       r->res_rms,         r->res_max,
                                             r->err_l2,  r->err_max, (PetscReal)r->added, r->train_rms, (PetscReal)r->spread,
                                             r->rate_end, (PetscReal)r->trained_on, r->select_seconds, (PetscReal)r->random,
                                             r->trial_bandwidth, (PetscReal)r->shifted};
  return v[c];
}

void MSStageRecordSet(MSStageRecord *r, PetscInt c, PetscReal v)
{
  PetscInt  *ints[]  = {&r->stage, &r->params, &r->iterations};
  PetscReal *reals[] = {&r->seconds, &r->eps, &r->kappa, &r->gamma, &r->loss, &r->res_rms, &r->res_max, &r->err_l2, &r->err_max};
  if (c < 3) *ints[c] = (PetscInt)v;
  else if (c < 12) *reals[c - 3] = v;
  else if (c == 12) r->added = (PetscInt)v;
  else if (c == 13) r->train_rms = v;
  else if (c == 14) r->spread = (PetscInt)v;
  else if (c == 15) r->rate_end = v;
  else if (c == 16) r->trained_on = (PetscInt)v;
  else if (c == 17) r->select_seconds = v;
  else if (c == 18) r->random = (PetscInt)v;
  else if (c == 19) r->trial_bandwidth = v;
  else r->shifted = (PetscInt)v;
}

PetscReal MSHistoryRecordGet(const MSHistoryRecord *h, PetscInt c)
{
  const PetscReal v[MS_NUM_HISTORY_COLUMNS] = {h->stage, h->optimizer, h->iteration, h->loss, h->data, h->eq, h->damping, h->gamma, h->time};
  return v[c];
}

void MSHistoryRecordSet(MSHistoryRecord *h, PetscInt c, PetscReal v)
{
  PetscInt  *ints[]  = {&h->stage, &h->optimizer, &h->iteration};
  PetscReal *reals[] = {&h->loss, &h->data, &h->eq, &h->damping, &h->gamma, &h->time};
  if (c < 3) *ints[c] = (PetscInt)v;
  else *reals[c - 3] = v;
}
