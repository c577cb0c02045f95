/* The configuration handles' getters and copies, through the public header only:
 *  - every getter of a new handle gives the default documented in include/sparsemi.h (the
 *    numbers written here from the header, never from running the library);
 *  - every setter, given a value other than the default, is answered by its getter;
 *  - a setter that fails leaves every getter's answer as it was;
 *  - getters refuse NULL arguments and too small buffers (telling the size needed);
 *  - copies are deep: the copy reads the same after its source is freed, and changing the
 *    copy leaves the source as it was (run under valgrind to see that no pointer is shared).
 * For smi_search, smi_evidence, smi_remc, smi_lasso, smi_lars and smi_vma. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"

enum { MAXV = 16, MAXPATH = 256 };

static int dummy_progress(void *user, double fraction)
{
    (void)user;
    (void)fraction;
    return 0;
}

static int other_progress(void *user, double fraction)
{
    (void)user;
    return fraction > 2.0;
}

/* A failure with a message: the status, and a non-empty smi_last_error(). */
#define CK_FAILS(expr)                                                                   \
    do {                                                                                 \
        ck_assert_int_eq((expr), SMI_EINVAL);                                            \
        ck_assert_msg(smi_last_error()[0] != '\0', "no message after %s", #expr);        \
    } while (0)
#define CK_OK(expr) ck_assert_msg((expr) == SMI_OK, "%s: %s", #expr, smi_last_error())

/* A too small buffer: SMI_EINVAL, the count set, and the message naming the size needed.
 * (A macro: the call must happen before the count is read.) */
#define ck_needs(call, count, need)                                                      \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        check_needs(rc_, (count), (need));                                               \
    } while (0)
static void check_needs(int rc, size_t count, size_t need)
{
    ck_assert_int_eq(rc, SMI_EINVAL);
    ck_assert_uint_eq(count, need);
    char text[32];
    snprintf(text, sizeof text, "%zu needed", need);
    ck_assert_msg(strstr(smi_last_error(), text) != NULL, "message '%s' lacks '%s'",
                  smi_last_error(), text);
}

/* ------------------------------------------------------------------------------------
 * smi_search
 * ------------------------------------------------------------------------------------ */

typedef struct {
    int criterion;
    double alpha, beta;
    size_t min_size, max_size;
    size_t keep[MAXV], n_keep;
    size_t top, bins;
    double edges[MAXV];
    size_t n_edges;
    size_t threads;
    smi_progress_fn fn;
    void *user;
    int intercept, standardize;
    double lambda, a0, b0;
    size_t shard_index, shard_count;
    int has_path;
    char path[MAXPATH];
    double interval;
    size_t k;
    int shuffle;
    uint64_t seed;
    int ids[MAXV];
    size_t n_ids;
    int prior;
    double q;
    double lo, hi;
    size_t grid_n;
} search_state;

static void read_search(const smi_search *cfg, search_state *s)
{
    memset(s, 0, sizeof *s);
    CK_OK(smi_search_get_criterion(cfg, &s->criterion));
    CK_OK(smi_search_get_fe_hyper(cfg, &s->alpha, &s->beta));
    CK_OK(smi_search_get_size_range(cfg, &s->min_size, &s->max_size));
    CK_OK(smi_search_get_keep(cfg, MAXV, s->keep, &s->n_keep));
    CK_OK(smi_search_get_top(cfg, &s->top));
    CK_OK(smi_search_get_bins(cfg, &s->bins));
    CK_OK(smi_search_get_bin_edges(cfg, MAXV, s->edges, &s->n_edges));
    CK_OK(smi_search_get_threads(cfg, &s->threads));
    CK_OK(smi_search_get_progress(cfg, &s->fn, &s->user));
    CK_OK(smi_search_get_intercept(cfg, &s->intercept));
    CK_OK(smi_search_get_standardize(cfg, &s->standardize));
    CK_OK(smi_search_get_normal_gamma(cfg, &s->lambda, &s->a0, &s->b0));
    CK_OK(smi_search_get_shard(cfg, &s->shard_index, &s->shard_count));
    const char *path = "x"; /* anything but NULL: the getter must set it */
    CK_OK(smi_search_get_checkpoint(cfg, &path, &s->interval));
    s->has_path = path != NULL;
    if (path) {
        ck_assert_uint_lt(strlen(path), MAXPATH);
        strcpy(s->path, path);
    }
    CK_OK(smi_search_get_folds(cfg, &s->k, &s->shuffle, &s->seed));
    CK_OK(smi_search_get_fold_ids(cfg, MAXV, s->ids, &s->n_ids));
    CK_OK(smi_search_get_model_prior(cfg, &s->prior, &s->q));
    CK_OK(smi_search_get_ratio_grid(cfg, &s->lo, &s->hi, &s->grid_n));
}

static void search_state_eq(const search_state *a, const search_state *b)
{
    ck_assert_int_eq(a->criterion, b->criterion);
    ck_assert_double_eq(a->alpha, b->alpha);
    ck_assert_double_eq(a->beta, b->beta);
    ck_assert_uint_eq(a->min_size, b->min_size);
    ck_assert_uint_eq(a->max_size, b->max_size);
    ck_assert_uint_eq(a->n_keep, b->n_keep);
    for (size_t i = 0; i < a->n_keep; i++)
        ck_assert_uint_eq(a->keep[i], b->keep[i]);
    ck_assert_uint_eq(a->top, b->top);
    ck_assert_uint_eq(a->bins, b->bins);
    ck_assert_uint_eq(a->n_edges, b->n_edges);
    for (size_t i = 0; i < a->n_edges; i++)
        ck_assert_double_eq(a->edges[i], b->edges[i]);
    ck_assert_uint_eq(a->threads, b->threads);
    ck_assert(a->fn == b->fn);
    ck_assert_ptr_eq(a->user, b->user);
    ck_assert_int_eq(a->intercept, b->intercept);
    ck_assert_int_eq(a->standardize, b->standardize);
    ck_assert_double_eq(a->lambda, b->lambda);
    ck_assert_double_eq(a->a0, b->a0);
    ck_assert_double_eq(a->b0, b->b0);
    ck_assert_uint_eq(a->shard_index, b->shard_index);
    ck_assert_uint_eq(a->shard_count, b->shard_count);
    ck_assert_int_eq(a->has_path, b->has_path);
    ck_assert_str_eq(a->path, b->path);
    ck_assert_double_eq(a->interval, b->interval);
    ck_assert_uint_eq(a->k, b->k);
    ck_assert_int_eq(a->shuffle, b->shuffle);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_uint_eq(a->n_ids, b->n_ids);
    for (size_t i = 0; i < a->n_ids; i++)
        ck_assert_int_eq(a->ids[i], b->ids[i]);
    ck_assert_int_eq(a->prior, b->prior);
    ck_assert_double_eq(a->q, b->q);
    ck_assert_double_eq(a->lo, b->lo);
    ck_assert_double_eq(a->hi, b->hi);
    ck_assert_uint_eq(a->grid_n, b->grid_n);
}

/* Every documented default of smi_search_create. */
static void check_search_defaults(const search_state *s)
{
    ck_assert_int_eq(s->criterion, SMI_CRIT_BIC);
    ck_assert_double_eq(s->alpha, 1.0); /* as smi_evidence_create */
    ck_assert_double_eq(s->beta, 0.0);  /* 0: 1 / var(y) */
    ck_assert_uint_eq(s->min_size, 1);
    ck_assert_uint_eq(s->max_size, 0); /* 0: p */
    ck_assert_uint_eq(s->n_keep, 0);
    ck_assert_uint_eq(s->top, 100);
    ck_assert_uint_eq(s->bins, 64);
    ck_assert_uint_eq(s->n_edges, 0);
    ck_assert_uint_eq(s->threads, 0); /* every core */
    ck_assert(s->fn == NULL);
    ck_assert_ptr_null(s->user);
    ck_assert_int_eq(s->intercept, 1);
    ck_assert_int_eq(s->standardize, 1);
    ck_assert_double_eq(s->lambda, 1.0);
    ck_assert_double_eq(s->a0, 1e-6);
    ck_assert_double_eq(s->b0, 1e-6);
    ck_assert_uint_eq(s->shard_index, 0);
    ck_assert_uint_eq(s->shard_count, 1);
    ck_assert_int_eq(s->has_path, 0);
    ck_assert_double_eq(s->interval, 0.0);
    ck_assert_uint_eq(s->k, 10);
    ck_assert_int_eq(s->shuffle, 1);
    ck_assert_uint_eq(s->seed, 0);
    ck_assert_uint_eq(s->n_ids, 0);
    ck_assert_int_eq(s->prior, SMI_MODEL_PRIOR_UNIFORM);
    ck_assert_double_eq(s->q, 0.5);
    ck_assert_double_eq(s->lo, 1e-4);
    ck_assert_double_eq(s->hi, 1e4);
    ck_assert_uint_eq(s->grid_n, 20);
}

static int progress_user;
static const size_t some_keep[3] = { 4, 1, 7 };
static const double some_edges[4] = { -3.0, -1.0, 0.5, 2.0 };
static const int some_ids[8] = { 5, 2, 2, 9, 5, 9, 2, 5 };

/* Every setter of smi_search with a value other than its default. */
static void set_search_values(smi_search *cfg)
{
    CK_OK(smi_search_set_criterion(cfg, SMI_CRIT_FE_NG));
    CK_OK(smi_search_set_fe_hyper(cfg, 0.25, 3.5));
    CK_OK(smi_search_set_size_range(cfg, 2, 5));
    CK_OK(smi_search_set_keep(cfg, some_keep, 3));
    CK_OK(smi_search_set_top(cfg, 7));
    CK_OK(smi_search_set_bins(cfg, 128));
    CK_OK(smi_search_set_bin_edges(cfg, some_edges, 4));
    CK_OK(smi_search_set_threads(cfg, 3));
    CK_OK(smi_search_set_progress(cfg, dummy_progress, &progress_user));
    CK_OK(smi_search_set_intercept(cfg, 0));
    CK_OK(smi_search_set_standardize(cfg, 0));
    CK_OK(smi_search_set_normal_gamma(cfg, 2.0, 0.5, 0.75));
    CK_OK(smi_search_set_shard(cfg, 2, 5));
    CK_OK(smi_search_set_checkpoint(cfg, "/tmp/some/checkpoint.bin", 12.5));
    CK_OK(smi_search_set_fold_ids(cfg, some_ids, 8));
    CK_OK(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_BERNOULLI, 0.2));
    CK_OK(smi_search_set_ratio_grid(cfg, 1e-3, 1e2, 11));
}

