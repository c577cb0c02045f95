/* Shards, result files, merging and checkpoints of the exhaustive search, through the public
 * header only. The oracle is the library's own uninterrupted, unsharded run: every path
 * (shards merged in any grouping, results saved and loaded, runs canceled or killed and
 * resumed from a checkpoint, any thread count) must give the same result bit for bit, read
 * through every accessor. Damaged files must be refused, never half-read.
 * Random problems come from a seeded 64-bit LCG, so every run sees the same data. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sparsemi.h"
#include "testutil.h"

#define MAX_K 32

/* ------------------------------------------------------------------------------------
 * Data, configurations, runs
 * ------------------------------------------------------------------------------------ */

/* n x p uniform features, y a sparse linear model plus noise; with `duplicate`, the last
 * column repeats the first, so that every subset holding both is singular. */
static smi_dataset *random_dataset(uint64_t seed, size_t n, size_t p, int duplicate)
{
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    ck_assert(X && y);
    for (size_t i = 0; i < n * p; i++)
        X[i] = tu_uniform_open(&seed) - 0.5;
    for (size_t i = 0; i < n; i++) {
        if (duplicate)
            X[i * p + p - 1] = X[i * p];
        y[i] = X[i * p] - 2.0 * X[i * p + 1 % p] + 0.5 * X[i * p + 2 % p]
               + 0.3 * (tu_uniform_open(&seed) - 0.5);
    }
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, n, p, X, y, NULL, NULL), SMI_OK);
    free(X);
    free(y);
    return ds;
}

typedef struct search_case {
    const char *name;
    uint64_t seed;
    size_t n, p;
    int criterion;
    size_t top, bins;
    int edges;           /* DOS on given edges instead of bins */
    size_t keep;         /* 0: none; else feature keep - 1 is forced */
    size_t min_size, max_size;
    int duplicate;
    size_t folds;        /* CV: shuffled K-fold from the seed, set on the configuration */
} search_case;

static const int criteria[] = { SMI_CRIT_RSS, SMI_CRIT_AIC, SMI_CRIT_BIC, SMI_CRIT_FE };
#define N_GRID (5 * 4) /* p = 10..14 times the four criteria */

static const search_case extra_cases[] = {
    { "bic, given edges, p 11", 71, 30, 11, SMI_CRIT_BIC, 30, 0, 1, 0, 1, 0, 0, 0 },
    { "aic, one kept, sizes 2-4, p 12", 72, 35, 12, SMI_CRIT_AIC, 15, 32, 0, 3, 2, 4, 0, 0 },
    { "rss, duplicated column, p 10", 73, 25, 10, SMI_CRIT_RSS, 40, 16, 0, 0, 1, 0, 1, 0 },
    { "fe, top larger than the subsets, p 5", 74, 20, 5, SMI_CRIT_FE, 100, 8, 0, 0, 1, 0, 0, 0 },
    { "bic, p 3: most shards empty", 75, 12, 3, SMI_CRIT_BIC, 4, 4, 0, 0, 1, 0, 0, 0 },
    { "cv, 5 folds, p 10", 76, 30, 10, SMI_CRIT_CV, 20, 32, 0, 0, 1, 0, 0, 5 },
    { "loo, at most 4, p 12", 77, 30, 12, SMI_CRIT_LOO, 20, 32, 0, 0, 1, 4, 0, 0 },
};
#define N_CASES (N_GRID + sizeof extra_cases / sizeof extra_cases[0])

static search_case case_at(size_t i)
{
    if (i >= N_GRID)
        return extra_cases[i - N_GRID];
    size_t p = 10 + i / 4;
    return (search_case){ "grid", 1000 + i, 20 + 2 * p, p, criteria[i % 4], 25, 64,
                          0, 0, 1, 0, 0, 0 };
}

static smi_dataset *case_dataset(const search_case *c)
{
    return random_dataset(c->seed, c->n, c->p, c->duplicate);
}

static smi_search *make_config(const search_case *c, size_t threads)
{
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, c->criterion), SMI_OK);
    ck_assert_int_eq(smi_search_set_fe_hyper(cfg, 0.05, 3.0), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, c->top), SMI_OK);
    if (c->edges) {
        static const double edges[] = { -60, -45, -40, -35, -30, -20, 0, 10 };
        ck_assert_int_eq(smi_search_set_bin_edges(cfg, edges, 8), SMI_OK);
    } else {
        ck_assert_int_eq(smi_search_set_bins(cfg, c->bins), SMI_OK);
    }
    if (c->keep) {
        size_t f = c->keep - 1;
        ck_assert_int_eq(smi_search_set_keep(cfg, &f, 1), SMI_OK);
    }
    ck_assert_int_eq(smi_search_set_size_range(cfg, c->min_size, c->max_size), SMI_OK);
    ck_assert_int_eq(smi_search_set_threads(cfg, threads), SMI_OK);
    if (c->folds)
        ck_assert_int_eq(smi_search_set_folds(cfg, c->folds, 1, c->seed), SMI_OK);
    return cfg;
}

static smi_search_result *run_ok(const smi_dataset *ds, const smi_search *cfg)
{
    smi_search_result *res = NULL;
    int rc = smi_search_run(ds, cfg, &res);
    ck_assert_msg(rc == SMI_OK, "search: %s", smi_last_error());
    return res;
}

static smi_search_result *run_shard(const smi_dataset *ds, const search_case *c, size_t i, size_t n)
{
    smi_search *cfg = make_config(c, 1 + (i + n) % 3);
    ck_assert_int_eq(smi_search_set_shard(cfg, i, n), SMI_OK);
    smi_search_result *res = run_ok(ds, cfg);
    smi_search_free(cfg);
    return res;
}

/* ------------------------------------------------------------------------------------
 * Comparing results bit for bit through every accessor
 * ------------------------------------------------------------------------------------ */

#define SAME_BITS(a, b, what, ...)                                                         \
    ck_assert_msg(memcmp(&(a), &(b), sizeof(a)) == 0, "%s: " what " differs (%.17g, %.17g)", \
                  name, __VA_ARGS__, (double)(a), (double)(b))

static void assert_same_model(const smi_search_result *a, const smi_search_result *b, size_t rank,
                              const char *name)
{
    size_t fa[MAX_K], fb[MAX_K], ka, kb;
    double ca[MAX_K], cb[MAX_K], va, vb, ia, ib, ra, rb;
    ck_assert_int_eq(smi_search_result_model(a, rank, MAX_K, fa, ca, &ka, &va, &ia, &ra), SMI_OK);
    ck_assert_int_eq(smi_search_result_model(b, rank, MAX_K, fb, cb, &kb, &vb, &ib, &rb), SMI_OK);
    ck_assert_msg(ka == kb && memcmp(fa, fb, ka * sizeof *fa) == 0,
                  "%s: model %zu has other features", name, rank);
    ck_assert_msg(memcmp(ca, cb, ka * sizeof *ca) == 0, "%s: model %zu coefficients differ",
                  name, rank);
    SAME_BITS(va, vb, "criterion of model %zu", rank);
    SAME_BITS(ia, ib, "intercept of model %zu", rank);
    SAME_BITS(ra, rb, "rmse of model %zu", rank);
}

