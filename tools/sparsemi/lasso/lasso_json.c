/* `sparsemi lasso --json`: the whole report as one JSON object, features by name (the
 * schema is in doc/sparsemi.1): the request, the path (lambdas or knots, coefficients in
 * the data's units row by row, intercepts), the CV curve and choices, the supports with
 * their criterion and least-squares fit, and with --on-dos their ranks and the exhaustive
 * search's best model. */
#include <assert.h>
#include <math.h>
#include <stdint.h>

#include "cli.h"
#include "search_options.h"
#include "lasso.h"
#include "sparsemi.h"

/* A count where it applies, null where it does not. */
static void uint_if(cli_json *j, int applies, unsigned long long x)
{
    if (applies)
        cli_json_uint(j, x);
    else
        cli_json_null(j);
}

/* A support index, or null (SIZE_MAX). */
static void index_or_null(cli_json *j, size_t i)
{
    if (i == SIZE_MAX)
        cli_json_null(j);
    else
        cli_json_uint(j, i);
}

/* As es writes folds: k, the seed (null unless shuffled), the column (or null). */
static void folds(cli_json *j, size_t k, int shuffle, unsigned long long seed, const char *column)
{
    cli_json_begin_object(j);
    cli_json_key(j, "k"), cli_json_uint(j, k);
    cli_json_key(j, "seed");
    if (shuffle)
        cli_json_uint(j, seed);
    else
        cli_json_null(j);
    cli_json_key(j, "column"), cli_json_string(j, column);
    cli_json_end_object(j);
}

/* The criterion and the settings it uses, with es's member names; null where unused. */
static void criterion(cli_json *j, const lasso_criterion *c)
{
    cli_json_begin_object(j);
    cli_json_key(j, "name"), cli_json_string(j, smi_criterion_name(c->criterion));
    cli_json_key(j, "alpha"), cli_json_number(j, c->alpha);
    cli_json_key(j, "beta"), cli_json_number(j, c->beta);
    cli_json_key(j, "ng_prior");
    if (isnan(c->fe.ng_a0))
        cli_json_null(j);
    else
        es_json_ng_prior(j, &c->fe);
    cli_json_key(j, "ratio_grid");
    if (c->fe.ratio_n == 0)
        cli_json_null(j);
    else
        es_json_ratio_grid(j, &c->fe);
    cli_json_key(j, "folds");
    if (c->criterion == SMI_CRIT_CV)
        folds(j, c->n_folds, c->fold_shuffle, c->fold_seed, c->fold_column);
    else
        cli_json_null(j);
    cli_json_end_object(j);
}

