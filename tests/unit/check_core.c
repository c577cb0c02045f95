/* Core: version, status names, per-thread last error, the random generator (and the tests'
 * own implementation of it in testutil.h). */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "testutil.h"

START_TEST(version_matches_macros)
{
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", SMI_VERSION_MAJOR, SMI_VERSION_MINOR,
             SMI_VERSION_PATCH);
    ck_assert_str_eq(smi_version_string(), expected);
    ck_assert_int_eq(smi_version_number(), SMI_VERSION_MAJOR * 10000 + SMI_VERSION_MINOR * 100
                                               + SMI_VERSION_PATCH);
}
END_TEST

START_TEST(every_status_has_its_own_name)
{
    static const int codes[] = { SMI_OK, SMI_EINVAL, SMI_ENOMEM, SMI_EIO, SMI_EPARSE,
                                 SMI_ENONFINITE, SMI_ERAGGED, SMI_EEMPTY, SMI_ETOOFEW,
                                 SMI_ENOTFOUND, SMI_ECONSTANT, SMI_EDUPLICATE, SMI_ESINGULAR,
                                 SMI_ENOCONV, SMI_ECANCELED, SMI_ETOOLARGE };
    size_t count = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < count; i++) {
        ck_assert_int_eq(codes[i], -(int)i); /* codes are dense and never renumbered */
        const char *name = smi_strerror(codes[i]);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_ne(name, "unknown status");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(name, smi_strerror(codes[j]));
    }
    ck_assert_str_eq(smi_strerror(1), "unknown status");
    ck_assert_str_eq(smi_strerror(-(int)count), "unknown status");
    ck_assert_str_eq(smi_strerror(-2147483647 - 1), "unknown status");
}
END_TEST

START_TEST(long_messages_are_cut_not_overrun)
{
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(smi_error_set(SMI_EINVAL, "%s", big), SMI_EINVAL);
    size_t len = strlen(smi_last_error());
    ck_assert_uint_gt(len, 500);
    ck_assert_uint_lt(len, sizeof big - 1);
}
END_TEST

/* Two threads set and read their messages in lock step; each must always see its own. */
enum { ROUNDS = 2000 };
static pthread_barrier_t barrier;

static void *error_worker(void *arg)
{
    int id = *(int *)arg, *failures = malloc(sizeof *failures);
    *failures = 0;
    char mine[64];
    for (int round = 0; round < ROUNDS; round++) {
        snprintf(mine, sizeof mine, "thread %d round %d", id, round);
        smi_error_set(SMI_EINVAL, "thread %d round %d", id, round);
        pthread_barrier_wait(&barrier); /* both have written */
        *failures += strcmp(smi_last_error(), mine) != 0;
        pthread_barrier_wait(&barrier); /* both have read */
    }
    return failures;
}

START_TEST(last_error_is_per_thread)
{
    pthread_t threads[2];
    int ids[2] = { 1, 2 };
    ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int t = 0; t < 2; t++)
        ck_assert_int_eq(pthread_create(&threads[t], NULL, error_worker, &ids[t]), 0);
    for (int t = 0; t < 2; t++) {
        void *result;
        pthread_join(threads[t], &result);
        ck_assert_int_eq(*(int *)result, 0);
        free(result);
    }
    pthread_barrier_destroy(&barrier);
}
END_TEST

/* Outputs of the reference xoshiro256** from the state {1, 2, 3, 4}, as published with
 * the reference code and reproduced by independent ports. */
static const uint64_t xoshiro_reference[] = {
    UINT64_C(11520), UINT64_C(0), UINT64_C(1509978240), UINT64_C(1215971899390074240),
    UINT64_C(1216172134540287360), UINT64_C(607988272756665600),
    UINT64_C(16172922978634559625), UINT64_C(8476171486693032832),
    UINT64_C(10595114339597558777), UINT64_C(2904607092377533576),
};

/* splitmix64 from state 0 (Vigna's reference splitmix64.c). */
static const uint64_t splitmix_reference[] = {
    UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
    UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ec),
};

START_TEST(rng_matches_the_reference_outputs)
{
    smi_rng rng = { { 1, 2, 3, 4 } };
    for (size_t i = 0; i < sizeof xoshiro_reference / sizeof xoshiro_reference[0]; i++)
        ck_assert_uint_eq(smi_rng_next(&rng), xoshiro_reference[i]);
}
END_TEST

