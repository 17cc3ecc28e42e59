/* Private structure of MSSolver (see src/stage/ and src/io/). */
#pragma once
#include <mspinn.h>
#include <petsc/private/petscimpl.h>
#include <mspinn/private/modelimpl.h>
#include <mspinn/private/ioimpl.h>

/* one row of the per-stage table (DESIGN.md) */
typedef struct {
  PetscInt  stage, params, iterations;
  PetscReal seconds, eps, kappa, gamma, loss, res_rms, res_max, err_l2, err_max;
  PetscReal coef[MSPDE_MAX_COEF]; /* the unknown coefficients at the stage's end */
  PetscInt  added;                /* collocation points (or observations) added before this stage */
  PetscReal train_rms;            /* RMS of the residual at the training points */
  PetscInt  spread;               /* points spread uniformly while this stage was solved (MSSolverResolveStage_Private) */
  PetscReal rate_end;             /* the loss's recent rate (decades/iteration) at which the rate rule ended it, 0: it did not */
  PetscInt  trained_on;           /* 1: it trained on once, as the next stage was slower (MSPolicyTrainOnInstead_Private) */
  PetscReal select_seconds;       /* wall time spent choosing the stage before its training: points added, feature and scale trials */
  PetscInt  random;               /* 1: random features (hidden layers drawn, output layer solved), 0: trained */
  PetscReal trial_bandwidth;      /* random features: the best bandwidth of the trials at 512 features when two full-width
                                     candidates were solved (0: not), for a solve again (MSBandwidthAgain_Private) */
  PetscInt  shifted;              /* and 1: the shifted candidate won at full width, 0: the trials' best */
} MSStageRecord;

/* one training iteration (the history) */
typedef struct {
  PetscInt  stage, optimizer, iteration;
  PetscReal loss, data, eq, damping, gamma, time;
  PetscReal coef[MSPDE_MAX_COEF]; /* the unknown coefficients */
} MSHistoryRecord;

#define MS_MAX_MODES 16
/* the residual's spectrum: dominant frequency per direction, the largest peaks */
typedef struct {
  PetscReal freq[MS_JET_DIM], fmax, rms, err_rms; /* err_rms: the error's RMS estimated from the spectrum */
  PetscInt  nmodes;
  struct {
    PetscInt  dir;
    PetscReal freq, power;
  } mode[MS_MAX_MODES];
} MSSpectrum;

#define MS_RANDOM_TRIAL_WIDTH 512 /* features of a bandwidth trial (-stage_features auto); the stage itself gets its full width */
#define MS_FLOOR_CONDITIONING_DEFAULT 1e4 /* -stage_floor_conditioning: a floor this far above the one without cancellation is the representation's own */

typedef enum {
  MS_STAGE_INIT_SCALED_SINE,
  MS_STAGE_INIT_SPECTRUM
} MSStageInit;
PETSC_INTERN const char *const MSStageInits[];

/* how a stage's network is trained: all parameters by the optimizer chain (LM by default), or
   random features: hidden layers frozen at a random initialization, the output layer (and unknown
   coefficients) solved by Gauss-Newton with orthogonal least-squares solves (TAOMSLSQ) */
typedef enum {
  MS_STAGE_FEATURES_TRAINED,
  MS_STAGE_FEATURES_RANDOM,
  MS_STAGE_FEATURES_AUTO /* random features if they gain at least -stage_random_min_gain, else trained */
} MSStageFeatures;
PETSC_INTERN const char *const MSStageFeaturesTypes[];

