/* Reading result and checkpoint files (layout: store.c). Nothing in a file is trusted: every
 * count and index is range-checked before it sizes or indexes an array, and the state must
 * agree with itself (counts add up, models lie in the DOS range, the kept models ascend and
 * the best of each size is no worse than a kept one), so that a damaged file is refused
 * with SMI_EPARSE "path:line: what" instead of giving a wrong or crashing result. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/store/store.h"

#define MAX_FEATURES ((size_t)1 << 31)
#define MAX_TOP ((size_t)1 << 24)
#define MAX_TASKS ((size_t)1 << 26)
#define MAX_BINS ((size_t)1 << 24)

/* What a file can make the reader allocate: an array filled from the file's lines is sized
 * only after its count was checked against the bytes left (backed); the arrays the writer
 * stores sparsely (DOS bins, exact sums, model storage) may take up to ALLOC_FLOOR, or
 * ALLOC_FACTOR times the file's size (affordable). So a short file claiming huge counts is
 * refused before anything is allocated. */
#define ALLOC_FLOOR ((size_t)64 << 20)
#define ALLOC_FACTOR 256

typedef struct reader {
    const char *path;
    char *next;  /* first byte of the next line */
    char *cur;   /* read position in the current line */
    size_t line; /* the current line, 1-based */
    const char *end;   /* the end of the text */
    size_t size;       /* the file's size in bytes */
    size_t kept_room;  /* the kept models the state has room for */
} reader;

static int bad(const reader *r, const char *fmt, ...) SMI_PRINTF(2, 3);
static int bad(const reader *r, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return smi_error_set(SMI_EPARSE, "%s:%zu: %s", r->path, r->line, what);
}

/* Every line the writer makes ends with '\n': a last line without one is a cut file. */
static int next_line(reader *r)
{
    r->line++;
    if (!*r->next)
        return bad(r, "unexpected end of file");
    char *nl = strchr(r->next, '\n');
    if (!nl)
        return bad(r, "unexpected end of file (the line is cut)");
    *nl = '\0';
    r->cur = r->next;
    r->next = nl + 1;
    return SMI_OK;
}

/* `count` items of at least `min_bytes` each fit in what is left of the file. */
static int backed(const reader *r, size_t count, size_t min_bytes, const char *what)
{
    size_t left = (size_t)(r->end - r->next);
    if (count > left / min_bytes)
        return bad(r, "%zu %s cannot fit in the %zu bytes left in the file", count, what, left);
    return SMI_OK;
}