START_TEST(rng_seeding_is_splitmix64)
{
    smi_rng rng;
    smi_rng_seed(&rng, 0);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(rng.s[i], splitmix_reference[i]);
}
END_TEST

START_TEST(rng_bounded_integers_are_uniform)
{
    /* Chi-square over 7 cells with 70 000 draws: 6 degrees of freedom, and 22.46 is the
     * 0.999 quantile. The seed is fixed, so the test is deterministic. */
    enum { CELLS = 7, DRAWS = 70000 };
    size_t count[CELLS] = { 0 };
    smi_rng rng;
    smi_rng_seed(&rng, 42);
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = smi_rng_below(&rng, CELLS);
        ck_assert_uint_lt(v, CELLS);
        count[v]++;
    }
    double expected = (double)DRAWS / CELLS, chi2 = 0.0;
    for (int c = 0; c < CELLS; c++)
        chi2 += (count[c] - expected) * (count[c] - expected) / expected;
    ck_assert_double_lt(chi2, 22.46);
    for (int i = 0; i < 1000; i++) {
        double u = smi_rng_uniform(&rng);
        ck_assert(u >= 0.0 && u < 1.0);
    }
    ck_assert_uint_eq(smi_rng_below(&rng, 1), 0);
}
END_TEST

START_TEST(rng_permutation_is_a_permutation)
{
    enum { N = 1000 };
    size_t perm[N];
    int seen[N] = { 0 };
    smi_rng rng;
    smi_rng_seed(&rng, 7);
    smi_rng_permutation(&rng, perm, N);
    size_t fixed = 0;
    for (size_t i = 0; i < N; i++) {
        ck_assert_uint_lt(perm[i], N);
        seen[perm[i]]++;
        fixed += perm[i] == i;
    }
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_uint_lt(fixed, 10); /* a random permutation has 1 fixed point on average */
}
END_TEST

/* The tests' own implementation of the documented generator and fold permutation
 * (testutil.h), which the CV tests use as the source of truth for the folds of a run:
 * against the same published outputs, its 128-bit product against the compiler's, and its
 * bounded draws and permutations against the library's, bounds that reject included. */
START_TEST(test_helpers_reproduce_the_documented_generator)
{
    tu_xoshiro g = { { 1, 2, 3, 4 } };
    for (size_t i = 0; i < sizeof xoshiro_reference / sizeof xoshiro_reference[0]; i++)
        ck_assert_uint_eq(tu_xoshiro_next(&g), xoshiro_reference[i]);
    tu_xoshiro_seed(&g, 0);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(g.s[i], splitmix_reference[i]);

    __extension__ typedef unsigned __int128 u128;
    static const uint64_t factors[] = { 0, 1, 3, 0xffffffffULL, 0x100000000ULL,
                                        0x9e3779b97f4a7c15ULL, UINT64_MAX };
    for (size_t a = 0; a < 7; a++)
        for (size_t b = 0; b < 7; b++) {
            uint64_t hi, lo;
            tu_mul128(factors[a], factors[b], &hi, &lo);
            u128 want = (u128)factors[a] * factors[b];
            ck_assert_uint_eq(hi, (uint64_t)(want >> 64));
            ck_assert_uint_eq(lo, (uint64_t)want);
        }

    static const uint64_t bounds[] = { 1, 2, 3, 7, 1000, (UINT64_C(1) << 63) + 1, UINT64_MAX };
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        smi_rng rng;
        smi_rng_seed(&rng, 99 + b);
        tu_xoshiro_seed(&g, 99 + b);
        for (int i = 0; i < 2000; i++)
            ck_assert_uint_eq(tu_xoshiro_below(&g, bounds[b]), smi_rng_below(&rng, bounds[b]));
    }

    enum { N = 257 };
    size_t mine[N], theirs[N];
    static const uint64_t seeds[] = { 0, 1, 12345, UINT64_MAX };
    static const size_t lengths[] = { 0, 1, 2, 23, N };
    for (size_t s = 0; s < 4; s++)
        for (size_t l = 0; l < 5; l++) {
            smi_rng rng;
            smi_rng_seed(&rng, seeds[s]);
            smi_rng_permutation(&rng, theirs, lengths[l]);
            tu_permutation(seeds[s], lengths[l], mine);
            for (size_t i = 0; i < lengths[l]; i++)
                ck_assert_uint_eq(mine[i], theirs[i]);
        }
}
END_TEST

/* smi_lgamma against closed forms (Gamma(1/2) = sqrt(pi), Gamma(n) = (n-1)!) and against the
 * C library's lgamma on both sides of the switch to Stirling's series at 171. */
