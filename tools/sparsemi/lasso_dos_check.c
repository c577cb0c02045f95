/* `sparsemi lasso --on-dos ES`, after lasso_dos.c has read ES: the checks that the search
 * belongs to this run (the criterion options on the command line agree with it; it is a
 * search of this data set), and the ranks of the path's supports among its subsets. Every
 * mismatch is bad input (exit 1) with a message naming the file and both sides. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "lasso.h"
#include "sparsemi.h"

/* ---- The command line against the file -------------------------------------------------- */

static int not_for(const lasso_es *es, const char *option)
{
    return cli_fail("option '--%s' does not apply to the criterion '%s' of the exhaustive "
                    "search '%s', which --on-dos uses", option,
                    smi_criterion_name(es->crit.criterion), es->path);
}

static int differs(const lasso_es *es, const char *option, const char *given,
                   const char *theirs)
{
    return cli_fail("option '--%s' %s differs from the %s of the exhaustive search '%s': "
                    "leave the option out to take the file's, or rerun 'sparsemi es' with it",
                    option, given, theirs, es->path);
}

int lasso_es_check_args(const lasso_es *es, const lasso_args *a)
{
    const lasso_criterion *c = &es->crit;
    char given[96], theirs[160];
    if (a->criterion_given && a->criterion != c->criterion)
        return cli_fail("'%s' is an exhaustive search by criterion '%s', not '%s' as asked "
                        "(--criterion): leave out --criterion to take the file's, or rerun "
                        "'sparsemi es' with '--criterion %s'", es->path,
                        smi_criterion_name(c->criterion), smi_criterion_name(a->criterion),
                        smi_criterion_name(a->criterion));
    if (a->fe_hyper_text && c->criterion != SMI_CRIT_FE)
        return not_for(es, "fe-hyper");
    if (a->fe_hyper_text && (a->fe_alpha != c->alpha || a->fe_beta != c->beta)) {
        snprintf(given, sizeof given, "%.17g:%.17g", a->fe_alpha, a->fe_beta);
        snprintf(theirs, sizeof theirs, "alpha %.17g, beta %.17g", c->alpha, c->beta);
        return differs(es, "fe-hyper", given, theirs);
    }
    if (a->ng_prior_text && !es_uses_ng_prior(c->criterion))
        return not_for(es, "ng-prior");
    if (a->ng_prior_text && ((es_uses_ng_lambda(c->criterion) && a->fe.ng_lambda != c->fe.ng_lambda)
                             || a->fe.ng_a0 != c->fe.ng_a0 || a->fe.ng_b0 != c->fe.ng_b0)) {
        snprintf(given, sizeof given, "'%s'", a->ng_prior_text);
        snprintf(theirs, sizeof theirs, "normal-gamma prior lambda %.17g, a0 %.17g, b0 %.17g",
                 c->fe.ng_lambda, c->fe.ng_a0, c->fe.ng_b0);
        return differs(es, "ng-prior", given, theirs);
    }
    if (a->ratio_grid_text && !es_uses_ratio_grid(c->criterion))
        return not_for(es, "ratio-grid");
    if (a->ratio_grid_text && (a->fe.ratio_lo != c->fe.ratio_lo || a->fe.ratio_hi != c->fe.ratio_hi
                               || a->fe.ratio_n != c->fe.ratio_n)) {
        snprintf(given, sizeof given, "'%s'", a->ratio_grid_text);
        snprintf(theirs, sizeof theirs, "ratio grid %.17g:%.17g:%zu", c->fe.ratio_lo,
                 c->fe.ratio_hi, c->fe.ratio_n);
        return differs(es, "ratio-grid", given, theirs);
    }
    return CLI_EXIT_OK;
}

/* ---- The data against the file ------------------------------------------------------------ */

static size_t index_of(const lasso_report *r, const char *name)
{
    for (size_t j = 0; j < r->p; j++)
        if (strcmp(r->names[j], name) == 0)
            return j;
    return SIZE_MAX;
}

/* Names (an array of strings) as ascending indices into the data set; -1 for one unknown. */
static int indices_of(const lasso_report *r, const cli_jv *list, size_t **out, size_t *count)
{
    *count = 0;
    *out = malloc((list->count ? list->count : 1) * sizeof **out);
    if (!*out)
        return -1;
    for (size_t k = 0; k < list->count; k++) {
        const cli_jv *v = &list->items[k];
        size_t j = v->type == CLI_JV_STRING ? index_of(r, v->string) : SIZE_MAX;
        if (j == SIZE_MAX)
            return -1;
        size_t at = k; /* insertion sort: a handful of names */
        for (; at > 0 && (*out)[at - 1] > j; at--)
            (*out)[at] = (*out)[at - 1];
        (*out)[at] = j;
        (*count)++;
    }
    return 0;
}

static int same_features(const lasso_report *r, const cli_jv *list)
{
    if (!list || list->type != CLI_JV_ARRAY || list->count != r->p)
        return 0;
    for (size_t j = 0; j < r->p; j++)
        if (list->items[j].type != CLI_JV_STRING || strcmp(list->items[j].string, r->names[j]))
            return 0;
    return 1;
}