static void assert_same_best(const smi_search_result *a, const smi_search_result *b, size_t k,
                             const char *name)
{
    size_t fa[MAX_K], fb[MAX_K];
    double ca[MAX_K], cb[MAX_K], va, vb, ia, ib, ra, rb;
    int rca = smi_search_result_best_of_size(a, k, MAX_K, fa, ca, &va, &ia, &ra);
    int rcb = smi_search_result_best_of_size(b, k, MAX_K, fb, cb, &vb, &ib, &rb);
    ck_assert_msg(rca == rcb, "%s: best of size %zu: %d and %d", name, k, rca, rcb);
    if (rca != SMI_OK)
        return;
    ck_assert_msg(memcmp(fa, fb, k * sizeof *fa) == 0 && memcmp(ca, cb, k * sizeof *ca) == 0,
                  "%s: best of size %zu differs", name, k);
    SAME_BITS(va, vb, "criterion of the best of size %zu", k);
    SAME_BITS(ia, ib, "intercept of the best of size %zu", k);
    SAME_BITS(ra, rb, "rmse of the best of size %zu", k);
}

static void assert_same_dos(const smi_search_result *a, const smi_search_result *b, const char *name)
{
    size_t nb = smi_search_result_n_bins(a);
    ck_assert_msg(nb == smi_search_result_n_bins(b), "%s: %zu and %zu DOS bins", name, nb,
                  smi_search_result_n_bins(b));
    double *ea = calloc(nb + 1, sizeof *ea), *eb = calloc(nb + 1, sizeof *eb);
    uint64_t *na = calloc(nb + 1, sizeof *na), *nb_ = calloc(nb + 1, sizeof *nb_);
    uint64_t below[2], above[2];
    ck_assert(ea && eb && na && nb_);
    ck_assert_int_eq(smi_search_result_dos(a, nb + 1, ea, na, &below[0], &above[0]), SMI_OK);
    ck_assert_int_eq(smi_search_result_dos(b, nb + 1, eb, nb_, &below[1], &above[1]), SMI_OK);
    ck_assert_msg(nb == 0 || (memcmp(ea, eb, (nb + 1) * sizeof *ea) == 0
                              && memcmp(na, nb_, nb * sizeof *na) == 0),
                  "%s: DOS edges or counts differ", name);
    ck_assert_msg(below[0] == below[1] && above[0] == above[1], "%s: below/above differ", name);
    free(ea), free(eb), free(na), free(nb_);
}

static void assert_same_tables(const smi_search_result *a, const smi_search_result *b, const char *name)
{
    size_t p = smi_search_result_p(a), m = smi_search_result_n_top(a);
    double *fa = malloc(p * sizeof *fa), *fb = malloc(p * sizeof *fb);
    double *wa = calloc(m * p + 1, sizeof *wa), *wb = calloc(m * p + 1, sizeof *wb);
    ck_assert(fa && fb && wa && wb);
    ck_assert_int_eq(smi_search_result_feature_frequency(a, p, fa), SMI_OK);
    ck_assert_int_eq(smi_search_result_feature_frequency(b, p, fb), SMI_OK);
    ck_assert_msg(memcmp(fa, fb, p * sizeof *fa) == 0, "%s: feature frequencies differ", name);
    ck_assert_int_eq(smi_search_result_weight_diagram(a, m * p, wa), SMI_OK);
    ck_assert_int_eq(smi_search_result_weight_diagram(b, m * p, wb), SMI_OK);
    ck_assert_msg(memcmp(wa, wb, m * p * sizeof *wa) == 0, "%s: weight diagrams differ", name);
    free(fa), free(fb), free(wa), free(wb);
}

/* b knows what made it as a does: the data set's identity (names, n, p, fingerprint from
 * smi_dataset_id) and every configuration value a result depends on. */
static void assert_same_identity(const smi_search_result *a, const smi_search_result *b,
                                 const smi_dataset *ds, const char *name)
{
    const smi_data_id *da = smi_search_result_data(a), *db = smi_search_result_data(b);
    ck_assert_msg(da && db, "%s: a result without its data's identity", name);
    ck_assert_int_eq(smi_data_id_matches(db, ds), 1);
    ck_assert_uint_eq(smi_data_id_fingerprint(db), smi_data_id_fingerprint(smi_dataset_id(ds)));
    ck_assert_uint_eq(smi_data_id_n(db), smi_dataset_n(ds));
    ck_assert_uint_eq(smi_data_id_p(db), smi_dataset_p(ds));
    ck_assert_str_eq(smi_data_id_target_name(db), smi_dataset_target_name(ds));
    for (size_t j = 0; j < smi_dataset_p(ds); j++)
        ck_assert_str_eq(smi_data_id_feature_name(db, j), smi_dataset_feature_name(ds, j));
    const smi_search *ca = smi_search_result_config(a), *cb = smi_search_result_config(b);
    ck_assert_msg(ca && cb, "%s: a result without its configuration", name);
    int ia, ib;
    double xa, ya, xb, yb;
    size_t sa, ta, sb, tb;
    ck_assert_int_eq(smi_search_get_criterion(ca, &ia), SMI_OK);
    ck_assert_int_eq(smi_search_get_criterion(cb, &ib), SMI_OK);
    ck_assert_int_eq(ia, ib);
    smi_search_get_fe_hyper(ca, &xa, &ya);
    smi_search_get_fe_hyper(cb, &xb, &yb);
    ck_assert(xa == xb && ya == yb);
    smi_search_get_size_range(ca, &sa, &ta);
    smi_search_get_size_range(cb, &sb, &tb);
    ck_assert(sa == sb && ta == tb);
    smi_search_get_top(ca, &sa);
    smi_search_get_top(cb, &sb);
    ck_assert_uint_eq(sa, sb);
    smi_search_get_shard(cb, &sb, &tb);
    ck_assert_msg(sb == 0 && tb == 1, "%s: shard %zu of %zu", name, sb, tb);
    uint64_t seed_a, seed_b;
    smi_search_get_folds(ca, &sa, &ia, &seed_a);
    smi_search_get_folds(cb, &sb, &ib, &seed_b);
    ck_assert(sa == sb && ia == ib && seed_a == seed_b);
    smi_search_get_fold_ids(ca, 0, NULL, &sa);
    smi_search_get_fold_ids(cb, 0, NULL, &sb);
    ck_assert_uint_eq(sa, sb);
}

