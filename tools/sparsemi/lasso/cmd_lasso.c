/* sparsemi lasso: sparse paths (DESIGN.md 4.6): the LASSO or elastic-net path by coordinate
 * descent, optionally cross-validated, or the LARS path (lar or lasso variant); every
 * distinct support along it refitted by least squares and scored by an exhaustive-search
 * criterion (the smallest is the LARS-OLS hybrid's choice); and with --on-dos, each support
 * ranked among all subsets of an exhaustive search of the same data. This file turns the
 * parsed command line (lasso_args.c) into a data set and the library's configurations and
 * runs them; lasso_report.c, lasso_dos.c, lasso_json.c and lasso_plot.c do the rest.
 *
 * Folds serve three uses: the LASSO's CV (--cv K or --fold-column), the criterion cv (the
 * folds of --on-dos's search, taken from its saved configuration, or without it those of
 * the LASSO's CV). Each run gets its folds in its configuration; the data set keeps a fold
 * column as data only. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "lasso.h"
#include "sparsemi.h"

/* The outputs (cli_outputs). */
enum { OUT_JSON, OUT_PATH, OUT_CV };

/* The state of one run, freed together. */
typedef struct lasso_run {
    lasso_report r;
    cli_outputs o;
    smi_dataset *ds;
    smi_lasso_result *fit;
    smi_lars_result *lars;
    smi_search *scfg;
    smi_path_supports *supports;
    int *column_ids;           /* the ids of the fold column the data was read with, or NULL */
    cli_folds column;          /* its folds (k 0 without one) */
    cli_folds cv;              /* the folds of the LASSO's CV; k 0 without CV */
    cli_folds crit;            /* the folds of the criterion cv; k 0 for the others */
} lasso_run;

static int has_cv(const lasso_args *a)
{
    return a->path == LASSO_PATH_CD && (a->cv != ES_UNSET || a->fold_column);
}

static int open_outputs(const lasso_args *a, cli_outputs *o)
{
    static const char *const suffix[] = { NULL, "-path.svg", "-cv.svg" };
    int last = has_cv(a) ? OUT_CV : OUT_PATH;
    return cli_outputs_open(o, a->json, a->plot, suffix, last + 1);
}

static int write_outputs(const lasso_args *a, cli_outputs *o, const lasso_report *r)
{
    if (a->json)
        lasso_write_json(o->file[OUT_JSON].stream, r);
    if (o->file[OUT_PATH].stream)
        lasso_plot_path(o->file[OUT_PATH].stream, r);
    if (o->file[OUT_CV].stream)
        lasso_plot_cv(o->file[OUT_CV].stream, r);
    return cli_outputs_commit(o);
}

/* ---- The data and its folds ------------------------------------------------------------- */

/* A search that took its folds from a column of the data needs that column named again
 * (its saved configuration holds the fold ids, not the column's name): the column is then
 * no feature, as for es, and the data set matches the search's. */
static int fold_column_of_search(const lasso_args *a, lasso_run *s, const char **column)
{
    *column = a->fold_column;
    if (!s->r.has_es || !s->r.es.fold_ids)
        return CLI_EXIT_OK;
    if (!a->fold_column)
        return cli_fail("'%s' took the folds of cv from a column of the data: name it with "
                        "'--fold-column NAME'", s->r.es.path);
    s->r.es.crit.fold_column = a->fold_column;
    return CLI_EXIT_OK;
}

static int load(const lasso_args *a, lasso_run *s)
{
    const char *column;
    int rc = fold_column_of_search(a, s, &column);
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = cli_read_dataset(a->data, a->delimiter, a->target, a->label_column, column,
                                  &a->features, &s->ds);
    if (status == SMI_OK && column)
        status = cli_folds_column(s->ds, &s->column_ids, &s->column);
    if (status < 0)
        return cli_fail_library(status);
    const cli_data_request rq = { a->data, a->delimiter, a->target, a->label_column, column,
                                  &a->features };
    rc = cli_require_target("lasso", &rq, s->ds);
    if (rc != CLI_CONTINUE)
        return rc;
    if (a->cv != ES_UNSET)
        s->cv = cli_folds_kfold(a->cv, a->fold_shuffle, a->fold_seed);
    else if (has_cv(a))
        s->cv = s->column;
    return CLI_EXIT_OK;
}

