/* `sparsemi remc --json`: the whole report as one JSON object, features by name (the
 * schema is in doc/sparsemi.1); and `--exact ES.json`: the JSON of `sparsemi es` read back
 * and checked against the request, so that the two densities of states compare. */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "remc.h"
#include "sparsemi.h"

/* As es writes them: null unless the criterion is cv; the seed null unless the folds were
 * shuffled. */
static void folds(cli_json *j, const remc_report *r)
{
    if (r->n_folds == 0) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_key(j, "k"), cli_json_uint(j, r->n_folds);
    cli_json_key(j, "seed");
    if (r->fold_shuffle)
        cli_json_uint(j, r->fold_seed);
    else
        cli_json_null(j);
    cli_json_key(j, "column"), cli_json_string(j, r->fold_column);
    cli_json_end_object(j);
}

/* The members that describe the run: those of es (es_json_request) that apply, then the
 * sampler's settings. */
static void request(cli_json *j, const remc_report *r)
{
    cli_json_key(j, "file"), cli_json_string(j, r->data_path);
    cli_json_key(j, "criterion"), cli_json_string(j, smi_criterion_name(r->criterion));
    cli_json_key(j, "n_samples"), cli_json_uint(j, r->n);
    cli_json_key(j, "n_features"), cli_json_uint(j, r->p);
    cli_json_key(j, "features"), cli_json_begin_array(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_string(j, r->names[col]);
    cli_json_end_array(j);
    cli_json_key(j, "target"), cli_json_string(j, r->target);
    cli_json_key(j, "fit_intercept"), cli_json_bool(j, r->intercept);
    cli_json_key(j, "min_size"), cli_json_uint(j, r->min_size);
    cli_json_key(j, "max_size"), cli_json_uint(j, r->max_size);
    cli_json_key(j, "keep"), cli_json_names(j, r->names, r->keep, r->n_keep);
    cli_json_key(j, "alpha"), cli_json_number(j, r->alpha); /* NaN -> null: not fe */
    cli_json_key(j, "beta"), cli_json_number(j, r->beta);
    if (!isnan(r->fe.ng_a0))
        cli_json_key(j, "ng_prior"), es_json_ng_prior(j, &r->fe);
    if (!isnan(r->fe.ratio_lo))
        cli_json_key(j, "ratio_grid"), es_json_ratio_grid(j, &r->fe);
    cli_json_key(j, "folds"), folds(j, r);
    cli_json_key(j, "replicas"), cli_json_uint(j, r->R);
    cli_json_key(j, "beta_max"), cli_json_number(j, r->beta_max); /* null with --ladder */
    cli_json_key(j, "sweeps"), cli_json_uint(j, r->sweeps);
    cli_json_key(j, "burn_in"), cli_json_uint(j, r->burn_in);
    cli_json_key(j, "tune"), cli_json_bool(j, r->tune);
    cli_json_key(j, "seed"), cli_json_uint(j, r->seed);
    cli_json_key(j, "threads"), cli_json_uint(j, r->threads);
    cli_json_key(j, "top"), cli_json_uint(j, r->top_requested);
    cli_json_key(j, "bins");
    if (r->bins_requested)
        cli_json_uint(j, r->bins_requested);
    else
        cli_json_null(j); /* the bins of --exact */
}

static void dos(cli_json *j, const remc_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "edges"), cli_json_numbers(j, r->edges, r->n_bins + 1);
    cli_json_key(j, "counts"), cli_json_begin_array(j);
    for (size_t b = 0; b < r->n_bins; b++)
        cli_json_number(j, remc_count(r, b));
    cli_json_end_array(j);
    cli_json_key(j, "errors"), cli_json_numbers(j, r->errors, r->n_bins);
    cli_json_key(j, "log_counts"), cli_json_numbers(j, r->log_counts, r->n_bins);
    cli_json_end_object(j);
}