struct _p_MSSolver {
  PETSCHEADER(int);
  MSProblem        prob;
  MSModel          model;            /* the finished stages (model->net[nstages]: the stage in training) */
  MSNet            tmpl;             /* the -net_* network: stage 1 when trained, and the shape of later trained stages */
  MSNet            aside;            /* an under-resolved random-feature stage's first solve, while it is solved again */
  Vec              aside_params;     /* an under-resolved trained stage's parameters, while it trains on more points */
  PetscBool        continuing;       /* the stage in hand goes on training from its parameters (MSSolverContinueStage_Private) */
  PetscInt         its_offset;       /* and its iterations so far: the history's iteration numbers go on from them */
  PetscInt         stage_max;
  PetscReal        gamma;            /* -stage_gamma; 0: balance each stage (NTK traces) */
  PetscReal        gammas[MS_MAX_STAGES];
  PetscReal        floor_factor;     /* stop when the residual is within this factor of the floor */
  PetscReal        floor_conditioning; /* a floor more than this times res_floor_ideal is the representation's own (0: none is) */
  PetscReal        min_gain;         /* stop when a stage reduces the residual by less than this */
  MSStageInit      init;
  PetscInt         refine_n;         /* -stage_refine_n: residual-based points added before each stage */
  MSLoss           loss; /* of the stage being trained */
  PetscBool        monitor;
  PetscInt         optimizer;        /* position in the optimizer chain being run (1-based) */
  char            *chain[8];         /* -tao_chain: optimizer types, run in turn */
  PetscInt         nchain;
  PetscReal        max_seconds;      /* wall-clock budget of one stage's training, 0: none */
  PetscLogDouble   stage_t0;
  PetscLogDouble   progress_t; /* when the last progress line of a long stage was printed */
  char             output[PETSC_MAX_PATH_LEN], tmpoutput[PETSC_MAX_PATH_LEN];
  PetscBool        write;
  PetscLogDouble   t0, wall;
  MSStageRecord    rec[MS_MAX_STAGES];
  MSStageRecord    aside_rec;        /* and its record */
  PetscInt         spread_stage;     /* points spread while solving the stage in hand */
  PetscInt         spread_total;     /* points spread so far (the offset into the Halton sequence) */
  PetscInt        *plog, nplog, maxplog; /* every addition of points, in order: (stage, MS_POINTS_REFINED or _SPREAD, count) */
  MSHistoryRecord *hist;
  PetscInt         nhist, maxhist;
  /* final evaluation on the eval set (local points) */
  PetscReal       *u, *res;
  PetscReal        res_rms, res_max, res_floor, err_l2, err_max;
  PetscReal        res_floor_ideal;  /* the floor without the representation's cancellation (evaluate.c) */
  PetscBool        hasexact;
  PetscReal        probe[MS_JET_DIM], probe_jet[1 + MS_JET_DIM]; /* -probe: u and its gradient there */
  PetscBool        hasprobe;
  /* checkpoints: the output is rewritten after every stage (and every output_every iterations) */
  char             resume[PETSC_MAX_PATH_LEN]; /* -resume: continue the run saved in this file */
  PetscInt         output_every;
  PetscInt         finished;         /* stages finished (the rest of nstages is a stage in training) */
  PetscBool        complete;         /* the run has ended */
  PetscBool        snapshot;         /* writing a snapshot in the middle of a stage */
  /* first-layer scale of later stages chosen by short trials (src/stage/kappaselect.c) */
  PetscInt         kappa_trials, trial_its;
  PetscBool        trial;            /* training a trial network: no history, no evaluation */
  PetscBool        trial_full;       /* a random-feature trial that may become the stage: its history kept, not capped */
                                     /* (at the full width unless trial_narrow) */
  PetscBool        trial_narrow;     /* such a trial at MS_RANDOM_TRIAL_WIDTH features */
  PetscBool        trained_dropped;  /* a trained network was dropped at the stage being tried: random features or nothing */
  PetscBool        exhausted;        /* and random features gained nothing again: no remedy left */
  PetscBool        beyond_random;    /* features of no bandwidth gained -stage_min_gain on the residual of random features */
  PetscBool        pretrained;       /* the next stage's network is the full-width trial kept: evaluated, not solved again */
  PetscReal        kappa_fraction;   /* -stage_kappa_fraction */
  PetscReal        kappa_factor;     /* applied to the spectral kappa by MSSolverCreateStageNet_Private */
  MSStageFeatures  features;         /* -stage_features: stages >= 2 (-stage_<n>_features overrides; stage 1: MSSolverRequestedFeatures_Private) */
  MSStageFeatures  stage_features[MS_MAX_STAGES];
  PetscInt         random_width;     /* -stage_random_width: hidden width of a random-feature stage */
  PetscReal        random_kappa_fraction; /* -stage_random_kappa_fraction: kappa_fraction of random-feature stages */
  PetscReal        random_min_gain;  /* -stage_random_min_gain: auto keeps random features that gain this much */
  PetscInt         random_trials;    /* -stage_random_trials: bandwidths tried by auto */
  /* the stage policy (src/stage/policy.c): stage length, refinement, stop rules */
  PetscReal        rate_ratio;       /* -stage_rate_ratio: end a stage when its recent rate falls below its mean rate / this (0: off) */
  PetscBool        rate_active;      /* the rule applies to the stage in training (no explicit iteration count) */
  PetscReal       *rate_f;           /* the loss at each of the stage's iterations so far (the index is the iteration) */
  PetscInt         rate_n, rate_max;
  PetscReal        rate_peak;        /* the fastest recent rate of the stage so far */
  char             rate_note[256];   /* what the rule measured when it ended the stage */
  PetscReal        rate_stop;        /* the recent rate at which the rule ended the stage in hand (0: it did not) */
  PetscReal        rate_min;         /* a stage training on: it ends when its recent rate falls below this (0: the peak rule) */
  PetscBool        watch_active;     /* the validation watch applies to the stage in training (a trained stage, the rate rule on) */
  PetscReal        watch_best;       /* the lowest residual RMS at the evaluation points seen in its checks */
  PetscInt         watch_best_it;    /* the iteration of that check */
  Vec              watch_x;          /* the parameters there */
  PetscBool        watch_restore;    /* the watch ended the stage: its parameters go back to watch_x */
  PetscBool        watch_nothing;    /* and no check was better than the first: a new stage gained nothing by training */
  PetscReal        budget;           /* -solve_max_seconds: wall-time budget of the whole run (0: none) */
  PetscBool        budget_spent;
  PetscReal        resolve_ratio;    /* -stage_resolve_ratio: under-resolved when eval residual > this x training residual */
  PetscInt         resolve_max;      /* -stage_resolve_max: how many times the policy may double the collocation points */
  PetscInt         resolved;         /* doublings done so far */
  PetscInt         pending_add;      /* points the policy adds before the next stage */
  PetscBool        floor_confirmed;  /* random features near the floor gained nothing: stop there */
  char             stop_reason[32], stop_detail[256];
  /* fields on a structured grid (src/io/grid.c) */
  PetscBool        grid;
  PetscInt         grid_n[MS_JET_DIM], grid_snapshots;
};

