/* The time limit of a search and the clamp of remc's threads, through the public header:
 *  - smi_search_set_max_time / get_max_time and set_estimate / get_estimate: the default
 *    (one day, as the header documents), values read back, bad values refused unchanged,
 *    copies keeping both;
 *  - a search over p = 62 features (2^62 - 1 subsets, a closed form) is refused quickly with
 *    SMI_ETOOLARGE and the estimate in the message; p = 63, 64 and 70 (2^p - 1 subsets,
 *    beyond a 64-bit count's range used by the plan) are refused before any estimate;
 *  - a tiny limit refuses a small search, and no limit (0, infinity) or the default runs it;
 *    the estimate callback gets the exact number of subsets and can cancel;
 *  - smi_remc_set_threads stores at most SMI_REMC_MAX_REPLICAS. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "sparsemi.h"
#include "testutil.h"

#define CK_OK(expr) ck_assert_msg((expr) == SMI_OK, "%s: %s", #expr, smi_last_error())

typedef struct seen {
    int calls;
    double subsets, seconds;
    int cancel;
} seen;

static int record_estimate(void *user, double subsets, double seconds)
{
    seen *s = user;
    s->calls++;
    s->subsets = subsets;
    s->seconds = seconds;
    return s->cancel;
}

/* n rows of p standard normal features and a normal target, seeded. */
static smi_dataset *random_dataset(size_t n, size_t p, uint64_t seed)
{
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    ck_assert(X && y);
    for (size_t i = 0; i < n * p; i++)
        X[i] = tu_normal(&seed);
    for (size_t i = 0; i < n; i++)
        y[i] = tu_normal(&seed);
    smi_dataset *ds = NULL;
    CK_OK(smi_dataset_create(&ds, n, p, X, y, NULL, NULL));
    free(X);
    free(y);
    return ds;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

START_TEST(max_time_setter_and_getter)
{
    smi_search *cfg = NULL, *copy = NULL;
    CK_OK(smi_search_create(&cfg));
    double t = -1.0;
    CK_OK(smi_search_get_max_time(cfg, &t));
    ck_assert_double_eq(t, 86400.0); /* one day, the header's default */
    ck_assert_double_eq(SMI_SEARCH_MAX_TIME_DEFAULT, 86400.0);
    smi_estimate_fn fn = record_estimate;
    void *user = &t;
    CK_OK(smi_search_get_estimate(cfg, &fn, &user));
    ck_assert(fn == NULL);
    ck_assert_ptr_null(user);

    const double good[] = { 2.5, 0.0, INFINITY, 1e9 };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CK_OK(smi_search_set_max_time(cfg, good[i]));
        CK_OK(smi_search_get_max_time(cfg, &t));
        ck_assert_double_eq(t, good[i]);
    }
    CK_OK(smi_search_set_max_time(cfg, 7.0));
    const double bad[] = { -1.0, -INFINITY, NAN };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(smi_search_set_max_time(cfg, bad[i]), SMI_EINVAL);
        ck_assert(strstr(smi_last_error(), "maximum time") != NULL);
        CK_OK(smi_search_get_max_time(cfg, &t));
        ck_assert_double_eq(t, 7.0);
    }
    seen s = { 0 };
    CK_OK(smi_search_set_estimate(cfg, record_estimate, &s));
    CK_OK(smi_search_copy(&copy, cfg));
    smi_search_free(cfg);
    CK_OK(smi_search_get_max_time(copy, &t));
    ck_assert_double_eq(t, 7.0);
    CK_OK(smi_search_get_estimate(copy, &fn, &user));
    ck_assert(fn == record_estimate);
    ck_assert_ptr_eq(user, &s);
    ck_assert_int_eq(smi_search_get_max_time(copy, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_search_get_max_time(NULL, &t), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_max_time(NULL, 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_get_estimate(copy, NULL, &user), SMI_EINVAL);
    smi_search_free(copy);
}
END_TEST

/* 2^62 - 1 subsets: refused at once (the plan and a sample of ~20 ms), with the estimate. */
START_TEST(p62_is_refused_quickly_with_the_estimate)
{
    smi_dataset *ds = random_dataset(70, 62, 1);
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    seen s = { 0 };
    CK_OK(smi_search_set_estimate(cfg, record_estimate, &s));
    smi_search_result *res = (smi_search_result *)&s;
    double start = seconds_now();
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_ETOOLARGE);
    double took = seconds_now() - start;
    ck_assert_ptr_null(res);
    ck_assert_msg(took < 10.0, "the refusal took %g s", took);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_double_eq(s.subsets, ldexp(1.0, 62) - 1.0); /* rounds to 2^62 */
    ck_assert_msg(s.seconds > 86400.0, "estimate %g s", s.seconds);
    const char *msg = smi_last_error();
    ck_assert_msg(strstr(msg, "would take about") && strstr(msg, "4.612e+18 subsets") &&
                      strstr(msg, "time limit of 8.64e+04 s"), "message: %s", msg);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* 2^p - 1 subsets for p = 63, 64, 70: more than the plan counts, refused before sampling. */
START_TEST(more_subsets_than_a_count_holds)
{
    const size_t ps[] = { 63, 64, 70 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        smi_dataset *ds = random_dataset(80, ps[i], 2 + i);
        smi_search *cfg = NULL;
        CK_OK(smi_search_create(&cfg));
        CK_OK(smi_search_set_max_time(cfg, 0.0)); /* no limit: the count itself refuses */
        seen s = { 0 };
        CK_OK(smi_search_set_estimate(cfg, record_estimate, &s));
        smi_search_result *res = NULL;
        ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_ETOOLARGE);
        ck_assert_ptr_null(res);
        ck_assert_int_eq(s.calls, 0);
        ck_assert_msg(strstr(smi_last_error(), "too many to enumerate") != NULL, "%s",
                      smi_last_error());
        smi_search_free(cfg);
        smi_dataset_free(ds);
    }
}
END_TEST

