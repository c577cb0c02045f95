/* The pieces of `sparsemi lasso` (LASSO, elastic net and LARS paths, DESIGN.md 4.6):
 * lasso_args.c parses the command line and cmd_lasso.c runs the path; lasso_report.c copies
 * the path, its cross-validation and its supports out of the library and prints them as a
 * table; lasso_dos.c reads the exhaustive search of --on-dos (the result file of
 * `es --save`, which alone describes the search) and lasso_dos_check.c places each support
 * on its DOS (smi_search_result_rank); lasso_json.c writes the JSON and lasso_plot.c the
 * two SVG pictures. The criterion options are those of `sparsemi es`
 * (common/search_options.h); every default is the library's (cli_library_defaults). */
#ifndef SPARSEMI_LASSO_H
#define SPARSEMI_LASSO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"

/* The paths: coordinate descent (glmnet's LASSO and elastic net), and LARS in its two
 * variants. The values index lasso_path_name(). */
enum { LASSO_PATH_CD = 0, LASSO_PATH_LAR = 1, LASSO_PATH_LASSO = 2 };

/* The defaults are the library's (cli_library_defaults), set explicitly so that the report
 * records what ran. */

/* The advice that ends a message about an --on-dos search of another problem. */
#define LASSO_RERUN "run 'sparsemi es' on the same data"

/* lasso_path_name: "cd", "lars" or "lasso" (the values of --path). */
const char *lasso_path_name(int path);

/* ---- lasso_args.c: the command line ------------------------------------------------------ */

typedef struct lasso_args {
    const char *data, *target, *label_column, *delimiter_text, *fold_column, *fold_seed_text;
    const char *path_text, *criterion_text, *fe_hyper_text, *ng_prior_text, *ratio_grid_text;
    const char *on_dos, *json, *plot;
    cli_list features, factor_list;
    double alpha, min_ratio, tol;                 /* NaN when not given */
    size_t n_lambdas, max_passes, threads, cv, max_steps; /* ES_UNSET when not given */
    int positive, quiet;
    char delimiter;
    int path;                  /* LASSO_PATH_* */
    int criterion;             /* resolved (bic) unless taken from --on-dos */
    int criterion_given;       /* --criterion was on the command line */
    double fe_alpha, fe_beta;  /* --fe-hyper, NaN when not given */
    es_fe_options fe;          /* --ng-prior, --ratio-grid; NaN / 0 when not given */
    int fold_shuffle;          /* --fold-seed other than none */
    unsigned long long fold_seed;
    char **factor_names;       /* --penalty-factors: n_factors names (into factor_list) */
    double *factors;           /* and their values */
    size_t n_factors;
} lasso_args;

/* lasso_parse_args: fill *a from argv. Returns CLI_CONTINUE, or an exit status after the
 * help or a usage error. Free with lasso_args_free either way. */
int lasso_parse_args(lasso_args *a, int argc, char **argv);
void lasso_args_free(lasso_args *a);

/* lasso_fill_criterion_defaults: the settings criterion uses and the user left out, as es
 * fills them in; the others marked unused (es_fe_options). */
void lasso_fill_criterion_defaults(int criterion, double *fe_alpha, double *fe_beta,
                                   es_fe_options *fe);

/* ---- The report ------------------------------------------------------------------------- */

/* The criterion that scores the supports, with the settings it uses (NaN / 0 / NULL where
 * it uses none): as asked, or as the exhaustive search of --on-dos used it. */
typedef struct lasso_criterion {
    int criterion;
    double alpha, beta;        /* fe (the library's defaults resolved on the data if not given) */
    int hyper_given;           /* alpha and beta came from --fe-hyper: set them */
    es_fe_options fe;          /* fe-ng, fe-opt, fe-marg (model_prior unused) */
    size_t n_folds;            /* cv: K; 0 otherwise */
    int fold_shuffle;
    unsigned long long fold_seed;
    const char *fold_column;
} lasso_criterion;

/* One distinct support of the path, refitted by least squares. */
typedef struct lasso_support {
    size_t size;
    size_t *features;          /* ascending */
    double *coef;              /* least-squares coefficients, original units */
    double penalty;            /* where it first appears along the path */
    double criterion, intercept; /* NaN and 0 when singular */
    int singular;
    /* Its place among the subsets of --on-dos (ranked 0 when singular). */
    int ranked, in_search;
    double rank, percentile;
    uint64_t rank_lo, rank_hi;
} lasso_support;

/* The exhaustive search of --on-dos. */
typedef struct lasso_es {
    const char *path;
    smi_search_result *res;    /* the result file, loaded */
    lasso_criterion crit;      /* the criterion and its settings, from its configuration */
    int fold_ids;              /* cv on explicit fold ids (a fold column of the data) */
    uint64_t n_models;
    size_t min_size, max_size;
    size_t *keep, n_keep;      /* forced features, as indices into the data set */
    size_t best_size;          /* its best model; SIZE_MAX when it has none */
    size_t *best;              /* indices into the data set, ascending */
    double best_criterion;
} lasso_es;

