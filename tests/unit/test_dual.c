static const char help[] = "Dual and jet arithmetic against finite differences and against each other.\n";
/* f(x, y, z) = a composition using every MSJet operation; its MSJet gradient and Hessian are
   compared with central finite differences (1e-7 relative), and the MSDual derivatives of the same
   formula with the MSJet gradient (1e-14 relative). */
#include <mspinn.h>

#define F_BODY(T, Add, Sub, Mul, Div, Scale, Sin, Cos, Tanh, Exp, Log, Sqrt, PowC, Pow, AddC) \
  T s = Sin(Add(Mul(x, y), z)); \
  T c = Cos(Scale(0.7, Sub(x, z))); \
  T t = Tanh(Mul(y, AddC(z, 0.3))); \
  T e = Exp(Scale(0.5, x)); \
  T l = Log(AddC(Mul(y, y), 1.5)); \
  T q = Sqrt(AddC(Mul(z, z), 2.0)); \
  T p = PowC(AddC(Mul(x, x), 1.1), 1.7); \
  T w = Pow(AddC(Mul(x, x), 0.5), AddC(Scale(0.2, y), 1.0)); \
  return Add(Add(Add(Mul(s, c), Div(t, q)), Mul(e, l)), Sub(p, Scale(0.3, w)));

static MSJet FJet(MSJet x, MSJet y, MSJet z)
{
  F_BODY(MSJet, MSJetAdd, MSJetSub, MSJetMul, MSJetDiv, MSJetScale, MSJetSin, MSJetCos, MSJetTanh, MSJetExp, MSJetLog, MSJetSqrt, MSJetPowConst, MSJetPow, MSJetAddConst)
}
static MSDual FDual(MSDual x, MSDual y, MSDual z)
{
  F_BODY(MSDual, MSDualAdd, MSDualSub, MSDualMul, MSDualDiv, MSDualScale, MSDualSin, MSDualCos, MSDualTanh, MSDualExp, MSDualLog, MSDualSqrt, MSDualPowConst, MSDualPow, MSDualAddConst)
}
static double F(const double v[3])
{
  return FJet(MSJetConst(v[0]), MSJetConst(v[1]), MSJetConst(v[2])).v;
}

int main(int argc, char **argv)
{
  const double pts[4][3] = {
    {0.3,  -0.2, 0.5 },
    {-0.8, 0.9,  0.1 },
    {1.2,  0.4,  -1.0},
    {0.05, -1.3, 0.7 }
  };
  double wf = 0, wd = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (int k = 0; k < 4; k++) {
    const double *v = pts[k];
    MSJet         f = FJet(MSJetVar(v[0], 0), MSJetVar(v[1], 1), MSJetVar(v[2], 2));
    MSDual        g = FDual(MSDualVar(v[0], 0), MSDualVar(v[1], 1), MSDualVar(v[2], 2));
    double        h = 1e-4, sc = PetscMax(1.0, PetscAbsReal(f.v));
    for (int i = 0; i < 3; i++) {
      double xp[3] = {v[0], v[1], v[2]}, xm[3] = {v[0], v[1], v[2]};
      xp[i] += h;
      xm[i] -= h;
      wf = PetscMax(wf, PetscAbsReal((F(xp) - F(xm)) / (2 * h) - f.d[i]) / sc);
      wd = PetscMax(wd, PetscAbsReal(g.d[i] - f.d[i]) / sc);
      for (int j = 0; j < 3; j++) { /* second derivatives by central differences of four points */
        double a[3] = {v[0], v[1], v[2]}, b[3], c[3], d[3], fd;
        a[i] += h;
        a[j] += h;
        PetscArraycpy(b, v, 3);
        b[i] += h;
        b[j] -= h;
        PetscArraycpy(c, v, 3);
        c[i] -= h;
        c[j] += h;
        PetscArraycpy(d, v, 3);
        d[i] -= h;
        d[j] -= h;
        fd = (F(a) - F(b) - F(c) + F(d)) / (4 * h * h);
        wf = PetscMax(wf, PetscAbsReal(fd - f.h[MSJetHIndex(i, j)]) / sc);
      }
    }
    wd = PetscMax(wd, PetscAbsReal(g.v - f.v) / sc);
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "MSJet vs finite differences %.2e (bound 1e-7); MSDual vs MSJet %.2e (bound 1e-14)\n", wf, wd));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s\n", (wf <= 1e-7 && wd <= 1e-14) ? "PASS" : "FAIL"));
  PetscCall(PetscFinalize());
  return (wf <= 1e-7 && wd <= 1e-14) ? 0 : 1;
}
