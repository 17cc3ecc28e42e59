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
