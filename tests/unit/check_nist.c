/* NIST StRD linear least squares (tests/data/nist_strd, certified values): the full model,
 * found by an exhaustive search restricted to it (size range p..p) and refitted by QR, must
 * reproduce the certified coefficients, residual standard deviation and R^2.
 * Digits are the log relative error LRE = -log10(|estimate - certified| / |certified|):
 * at least 9 for every set but Filip, which needs 6 or a report that the full model is
 * singular (its design is rank deficient to working precision).
 * The files are parsed here: the header's "File Format" lines give the line ranges of the
 * certified values and of the data; certified lines read "B<i>  estimate  sd",
 * "Standard Deviation  value" (residual) and "R-Squared  value". */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"

#define MAX_PARAMS 16
#define MAX_COLUMNS 8
#define MAX_ROWS 128

typedef struct {
    size_t n_rows, n_columns; /* data: y then the predictors */
    double data[MAX_ROWS][MAX_COLUMNS];
    double certified[MAX_PARAMS]; /* B0..B<n>; NAN where the file has none (no B0) */
    size_t n_params;              /* highest B index + 1 */
    double residual_sd, r_squared;
} nist_file;

/* ---------- parsing ---------- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *text = malloc(1 << 16);
    ck_assert_ptr_nonnull(text);
    size_t len = fread(text, 1, (1 << 16) - 1, f);
    ck_assert_uint_lt(len, (1 << 16) - 1);
    text[len] = '\0';
    fclose(f);
    return text;
}

/* Split text into lines in place; lines[i] is line i + 1. Returns the count. */
static size_t split_lines(char *text, char **lines, size_t capacity)
{
    size_t count = 0;
    for (char *s = text; *s && count < capacity;) {
        lines[count++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        if (nl > s && nl[-1] == '\r')
            nl[-1] = '\0';
        s = nl + 1;
    }
    return count;
}

/* "<label> ... (lines A to B)" among the header lines. */
static void find_range(char **lines, size_t n_lines, const char *label, size_t *first,
                       size_t *last)
{
    for (size_t i = 0; i < n_lines && i < 30; i++) {
        const char *at = strstr(lines[i], label), *paren = strstr(lines[i], "(lines");
        if (at && paren && sscanf(paren, "(lines %zu to %zu)", first, last) == 2) {
            ck_assert(*first >= 1 && *first <= *last && *last <= n_lines);
            return;
        }
    }
    ck_abort_msg("no '%s (lines A to B)' in the header", label);
}

/* The number after `key` on the line, if any. */
static int number_after(const char *line, const char *key, double *value)
{
    const char *at = strstr(line, key);
    if (!at)
        return 0;
    char *end;
    *value = strtod(at + strlen(key), &end);
    return end != at + strlen(key);
}

static void parse_certified(nist_file *nf, char **lines, size_t first, size_t last)
{
    for (size_t p = 0; p < MAX_PARAMS; p++)
        nf->certified[p] = NAN;
    nf->n_params = 0;
    nf->residual_sd = nf->r_squared = NAN;
    for (size_t i = first - 1; i < last; i++) {
        const char *s = lines[i];
        while (*s == ' ' || *s == '\t')
            s++;
        unsigned index;
        int used;
        if (s[0] == 'B' && sscanf(s, "B%u%n", &index, &used) == 1 && (s[used] == ' ')) {
            ck_assert_uint_lt(index, MAX_PARAMS);
            char *end;
            nf->certified[index] = strtod(s + used, &end);
            ck_assert_msg(end != s + used, "line %zu: no estimate", i + 1);
            if (index + 1 > nf->n_params)
                nf->n_params = index + 1;
            continue;
        }
        double v;
        if (number_after(s, "Standard Deviation", &v))
            nf->residual_sd = v;
        else if (number_after(s, "R-Squared", &v))
            nf->r_squared = v;
    }
    ck_assert_uint_gt(nf->n_params, 0);
    ck_assert(!isnan(nf->residual_sd) && !isnan(nf->r_squared));
}

static void parse_data(nist_file *nf, char **lines, size_t first, size_t last)
{
    nf->n_rows = 0;
    nf->n_columns = 0;
    for (size_t i = first - 1; i < last; i++) {
        ck_assert_uint_lt(nf->n_rows, MAX_ROWS);
        size_t c = 0;
        char *s = lines[i], *end;
        for (;;) {
            double v = strtod(s, &end);
            if (end == s)
                break;
            ck_assert_uint_lt(c, MAX_COLUMNS);
            nf->data[nf->n_rows][c++] = v;
            s = end;
        }
        ck_assert_msg(c >= 2, "line %zu: %zu numbers", i + 1, c);
        if (nf->n_columns == 0)
            nf->n_columns = c;
        ck_assert_msg(c == nf->n_columns, "line %zu: %zu numbers, not %zu", i + 1, c,
                      nf->n_columns);
        nf->n_rows++;
    }
}

static nist_file *nist_read(const char *name)
{
    const char *dir = getenv("SMI_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/nist_strd/%s", dir ? dir : "tests/data", name);
    char *text = read_text(path), *lines[512];
    size_t n_lines = split_lines(text, lines, 512), a, b;
    nist_file *nf = calloc(1, sizeof *nf);
    ck_assert_ptr_nonnull(nf);
    find_range(lines, n_lines, "Certified Values", &a, &b);
    parse_certified(nf, lines, a, b);
    find_range(lines, n_lines, "Data", &a, &b);
    parse_data(nf, lines, a, b);
    free(text);
    return nf;
}

/* ---------- the cases ---------- */

typedef struct {
    const char *file;
    size_t degree;    /* polynomial in the one predictor x, x^2 .. x^degree; 0: columns as given */
    int intercept;
    double min_lre;   /* digits required */
    int may_be_singular;
    size_t n, p;      /* expected shape, to catch a misparse */
} nist_case;

static const nist_case nist_cases[] = {
    { "Norris.dat", 1, 1, 9, 0, 36, 1 },
    { "Pontius.dat", 2, 1, 9, 0, 40, 2 },
    { "NoInt1.dat", 1, 0, 9, 0, 11, 1 },
    { "NoInt2.dat", 1, 0, 9, 0, 3, 1 },
    { "Longley.dat", 0, 1, 9, 0, 16, 6 },
    { "Wampler1.dat", 5, 1, 9, 0, 21, 5 },
    { "Wampler2.dat", 5, 1, 9, 0, 21, 5 },
    { "Wampler3.dat", 5, 1, 9, 0, 21, 5 },
    { "Wampler4.dat", 5, 1, 9, 0, 21, 5 },
    { "Wampler5.dat", 5, 1, 9, 0, 21, 5 },
    { "Filip.dat", 10, 1, 6, 1, 82, 10 },
};

#define N_NIST_CASES (sizeof nist_cases / sizeof nist_cases[0])

/* The design: predictor powers (each by repeated multiplication, exact for integer x) or
 * the predictor columns as given. */
static smi_dataset *nist_dataset(const nist_file *nf, const nist_case *c)
{
    size_t n = nf->n_rows, p = c->degree ? c->degree : nf->n_columns - 1;
    ck_assert_uint_eq(n, c->n);
    ck_assert_uint_eq(p, c->p);
    if (c->degree)
        ck_assert_uint_eq(nf->n_columns, 2);
    double *X = malloc(n * p * sizeof(double)), *y = malloc(n * sizeof(double));
    ck_assert(X && y);
    for (size_t i = 0; i < n; i++) {
        y[i] = nf->data[i][0];
        double power = 1.0;
        for (size_t j = 0; j < p; j++) {
            power *= nf->data[i][1];
            X[i * p + j] = c->degree ? power : nf->data[i][1 + j];
        }
    }
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, n, p, X, y, NULL, NULL), SMI_OK);
    free(X);
    free(y);
    return ds;
}

