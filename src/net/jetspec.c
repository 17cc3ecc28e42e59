/* Channel numbering of jets: u, first derivatives, pure second derivatives, mixed ones. */
#include <mspinn.h>

PetscInt MSJetSpecNumChannels(const MSJetSpec *s)
{
  PetscInt C = 1;
  if (s->order >= 1) C += s->dim;
  if (s->order >= 2) C += s->dim + (s->mixed ? s->dim * (s->dim - 1) / 2 : 0);
  return C;
}

PetscInt MSJetSpecChannelD(const MSJetSpec *s, PetscInt i)
{
  (void)s;
  return 1 + i;
}

/* pure (i == j) or mixed second derivative channel; -1 when the spec does not carry it */
PetscInt MSJetSpecChannelDD(const MSJetSpec *s, PetscInt i, PetscInt j)
{
  if (s->order < 2) return -1;
  if (i == j) return 1 + s->dim + i;
  if (!s->mixed) return -1;
  if (i > j) {
    PetscInt t = i;
    i          = j;
    j          = t;
  }
  /* pairs (0,1), (0,2), (1,2) */
  return 1 + 2 * s->dim + (i == 0 ? j - 1 : 2);
}

/* the name of channel c given the inputs' names: "u", "u_x", "u_xt", ... */
PetscErrorCode MSJetSpecChannelName(const MSJetSpec *s, const char *const inputs[], PetscInt c, char name[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(name, "u", len));
  for (PetscInt i = 0; i < s->dim; i++)
    for (PetscInt j = -1; j < s->dim; j++) {
      PetscInt cc = j < 0 ? MSJetSpecChannelD(s, i) : (j >= i ? MSJetSpecChannelDD(s, i, j) : -1);
      if (c > 0 && cc == c) PetscCall(PetscSNPrintf(name, len, "u_%s%s", inputs[i], j < 0 ? "" : inputs[j]));
    }
  PetscFunctionReturn(0);
}