/* The published check values of CRC-32C (RFC 3720, appendix B.4; the "123456789" check of
 * the CRC catalogue) and of FNV-1a 64 (the empty string and "a"). */
START_TEST(checksums_match_published_values)
{
    ck_assert_uint_eq(smi_crc32c("123456789", 9), 0xe3069283u);
    unsigned char zeros[32] = { 0 }, ones[32], up[32];
    memset(ones, 0xff, sizeof ones);
    for (int i = 0; i < 32; i++)
        up[i] = (unsigned char)i;
    ck_assert_uint_eq(smi_crc32c(zeros, 32), 0x8a9136aau);
    ck_assert_uint_eq(smi_crc32c(ones, 32), 0x62a8ab43u);
    ck_assert_uint_eq(smi_crc32c(up, 32), 0x46dd794eu);
    ck_assert_uint_eq(smi_crc32c("", 0), 0u);
    smi_fnv f = smi_fnv_start();
    ck_assert_uint_eq(f.h, 0xcbf29ce484222325ull);
    smi_fnv_byte(&f, 'a');
    ck_assert_uint_eq(f.h, 0xaf63dc4c8601ec8cull);
}
END_TEST

START_TEST(lgamma_is_exact)
{
    ck_assert_double_eq_tol(smi_lgamma(0.5), 0.5 * log(3.14159265358979323846), 1e-15);
    ck_assert_double_eq_tol(smi_lgamma(1.0), 0.0, 1e-16);
    ck_assert_double_eq_tol(smi_lgamma(2.0), 0.0, 1e-16);
    ck_assert_double_eq_tol(smi_lgamma(11.0), log(3628800.0), 1e-14);
    const double xs[] = { 1e-6, 0.3, 3.7, 50.5, 170.9, 171.0, 171.1, 500.25, 1e4, 1e7 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double want = lgamma(xs[k]);
        ck_assert_msg(fabs(smi_lgamma(xs[k]) - want) <= 4e-16 * fmax(1.0, fabs(want)),
                      "x = %g: %.17g against %.17g", xs[k], smi_lgamma(xs[k]), want);
    }
}
END_TEST

/* The incomplete gamma function against closed forms: P(1, z) = 1 - e^-z,
 * P(1/2, z) = erf(sqrt z), P(2, z) = 1 - (1 + z) e^-z, on both sides of z = a + 1 (the
 * series and the continued fraction), and P + Q = 1. */
START_TEST(incomplete_gamma_matches_closed_forms)
{
    const double zs[] = { 1e-3, 0.1, 0.7, 1.4, 2.5, 6.0, 20.0, 60.0 };
    for (size_t k = 0; k < sizeof zs / sizeof zs[0]; k++) {
        double z = zs[k];
        double want[3] = { -expm1(-z), erf(sqrt(z)), 1.0 - (1.0 + z) * exp(-z) };
        double a[3] = { 1.0, 0.5, 2.0 };
        for (int i = 0; i < 3; i++) {
            double p = smi_incomplete_gamma(a[i], z, 0), q = smi_incomplete_gamma(a[i], z, 1);
            ck_assert_msg(fabs(p - want[i]) <= 1e-14, "P(%g, %g) = %.17g, not %.17g", a[i], z,
                          p, want[i]);
            ck_assert_msg(fabs(q - (1.0 - want[i])) <= 1e-14, "Q(%g, %g) = %.17g", a[i], z, q);
        }
    }
    ck_assert_msg(fabs(smi_incomplete_gamma(1.0, 30.0, 1) - exp(-30.0)) <= 1e-14 * exp(-30.0),
                  "Q(1, 30) relative");
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, version_matches_macros);
    tcase_add_test(tc, every_status_has_its_own_name);
    tcase_add_test(tc, long_messages_are_cut_not_overrun);
    tcase_add_test(tc, last_error_is_per_thread);
    tcase_add_test(tc, rng_matches_the_reference_outputs);
    tcase_add_test(tc, rng_seeding_is_splitmix64);
    tcase_add_test(tc, rng_bounded_integers_are_uniform);
    tcase_add_test(tc, rng_permutation_is_a_permutation);
    tcase_add_test(tc, test_helpers_reproduce_the_documented_generator);
    tcase_add_test(tc, lgamma_is_exact);
    tcase_add_test(tc, incomplete_gamma_matches_closed_forms);
    tcase_add_test(tc, checksums_match_published_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(core_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