/* the columns of /stages and /history (src/io/columns.c) */
#define MS_NUM_STAGE_COLUMNS   21
#define MS_NUM_HISTORY_COLUMNS 9
/* the kinds of points added (the points log, /checkpoint/points_log) */
#define MS_POINTS_REFINED 0 /* where the residual is largest (MSSolverRefine_Private) */
#define MS_POINTS_SPREAD  1 /* spread uniformly (MSSolverSpreadPoints_Private) */
PETSC_INTERN const char *const MSStageColumns[MS_NUM_STAGE_COLUMNS];
PETSC_INTERN const char *const MSHistoryColumns[MS_NUM_HISTORY_COLUMNS];
PETSC_INTERN const PetscBool   MSStageColumnIsInteger[MS_NUM_STAGE_COLUMNS];
PETSC_INTERN const PetscBool   MSHistoryColumnIsInteger[MS_NUM_HISTORY_COLUMNS];
PETSC_INTERN PetscReal         MSStageRecordGet(const MSStageRecord *, PetscInt c);
PETSC_INTERN void              MSStageRecordSet(MSStageRecord *, PetscInt c, PetscReal);
PETSC_INTERN PetscReal         MSHistoryRecordGet(const MSHistoryRecord *, PetscInt c);
PETSC_INTERN void              MSHistoryRecordSet(MSHistoryRecord *, PetscInt c, PetscReal);

