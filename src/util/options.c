/* Options files and the command line, read by mspinn rather than by PETSc's PetscOptionsInsertFile.
   The format is PETSc's ("-name [value]" pairs separated by white space, '#' starts a comment to the
   end of the line) with three differences:
   - a value in double or single quotes is a value even when it starts with '-' (an expression such
     as "-x*x+1"), and may hold white space and '#';
   - an unquoted token is the value of the name before it unless it has the shape of an option name
     (MSOptionsIsName); expression options (MSOptionsTakesExpression) take the next token always;
   - "-options_file F" inside a file includes F (relative to the working directory, else to the
     including file's directory); an include cycle or a nesting deeper than MS_OPTIONS_MAX_DEPTH is
     an error, not a stack overflow.
   Rank 0 reads every file and broadcasts the pairs, or the error, so that all ranks insert the same
   options or fail together: no rank waits for a broadcast that never comes. */
#include <mspinn.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MS_OPTIONS_MAX_DEPTH 16                 /* nesting of -options_file inside options files */
#define MS_OPTIONS_MAX_FILE  ((long)64 << 20) /* an options file larger than this is not one */
#define MS_OPTIONS_ERR_LEN   (2 * PETSC_MAX_PATH_LEN + 256)

typedef struct {
  char  *pairs; /* records: name '\0' has-value ('0'/'1') value '\0' */
  size_t len, cap;
  char  *dirs; /* comma-separated directories of the files read, for relative data paths */
  size_t dlen, dcap;
  char   chain[MS_OPTIONS_MAX_DEPTH][PETSC_MAX_PATH_LEN]; /* real paths of the files being read */
  int    depth;
  char   err[MS_OPTIONS_ERR_LEN];
} MSOptionsReader;

PetscBool MSOptionsIsName(const char tok[])
{
  if (!tok || tok[0] != '-' || !isalpha((unsigned char)tok[1])) return PETSC_FALSE;
  for (const char *c = tok + 2; *c; c++)
    if (!isalnum((unsigned char)*c) && *c != '_') return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscBool MSOptionsTakesExpression(const char name[])
{
  const char *expr[] = {"-pde_exact", "-pde_source", "-pde_initial", "-ansatz_lift", "-ansatz_distance"};

  if (!name) return PETSC_FALSE;
  for (size_t k = 0; k < sizeof(expr) / sizeof(expr[0]); k++)
    if (!strcmp(name, expr[k])) return PETSC_TRUE;
  return strncmp(name, "-pde_boundary", strlen("-pde_boundary")) ? PETSC_FALSE : PETSC_TRUE; /* -pde_boundary[_TAG] */
}

static int MSAppend(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
  if (*len + n + 1 > *cap) {
    size_t want = 2 * (*len + n + 1);
    char  *b    = realloc(*buf, want);
    if (!b) return 1;
    *buf = b;
    *cap = want;
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = 0;
  return 0;
}

static int MSReaderAddPair(MSOptionsReader *r, const char *name, const char *value)
{
  const char *flag = value ? "1" : "0";
  return MSAppend(&r->pairs, &r->len, &r->cap, name, strlen(name) + 1) || MSAppend(&r->pairs, &r->len, &r->cap, flag, 1) ||
         MSAppend(&r->pairs, &r->len, &r->cap, value ? value : "", strlen(value ? value : "") + 1);
}

/* the whole file as one string; an error names the file and what is wrong with it */
static char *MSReadText(MSOptionsReader *r, const char *path)
{
  struct stat st;
  FILE       *f;
  char       *text;
  size_t      n;

  if (stat(path, &st)) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: cannot open the file (%s)", path, strerror(errno));
    return NULL;
  }
  if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode) || st.st_size > MS_OPTIONS_MAX_FILE) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: %s", path,
             S_ISDIR(st.st_mode) ? "is a directory" : (S_ISREG(st.st_mode) ? "is too large for an options file" : "is not a regular file"));
    return NULL;
  }
  f = fopen(path, "r");
  if (!f) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: cannot open the file (%s)", path, strerror(errno));
    return NULL;
  }
  text = malloc((size_t)st.st_size + 1);
  n    = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
  fclose(f);
  if (!text) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: out of memory", path);
    return NULL;
  }
  text[n] = 0;
  if (strlen(text) != n) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: is not a text file (it holds a NUL byte)", path);
    free(text);
    return NULL;
  }
  return text;
}