/* The criterion's folds when it is the LASSO's own (no --on-dos: the search's are in its
 * saved configuration), none for the other criteria. */
static void criterion_folds(lasso_run *s)
{
    if (s->r.crit.criterion == SMI_CRIT_CV && !s->r.has_es)
        s->crit = s->cv;
    else
        s->crit = (cli_folds){ 0 };
}


/* The request fields of the report from the command line, the data set and its folds. */
static int describe(const lasso_args *a, lasso_run *s)
{
    const smi_dataset *ds = s->ds;
    lasso_report *r = &s->r;
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds);
    r->names = calloc(p ? p : 1, sizeof *r->names);
    r->sd = calloc(p ? p : 1, sizeof *r->sd);
    if (!r->names || !r->sd)
        return cli_fail("out of memory");
    for (size_t j = 0; j < p; j++) {
        r->names[j] = smi_dataset_feature_name(ds, j);
        smi_dataset_feature_stats(ds, j, NULL, &r->sd[j], NULL, NULL);
    }
    r->target = smi_dataset_target_name(ds);
    r->n = n;
    r->p = p;
    if (a->path == LASSO_PATH_CD)
        r->min_ratio = a->min_ratio; /* NaN: the library's rule, read off the path */
    r->has_cv = has_cv(a);
    if (r->has_cv) {
        r->cv_k = s->cv.k;
        r->cv_shuffle = !a->fold_column && a->fold_shuffle;
        r->cv_seed = a->fold_seed;
        r->cv_column = a->fold_column;
    }
    return CLI_EXIT_OK;
}

/* --penalty-factors by name; an unknown name is bad input, like an unknown --target. */
static int resolve_factors(const lasso_args *a, const smi_dataset *ds, lasso_report *r)
{
    if (a->n_factors == 0)
        return CLI_EXIT_OK;
    r->factors = malloc((r->p ? r->p : 1) * sizeof *r->factors);
    if (!r->factors)
        return cli_fail("out of memory");
    for (size_t j = 0; j < r->p; j++)
        r->factors[j] = 1.0;
    for (size_t k = 0; k < a->n_factors; k++) {
        size_t j;
        if (smi_dataset_feature_index(ds, a->factor_names[k], &j) < 0)
            return cli_fail("option '--penalty-factors': %s", smi_last_error());
        r->factors[j] = a->factors[k];
    }
    return CLI_EXIT_OK;
}

/* ---- The path --------------------------------------------------------------------------- */

/* A value the library refuses only with the data (every factor 0): a usage error that
 * carries its message and names the option, as in es. */
static int setter(int status, const char *option)
{
    return es_library_option("lasso", status, option);
}

static int configure_cd(const lasso_args *a, const lasso_report *r, smi_lasso *cfg)
{
    int rc = setter(smi_lasso_set_alpha(cfg, r->alpha), "l1-ratio");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_lasso_set_path(cfg, a->n_lambdas, isnan(r->min_ratio) ? 0.0
                                                                               : r->min_ratio),
                    "lambdas");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_lasso_set_positive(cfg, a->positive), "positive");
    if (rc == CLI_CONTINUE && r->factors)
        rc = setter(smi_lasso_set_penalty_factors(cfg, r->factors, r->p),
                    "penalty-factors");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_lasso_set_tolerance(cfg, a->tol, a->max_passes), "tol");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_lasso_set_threads(cfg, a->threads), "threads");
    return rc == CLI_CONTINUE ? CLI_EXIT_OK : rc;
}

/* The cross-validation on the folds load() chose (the library checks them against the
 * data when the run starts). */