/* `count` items of `each` bytes are within what a file of this size may allocate. */
static int affordable(const reader *r, size_t count, size_t each, const char *what)
{
    size_t limit = r->size > (SIZE_MAX - ALLOC_FLOOR) / ALLOC_FACTOR
                       ? SIZE_MAX : ALLOC_FLOOR + ALLOC_FACTOR * r->size;
    if (each && count > limit / each)
        return bad(r, "%zu %s would take more than %zu bytes of memory, too many for a file of "
                   "%zu bytes", count, what, limit, r->size);
    return SMI_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated token of the current line, or NULL at its end. */
static char *token(reader *r)
{
    while (is_space(*r->cur))
        r->cur++;
    if (!*r->cur)
        return NULL;
    char *t = r->cur;
    while (*r->cur && !is_space(*r->cur))
        r->cur++;
    if (*r->cur)
        *r->cur++ = '\0';
    return t;
}

/* Whether the next token is `word` (nothing is consumed). */
static int at_word(reader *r, const char *word)
{
    while (is_space(*r->cur))
        r->cur++;
    size_t len = strlen(word);
    return strncmp(r->cur, word, len) == 0 && (!r->cur[len] || is_space(r->cur[len]));
}

static int end_line(reader *r)
{
    char *t = token(r);
    return t ? bad(r, "unexpected '%s' at the end of the line", t) : SMI_OK;
}

static int get_word(reader *r, const char *word)
{
    char *t = token(r);
    if (!t || strcmp(t, word) != 0)
        return bad(r, "expected '%s', found '%s'", word, t ? t : "");
    return SMI_OK;
}

static int get_u64(reader *r, const char *what, uint64_t *v)
{
    char *t = token(r);
    if (!t)
        return bad(r, "%s is missing", what);
    uint64_t x = 0;
    for (const char *c = t; *c; c++) {
        if (*c < '0' || *c > '9')
            return bad(r, "%s: '%s' is not a count", what, t);
        unsigned d = (unsigned)(*c - '0');
        if (x > (UINT64_MAX - d) / 10)
            return bad(r, "%s: %s is too large", what, t);
        x = x * 10 + d;
    }
    *v = x;
    return SMI_OK;
}

static int get_size(reader *r, const char *what, size_t lo, size_t hi, size_t *v)
{
    uint64_t x;
    SMI_TRY(get_u64(r, what, &x));
    if (x < lo || x > hi)
        return bad(r, "%s %llu is out of range (%zu to %zu)", what, (unsigned long long)x, lo,
                   hi);
    *v = (size_t)x;
    return SMI_OK;
}

static int get_i64(reader *r, const char *what, int64_t lim, int64_t *v)
{
    char *t = token(r), *end;
    if (!t)
        return bad(r, "%s is missing", what);
    errno = 0;
    long long x = strtoll(t, &end, 10);
    if (*end || end == t || errno || x < -lim || x > lim)
        return bad(r, "%s: '%s' is not an integer in range", what, t);
    *v = x;
    return SMI_OK;
}

static int get_hex64(reader *r, const char *what, uint64_t *v)
{
    char *t = token(r);
    size_t len = t ? strlen(t) : 0;
    if (len == 0 || len > 16 || strspn(t, "0123456789abcdefABCDEF") != len)
        return bad(r, "%s: '%s' is not a 64-bit hexadecimal word", what, t ? t : "");
    *v = (uint64_t)strtoull(t, NULL, 16);
    return SMI_OK;
}

/* A double as the writer prints it (%a), or inf and nan: strtod reads them all exactly. */
static int get_double(reader *r, const char *what, double *v)
{
    char *t = token(r), *end;
    if (!t)
        return bad(r, "%s is missing", what);
    *v = strtod(t, &end);
    if (*end || end == t)
        return bad(r, "%s: '%s' is not a number", what, t);
    return SMI_OK;
}

static int get_finite(reader *r, const char *what, double *v)
{
    SMI_TRY(get_double(r, what, v));
    return isfinite(*v) ? SMI_OK : bad(r, "%s is not finite", what);
}

/* ---------- sections ---------- */

static int parse_header(reader *r, int kind)
{
    SMI_TRY(next_line(r));
    char *magic = token(r), *version = token(r);
    if (magic && strcmp(magic, smi_store_magic[!kind]) == 0)
        return bad(r, kind == SMI_STATE_RESULT ? "a checkpoint of a search, not a result"
                                               : "a search result, not a checkpoint");
    if (!magic || strcmp(magic, smi_store_magic[kind]) != 0)
        return bad(r, "not a libsparsemi %s file", kind == SMI_STATE_RESULT ? "result"
                                                                            : "checkpoint");
    char expected[24];
    snprintf(expected, sizeof expected, "%d", SMI_STORE_VERSION);
    if (!version || strcmp(version, expected) != 0)
        return bad(r, "format version '%s' is not supported (this library reads %s)",
                   version ? version : "", expected);
    return end_line(r);
}

static int parse_edges(reader *r, size_t n_edges, double *edges)
{
    for (size_t i = 0; i < n_edges; i++) {
        SMI_TRY(next_line(r));
        SMI_TRY(get_finite(r, "bin edge", &edges[i]));
        if (i > 0 && !(edges[i] > edges[i - 1]))
            return bad(r, "bin edges do not increase");
        SMI_TRY(end_line(r));
    }
    return SMI_OK;
}

/* The scalar fields, the DOS layout, then the state's arrays. */
static int parse_shape(reader *r, smi_state *s)
{
    char *name;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "fingerprint"));
    SMI_TRY(get_hex64(r, "fingerprint", &s->fingerprint));
    SMI_TRY(end_line(r));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "criterion"));
    name = token(r);
    if (!name || smi_criterion_from_name(name, &s->criterion) != SMI_OK)
        return bad(r, "unknown criterion '%s'", name ? name : "");
    SMI_TRY(end_line(r));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "features"));
    SMI_TRY(get_size(r, "features", 1, MAX_FEATURES, &s->p));
    SMI_TRY(get_word(r, "max-size"));
    SMI_TRY(get_size(r, "max-size", 0, s->p, &s->kmax));
    SMI_TRY(backed(r, s->kmax + 1, 7, "best models (max-size + 1 lines such as \"0 none\")"));
    SMI_TRY(get_word(r, "top"));
    SMI_TRY(get_size(r, "top", 1, MAX_TOP, &s->top));
    SMI_TRY(end_line(r));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "shards"));
    SMI_TRY(get_size(r, "shards", 1, SIZE_MAX, &s->shard_count));
    SMI_TRY(get_word(r, "tasks"));
    SMI_TRY(get_size(r, "tasks", 1, MAX_TASKS, &s->n_tasks));
    SMI_TRY(backed(r, SMI_DONE_WORDS(s->n_tasks), 17, "words of the task bitmap"));
    SMI_TRY(end_line(r));
    SMI_TRY(next_line(r));
    name = token(r);
    size_t count;
    int given = name && strcmp(name, "dos-edges") == 0;
    if (!name || (!given && strcmp(name, "dos-bins") != 0))
        return bad(r, "expected 'dos-bins' or 'dos-edges'");
    SMI_TRY(get_size(r, given ? "edges" : "bins", 2, MAX_BINS + (given ? 1 : 0), &count));
    SMI_TRY(given ? backed(r, count, 2, "bin edges") : SMI_OK);
    SMI_TRY(affordable(r, count, 2 * sizeof(uint64_t), "DOS bins"));
    SMI_TRY(end_line(r));
    /* Each kept model is a line of at least "0 0 ok\n"; its storage holds max-size features. */
    r->kept_room = (size_t)(r->end - r->next) / 7;
    if (r->kept_room > s->top)
        r->kept_room = s->top;
    size_t w = s->kmax ? s->kmax : 1;
    SMI_TRY(affordable(r, r->kept_room + s->kmax + 1, w * (sizeof(size_t) + 2 * sizeof(double))
                       + sizeof(smi_kept), "model slots"));
    double *edges = given ? smi_alloc_array(count, sizeof *edges, "DOS edges") : NULL;
    if (given && !edges)
        return SMI_ENOMEM;
    int rc = given ? parse_edges(r, count, edges) : SMI_OK;
    if (rc == SMI_OK)
        rc = smi_state_alloc(s, r->kept_room, count, edges, count);
    free(edges);
    return rc;
}