static void assert_same_result(const smi_search_result *a, const smi_search_result *b, const char *name)
{
    ck_assert_msg(smi_search_result_n_models(a) == smi_search_result_n_models(b),
                  "%s: %llu and %llu models scored", name,
                  (unsigned long long)smi_search_result_n_models(a),
                  (unsigned long long)smi_search_result_n_models(b));
    ck_assert_msg(smi_search_result_n_singular(a) == smi_search_result_n_singular(b),
                  "%s: singular counts differ", name);
    ck_assert_int_eq(smi_search_result_criterion(a), smi_search_result_criterion(b));
    ck_assert_uint_eq(smi_search_result_p(a), smi_search_result_p(b));
    ck_assert_uint_eq(smi_search_result_max_size(a), smi_search_result_max_size(b));
    ck_assert_msg(smi_search_result_n_top(a) == smi_search_result_n_top(b), "%s: %zu and %zu top models",
                  name, smi_search_result_n_top(a), smi_search_result_n_top(b));
    for (size_t r = 0; r < smi_search_result_n_top(a); r++)
        assert_same_model(a, b, r, name);
    for (size_t k = 0; k <= smi_search_result_max_size(a) + 1; k++)
        assert_same_best(a, b, k, name);
    assert_same_dos(a, b, name);
    assert_same_tables(a, b, name);
}

/* ------------------------------------------------------------------------------------
 * Files: a private directory per test
 * ------------------------------------------------------------------------------------ */

static char test_dir[256];

static void make_test_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(test_dir, sizeof test_dir, "%s/check_shards.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(test_dir));
}

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", test_dir, name);
}

/* Remove the directory and every file in it. */
static void remove_test_dir(void)
{
    DIR *d = opendir(test_dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", test_dir, e->d_name);
            unlink(path);
        }
    }
    if (d)
        closedir(d);
    rmdir(test_dir);
}