/* The next token of text at *p, written to tok (as long as the text): quotes removed, *quoted set.
   Returns 0 at the end, -1 on a quote not closed on its line, 1 otherwise; *line counts newlines. */
static int MSNextToken(const char **p, int *line, char *tok, PetscBool *quoted)
{
  const char *c = *p;
  size_t      n = 0;

  for (;;) {
    while (*c && isspace((unsigned char)*c)) *line += (*c++ == '\n');
    if (*c != '#') break;
    while (*c && *c != '\n') c++;
  }
  if (!*c) return 0;
  *quoted = (*c == '"' || *c == '\'') ? PETSC_TRUE : PETSC_FALSE;
  if (*quoted) {
    char q = *c++;
    while (*c && *c != q && *c != '\n') tok[n++] = *c++;
    if (*c != q) return -1;
    c++;
  } else
    while (*c && !isspace((unsigned char)*c) && *c != '#') tok[n++] = *c++;
  tok[n] = 0;
  *p     = c;
  return 1;
}

static int MSReaderFile(MSOptionsReader *r, const char *path, const char *from);

/* -options_file VALUE inside the file 'from': relative to the working directory, else next to 'from' */
static int MSReaderInclude(MSOptionsReader *r, const char *value, const char *from)
{
  char        alt[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(from, '/');
  struct stat st;

  if (value[0] == '/' || !slash || !stat(value, &st)) return MSReaderFile(r, value, from);
  snprintf(alt, sizeof(alt), "%.*s/%s", (int)(slash - from), from, value);
  return MSReaderFile(r, stat(alt, &st) ? value : alt, from);
}

static int MSReaderParse(MSOptionsReader *r, const char *path, const char *text, char *tok, char *next)
{
  const char *p    = text;
  int         line = 1, got;
  PetscBool   quoted, nquoted;

  got = MSNextToken(&p, &line, tok, &quoted);
  while (got > 0) {
    const char *save = p;
    int         vline = line, ngot;
    if (quoted || !MSOptionsIsName(tok)) {
      snprintf(r->err, sizeof(r->err), "-options_file %s, line %d: '%.64s' is not an option name (names are '-' and a letter, then letters, digits, '_')",
               path, line, tok);
      return 1;
    }
    ngot = MSNextToken(&p, &vline, next, &nquoted);
    if (ngot < 0) {
      line = vline;
      got  = ngot;
      break;
    }
    if (ngot > 0 && (nquoted || !MSOptionsIsName(next) || MSOptionsTakesExpression(tok))) { /* tok's value */
      if (!strcmp(tok, "-options_file")) {
        if (MSReaderInclude(r, next, path)) return 1;
      } else if (MSReaderAddPair(r, tok, next)) return 1;
      line = vline;
      got  = MSNextToken(&p, &line, tok, &quoted);
    } else { /* a name alone */
      if (!strcmp(tok, "-options_file")) {
        snprintf(r->err, sizeof(r->err), "-options_file %s, line %d: -options_file needs a file name", path, line);
        return 1;
      }
      if (MSReaderAddPair(r, tok, NULL)) return 1;
      p = save;
      got = MSNextToken(&p, &line, tok, &quoted);
    }
  }
  if (!got) return 0;
  snprintf(r->err, sizeof(r->err), "-options_file %s, line %d: a quote is not closed", path, line);
  return 1;
}

static int MSReaderFile(MSOptionsReader *r, const char *path, const char *from)
{
  char  real[PATH_MAX], *text, *tok, *next, *slash;
  int   bad;

  if (!realpath(path, real)) {
    snprintf(r->err, sizeof(r->err), "-options_file %s%s%s: cannot open the file (%s)", path, from ? ", included by " : "", from ? from : "",
             strerror(errno));
    return 1;
  }
  for (int k = 0; k < r->depth; k++) {
    if (strcmp(r->chain[k], real)) continue;
    snprintf(r->err, sizeof(r->err), "-options_file %s: includes itself (through %s)", path, from ? from : path);
    return 1;
  }
  if (r->depth == MS_OPTIONS_MAX_DEPTH) {
    snprintf(r->err, sizeof(r->err), "-options_file %s: options files nested deeper than %d", path, MS_OPTIONS_MAX_DEPTH);
    return 1;
  }
  if (!(text = MSReadText(r, path))) return 1;
  snprintf(r->chain[r->depth++], PETSC_MAX_PATH_LEN, "%s", real);
  slash = strrchr(path, '/');
  if ((r->dlen && MSAppend(&r->dirs, &r->dlen, &r->dcap,
    ",", 1)) || MSAppend(&r->dirs, &r->dlen, &r->dcap, slash ? path : ".", slash ? (size_t)(slash - path) : 1)) bad = 1;
  else {
    tok  = malloc(strlen(text) + 1);
    next = malloc(strlen(text) + 1);
    bad  = (!tok || !next) ? 1 : MSReaderParse(r, path, text, tok, next);
    free(tok);
    free(next);
  }
  if (bad && !r->err[0]) snprintf(r->err, sizeof(r->err), "-options_file %s: out of memory", path);
  r->depth--;
  free(text);
  return bad;
}

/* rank 0's buffer (or error) to every rank: length first, then the bytes */
static PetscErrorCode MSBroadcastText(MPI_Comm comm, char **buf, size_t *len)
{
  PetscInt64  n = (PetscInt64)*len;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT64, 0, comm));
  PetscCheck(n < PETSC_MPI_INT_MAX, comm, PETSC_ERR_ARG_SIZ, "-options_file: the options are too long (%" PetscInt64_FMT " bytes)", n);
  if (rank) {
    *buf = malloc((size_t)n + 1);
    PetscCheck(*buf, PETSC_COMM_SELF, PETSC_ERR_MEM, "-options_file: out of memory");
    (*buf)[n] = 0;
    *len      = (size_t)n;
  }
  if (n) PetscCallMPI(MPI_Bcast(*buf, (PetscMPIInt)n, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

/*@C
  MSOptionsInsertFiles - Reads options files (mspinn's format, above) on rank 0 and inserts their options on every rank

  Collective

  Input Parameters:
+ comm    - the ranks that insert the options
. options - the options database (NULL: the global one)
. nfiles  - number of files
- files   - their names, inserted in this order (a later file's value wins)

  Notes:
  Also sets -mspinn_options_dirs to the directories of the files read, where relative data paths
  are looked for. All ranks return the same error, which names the file and line.
@*/
PetscErrorCode MSOptionsInsertFiles(MPI_Comm comm, PetscOptions options, PetscInt nfiles, const char *const files[])
{
  MSOptionsReader r;
  PetscMPIInt     rank;
  char           *err = NULL;
  size_t          elen = 0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    for (PetscInt k = 0; k < nfiles && !r.err[0]; k++)
      if (MSReaderFile(&r, files[k], NULL) && !r.err[0]) snprintf(r.err, sizeof(r.err), "-options_file %s: out of memory", files[k]);
    err  = r.err;
    elen = strlen(r.err);
  }
  PetscCall(MSBroadcastText(comm, &err, &elen));
  if (elen) {
    char msg[MS_OPTIONS_ERR_LEN];
    PetscCall(PetscStrncpy(msg, err, sizeof(msg)));
    if (rank) free(err);
    free(r.pairs);
    free(r.dirs);
    SETERRQ(comm, PETSC_ERR_FILE_READ, "%s", msg);
  }
  if (rank) free(err);
  PetscCall(MSBroadcastText(comm, &r.pairs, &r.len));
  PetscCall(MSBroadcastText(comm, &r.dirs, &r.dlen));
  for (size_t at = 0; at < r.len;) {
    const char *name = r.pairs + at, *flag = name + strlen(name) + 1, *value = flag + 1;
    PetscCall(PetscOptionsSetValue(options, name, *flag == '1' ? value : NULL));
    at = (size_t)(value - r.pairs) + strlen(value) + 1;
  }
  if (r.dlen) PetscCall(PetscOptionsSetValue(options, "-mspinn_options_dirs", r.dirs));
  free(r.pairs);
  free(r.dirs);
  PetscFunctionReturn(0);
}

/*@C
  MSOptionsInsertArgs - Inserts the command line "-name [value]" pairs with mspinn's value rule

  Not Collective

  Input Parameters:
+ options - the options database (NULL: the global one)
. argc    - number of arguments
- argv    - the arguments (argv[0], the program, is skipped)

  Notes:
  PetscInitialize has already read argv with PETSc's rule, under which a value starting with '-' is
  an option of its own ("-pde_exact -x*x+1"); such entries are removed and the value given to its
  name. Call it after the options files so that the command line wins.
@*/
PetscErrorCode MSOptionsInsertArgs(PetscOptions options, int argc, char **argv)
{
  PetscFunctionBegin;
  for (int i = 1; i < argc; i++) {
    const char *name = argv[i], *value = NULL;
    if (!MSOptionsIsName(name)) continue;
    if (i + 1 < argc && (!MSOptionsIsName(argv[i + 1]) || MSOptionsTakesExpression(name))) value = argv[++i];
    if (value && value[0] == '-' && value[1]) {
      PetscBool has;
      PetscCall(PetscOptionsHasName(options, NULL, value, &has));
      if (has) PetscCall(PetscOptionsClearValue(options, value));
    }
    PetscCall(PetscOptionsSetValue(options, name, value));
  }
  PetscFunctionReturn(0);
}

/*@C
  MSOptionsCheckInt - Checks that an integer option, or each entry of an integer list, fits PetscInt as typed

  Collective

  Input Parameters:
+ comm    - the ranks that read the option
. options - the options database (NULL: the global one)
. prefix  - the option's prefix, or NULL
- name    - the option, "-name"

  Notes:
  PETSc's parser wraps a 32-bit integer modulo 2^32 (-points_interior_n 4294967316 would run with 20
  points): this raises the error that names the option instead. Entries that are not integers are
  left to PETSc's own message.
@*/
PetscErrorCode MSOptionsCheckInt(MPI_Comm comm, PetscOptions options, const char prefix[], const char name[])
{
  const char *value, *c;
  PetscBool   set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsFindPair(options, prefix, name, &value, &set));
  if (!set || !value) PetscFunctionReturn(0);
  for (c = value; *c;) {
    const char *digits = c + (*c == '-' || *c == '+'), *end = digits;
    while (isdigit((unsigned char)*end)) end++;
    if (end > digits && (*end == ',' || !*end)) {
      long long v;
      errno = 0;
      v     = strtoll(c, NULL, 10);
      PetscCheck(errno != ERANGE && v >= PETSC_MIN_INT && v <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE,
        "-%s%s %.*s: out of range (an integer from %d to %d)",
                 prefix ? prefix : "", name + 1, (int)(end - c), c, (int)PETSC_MIN_INT, (int)PETSC_MAX_INT);
    }
    while (*c && *c != ',') c++;
    if (*c == ',') c++;
  }
  PetscFunctionReturn(0);
}