static int parse_done(reader *r, smi_state *s)
{
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "done"));
    SMI_TRY(end_line(r));
    size_t words = SMI_DONE_WORDS(s->n_tasks);
    for (size_t w = 0; w < words; w++) {
        if (w % 8 == 0)
            SMI_TRY(next_line(r));
        SMI_TRY(get_hex64(r, "task bitmap", &s->done[w]));
        if (w % 8 == 7 || w + 1 == words)
            SMI_TRY(end_line(r));
    }
    size_t spare = words * 64 - s->n_tasks;
    if (spare && s->done[words - 1] >> (64 - spare))
        return bad(r, "task bitmap marks tasks beyond the %zu of the plan", s->n_tasks);
    return SMI_OK;
}

static int parse_dos_counts(reader *r, smi_hist *h, size_t nonzero)
{
    size_t previous = 0;
    for (size_t i = 0; i < nonzero; i++) {
        size_t t = 0;
        SMI_TRY(next_line(r));
        SMI_TRY(get_size(r, "bin", 0, h->capacity - 1, &t));
        if (i > 0 && t <= previous)
            return bad(r, "DOS bins are not in increasing order");
        SMI_TRY(get_u64(r, "DOS count", &h->counts[t]));
        if (h->counts[t] == 0)
            return bad(r, "a DOS count listed as nonzero is 0");
        SMI_TRY(end_line(r));
        previous = t;
    }
    return SMI_OK;
}

static int parse_counts(reader *r, smi_state *s)
{
    smi_hist *h = &s->hist;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "models"));
    SMI_TRY(get_u64(r, "models", &s->n_models));
    SMI_TRY(get_word(r, "singular"));
    SMI_TRY(get_u64(r, "singular", &s->n_singular));
    s->n_nonfinite = 0; /* written only when some criterion was out of range */
    if (at_word(r, "nonfinite")) {
        SMI_TRY(get_word(r, "nonfinite"));
        SMI_TRY(get_u64(r, "nonfinite", &s->n_nonfinite));
    }
    SMI_TRY(end_line(r));
    SMI_TRY(next_line(r));
    size_t line = r->line, nonzero;
    int64_t e, base;
    SMI_TRY(get_word(r, "dos"));
    SMI_TRY(get_word(r, "n"));
    SMI_TRY(get_u64(r, "DOS n", &h->n));
    SMI_TRY(get_word(r, "lo"));
    SMI_TRY(get_double(r, "DOS lo", &h->lo));
    SMI_TRY(get_word(r, "hi"));
    SMI_TRY(get_double(r, "DOS hi", &h->hi));
    SMI_TRY(get_word(r, "exponent"));
    SMI_TRY(get_i64(r, "DOS exponent", 1 << 20, &e));
    SMI_TRY(get_word(r, "base"));
    SMI_TRY(get_i64(r, "DOS base", INT64_MAX / 4, &base));
    SMI_TRY(get_word(r, "below"));
    SMI_TRY(get_u64(r, "DOS below", &h->below));
    SMI_TRY(get_word(r, "above"));
    SMI_TRY(get_u64(r, "DOS above", &h->above));
    SMI_TRY(get_word(r, "nonzero"));
    SMI_TRY(get_size(r, "nonzero DOS bins", 0, h->capacity, &nonzero));
    SMI_TRY(end_line(r));
    h->exponent = (int)e;
    h->base = base;
    SMI_TRY(parse_dos_counts(r, h, nonzero));
    reader at = { .path = r->path, .line = line };
    if (h->n != s->n_models)
        return bad(&at, "the DOS holds %llu scores, the search scored %llu",
                   (unsigned long long)h->n, (unsigned long long)s->n_models);
    const char *why = smi_hist_check(h);
    return why ? bad(&at, "%s", why) : SMI_OK;
}

/* ---------- the model posterior ---------- */

