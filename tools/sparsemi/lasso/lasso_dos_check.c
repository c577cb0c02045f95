/* `sparsemi lasso --on-dos ES`, after lasso_dos.c has read ES: the checks that the search
 * belongs to this run (the criterion options on the command line agree with it; it is a
 * search of this data set), and the ranks of the path's supports among its subsets. Every
 * mismatch is bad input (exit 1) with a message naming the file and both sides. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
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
    if (a->ng_prior_text && !es_criterion_uses(c->criterion, SMI_CRITERION_NG_PRIOR))
        return not_for(es, "ng-prior");
    if (a->ng_prior_text && ((es_criterion_uses(c->criterion, SMI_CRITERION_NG_LAMBDA) && a->fe.ng_lambda != c->fe.ng_lambda)
                             || a->fe.ng_a0 != c->fe.ng_a0 || a->fe.ng_b0 != c->fe.ng_b0)) {
        snprintf(given, sizeof given, "'%s'", a->ng_prior_text);
        snprintf(theirs, sizeof theirs, "normal-gamma prior lambda %.17g, a0 %.17g, b0 %.17g",
                 c->fe.ng_lambda, c->fe.ng_a0, c->fe.ng_b0);
        return differs(es, "ng-prior", given, theirs);
    }
    if (a->ratio_grid_text && !es_criterion_uses(c->criterion, SMI_CRITERION_RATIO_GRID))
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

/* The search's data identity against the data set read for this run: the names first, for
 * a message that says what differs, then the library's fingerprint of the values. */
static int same_data(const lasso_es *es, const lasso_report *r, const smi_dataset *ds)
{
    const smi_data_id *id = smi_search_result_data(es->res);
    const char *target = smi_data_id_target_name(id);
    if (!target || strcmp(target, r->target) != 0)
        return cli_fail("'%s' is an exhaustive search for the target '%s', not '%s': " LASSO_RERUN,
                        es->path, target ? target : "?", r->target);
    int same = smi_data_id_p(id) == r->p;
    for (size_t j = 0; same && j < r->p; j++) {
        const char *name = smi_data_id_feature_name(id, j);
        same = name && strcmp(name, r->names[j]) == 0;
    }
    if (!same)
        return cli_fail("'%s' is an exhaustive search over other features (names or order): "
                        LASSO_RERUN " and the same '--features'", es->path);
    if (smi_data_id_n(id) != r->n)
        return cli_fail("'%s' is an exhaustive search of %zu samples, not %zu: " LASSO_RERUN,
                        es->path, smi_data_id_n(id), r->n);
    if (!smi_data_id_matches(id, ds))
        return cli_fail("'%s' is an exhaustive search of other data (the same columns, other "
                        "values: data fingerprint %016llx in the file, %016llx here): "
                        LASSO_RERUN, es->path, (unsigned long long)smi_data_id_fingerprint(id),
                        (unsigned long long)smi_data_id_fingerprint(smi_dataset_id(ds)));
    return CLI_EXIT_OK;
}

/* The best model: the result's first. */
static int read_best(lasso_es *es, const lasso_report *r)
{
    if (smi_search_result_n_top(es->res) == 0)
        return CLI_EXIT_OK;
    es->best = malloc((r->p ? r->p : 1) * sizeof *es->best);
    if (!es->best)
        return cli_fail("out of memory");
    int status = smi_search_result_model(es->res, 0, r->p, es->best, NULL, &es->best_size,
                                         &es->best_criterion, NULL, NULL);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

int lasso_es_check_data(lasso_es *es, const lasso_report *r, const smi_dataset *ds)
{
    int rc = same_data(es, r, ds);
    return rc == CLI_EXIT_OK ? read_best(es, r) : rc;
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
    smi_search_result_rank(es->res, s->criterion, &s->rank, &s->rank_lo, &s->rank_hi,
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