static double lre(double estimate, double certified)
{
    if (estimate == certified)
        return 16.0;
    return -log10(fabs(estimate - certified) / fabs(certified));
}

/* Total sum of squares as NIST's R^2 uses it: about the mean with an intercept, about 0
 * without. */
static double total_sum_of_squares(const nist_file *nf, int intercept)
{
    double mean = 0, tss = 0;
    if (intercept) {
        for (size_t i = 0; i < nf->n_rows; i++)
            mean += nf->data[i][0];
        mean /= (double)nf->n_rows;
    }
    for (size_t i = 0; i < nf->n_rows; i++)
        tss += (nf->data[i][0] - mean) * (nf->data[i][0] - mean);
    return tss;
}

START_TEST(full_model_matches_certified_values)
{
    const nist_case *c = &nist_cases[_i];
    nist_file *nf = nist_read(c->file);
    smi_dataset *ds = nist_dataset(nf, c);
    size_t n = c->n, p = c->p, q = p + (c->intercept ? 1 : 0);
    ck_assert_uint_eq(nf->n_params, p + 1); /* B0..Bp, or B1..Bp without intercept */
    ck_assert(c->intercept ? !isnan(nf->certified[0]) : isnan(nf->certified[0]));

    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_RSS), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, p, p), SMI_OK);
    ck_assert_int_eq(smi_search_set_intercept(cfg, c->intercept), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, 1), SMI_OK);
    smi_search_result *res = NULL;
    int rc = smi_search_run(ds, cfg, &res);
    ck_assert_msg(rc == SMI_OK, "%s: %s", c->file, smi_last_error());
    ck_assert_uint_eq(smi_search_result_n_models(res) + smi_search_result_n_singular(res), 1);

    if (smi_search_result_n_singular(res) == 1) {
        ck_assert_msg(c->may_be_singular, "%s: full model reported singular", c->file);
        printf("%-13s full model reported singular\n", c->file);
    } else {
        size_t features[MAX_PARAMS], k;
        double coef[MAX_PARAMS], value, intercept, rmse;
        ck_assert_int_eq(smi_search_result_model(res, 0, MAX_PARAMS, features, coef, &k, &value,
                                          &intercept, &rmse), SMI_OK);
        ck_assert_uint_eq(k, p);
        double worst = 16.0;
        if (c->intercept)
            worst = fmin(worst, lre(intercept, nf->certified[0]));
        else
            ck_assert_double_eq(intercept, 0.0);
        for (size_t j = 0; j < p; j++) {
            ck_assert_uint_eq(features[j], j);
            worst = fmin(worst, lre(coef[j], nf->certified[j + 1]));
        }
        /* residual sd = sqrt(RSS / (n - q)) and R^2 = 1 - RSS / TSS from rmse = sqrt(RSS/n) */
        double rss = rmse * rmse * (double)n, sd = sqrt(rss / (double)(n - q));
        double r2 = 1.0 - rss / total_sum_of_squares(nf, c->intercept);
        double sd_lre = nf->residual_sd > 0 ? lre(sd, nf->residual_sd) : 16.0;
        printf("%-13s coefficients LRE %5.2f, residual sd LRE %5.2f, R^2 %.15f (certified "
               "%.15f)\n", c->file, worst, sd_lre, r2, nf->r_squared);
        ck_assert_msg(worst >= c->min_lre, "%s: coefficients to %.2f digits, %.0f needed",
                      c->file, worst, c->min_lre);
        if (nf->residual_sd > 0) {
            ck_assert_msg(sd_lre >= c->min_lre, "%s: residual sd %.17g, certified %.17g",
                          c->file, sd, nf->residual_sd);
        } else { /* an exact fit (Wampler1, 2): the residual is rounding only */
            double y_scale = sqrt(total_sum_of_squares(nf, 0) / (double)n);
            ck_assert_msg(sd <= 1e-10 * y_scale, "%s: residual sd %.3g of an exact fit",
                          c->file, sd);
        }
        ck_assert_msg(fabs(r2 - nf->r_squared) <= pow(10.0, -c->min_lre),
                      "%s: R^2 %.17g, certified %.17g", c->file, r2, nf->r_squared);
    }
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    free(nf);
}
END_TEST