/* Limbs below 2^62 leave room for the carries of later adds (xbank.c). */
static int parse_bank(reader *r, const char *name, smi_xbank *b)
{
    size_t count = 0, limbs = 0, nonzero = 0;
    int64_t low = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, name));
    SMI_TRY(get_size(r, "sums", b->count, b->count, &count));
    SMI_TRY(get_word(r, "low"));
    SMI_TRY(get_i64(r, "lowest limb", (int64_t)1 << 40, &low));
    SMI_TRY(get_word(r, "limbs"));
    SMI_TRY(get_size(r, "limbs", 0, SMI_XBANK_MAX_LIMBS, &limbs));
    SMI_TRY(get_word(r, "nonzero"));
    SMI_TRY(get_size(r, "nonzero sums", 0, count, &nonzero));
    SMI_TRY(end_line(r));
    if (limbs == 0 && nonzero > 0)
        return bad(r, "nonzero sums without limbs");
    SMI_TRY(backed(r, nonzero, 17 * limbs + 2, "lines of nonzero sums"));
    SMI_TRY(affordable(r, count, limbs * sizeof *b->d, "exact sums"));
    if (limbs > 0) {
        b->d = smi_calloc_array(count ? count : 1, limbs * sizeof *b->d, "posterior sums");
        if (!b->d)
            return SMI_ENOMEM;
        b->low = low;
        b->limbs = limbs;
    }
    size_t previous = 0;
    for (size_t i = 0; i < nonzero; i++) {
        size_t a = 0;
        SMI_TRY(next_line(r));
        SMI_TRY(get_size(r, "sum", 0, count - 1, &a));
        if (i > 0 && a <= previous)
            return bad(r, "sums are not in increasing order");
        for (size_t t = 0; t < limbs; t++) {
            uint64_t v;
            SMI_TRY(get_hex64(r, "limb", &v));
            if (v >> 62)
                return bad(r, "a limb of the sums is out of range");
            b->d[a * limbs + t] = (int64_t)v;
        }
        SMI_TRY(end_line(r));
        previous = a;
    }
    return smi_xbank_normalise(b);
}

static int parse_posterior(reader *r, smi_state *s)
{
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "posterior"));
    if (at_word(r, "none")) {
        token(r);
        return end_line(r);
    }
    SMI_TRY(get_word(r, "forced"));
    SMI_TRY(get_size(r, "forced features", 0, s->kmax, &s->n_keep));
    SMI_TRY(get_word(r, "min-size"));
    SMI_TRY(get_size(r, "minimum size", s->n_keep, s->kmax, &s->kmin));
    SMI_TRY(get_word(r, "q"));
    SMI_TRY(get_finite(r, "prior q", &s->prior_q));
    if (!(s->prior_q > 0.0 && s->prior_q < 1.0))
        return bad(r, "prior q must lie strictly between 0 and 1");
    SMI_TRY(end_line(r));
    s->posterior = 1;
    s->hist.weighted = 1;
    SMI_TRY(parse_bank(r, "sums", &s->post_sums));
    SMI_TRY(parse_bank(r, "dos-sums", &s->hist.w));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "average"));
    if (at_word(r, "top")) {
        token(r);
        return end_line(r);
    }
    SMI_TRY(get_word(r, "exact"));
    SMI_TRY(end_line(r));
    s->average = 1;
    SMI_TRY(parse_bank(r, "positive", &s->avg_pos));
    return parse_bank(r, "negative", &s->avg_neg);
}

/* ---------- models ---------- */

static int parse_status(reader *r, int kind, int *status)
{
    char *t = token(r);
    for (int st = SMI_KEPT_PENDING; t && st <= SMI_KEPT_SINGULAR; st++) {
        if (strcmp(t, smi_store_status[st]) != 0)
            continue;
        if ((kind == SMI_STATE_CHECKPOINT) != (st == SMI_KEPT_PENDING))
            return bad(r, "status '%s' in a %s file", t,
                       kind == SMI_STATE_RESULT ? "result" : "checkpoint");
        *status = st;
        return SMI_OK;
    }
    return bad(r, "unknown model status '%s'", t ? t : "");
}

/* The grid criteria's <quadrature error> <at edge>, when the line has them (older files:
 * unknown, NAN). */
static int parse_grid_accuracy(reader *r, const smi_state *s, smi_kept *m)
{
    m->grid_error = NAN;
    m->grid_edge = 0;
    if (!smi_is_ratio_grid(s->criterion))
        return SMI_OK;
    while (is_space(*r->cur)) /* nothing more on the line: not recorded */
        r->cur++;
    if (!*r->cur)
        return SMI_OK;
    size_t edge;
    SMI_TRY(get_double(r, "quadrature error", &m->grid_error));
    if (!(m->grid_error >= 0.0) || !isfinite(m->grid_error))
        return bad(r, "quadrature error %g: must be finite and >= 0", m->grid_error);
    SMI_TRY(get_size(r, "grid edge flag", 0, 1, &edge));
    m->grid_edge = (int)edge;
    return SMI_OK;
}

/* One model after its line's leading fields; `size` is SIZE_MAX for any size. */
static int parse_model(reader *r, const smi_state *s, int kind, size_t size, smi_kept *m)
{
    SMI_TRY(get_finite(r, "sweep value", &m->sweep));
    if (s->hist.n == 0 || m->sweep < s->hist.lo || m->sweep > s->hist.hi)
        return bad(r, "a model's score lies outside the DOS range");
    SMI_TRY(get_size(r, "model size", 0, s->kmax, &m->size));
    if (size != SIZE_MAX && m->size != size)
        return bad(r, "the best model of size %zu has %zu features", size, m->size);
    for (size_t t = 0; t < m->size; t++) {
        SMI_TRY(get_size(r, "feature", 0, s->p - 1, &m->features[t]));
        if (t > 0 && m->features[t] <= m->features[t - 1])
            return bad(r, "features of a model are not in increasing order");
    }
    SMI_TRY(parse_status(r, kind, &m->status));
    if (m->status == SMI_KEPT_OK) {
        SMI_TRY(get_double(r, "criterion", &m->value));
        SMI_TRY(get_double(r, "intercept", &m->intercept));
        SMI_TRY(get_double(r, "rmse", &m->rmse));
        for (size_t t = 0; t < m->size; t++)
            SMI_TRY(get_double(r, "coefficient", &m->coef[t]));
        if (s->posterior) {
            SMI_TRY(get_double(r, "posterior intercept", &m->pintercept));
            for (size_t t = 0; t < m->size; t++)
                SMI_TRY(get_double(r, "posterior coefficient", &m->pmean[t]));
        }
        SMI_TRY(parse_grid_accuracy(r, s, m));
    }
    return end_line(r);
}

