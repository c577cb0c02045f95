/* `sparsemi lasso --on-dos ES`: "LASSO on the DOS" (DESIGN.md 4.6). ES is a result file of
 * `sparsemi es --save` (or `sparsemi merge --save`), loaded with smi_search_result_load. The
 * file alone describes the search: its data's identity (smi_search_result_data) and its
 * configuration (smi_search_result_config), from which the criterion, its settings and its
 * folds are taken, so that a support's value is the value the search gave the same subset;
 * ranks come from smi_search_result_rank. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "lasso.h"
#include "sparsemi.h"

#define RESULT_MAGIC "libsparsemi-result"

/* The form, from the first bytes: the library's magic line, or (refused) a JSON object. */
static int detect(const lasso_es *es)
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
    if (strncmp(head, RESULT_MAGIC " ", sizeof RESULT_MAGIC) == 0)
        return CLI_EXIT_OK;
    if (k < got && head[k] == '{')
        return cli_fail("'%s' is a JSON report: --on-dos reads the result file of 'sparsemi es "
                        "--save FILE' (or 'sparsemi merge --save FILE'), which holds the "
                        "search's data identity, configuration and DOS", es->path);
    return cli_fail("'%s' is not a result of 'sparsemi es --save'", es->path);
}

/* The criterion's settings and folds, as merge reads them (es_saved.c). */
static int read_settings(lasso_es *es)
{
    es_report q = { 0 };
    int rc = es_report_from_result(&q, es->res);
    lasso_criterion *c = &es->crit;
    c->alpha = q.alpha, c->beta = q.beta, c->fe = q.fe;
    c->fe.model_prior = -1, c->fe.prior_q = NAN;
    c->n_folds = q.n_folds;
    c->fold_shuffle = q.fold_shuffle;
    c->fold_seed = q.fold_seed;
    es->fold_ids = q.fold_column != NULL;
    es_report_free(&q);
    return rc;
}

/* The sizes and forced features the search scored. */
static int read_space(lasso_es *es, const smi_search *cfg)
{
    size_t p = smi_search_result_p(es->res), min_size = 0, max_size = 0;
    smi_search_get_size_range(cfg, &min_size, &max_size);
    es->min_size = min_size;
    es->max_size = smi_search_result_max_size(es->res);
    es->keep = malloc((p ? p : 1) * sizeof *es->keep);
    if (!es->keep)
        return cli_fail("out of memory");
    int status = smi_search_get_keep(cfg, p, es->keep, &es->n_keep);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int read_request(lasso_es *es)
{
    const smi_search *cfg = smi_search_result_config(es->res);
    size_t index = 0, count = 1;
    int intercept = 1;
    if (!cfg || !smi_search_result_data(es->res))
        return cli_fail("'%s' does not record its data and configuration: save the search "
                        "again with this version of 'sparsemi es --save'", es->path);
    smi_search_get_shard(cfg, &index, &count);
    if (count > 1)
        return cli_fail("'%s' holds shard %zu of the %zu shards of a search, not all of it: "
                        "merge them with 'sparsemi merge --save' first", es->path, index, count);
    smi_search_get_intercept(cfg, &intercept);
    if (!intercept)
        return cli_fail("'%s' is an exhaustive search without an intercept, and the LASSO fits "
                        "one: " LASSO_RERUN " without '--no-intercept'", es->path);
    es->crit.criterion = smi_search_result_criterion(es->res);
    es->n_models = smi_search_result_n_models(es->res);
    int rc = read_settings(es);
    return rc == CLI_EXIT_OK ? read_space(es, cfg) : rc;
}

int lasso_es_read(lasso_es *es)
{
    es->best_size = SIZE_MAX;
    int rc = detect(es);
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = smi_search_result_load(&es->res, es->path);
    if (status < 0)
        return cli_fail("'%s': %s", es->path, smi_last_error());
    return read_request(es);
}

void lasso_es_free(lasso_es *es)
{
    smi_search_result_free(es->res);
    free(es->keep);
    free(es->best);
}