static void models(cli_json *j, const remc_report *r)
{
    cli_json_begin_array(j);
    for (size_t k = 0; k < r->n_top; k++) {
        const remc_model *m = &r->top[k];
        cli_json_begin_object(j);
        cli_json_key(j, "rank"), cli_json_uint(j, k + 1);
        cli_json_key(j, "size"), cli_json_uint(j, m->size);
        cli_json_key(j, "features"), cli_json_names(j, r->names, m->features, m->size);
        cli_json_key(j, "criterion"), cli_json_number(j, m->criterion);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void exact(cli_json *j, const remc_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "file"), cli_json_string(j, r->exact.path);
    cli_json_key(j, "n_models"), cli_json_uint(j, r->exact.n_models);
    cli_json_key(j, "counts"), cli_json_begin_array(j);
    for (size_t b = 0; b < r->exact.n_bins; b++)
        cli_json_uint(j, r->exact.counts[b]);
    cli_json_end_array(j);
    cli_json_key(j, "min_fraction"), cli_json_number(j, REMC_EXACT_MIN_FRACTION);
    cli_json_key(j, "compared_bins"), cli_json_uint(j, r->compared_bins);
    cli_json_key(j, "max_abs_log_error"), cli_json_number(j, r->max_abs_log_error);
    cli_json_key(j, "best_found"), cli_json_bool(j, r->best_found);
    cli_json_end_object(j);
}

void remc_write_json(FILE *out, const remc_report *r)
{
    cli_json j;
    cli_json_begin_report(&j, out, "remc");
    request(&j, r);
    cli_json_key(&j, "n_states"), cli_json_number(&j, r->n_states);
    cli_json_key(&j, "n_proposals"), cli_json_uint(&j, r->n_proposals);
    cli_json_key(&j, "ladder"), cli_json_numbers(&j, r->ladder, r->R);
    cli_json_key(&j, "acceptance"), cli_json_numbers(&j, r->acceptance, r->R);
    cli_json_key(&j, "exchange_rates"), cli_json_numbers(&j, r->exchange, r->R ? r->R - 1 : 0);
    cli_json_key(&j, "dos"), dos(&j, r);
    cli_json_key(&j, "models"), models(&j, r);
    if (r->has_inclusion) {
        cli_json_key(&j, "posterior_inclusion"), cli_json_begin_object(&j);
        for (size_t col = 0; col < r->p; col++)
            cli_json_key(&j, r->names[col]), cli_json_number(&j, r->inclusion[col]);
        cli_json_end_object(&j);
    }
    if (r->has_exact)
        cli_json_key(&j, "exact"), exact(&j, r);
    cli_json_key(&j, "elapsed_s"), cli_json_number(&j, r->elapsed_s);
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "remc_write_json opens and closes the same containers");
    (void)balanced;
}

/* ---- --exact: the JSON of sparsemi es ---------------------------------------------------- */

/* The advice that ends every mismatch message. */
#define RERUN "run 'sparsemi es' on the same data with the same options"

static int bad_file(const remc_report *r, const char *what)
{
    return cli_fail("'%s' is no result of 'sparsemi es --json': %s", r->exact.path, what);
}

static int string_is(const cli_jv *v, const char *s)
{
    return v && v->type == CLI_JV_STRING && s && strcmp(v->string, s) == 0;
}

static int size_is(const cli_jv *v, size_t want)
{
    unsigned long long x;
    return cli_jv_uint(v, &x) == 0 && x == want;
}

/* A name of the data set, by name; SIZE_MAX when it has none such. */
static size_t index_of(const remc_report *r, const char *name)
{
    for (size_t j = 0; j < r->p; j++)
        if (strcmp(r->names[j], name) == 0)
            return j;
    return SIZE_MAX;
}

/* An array of feature names equal to the given indices. */
static int names_are(const remc_report *r, const cli_jv *v, const size_t *features, size_t count)
{
    if (!v || v->type != CLI_JV_ARRAY || v->count != count)
        return 0;
    for (size_t k = 0; k < count; k++)
        if (!string_is(&v->items[k], r->names[features[k]]))
            return 0;
    return 1;
}

static int number_is(const cli_jv *v, double want)
{
    return v && v->type == CLI_JV_NUMBER && v->number == want;
}

/* Folds for people: "5 folds shuffled with seed 3", "5 unshuffled folds", "5 folds from
 * column 'g'". */
static void fold_text(char *buf, size_t cap, unsigned long long k, int shuffled,
                      unsigned long long seed, const char *column)
{
    if (column)
        snprintf(buf, cap, "%llu folds from column '%s'", k, column);
    else if (shuffled)
        snprintf(buf, cap, "%llu folds shuffled with seed %llu", k, seed);
    else
        snprintf(buf, cap, "%llu unshuffled folds", k);
}

/* The same for the "folds" of an es JSON (v NULL when it has none). */
static void file_fold_text(char *buf, size_t cap, const cli_jv *v)
{
    if (!v || v->type != CLI_JV_OBJECT) {
        snprintf(buf, cap, "no folds");
        return;
    }
    unsigned long long k, seed = 0;
    const cli_jv *c = cli_jv_get(v, "column");
    if (cli_jv_uint(cli_jv_get(v, "k"), &k) < 0)
        k = 0;
    int shuffled = cli_jv_uint(cli_jv_get(v, "seed"), &seed) == 0;
    fold_text(buf, cap, k, shuffled, seed, c && c->type == CLI_JV_STRING ? c->string : NULL);
}