/* The parser itself, on values read off the files by eye. */
START_TEST(parser_reads_certified_values_and_data)
{
    nist_file *nf = nist_read("Longley.dat");
    ck_assert_uint_eq(nf->n_rows, 16);
    ck_assert_uint_eq(nf->n_columns, 7);
    ck_assert_uint_eq(nf->n_params, 7);
    ck_assert_double_eq(nf->certified[0], -3482258.63459582);
    ck_assert_double_eq(nf->certified[2], -0.358191792925910E-01);
    ck_assert_double_eq(nf->residual_sd, 304.854073561965);
    ck_assert_double_eq(nf->r_squared, 0.995479004577296);
    ck_assert_double_eq(nf->data[0][0], 60323);
    ck_assert_double_eq(nf->data[15][6], 1962);
    free(nf);
    nf = nist_read("NoInt2.dat");
    ck_assert_uint_eq(nf->n_rows, 3);
    ck_assert(isnan(nf->certified[0]));
    ck_assert_double_eq(nf->certified[1], 0.727272727272727);
    ck_assert_double_eq(nf->data[2][1], 6);
    free(nf);
}
END_TEST

static Suite *nist_suite(void)
{
    Suite *s = suite_create("nist");
    TCase *tc = tcase_create("linear");
    tcase_add_test(tc, parser_reads_certified_values_and_data);
    tcase_add_loop_test(tc, full_model_matches_certified_values, 0, N_NIST_CASES);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nist_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