static int compare(const smi_kept *a, const smi_kept *b)
{
    smi_model x = { a->sweep, a->size, a->features }, y = { b->sweep, b->size, b->features };
    return smi_model_compare(&x, &y);
}

static int parse_kept(reader *r, smi_state *s, int kind)
{
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "kept"));
    SMI_TRY(get_size(r, "kept models", 0, r->kept_room, &s->n_kept));
    uint64_t expect = s->n_models < s->top ? s->n_models : s->top;
    if (s->n_kept != expect)
        return bad(r, "%zu models kept of %llu scored with top %zu", s->n_kept,
                   (unsigned long long)s->n_models, s->top);
    SMI_TRY(end_line(r));
    for (size_t i = 0; i < s->n_kept; i++) {
        SMI_TRY(next_line(r));
        SMI_TRY(parse_model(r, s, kind, SIZE_MAX, &s->kept[i]));
        if (i > 0 && compare(&s->kept[i - 1], &s->kept[i]) >= 0)
            return bad(r, "kept models are not in increasing order");
    }
    return SMI_OK;
}

/* The best of size k: present when a kept model has size k, and no worse than any. */
static int check_best(reader *r, const smi_state *s, size_t k)
{
    const smi_kept *b = &s->best[k];
    for (size_t i = 0; i < s->n_kept; i++) {
        if (s->kept[i].size != k)
            continue;
        if (b->status == SMI_KEPT_NONE)
            return bad(r, "no best model of size %zu, but a kept one", k);
        if (compare(b, &s->kept[i]) > 0)
            return bad(r, "the best model of size %zu is worse than a kept one", k);
    }
    return SMI_OK;
}

static int parse_best(reader *r, smi_state *s, int kind)
{
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "best"));
    SMI_TRY(end_line(r));
    for (size_t k = 0; k <= s->kmax; k++) {
        size_t at;
        SMI_TRY(next_line(r));
        SMI_TRY(get_size(r, "size", k, k, &at));
        if (at_word(r, "none")) {
            token(r);
            SMI_TRY(end_line(r));
        } else {
            SMI_TRY(parse_model(r, s, kind, k, &s->best[k]));
        }
        SMI_TRY(check_best(r, s, k));
    }
    return SMI_OK;
}

/* ---------- a result's identity: its data and configuration ---------- */

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `key <percent-encoded name>` on its own line: the decoded name, in place. */
static int get_name(reader *r, const char *key, char **name)
{
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, key));
    char *t = token(r);
    if (!t)
        return bad(r, "the %s name is missing", key);
    char *out = t;
    for (const char *c = t; *c; c++) {
        if (*c != '%') {
            *out++ = *c;
            continue;
        }
        int hi = hex_digit(c[1]), lo = hi < 0 ? -1 : hex_digit(c[2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return bad(r, "the %s name has a bad escape", key);
        *out++ = (char)(hi * 16 + lo);
        c += 2;
    }
    *out = '\0';
    *name = t;
    return end_line(r);
}

static int parse_data(reader *r, smi_state *s)
{
    size_t n = 0, p = 0;
    uint64_t fp = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "data"));
    SMI_TRY(get_word(r, "n"));
    SMI_TRY(get_size(r, "n", 2, SIZE_MAX / 2, &n));
    SMI_TRY(get_word(r, "p"));
    SMI_TRY(get_size(r, "p", s->p, s->p, &p));
    SMI_TRY(get_word(r, "fingerprint"));
    SMI_TRY(get_hex64(r, "data fingerprint", &fp));
    SMI_TRY(end_line(r));
    /* Each name line holds at least "feature x\n": a file too short for p of them is cut,
     * and nothing is allocated for what it cannot hold. */
    if (strlen(r->next) / 10 < p)
        return bad(r, "the file is too short for the names of %zu features", p);
    char *target, **names = smi_alloc_array(p, sizeof *names, "feature names");
    if (!names)
        return SMI_ENOMEM;
    int rc = get_name(r, "target", &target);
    for (size_t j = 0; j < p && rc == SMI_OK; j++)
        rc = get_name(r, "feature", &names[j]);
    if (rc == SMI_OK)
        rc = smi_data_id_make(&s->data, n, p, (const char *const *)names, target, fp);
    free(names);
    return rc;
}