/* Number of files in the test directory whose name contains `part`. */
static size_t count_files(const char *part)
{
    DIR *d = opendir(test_dir);
    struct dirent *e;
    size_t count = 0;
    while (d && (e = readdir(d)) != NULL)
        count += strstr(e->d_name, part) != NULL;
    if (d)
        closedir(d);
    return count;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    ck_assert(buf && fread(buf, 1, (size_t)size, f) == (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return buf;
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert(f && fwrite(text, 1, len, f) == len);
    fclose(f);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ------------------------------------------------------------------------------------
 * (a) Shards merged equal the whole search
 * ------------------------------------------------------------------------------------ */

static smi_search_result *merge_ok(const smi_search_result *const *parts, size_t n)
{
    smi_search_result *out = NULL;
    int rc = smi_search_result_merge(&out, parts, n);
    ck_assert_msg(rc == SMI_OK, "merge: %s", smi_last_error());
    return out;
}

START_TEST(shards_merged_equal_the_whole)
{
    search_case c = case_at((size_t)_i);
    smi_dataset *ds = case_dataset(&c);
    smi_search *cfg = make_config(&c, 1);
    smi_search_result *whole = run_ok(ds, cfg);
    static const size_t counts[] = { 1, 2, 3, 7 };
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        size_t n = counts[t];
        smi_search_result *parts[7];
        for (size_t i = 0; i < n; i++)
            parts[i] = run_shard(ds, &c, i, n);
        char name[160];
        snprintf(name, sizeof name, "%s (case %d, p %zu, %s), %zu shards", c.name, _i, c.p,
                 smi_criterion_name(c.criterion), n);
        smi_search_result *merged = merge_ok((const smi_search_result *const *)parts, n);
        assert_same_result(whole, merged, name);
        /* any grouping: the last shard first, then the others merged two by two */
        smi_search_result *acc = parts[n - 1], *owned = NULL;
        for (size_t i = 0; i + 1 < n; i++) {
            const smi_search_result *pair[2] = { parts[i], acc };
            smi_search_result *next = merge_ok(pair, 2);
            smi_search_result_free(owned);
            acc = owned = next;
        }
        assert_same_result(whole, acc, name);
        smi_search_result_free(owned);
        smi_search_result_free(merged);
        for (size_t i = 0; i < n; i++)
            smi_search_result_free(parts[i]);
    }
    smi_search_result_free(whole);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(merge_refuses_parts_that_do_not_belong_together)
{
    search_case c = case_at(9);
    smi_dataset *ds = random_dataset(c.seed, c.n, c.p, 0);
    smi_dataset *other = random_dataset(c.seed + 1, c.n, c.p, 0);
    smi_search_result *s0 = run_shard(ds, &c, 0, 3), *s1 = run_shard(ds, &c, 1, 3);
    smi_search_result *t1 = run_shard(other, &c, 1, 3), *h1 = run_shard(ds, &c, 1, 2);
    smi_search_result *out = (smi_search_result *)&out;
    const smi_search_result *twice[] = { s0, s1, s0 }, *data[] = { s0, t1 }, *count[] = { s0, h1 };
    const smi_search_result *with_null[] = { s0, NULL };
    ck_assert_int_eq(smi_search_result_merge(&out, twice, 3), SMI_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(smi_last_error(), "twice") != NULL, "message: %s", smi_last_error());
    ck_assert_int_eq(smi_search_result_merge(&out, data, 2), SMI_EINVAL);
    ck_assert_msg(strstr(smi_last_error(), "another data set") != NULL, "message: %s",
                  smi_last_error());
    ck_assert_int_eq(smi_search_result_merge(&out, count, 2), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_merge(&out, with_null, 2), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_merge(&out, twice, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_merge(&out, NULL, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_merge(NULL, twice, 1), SMI_EINVAL);
    /* CV on other folds of the same data is another search */
    search_case cv = extra_cases[5];
    ck_assert_int_eq(cv.criterion, SMI_CRIT_CV);
    smi_dataset *f1 = case_dataset(&cv);
    smi_search *other_folds = make_config(&cv, 1);
    ck_assert_int_eq(smi_search_set_folds(other_folds, cv.folds, 1, cv.seed + 1), SMI_OK);
    ck_assert_int_eq(smi_search_set_shard(other_folds, 1, 2), SMI_OK);
    smi_search_result *cv0 = run_shard(f1, &cv, 0, 2), *cv1 = run_ok(f1, other_folds);
    const smi_search_result *folds[] = { cv0, cv1 };
    ck_assert_int_eq(smi_search_result_merge(&out, folds, 2), SMI_EINVAL);
    smi_search_result_free(cv0), smi_search_result_free(cv1);
    smi_search_free(other_folds);
    smi_dataset_free(f1);
    /* a merged result merges on, and still refuses a shard it holds */
    const smi_search_result *pair[] = { s0, s1 };
    smi_search_result *m01 = merge_ok(pair, 2);
    const smi_search_result *again[] = { m01, s1 };
    ck_assert_int_eq(smi_search_result_merge(&out, again, 2), SMI_EINVAL);
    smi_search_result_free(m01);
    smi_search_result_free(s0), smi_search_result_free(s1), smi_search_result_free(t1), smi_search_result_free(h1);
    smi_dataset_free(ds);
    smi_dataset_free(other);
}
END_TEST

START_TEST(shard_and_checkpoint_setters_check_their_arguments)
{
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_shard(cfg, 0, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_shard(cfg, 3, 3), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_shard(NULL, 0, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "x", 0.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "x", -1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "x", INFINITY), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "x", NAN), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "", 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(NULL, "x", 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, "x", 1.0), SMI_OK);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, NULL, 0.0), SMI_OK); /* clears */
    /* failed setters left the whole search in place, and no checkpoint file is made */
    smi_dataset *ds = random_dataset(5, 20, 6, 0);
    smi_search_result *res = run_ok(ds, cfg);
    ck_assert_uint_eq(smi_search_result_n_models(res), 63);
    ck_assert(!file_exists("x"));
    smi_search_result_free(res);
    smi_dataset_free(ds);
    smi_search_free(cfg);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * (b) Result files: exact round trip, refused damage
 * ------------------------------------------------------------------------------------ */

static smi_search_result *load_ok(const char *path)
{
    smi_search_result *res = NULL;
    int rc = smi_search_result_load(&res, path);
    ck_assert_msg(rc == SMI_OK, "load %s: %s", path, smi_last_error());
    return res;
}

static void save_ok(const smi_search_result *res, const char *path)
{
    int rc = smi_search_result_save(res, path);
    ck_assert_msg(rc == SMI_OK, "save %s: %s", path, smi_last_error());
}

static const size_t file_cases[] = { 2, 3 + 4 * 2, N_GRID, N_GRID + 1, N_GRID + 2,
                                     N_GRID + 3, N_GRID + 4, N_GRID + 5, N_GRID + 6 };

START_TEST(saved_results_load_identical_and_merge)
{
    search_case c = case_at(file_cases[_i]);
    smi_dataset *ds = case_dataset(&c);
    smi_search *cfg = make_config(&c, 2);
    smi_search_result *whole = run_ok(ds, cfg);
    make_test_dir();
    char a[512], b[512];
    path_in_dir(a, sizeof a, "whole.smr");
    path_in_dir(b, sizeof b, "again.smr");
    save_ok(whole, a);
    save_ok(whole, a); /* over an existing file */
    smi_search_result *loaded = load_ok(a);
    assert_same_result(whole, loaded, c.name);
    save_ok(loaded, b);
    size_t la, lb;
    char *ta = read_text(a, &la), *tb = read_text(b, &lb);
    ck_assert_msg(la == lb && memcmp(ta, tb, la) == 0, "%s: saved twice, files differ", c.name);
    ck_assert_msg(strncmp(ta, "libsparsemi-result 2\n", 21) == 0, "header: %.30s", ta);
    assert_same_identity(whole, loaded, ds, c.name);
    free(ta), free(tb);
    /* shards through files, merged */
    smi_search_result *parts[3];
    for (size_t i = 0; i < 3; i++) {
        char path[512], name[32];
        snprintf(name, sizeof name, "shard-%zu.smr", i);
        path_in_dir(path, sizeof path, name);
        smi_search_result *shard = run_shard(ds, &c, i, 3);
        save_ok(shard, path);
        smi_search_result_free(shard);
        parts[i] = load_ok(path);
    }
    smi_search_result *merged = merge_ok((const smi_search_result *const *)parts, 3);
    assert_same_result(whole, merged, c.name);
    assert_same_identity(whole, merged, ds, c.name); /* a merge is the whole search */
    ck_assert_uint_eq(count_files(".tmp."), 0);
    for (size_t i = 0; i < 3; i++)
        smi_search_result_free(parts[i]);
    smi_search_result_free(merged);
    smi_search_result_free(loaded);
    smi_search_result_free(whole);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

static void assert_refused(const char *path, int status, const char *what)
{
    smi_search_result *res = (smi_search_result *)&res;
    int rc = smi_search_result_load(&res, path);
    ck_assert_msg(rc == status, "%s: load gave %d (%s), expected %d", what, rc,
                  smi_last_error(), status);
    ck_assert_ptr_null(res);
    ck_assert_msg(strncmp(smi_last_error(), path, strlen(path)) == 0,
                  "%s: the message does not name the file: %s", what, smi_last_error());
}

/* CRC-32C (Castagnoli), bit by bit: the checksum that closes a saved file. */
static uint32_t crc32c_reference(const char *text, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned char)text[i];
        for (int bit = 0; bit < 8; bit++)
            crc = crc & 1u ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
    }
    return ~crc;
}

/* Write `text` with the first occurrence of `from` (at a line start) replaced by `to`, and
 * its checksum line made anew, so that the edit reaches the parser's own checks. */
static void write_edited(const char *path, const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "no '%s' in the file", from);
    size_t head = (size_t)(at - text), len = strlen(text);
    char *out = malloc(len + strlen(to) + 32);
    ck_assert_ptr_nonnull(out);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    char *sum = strstr(out, "\nchecksum ");
    if (sum) {
        size_t body = (size_t)(sum - out) + 1;
        snprintf(out + body, 32, "checksum %08lx\n",
                 (unsigned long)crc32c_reference(out, body));
    }
    write_text(path, out, strlen(out));
    free(out);
}

/* The text of the line that starts with `prefix`, its first number changed by `delta`. */
static void bump_first_number(const char *text, const char *prefix, long delta, char *from,
                              char *to, size_t cap)
{
    const char *at = strstr(text, prefix);
    ck_assert_msg(at != NULL, "no line '%s'", prefix);
    const char *num = at + strlen(prefix);
    unsigned long long v = strtoull(num, NULL, 10);
    size_t digits = strspn(num, "0123456789");
    char after = num[digits]; /* a blank or the line end keeps the match to one field */
    snprintf(from, cap, "%s%.*s%c", prefix, (int)digits, num, after);
    snprintf(to, cap, "%s%llu%c", prefix, v + (unsigned long long)delta, after);
}

START_TEST(damaged_result_files_are_refused)
{
    search_case c = case_at(N_GRID + 1);
    smi_dataset *ds = random_dataset(c.seed, c.n, c.p, 0);
    smi_search *cfg = make_config(&c, 1);
    smi_search_result *res = run_ok(ds, cfg);
    make_test_dir();
    char good[512], bad[512], from[128], to[128];
    path_in_dir(good, sizeof good, "good.smr");
    path_in_dir(bad, sizeof bad, "bad.smr");
    save_ok(res, good);
    size_t len;
    char *text = read_text(good, &len);
    for (size_t cut = 0; cut < len; cut++) { /* every proper prefix: a cut file */
        write_text(bad, text, cut);
        assert_refused(bad, SMI_EPARSE, "a cut file");
    }
    for (size_t at = 0; at < len; at++) { /* every byte changed: the checksum refuses it */
        char *changed = malloc(len);
        ck_assert_ptr_nonnull(changed);
        memcpy(changed, text, len);
        changed[at] = changed[at] == '7' ? '8' : '7';
        write_text(bad, changed, len);
        free(changed);
        assert_refused(bad, SMI_EPARSE, "a changed byte");
    }
    static const char *const prefixes[] = { "models ", "kept ", "nonzero ", "dos n " };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        bump_first_number(text, prefixes[i], 1, from, to, sizeof from);
        write_edited(bad, text, from, to);
        assert_refused(bad, SMI_EPARSE, prefixes[i]);
    }
    const char *dos = strstr(text, "\ndos n ");
    const char *count_line = strchr(dos + 1, '\n') + 1; /* "<bin> <count>" */
    char line[64];
    size_t ll = strcspn(count_line, "\n");
    snprintf(from, sizeof from, "\n%.*s\n", (int)ll, count_line);
    snprintf(line, sizeof line, "%.*s", (int)ll, count_line);
    unsigned long long bin = 0, count = 0;
    ck_assert_int_eq(sscanf(line, "%llu %llu", &bin, &count), 2);
    snprintf(to, sizeof to, "\n%llu %llu\n", bin, count + 10);
    write_edited(bad, text, from, to);
    assert_refused(bad, SMI_EPARSE, "a DOS count");
    write_edited(bad, text, "libsparsemi-result 2", "libsparsemi-result 1");
    assert_refused(bad, SMI_EPARSE, "another version");
    write_edited(bad, text, "\ntarget ", "\ntarget %0");
    assert_refused(bad, SMI_EPARSE, "a bad escape in a name");
    write_edited(bad, text, "\nfeature ", "\nfeaturex ");
    assert_refused(bad, SMI_EPARSE, "a feature line missing");
    bump_first_number(text, "config sizes ", 1000, from, to, sizeof from);
    write_edited(bad, text, from, to);
    assert_refused(bad, SMI_EPARSE, "a size range beyond p");
    write_edited(bad, text, "config criterion ", "config criterion aic-x ");
    assert_refused(bad, SMI_EPARSE, "an unknown criterion in the configuration");
    write_edited(bad, text, "criterion ", "criterion x");
    assert_refused(bad, SMI_EPARSE, "an unknown criterion");
    write_edited(bad, text, "\nend\n", "\nend\nmore\n");
    assert_refused(bad, SMI_EPARSE, "text after the end");
    write_text(bad, "a,b\n1,2\n", 8);
    assert_refused(bad, SMI_EPARSE, "a CSV file");
    path_in_dir(bad, sizeof bad, "missing.smr");
    assert_refused(bad, SMI_EIO, "a missing file");
    smi_search_result *loaded = load_ok(good); /* the good one still loads */
    assert_same_result(res, loaded, "after the damage tests");
    smi_search_result_free(loaded);
    /* saving into a folder that does not exist fails and leaves nothing */
    path_in_dir(bad, sizeof bad, "no-such-dir/r.smr");
    ck_assert_int_eq(smi_search_result_save(res, bad), SMI_EIO);
    ck_assert_int_eq(smi_search_result_save(NULL, good), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_save(res, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_load(NULL, good), SMI_EINVAL);
    ck_assert_uint_eq(count_files(".tmp."), 0);
    free(text);
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

/* A saved result changed in one field and sealed again with a matching checksum, refused
 * with a message that names `field`. */
static void assert_edit_refused(const char *path, const char *text, const char *from,
                                const char *to, const char *field)
{
    write_edited(path, text, from, to);
    assert_refused(path, SMI_EPARSE, field);
    ck_assert_msg(strstr(smi_last_error(), field) != NULL, "'%s' -> '%s': the message does not "
                  "name %s: %s", from, to, field, smi_last_error());
}

/* The line that starts with `prefix` (whole, with its newline) into line[cap]. */
static void line_of(const char *text, const char *prefix, char *line, size_t cap)
{
    const char *at = strstr(text, prefix);
    ck_assert_msg(at != NULL, "no line '%s'", prefix);
    size_t len = strcspn(at, "\n") + 1;
    ck_assert_uint_lt(len, cap);
    snprintf(line, cap, "%.*s", (int)len, at);
}

/* A result's counts are checked against its configuration: one forced feature of 12, sizes
 * 2 to 4, so C(11, 1) + C(11, 2) + C(11, 3) = 231 subsets, each scored or singular. */
START_TEST(resealed_results_with_inconsistent_counts_are_refused)
{
    search_case c = case_at(N_GRID + 1);
    ck_assert(c.p == 12 && c.keep && c.min_size == 2 && c.max_size == 4);
    smi_dataset *ds = random_dataset(c.seed, c.n, c.p, 0);
    smi_search *cfg = make_config(&c, 1);
    smi_search_result *res = run_ok(ds, cfg);
    ck_assert_uint_eq(smi_search_result_n_models(res) + smi_search_result_n_singular(res),
                      11 + 55 + 165);
    make_test_dir();
    char good[512], bad[512], from[256], to[256];
    path_in_dir(good, sizeof good, "good.smr");
    path_in_dir(bad, sizeof bad, "bad.smr");
    save_ok(res, good);
    size_t len;
    char *text = read_text(good, &len);
    unsigned long long models, singular, a, b;
    line_of(text, "models ", from, sizeof from);
    ck_assert_int_eq(sscanf(from, "models %llu singular %llu", &models, &singular), 2);
    snprintf(to, sizeof to, "models %llu singular %llu\n", models, singular + 1);
    assert_edit_refused(bad, text, from, to, "'singular'");
    /* a task no longer marked done: its subsets are still counted */
    const char *word = strstr(text, "\ndone\n") + 6;
    snprintf(from, sizeof from, "\ndone\n%.16s", word);
    unsigned digit = (unsigned)strtoul((char[]){ word[15], 0 }, NULL, 16);
    snprintf(to, sizeof to, "\ndone\n%.15s%x", word, digit & 1u ? digit - 1 : digit + 1);
    assert_edit_refused(bad, text, from, to, "'done'");
    /* another size range or forced feature: other subsets than those counted */
    line_of(text, "config sizes ", from, sizeof from);
    ck_assert_int_eq(sscanf(from, "config sizes %llu %llu", &a, &b), 2);
    snprintf(to, sizeof to, "config sizes %llu %llu%s", a + 1, b, strchr(from + 13, ' ')
             + strcspn(strchr(from + 13, ' ') + 1, " ") + 1);
    assert_edit_refused(bad, text, from, to, "inconsistent: 'tasks'");
    line_of(text, "config shard ", from, sizeof from);
    char *keep = strstr(from, " keep 1 ");
    ck_assert_ptr_nonnull(keep);
    snprintf(to, sizeof to, "%.*s keep 1 %llu\n", (int)(keep - from),
             from, strtoull(keep + 8, NULL, 10) + 1);
    assert_edit_refused(bad, text, from, to, "forced feature");
    line_of(text, "shards ", from, sizeof from);
    ck_assert_int_eq(sscanf(from, "shards %llu tasks %llu", &a, &b), 2);
    snprintf(to, sizeof to, "shards %llu tasks %llu\n", a, b + 1);
    assert_edit_refused(bad, text, from, to, "'tasks'");
    line_of(text, "dos-bins ", from, sizeof from);
    ck_assert_int_eq(sscanf(from, "dos-bins %llu", &a), 1);
    snprintf(to, sizeof to, "dos-bins %llu\n", a + 1);
    assert_edit_refused(bad, text, from, to, "'dos-bins'");
    smi_search_result *loaded = load_ok(good);
    assert_same_result(res, loaded, "after the resealed edits");
    smi_search_result_free(loaded);
    free(text);
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

/* Seal `body` with its CRC-32C checksum line and write it to path. */
static void write_sealed(const char *path, const char *body)
{
    char *text = malloc(strlen(body) + 32);
    ck_assert_ptr_nonnull(text);
    sprintf(text, "%schecksum %08lx\n", body,
            (unsigned long)crc32c_reference(body, strlen(body)));
    write_text(path, text, strlen(text));
    free(text);
}

/* Load path in a child process (as a result, or as the checkpoint of a search), which
 * must refuse it with SMI_EPARSE; returns the child's peak memory in KiB. */
static long load_in_child(const char *path, int checkpoint, const smi_dataset *ds)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int rc;
        smi_search *cfg = NULL;
        smi_search_result *res = NULL;
        if (checkpoint && (smi_search_create(&cfg) != SMI_OK
                           || smi_search_set_checkpoint(cfg, path, 1e9) != SMI_OK))
            _exit(3);
        rc = checkpoint ? smi_search_run(ds, cfg, &res) : smi_search_result_load(&res, path);
        if (rc != SMI_EPARSE)
            fprintf(stderr, "%s: status %d: %s\n", path, rc, smi_last_error());
        struct rusage ru;
        long kib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
        _exit(write(fds[1], &kib, sizeof kib) == sizeof kib && rc == SMI_EPARSE ? 0 : 1);
    }
    close(fds[1]);
    long kib = -1;
    ck_assert_int_eq(read(fds[0], &kib, sizeof kib), sizeof kib);
    close(fds[0]);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: not refused", path);
    return kib;
}

/* Files of a few hundred bytes claiming huge counts (top models, tasks, bins, features,
 * exact sums): refused before the reader allocates what they claim. Before, a 148-byte
 * result made the loader touch 1.3 GB (2^24 kept models) before it failed. */
START_TEST(short_files_claiming_huge_counts_are_refused_without_allocating_them)
{
    static const char *const results[] = {
        "features 10 max-size 2 top 16777216\nshards 1 tasks 1\ndos-bins 64\n",
        "features 10 max-size 2 top 10\nshards 1 tasks 67108864\ndos-bins 64\n",
        "features 10 max-size 2 top 10\nshards 1 tasks 1\ndos-bins 16777216\n",
        "features 2147483648 max-size 2147483647 top 10\nshards 1 tasks 1\ndos-bins 64\n",
        "features 10 max-size 2 top 10\nshards 1 tasks 1\ndos-edges 16777217\n0\n1\n",
    };
    make_test_dir();
    char path[512], body[512];
    path_in_dir(path, sizeof path, "huge.smr");
    smi_dataset *ds = random_dataset(5, 12, 3, 0);
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        for (int checkpoint = 0; checkpoint <= 1; checkpoint++) {
            snprintf(body, sizeof body, "libsparsemi-%s 2\nfingerprint 0123456789abcdef\n"
                     "criterion bic\n%sdone\n0000000000000001\nmodels 0 singular 0\n",
                     checkpoint ? "checkpoint" : "result", results[i]);
            write_sealed(path, body);
            long kib = load_in_child(path, checkpoint, ds);
            ck_assert_msg(kib < 200 * 1024, "case %zu (%s): the reader peaked at %ld KiB", i,
                          checkpoint ? "checkpoint" : "result", kib);
        }
    }
    /* exact sums of 2^24 accumulators of 4096 limbs, none of them written */
    snprintf(body, sizeof body, "libsparsemi-checkpoint 2\nfingerprint 0123456789abcdef\n"
             "criterion bic\nfeatures 3 max-size 3 top 10\nshards 1 tasks 1\ndos-bins 64\n"
             "done\n0000000000000000\nmodels 0 singular 0\ndos n 0 lo inf hi -inf exponent 0 "
             "base 0 below 0 above 0 nonzero 0\nposterior forced 0 min-size 0 q 0x1p-1\n"
             "sums 7 low 0 limbs 4096 nonzero 0\n");
    write_sealed(path, body);
    ck_assert_int_lt(load_in_child(path, 1, ds), 200 * 1024);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

/* ------------------------------------------------------------------------------------
 * (c) Checkpoints: canceled, killed, resumed; the same result as one uninterrupted run
 * ------------------------------------------------------------------------------------ */

typedef struct progress_log {
    int calls, cancel_after; /* cancel after that many calls (0: never) */
    double cancel_at;        /* or once the fraction reaches this (0: never) */
    double first, last;
    long sleep_us;           /* slows the run down (the kill test) */
} progress_log;

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

static int log_progress(void *user, double fraction)
{
    progress_log *log = user;
    if (log->calls++ == 0)
        log->first = fraction;
    log->last = fraction;
    if (log->sleep_us)
        sleep_us(log->sleep_us);
    return (log->cancel_after && log->calls >= log->cancel_after)
           || (log->cancel_at > 0.0 && fraction >= log->cancel_at);
}

static const search_case checkpoint_case = { "bic, p 18", 91, 40, 18, SMI_CRIT_BIC, 30, 64,
                                             0, 0, 1, 0, 0, 0 };

static int starts_with_file(const char *path, const char *prefix)
{
    size_t len;
    char *text = read_text(path, &len);
    int ok = strncmp(text, prefix, strlen(prefix)) == 0;
    free(text);
    return ok;
}

/* Run with a checkpoint on `threads`, canceled by the progress callback, then resume on
 * `resume_threads` and once more on the finished checkpoint; both must give `want`. Returns
 * 0 when there was nothing to cancel: with several threads, the others may finish the
 * whole search before the calling thread, which alone reports progress, ends a task. */
static int cancel_then_resume(const smi_dataset *ds, const search_case *c, const char *path,
                              size_t threads, size_t resume_threads, const smi_search_result *want)
{
    unlink(path);
    smi_search *cfg = make_config(c, threads);
    /* cancel by count or by fraction, whichever comes first */
    progress_log log = { .cancel_after = 40, .cancel_at = 0.3 };
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, path, 1e-3), SMI_OK);
    ck_assert_int_eq(smi_search_set_progress(cfg, log_progress, &log), SMI_OK);
    smi_search_result *res = (smi_search_result *)&res;
    int rc = smi_search_run(ds, cfg, &res);
    /* With several threads on a busy machine, the other threads can finish every task
     * before the caller's callback asks to stop: then there was nothing to cancel. */
    if (rc == SMI_OK && threads > 1 && log.last == 1.0) {
        assert_same_result(want, res, "not canceled");
        smi_search_result_free(res);
        smi_search_free(cfg);
        return 0;
    }
    ck_assert_msg(rc == SMI_ECANCELED, "threads %zu: status %d after %d progress calls",
                  threads, rc, log.calls);
    ck_assert_ptr_null(res);
    ck_assert(starts_with_file(path, "libsparsemi-checkpoint 2\n"));
    assert_refused(path, SMI_EPARSE, "a checkpoint loaded as a result");
    double at_cancel = log.last;
    /* resume on another thread count: it starts where the canceled run stopped */
    progress_log resumed = { 0 };
    ck_assert_int_eq(smi_search_set_threads(cfg, resume_threads), SMI_OK);
    ck_assert_int_eq(smi_search_set_progress(cfg, log_progress, &resumed), SMI_OK);
    smi_search_result *got = run_ok(ds, cfg);
    ck_assert_msg(at_cancel < 1.0 ? resumed.first > at_cancel : resumed.first == 1.0,
                  "resumed at %g, canceled at %g", resumed.first, at_cancel);
    assert_same_result(want, got, "canceled and resumed");
    smi_search_result_free(got);
    /* the file now holds the finished search: a third run only refits */
    progress_log finished = { 0 };
    ck_assert_int_eq(smi_search_set_progress(cfg, log_progress, &finished), SMI_OK);
    got = run_ok(ds, cfg);
    ck_assert_msg(finished.calls == 1 && finished.first == 1.0,
                  "a finished checkpoint: %d progress calls, first %g", finished.calls,
                  finished.first);
    assert_same_result(want, got, "run again on a finished checkpoint");
    smi_search_result_free(got);
    smi_search_free(cfg);
    return 1;
}