/* 2^12 - 1 = 4095 subsets: a limit far below any real run refuses it; none runs it. */
START_TEST(tiny_limit_refuses_and_no_limit_runs)
{
    smi_dataset *ds = random_dataset(40, 12, 9);
    smi_search *cfg = NULL;
    CK_OK(smi_search_create(&cfg));
    seen s = { 0 };
    CK_OK(smi_search_set_estimate(cfg, record_estimate, &s));
    smi_search_result *res = NULL;
    CK_OK(smi_search_set_max_time(cfg, 1e-12));
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_ETOOLARGE);
    ck_assert_ptr_null(res);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_double_eq(s.subsets, 4095.0);
    ck_assert(s.seconds > 1e-12);
    ck_assert(strstr(smi_last_error(), "4095 subsets") != NULL);

    const double none[] = { 0.0, INFINITY, SMI_SEARCH_MAX_TIME_DEFAULT };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        CK_OK(smi_search_set_max_time(cfg, none[i]));
        s.calls = 0;
        CK_OK(smi_search_run(ds, cfg, &res));
        ck_assert_int_eq(s.calls, 1); /* the estimate is given with no limit too */
        ck_assert_double_eq(s.subsets, 4095.0);
        smi_search_result_free(res);
        res = NULL;
    }
    s.cancel = 1; /* a nonzero return cancels */
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_ECANCELED);
    ck_assert_ptr_null(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(remc_threads_are_clamped)
{
    smi_remc *cfg = NULL;
    CK_OK(smi_remc_create(&cfg));
    const size_t asked[] = { 0, 7, SMI_REMC_MAX_REPLICAS, SMI_REMC_MAX_REPLICAS + 1, 100000,
                             SIZE_MAX };
    const size_t stored[] = { 0, 7, SMI_REMC_MAX_REPLICAS, SMI_REMC_MAX_REPLICAS,
                              SMI_REMC_MAX_REPLICAS, SMI_REMC_MAX_REPLICAS };
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        size_t t = 12345;
        CK_OK(smi_remc_set_threads(cfg, asked[i]));
        CK_OK(smi_remc_get_threads(cfg, &t));
        ck_assert_uint_eq(t, stored[i]);
    }
    ck_assert_uint_eq(SMI_REMC_MAX_REPLICAS, 256);
    smi_remc_free(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search-time");
    TCase *tc = tcase_create("search-time");
    tcase_add_test(tc, max_time_setter_and_getter);
    tcase_add_test(tc, p62_is_refused_quickly_with_the_estimate);
    tcase_add_test(tc, more_subsets_than_a_count_holds);
    tcase_add_test(tc, tiny_limit_refuses_and_no_limit_runs);
    tcase_add_test(tc, remc_threads_are_clamped);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
