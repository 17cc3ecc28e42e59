/*
  Dual and jet numbers for residual code and for reference evaluations in tests.

  MSJet   value, gradient and Hessian with respect to up to 3 input directions (x, y, z or x, t):
          the truncated Taylor expansion of order 2. Used to evaluate a network point by point as
          the reference for the batched jets, and anywhere a scalar needs input derivatives.
  MSDual  value and first derivatives with respect to up to MS_DUAL_MAX independent variables.
          PDE residuals are written once in MSDual arithmetic over the network jets
          (u, u_x, u_xx, ...) and the PDE coefficients; seeding each of those with a unit partial
          gives the residual's exact linearization, which the Jacobian needs.

  Everything here is inline and allocation-free. For a unary function f the rules are
    (f a)'    = f'(a) a'
    (f a)''   = f''(a) a' a'^T + f'(a) a''            (second-order chain rule)
  with the Hessian of a jet stored symmetric as xx, yy, zz, xy, xz, yz.
*/
#pragma once
#include <math.h>

#define MS_JET_DIM  3
#define MS_JET_NH   6
#define MS_DUAL_MAX 16

typedef struct {
  double v;               /* value */
  double d[MS_JET_DIM];   /* gradient */
  double h[MS_JET_NH];    /* Hessian: xx, yy, zz, xy, xz, yz */
} MSJet;

typedef struct {
  double v;
  double d[MS_DUAL_MAX];
} MSDual;

/* index of the Hessian entry (i, j) in MSJet.h */
static inline int MSJetHIndex(int i, int j)
{
  static const int idx[3][3] = {
    {0, 3, 4},
    {3, 1, 5},
    {4, 5, 2}
  };
  return idx[i][j];
}

/* ------------------------------------------------------------------ MSJet */
static inline MSJet MSJetConst(double c)
{
  MSJet r = {c, {0, 0, 0}, {0, 0, 0, 0, 0, 0}};
  return r;
}
/* the independent variable number i, at value c */
static inline MSJet MSJetVar(double c, int i)
{
  MSJet r = MSJetConst(c);
  r.d[i]  = 1.0;
  return r;
}
static inline MSJet MSJetAdd(MSJet a, MSJet b)
{
  MSJet r;
  r.v = a.v + b.v;
  for (int i = 0; i < MS_JET_DIM; i++) r.d[i] = a.d[i] + b.d[i];
  for (int k = 0; k < MS_JET_NH; k++) r.h[k] = a.h[k] + b.h[k];
  return r;
}
static inline MSJet MSJetSub(MSJet a, MSJet b)
{
  MSJet r;
  r.v = a.v - b.v;
  for (int i = 0; i < MS_JET_DIM; i++) r.d[i] = a.d[i] - b.d[i];
  for (int k = 0; k < MS_JET_NH; k++) r.h[k] = a.h[k] - b.h[k];
  return r;
}
static inline MSJet MSJetScale(double s, MSJet a)
{
  MSJet r;
  r.v = s * a.v;
  for (int i = 0; i < MS_JET_DIM; i++) r.d[i] = s * a.d[i];
  for (int k = 0; k < MS_JET_NH; k++) r.h[k] = s * a.h[k];
  return r;
}
static inline MSJet MSJetAddConst(MSJet a, double c)
{
  a.v += c;
  return a;
}
static inline MSJet MSJetMul(MSJet a, MSJet b)
{
  MSJet r;
  r.v = a.v * b.v;
  for (int i = 0; i < MS_JET_DIM; i++) r.d[i] = a.d[i] * b.v + a.v * b.d[i];
  for (int i = 0; i < MS_JET_DIM; i++)
    for (int j = i; j < MS_JET_DIM; j++) {
      int k  = MSJetHIndex(i, j);
      r.h[k] = a.h[k] * b.v + a.d[i] * b.d[j] + a.d[j] * b.d[i] + a.v * b.h[k];
    }
  return r;
}
/* f(a) given f, f', f'' at a.v */
static inline MSJet MSJetChain(MSJet a, double f0, double f1, double f2)
{
  MSJet r;
  r.v = f0;
  for (int i = 0; i < MS_JET_DIM; i++) r.d[i] = f1 * a.d[i];
  for (int i = 0; i < MS_JET_DIM; i++)
    for (int j = i; j < MS_JET_DIM; j++) {
      int k  = MSJetHIndex(i, j);
      r.h[k] = f2 * a.d[i] * a.d[j] + f1 * a.h[k];
    }
  return r;
}
static inline MSJet MSJetSin(MSJet a)
{
  double s = sin(a.v), c = cos(a.v);
  return MSJetChain(a, s, c, -s);
}
static inline MSJet MSJetCos(MSJet a)
{
  double s = sin(a.v), c = cos(a.v);
  return MSJetChain(a, c, -s, -c);
}
static inline MSJet MSJetTanh(MSJet a)
{
  double t = tanh(a.v), t1 = 1.0 - t * t;
  return MSJetChain(a, t, t1, -2.0 * t * t1);
}
static inline MSJet MSJetExp(MSJet a)
{
  double e = exp(a.v);
  return MSJetChain(a, e, e, e);
}
static inline MSJet MSJetLog(MSJet a)
{
  return MSJetChain(a, log(a.v), 1.0 / a.v, -1.0 / (a.v * a.v));
}
static inline MSJet MSJetSqrt(MSJet a)
{
  double s = sqrt(a.v);
  return MSJetChain(a, s, 0.5 / s, -0.25 / (s * a.v));
}
/* a^p for a constant exponent p */
static inline MSJet MSJetPowConst(MSJet a, double p)
{
  double f0 = pow(a.v, p);
  return MSJetChain(a, f0, p * pow(a.v, p - 1.0), p * (p - 1.0) * pow(a.v, p - 2.0));
}
static inline MSJet MSJetRecip(MSJet a)
{
  double q = 1.0 / a.v;
  return MSJetChain(a, q, -q * q, 2.0 * q * q * q);
}
static inline MSJet MSJetDiv(MSJet a, MSJet b)
{
  return MSJetMul(a, MSJetRecip(b));
}
/* a^b = exp(b log a), a > 0 */
static inline MSJet MSJetPow(MSJet a, MSJet b)
{
  return MSJetExp(MSJetMul(b, MSJetLog(a)));
}