static void check_search_values(const search_state *s)
{
    ck_assert_int_eq(s->criterion, SMI_CRIT_FE_NG);
    ck_assert_double_eq(s->alpha, 0.25);
    ck_assert_double_eq(s->beta, 3.5);
    ck_assert_uint_eq(s->min_size, 2);
    ck_assert_uint_eq(s->max_size, 5);
    ck_assert_uint_eq(s->n_keep, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(s->keep[i], some_keep[i]);
    ck_assert_uint_eq(s->top, 7);
    ck_assert_uint_eq(s->bins, 128);
    ck_assert_uint_eq(s->n_edges, 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(s->edges[i], some_edges[i]);
    ck_assert_uint_eq(s->threads, 3);
    ck_assert(s->fn == dummy_progress);
    ck_assert_ptr_eq(s->user, &progress_user);
    ck_assert_int_eq(s->intercept, 0);
    ck_assert_int_eq(s->standardize, 0);
    ck_assert_double_eq(s->lambda, 2.0);
    ck_assert_double_eq(s->a0, 0.5);
    ck_assert_double_eq(s->b0, 0.75);
    ck_assert_uint_eq(s->shard_index, 2);
    ck_assert_uint_eq(s->shard_count, 5);
    ck_assert_int_eq(s->has_path, 1);
    ck_assert_str_eq(s->path, "/tmp/some/checkpoint.bin");
    ck_assert_double_eq(s->interval, 12.5);
    ck_assert_uint_eq(s->k, 3); /* the distinct ids 2, 5, 9 */
    ck_assert_uint_eq(s->n_ids, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_int_eq(s->ids[i], some_ids[i]);
    ck_assert_int_eq(s->prior, SMI_MODEL_PRIOR_BERNOULLI);
    ck_assert_double_eq(s->q, 0.2);
    ck_assert_double_eq(s->lo, 1e-3);
    ck_assert_double_eq(s->hi, 1e2);
    ck_assert_uint_eq(s->grid_n, 11);
}

START_TEST(search_defaults)
{
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    search_state s;
    read_search(cfg, &s);
    check_search_defaults(&s);
    smi_search_free(cfg);
}
END_TEST

START_TEST(search_setters_are_read_back)
{
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    set_search_values(cfg);
    search_state s;
    read_search(cfg, &s);
    check_search_values(&s);

    /* Settings that replace others. */
    CK_OK(smi_search_set_bins(cfg, 32)); /* drops the edges */
    CK_OK(smi_search_get_bin_edges(cfg, 0, NULL, &s.n_edges));
    ck_assert_uint_eq(s.n_edges, 0);
    CK_OK(smi_search_get_bins(cfg, &s.bins));
    ck_assert_uint_eq(s.bins, 32);
    CK_OK(smi_search_set_folds(cfg, 4, 0, 77)); /* drops the ids */
    CK_OK(smi_search_get_folds(cfg, &s.k, &s.shuffle, &s.seed));
    ck_assert_uint_eq(s.k, 4);
    ck_assert_int_eq(s.shuffle, 0);
    ck_assert_uint_eq(s.seed, 77);
    CK_OK(smi_search_get_fold_ids(cfg, 0, NULL, &s.n_ids));
    ck_assert_uint_eq(s.n_ids, 0);
    CK_OK(smi_search_set_folds(cfg, 6, 5, UINT64_MAX)); /* shuffle != 0 reads as 1 */
    CK_OK(smi_search_get_folds(cfg, &s.k, &s.shuffle, &s.seed));
    ck_assert_uint_eq(s.k, 6);
    ck_assert_int_eq(s.shuffle, 1);
    ck_assert_uint_eq(s.seed, UINT64_MAX);
    CK_OK(smi_search_set_intercept(cfg, 42)); /* on != 0 reads as 1 */
    CK_OK(smi_search_get_intercept(cfg, &s.intercept));
    ck_assert_int_eq(s.intercept, 1);
    CK_OK(smi_search_set_checkpoint(cfg, NULL, 99.0)); /* none */
    const char *path = "x";
    CK_OK(smi_search_get_checkpoint(cfg, &path, &s.interval));
    ck_assert_ptr_null(path);
    ck_assert_double_eq(s.interval, 0.0);
    CK_OK(smi_search_set_keep(cfg, NULL, 0));
    CK_OK(smi_search_get_keep(cfg, 0, NULL, &s.n_keep));
    ck_assert_uint_eq(s.n_keep, 0);
    CK_OK(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_NONE, 0.3)); /* q read as 0.5 */
    CK_OK(smi_search_get_model_prior(cfg, &s.prior, &s.q));
    ck_assert_int_eq(s.prior, SMI_MODEL_PRIOR_NONE);
    ck_assert_double_eq(s.q, 0.5);
    CK_OK(smi_search_set_progress(cfg, NULL, NULL));
    CK_OK(smi_search_get_progress(cfg, &s.fn, &s.user));
    ck_assert(s.fn == NULL);
    ck_assert_ptr_null(s.user);
    CK_OK(smi_search_set_size_range(cfg, 0, 0));
    CK_OK(smi_search_get_size_range(cfg, &s.min_size, &s.max_size));
    ck_assert_uint_eq(s.min_size, 0);
    ck_assert_uint_eq(s.max_size, 0);
    smi_search_free(cfg);
}
END_TEST

START_TEST(search_failed_setters_change_nothing)
{
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    set_search_values(cfg);
    search_state before, after;
    read_search(cfg, &before);
    const double bad_edges[3] = { 0.0, 1.0, 1.0 };
    const double nan_edges[2] = { 0.0, NAN };
    const int one_id[4] = { 3, 3, 3, 3 };
    CK_FAILS(smi_search_set_criterion(cfg, 99));
    CK_FAILS(smi_search_set_criterion(cfg, -1));
    CK_FAILS(smi_search_set_fe_hyper(cfg, -1.0, 1.0));
    CK_FAILS(smi_search_set_fe_hyper(cfg, 1.0, INFINITY));
    CK_FAILS(smi_search_set_size_range(cfg, 4, 3));
    CK_FAILS(smi_search_set_keep(cfg, NULL, 2));
    CK_FAILS(smi_search_set_top(cfg, 0));
    CK_FAILS(smi_search_set_bins(cfg, 1));
    CK_FAILS(smi_search_set_bin_edges(cfg, bad_edges, 3));
    CK_FAILS(smi_search_set_bin_edges(cfg, nan_edges, 2));
    CK_FAILS(smi_search_set_bin_edges(cfg, some_edges, 1));
    CK_FAILS(smi_search_set_bin_edges(cfg, NULL, 4));
    CK_FAILS(smi_search_set_threads(cfg, 100000));
    CK_FAILS(smi_search_set_normal_gamma(cfg, 0.0, 1.0, 1.0));
    CK_FAILS(smi_search_set_normal_gamma(cfg, 1.0, 1.0, NAN));
    CK_FAILS(smi_search_set_shard(cfg, 3, 3));
    CK_FAILS(smi_search_set_shard(cfg, 0, 0));
    CK_FAILS(smi_search_set_checkpoint(cfg, "", 1.0));
    CK_FAILS(smi_search_set_checkpoint(cfg, "/tmp/other", 0.0));
    CK_FAILS(smi_search_set_folds(cfg, 1, 1, 5));
    CK_FAILS(smi_search_set_folds(cfg, 0, 0, 5));
    CK_FAILS(smi_search_set_fold_ids(cfg, one_id, 4));
    CK_FAILS(smi_search_set_fold_ids(cfg, NULL, 4));
    CK_FAILS(smi_search_set_fold_ids(cfg, some_ids, 0));
    CK_FAILS(smi_search_set_model_prior(cfg, 7, 0.5));
    CK_FAILS(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_BERNOULLI, 1.0));
    CK_FAILS(smi_search_set_ratio_grid(cfg, 1.0, 1.0, 5));
    CK_FAILS(smi_search_set_ratio_grid(cfg, 1e-2, 1.0, 1));
    CK_FAILS(smi_search_set_ratio_grid(cfg, 1e-2, 1.0, SMI_RATIO_GRID_MAX + 1));
    CK_FAILS(smi_search_set_ratio_grid(cfg, -1.0, 1.0, 5));
    read_search(cfg, &after);
    search_state_eq(&before, &after);
    check_search_values(&after);
    smi_search_free(cfg);
}
END_TEST

START_TEST(search_getters_refuse_bad_arguments)
{
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    set_search_values(cfg);
    int i;
    double d, e, f;
    size_t z, w, count = 99;
    uint64_t u;
    smi_progress_fn fn;
    void *user;
    const char *path;
    size_t buf[MAXV];
    double dbuf[MAXV];
    int ibuf[MAXV];
    CK_FAILS(smi_search_get_criterion(NULL, &i));
    CK_FAILS(smi_search_get_criterion(cfg, NULL));
    CK_FAILS(smi_search_get_fe_hyper(NULL, &d, &e));
    CK_FAILS(smi_search_get_fe_hyper(cfg, &d, NULL));
    CK_FAILS(smi_search_get_size_range(NULL, &z, &w));
    CK_FAILS(smi_search_get_size_range(cfg, NULL, &w));
    CK_FAILS(smi_search_get_keep(NULL, MAXV, buf, &count));
    ck_assert_uint_eq(count, 0);
    CK_FAILS(smi_search_get_top(NULL, &z));
    CK_FAILS(smi_search_get_top(cfg, NULL));
    CK_FAILS(smi_search_get_bins(NULL, &z));
    CK_FAILS(smi_search_get_bins(cfg, NULL));
    CK_FAILS(smi_search_get_bin_edges(NULL, MAXV, dbuf, &count));
    CK_FAILS(smi_search_get_threads(NULL, &z));
    CK_FAILS(smi_search_get_threads(cfg, NULL));
    CK_FAILS(smi_search_get_progress(NULL, &fn, &user));
    CK_FAILS(smi_search_get_progress(cfg, NULL, &user));
    CK_FAILS(smi_search_get_progress(cfg, &fn, NULL));
    CK_FAILS(smi_search_get_intercept(NULL, &i));
    CK_FAILS(smi_search_get_intercept(cfg, NULL));
    CK_FAILS(smi_search_get_standardize(NULL, &i));
    CK_FAILS(smi_search_get_standardize(cfg, NULL));
    CK_FAILS(smi_search_get_normal_gamma(NULL, &d, &e, &f));
    CK_FAILS(smi_search_get_normal_gamma(cfg, &d, &e, NULL));
    CK_FAILS(smi_search_get_shard(NULL, &z, &w));
    CK_FAILS(smi_search_get_shard(cfg, &z, NULL));
    CK_FAILS(smi_search_get_checkpoint(NULL, &path, &d));
    CK_FAILS(smi_search_get_checkpoint(cfg, NULL, &d));
    CK_FAILS(smi_search_get_checkpoint(cfg, &path, NULL));
    CK_FAILS(smi_search_get_folds(NULL, &z, &i, &u));
    CK_FAILS(smi_search_get_folds(cfg, &z, &i, NULL));
    CK_FAILS(smi_search_get_fold_ids(NULL, MAXV, ibuf, &count));
    CK_FAILS(smi_search_get_model_prior(NULL, &i, &d));
    CK_FAILS(smi_search_get_model_prior(cfg, &i, NULL));
    CK_FAILS(smi_search_get_ratio_grid(NULL, &d, &e, &z));
    CK_FAILS(smi_search_get_ratio_grid(cfg, &d, &e, NULL));

    /* Too small buffers: the count, and the size needed in the message. */
    ck_needs(smi_search_get_keep(cfg, 2, buf, &count), count, 3);
    ck_needs(smi_search_get_keep(cfg, 0, NULL, &count), count, 3);
    ck_needs(smi_search_get_bin_edges(cfg, 3, dbuf, &count), count, 4);
    ck_needs(smi_search_get_fold_ids(cfg, 7, ibuf, &count), count, 8);
    ck_needs(smi_search_get_fold_ids(cfg, 0, NULL, &count), count, 8);
    /* count may be NULL; a big enough buffer with a NULL count works. */
    CK_FAILS(smi_search_get_keep(cfg, 1, buf, NULL));
    CK_OK(smi_search_get_keep(cfg, MAXV, buf, NULL));
    ck_assert_uint_eq(buf[2], some_keep[2]);
    smi_search_free(cfg);
}
END_TEST

START_TEST(search_copy_is_deep)
{
    smi_search *src = NULL, *copy = NULL;
    CK_OK(smi_search_create(&src));
    set_search_values(src);
    CK_FAILS(smi_search_copy(&copy, NULL));
    ck_assert_ptr_null(copy);
    CK_FAILS(smi_search_copy(NULL, src));
    CK_OK(smi_search_copy(&copy, src));
    ck_assert_ptr_nonnull(copy);
    ck_assert_ptr_ne(copy, src);
    const char *p1, *p2;
    double d;
    CK_OK(smi_search_get_checkpoint(src, &p1, &d));
    CK_OK(smi_search_get_checkpoint(copy, &p2, &d));
    ck_assert_ptr_ne(p1, p2);

    /* Change every array of the copy: the source stays. */
    const size_t keep2[1] = { 9 };
    const double edges2[2] = { 10.0, 20.0 };
    const int ids2[4] = { 0, 1, 0, 1 };
    CK_OK(smi_search_set_keep(copy, keep2, 1));
    CK_OK(smi_search_set_bin_edges(copy, edges2, 2));
    CK_OK(smi_search_set_checkpoint(copy, "/tmp/elsewhere", 1.0));
    CK_OK(smi_search_set_fold_ids(copy, ids2, 4));
    CK_OK(smi_search_set_criterion(copy, SMI_CRIT_AIC));
    search_state s;
    read_search(src, &s);
    check_search_values(&s);

    /* A second copy, the source freed: the copy reads the same as before. */
    smi_search *copy2 = NULL;
    CK_OK(smi_search_copy(&copy2, src));
    search_state before;
    read_search(copy2, &before);
    smi_search_free(src);
    read_search(copy2, &s);
    check_search_values(&s);
    search_state_eq(&before, &s);
    read_search(copy, &s);
    ck_assert_uint_eq(s.n_keep, 1);
    ck_assert_uint_eq(s.keep[0], 9);
    ck_assert_uint_eq(s.n_edges, 2);
    ck_assert_double_eq(s.edges[1], 20.0);
    ck_assert_str_eq(s.path, "/tmp/elsewhere");
    ck_assert_uint_eq(s.n_ids, 4);
    ck_assert_uint_eq(s.k, 2);
    ck_assert_int_eq(s.criterion, SMI_CRIT_AIC);
    smi_search_free(copy);
    smi_search_free(copy2);

    /* A copy of the defaults is the defaults. */
    CK_OK(smi_search_create(&src));
    CK_OK(smi_search_copy(&copy, src));
    smi_search_free(src);
    read_search(copy, &s);
    check_search_defaults(&s);
    smi_search_free(copy);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * smi_evidence
 * ------------------------------------------------------------------------------------ */

typedef struct {
    int mode;
    double alpha, beta;
    size_t max_iter;
    double tolerance;
    double noise_lo, noise_hi, coef_lo, coef_hi;
    size_t noise_n, coef_n;
    int prior;
    double shape, scale;
    double lambda, a0, b0;
    int intercept, standardize;
} evidence_state;

static void read_evidence(const smi_evidence *cfg, evidence_state *s)
{
    memset(s, 0, sizeof *s);
    CK_OK(smi_evidence_get_mode(cfg, &s->mode));
    CK_OK(smi_evidence_get_hyper(cfg, &s->alpha, &s->beta));
    CK_OK(smi_evidence_get_iterations(cfg, &s->max_iter, &s->tolerance));
    CK_OK(smi_evidence_get_grids(cfg, &s->noise_lo, &s->noise_hi, &s->noise_n, &s->coef_lo,
                                 &s->coef_hi, &s->coef_n));
    CK_OK(smi_evidence_get_prior(cfg, &s->prior, &s->shape, &s->scale));
    CK_OK(smi_evidence_get_normal_gamma(cfg, &s->lambda, &s->a0, &s->b0));
    CK_OK(smi_evidence_get_intercept(cfg, &s->intercept));
    CK_OK(smi_evidence_get_standardize(cfg, &s->standardize));
}

static void evidence_state_eq(const evidence_state *a, const evidence_state *b)
{
    ck_assert_int_eq(a->mode, b->mode);
    ck_assert_double_eq(a->alpha, b->alpha);
    ck_assert_double_eq(a->beta, b->beta);
    ck_assert_uint_eq(a->max_iter, b->max_iter);
    ck_assert_double_eq(a->tolerance, b->tolerance);
    ck_assert_double_eq(a->noise_lo, b->noise_lo);
    ck_assert_double_eq(a->noise_hi, b->noise_hi);
    ck_assert_uint_eq(a->noise_n, b->noise_n);
    ck_assert_double_eq(a->coef_lo, b->coef_lo);
    ck_assert_double_eq(a->coef_hi, b->coef_hi);
    ck_assert_uint_eq(a->coef_n, b->coef_n);
    ck_assert_int_eq(a->prior, b->prior);
    ck_assert_double_eq(a->shape, b->shape);
    ck_assert_double_eq(a->scale, b->scale);
    ck_assert_double_eq(a->lambda, b->lambda);
    ck_assert_double_eq(a->a0, b->a0);
    ck_assert_double_eq(a->b0, b->b0);
    ck_assert_int_eq(a->intercept, b->intercept);
    ck_assert_int_eq(a->standardize, b->standardize);
}

static void check_evidence_defaults(const evidence_state *s)
{
    ck_assert_int_eq(s->mode, SMI_HYPER_OPTIMIZE);
    ck_assert_double_eq(s->alpha, 1.0);
    ck_assert_double_eq(s->beta, 0.0); /* 0: 1 / var(y) */
    ck_assert_uint_eq(s->max_iter, 1000);
    ck_assert_double_eq(s->tolerance, 1e-10);
    ck_assert_double_eq(s->noise_lo, 1e-3);
    ck_assert_double_eq(s->noise_hi, 10.0);
    ck_assert_uint_eq(s->noise_n, 20);
    ck_assert_double_eq(s->coef_lo, 1e-2);
    ck_assert_double_eq(s->coef_hi, 1e2);
    ck_assert_uint_eq(s->coef_n, 20);
    ck_assert_int_eq(s->prior, SMI_PRIOR_INVERSE);
    ck_assert_double_eq(s->shape, 1.0);
    ck_assert_double_eq(s->scale, 1.0);
    ck_assert_double_eq(s->lambda, 1.0);
    ck_assert_double_eq(s->a0, 1e-6);
    ck_assert_double_eq(s->b0, 1e-6);
    ck_assert_int_eq(s->intercept, 1);
    ck_assert_int_eq(s->standardize, 1);
}

static void set_evidence_values(smi_evidence *cfg)
{
    CK_OK(smi_evidence_set_mode(cfg, SMI_HYPER_MARGINAL));
    CK_OK(smi_evidence_set_hyper(cfg, 0.5, 4.0));
    CK_OK(smi_evidence_set_iterations(cfg, 33, 1e-6));
    CK_OK(smi_evidence_set_grids(cfg, 0.01, 2.0, 7, 0.1, 50.0, 9));
    CK_OK(smi_evidence_set_prior(cfg, SMI_PRIOR_GAMMA, 2.5, 0.75));
    CK_OK(smi_evidence_set_normal_gamma(cfg, 3.0, 0.25, 0.125));
    CK_OK(smi_evidence_set_intercept(cfg, 0));
    CK_OK(smi_evidence_set_standardize(cfg, 0));
}

static void check_evidence_values(const evidence_state *s)
{
    ck_assert_int_eq(s->mode, SMI_HYPER_MARGINAL);
    ck_assert_double_eq(s->alpha, 0.5);
    ck_assert_double_eq(s->beta, 4.0);
    ck_assert_uint_eq(s->max_iter, 33);
    ck_assert_double_eq(s->tolerance, 1e-6);
    ck_assert_double_eq(s->noise_lo, 0.01);
    ck_assert_double_eq(s->noise_hi, 2.0);
    ck_assert_uint_eq(s->noise_n, 7);
    ck_assert_double_eq(s->coef_lo, 0.1);
    ck_assert_double_eq(s->coef_hi, 50.0);
    ck_assert_uint_eq(s->coef_n, 9);
    ck_assert_int_eq(s->prior, SMI_PRIOR_GAMMA);
    ck_assert_double_eq(s->shape, 2.5);
    ck_assert_double_eq(s->scale, 0.75);
    ck_assert_double_eq(s->lambda, 3.0);
    ck_assert_double_eq(s->a0, 0.25);
    ck_assert_double_eq(s->b0, 0.125);
    ck_assert_int_eq(s->intercept, 0);
    ck_assert_int_eq(s->standardize, 0);
}

START_TEST(evidence_defaults)
{
    smi_evidence *cfg = NULL;
    CK_OK(smi_evidence_create(&cfg));
    evidence_state s;
    read_evidence(cfg, &s);
    check_evidence_defaults(&s);
    smi_evidence_free(cfg);
}
END_TEST

START_TEST(evidence_setters_are_read_back)
{
    smi_evidence *cfg = NULL;
    CK_OK(smi_evidence_create(&cfg));
    set_evidence_values(cfg);
    evidence_state s;
    read_evidence(cfg, &s);
    check_evidence_values(&s);
    /* Another prior keeps the gamma's shape and scale (ignored, as documented). */
    CK_OK(smi_evidence_set_prior(cfg, SMI_PRIOR_UNIFORM, -1.0, NAN));
    CK_OK(smi_evidence_get_prior(cfg, &s.prior, &s.shape, &s.scale));
    ck_assert_int_eq(s.prior, SMI_PRIOR_UNIFORM);
    ck_assert_double_eq(s.shape, 2.5);
    ck_assert_double_eq(s.scale, 0.75);
    CK_OK(smi_evidence_set_mode(cfg, SMI_HYPER_FIXED));
    CK_OK(smi_evidence_get_mode(cfg, &s.mode));
    ck_assert_int_eq(s.mode, SMI_HYPER_FIXED);
    CK_OK(smi_evidence_set_mode(cfg, SMI_HYPER_NG));
    CK_OK(smi_evidence_get_mode(cfg, &s.mode));
    ck_assert_int_eq(s.mode, SMI_HYPER_NG);
    CK_OK(smi_evidence_set_standardize(cfg, -3));
    CK_OK(smi_evidence_get_standardize(cfg, &s.standardize));
    ck_assert_int_eq(s.standardize, 1);
    smi_evidence_free(cfg);
}
END_TEST

START_TEST(evidence_failed_setters_change_nothing)
{
    smi_evidence *cfg = NULL;
    CK_OK(smi_evidence_create(&cfg));
    set_evidence_values(cfg);
    evidence_state before, after;
    read_evidence(cfg, &before);
    CK_FAILS(smi_evidence_set_mode(cfg, 4));
    CK_FAILS(smi_evidence_set_mode(cfg, -1));
    CK_FAILS(smi_evidence_set_hyper(cfg, 0.0, 1.0));
    CK_FAILS(smi_evidence_set_hyper(cfg, 1.0, -2.0));
    CK_FAILS(smi_evidence_set_hyper(cfg, INFINITY, 1.0));
    CK_FAILS(smi_evidence_set_iterations(cfg, 0, 1e-3));
    CK_FAILS(smi_evidence_set_iterations(cfg, 10, 0.0));
    CK_FAILS(smi_evidence_set_grids(cfg, 1.0, 1.0, 5, 0.1, 1.0, 5));
    CK_FAILS(smi_evidence_set_grids(cfg, 0.1, 1.0, 1, 0.1, 1.0, 5));
    CK_FAILS(smi_evidence_set_grids(cfg, 0.1, 1.0, 5, 0.0, 1.0, 5)); /* the first grid valid */
    CK_FAILS(smi_evidence_set_grids(cfg, 0.1, 1.0, 5, 0.1, 1.0, 1));
    CK_FAILS(smi_evidence_set_prior(cfg, 3, 1.0, 1.0));
    CK_FAILS(smi_evidence_set_prior(cfg, SMI_PRIOR_GAMMA, 0.0, 1.0));
    CK_FAILS(smi_evidence_set_prior(cfg, SMI_PRIOR_GAMMA, 1.0, NAN));
    CK_FAILS(smi_evidence_set_normal_gamma(cfg, -1.0, 1.0, 1.0));
    CK_FAILS(smi_evidence_set_normal_gamma(cfg, 1.0, 1.0, 0.0));
    read_evidence(cfg, &after);
    evidence_state_eq(&before, &after);
    check_evidence_values(&after);
    smi_evidence_free(cfg);
}
END_TEST

START_TEST(evidence_getters_refuse_bad_arguments)
{
    smi_evidence *cfg = NULL;
    CK_OK(smi_evidence_create(&cfg));
    int i;
    double a, b, c, d;
    size_t z, w;
    CK_FAILS(smi_evidence_get_mode(NULL, &i));
    CK_FAILS(smi_evidence_get_mode(cfg, NULL));
    CK_FAILS(smi_evidence_get_hyper(NULL, &a, &b));
    CK_FAILS(smi_evidence_get_hyper(cfg, NULL, &b));
    CK_FAILS(smi_evidence_get_iterations(NULL, &z, &a));
    CK_FAILS(smi_evidence_get_iterations(cfg, &z, NULL));
    CK_FAILS(smi_evidence_get_grids(NULL, &a, &b, &z, &c, &d, &w));
    CK_FAILS(smi_evidence_get_grids(cfg, &a, &b, &z, &c, &d, NULL));
    CK_FAILS(smi_evidence_get_grids(cfg, NULL, &b, &z, &c, &d, &w));
    CK_FAILS(smi_evidence_get_prior(NULL, &i, &a, &b));
    CK_FAILS(smi_evidence_get_prior(cfg, &i, NULL, &b));
    CK_FAILS(smi_evidence_get_normal_gamma(NULL, &a, &b, &c));
    CK_FAILS(smi_evidence_get_normal_gamma(cfg, &a, &b, NULL));
    CK_FAILS(smi_evidence_get_intercept(NULL, &i));
    CK_FAILS(smi_evidence_get_intercept(cfg, NULL));
    CK_FAILS(smi_evidence_get_standardize(NULL, &i));
    CK_FAILS(smi_evidence_get_standardize(cfg, NULL));
    smi_evidence_free(cfg);
}
END_TEST

START_TEST(evidence_copy_is_deep)
{
    smi_evidence *src = NULL, *copy = (smi_evidence *)&src;
    CK_OK(smi_evidence_create(&src));
    CK_FAILS(smi_evidence_copy(&copy, NULL));
    ck_assert_ptr_null(copy);
    CK_FAILS(smi_evidence_copy(NULL, src));
    set_evidence_values(src);
    CK_OK(smi_evidence_copy(&copy, src));
    ck_assert_ptr_ne(copy, src);
    CK_OK(smi_evidence_set_mode(copy, SMI_HYPER_FIXED));
    CK_OK(smi_evidence_set_hyper(copy, 9.0, 9.0));
    evidence_state s;
    read_evidence(src, &s);
    check_evidence_values(&s);
    smi_evidence *copy2 = NULL;
    CK_OK(smi_evidence_copy(&copy2, src));
    smi_evidence_free(src);
    read_evidence(copy2, &s);
    check_evidence_values(&s);
    read_evidence(copy, &s);
    ck_assert_int_eq(s.mode, SMI_HYPER_FIXED);
    ck_assert_double_eq(s.alpha, 9.0);
    ck_assert_uint_eq(s.coef_n, 9);
    smi_evidence_free(copy);
    smi_evidence_free(copy2);
    CK_OK(smi_evidence_create(&src));
    CK_OK(smi_evidence_copy(&copy, src));
    smi_evidence_free(src);
    read_evidence(copy, &s);
    check_evidence_defaults(&s);
    smi_evidence_free(copy);
    smi_evidence_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * smi_remc
 * ------------------------------------------------------------------------------------ */

enum { MAXR = 32 };

typedef struct {
    size_t replicas;
    double beta_max;
    double ladder[MAXR];
    size_t n_ladder;
    size_t sweeps, burn_in;
    uint64_t seed;
    int tuning;
    size_t threads;
} remc_state;

static void read_remc(const smi_remc *cfg, remc_state *s)
{
    memset(s, 0, sizeof *s);
    CK_OK(smi_remc_get_replicas(cfg, &s->replicas, &s->beta_max));
    CK_OK(smi_remc_get_ladder(cfg, MAXR, s->ladder, &s->n_ladder));
    CK_OK(smi_remc_get_sweeps(cfg, &s->sweeps, &s->burn_in));
    CK_OK(smi_remc_get_seed(cfg, &s->seed));
    CK_OK(smi_remc_get_tuning(cfg, &s->tuning));
    CK_OK(smi_remc_get_threads(cfg, &s->threads));
}

static void remc_state_eq(const remc_state *a, const remc_state *b)
{
    ck_assert_uint_eq(a->replicas, b->replicas);
    ck_assert_double_eq(a->beta_max, b->beta_max);
    ck_assert_uint_eq(a->n_ladder, b->n_ladder);
    for (size_t i = 0; i < a->n_ladder; i++)
        ck_assert_double_eq(a->ladder[i], b->ladder[i]);
    ck_assert_uint_eq(a->sweeps, b->sweeps);
    ck_assert_uint_eq(a->burn_in, b->burn_in);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_int_eq(a->tuning, b->tuning);
    ck_assert_uint_eq(a->threads, b->threads);
}

/* 0, then replicas - 1 values growing geometrically from 1e-3 beta_max to beta_max. */
static void check_geometric_ladder(const remc_state *s, size_t replicas, double beta_max)
{
    ck_assert_uint_eq(s->n_ladder, replicas);
    ck_assert_double_eq(s->ladder[0], 0.0);
    ck_assert_double_eq_tol(s->ladder[1], 1e-3 * beta_max, 1e-15 * beta_max);
    ck_assert_double_eq(s->ladder[replicas - 1], beta_max);
    double ratio = pow(1e3, 1.0 / (double)(replicas - 2));
    for (size_t i = 2; i < replicas; i++)
        ck_assert_double_eq_tol(s->ladder[i] / s->ladder[i - 1], ratio, 1e-12 * ratio);
}

static void check_remc_defaults(const remc_state *s)
{
    ck_assert_uint_eq(s->replicas, 16);
    ck_assert_double_eq(s->beta_max, 1.0);
    check_geometric_ladder(s, 16, 1.0);
    ck_assert_uint_eq(s->sweeps, 20000);
    ck_assert_uint_eq(s->burn_in, 2000);
    ck_assert_uint_eq(s->seed, 1);
    ck_assert_int_eq(s->tuning, 0);
    ck_assert_uint_eq(s->threads, 0); /* every core */
}

static const double some_ladder[5] = { 0.0, 0.1, 0.3, 0.9, 2.5 };

static void set_remc_values(smi_remc *cfg)
{
    CK_OK(smi_remc_set_ladder(cfg, some_ladder, 5));
    CK_OK(smi_remc_set_sweeps(cfg, 800, 50));
    CK_OK(smi_remc_set_seed(cfg, 0xfeedbeefcafeULL));
    CK_OK(smi_remc_set_tuning(cfg, 1));
    CK_OK(smi_remc_set_threads(cfg, 0));
}

static void check_remc_values(const remc_state *s)
{
    ck_assert_uint_eq(s->replicas, 5);
    ck_assert_double_eq(s->beta_max, 2.5);
    ck_assert_uint_eq(s->n_ladder, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq(s->ladder[i], some_ladder[i]);
    ck_assert_uint_eq(s->sweeps, 800);
    ck_assert_uint_eq(s->burn_in, 50);
    ck_assert_uint_eq(s->seed, 0xfeedbeefcafeULL);
    ck_assert_int_eq(s->tuning, 1);
    ck_assert_uint_eq(s->threads, 0);
}

START_TEST(remc_defaults)
{
    smi_remc *cfg = NULL;
    CK_OK(smi_remc_create(&cfg));
    remc_state s;
    read_remc(cfg, &s);
    check_remc_defaults(&s);
    smi_remc_free(cfg);
}
END_TEST

START_TEST(remc_setters_are_read_back)
{
    smi_remc *cfg = NULL;
    CK_OK(smi_remc_create(&cfg));
    set_remc_values(cfg);
    remc_state s;
    read_remc(cfg, &s);
    check_remc_values(&s);
    /* set_replicas drops the given ladder for the geometric one. */
    CK_OK(smi_remc_set_replicas(cfg, 6, 4.0));
    read_remc(cfg, &s);
    ck_assert_uint_eq(s.replicas, 6);
    ck_assert_double_eq(s.beta_max, 4.0);
    check_geometric_ladder(&s, 6, 4.0);
    ck_assert_uint_eq(s.sweeps, 800);
    CK_OK(smi_remc_set_replicas(cfg, SMI_REMC_MAX_REPLICAS, 1.0));
    size_t count = 0;
    ck_needs(smi_remc_get_ladder(cfg, MAXR, s.ladder, &count), count, SMI_REMC_MAX_REPLICAS);
    CK_OK(smi_remc_set_tuning(cfg, 0));
    CK_OK(smi_remc_get_tuning(cfg, &s.tuning));
    ck_assert_int_eq(s.tuning, 0);
    smi_remc_free(cfg);
}
END_TEST

START_TEST(remc_failed_setters_change_nothing)
{
    smi_remc *cfg = NULL;
    CK_OK(smi_remc_create(&cfg));
    set_remc_values(cfg);
    remc_state before, after;
    read_remc(cfg, &before);
    const double down[3] = { 0.0, 1.0, 0.5 };
    const double negative[3] = { -0.1, 1.0, 2.0 };
    const double inf[2] = { 0.0, INFINITY };
    CK_FAILS(smi_remc_set_replicas(cfg, 1, 1.0));
    CK_FAILS(smi_remc_set_replicas(cfg, SMI_REMC_MAX_REPLICAS + 1, 1.0));
    CK_FAILS(smi_remc_set_replicas(cfg, 4, 0.0));
    CK_FAILS(smi_remc_set_ladder(cfg, down, 3));
    CK_FAILS(smi_remc_set_ladder(cfg, negative, 3));
    CK_FAILS(smi_remc_set_ladder(cfg, inf, 2));
    CK_FAILS(smi_remc_set_ladder(cfg, some_ladder, 1));
    CK_FAILS(smi_remc_set_ladder(cfg, NULL, 3));
    CK_FAILS(smi_remc_set_sweeps(cfg, 7, 0));
    read_remc(cfg, &after);
    remc_state_eq(&before, &after);
    check_remc_values(&after);
    smi_remc_free(cfg);
}
END_TEST

START_TEST(remc_getters_refuse_bad_arguments)
{
    smi_remc *cfg = NULL;
    CK_OK(smi_remc_create(&cfg));
    size_t z, w, count = 99;
    double d, buf[MAXR];
    uint64_t u;
    int i;
    CK_FAILS(smi_remc_get_replicas(NULL, &z, &d));
    CK_FAILS(smi_remc_get_replicas(cfg, &z, NULL));
    CK_FAILS(smi_remc_get_ladder(NULL, MAXR, buf, &count));
    ck_assert_uint_eq(count, 0);
    ck_needs(smi_remc_get_ladder(cfg, 15, buf, &count), count, 16);
    ck_needs(smi_remc_get_ladder(cfg, 0, NULL, &count), count, 16);
    CK_FAILS(smi_remc_get_sweeps(NULL, &z, &w));
    CK_FAILS(smi_remc_get_sweeps(cfg, NULL, &w));
    CK_FAILS(smi_remc_get_seed(NULL, &u));
    CK_FAILS(smi_remc_get_seed(cfg, NULL));
    CK_FAILS(smi_remc_get_tuning(NULL, &i));
    CK_FAILS(smi_remc_get_tuning(cfg, NULL));
    CK_FAILS(smi_remc_get_threads(NULL, &z));
    CK_FAILS(smi_remc_get_threads(cfg, NULL));
    smi_remc_free(cfg);
}
END_TEST

START_TEST(remc_copy_is_deep)
{
    smi_remc *src = NULL, *copy = (smi_remc *)&src;
    CK_OK(smi_remc_create(&src));
    CK_FAILS(smi_remc_copy(&copy, NULL));
    ck_assert_ptr_null(copy);
    CK_FAILS(smi_remc_copy(NULL, src));
    set_remc_values(src);
    CK_OK(smi_remc_copy(&copy, src));
    const double ladder2[3] = { 0.0, 0.5, 1.0 };
    CK_OK(smi_remc_set_ladder(copy, ladder2, 3));
    CK_OK(smi_remc_set_seed(copy, 5));
    remc_state s;
    read_remc(src, &s);
    check_remc_values(&s);
    smi_remc *copy2 = NULL;
    CK_OK(smi_remc_copy(&copy2, src));
    smi_remc_free(src);
    read_remc(copy2, &s);
    check_remc_values(&s);
    read_remc(copy, &s);
    ck_assert_uint_eq(s.n_ladder, 3);
    ck_assert_double_eq(s.ladder[1], 0.5);
    ck_assert_uint_eq(s.seed, 5);
    smi_remc_free(copy);
    smi_remc_free(copy2);
    CK_OK(smi_remc_create(&src));
    CK_OK(smi_remc_copy(&copy, src));
    smi_remc_free(src);
    read_remc(copy, &s);
    check_remc_defaults(&s);
    smi_remc_free(copy);
    smi_remc_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * smi_lasso
 * ------------------------------------------------------------------------------------ */

typedef struct {
    double alpha;
    size_t n_lambda;
    double min_ratio;
    double lambdas[MAXV];
    size_t n_lambdas;
    int positive;
    double factors[MAXV];
    size_t n_factors;
    double tol;
    size_t max_passes, threads;
    int cv;
    size_t k;
    int shuffle;
    uint64_t seed;
    int ids[MAXV];
    size_t n_ids;
} lasso_state;

static void read_lasso(const smi_lasso *cfg, lasso_state *s)
{
    memset(s, 0, sizeof *s);
    CK_OK(smi_lasso_get_alpha(cfg, &s->alpha));
    CK_OK(smi_lasso_get_path(cfg, &s->n_lambda, &s->min_ratio));
    CK_OK(smi_lasso_get_lambdas(cfg, MAXV, s->lambdas, &s->n_lambdas));
    CK_OK(smi_lasso_get_positive(cfg, &s->positive));
    CK_OK(smi_lasso_get_penalty_factors(cfg, MAXV, s->factors, &s->n_factors));
    CK_OK(smi_lasso_get_tolerance(cfg, &s->tol, &s->max_passes));
    CK_OK(smi_lasso_get_threads(cfg, &s->threads));
    CK_OK(smi_lasso_get_cv(cfg, &s->cv));
    CK_OK(smi_lasso_get_folds(cfg, &s->k, &s->shuffle, &s->seed));
    CK_OK(smi_lasso_get_fold_ids(cfg, MAXV, s->ids, &s->n_ids));
}

static void lasso_state_eq(const lasso_state *a, const lasso_state *b)
{
    ck_assert_double_eq(a->alpha, b->alpha);
    ck_assert_uint_eq(a->n_lambda, b->n_lambda);
    ck_assert_double_eq(a->min_ratio, b->min_ratio);
    ck_assert_uint_eq(a->n_lambdas, b->n_lambdas);
    for (size_t i = 0; i < a->n_lambdas; i++)
        ck_assert_double_eq(a->lambdas[i], b->lambdas[i]);
    ck_assert_int_eq(a->positive, b->positive);
    ck_assert_uint_eq(a->n_factors, b->n_factors);
    for (size_t i = 0; i < a->n_factors; i++)
        ck_assert_double_eq(a->factors[i], b->factors[i]);
    ck_assert_double_eq(a->tol, b->tol);
    ck_assert_uint_eq(a->max_passes, b->max_passes);
    ck_assert_uint_eq(a->threads, b->threads);
    ck_assert_int_eq(a->cv, b->cv);
    ck_assert_uint_eq(a->k, b->k);
    ck_assert_int_eq(a->shuffle, b->shuffle);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_uint_eq(a->n_ids, b->n_ids);
    for (size_t i = 0; i < a->n_ids; i++)
        ck_assert_int_eq(a->ids[i], b->ids[i]);
}

static void check_lasso_defaults(const lasso_state *s)
{
    ck_assert_double_eq(s->alpha, 1.0);
    ck_assert_uint_eq(s->n_lambda, 100);
    ck_assert_double_eq(s->min_ratio, 0.0); /* 0: automatic */
    ck_assert_uint_eq(s->n_lambdas, 0);
    ck_assert_int_eq(s->positive, 0);
    ck_assert_uint_eq(s->n_factors, 0); /* every factor 1 */
    ck_assert_double_eq(s->tol, 1e-7);
    ck_assert_uint_eq(s->max_passes, 100000);
    ck_assert_uint_eq(s->threads, 0); /* every core */
    ck_assert_int_eq(s->cv, 0);
    ck_assert_uint_eq(s->k, 10);
    ck_assert_int_eq(s->shuffle, 1);
    ck_assert_uint_eq(s->seed, 0);
    ck_assert_uint_eq(s->n_ids, 0);
}

static const double some_lambdas[4] = { 2.0, 1.0, 0.5, 0.01 };
static const double some_factors[5] = { 1.0, 0.0, 2.0, 0.5, 3.0 };

static void set_lasso_values(smi_lasso *cfg)
{
    CK_OK(smi_lasso_set_alpha(cfg, 0.3));
    CK_OK(smi_lasso_set_path(cfg, 42, 0.05));
    CK_OK(smi_lasso_set_lambdas(cfg, some_lambdas, 4));
    CK_OK(smi_lasso_set_positive(cfg, 1));
    CK_OK(smi_lasso_set_penalty_factors(cfg, some_factors, 5));
    CK_OK(smi_lasso_set_tolerance(cfg, 1e-9, 77));
    CK_OK(smi_lasso_set_threads(cfg, 4));
    CK_OK(smi_lasso_set_cv(cfg, 1));
    CK_OK(smi_lasso_set_folds(cfg, 5, 0, 99));
    CK_OK(smi_lasso_set_fold_ids(cfg, some_ids, 8));
}

static void check_lasso_values(const lasso_state *s)
{
    ck_assert_double_eq(s->alpha, 0.3);
    ck_assert_uint_eq(s->n_lambda, 42);
    ck_assert_double_eq(s->min_ratio, 0.05);
    ck_assert_uint_eq(s->n_lambdas, 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(s->lambdas[i], some_lambdas[i]);
    ck_assert_int_eq(s->positive, 1);
    ck_assert_uint_eq(s->n_factors, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq(s->factors[i], some_factors[i]); /* as given, not rescaled */
    ck_assert_double_eq(s->tol, 1e-9);
    ck_assert_uint_eq(s->max_passes, 77);
    ck_assert_uint_eq(s->threads, 4);
    ck_assert_int_eq(s->cv, 1);
    ck_assert_uint_eq(s->k, 3); /* the distinct ids */
    ck_assert_int_eq(s->shuffle, 0);
    ck_assert_uint_eq(s->seed, 99);
    ck_assert_uint_eq(s->n_ids, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_int_eq(s->ids[i], some_ids[i]);
}

START_TEST(lasso_defaults)
{
    smi_lasso *cfg = NULL;
    CK_OK(smi_lasso_create(&cfg));
    lasso_state s;
    read_lasso(cfg, &s);
    check_lasso_defaults(&s);
    smi_lasso_free(cfg);
}
END_TEST

START_TEST(lasso_setters_are_read_back)
{
    smi_lasso *cfg = NULL;
    CK_OK(smi_lasso_create(&cfg));
    set_lasso_values(cfg);
    lasso_state s;
    read_lasso(cfg, &s);
    check_lasso_values(&s);
    /* set_path drops the lambdas; set_lambdas with count 0 too; NULL factors: all 1. */
    CK_OK(smi_lasso_set_path(cfg, 8, 0.0));
    read_lasso(cfg, &s);
    ck_assert_uint_eq(s.n_lambda, 8);
    ck_assert_double_eq(s.min_ratio, 0.0);
    ck_assert_uint_eq(s.n_lambdas, 0);
    CK_OK(smi_lasso_set_lambdas(cfg, some_lambdas, 2));
    CK_OK(smi_lasso_get_lambdas(cfg, MAXV, s.lambdas, &s.n_lambdas));
    ck_assert_uint_eq(s.n_lambdas, 2);
    CK_OK(smi_lasso_set_lambdas(cfg, NULL, 0));
    CK_OK(smi_lasso_get_lambdas(cfg, 0, NULL, &s.n_lambdas));
    ck_assert_uint_eq(s.n_lambdas, 0);
    CK_OK(smi_lasso_get_path(cfg, &s.n_lambda, &s.min_ratio));
    ck_assert_uint_eq(s.n_lambda, 8);
    CK_OK(smi_lasso_set_penalty_factors(cfg, NULL, 3));
    CK_OK(smi_lasso_get_penalty_factors(cfg, 0, NULL, &s.n_factors));
    ck_assert_uint_eq(s.n_factors, 0);
    CK_OK(smi_lasso_set_folds(cfg, 7, 1, 3));
    read_lasso(cfg, &s);
    ck_assert_uint_eq(s.k, 7);
    ck_assert_int_eq(s.shuffle, 1);
    ck_assert_uint_eq(s.seed, 3);
    ck_assert_uint_eq(s.n_ids, 0);
    CK_OK(smi_lasso_set_cv(cfg, 0));
    CK_OK(smi_lasso_set_positive(cfg, 0));
    CK_OK(smi_lasso_set_alpha(cfg, 1.0));
    read_lasso(cfg, &s);
    ck_assert_int_eq(s.cv, 0);
    ck_assert_int_eq(s.positive, 0);
    ck_assert_double_eq(s.alpha, 1.0);
    smi_lasso_free(cfg);
}
END_TEST

START_TEST(lasso_failed_setters_change_nothing)
{
    smi_lasso *cfg = NULL;
    CK_OK(smi_lasso_create(&cfg));
    set_lasso_values(cfg);
    lasso_state before, after;
    read_lasso(cfg, &before);
    const double up[3] = { 1.0, 2.0, 0.5 };
    const double neg[2] = { 1.0, -1.0 };
    const double zeros[3] = { 0.0, 0.0, 0.0 };
    const double negf[3] = { 1.0, -0.5, 1.0 };
    const int one_id[3] = { 1, 1, 1 };
    CK_FAILS(smi_lasso_set_alpha(cfg, 0.0));
    CK_FAILS(smi_lasso_set_alpha(cfg, 1.5));
    CK_FAILS(smi_lasso_set_alpha(cfg, NAN));
    CK_FAILS(smi_lasso_set_path(cfg, 0, 0.1));
    CK_FAILS(smi_lasso_set_path(cfg, 10, 1.0));
    CK_FAILS(smi_lasso_set_path(cfg, 10, -0.1));
    CK_FAILS(smi_lasso_set_lambdas(cfg, up, 3));
    CK_FAILS(smi_lasso_set_lambdas(cfg, neg, 2));
    CK_FAILS(smi_lasso_set_lambdas(cfg, NULL, 2));
    CK_FAILS(smi_lasso_set_penalty_factors(cfg, zeros, 3));
    CK_FAILS(smi_lasso_set_penalty_factors(cfg, negf, 3));
    CK_FAILS(smi_lasso_set_penalty_factors(cfg, some_factors, 0));
    CK_FAILS(smi_lasso_set_tolerance(cfg, 0.0, 10));
    CK_FAILS(smi_lasso_set_tolerance(cfg, 1e-6, 0));
    CK_FAILS(smi_lasso_set_folds(cfg, 1, 1, 0));
    CK_FAILS(smi_lasso_set_fold_ids(cfg, one_id, 3));
    CK_FAILS(smi_lasso_set_fold_ids(cfg, NULL, 3));
    read_lasso(cfg, &after);
    lasso_state_eq(&before, &after);
    check_lasso_values(&after);
    smi_lasso_free(cfg);
}
END_TEST

START_TEST(lasso_getters_refuse_bad_arguments)
{
    smi_lasso *cfg = NULL;
    CK_OK(smi_lasso_create(&cfg));
    set_lasso_values(cfg);
    double d, buf[MAXV];
    size_t z, count = 99;
    int i, ibuf[MAXV];
    uint64_t u;
    CK_FAILS(smi_lasso_get_alpha(NULL, &d));
    CK_FAILS(smi_lasso_get_alpha(cfg, NULL));
    CK_FAILS(smi_lasso_get_path(NULL, &z, &d));
    CK_FAILS(smi_lasso_get_path(cfg, &z, NULL));
    CK_FAILS(smi_lasso_get_lambdas(NULL, MAXV, buf, &count));
    ck_assert_uint_eq(count, 0);
    ck_needs(smi_lasso_get_lambdas(cfg, 3, buf, &count), count, 4);
    ck_needs(smi_lasso_get_lambdas(cfg, 0, NULL, &count), count, 4);
    CK_FAILS(smi_lasso_get_positive(NULL, &i));
    CK_FAILS(smi_lasso_get_positive(cfg, NULL));
    CK_FAILS(smi_lasso_get_penalty_factors(NULL, MAXV, buf, &count));
    ck_needs(smi_lasso_get_penalty_factors(cfg, 4, buf, &count), count, 5);
    CK_FAILS(smi_lasso_get_tolerance(NULL, &d, &z));
    CK_FAILS(smi_lasso_get_tolerance(cfg, NULL, &z));
    CK_FAILS(smi_lasso_get_threads(NULL, &z));
    CK_FAILS(smi_lasso_get_threads(cfg, NULL));
    CK_FAILS(smi_lasso_get_cv(NULL, &i));
    CK_FAILS(smi_lasso_get_cv(cfg, NULL));
    CK_FAILS(smi_lasso_get_folds(NULL, &z, &i, &u));
    CK_FAILS(smi_lasso_get_folds(cfg, &z, NULL, &u));
    CK_FAILS(smi_lasso_get_fold_ids(NULL, MAXV, ibuf, &count));
    ck_needs(smi_lasso_get_fold_ids(cfg, 2, ibuf, &count), count, 8);
    smi_lasso_free(cfg);
}
END_TEST

START_TEST(lasso_copy_is_deep)
{
    smi_lasso *src = NULL, *copy = NULL;
    CK_OK(smi_lasso_create(&src));
    set_lasso_values(src);
    CK_OK(smi_lasso_copy(&copy, src));
    const double lambdas2[2] = { 3.0, 1.0 };
    const double factors2[2] = { 1.0, 1.0 };
    const int ids2[4] = { 1, 2, 1, 2 };
    CK_OK(smi_lasso_set_lambdas(copy, lambdas2, 2));
    CK_OK(smi_lasso_set_penalty_factors(copy, factors2, 2));
    CK_OK(smi_lasso_set_fold_ids(copy, ids2, 4));
    lasso_state s;
    read_lasso(src, &s);
    check_lasso_values(&s);
    smi_lasso *copy2 = NULL;
    CK_OK(smi_lasso_copy(&copy2, src));
    smi_lasso_free(src);
    read_lasso(copy2, &s);
    check_lasso_values(&s);
    read_lasso(copy, &s);
    ck_assert_uint_eq(s.n_lambdas, 2);
    ck_assert_uint_eq(s.n_factors, 2);
    ck_assert_uint_eq(s.n_ids, 4);
    ck_assert_uint_eq(s.k, 2);
    smi_lasso_free(copy);
    smi_lasso_free(copy2);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * smi_lars (its getters existed before; the same checks for completeness)
 * ------------------------------------------------------------------------------------ */

START_TEST(lars_getters_and_copy)
{
    smi_lars *cfg = NULL, *copy = NULL;
    int method = -1, positive = -1;
    size_t steps = 99;
    CK_OK(smi_lars_create(&cfg));
    CK_OK(smi_lars_get_method(cfg, &method));
    CK_OK(smi_lars_get_positive(cfg, &positive));
    CK_OK(smi_lars_get_max_steps(cfg, &steps));
    ck_assert_int_eq(method, SMI_LARS_LAR);
    ck_assert_int_eq(positive, 0);
    ck_assert_uint_eq(steps, 0);
    CK_FAILS(smi_lars_set_positive(cfg, 1)); /* needs the LASSO first */
    CK_OK(smi_lars_get_positive(cfg, &positive));
    ck_assert_int_eq(positive, 0);
    CK_OK(smi_lars_set_method(cfg, SMI_LARS_LASSO));
    CK_OK(smi_lars_set_positive(cfg, 1));
    CK_OK(smi_lars_set_max_steps(cfg, 12));
    CK_FAILS(smi_lars_set_method(cfg, 5));
    CK_FAILS(smi_lars_set_method(cfg, SMI_LARS_LAR)); /* positivity set */
    CK_OK(smi_lars_copy(&copy, cfg));
    CK_OK(smi_lars_set_max_steps(copy, 3));
    CK_OK(smi_lars_get_max_steps(cfg, &steps));
    ck_assert_uint_eq(steps, 12);
    smi_lars_free(cfg);
    CK_OK(smi_lars_get_method(copy, &method));
    CK_OK(smi_lars_get_positive(copy, &positive));
    CK_OK(smi_lars_get_max_steps(copy, &steps));
    ck_assert_int_eq(method, SMI_LARS_LASSO);
    ck_assert_int_eq(positive, 1);
    ck_assert_uint_eq(steps, 3);
    CK_FAILS(smi_lars_get_method(NULL, &method));
    CK_FAILS(smi_lars_get_method(copy, NULL));
    smi_lars_free(copy);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * smi_vma
 * ------------------------------------------------------------------------------------ */

typedef struct {
    size_t features[MAXV], k;
    double coef[MAXV];
    int has_coef;
    double intercept, noise_sd;
    int rows;
    size_t sizes[MAXV], n_sizes;
    size_t trials;
    uint64_t seed;
    size_t threads;
    int method;
    const smi_search *search;
    const smi_lasso *lasso;
    int one_se;
    smi_progress_fn fn;
    void *user;
} vma_state;

static void read_vma(const smi_vma *cfg, vma_state *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < MAXV; i++)
        s->coef[i] = -999.0; /* untouched unless the model has coefficients */
    CK_OK(smi_vma_get_model(cfg, MAXV, s->features, s->coef, &s->k, &s->has_coef,
                            &s->intercept, &s->noise_sd));
    CK_OK(smi_vma_get_rows(cfg, &s->rows));
    CK_OK(smi_vma_get_sizes(cfg, MAXV, s->sizes, &s->n_sizes));
    CK_OK(smi_vma_get_trials(cfg, &s->trials));
    CK_OK(smi_vma_get_seed(cfg, &s->seed));
    CK_OK(smi_vma_get_threads(cfg, &s->threads));
    CK_OK(smi_vma_get_method(cfg, &s->method));
    s->search = (const smi_search *)s; /* anything: the getters must set them */
    s->lasso = (const smi_lasso *)s;
    CK_OK(smi_vma_get_search(cfg, &s->search));
    CK_OK(smi_vma_get_lasso(cfg, &s->lasso, &s->one_se));
    CK_OK(smi_vma_get_progress(cfg, &s->fn, &s->user));
    /* One method at a time. */
    ck_assert((s->search != NULL) == (s->method == SMI_VMA_SEARCH));
    ck_assert((s->lasso != NULL) == (s->method == SMI_VMA_LASSO_CV));
}

/* Everything but the nested configurations, compared by value below. */
static void vma_state_eq(const vma_state *a, const vma_state *b)
{
    ck_assert_uint_eq(a->k, b->k);
    for (size_t i = 0; i < a->k; i++) {
        ck_assert_uint_eq(a->features[i], b->features[i]);
        ck_assert_double_eq(a->coef[i], b->coef[i]);
    }
    ck_assert_int_eq(a->has_coef, b->has_coef);
    ck_assert_double_eq(a->intercept, b->intercept);
    ck_assert_double_eq(a->noise_sd, b->noise_sd);
    ck_assert_int_eq(a->rows, b->rows);
    ck_assert_uint_eq(a->n_sizes, b->n_sizes);
    for (size_t i = 0; i < a->n_sizes; i++)
        ck_assert_uint_eq(a->sizes[i], b->sizes[i]);
    ck_assert_uint_eq(a->trials, b->trials);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_uint_eq(a->threads, b->threads);
    ck_assert_int_eq(a->method, b->method);
    ck_assert_int_eq(a->one_se, b->one_se);
    ck_assert(a->fn == b->fn);
    ck_assert_ptr_eq(a->user, b->user);
    ck_assert((a->search == NULL) == (b->search == NULL));
    ck_assert((a->lasso == NULL) == (b->lasso == NULL));
    if (a->search) {
        search_state x, y;
        read_search(a->search, &x);
        read_search(b->search, &y);
        search_state_eq(&x, &y);
    }
    if (a->lasso) {
        lasso_state x, y;
        read_lasso(a->lasso, &x);
        read_lasso(b->lasso, &y);
        lasso_state_eq(&x, &y);
    }
}

/* The search a VMA keeps by default: smi_search_create's criterion settings, with the
 * fields it does not use fixed (documented at smi_vma_get_search). */
static void check_vma_default_search(const smi_search *search)
{
    search_state s;
    read_search(search, &s);
    ck_assert_int_eq(s.criterion, SMI_CRIT_BIC);
    ck_assert_uint_eq(s.min_size, 1);
    ck_assert_uint_eq(s.max_size, 0);
    ck_assert_uint_eq(s.n_keep, 0);
    ck_assert_int_eq(s.intercept, 1);
    ck_assert_int_eq(s.standardize, 1);
    ck_assert_double_eq(s.alpha, 1.0);
    ck_assert_double_eq(s.beta, 0.0);
    ck_assert_uint_eq(s.k, 10);
    ck_assert_uint_eq(s.n_ids, 0);
    ck_assert_uint_eq(s.threads, 1);
    ck_assert_uint_eq(s.top, 1);
    ck_assert_uint_eq(s.bins, 64);
    ck_assert_uint_eq(s.n_edges, 0);
    ck_assert_int_eq(s.prior, SMI_MODEL_PRIOR_NONE);
    ck_assert_uint_eq(s.shard_index, 0);
    ck_assert_uint_eq(s.shard_count, 1);
    ck_assert_int_eq(s.has_path, 0);
    ck_assert(s.fn == NULL);
}

static void check_vma_defaults(const vma_state *s)
{
    ck_assert_uint_eq(s->k, 0);
    ck_assert_int_eq(s->has_coef, 0);
    ck_assert_double_eq(s->intercept, 0.0);
    ck_assert_double_eq(s->noise_sd, 0.0);
    ck_assert_int_eq(s->rows, SMI_VMA_RESAMPLE);
    ck_assert_uint_eq(s->n_sizes, 3);
    ck_assert_uint_eq(s->sizes[0], 20);
    ck_assert_uint_eq(s->sizes[1], 40);
    ck_assert_uint_eq(s->sizes[2], 80);
    ck_assert_uint_eq(s->trials, 100);
    ck_assert_uint_eq(s->seed, 0);
    ck_assert_uint_eq(s->threads, 0); /* every core */
    ck_assert_int_eq(s->method, SMI_VMA_SEARCH);
    ck_assert_ptr_nonnull(s->search);
    check_vma_default_search(s->search);
    ck_assert_ptr_null(s->lasso);
    ck_assert_int_eq(s->one_se, 0);
    ck_assert(s->fn == NULL);
    ck_assert_ptr_null(s->user);
}

static const size_t model_features[3] = { 5, 0, 2 };
static const double model_coef[3] = { 1.5, -2.0, 0.25 };
static const size_t some_sizes[4] = { 10, 15, 1000, 7 };

/* Everything but the method (set_search or set_lasso, tested apart). */
static void set_vma_values(smi_vma *cfg)
{
    CK_OK(smi_vma_set_model(cfg, model_features, 3, model_coef, 0.75, 0.4));
    CK_OK(smi_vma_set_rows(cfg, SMI_VMA_GAUSSIAN));
    CK_OK(smi_vma_set_sizes(cfg, some_sizes, 4));
    CK_OK(smi_vma_set_trials(cfg, 17));
    CK_OK(smi_vma_set_seed(cfg, 123456789ULL));
    CK_OK(smi_vma_set_threads(cfg, 0));
    CK_OK(smi_vma_set_progress(cfg, other_progress, &progress_user));
}

static void check_vma_values(const vma_state *s)
{
    ck_assert_uint_eq(s->k, 3);
    ck_assert_int_eq(s->has_coef, 1);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(s->features[i], model_features[i]);
        ck_assert_double_eq(s->coef[i], model_coef[i]);
    }
    ck_assert_double_eq(s->intercept, 0.75);
    ck_assert_double_eq(s->noise_sd, 0.4);
    ck_assert_int_eq(s->rows, SMI_VMA_GAUSSIAN);
    ck_assert_uint_eq(s->n_sizes, 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(s->sizes[i], some_sizes[i]);
    ck_assert_uint_eq(s->trials, 17);
    ck_assert_uint_eq(s->seed, 123456789ULL);
    ck_assert_uint_eq(s->threads, 0);
    ck_assert(s->fn == other_progress);
    ck_assert_ptr_eq(s->user, &progress_user);
}

/* A search with settings the VMA keeps and settings it fixes. */
static smi_search *vma_search(void)
{
    smi_search *search = NULL;
    CK_OK(smi_search_create(&search));
    const size_t keep[1] = { 3 };
    CK_OK(smi_search_set_criterion(search, SMI_CRIT_CV));
    CK_OK(smi_search_set_folds(search, 4, 1, 8));
    CK_OK(smi_search_set_keep(search, keep, 1));
    CK_OK(smi_search_set_size_range(search, 2, 4));
    CK_OK(smi_search_set_intercept(search, 0));
    CK_OK(smi_search_set_threads(search, 8));
    CK_OK(smi_search_set_top(search, 50));
    CK_OK(smi_search_set_progress(search, dummy_progress, NULL));
    return search;
}

static void check_vma_search(const smi_search *kept)
{
    search_state s;
    ck_assert_ptr_nonnull(kept);
    read_search(kept, &s);
    ck_assert_int_eq(s.criterion, SMI_CRIT_CV);
    ck_assert_uint_eq(s.k, 4);
    ck_assert_uint_eq(s.n_keep, 1);
    ck_assert_uint_eq(s.keep[0], 3);
    ck_assert_uint_eq(s.min_size, 2);
    ck_assert_uint_eq(s.max_size, 4);
    ck_assert_int_eq(s.intercept, 0);
    ck_assert_uint_eq(s.threads, 1); /* fixed */
    ck_assert_uint_eq(s.top, 1);
    ck_assert(s.fn == NULL);
}

static smi_lasso *vma_lasso(void)
{
    smi_lasso *lasso = NULL;
    CK_OK(smi_lasso_create(&lasso));
    CK_OK(smi_lasso_set_alpha(lasso, 0.5));
    CK_OK(smi_lasso_set_folds(lasso, 3, 0, 4));
    CK_OK(smi_lasso_set_penalty_factors(lasso, some_factors, 5));
    CK_OK(smi_lasso_set_threads(lasso, 6));
    return lasso;
}

static void check_vma_lasso(const smi_lasso *kept)
{
    lasso_state s;
    ck_assert_ptr_nonnull(kept);
    read_lasso(kept, &s);
    ck_assert_double_eq(s.alpha, 0.5);
    ck_assert_uint_eq(s.k, 3);
    ck_assert_int_eq(s.shuffle, 0);
    ck_assert_uint_eq(s.n_factors, 5);
    ck_assert_double_eq(s.factors[4], some_factors[4]);
    ck_assert_uint_eq(s.threads, 1); /* fixed */
}

START_TEST(vma_defaults)
{
    smi_vma *cfg = NULL;
    CK_OK(smi_vma_create(&cfg));
    vma_state s;
    read_vma(cfg, &s);
    check_vma_defaults(&s);
    smi_vma_free(cfg);
}
END_TEST

START_TEST(vma_setters_are_read_back)
{
    smi_vma *cfg = NULL;
    CK_OK(smi_vma_create(&cfg));
    set_vma_values(cfg);
    vma_state s;
    read_vma(cfg, &s);
    check_vma_values(&s);
    ck_assert_int_eq(s.method, SMI_VMA_SEARCH);

    /* The search: a copy of the caller's, which may change or go. */
    smi_search *search = vma_search();
    CK_OK(smi_vma_set_search(cfg, search));
    CK_OK(smi_search_set_criterion(search, SMI_CRIT_AIC));
    smi_search_free(search);
    read_vma(cfg, &s);
    ck_assert_int_eq(s.method, SMI_VMA_SEARCH);
    check_vma_search(s.search);
    check_vma_values(&s);

    /* The LASSO replaces it, with one_se; a copy too. */
    smi_lasso *lasso = vma_lasso();
    CK_OK(smi_vma_set_lasso(cfg, lasso, 1));
    CK_OK(smi_lasso_set_alpha(lasso, 0.9));
    smi_lasso_free(lasso);
    read_vma(cfg, &s);
    ck_assert_int_eq(s.method, SMI_VMA_LASSO_CV);
    ck_assert_ptr_null(s.search);
    check_vma_lasso(s.lasso);
    ck_assert_int_eq(s.one_se, 1);
    CK_OK(smi_vma_set_lasso(cfg, NULL, 0)); /* the LASSO's defaults */
    read_vma(cfg, &s);
    lasso_state ls;
    read_lasso(s.lasso, &ls);
    ck_assert_uint_eq(ls.threads, 1); /* the kept copy runs one data set per thread */
    ls.threads = 0;
    check_lasso_defaults(&ls);
    ck_assert_int_eq(s.one_se, 0);

    /* Back to the search's defaults. */
    CK_OK(smi_vma_set_search(cfg, NULL));
    read_vma(cfg, &s);
    ck_assert_int_eq(s.method, SMI_VMA_SEARCH);
    ck_assert_ptr_null(s.lasso);
    check_vma_default_search(s.search);

    /* A model without coefficients: both taken from the data. */
    CK_OK(smi_vma_set_model(cfg, model_features, 2, NULL, 5.0, -1.0));
    read_vma(cfg, &s);
    ck_assert_uint_eq(s.k, 2);
    ck_assert_int_eq(s.has_coef, 0);
    ck_assert_double_eq(s.coef[0], -999.0); /* untouched */
    ck_assert_double_eq(s.intercept, 0.0);
    ck_assert_double_eq(s.noise_sd, -1.0);
    ck_assert_uint_eq(s.features[1], model_features[1]);
    /* coefficients NULL: not wanted. */
    size_t f[MAXV], k;
    int has;
    double b0, sd;
    CK_OK(smi_vma_set_model(cfg, model_features, 3, model_coef, 0.5, 0.0));
    CK_OK(smi_vma_get_model(cfg, MAXV, f, NULL, &k, &has, &b0, &sd));
    ck_assert_uint_eq(k, 3);
    ck_assert_int_eq(has, 1);
    ck_assert_double_eq(b0, 0.5);
    ck_assert_double_eq(sd, 0.0);
    CK_OK(smi_vma_set_progress(cfg, NULL, NULL));
    CK_OK(smi_vma_set_rows(cfg, SMI_VMA_RESAMPLE));
    read_vma(cfg, &s);
    ck_assert(s.fn == NULL);
    ck_assert_ptr_null(s.user);
    ck_assert_int_eq(s.rows, SMI_VMA_RESAMPLE);
    smi_vma_free(cfg);
}
END_TEST

START_TEST(vma_failed_setters_change_nothing)
{
    smi_vma *cfg = NULL;
    CK_OK(smi_vma_create(&cfg));
    set_vma_values(cfg);
    smi_lasso *lasso = vma_lasso();
    CK_OK(smi_vma_set_lasso(cfg, lasso, 1));
    vma_state before, after;
    read_vma(cfg, &before);

    const size_t twice[3] = { 1, 4, 1 };
    const double nan_coef[2] = { 1.0, NAN };
    const size_t zero_size[2] = { 10, 0 };
    CK_FAILS(smi_vma_set_model(cfg, twice, 3, NULL, 0.0, 1.0));
    CK_FAILS(smi_vma_set_model(cfg, model_features, 0, NULL, 0.0, 1.0));
    CK_FAILS(smi_vma_set_model(cfg, NULL, 2, NULL, 0.0, 1.0));
    CK_FAILS(smi_vma_set_model(cfg, model_features, 2, nan_coef, 0.0, 1.0));
    CK_FAILS(smi_vma_set_model(cfg, model_features, 2, model_coef, INFINITY, 1.0));
    CK_FAILS(smi_vma_set_model(cfg, model_features, 2, model_coef, 0.0, NAN));
    CK_FAILS(smi_vma_set_rows(cfg, 2));
    CK_FAILS(smi_vma_set_sizes(cfg, zero_size, 2));
    CK_FAILS(smi_vma_set_sizes(cfg, NULL, 2));
    CK_FAILS(smi_vma_set_sizes(cfg, some_sizes, 0));
    CK_FAILS(smi_vma_set_trials(cfg, 0));
    CK_FAILS(smi_vma_set_threads(cfg, 5000));
    /* Fold ids cannot apply to drawn samples: the method stays the LASSO. */
    smi_search *search = vma_search();
    CK_OK(smi_search_set_fold_ids(search, some_ids, 8));
    CK_FAILS(smi_vma_set_search(cfg, search));
    CK_OK(smi_lasso_set_fold_ids(lasso, some_ids, 8));
    CK_FAILS(smi_vma_set_lasso(cfg, lasso, 0));
    read_vma(cfg, &after);
    vma_state_eq(&before, &after);
    check_vma_values(&after);
    check_vma_lasso(after.lasso);
    ck_assert_int_eq(after.one_se, 1);

    /* The same for the search as the method. */
    CK_OK(smi_search_set_folds(search, 4, 1, 8));
    CK_OK(smi_vma_set_search(cfg, search));
    read_vma(cfg, &before);
    CK_OK(smi_search_set_fold_ids(search, some_ids, 8));
    CK_FAILS(smi_vma_set_search(cfg, search));
    CK_FAILS(smi_vma_set_lasso(cfg, lasso, 1));
    read_vma(cfg, &after);
    vma_state_eq(&before, &after);
    check_vma_search(after.search);
    smi_search_free(search);
    smi_lasso_free(lasso);
    smi_vma_free(cfg);
}
END_TEST

START_TEST(vma_getters_refuse_bad_arguments)
{
    smi_vma *cfg = NULL;
    CK_OK(smi_vma_create(&cfg));
    size_t f[MAXV], k = 99, z;
    double c[MAXV], b0, sd;
    int has, i;
    uint64_t u;
    const smi_search *search;
    const smi_lasso *lasso;
    smi_progress_fn fn;
    void *user;
    CK_FAILS(smi_vma_get_model(NULL, MAXV, f, c, &k, &has, &b0, &sd));
    ck_assert_uint_eq(k, 0);
    CK_FAILS(smi_vma_get_model(cfg, MAXV, f, c, &k, NULL, &b0, &sd));
    CK_FAILS(smi_vma_get_model(cfg, MAXV, f, c, &k, &has, NULL, &sd));
    CK_FAILS(smi_vma_get_model(cfg, MAXV, f, c, &k, &has, &b0, NULL));
    CK_OK(smi_vma_get_model(cfg, 0, NULL, NULL, &k, &has, &b0, &sd)); /* no model */
    ck_assert_uint_eq(k, 0);
    CK_OK(smi_vma_set_model(cfg, model_features, 3, model_coef, 0.0, 1.0));
    ck_needs(smi_vma_get_model(cfg, 2, f, c, &k, &has, &b0, &sd), k, 3);
    ck_needs(smi_vma_get_model(cfg, 0, NULL, NULL, &k, &has, &b0, &sd), k, 3);
    CK_FAILS(smi_vma_get_rows(NULL, &i));
    CK_FAILS(smi_vma_get_rows(cfg, NULL));
    CK_FAILS(smi_vma_get_sizes(NULL, MAXV, f, &k));
    ck_needs(smi_vma_get_sizes(cfg, 2, f, &k), k, 3);
    CK_FAILS(smi_vma_get_trials(NULL, &z));
    CK_FAILS(smi_vma_get_trials(cfg, NULL));
    CK_FAILS(smi_vma_get_seed(NULL, &u));
    CK_FAILS(smi_vma_get_seed(cfg, NULL));
    CK_FAILS(smi_vma_get_threads(NULL, &z));
    CK_FAILS(smi_vma_get_threads(cfg, NULL));
    CK_FAILS(smi_vma_get_method(NULL, &i));
    CK_FAILS(smi_vma_get_method(cfg, NULL));
    CK_FAILS(smi_vma_get_search(NULL, &search));
    CK_FAILS(smi_vma_get_search(cfg, NULL));
    CK_FAILS(smi_vma_get_lasso(NULL, &lasso, &i));
    CK_FAILS(smi_vma_get_lasso(cfg, NULL, &i));
    CK_FAILS(smi_vma_get_lasso(cfg, &lasso, NULL));
    CK_FAILS(smi_vma_get_progress(NULL, &fn, &user));
    CK_FAILS(smi_vma_get_progress(cfg, &fn, NULL));
    smi_vma_free(cfg);
}
END_TEST

START_TEST(vma_copy_is_deep)
{
    smi_vma *src = NULL, *copy = (smi_vma *)&src;
    CK_OK(smi_vma_create(&src));
    CK_FAILS(smi_vma_copy(&copy, NULL));
    ck_assert_ptr_null(copy);
    CK_FAILS(smi_vma_copy(NULL, src));
    set_vma_values(src);
    /* Both nested configurations present: the LASSO chosen after a search. */
    smi_search *search = vma_search();
    CK_OK(smi_vma_set_search(src, search));
    smi_search_free(search);
    smi_lasso *lasso = vma_lasso();
    CK_OK(smi_vma_set_lasso(src, lasso, 1));
    smi_lasso_free(lasso);

    CK_OK(smi_vma_copy(&copy, src));
    vma_state a, b;
    read_vma(src, &a);
    read_vma(copy, &b);
    vma_state_eq(&a, &b);
    ck_assert_ptr_ne(a.lasso, b.lasso);

    /* Change the copy: model, sizes, method; the source stays. */
    const size_t f2[1] = { 9 };
    const size_t sizes2[1] = { 33 };
    CK_OK(smi_vma_set_model(copy, f2, 1, NULL, 0.0, 2.0));
    CK_OK(smi_vma_set_sizes(copy, sizes2, 1));
    CK_OK(smi_vma_set_search(copy, NULL));
    read_vma(src, &a);
    check_vma_values(&a);
    ck_assert_int_eq(a.method, SMI_VMA_LASSO_CV);
    check_vma_lasso(a.lasso);

    /* A second copy, then the source freed: both copies read as before. */
    smi_vma *copy2 = NULL;
    CK_OK(smi_vma_copy(&copy2, src));
    read_vma(copy2, &a);
    vma_state saved = a;
    smi_vma_free(src);
    read_vma(copy2, &b);
    vma_state_eq(&saved, &b);
    check_vma_values(&b);
    check_vma_lasso(b.lasso);
    ck_assert_int_eq(b.one_se, 1);
    /* The first copy as changed (its own search now, the LASSO it had dropped from view). */
    read_vma(copy, &b);
    ck_assert_uint_eq(b.k, 1);
    ck_assert_uint_eq(b.features[0], 9);
    ck_assert_int_eq(b.has_coef, 0);
    ck_assert_uint_eq(b.n_sizes, 1);
    ck_assert_uint_eq(b.sizes[0], 33);
    ck_assert_int_eq(b.method, SMI_VMA_SEARCH);
    check_vma_default_search(b.search);
    smi_vma_free(copy);
    smi_vma_free(copy2);

    /* A copy with the search as its method, and of the defaults. */
    CK_OK(smi_vma_create(&src));
    search = vma_search();
    CK_OK(smi_vma_set_search(src, search));
    smi_search_free(search);
    CK_OK(smi_vma_copy(&copy, src));
    read_vma(src, &a);
    read_vma(copy, &b);
    ck_assert_ptr_ne(a.search, b.search);
    smi_vma_free(src);
    read_vma(copy, &b);
    check_vma_search(b.search);
    smi_vma_free(copy);
    CK_OK(smi_vma_create(&src));
    CK_OK(smi_vma_copy(&copy, src));
    smi_vma_free(src);
    read_vma(copy, &b);
    check_vma_defaults(&b);
    smi_vma_free(copy);
    smi_vma_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, search_defaults);
    tcase_add_test(tc, search_setters_are_read_back);
    tcase_add_test(tc, search_failed_setters_change_nothing);
    tcase_add_test(tc, search_getters_refuse_bad_arguments);
    tcase_add_test(tc, search_copy_is_deep);
    tcase_add_test(tc, evidence_defaults);
    tcase_add_test(tc, evidence_setters_are_read_back);
    tcase_add_test(tc, evidence_failed_setters_change_nothing);
    tcase_add_test(tc, evidence_getters_refuse_bad_arguments);
    tcase_add_test(tc, evidence_copy_is_deep);
    tcase_add_test(tc, remc_defaults);
    tcase_add_test(tc, remc_setters_are_read_back);
    tcase_add_test(tc, remc_failed_setters_change_nothing);
    tcase_add_test(tc, remc_getters_refuse_bad_arguments);
    tcase_add_test(tc, remc_copy_is_deep);
    tcase_add_test(tc, lasso_defaults);
    tcase_add_test(tc, lasso_setters_are_read_back);
    tcase_add_test(tc, lasso_failed_setters_change_nothing);
    tcase_add_test(tc, lasso_getters_refuse_bad_arguments);
    tcase_add_test(tc, lasso_copy_is_deep);
    tcase_add_test(tc, lars_getters_and_copy);
    tcase_add_test(tc, vma_defaults);
    tcase_add_test(tc, vma_setters_are_read_back);
    tcase_add_test(tc, vma_failed_setters_change_nothing);
    tcase_add_test(tc, vma_getters_refuse_bad_arguments);
    tcase_add_test(tc, vma_copy_is_deep);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