START_TEST(canceled_checkpointed_run_resumes_to_the_same_result)
{
    static const size_t threads[][2] = { { 1, 1 }, { 2, 3 }, { 4, 1 } }; /* cancel, resume */
    const search_case *c = &checkpoint_case;
    smi_dataset *ds = random_dataset(c->seed, c->n, c->p, 0);
    smi_search *plain = make_config(c, 1);
    smi_search_result *want = run_ok(ds, plain);
    make_test_dir();
    char path[512];
    path_in_dir(path, sizeof path, "run.ckpt");
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
        ck_assert(cancel_then_resume(ds, c, path, threads[t][0], threads[t][1], want)
                  || threads[t][0] > 1);
    ck_assert_uint_eq(count_files(".tmp."), 0);
    smi_search_result_free(want);
    smi_search_free(plain);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

START_TEST(checkpoint_of_another_search_is_left_alone)
{
    const search_case *c = &checkpoint_case;
    smi_dataset *ds = random_dataset(c->seed, c->n, c->p, 0);
    smi_dataset *other = random_dataset(c->seed + 1, c->n, c->p, 0);
    make_test_dir();
    char path[512], junk[512];
    path_in_dir(path, sizeof path, "run.ckpt");
    path_in_dir(junk, sizeof junk, "junk.ckpt");
    /* shard 1 of 3 with a checkpoint equals shard 1 of 3 without */
    smi_search *cfg = make_config(c, 2);
    ck_assert_int_eq(smi_search_set_shard(cfg, 1, 3), SMI_OK);
    smi_search_result *want = run_ok(ds, cfg);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, path, 1e-3), SMI_OK);
    smi_search_result *got = run_ok(ds, cfg);
    assert_same_result(want, got, "shard 1 of 3 with a checkpoint");
    size_t len0, len1;
    char *before = read_text(path, &len0);
    /* other data, another shard, another count, another configuration: refused, untouched */
    smi_search_result *res = (smi_search_result *)&res;
    ck_assert_int_eq(smi_search_run(other, cfg, &res), SMI_EINVAL);
    ck_assert_ptr_null(res);
    ck_assert_msg(strstr(smi_last_error(), path) != NULL, "message: %s", smi_last_error());
    ck_assert_int_eq(smi_search_set_shard(cfg, 2, 3), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_shard(cfg, 1, 2), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_shard(cfg, 1, 3), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, 31), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EINVAL);
    char *after = read_text(path, &len1);
    ck_assert_msg(len0 == len1 && memcmp(before, after, len0) == 0, "the checkpoint changed");
    free(before), free(after);
    /* a file that is no checkpoint: refused as damaged, untouched */
    write_text(junk, "not a checkpoint\n", 17);
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, junk, 1.0), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EPARSE);
    ck_assert(starts_with_file(junk, "not a checkpoint\n"));
    /* a folder that does not exist: refused at the start */
    path_in_dir(junk, sizeof junk, "no-such-dir/run.ckpt");
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, junk, 1.0), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EIO);
    smi_search_result_free(want), smi_search_result_free(got);
    smi_search_free(cfg);
    smi_dataset_free(ds), smi_dataset_free(other);
    remove_test_dir();
}
END_TEST

