/* The folds of cross-validation as the command line asks for them (cli.h). A run takes its
 * folds from its configuration; the program also assigns them itself, by the rule of
 * doc/api.md ("Folds", "Random numbers"), to check them against the data when it is read
 * and to take the fingerprint of a sidecar, which covers the folds as the search used them. */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

/* ---- The generator of doc/api.md: xoshiro256** seeded by splitmix64 ------------------- */

typedef struct fold_rng {
    uint64_t s[4];
} fold_rng;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(fold_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

static uint64_t rng_next(fold_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The full 128-bit product a b as its high and low words, in portable C. */
static void mul_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    const uint64_t mask = UINT64_C(0xffffffff);
    uint64_t a0 = a & mask, a1 = a >> 32, b0 = b & mask, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & mask) + (p10 & mask);
    *lo = (mid << 32) | (p00 & mask);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* A draw in [0, bound) by Lemire's multiply-and-reject method. */
static uint64_t rng_below(fold_rng *rng, uint64_t bound)
{
    uint64_t hi, lo;
    mul_wide(rng_next(rng), bound, &hi, &lo);
    if (lo < bound) {
        uint64_t threshold = (0 - bound) % bound;
        while (lo < threshold)
            mul_wide(rng_next(rng), bound, &hi, &lo);
    }
    return hi;
}

/* ---- K-fold and explicit folds ------------------------------------------------------------ */

/* Sample i in fold perm[i] mod K, perm the Fisher-Yates permutation of the seed, or the
 * identity without shuffling. */
static int assign_kfold(const cli_folds *f, size_t n, int *folds)
{
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    if (!perm)
        return cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    if (f->shuffle) {
        fold_rng rng;
        rng_seed(&rng, f->seed);
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)rng_below(&rng, i), tmp = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = tmp;
        }
    }
    for (size_t i = 0; i < n; i++)
        folds[i] = (int)(perm[i] % f->k);
    free(perm);
    return CLI_EXIT_OK;
}

/* Every fold non-empty and every training set (the rows outside one fold) of at least 2
 * rows, as the library requires; the messages are the library's. */
static int check_sizes(const int *folds, size_t n, size_t k)
{
    size_t *size = calloc(k, sizeof *size);
    if (!size)
        return cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        size[folds[i]]++;
    int rc = CLI_EXIT_OK;
    for (size_t f = 0; f < k && rc == CLI_EXIT_OK; f++) {
        if (size[f] == 0)
            rc = cli_fail("fold %zu of %zu is empty", f + 1, k);
        else if (n - size[f] < 2)
            rc = cli_fail("fold %zu holds %zu of %zu rows, leaving fewer than 2 to train on",
                          f + 1, size[f], n);
    }
    free(size);
    return rc;
}

cli_folds cli_folds_kfold(size_t k, int shuffle, unsigned long long seed)
{
    return (cli_folds){ .k = k, .shuffle = shuffle, .seed = shuffle ? seed : 0 };
}

int cli_folds_column(const smi_dataset *ds, int **ids, cli_folds *f)
{
    size_t n = smi_dataset_n(ds);
    *ids = malloc((n ? n : 1) * sizeof **ids);
    if (!*ids)
        return SMI_ENOMEM;
    int status = smi_dataset_get_folds(ds, *ids, n);
    if (status < 0) {
        free(*ids);
        *ids = NULL;
        return status;
    }
    *f = (cli_folds){ .k = smi_dataset_n_folds(ds), .ids = *ids };
    return SMI_OK;
}

int cli_folds_assign(const cli_folds *f, size_t n, int *folds)
{
    if (f->ids) {
        for (size_t i = 0; i < n; i++)
            folds[i] = f->ids[i];
        return CLI_EXIT_OK;
    }
    if (f->k < 2 || f->k > n)
        return cli_fail("%zu folds for %zu samples: need 2 <= K <= n", f->k, n);
    int rc = assign_kfold(f, n, folds);
    return rc == CLI_EXIT_OK ? check_sizes(folds, n, f->k) : rc;
}

int cli_folds_check(const cli_folds *f, size_t n)
{
    if (f->k == 0)
        return CLI_EXIT_OK;
    int *folds = malloc((n ? n : 1) * sizeof *folds);
    int rc = folds ? cli_folds_assign(f, n, folds) : cli_fail("out of memory");
    free(folds);
    return rc;
}

int cli_folds_set_search(const cli_folds *f, size_t n, smi_search *cfg)
{
    if (f->k == 0)
        return SMI_OK;
    return f->ids ? smi_search_set_fold_ids(cfg, f->ids, n)
                  : smi_search_set_folds(cfg, f->k, f->shuffle, f->seed);
}

int cli_folds_set_lasso(const cli_folds *f, size_t n, smi_lasso *cfg)
{
    if (f->k == 0)
        return SMI_OK;
    return f->ids ? smi_lasso_set_fold_ids(cfg, f->ids, n)
                  : smi_lasso_set_folds(cfg, f->k, f->shuffle, f->seed);
}