static void request(cli_json *j, const lasso_report *r)
{
    int cd = r->path == LASSO_PATH_CD;
    cli_json_key(j, "file"), cli_json_string(j, r->data_path);
    cli_json_key(j, "target"), cli_json_string(j, r->target);
    cli_json_key(j, "n_samples"), cli_json_uint(j, r->n);
    cli_json_key(j, "n_features"), cli_json_uint(j, r->p);
    cli_json_key(j, "features"), cli_json_begin_array(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_string(j, r->names[col]);
    cli_json_end_array(j);
    cli_json_key(j, "path"), cli_json_string(j, lasso_path_name(r->path));
    cli_json_key(j, "alpha"), cli_json_number(j, r->alpha); /* null for LARS; old name */
    cli_json_key(j, "l1_ratio"), cli_json_number(j, r->alpha);
    cli_json_key(j, "positive"), cli_json_bool(j, r->positive);
    cli_json_key(j, "penalty_factors");
    if (!r->factors) {
        cli_json_null(j);
    } else {
        cli_json_begin_object(j);
        for (size_t col = 0; col < r->p; col++)
            cli_json_key(j, r->names[col]), cli_json_number(j, r->factors[col]);
        cli_json_end_object(j);
    }
    cli_json_key(j, "n_lambdas"), uint_if(j, cd, r->n_lambdas);
    cli_json_key(j, "lambda_min_ratio"), cli_json_number(j, r->min_ratio);
    cli_json_key(j, "tol"), cli_json_number(j, r->tol);
    cli_json_key(j, "max_passes"), uint_if(j, cd, r->max_passes);
    cli_json_key(j, "max_steps"), uint_if(j, !cd, r->max_steps);
    cli_json_key(j, "threads"), cli_json_uint(j, r->threads);
    cli_json_key(j, "criterion"), criterion(j, &r->crit);
}

static void path(cli_json *j, const lasso_report *r)
{
    if (r->path != LASSO_PATH_CD)
        cli_json_key(j, "lars_status"),
            cli_json_string(j, r->lars_status == SMI_ESINGULAR ? "singular" : "complete");
    cli_json_key(j, "lambdas"), cli_json_numbers(j, r->lambdas, r->L);
    cli_json_key(j, "coefficients"), cli_json_begin_array(j);
    for (size_t k = 0; k < r->L; k++)
        cli_json_numbers(j, r->coef + k * r->p, r->p);
    cli_json_end_array(j);
    cli_json_key(j, "intercepts"), cli_json_numbers(j, r->intercepts, r->L);
}

static void cv(cli_json *j, const lasso_report *r)
{
    if (!r->has_cv) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_key(j, "folds"), folds(j, r->cv_k, r->cv_shuffle, r->cv_seed, r->cv_column);
    cli_json_key(j, "mean"), cli_json_numbers(j, r->cv_mean, r->L);
    cli_json_key(j, "se"), cli_json_numbers(j, r->cv_se, r->L);
    cli_json_key(j, "rmse"), cli_json_begin_array(j); /* sqrt(mean): in y's units */
    for (size_t k = 0; k < r->L; k++)
        cli_json_number(j, sqrt(r->cv_mean[k]));
    cli_json_end_array(j);
    cli_json_key(j, "lambda_min"), cli_json_number(j, r->lambdas[r->index_min]);
    cli_json_key(j, "lambda_1se"), cli_json_number(j, r->lambdas[r->index_1se]);
    cli_json_key(j, "index_min"), cli_json_uint(j, r->index_min);
    cli_json_key(j, "index_1se"), cli_json_uint(j, r->index_1se);
    cli_json_key(j, "support_min"), index_or_null(j, r->support_min);
    cli_json_key(j, "support_1se"), index_or_null(j, r->support_1se);
    cli_json_end_object(j);
}

static void support(cli_json *j, const lasso_report *r, const lasso_support *s)
{
    cli_json_begin_object(j);
    cli_json_key(j, "penalty"), cli_json_number(j, s->penalty);
    cli_json_key(j, "size"), cli_json_uint(j, s->size);
    cli_json_key(j, "features"), cli_json_names(j, r->names, s->features, s->size);
    cli_json_key(j, "criterion"), cli_json_number(j, s->criterion); /* null when singular */
    cli_json_key(j, "singular"), cli_json_bool(j, s->singular);
    cli_json_key(j, "intercept"), cli_json_number(j, s->intercept);
    cli_json_key(j, "coefficients"), cli_json_begin_object(j);
    for (size_t t = 0; t < s->size; t++)
        cli_json_key(j, r->names[s->features[t]]), cli_json_number(j, s->coef[t]);
    cli_json_end_object(j);
    cli_json_end_object(j);
}

static void hybrid_best(cli_json *j, const lasso_report *r)
{
    if (r->best == SIZE_MAX) {
        cli_json_null(j);
        return;
    }
    const lasso_support *s = &r->supports[r->best];
    cli_json_begin_object(j);
    cli_json_key(j, "index"), cli_json_uint(j, r->best);
    cli_json_key(j, "penalty"), cli_json_number(j, s->penalty);
    cli_json_key(j, "features"), cli_json_names(j, r->names, s->features, s->size);
    cli_json_key(j, "criterion"), cli_json_number(j, s->criterion);
    cli_json_end_object(j);
}

/* Ranks are null for a support that could not be scored. */
static void on_dos(cli_json *j, const lasso_report *r)
{
    cli_json_begin_array(j);
    for (size_t i = 0; i < r->n_supports; i++) {
        const lasso_support *s = &r->supports[i];
        cli_json_begin_object(j);
        cli_json_key(j, "lambda"), cli_json_number(j, s->penalty);
        cli_json_key(j, "features"), cli_json_names(j, r->names, s->features, s->size);
        cli_json_key(j, "criterion"), cli_json_number(j, s->criterion);
        cli_json_key(j, "rank"), cli_json_number(j, s->ranked ? s->rank : NAN);
        cli_json_key(j, "rank_lo"), uint_if(j, s->ranked, s->rank_lo);
        cli_json_key(j, "rank_hi"), uint_if(j, s->ranked, s->rank_hi);
        cli_json_key(j, "exact"), cli_json_bool(j, s->ranked && s->rank_lo == s->rank_hi);
        cli_json_key(j, "percentile"), cli_json_number(j, s->ranked ? s->percentile : NAN);
        cli_json_key(j, "in_search"), cli_json_bool(j, s->in_search);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void exhaustive(cli_json *j, const lasso_report *r)
{
    const lasso_es *es = &r->es;
    cli_json_begin_object(j);
    cli_json_key(j, "file"), cli_json_string(j, es->path);
    cli_json_key(j, "format"), cli_json_string(j, "result");
    cli_json_key(j, "n_models"), cli_json_uint(j, es->n_models);
    cli_json_key(j, "min_size"), cli_json_uint(j, es->min_size);
    cli_json_key(j, "max_size"), cli_json_uint(j, es->max_size);
    cli_json_key(j, "keep"), cli_json_names(j, r->names, es->keep, es->n_keep);
    cli_json_key(j, "best");
    if (es->best_size == SIZE_MAX) {
        cli_json_null(j);
    } else {
        cli_json_begin_object(j);
        cli_json_key(j, "features"), cli_json_names(j, r->names, es->best, es->best_size);
        cli_json_key(j, "criterion"), cli_json_number(j, es->best_criterion);
        cli_json_key(j, "support"), index_or_null(j, r->es_best_on_path);
        cli_json_end_object(j);
    }
    cli_json_key(j, "path_best");
    if (r->best == SIZE_MAX) {
        cli_json_null(j);
    } else {
        const lasso_support *s = &r->supports[r->best];
        cli_json_begin_object(j);
        cli_json_key(j, "support"), cli_json_uint(j, r->best);
        cli_json_key(j, "criterion"), cli_json_number(j, s->criterion);
        cli_json_key(j, "rank"), cli_json_number(j, s->rank);
        cli_json_key(j, "percentile"), cli_json_number(j, s->percentile);
        cli_json_key(j, "gap"), cli_json_number(j, es->best_size == SIZE_MAX
                                                        ? NAN : s->criterion - es->best_criterion);
        cli_json_end_object(j);
    }
    cli_json_end_object(j);
}

void lasso_write_json(FILE *out, const lasso_report *r)
{
    cli_json j;
    cli_json_begin_report(&j, out, "lasso");
    request(&j, r);
    path(&j, r);
    cli_json_key(&j, "cv"), cv(&j, r);
    cli_json_key(&j, "supports"), cli_json_begin_array(&j);
    for (size_t i = 0; i < r->n_supports; i++)
        support(&j, r, &r->supports[i]);
    cli_json_end_array(&j);
    cli_json_key(&j, "hybrid_best"), hybrid_best(&j, r);
    cli_json_key(&j, "on_dos");
    if (r->has_es)
        on_dos(&j, r);
    else
        cli_json_null(&j);
    cli_json_key(&j, "exhaustive");
    if (r->has_es)
        exhaustive(&j, r);
    else
        cli_json_null(&j);
    cli_json_key(&j, "elapsed_s"), cli_json_number(&j, r->elapsed_s);
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "lasso_write_json opens and closes the same containers");
    (void)balanced;
}