typedef struct lasso_report {
    /* What was asked, from the command line and the data set (cmd_lasso.c). */
    const char *data_path, *target;
    const char **names;        /* the p feature names (the array is the report's) */
    double *sd;                /* the features' standard deviations (divisor n) */
    size_t n, p;
    int path;                  /* LASSO_PATH_* */
    double alpha;              /* elastic-net mixing (cd); NaN for LARS */
    int positive;
    double *factors;           /* cd: p penalty factors as given, NULL for all 1 */
    size_t n_lambdas;          /* cd: asked for */
    double min_ratio;          /* cd: used */
    double tol;
    size_t max_passes, threads;
    size_t max_steps;          /* LARS: 0 for no limit */
    int has_cv;
    size_t cv_k;
    int cv_shuffle;
    unsigned long long cv_seed;
    const char *cv_column;
    lasso_criterion crit;
    double elapsed_s;          /* the path (and its CV) */

    /* The path (lasso_report_collect_*). */
    int lars_status;           /* SMI_OK or SMI_ESINGULAR: the LARS path stopped early */
    size_t L;                  /* lambdas, or LARS knots */
    double *lambdas, *coef, *intercepts; /* L, L x p, L */
    double *cv_mean, *cv_se;   /* L each, with CV */
    size_t index_min, index_1se;
    size_t support_min, support_1se; /* into supports; SIZE_MAX: the empty support */

    /* The supports (lasso_report_collect_supports) and their place on the DOS. */
    size_t n_supports;
    lasso_support *supports;
    size_t best;               /* the LARS-OLS hybrid's choice; SIZE_MAX when none scored */
    int has_es;
    lasso_es es;
    size_t es_best_on_path;    /* the support that is the exhaustive best; SIZE_MAX: none */
} lasso_report;

/* lasso_report_collect_cd, lasso_report_collect_lars: the lambdas (knots), coefficients,
 * intercepts and (cd with CV) the CV curve and choices. Return CLI_EXIT_OK or
 * CLI_EXIT_INPUT after a message. */
int lasso_report_collect_cd(lasso_report *r, const smi_lasso_result *fit);
int lasso_report_collect_lars(lasso_report *r, const smi_lars_result *path);

/* lasso_report_collect_supports: the supports of list, the hybrid's choice and the
 * supports at the CV choices. */
int lasso_report_collect_supports(lasso_report *r, const smi_path_supports *list);

void lasso_report_free(lasso_report *r);

/* lasso_print_table: the human-readable report. */
void lasso_print_table(FILE *out, const lasso_report *r);

/* lasso_criterion_text: the criterion and its settings for people, e.g.
 * "fe (alpha 0.01, beta 1)" or "cv (5 folds shuffled with seed 3)". */
void lasso_criterion_text(char *buf, size_t cap, const lasso_criterion *c);

/* ---- lasso_dos.c: --on-dos ---------------------------------------------------------------- */

/* lasso_es_read: load the result file of `es --save` at es->path, check that it is a
 * whole search with an intercept, and take its criterion and settings from its saved
 * configuration into es->crit. Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message naming the file. */
int lasso_es_read(lasso_es *es);

/* lasso_es_check_args: the criterion options given on the command line must agree with
 * the file's; an error names both. Returns CLI_EXIT_OK or CLI_EXIT_INPUT. */
int lasso_es_check_args(const lasso_es *es, const lasso_args *a);

/* lasso_es_check_data: the search must be of this data set: target, features (names and
 * order), samples and the library's fingerprint (smi_data_id_matches). Reads the best
 * model. Returns CLI_EXIT_OK or CLI_EXIT_INPUT. */
int lasso_es_check_data(lasso_es *es, const lasso_report *r, const smi_dataset *ds);

/* lasso_es_rank: each support's rank among the subsets of the search, whether it lies in
 * the searched space (sizes, forced features), and which support is the search's best. */
void lasso_es_rank(lasso_report *r);

void lasso_es_free(lasso_es *es);

/* ---- lasso_json.c, lasso_plot.c ------------------------------------------------------------ */

/* lasso_write_json: the full report as one JSON object (schema: doc/sparsemi.1). */
void lasso_write_json(FILE *out, const lasso_report *r);

/* lasso_plot_path: the coefficient paths (standardised) against log10 lambda, or against
 * the knot alpha for LARS; the CV choices and the hybrid's choice marked.
 * lasso_plot_cv: the CV curve with +-se error bars and the two choices (r->has_cv). */
void lasso_plot_path(FILE *out, const lasso_report *r);
void lasso_plot_cv(FILE *out, const lasso_report *r);

#endif /* SPARSEMI_LASSO_H */