/* Remove the temporary files a killed writer may leave (PATH.tmp.<random>). */
static void remove_temporaries(void)
{
    DIR *d = opendir(test_dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.")) {
            snprintf(path, sizeof path, "%s/%s", test_dir, e->d_name);
            unlink(path);
        }
    }
    if (d)
        closedir(d);
}

/* The checkpoint is absent or whole: its header, "end", then its checksum line, which
 * holds the CRC-32C of everything before it (computed here, bit by bit). Returns whether
 * it is there. */

static int assert_absent_or_whole(const char *path)
{
    if (!file_exists(path))
        return 0;
    size_t len;
    char *text = read_text(path, &len);
    ck_assert_msg(strncmp(text, "libsparsemi-checkpoint 2\n", 25) == 0, "header: %.30s", text);
    const char *last = strstr(text, "\nend\nchecksum ");
    ck_assert_msg(last != NULL, "the file is cut");
    size_t body = (size_t)(last - text) + 5;
    unsigned long crc = strtoul(text + body + 9, NULL, 16);
    ck_assert_msg(len == body + 18 && crc == crc32c_reference(text, body), "the file is cut");
    free(text);
    return 1;
}

START_TEST(killed_checkpointed_run_resumes_to_the_same_result)
{
    const search_case c = { "fe, p 20", 93, 60, 20, SMI_CRIT_FE, 50, 128, 0, 0, 1, 0, 0, 0 };
    smi_dataset *ds = random_dataset(c.seed, c.n, c.p, 0);
    smi_search *cfg = make_config(&c, 2);
    smi_search_result *want = run_ok(ds, cfg);
    make_test_dir();
    char path[512];
    path_in_dir(path, sizeof path, "killed.ckpt");
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, path, 0.05), SMI_OK);
    static const long kill_after_us[] = { 200000, 330000, 470000 };
    int found = 0;
    for (size_t round = 0; round < 3; round++) {
        unlink(path);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            /* The child: one thread, whose progress callback sleeps 300 us after each of
             * the ~4000 tasks, so that the run lasts over a second and the kill lands in
             * the middle of it (a second thread would not sleep and finish early). */
            progress_log slow = { .sleep_us = 300 };
            smi_search_set_progress(cfg, log_progress, &slow);
            smi_search_set_threads(cfg, 1);
            smi_search_result *res;
            _exit(smi_search_run(ds, cfg, &res) == SMI_OK ? 0 : 1);
        }
        sleep_us(kill_after_us[round]);
        kill(pid, SIGKILL);
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                      "the child ended before it was killed (status %d)", status);
        found += assert_absent_or_whole(path);
        remove_temporaries();
        smi_search_result *got = run_ok(ds, cfg);
        assert_same_result(want, got, "killed and resumed");
        smi_search_result_free(got);
    }
    ck_assert_msg(found > 0, "no kill left a checkpoint to resume from");
    smi_search_result_free(want);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

