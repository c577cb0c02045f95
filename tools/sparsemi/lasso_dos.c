/* `sparsemi lasso --on-dos ES`: "LASSO on the DOS" (DESIGN.md 4.6). ES is an exhaustive
 * search of the same data, in one of two forms, told apart by content:
 *   - a result file of `sparsemi es --save` (the library's format, first line
 *     "libsparsemi-result"), loaded with smi_search_result_load; its sidecar FILE.meta.json (es_meta.c)
 *     holds what the library's file does not: the feature names, the criterion's settings
 *     and a fingerprint of the data. Ranks come from smi_search_result_rank;
 *   - the JSON of `sparsemi es --json` (or of merge): the same request at its top level, and
 *     the kept models and the DOS, from which lasso_dos_rank computes ranks with the
 *     library's definition.
 * Either way the criterion and its settings are the search's, so that a support's value is
 * the value the search gave the same subset. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "es.h"
#include "lasso.h"
#include "sparsemi.h"

#define RESULT_MAGIC "libsparsemi-result"

/* ---- The rank from a DOS and the kept models ------------------------------------------- */

/* The kept models with a value strictly below v (kept ascends). */
static uint64_t kept_below(const lasso_dos_table *t, double v)
{
    size_t lo = 0, hi = t->n_top;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->kept[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Bounds of count(v) = the subsets below v, and the ends of the interval holding v. As
 * in the library; outside the edges the range of the scores, which the JSON lacks, closes
 * the interval: none below with no subset below the first edge, all with none above the
 * last; else NaN (no interpolation). */
static void dos_bounds(const lasso_dos_table *t, double v, double x[2], uint64_t c[2])
{
    const double *e = t->edges;
    size_t nb = t->n_bins;
    uint64_t n = t->n_models, below = t->below;
    if (nb == 0) {
        x[0] = x[1] = NAN, c[0] = 0, c[1] = n;
    } else if (v < e[0]) {
        x[0] = NAN, x[1] = e[0], c[0] = 0, c[1] = below;
    } else if (!(v < e[nb])) {
        x[0] = e[nb], x[1] = NAN, c[0] = n - t->above, c[1] = n;
    } else {
        size_t b = 0;
        for (; !(v < e[b + 1]); b++)
            below += t->counts[b];
        x[0] = e[b], x[1] = e[b + 1], c[0] = below, c[1] = below + t->counts[b];
    }
}

void lasso_dos_rank(const lasso_dos_table *t, double value, double *rank, uint64_t *rank_lo,
                    uint64_t *rank_hi, double *percentile)
{
    uint64_t lo, hi;
    double est;
    if (t->n_top == t->n_models || (t->n_top > 0 && value <= t->kept[t->n_top - 1])) {
        lo = hi = kept_below(t, value);
        est = (double)lo;
    } else {
        double x[2];
        uint64_t c[2];
        dos_bounds(t, value, x, c);
        lo = c[0] > t->n_top ? c[0] : t->n_top;
        hi = c[1] > lo ? c[1] : lo;
        double worst = t->n_top ? t->kept[t->n_top - 1] : -INFINITY;
        double x0 = x[0], c0 = (double)c[0];
        if (worst > x0 || (isnan(x0) && t->n_top > 0)) { /* the kept models come first */
            x0 = worst;
            c0 = (double)t->n_top;
        }
        if (isnan(x0) || isnan(x[1]))
            est = 0.5 * ((double)lo + (double)hi);
        else {
            double s = x[1] > x0 ? (value - x0) / (x[1] - x0) : 1.0;
            est = fmin(fmax(c0 + s * ((double)c[1] - c0), (double)lo), (double)hi);
        }
    }
    *rank = 1.0 + est;
    *rank_lo = 1 + lo;
    *rank_hi = 1 + hi;
    *percentile = t->n_models ? 100.0 * (1.0 + est) / (double)t->n_models : NAN;
}

/* ---- Small readers ------------------------------------------------------------------------ */

static int is(const cli_jv *v, cli_jv_type type)
{
    return v && v->type == type;
}

static int bad_file(const lasso_es *es, const char *what)
{
    return cli_fail("'%s' is no exhaustive search of 'sparsemi es': %s", es->path, what);
}

static int read_size(const cli_jv *v, size_t *out)
{
    unsigned long long x;
    if (cli_jv_uint(v, &x) < 0 || x > SIZE_MAX)
        return -1;
    *out = (size_t)x;
    return 0;
}

static double number_or_nan(const cli_jv *v)
{
    return is(v, CLI_JV_NUMBER) ? v->number : NAN;
}

static const char *string_or_null(const cli_jv *v)
{
    return is(v, CLI_JV_STRING) ? v->string : NULL;
}

/* ---- The request: criterion, settings, folds, sizes ---------------------------------------- */

static int read_folds(lasso_es *es, const cli_jv *f)
{
    lasso_criterion *c = &es->crit;
    if (c->criterion != SMI_CRIT_CV)
        return CLI_EXIT_OK;
    const cli_jv *seed = cli_jv_get(f, "seed");
    if (read_size(cli_jv_get(f, "k"), &c->n_folds) < 0 || c->n_folds < 2)
        return bad_file(es, "its criterion cv has no \"folds\" with a count \"k\"");
    c->fold_column = string_or_null(cli_jv_get(f, "column"));
    c->fold_shuffle = cli_jv_uint(seed, &c->fold_seed) == 0;
    if (!c->fold_column && !c->fold_shuffle && !is(seed, CLI_JV_NULL))
        return bad_file(es, "its folds have neither a seed nor a column");
    return CLI_EXIT_OK;
}

/* The settings the criterion uses, as es wrote them (es_json_request). */
static int read_settings(lasso_es *es, const cli_jv *q)
{
    lasso_criterion *c = &es->crit;
    const cli_jv *ng = cli_jv_get(q, "ng_prior"), *grid = cli_jv_get(q, "ratio_grid");
    c->fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                             .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    c->alpha = c->beta = NAN;
    if (c->criterion == SMI_CRIT_FE) {
        c->alpha = number_or_nan(cli_jv_get(q, "alpha"));
        c->beta = number_or_nan(cli_jv_get(q, "beta"));
        if (isnan(c->alpha) || isnan(c->beta))
            return bad_file(es, "its criterion fe has no \"alpha\" and \"beta\"");
    }
    if (es_uses_ng_prior(c->criterion)) {
        c->fe.ng_lambda = es_uses_ng_lambda(c->criterion) ? number_or_nan(cli_jv_get(ng, "lambda"))
                                                          : NAN;
        c->fe.ng_a0 = number_or_nan(cli_jv_get(ng, "a0"));
        c->fe.ng_b0 = number_or_nan(cli_jv_get(ng, "b0"));
        if (isnan(c->fe.ng_a0) || isnan(c->fe.ng_b0) ||
            (es_uses_ng_lambda(c->criterion) && isnan(c->fe.ng_lambda)))
            return bad_file(es, "no \"ng_prior\" for its criterion");
    }
    if (es_uses_ratio_grid(c->criterion)) {
        c->fe.ratio_lo = number_or_nan(cli_jv_get(grid, "lo"));
        c->fe.ratio_hi = number_or_nan(cli_jv_get(grid, "hi"));
        if (read_size(cli_jv_get(grid, "n"), &c->fe.ratio_n) < 0 || isnan(c->fe.ratio_lo) ||
            isnan(c->fe.ratio_hi))
            return bad_file(es, "no \"ratio_grid\" for its criterion");
    }
    return read_folds(es, cli_jv_get(q, "folds"));
}

static int read_request(lasso_es *es)
{
    const cli_jv *q = es->request, *crit = cli_jv_get(q, "criterion");
    const cli_jv *intercept = cli_jv_get(q, "fit_intercept");
    if (!is(crit, CLI_JV_STRING) || smi_criterion_from_name(crit->string, &es->crit.criterion) < 0)
        return bad_file(es, "no known \"criterion\"");
    if (!is(intercept, CLI_JV_BOOL))
        return bad_file(es, "no \"fit_intercept\"");
    if (!intercept->boolean)
        return cli_fail("'%s' is an exhaustive search without an intercept, and the LASSO fits "
                        "one: " LASSO_RERUN " without '--no-intercept'", es->path);
    if (read_size(cli_jv_get(q, "min_size"), &es->min_size) < 0 ||
        read_size(cli_jv_get(q, "max_size"), &es->max_size) < 0)
        return bad_file(es, "no \"min_size\" and \"max_size\"");
    if (!is(cli_jv_get(q, "keep"), CLI_JV_ARRAY) || !is(cli_jv_get(q, "features"), CLI_JV_ARRAY))
        return bad_file(es, "no \"features\" and \"keep\"");
    return read_settings(es, q);
}

/* ---- The two forms ------------------------------------------------------------------------- */

/* A whole search: every shard of it (or none, for a search not split). */
static int check_whole(const lasso_es *es, const cli_jv *shard)
{
    size_t count;
    const cli_jv *indices = cli_jv_get(shard, "indices");
    if (!shard || is(shard, CLI_JV_NULL))
        return CLI_EXIT_OK;
    if (read_size(cli_jv_get(shard, "count"), &count) == 0 && is(indices, CLI_JV_ARRAY) &&
        indices->count == count)
        return CLI_EXIT_OK;
    return cli_fail("'%s' holds %s shards of a search, not all of it: merge them with "
                    "'sparsemi merge' first", es->path,
                    is(indices, CLI_JV_ARRAY) ? "some" : "the");
}

static int read_result(lasso_es *es)
{
    char *meta = es_meta_path(es->path);
    if (!meta)
        return cli_fail("out of memory");
    int missing = access(meta, F_OK) != 0;
    if (missing)
        cli_fail("'%s' is a result of 'sparsemi es --save' without its sidecar '%s', which "
                 "names its features and the settings of its criterion: save the search again",
                 es->path, meta);
    free(meta);
    if (missing)
        return CLI_EXIT_INPUT;
    es_part part;
    int rc = es_part_read(&part, es->path);
    es->root = part.meta;
    part.meta = NULL;
    es->request = part.request;
    if (rc == CLI_EXIT_OK && part.n_shards != part.shard_count)
        rc = cli_fail("'%s' holds %zu of the %zu shards of a search, not all of it: merge "
                      "them with 'sparsemi merge --save' first", es->path, part.n_shards,
                      part.shard_count);
    es_part_free(&part);
    int status = rc == CLI_EXIT_OK ? smi_search_result_load(&es->res, es->path) : SMI_OK;
    if (status < 0)
        return cli_fail_library(status);
    if (rc == CLI_EXIT_OK)
        es->n_models = smi_search_result_n_models(es->res);
    return rc;
}

/* The DOS and the kept models' values of the JSON. */
static int read_table(lasso_es *es)
{
    lasso_dos_table *t = &es->table;
    const cli_jv *dos = cli_jv_get(es->root, "dos"), *models = cli_jv_get(es->root, "models");
    const cli_jv *edges = cli_jv_get(dos, "edges"), *counts = cli_jv_get(dos, "counts");
    unsigned long long n, below = 0, above = 0;
    if (!is(edges, CLI_JV_ARRAY) || !is(counts, CLI_JV_ARRAY) || edges->count < 2 ||
        counts->count + 1 != edges->count || !is(models, CLI_JV_ARRAY) ||
        cli_jv_uint(cli_jv_get(es->root, "n_models"), &n) < 0 ||
        (cli_jv_get(dos, "below") && cli_jv_uint(cli_jv_get(dos, "below"), &below) < 0) ||
        (cli_jv_get(dos, "above") && cli_jv_uint(cli_jv_get(dos, "above"), &above) < 0))
        return bad_file(es, "no \"n_models\", \"models\" and \"dos\" with \"edges\" and "
                        "\"counts\"");
    t->n_models = es->n_models = n, t->below = below, t->above = above;
    t->n_bins = counts->count;
    t->edges = malloc(edges->count * sizeof *t->edges);
    t->counts = malloc(counts->count * sizeof *t->counts);
    t->kept = malloc((models->count ? models->count : 1) * sizeof *t->kept);
    if (!t->edges || !t->counts || !t->kept)
        return cli_fail("out of memory");
    for (size_t b = 0; b < edges->count; b++) {
        t->edges[b] = number_or_nan(&edges->items[b]);
        if (!isfinite(t->edges[b]) || (b > 0 && !(t->edges[b] > t->edges[b - 1])))
            return bad_file(es, "its DOS edges are not increasing finite numbers");
    }
    for (size_t b = 0; b < counts->count; b++) {
        unsigned long long c;
        if (cli_jv_uint(&counts->items[b], &c) < 0)
            return bad_file(es, "its DOS counts are not whole numbers");
        t->counts[b] = c;
    }
    for (size_t k = 0; k < models->count; k++) {
        double v = number_or_nan(cli_jv_get(&models->items[k], "criterion"));
        if (!isfinite(v) || (k > 0 && v < t->kept[k - 1]))
            return bad_file(es, "its models' criteria are not finite numbers, best first");
        t->kept[t->n_top++] = v;
    }
    if (t->n_top > t->n_models)
        return bad_file(es, "more models than \"n_models\"");
    return CLI_EXIT_OK;
}

static int read_json(lasso_es *es)
{
    int rc = cli_json_read_file(es->path, &es->root);
    if (rc != CLI_EXIT_OK)
        return rc;
    const cli_jv *command = cli_jv_get(es->root, "command");
    if (!is(es->root, CLI_JV_OBJECT) || !is(command, CLI_JV_STRING) ||
        (strcmp(command->string, "es") != 0 && strcmp(command->string, "merge") != 0))
        return bad_file(es, "its \"command\" is not \"es\" or \"merge\"");
    es->request = es->root;
    rc = check_whole(es, cli_jv_get(es->root, "shard"));
    return rc == CLI_EXIT_OK ? read_table(es) : rc;
}

/* The form, from the first bytes: the library's magic line, or a JSON object. */
static int detect(const lasso_es *es, int *is_result)
{
    FILE *f = fopen(es->path, "rb");
    if (!f)
        return cli_fail("cannot read '%s': %s", es->path, strerror(errno));
    char head[64] = { 0 };
    size_t got = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    size_t k = 0;
    while (k < got && (head[k] == ' ' || head[k] == '\t' || head[k] == '\r' || head[k] == '\n'))
        k++;
    *is_result = strncmp(head, RESULT_MAGIC " ", sizeof RESULT_MAGIC) == 0;
    if (*is_result || (k < got && head[k] == '{'))
        return CLI_EXIT_OK;
    return cli_fail("'%s' is neither a result of 'sparsemi es --save' nor the JSON of "
                    "'sparsemi es --json'", es->path);
}

int lasso_es_read(lasso_es *es)
{
    es->best_size = SIZE_MAX;
    int rc = detect(es, &es->is_result);
    if (rc == CLI_EXIT_OK)
        rc = es->is_result ? read_result(es) : read_json(es);
    if (rc == CLI_EXIT_OK)
        rc = read_request(es);
    if (rc == CLI_EXIT_OK && es->is_result &&
        smi_search_result_criterion(es->res) != es->crit.criterion)
        rc = cli_fail("'%s' and its sidecar name different criteria", es->path);
    return rc;
}

void lasso_es_free(lasso_es *es)
{
    smi_search_result_free(es->res);
    cli_jv_free(es->root);
    free(es->table.kept);
    free(es->table.edges);
    free(es->table.counts);
    free(es->keep);
    free(es->best);
}