PETSC_INTERN PetscLogEvent  MS_Select, MS_Output, MS_Spectrum;
PETSC_INTERN PetscErrorCode MSLogStagePush_Private(const char[]);
PETSC_INTERN PetscErrorCode MSSolverEvaluate_Private(MSSolver, PetscInt nstages, MSStageRecord *);
PETSC_INTERN PetscErrorCode MSSolverEvaluateTraining_Private(MSSolver, Tao, PetscBool snapshot, MSStageRecord *);
PETSC_INTERN PetscBool      MSPolicyFloorIsOwn_Private(MSSolver, PetscReal floor, PetscReal ideal);
PETSC_INTERN PetscErrorCode MSSolverResidualSpectrum_Private(MSSolver, PetscInt ns, MSSpectrum *);
PETSC_INTERN PetscErrorCode MSSolverCheckOutputPath_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSCheckMemory_Private(MPI_Comm, PetscInt64, PetscReal, const char[]);
PETSC_INTERN PetscInt       MSSolverRandomWidth_Private(MSSolver);
PETSC_INTERN PetscBool      MSSolverRandomWidthGrows_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSSolverCreateStageNet_Private(MSSolver, PetscInt s, const MSSpectrum *);
PETSC_INTERN PetscErrorCode MSSolverDataMisfit_Private(MSSolver, PetscInt, PetscInt, PetscReal[3]);
typedef enum {
  MS_XDMF_FIELDS,   /* RUN.xmf: the grid or mesh, else the evaluation set */
  MS_XDMF_EVAL,     /* RUN_eval.xmf: the evaluation set, when RUN.xmf holds the grid */
  MS_XDMF_SNAPSHOTS /* RUN_snapshots.xmf */
} MSXdmfKind;
PETSC_INTERN PetscErrorCode MSSolverWriteXDMF_Private(MSSolver, const char[], MSXdmfKind);
PETSC_INTERN PetscBool      MSSolverHasEvalXdmf_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSSolverCompanionName_Private(const char[], const char suffix[], char[], size_t);
PETSC_INTERN PetscBool      MSSolverHasSnapshots_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSSolverWriteHistoryCSV_Private(MSSolver, const char tmp[]);
PETSC_INTERN PetscErrorCode MSSolverDescribeOutput_Private(MSSolver, PetscViewer);
PETSC_INTERN PetscErrorCode MSSolverSnapshotField_Private(const char name[], PetscBool *want);
PETSC_INTERN PetscErrorCode MSSolverResume_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSSolverTrainStage_Private(MSSolver, PetscInt s);
PETSC_INTERN PetscErrorCode MSSolverSelectKappa_Private(MSSolver, PetscInt s, const MSSpectrum *);
PETSC_INTERN PetscErrorCode MSSolverSelectFeatures_Private(MSSolver, PetscInt s, const MSSpectrum *);
PETSC_INTERN PetscErrorCode MSSolverWriteGrid_Private(MSSolver, PetscViewer);
PETSC_INTERN PetscErrorCode MSSolverGridFieldNames_Private(MSSolver, PetscInt *, char[][32]);
PETSC_INTERN PetscErrorCode MSSolverGridInputName_Private(MSSolver, PetscInt, const char **);
PETSC_INTERN PetscErrorCode MSSolverChannelName_Private(MSSolver, const MSJetSpec *, PetscInt, char[], size_t);
PETSC_INTERN PetscErrorCode MSSolverSpreadPoints_Private(MSSolver, PetscInt s, PetscInt K);
PETSC_INTERN PetscErrorCode MSSolverRefine_Private(MSSolver, PetscInt s, PetscInt K);
PETSC_INTERN PetscErrorCode MSSolverSetCoefficients_Private(MSSolver, const PetscReal coef[]);
/* the policy (src/stage/policy.c) */
PETSC_INTERN PetscErrorCode MSPolicySetFromOptions_Private(MSSolver, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MSPolicyStageStart_Private(MSSolver, Tao);
PETSC_INTERN PetscErrorCode MSPolicyStageFinish_Private(MSSolver, Vec);
PETSC_INTERN PetscErrorCode MSPolicyStageProgress_Private(MSSolver, Tao);
PETSC_INTERN PetscErrorCode MSPolicyStageEnd_Private(MSSolver, PetscInt s);
PETSC_INTERN PetscErrorCode MSPolicyBeforeStage_Private(MSSolver, PetscInt *K);
PETSC_INTERN PetscErrorCode MSPolicyStopReason_Private(MSSolver, PetscInt s, PetscBool dropped, PetscBool *stop);
PETSC_INTERN PetscErrorCode MSPolicyTrainOnInstead_Private(MSSolver, PetscInt s, PetscReal *rate_next);
PETSC_INTERN PetscErrorCode MSPolicyBeforeTraining_Private(MSSolver, PetscInt s, PetscInt K, PetscBool *stop, PetscInt *again);
PETSC_INTERN PetscErrorCode MSPolicyBandwidths_Private(MSSolver, const MSSpectrum *, PetscReal *fmax_hi);
PETSC_INTERN PetscBool      MSPolicyBudgetSpent_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSPolicyDestroy_Private(MSSolver);
PETSC_INTERN PetscErrorCode MSSolverProbe_Private(MSSolver);