/* A finished checkpoint with one task no longer marked done, its checksum made anew: a run
 * resumed from it would score that task again, more subsets than exist (2^18 - 1 here);
 * it is refused, naming the counts, and left as it is. */
START_TEST(resealed_damaged_checkpoint_is_refused)
{
    const search_case *c = &checkpoint_case;
    ck_assert(c->p == 18 && c->min_size <= 1 && c->max_size == 0 && !c->keep);
    smi_dataset *ds = random_dataset(c->seed, c->n, c->p, 0);
    smi_search *cfg = make_config(c, 2);
    make_test_dir();
    char path[512], from[256], to[256];
    path_in_dir(path, sizeof path, "run.ckpt");
    ck_assert_int_eq(smi_search_set_checkpoint(cfg, path, 1e9), SMI_OK);
    smi_search_result *want = run_ok(ds, cfg);
    ck_assert_uint_eq(smi_search_result_n_models(want) + smi_search_result_n_singular(want),
                      (1u << 18) - 1);
    size_t len;
    char *text = read_text(path, &len);
    const char *word = strstr(text, "\ndone\n") + 6;
    ck_assert(strncmp(word, "ffffffffffffffff", 16) == 0);
    snprintf(from, sizeof from, "\ndone\n%.16s", word);
    snprintf(to, sizeof to, "\ndone\n%.15se", word); /* task 0 not done */
    write_edited(path, text, from, to);
    smi_search_result *res = (smi_search_result *)&res;
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EPARSE);
    ck_assert_ptr_null(res);
    ck_assert_msg(strstr(smi_last_error(), path) && strstr(smi_last_error(), "'models'")
                  && strstr(smi_last_error(), "'done'"), "message: %s", smi_last_error());
    char *after = read_text(path, &len);
    ck_assert_msg(strncmp(after, text, (size_t)(word - text)) == 0, "the checkpoint changed");
    free(after);
    /* the counts changed instead of the tasks */
    line_of(text, "models ", from, sizeof from);
    unsigned long long models, singular;
    ck_assert_int_eq(sscanf(from, "models %llu singular %llu", &models, &singular), 2);
    snprintf(to, sizeof to, "models %llu singular %llu\n", models, singular + 1);
    write_edited(path, text, from, to);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EPARSE);
    ck_assert_msg(strstr(smi_last_error(), "'singular'"), "message: %s", smi_last_error());
    /* the checkpoint as written resumes to the same result */
    write_text(path, text, strlen(text));
    smi_search_result *got = run_ok(ds, cfg);
    assert_same_result(want, got, "resumed from the finished checkpoint");
    free(text);
    smi_search_result_free(got), smi_search_result_free(want);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    remove_test_dir();
}
END_TEST

/* ------------------------------------------------------------------------------------ */

static Suite *shards_suite(void)
{
    Suite *s = suite_create("shards");
    TCase *tc = tcase_create("merge");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, shards_merged_equal_the_whole, 0, (int)N_CASES);
    tcase_add_test(tc, merge_refuses_parts_that_do_not_belong_together);
    tcase_add_test(tc, shard_and_checkpoint_setters_check_their_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, saved_results_load_identical_and_merge, 0,
                        (int)(sizeof file_cases / sizeof file_cases[0]));
    tcase_add_test(tc, damaged_result_files_are_refused);
    tcase_add_test(tc, resealed_results_with_inconsistent_counts_are_refused);
    tcase_add_test(tc, short_files_claiming_huge_counts_are_refused_without_allocating_them);
    suite_add_tcase(s, tc);

    tc = tcase_create("checkpoints");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, canceled_checkpointed_run_resumes_to_the_same_result);
    tcase_add_test(tc, checkpoint_of_another_search_is_left_alone);
    tcase_add_test(tc, killed_checkpointed_run_resumes_to_the_same_result);
    tcase_add_test(tc, resealed_damaged_checkpoint_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shards_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