/* cv: the same folds (number, and seed or column); null for the other criteria. */
static int same_folds(const remc_report *r, const cli_jv *v)
{
    if (r->n_folds == 0)
        return 1;
    if (!v || v->type != CLI_JV_OBJECT || !size_is(cli_jv_get(v, "k"), r->n_folds))
        return 0;
    const cli_jv *seed = cli_jv_get(v, "seed"), *column = cli_jv_get(v, "column");
    if (r->fold_column)
        return string_is(column, r->fold_column);
    if (!column || column->type != CLI_JV_NULL)
        return 0;
    unsigned long long s;
    if (r->fold_shuffle)
        return cli_jv_uint(seed, &s) == 0 && s == r->fold_seed;
    return seed && seed->type == CLI_JV_NULL;
}

/* The request: the same problem, or a message naming the first difference. */
static int check_request(const remc_report *r, const cli_jv *root)
{
    const char *path = r->exact.path, *crit = smi_criterion_name(r->criterion);
    const cli_jv *v = cli_jv_get(root, "command");
    if (!string_is(v, "es") && !string_is(v, "merge"))
        return bad_file(r, "its \"command\" is not \"es\"");
    v = cli_jv_get(root, "shard");
    if (v && v->type != CLI_JV_NULL)
        return cli_fail("'%s' holds shards of a search, not all of it: merge them with "
                        "'sparsemi merge' first", path);
    v = cli_jv_get(root, "criterion");
    if (!string_is(v, crit))
        return cli_fail("'%s' is an exhaustive search by criterion '%s', not '%s' as asked: "
                        RERUN, path, v && v->type == CLI_JV_STRING ? v->string : "?", crit);
    v = cli_jv_get(root, "target");
    if (!string_is(v, r->target))
        return cli_fail("'%s' is an exhaustive search for the target '%s', not '%s': " RERUN,
                        path, v && v->type == CLI_JV_STRING ? v->string : "?", r->target);
    size_t *all = malloc((r->p ? r->p : 1) * sizeof *all);
    if (!all)
        return cli_fail("out of memory");
    for (size_t j = 0; j < r->p; j++)
        all[j] = j;
    int same = names_are(r, cli_jv_get(root, "features"), all, r->p);
    free(all);
    if (!same || !size_is(cli_jv_get(root, "n_samples"), r->n))
        return cli_fail("'%s' is an exhaustive search over other data (features or samples "
                        "differ): " RERUN, path);
    if (!size_is(cli_jv_get(root, "min_size"), r->min_size) ||
        !size_is(cli_jv_get(root, "max_size"), r->max_size))
        return cli_fail("'%s' is an exhaustive search over other model sizes (this run: %zu "
                        "to %zu): " RERUN, path, r->min_size, r->max_size);
    if (!names_are(r, cli_jv_get(root, "keep"), r->keep, r->n_keep))
        return cli_fail("'%s' is an exhaustive search with other forced features (--keep): "
                        RERUN, path);
    v = cli_jv_get(root, "fit_intercept");
    if (!v || v->type != CLI_JV_BOOL || v->boolean != r->intercept)
        return cli_fail("'%s' is an exhaustive search %s an intercept: " RERUN, path,
                        r->intercept ? "without" : "with");
    const cli_jv *ng = cli_jv_get(root, "ng_prior");
    if ((!isnan(r->alpha) && (!number_is(cli_jv_get(root, "alpha"), r->alpha) ||
                              !number_is(cli_jv_get(root, "beta"), r->beta))) ||
        (!isnan(r->fe.ng_a0) && ((!isnan(r->fe.ng_lambda)
                                  && !number_is(cli_jv_get(ng, "lambda"), r->fe.ng_lambda)) ||
                                 !number_is(cli_jv_get(ng, "a0"), r->fe.ng_a0) ||
                                 !number_is(cli_jv_get(ng, "b0"), r->fe.ng_b0))) ||
        (!isnan(r->fe.ratio_lo)
         && (!number_is(cli_jv_get(cli_jv_get(root, "ratio_grid"), "lo"), r->fe.ratio_lo) ||
             !number_is(cli_jv_get(cli_jv_get(root, "ratio_grid"), "hi"), r->fe.ratio_hi) ||
             !number_is(cli_jv_get(cli_jv_get(root, "ratio_grid"), "n"), (double)r->fe.ratio_n))))
        return cli_fail("'%s' is an exhaustive search with other hyperparameters of '%s': "
                        RERUN, path, crit);
    v = cli_jv_get(root, "folds");
    if (!same_folds(r, v)) {
        char theirs[160], ours[160];
        file_fold_text(theirs, sizeof theirs, v);
        fold_text(ours, sizeof ours, r->n_folds, r->fold_shuffle, r->fold_seed, r->fold_column);
        return cli_fail("'%s' is an exhaustive search with other folds (%s, not %s as asked): "
                        RERUN, path, theirs, ours);
    }
    return CLI_EXIT_OK;
}