/* A setter's refusal becomes the file's error, at the line that holds the value. */
static int accept(reader *r, int rc)
{
    if (rc == SMI_OK || rc == SMI_ENOMEM)
        return rc;
    char why[256];
    snprintf(why, sizeof why, "%s", smi_last_error());
    return bad(r, "invalid configuration: %s", why);
}

/* fe-grid's line: its two sigma grids, their prior and the intercept term. */
static int parse_config_sigma_grid(reader *r, struct smi_search *c)
{
    double lo[2] = { 0, 0 }, hi[2] = { 0, 0 }, shape = 0, scale = 0;
    size_t n[2] = { 0, 0 }, prior = 0, term = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "sigma-grid"));
    for (int a = 0; a < 2; a++) {
        SMI_TRY(get_double(r, "sigma grid low", &lo[a]));
        SMI_TRY(get_double(r, "sigma grid high", &hi[a]));
        SMI_TRY(get_size(r, "sigma grid count", 0, SMI_SIGMA_GRID_MAX, &n[a]));
    }
    SMI_TRY(get_word(r, "prior"));
    SMI_TRY(get_size(r, "grid prior", 0, 2, &prior));
    SMI_TRY(get_double(r, "grid prior shape", &shape));
    SMI_TRY(get_double(r, "grid prior scale", &scale));
    SMI_TRY(get_word(r, "intercept-term"));
    SMI_TRY(get_size(r, "intercept-term", 0, 1, &term));
    SMI_TRY(end_line(r));
    SMI_TRY(accept(r, smi_search_set_sigma_noise_grid(c, lo[0], hi[0], n[0])));
    SMI_TRY(accept(r, smi_search_set_sigma_coef_grid(c, lo[1], hi[1], n[1])));
    SMI_TRY(accept(r, smi_search_set_grid_prior(c, (int)prior, shape, scale)));
    return accept(r, smi_search_set_intercept_term(c, (int)term));
}

static int parse_config_hyper(reader *r, struct smi_search *c)
{
    double a = 0, b = 0, l = 0, a0 = 0, b0 = 0, lo = 0, hi = 0, q = 0;
    size_t count = 0, prior = 0;
    int criterion = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "criterion"));
    char *name = token(r);
    if (!name || smi_criterion_from_name(name, &criterion) != SMI_OK)
        return bad(r, "unknown criterion '%s'", name ? name : "");
    SMI_TRY(get_word(r, "alpha"));
    SMI_TRY(get_double(r, "alpha", &a));
    SMI_TRY(get_word(r, "beta"));
    SMI_TRY(get_double(r, "beta", &b));
    SMI_TRY(get_word(r, "normal-gamma"));
    SMI_TRY(get_double(r, "lambda", &l));
    SMI_TRY(get_double(r, "a0", &a0));
    SMI_TRY(get_double(r, "b0", &b0));
    SMI_TRY(end_line(r));
    SMI_TRY(accept(r, smi_search_set_criterion(c, criterion)));
    SMI_TRY(accept(r, smi_search_set_fe_hyper(c, a, b)));
    SMI_TRY(accept(r, smi_search_set_normal_gamma(c, l, a0, b0)));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "ratio-grid"));
    SMI_TRY(get_double(r, "ratio-grid low", &lo));
    SMI_TRY(get_double(r, "ratio-grid high", &hi));
    SMI_TRY(get_size(r, "ratio-grid count", 0, SIZE_MAX, &count));
    SMI_TRY(get_word(r, "model-prior"));
    SMI_TRY(get_size(r, "model-prior", 0, 2, &prior));
    SMI_TRY(get_double(r, "prior q", &q));
    SMI_TRY(end_line(r));
    SMI_TRY(accept(r, smi_search_set_ratio_grid(c, lo, hi, count)));
    if (criterion == SMI_CRIT_FE_GRID)
        SMI_TRY(parse_config_sigma_grid(r, c));
    /* The uniform prior is stored with q = 1/2 and takes no q when set. */
    return accept(r, smi_search_set_model_prior(c, (int)prior,
                                                prior == SMI_MODEL_PRIOR_BERNOULLI ? q : 0.5));
}