/* The sidecar's fingerprint: es took it on the data set with the criterion's folds. */
static int same_data(const lasso_es *es, const smi_dataset *ds, const cli_folds *folds)
{
    const cli_jv *hash = cli_jv_get(es->request, "data_hash");
    char ours[17];
    if (!es->is_result)
        return CLI_EXIT_OK; /* the JSON has none */
    int rc = es_data_hash(ds, folds, ours);
    if (rc == CLI_EXIT_OK && (!hash || hash->type != CLI_JV_STRING || strcmp(hash->string, ours)))
        rc = cli_fail("'%s' is an exhaustive search of other data (the same columns, other "
                      "values%s): " LASSO_RERUN, es->path,
                      es->crit.criterion == SMI_CRIT_CV ? ", or other folds" : "");
    return rc;
}

/* The best model: the result's first, or the JSON's first of "models". */
static int read_best(lasso_es *es, const lasso_report *r)
{
    if (es->is_result) {
        if (smi_search_result_n_top(es->res) == 0)
            return CLI_EXIT_OK;
        es->best = malloc((r->p ? r->p : 1) * sizeof *es->best);
        if (!es->best)
            return cli_fail("out of memory");
        int status = smi_search_result_model(es->res, 0, r->p, es->best, NULL, &es->best_size,
                                      &es->best_criterion, NULL, NULL);
        return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
    }
    const cli_jv *models = cli_jv_get(es->root, "models");
    if (models->count == 0)
        return CLI_EXIT_OK;
    const cli_jv *f = cli_jv_get(&models->items[0], "features");
    if (!f || f->type != CLI_JV_ARRAY || indices_of(r, f, &es->best, &es->best_size) < 0) {
        es->best_size = SIZE_MAX;
        return cli_fail("'%s': its best model names a feature the data set lacks", es->path);
    }
    es->best_criterion = es->table.kept[0];
    return CLI_EXIT_OK;
}

int lasso_es_check_data(lasso_es *es, const lasso_report *r, const smi_dataset *ds,
                        const cli_folds *folds)
{
    const cli_jv *q = es->request, *target = cli_jv_get(q, "target");
    unsigned long long n;
    if (!target || target->type != CLI_JV_STRING || strcmp(target->string, r->target) != 0)
        return cli_fail("'%s' is an exhaustive search for the target '%s', not '%s': " LASSO_RERUN,
                        es->path, target && target->type == CLI_JV_STRING ? target->string : "?",
                        r->target);
    if (!same_features(r, cli_jv_get(q, "features")))
        return cli_fail("'%s' is an exhaustive search over other features (names or order): "
                        LASSO_RERUN " and the same '--features'", es->path);
    if (cli_jv_uint(cli_jv_get(q, "n_samples"), &n) < 0)
        return cli_fail("'%s' is no exhaustive search of 'sparsemi es': no \"n_samples\"",
                        es->path);
    if (n != r->n)
        return cli_fail("'%s' is an exhaustive search of %llu samples, not %zu: " LASSO_RERUN,
                        es->path, n, r->n);
    int rc = same_data(es, ds, folds);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (indices_of(r, cli_jv_get(q, "keep"), &es->keep, &es->n_keep) < 0)
        return cli_fail("'%s': its forced features are not features of the data", es->path);
    return read_best(es, r);
}

/* ---- Ranks ---------------------------------------------------------------------------------- */

static int contains(const lasso_support *s, size_t j)
{
    for (size_t t = 0; t < s->size; t++)
        if (s->features[t] == j)
            return 1;
    return 0;
}

/* Whether the search scored subsets like s: its size in range, every forced feature in. */
static int in_search(const lasso_es *es, const lasso_support *s)
{
    if (s->size < es->min_size || s->size > es->max_size)
        return 0;
    for (size_t k = 0; k < es->n_keep; k++)
        if (!contains(s, es->keep[k]))
            return 0;
    return 1;
}

static void rank_support(const lasso_es *es, lasso_support *s)
{
    s->in_search = in_search(es, s);
    if (s->singular || !isfinite(s->criterion))
        return;
    if (es->is_result)
        smi_search_result_rank(es->res, s->criterion, &s->rank, &s->rank_lo, &s->rank_hi,
                        &s->percentile);
    else
        lasso_dos_rank(&es->table, s->criterion, &s->rank, &s->rank_lo, &s->rank_hi,
                       &s->percentile);
    s->ranked = 1;
}

void lasso_es_rank(lasso_report *r)
{
    const lasso_es *es = &r->es;
    for (size_t i = 0; i < r->n_supports; i++) {
        lasso_support *s = &r->supports[i];
        rank_support(es, s);
        if (es->best_size == s->size &&
            memcmp(es->best, s->features, s->size * sizeof *s->features) == 0)
            r->es_best_on_path = i;
    }
}
