/* The dominant frequencies of the residual of the composite solution, for the next stage's first
   layer (Wang & Lai 2024, sec. 3; Ng, Wang & Lai 2024).

   The residual (the PDE residual, or for a fit the misfit to -pde_exact) is sampled on a uniform
   grid of M points per direction over the box. For each direction i, every grid line along i is
   made zero-mean, multiplied by a Hann window (to limit the leakage of a non-periodic signal) and
   transformed with FFTW (real to complex); the power spectra of all lines are averaged. The next
   network fits the error, not the residual: a k-th order operator multiplies the error's power at
   frequency f by about (2 pi f)^(2k), so the error's spectrum is estimated as the residual's divided
   by (2 pi f)^(2k) (k = MSPDEGetErrorOrder; 0 for a fit, whose residual is the error). Its peak at
   wavenumber j >= 1 gives the direction's dominant frequency f_i = j / (M h_i) (cycles per unit
   length, h_i the grid spacing). By Parseval the error's RMS is estimated from the same spectrum,
   2 sum_{j>=1} P_err(j) / (M^2 3/8) (3/8: the Hann window's mean square); each direction's estimate
   divides only by its own frequency, an upper bound as |f|^2 >= f_i^2, so the smallest is kept. The largest spectral peaks over all directions, with their power,
   feed the spectrum-informed initialization (src/stage/stageinit.c). */
#include <mspinn/private/solverimpl.h>
#include <mspinn/private/problemimpl.h>
#include <fftw3.h>

PetscErrorCode MSSolverResidualSpectrum_Private(MSSolver sol, PetscInt ns, MSSpectrum *spec)
{
  MSProblem     prob = sol->prob;
  PetscInt      d = prob->nin, M = d == 1 ? 512 : (d == 2 ? 96 : 32), N = 1, K = M / 2 + 1;
  PetscReal    *X, *R, *line, *power, best = -1;
  fftw_complex *out;
  fftw_plan     plan;
  PetscInt      order;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(MS_Spectrum, sol, 0, 0, 0));
  PetscCall(MSPDEGetErrorOrder(prob->pde, &order));
  for (PetscInt i = 0; i < d; i++) N *= M;
  PetscCall(PetscMalloc4(N * d, &X, N, &R, M, &line, K, &power));
  for (PetscInt q = 0; q < N; q++) {
    PetscInt r = q;
    for (PetscInt i = 0; i < d; i++) {
      X[q * d + i] = prob->lo[i] + (prob->hi[i] - prob->lo[i]) * (PetscReal)(r % M) / (M - 1);
      r /= M;
    }
  }
  PetscCall(MSModelResidual(sol->model, sol->prob, ns, N, X, R));
  out  = fftw_alloc_complex(K);
  plan = fftw_plan_dft_r2c_1d((int)M, line, out, FFTW_ESTIMATE);
  spec->nmodes = 0;
  for (PetscInt i = 0; i < d; i++) {
    PetscInt stride = 1, nlines = N / M, kbest = 1;
    PetscReal h = (prob->hi[i] - prob->lo[i]) / (M - 1);
    for (PetscInt j = 0; j < i; j++) stride *= M;
    PetscCall(PetscArrayzero(power, K));
    for (PetscInt l = 0; l < nlines; l++) {
      /* the l-th line along i: base index with digit i zero */
      PetscInt  lo = l % stride, hi = l / stride, base = lo + hi * stride * M;
      PetscReal mean = 0;
      for (PetscInt m = 0; m < M; m++) mean += R[base + m * stride] / M;
      for (PetscInt m = 0; m < M; m++) line[m] = (R[base + m * stride] - mean) * 0.5 * (1 - PetscCosReal(2 * PETSC_PI * m / (M - 1)));
      fftw_execute(plan);
      for (PetscInt k = 0; k < K; k++) power[k] += (PetscSqr(((double *)out)[2 * k]) + PetscSqr(((double *)out)[2 * k + 1])) / nlines; /* |X_k|^2, re and im interleaved */
    }
    for (PetscInt k = 1; k < K; k++) power[k] /= PetscPowReal(2 * PETSC_PI * k / (M * h), 2.0 * order); /* the error's spectrum */
    {
      PetscReal e2 = 0;
      for (PetscInt k = 1; k < K; k++) e2 += (k < K - 1 || M % 2 ? 2.0 : 1.0) * power[k];
      e2 = PetscSqrtReal(e2 / (M * (PetscReal)M * 0.375));
      spec->err_rms = i == 0 ? e2 : PetscMin(spec->err_rms, e2);
    }
    for (PetscInt k = 2; k < K; k++)
      if (power[k] > power[kbest]) kbest = k; /* (k = 0 is the removed mean) */
    spec->freq[i] = kbest / (M * h);
    /* the largest local maxima of this direction's spectrum */
    for (PetscInt k = 1; k < K - 1; k++) {
      if (!(power[k] >= power[k - 1] && power[k] >= power[k + 1]) || power[k] <= 0) continue;
      if (spec->nmodes < MS_MAX_MODES) spec->nmodes++;
      else if (power[k] <= spec->mode[spec->nmodes - 1].power) continue;
      { /* insert sorted by power */
        PetscInt m = spec->nmodes - 1;
        while (m > 0 && spec->mode[m - 1].power < power[k]) {
          spec->mode[m] = spec->mode[m - 1];
          m--;
        }
        spec->mode[m].power = power[k];
        spec->mode[m].dir   = i;
        spec->mode[m].freq  = k / (M * h);
      }
    }
    if (power[kbest] > best) best = power[kbest];
  }
  spec->fmax = 0;
  for (PetscInt i = 0; i < d; i++) spec->fmax = PetscMax(spec->fmax, spec->freq[i]);
  { /* RMS of the sampled residual */
    PetscReal s = 0;
    for (PetscInt q = 0; q < N; q++) s += R[q] * R[q];
    spec->rms = PetscSqrtReal(s / N);
  }
  fftw_destroy_plan(plan);
  fftw_free(out);
  PetscCall(PetscFree4(X, R, line, power));
  PetscCall(PetscLogEventEnd(MS_Spectrum, sol, 0, 0, 0));
  PetscFunctionReturn(0);
}