static int parse_config_sizes(reader *r, const smi_state *s, struct smi_search *c)
{
    size_t kmin = 0, kmax = 0, top = 0, bins = 0, threads = 0, intercept = 0, standardize = 0;
    size_t index = 0, count = 0, n_keep = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "sizes"));
    SMI_TRY(get_size(r, "min-size", 0, s->p, &kmin));
    SMI_TRY(get_size(r, "max-size", 0, s->p, &kmax));
    SMI_TRY(get_word(r, "top"));
    SMI_TRY(get_size(r, "top", s->top, s->top, &top));
    SMI_TRY(get_word(r, "bins"));
    SMI_TRY(get_size(r, "bins", 0, MAX_BINS, &bins));
    SMI_TRY(get_word(r, "threads"));
    SMI_TRY(get_size(r, "threads", 0, SIZE_MAX, &threads));
    SMI_TRY(get_word(r, "intercept"));
    SMI_TRY(get_size(r, "intercept", 0, 1, &intercept));
    SMI_TRY(get_word(r, "standardize"));
    SMI_TRY(get_size(r, "standardize", 0, 1, &standardize));
    SMI_TRY(end_line(r));
    SMI_TRY(accept(r, smi_search_set_size_range(c, kmin, kmax)));
    SMI_TRY(accept(r, smi_search_set_top(c, top)));
    SMI_TRY(accept(r, smi_search_set_bins(c, bins)));
    SMI_TRY(accept(r, smi_search_set_threads(c, threads)));
    SMI_TRY(accept(r, smi_search_set_intercept(c, (int)intercept)));
    SMI_TRY(accept(r, smi_search_set_standardize(c, (int)standardize)));
    if (s->edges)
        SMI_TRY(accept(r, smi_search_set_bin_edges(c, s->edges, s->hist.n_edges)));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "shard"));
    SMI_TRY(get_size(r, "shard index", 0, SIZE_MAX, &index));
    SMI_TRY(get_size(r, "shard count", 1, s->shard_count, &count));
    /* A shard's own configuration, or the whole search's (count 1) once merged. */
    if (count != 1 && count != s->shard_count)
        return bad(r, "shard count %zu is neither 1 nor the file's %zu", count, s->shard_count);
    SMI_TRY(get_word(r, "keep"));
    SMI_TRY(get_size(r, "forced features", 0, s->p, &n_keep));
    if ((strlen(r->cur) + 1) / 2 < n_keep) /* "0 " at least per index */
        return bad(r, "the line is too short for %zu forced features", n_keep);
    SMI_TRY(accept(r, smi_search_set_shard(c, index, count)));
    size_t *keep = smi_alloc_array(n_keep ? n_keep : 1, sizeof *keep, "forced features");
    if (!keep)
        return SMI_ENOMEM;
    int rc = SMI_OK;
    for (size_t i = 0; i < n_keep && rc == SMI_OK; i++)
        rc = get_size(r, "forced feature", 0, s->p - 1, &keep[i]);
    if (rc == SMI_OK)
        rc = end_line(r);
    if (rc == SMI_OK)
        rc = accept(r, smi_search_set_keep(c, keep, n_keep));
    free(keep);
    return rc;
}

static int parse_config_folds(reader *r, const smi_state *s, struct smi_search *c)
{
    size_t k = 0, shuffle = 0, m = 0;
    uint64_t seed = 0;
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "config"));
    SMI_TRY(get_word(r, "folds"));
    SMI_TRY(get_size(r, "folds", 2, SIZE_MAX, &k));
    SMI_TRY(get_word(r, "shuffle"));
    SMI_TRY(get_size(r, "shuffle", 0, 1, &shuffle));
    SMI_TRY(get_word(r, "seed"));
    SMI_TRY(get_u64(r, "seed", &seed));
    SMI_TRY(get_word(r, "ids"));
    SMI_TRY(get_size(r, "fold ids", 0, s->data->n, &m));
    if (m != 0 && m != s->data->n)
        return bad(r, "%zu fold ids for %zu samples", m, s->data->n);
    if ((strlen(r->cur) + 1) / 2 < m) /* "0 " at least per id: nothing beyond the line */
        return bad(r, "the line is too short for %zu fold ids", m);
    SMI_TRY(accept(r, smi_search_set_folds(c, k, (int)shuffle, seed)));
    if (m == 0)
        return end_line(r);
    int *ids = smi_alloc_array(m, sizeof *ids, "fold ids");
    if (!ids)
        return SMI_ENOMEM;
    int rc = SMI_OK;
    for (size_t i = 0; i < m && rc == SMI_OK; i++) {
        int64_t id;
        rc = get_i64(r, "fold id", INT32_MAX, &id);
        ids[i] = (int)id;
    }
    if (rc == SMI_OK)
        rc = end_line(r);
    if (rc == SMI_OK)
        rc = accept(r, smi_search_set_fold_ids(c, ids, m));
    free(ids);
    return rc;
}

static int parse_identity(reader *r, smi_state *s)
{
    SMI_TRY(parse_data(r, s));
    SMI_TRY(smi_search_create(&s->cfg));
    SMI_TRY(parse_config_hyper(r, s->cfg));
    if (s->cfg->criterion != s->criterion)
        return bad(r, "the configuration's criterion is not the result's");
    SMI_TRY(parse_config_sizes(r, s, s->cfg));
    return parse_config_folds(r, s, s->cfg);
}

/* A result's state against what its configuration implies (the DOS, the posterior, the
 * plan of its search and so the subsets its done tasks hold): a file changed and sealed
 * again with a matching checksum is still refused when its counts disagree. */