/* The DOS: increasing finite edges, one count fewer, all whole numbers. */
static int read_dos(remc_report *r, const cli_jv *root)
{
    remc_exact *x = &r->exact;
    const cli_jv *dos = cli_jv_get(root, "dos");
    const cli_jv *edges = cli_jv_get(dos, "edges"), *counts = cli_jv_get(dos, "counts");
    if (!edges || edges->type != CLI_JV_ARRAY || edges->count < 2 || !counts ||
        counts->type != CLI_JV_ARRAY || counts->count + 1 != edges->count)
        return bad_file(r, "no \"dos\" with \"edges\" and one count fewer \"counts\"");
    x->n_bins = counts->count;
    x->edges = malloc(edges->count * sizeof *x->edges);
    x->counts = malloc(counts->count * sizeof *x->counts);
    if (!x->edges || !x->counts)
        return cli_fail("out of memory");
    for (size_t b = 0; b < edges->count; b++) {
        const cli_jv *e = &edges->items[b];
        if (e->type != CLI_JV_NUMBER || !isfinite(e->number) ||
            (b > 0 && !(e->number > x->edges[b - 1])))
            return bad_file(r, "its DOS edges are not increasing finite numbers");
        x->edges[b] = e->number;
    }
    for (size_t b = 0; b < counts->count; b++) {
        unsigned long long c;
        if (cli_jv_uint(&counts->items[b], &c) < 0)
            return bad_file(r, "its DOS counts are not whole numbers");
        x->counts[b] = c;
    }
    unsigned long long n_models;
    if (cli_jv_uint(cli_jv_get(root, "n_models"), &n_models) < 0)
        return bad_file(r, "no \"n_models\"");
    x->n_models = n_models;
    return CLI_EXIT_OK;
}

/* The best model's features, by name, as indices ascending (as the library gives them). */
static int read_best(remc_report *r, const cli_jv *root)
{
    remc_exact *x = &r->exact;
    const cli_jv *list = cli_jv_get(root, "models");
    x->best_size = SIZE_MAX;
    if (!list || list->type != CLI_JV_ARRAY)
        return bad_file(r, "no \"models\"");
    if (list->count == 0)
        return CLI_EXIT_OK;
    const cli_jv *f = cli_jv_get(&list->items[0], "features");
    if (!f || f->type != CLI_JV_ARRAY || f->count > r->p)
        return bad_file(r, "its best model has no list of \"features\"");
    x->best = malloc((f->count ? f->count : 1) * sizeof *x->best);
    if (!x->best)
        return cli_fail("out of memory");
    for (size_t k = 0; k < f->count; k++) {
        size_t j = f->items[k].type == CLI_JV_STRING ? index_of(r, f->items[k].string) : SIZE_MAX;
        if (j == SIZE_MAX)
            return bad_file(r, "its best model names a feature the data set lacks");
        /* insertion sort: a handful of features */
        size_t at = k;
        for (; at > 0 && x->best[at - 1] > j; at--)
            x->best[at] = x->best[at - 1];
        x->best[at] = j;
    }
    x->best_size = f->count;
    return CLI_EXIT_OK;
}

/* Whether the file begins with the library's magic line: a result file of `es --save`. */
static int is_result_file(const char *path)
{
    static const char magic[] = "libsparsemi-result ";
    char head[sizeof magic] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(head, 1, sizeof magic - 1, f);
    fclose(f);
    return got == sizeof magic - 1 && memcmp(head, magic, sizeof magic - 1) == 0;
}

int remc_read_exact(remc_report *r, const smi_dataset *ds)
{
    if (is_result_file(r->exact.path))
        return remc_read_exact_result(r, ds);
    cli_jv *root = NULL;
    int rc = cli_json_read_file(r->exact.path, &root);
    if (rc == CLI_EXIT_OK && (!root || root->type != CLI_JV_OBJECT))
        rc = bad_file(r, "not a JSON object");
    if (rc == CLI_EXIT_OK)
        rc = check_request(r, root);
    if (rc == CLI_EXIT_OK)
        rc = read_dos(r, root);
    if (rc == CLI_EXIT_OK)
        rc = read_best(r, root);
    cli_jv_free(root);
    return rc;
}