/* PetscOptionsInt with the range of the typed value checked first (MSOptionsCheckInt) */
PetscErrorCode MSOptionsInt_Private(PetscOptionItems *items, const char opt[], const char text[], const char man[], PetscInt current, PetscInt *value,
                                    PetscBool *set)
{
  PetscFunctionBegin;
  PetscCall(MSOptionsCheckInt(items->comm, items->options, items->prefix, opt));
  PetscCall(PetscOptionsInt_Private(items, opt, text, man, current, value, set, PETSC_MIN_INT, PETSC_MAX_INT));
  PetscFunctionReturn(0);
}

/*@C
  MSOptionsHasExactName - whether the option name itself (e.g. -stage_1_features) is in the database

  Notes:
  PetscOptionsHasName and PetscOptionsGet* also find -stage_features when asked for -stage_1_features
  (PETSc lets a name with a numbered part fall back on the name without it), which is how options of
  stage n default to the options of every stage; this tells the two apart.
@*/
PetscErrorCode MSOptionsHasExactName(PetscOptions options, const char name[], PetscBool *has)
{
  char *all, *tok, *save = NULL;

  PetscFunctionBegin;
  *has = PETSC_FALSE;
  PetscCall(PetscOptionsGetAll(options, &all));
  for (tok = strtok_r(all, " ", &save); tok && !*has; tok = strtok_r(NULL, " ", &save))
    if (!strcasecmp(tok, name)) *has = PETSC_TRUE;
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}