static int check_result(const char *path, const smi_state *s)
{
    const struct smi_search *c = s->cfg;
    size_t bins = c->edges ? c->n_edges - 1 : c->bins;
    SMI_FAIL_IF(s->hist.capacity != bins, SMI_EPARSE, "%s: inconsistent: 'dos-bins' %zu, but "
                "the configuration has %zu bins", path, s->hist.capacity, bins);
    SMI_FAIL_IF(s->posterior != smi_has_posterior(c), SMI_EPARSE, "%s: inconsistent: "
                "'posterior' %s, but the configuration has %s", path,
                s->posterior ? "present" : "none", s->posterior ? "none" : "one");
    /* A shard's result holds tasks of its shard; a merged one (configuration of one
     * shard, state of several) holds any. */
    size_t index = c->shard_count == s->shard_count ? c->shard_index : SIZE_MAX;
    smi_problem pb;
    smi_task *tasks = NULL;
    size_t n_tasks = 0;
    int rc = smi_problem_prepare_plan(&pb, s->p, c);
    if (rc != SMI_OK && rc != SMI_ENOMEM) {
        char why[256];
        snprintf(why, sizeof why, "%s", smi_last_error());
        return smi_error_set(SMI_EPARSE, "%s: inconsistent: the configuration: %s", path, why);
    }
    SMI_TRY(rc);
    rc = smi_task_plan_sorted(&pb, &tasks, &n_tasks);
    if (rc == SMI_OK)
        rc = smi_state_check_plan(s, &pb, tasks, n_tasks, index, path);
    int average = s->posterior && pb.q <= SMI_AVERAGE_MAX_FREE;
    if (rc == SMI_OK && s->average != average)
        rc = smi_error_set(SMI_EPARSE, "%s: inconsistent: 'average' %s, but a search with %zu "
                           "free features averages %s", path, s->average ? "exact" : "top",
                           pb.q, average ? "exactly" : "the top models");
    free(tasks);
    smi_problem_free(&pb);
    return rc;
}

/* Everything after the header line (parse_header). */
static int parse_rest(reader *r, smi_state *s, int kind)
{
    SMI_TRY(parse_shape(r, s));
    if (kind == SMI_STATE_RESULT)
        SMI_TRY(parse_identity(r, s));
    SMI_TRY(parse_done(r, s));
    SMI_TRY(parse_counts(r, s));
    SMI_TRY(parse_posterior(r, s));
    SMI_TRY(parse_kept(r, s, kind));
    SMI_TRY(parse_best(r, s, kind));
    SMI_TRY(next_line(r));
    SMI_TRY(get_word(r, "end"));
    SMI_TRY(end_line(r));
    r->line++;
    if (*r->next)
        return bad(r, "text after the end");
    return kind == SMI_STATE_RESULT ? check_result(r->path, s) : SMI_OK;
}

static int read_file(const char *path, char **out, int *missing)
{
    FILE *f = fopen(path, "rb");
    if (!f && missing)
        *missing = errno == ENOENT;
    SMI_FAIL_IF(!f, SMI_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = buf ? SMI_OK : smi_error_set(SMI_ENOMEM, "%s: cannot allocate a read buffer", path);
    while (rc == SMI_OK) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (ferror(f)) {
            rc = smi_error_set(SMI_EIO, "%s: read error: %s", path, strerror(errno));
        } else if (feof(f)) {
            break;
        } else if (len + 1 == cap) {
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                rc = smi_error_set(SMI_ENOMEM, "%s: file too large to hold in memory", path);
            else
                buf = bigger, cap *= 2;
        }
    }
    fclose(f);
    if (rc == SMI_OK && memchr(buf, '\0', len))
        rc = smi_error_set(SMI_EPARSE, "%s: contains a NUL byte: not a text file", path);
    if (rc != SMI_OK) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    return SMI_OK;
}

/* The last line, "checksum <CRC-32C of every byte before it>", checked and cut off: a
 * file changed anywhere, or cut, is refused before a number of it is believed. */
static int check_checksum(const char *path, char *buf)
{
    size_t len = strlen(buf), lines = 0;
    const char *key = "checksum ";
    size_t start = len >= 2 ? len - 1 : 0; /* the last line's first byte */
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    for (size_t i = 0; i < start; i++)
        lines += buf[i] == '\n';
    char *line = buf + start, *end;
    if (len == 0 || buf[len - 1] != '\n' || strncmp(line, key, strlen(key)) != 0)
        return smi_error_set(SMI_EPARSE, "%s:%zu: no checksum line at the end: the file is "
                             "cut or is not a libsparsemi file", path, lines + 1);
    unsigned long want = strtoul(line + strlen(key), &end, 16);
    if (end != line + strlen(key) + 8 || *end != '\n')
        return smi_error_set(SMI_EPARSE, "%s:%zu: the checksum line is malformed", path,
                             lines + 1);
    if ((uint32_t)want != smi_crc32c(buf, start))
        return smi_error_set(SMI_EPARSE, "%s: the checksum does not match the contents: the "
                             "file is damaged", path);
    *line = '\0';
    return SMI_OK;
}

int smi_state_load(smi_state *s, int kind, const char *path, int *missing)
{
    memset(s, 0, sizeof *s);
    if (missing)
        *missing = 0;
    char *buf = NULL;
    SMI_TRY(read_file(path, &buf, missing));
    /* The checksum is checked first, but a file of another kind or version is named as
     * such, whatever its checksum. */
    int checked = check_checksum(path, buf);
    reader r = { .path = path, .next = buf, .end = buf + strlen(buf), .size = strlen(buf) };
    int rc = parse_header(&r, kind);
    if (rc == SMI_OK && checked != SMI_OK) {
        free(buf);
        return checked;
    }
    if (rc == SMI_OK)
        rc = parse_rest(&r, s, kind);
    free(buf);
    if (rc != SMI_OK)
        smi_state_free(s);
    return rc;
}