static int configure_cv(const lasso_run *s, smi_lasso *cfg)
{
    if (!s->r.has_cv)
        return CLI_EXIT_OK;
    int status = smi_lasso_set_cv(cfg, 1);
    if (status == SMI_OK)
        status = cli_folds_set_lasso(&s->cv, s->r.n, cfg);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int fit_cd(const lasso_args *a, lasso_run *s)
{
    smi_lasso *cfg = NULL;
    if (smi_lasso_create(&cfg) < 0)
        return cli_fail_library(SMI_ENOMEM);
    int rc = configure_cd(a, &s->r, cfg);
    if (rc == CLI_EXIT_OK)
        rc = configure_cv(s, cfg);
    if (rc == CLI_EXIT_OK) {
        double start = cli_seconds();
        int status = smi_lasso_run(s->ds, cfg, &s->fit);
        s->r.elapsed_s = cli_seconds() - start;
        rc = status < 0 ? cli_fail_library(status) : lasso_report_collect_cd(&s->r, s->fit);
        if (rc == CLI_EXIT_OK && isnan(s->r.min_ratio) && s->r.L > 1)
            s->r.min_ratio = s->r.lambdas[s->r.L - 1] / s->r.lambdas[0];
    }
    smi_lasso_free(cfg);
    return rc;
}

/* lasso_args.c allows --positive with the lasso variant only. */
static int configure_lars(const lasso_args *a, smi_lars *cfg)
{
    int status = smi_lars_set_method(cfg, a->path == LASSO_PATH_LAR ? SMI_LARS_LAR
                                                                    : SMI_LARS_LASSO);
    if (status == SMI_OK)
        status = smi_lars_set_positive(cfg, a->positive);
    if (status == SMI_OK)
        status = smi_lars_set_max_steps(cfg, a->max_steps);
    return status;
}

static int fit_lars(const lasso_args *a, lasso_run *s)
{
    smi_lars *cfg = NULL;
    int status = smi_lars_create(&cfg);
    if (status == SMI_OK)
        status = configure_lars(a, cfg);
    double start = cli_seconds();
    if (status == SMI_OK)
        status = smi_lars_run(s->ds, cfg, &s->lars);
    s->r.elapsed_s = cli_seconds() - start;
    smi_lars_free(cfg);
    if (status < 0)
        return cli_fail_library(status);
    int rc = lasso_report_collect_lars(&s->r, s->lars);
    if (rc == CLI_EXIT_OK && s->r.lars_status == SMI_ESINGULAR && !a->quiet)
        fprintf(stderr, "sparsemi: note: the %s path stopped at alpha %.6g, where the next "
                "feature to enter is collinear with the active ones\n",
                a->path == LASSO_PATH_LAR ? "LARS" : "LASSO (LARS)", s->r.lambdas[s->r.L - 1]);
    return rc;
}

/* ---- The supports ------------------------------------------------------------------------ */

/* The criterion as asked, the LASSO's CV folds for cv; or as the search of --on-dos used it. */
static void resolve_criterion(const lasso_args *a, const smi_dataset *ds, lasso_report *r)
{
    if (r->has_es) {
        r->crit = r->es.crit;
        return;
    }
    r->crit = (lasso_criterion){ .criterion = a->criterion, .alpha = a->fe_alpha,
                                 .beta = a->fe_beta, .fe = a->fe,
                                 .hyper_given = !isnan(a->fe_alpha) };
    es_fe_hyper_used(a->criterion, ds, &r->crit.alpha, &r->crit.beta); /* for the report */
    if (a->criterion == SMI_CRIT_CV) {
        r->crit.n_folds = r->cv_k;
        r->crit.fold_shuffle = r->cv_shuffle;
        r->crit.fold_seed = r->cv_seed;
        r->crit.fold_column = r->cv_column;
    }
}

/* The settings come from the command line (checked there) or from the file: a value the
 * library refuses is then the file's, bad input. */
static int configure_search(const lasso_criterion *c, smi_search *cfg)
{
    int status = smi_search_set_criterion(cfg, c->criterion);
    if (status == SMI_OK && c->hyper_given)
        status = smi_search_set_fe_hyper(cfg, c->alpha, c->beta);
    if (status == SMI_OK && !isnan(c->fe.ng_a0))
        status = smi_search_set_normal_gamma(cfg, isnan(c->fe.ng_lambda)
                                                  ? cli_library_defaults()->ng_lambda
                                                  : c->fe.ng_lambda,
                                             c->fe.ng_a0, c->fe.ng_b0);
    if (status == SMI_OK && c->fe.ratio_n > 0)
        status = smi_search_set_ratio_grid(cfg, c->fe.ratio_lo, c->fe.ratio_hi, c->fe.ratio_n);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* The configuration that scores the supports: the --on-dos search's own (a copy of the
 * one saved with it), or one from the command line. */
static int scoring_config(lasso_run *s)
{
    if (s->r.has_es) {
        int status = smi_search_copy(&s->scfg, smi_search_result_config(s->r.es.res));
        return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
    }
    if (smi_search_create(&s->scfg) < 0)
        return cli_fail_library(SMI_ENOMEM);
    int rc = configure_search(&s->r.crit, s->scfg);
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = cli_folds_set_search(&s->crit, s->r.n, s->scfg);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int score_supports(const lasso_args *a, lasso_run *s)
{
    int rc = scoring_config(s);
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = a->path == LASSO_PATH_CD
                 ? smi_path_supports_from_lasso(s->ds, s->fit, s->scfg, &s->supports)
                 : smi_path_supports_from_lars(s->ds, s->lars, s->scfg, &s->supports);
    if (status < 0)
        return cli_fail_library(status);
    return lasso_report_collect_supports(&s->r, s->supports);
}

static lasso_report request(const lasso_args *a)
{
    int cd = a->path == LASSO_PATH_CD;
    return (lasso_report){
        .data_path = a->data, .path = a->path, .positive = a->positive,
        .alpha = cd ? (isnan(a->alpha) ? cli_library_defaults()->l1_ratio : a->alpha) : NAN,
        .n_lambdas = cd ? a->n_lambdas : 0, .min_ratio = NAN, .tol = cd ? a->tol : NAN,
        .max_passes = cd ? a->max_passes : 0, .threads = cd ? cli_threads_used(a->threads, 0) : 1,
        .max_steps = cd ? 0 : a->max_steps, .has_es = a->on_dos != NULL,
        .es = { .path = a->on_dos }, .best = SIZE_MAX, .support_min = SIZE_MAX,
        .support_1se = SIZE_MAX, .index_min = SIZE_MAX, .index_1se = SIZE_MAX,
        .es_best_on_path = SIZE_MAX };
}

static void run_free(lasso_run *s)
{
    cli_outputs_discard(&s->o);
    lasso_report_free(&s->r);
    smi_path_supports_free(s->supports);
    smi_search_free(s->scfg);
    smi_lasso_result_free(s->fit);
    smi_lars_result_free(s->lars);
    smi_dataset_free(s->ds);
    free(s->column_ids);
}

/* The file of --on-dos first: it may name the fold column the data must be read with. */
static int run(const lasso_args *a)
{
    lasso_run s = { .r = request(a) };
    int rc = open_outputs(a, &s.o);
    if (rc == CLI_EXIT_OK && s.r.has_es)
        rc = lasso_es_read(&s.r.es);
    if (rc == CLI_EXIT_OK && s.r.has_es)
        rc = lasso_es_check_args(&s.r.es, a);
    if (rc == CLI_EXIT_OK)
        rc = load(a, &s);
    if (rc == CLI_EXIT_OK)
        rc = describe(a, &s);
    if (rc == CLI_EXIT_OK)
        rc = resolve_factors(a, s.ds, &s.r);
    if (rc == CLI_EXIT_OK)
        rc = a->path == LASSO_PATH_CD ? fit_cd(a, &s) : fit_lars(a, &s);
    if (rc == CLI_EXIT_OK) {
        resolve_criterion(a, s.ds, &s.r);
        criterion_folds(&s);
    }
    if (rc == CLI_EXIT_OK && s.r.has_es)
        rc = lasso_es_check_data(&s.r.es, &s.r, s.ds);
    if (rc == CLI_EXIT_OK)
        rc = score_supports(a, &s);
    if (rc == CLI_EXIT_OK && s.r.has_es)
        lasso_es_rank(&s.r);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(a, &s.o, &s.r);
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        lasso_print_table(stdout, &s.r);
    run_free(&s);
    return rc;
}

int cmd_lasso(int argc, char **argv)
{
    lasso_args a;
    int rc = lasso_parse_args(&a, argc, argv);
    cli_announce_quiet(a.quiet);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    lasso_args_free(&a);
    return rc;
}
