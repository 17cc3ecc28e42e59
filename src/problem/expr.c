/* MSExpr: a formula in the input variables, parsed and differentiated symbolically by GNU
   libmatheval. Constants pi and e are known to libmatheval. */
#include <ctype.h>
#include <string.h>
#include <mspinn.h>
#include <matheval.h>

struct _n_MSExpr {
  void       *ev;
  char        optname[64];
  PetscInt    nvars;
  const char *vars[MS_JET_DIM + 1];
  int         map[MS_JET_DIM + 1]; /* position in the caller's input of each of ev's variables */
  char      **evnames;
  int         evcount;
  MPI_Comm    comm;
};

static PetscErrorCode MSExprWrap_Private(MPI_Comm comm, const char optname[], void *ev, PetscInt nvars, const char *const vars[], MSExpr *expr)
{
  MSExpr e;

  PetscFunctionBegin;
  PetscCall(PetscNew(&e));
  e->ev   = ev;
  e->comm = comm;
  PetscCall(PetscStrncpy(e->optname, optname, sizeof(e->optname)));
  e->nvars = nvars;
  for (PetscInt i = 0; i < nvars; i++) e->vars[i] = vars[i];
  evaluator_get_variables(ev, &e->evnames, &e->evcount);
  for (int k = 0; k < e->evcount; k++) {
    e->map[k] = -1;
    for (PetscInt i = 0; i < nvars; i++) {
      PetscBool same;
      PetscCall(PetscStrcmp(e->evnames[k], vars[i], &same));
      if (same) e->map[k] = (int)i;
    }
    if (e->map[k] < 0) {
      char allowed[64] = "";
      for (PetscInt i = 0; i < nvars; i++) {
        PetscCall(PetscStrlcat(allowed, i ? ", " : "", sizeof(allowed)));
        PetscCall(PetscStrlcat(allowed, vars[i], sizeof(allowed)));
      }
      SETERRQ(comm, PETSC_ERR_ARG_WRONG, "%s: unknown variable '%s' in expression \"%s\" (this problem's variables: %s)", optname, e->evnames[k],
              evaluator_get_string(ev), allowed);
    }
  }
  *expr = e;
  PetscFunctionReturn(0);
}

/* libmatheval's scanner echoes a character its grammar lacks to stdout: such text is refused first.
   Its grammar: names and numbers (letters, digits, '_', '.'), + - * / ^, parentheses, white space. */
static PetscErrorCode MSExprCheckCharacters_Private(MPI_Comm comm, const char optname[], const char text[])
{
  PetscFunctionBegin;
  for (const char *c = text; *c; c++) {
    unsigned char ch = (unsigned char)*c;
    if (isalnum(ch) || isspace(ch) || strchr("_.+-*/^()", ch)) continue;
    PetscCheck(!isprint(ch), comm, PETSC_ERR_ARG_WRONG, "%s: the character '%c' in expression \"%.200s%s\" is not part of an expression", optname,
               ch, text, strlen(text) > 200 ? "..." : "");
    SETERRQ(comm, PETSC_ERR_ARG_WRONG, "%s: a byte 0x%02x (not printable) at position %d of the expression", optname, ch, (int)(c - text) + 1);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MSExprCreate(MPI_Comm comm, const char optname[], const char text[], PetscInt nvars, const char *const vars[], MSExpr *expr)
{
  void     *ev;
  PetscBool empty;
  char     *buf;

  PetscFunctionBegin;
  empty = (!text || !text[0]) ? PETSC_TRUE : PETSC_FALSE;
  PetscCheck(!empty, comm, PETSC_ERR_ARG_WRONG, "%s: empty expression", optname);
  PetscCall(MSExprCheckCharacters_Private(comm, optname, text));
  PetscCall(PetscStrallocpy(text, &buf)); /* libmatheval takes a writable string; any length */
  ev = evaluator_create(buf);
  PetscCall(PetscFree(buf));
  PetscCheck(ev, comm, PETSC_ERR_ARG_WRONG, "%s: cannot parse expression \"%.200s%s\" (unknown function or syntax error)", optname, text,
             strlen(text) > 200 ? "..." : "");
  PetscCall(MSExprWrap_Private(comm, optname, ev, nvars, vars, expr));
  PetscFunctionReturn(0);
}

PetscErrorCode MSExprDerivative(MSExpr e, PetscInt var, MSExpr *d)
{
  void *dv;

  PetscFunctionBegin;
  dv = evaluator_derivative(e->ev, (char *)e->vars[var]);
  PetscCheck(dv, e->comm, PETSC_ERR_LIB, "%s: libmatheval cannot differentiate \"%s\" in %s", e->optname, evaluator_get_string(e->ev), e->vars[var]);
  PetscCall(MSExprWrap_Private(e->comm, e->optname, dv, e->nvars, e->vars, d));
  PetscFunctionReturn(0);
}

PetscErrorCode MSExprEvaluate(MSExpr e, const PetscReal x[], PetscReal *value)
{
  double vals[MS_JET_DIM + 1];

  PetscFunctionBegin;
  for (int k = 0; k < e->evcount; k++) vals[k] = x[e->map[k]];
  *value = evaluator_evaluate(e->ev, e->evcount, e->evnames, vals);
  PetscFunctionReturn(0);
}

PetscErrorCode MSExprGetString(MSExpr e, const char **s)
{
  PetscFunctionBegin;
  *s = evaluator_get_string(e->ev);
  PetscFunctionReturn(0);
}

PetscErrorCode MSExprDestroy(MSExpr *e)
{
  PetscFunctionBegin;
  if (!*e) PetscFunctionReturn(0);
  evaluator_destroy((*e)->ev);
  PetscCall(PetscFree(*e));
  PetscFunctionReturn(0);
}