/* ------------------------------------------------------------------ MSDual */
static inline MSDual MSDualConst(double c)
{
  MSDual r;
  r.v = c;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = 0.0;
  return r;
}
static inline MSDual MSDualVar(double c, int i)
{
  MSDual r = MSDualConst(c);
  r.d[i]   = 1.0;
  return r;
}
static inline MSDual MSDualAdd(MSDual a, MSDual b)
{
  MSDual r;
  r.v = a.v + b.v;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = a.d[i] + b.d[i];
  return r;
}
static inline MSDual MSDualSub(MSDual a, MSDual b)
{
  MSDual r;
  r.v = a.v - b.v;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = a.d[i] - b.d[i];
  return r;
}
static inline MSDual MSDualScale(double s, MSDual a)
{
  MSDual r;
  r.v = s * a.v;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = s * a.d[i];
  return r;
}
static inline MSDual MSDualAddConst(MSDual a, double c)
{
  a.v += c;
  return a;
}
static inline MSDual MSDualMul(MSDual a, MSDual b)
{
  MSDual r;
  r.v = a.v * b.v;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = a.d[i] * b.v + a.v * b.d[i];
  return r;
}
static inline MSDual MSDualChain(MSDual a, double f0, double f1)
{
  MSDual r;
  r.v = f0;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = f1 * a.d[i];
  return r;
}
static inline MSDual MSDualDiv(MSDual a, MSDual b)
{
  double q = 1.0 / b.v;
  MSDual r;
  r.v = a.v * q;
  for (int i = 0; i < MS_DUAL_MAX; i++) r.d[i] = (a.d[i] - r.v * b.d[i]) * q;
  return r;
}
static inline MSDual MSDualSin(MSDual a)
{
  return MSDualChain(a, sin(a.v), cos(a.v));
}
static inline MSDual MSDualCos(MSDual a)
{
  return MSDualChain(a, cos(a.v), -sin(a.v));
}
static inline MSDual MSDualTanh(MSDual a)
{
  double t = tanh(a.v);
  return MSDualChain(a, t, 1.0 - t * t);
}
static inline MSDual MSDualExp(MSDual a)
{
  double e = exp(a.v);
  return MSDualChain(a, e, e);
}
static inline MSDual MSDualLog(MSDual a)
{
  return MSDualChain(a, log(a.v), 1.0 / a.v);
}
static inline MSDual MSDualSqrt(MSDual a)
{
  double s = sqrt(a.v);
  return MSDualChain(a, s, 0.5 / s);
}
static inline MSDual MSDualPowConst(MSDual a, double p)
{
  return MSDualChain(a, pow(a.v, p), p * pow(a.v, p - 1.0));
}
static inline MSDual MSDualPow(MSDual a, MSDual b)
{
  return MSDualExp(MSDualMul(b, MSDualLog(a)));
}
