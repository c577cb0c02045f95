/* The exact sums of the model posterior (lib/search/store/xbank.c): exact results on sums with
 * closed forms, independence of the order of the terms, and bounded ranges when two banks
 * are folded into each other in turn many times (as a histogram and its rebinning buffer
 * are), which once widened them without end. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "search/search.h"

START_TEST(closed_forms_are_exact)
{
    smi_xbank b;
    smi_xbank_init(&b, 2, "test");
    /* sum_{k=1}^{60} 2^-k = 1 - 2^-60, in terms spread over limbs, read back to 1e-16 */
    for (int k = 1; k <= 60; k++)
        ck_assert_int_eq(smi_xbank_add(&b, 0, 1.0, -k), SMI_OK);
    ck_assert_double_eq_tol(smi_xbank_log(&b, 0), log1p(-0x1p-60), 1e-16);
    /* 3e6 copies of 0.1 (a double that 0.1 is not) times 2^500: exactly 3e6 * 0.1 2^500 */
    for (int i = 0; i < 3000000; i++)
        ck_assert_int_eq(smi_xbank_add(&b, 1, 0.1, 500), SMI_OK);
    ck_assert_double_eq_tol(smi_xbank_log(&b, 1), log(3e6 * 0.1) + 500 * log(2.0), 1e-13);
    smi_xbank_free(&b);
}
END_TEST

START_TEST(order_of_terms_does_not_matter)
{
    enum { N = 20000 };
    static double w[N];
    static int64_t shift[N];
    uint64_t s = 7;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        w[i] = (double)(s >> 11) * 0x1.0p-53;
        shift[i] = (int64_t)(s % 400) - 200;
    }
    smi_xbank a, b, c;
    smi_xbank_init(&a, 1, "a"), smi_xbank_init(&b, 1, "b"), smi_xbank_init(&c, 1, "c");
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(smi_xbank_add(&a, 0, w[i], shift[i]), SMI_OK);
        ck_assert_int_eq(smi_xbank_add(i % 2 ? &b : &c, 0, w[N - 1 - i], shift[N - 1 - i]), SMI_OK);
    }
    ck_assert_int_eq(smi_xbank_fold(&b, 0, &c, 0), SMI_OK);
    double la = smi_xbank_log(&a, 0), lb = smi_xbank_log(&b, 0);
    ck_assert_msg(la == lb, "in order %.17g, reversed and split %.17g", la, lb);
    smi_xbank_free(&a), smi_xbank_free(&b), smi_xbank_free(&c);
}
END_TEST

START_TEST(folding_back_and_forth_keeps_the_range)
{
    smi_xbank w, scratch;
    smi_xbank_init(&w, 4, "w"), smi_xbank_init(&scratch, 4, "scratch");
    for (int a = 0; a < 4; a++)
        ck_assert_int_eq(smi_xbank_add(&w, (size_t)a, 1.5, -100 + 30 * a), SMI_OK);
    double before = smi_xbank_log(&w, 3);
    for (int round = 0; round < 5000; round++) { /* rebin: into scratch, then swap */
        smi_xbank_reset(&scratch);
        for (size_t a = 0; a < 4; a++)
            ck_assert_int_eq(smi_xbank_fold(&scratch, a, &w, a), SMI_OK);
        smi_xbank t = w;
        w = scratch, scratch = t;
    }
    ck_assert_uint_le(w.limbs, 16);
    ck_assert_uint_le(scratch.limbs, 16);
    ck_assert(smi_xbank_log(&w, 3) == before);
    smi_xbank_free(&w), smi_xbank_free(&scratch);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xbank");
    TCase *t = tcase_create("sums");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, closed_forms_are_exact);
    tcase_add_test(t, order_of_terms_does_not_matter);
    tcase_add_test(t, folding_back_and_forth_keeps_the_range);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
