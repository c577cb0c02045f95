/* Helpers shared by the unit tests (and by tests/bench/bench_naive.h, hence no Check here):
 *  - seeded generators for random test data: a 64-bit LCG (Knuth's MMIX constants), its
 *    top 53 bits as a uniform double, and Box-Muller normal deviates;
 *  - an independent implementation of the library's documented fold rule (doc/api.md,
 *    "Random numbers" and "Folds"): xoshiro256** seeded by splitmix64, Lemire's bounded
 *    draw, the Fisher-Yates permutation, K-fold and explicit-id assignments. Tests use it
 *    as the source of truth for the folds a run uses; it never calls the library.
 * Everything is static inline: include it from any test without linking anything. */
#ifndef SMI_TESTUTIL_H
#define SMI_TESTUTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------------------
 * Random test data
 * ------------------------------------------------------------------------------------ */

/* One step of the 64-bit LCG s <- 6364136223846793005 s + 1442695040888963407. */
static inline uint64_t tu_lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s;
}

/* The top 53 bits of the next LCG state as a double in [0, 1). */
static inline double tu_uniform(uint64_t *s)
{
    return (double)(tu_lcg_next(s) >> 11) * 0x1.0p-53;
}

/* The same, shifted by half a step: in (0, 1), so that its logarithm is finite. */
static inline double tu_uniform_open(uint64_t *s)
{
    return ((double)(tu_lcg_next(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* A standard normal deviate by Box-Muller from two tu_uniform_open draws (the cosine
 * branch only). */
static inline double tu_normal(uint64_t *s)
{
    double u = tu_uniform_open(s), v = tu_uniform_open(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ------------------------------------------------------------------------------------
 * The documented generator and fold rule, reimplemented (not the library's code)
 * ------------------------------------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} tu_xoshiro;

/* splitmix64 (Vigna): advance the state by the golden gamma, then mix. */
static inline uint64_t tu_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The 256-bit state: four successive splitmix64 outputs from `seed`. */
static inline void tu_xoshiro_seed(tu_xoshiro *g, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = tu_splitmix64(&state);
}

static inline uint64_t tu_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman and Vigna 2018). */
static inline uint64_t tu_xoshiro_next(tu_xoshiro *g)
{
    uint64_t *s = g->s;
    uint64_t result = tu_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = tu_rotl(s[3], 45);
    return result;
}

/* The 128-bit product a b as its high and low 64-bit halves, from 32-bit pieces. */
static inline void tu_mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffULL, a1 = a >> 32, b0 = b & 0xffffffffULL, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffULL) + (p10 & 0xffffffffULL);
    *lo = (mid << 32) | (p00 & 0xffffffffULL);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* A draw in [0, bound), bound >= 1: Lemire's multiply-and-reject on one 64-bit output
 * (more when rejected): the high half of x * bound, rejecting a low half below
 * 2^64 mod bound. */
static inline uint64_t tu_xoshiro_below(tu_xoshiro *g, uint64_t bound)
{
    uint64_t hi, lo;
    tu_mul128(tu_xoshiro_next(g), bound, &hi, &lo);
    if (lo < bound) {
        uint64_t threshold = (0 - bound) % bound;
        while (lo < threshold)
            tu_mul128(tu_xoshiro_next(g), bound, &hi, &lo);
    }
    return hi;
}

/* The permutation of the fold rule: the identity, then for i = n, n-1, ..., 2 swap
 * entries i-1 and j, j the next draw in [0, i), from the generator seeded with `seed`. */
static inline void tu_permutation(uint64_t seed, size_t n, size_t *perm)
{
    tu_xoshiro g;
    tu_xoshiro_seed(&g, seed);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)tu_xoshiro_below(&g, i), tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
}

/* K-fold: sample i in fold perm[i] mod k, perm as above (shuffle != 0) or the identity.
 * Returns 0, or -1 when out of memory. */
static inline int tu_kfold(size_t n, size_t k, int shuffle, uint64_t seed, int *fold)
{
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    if (!perm)
        return -1;
    if (shuffle) {
        tu_permutation(seed, n, perm);
    } else {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
    }
    for (size_t i = 0; i < n; i++)
        fold[i] = (int)(perm[i] % k);
    free(perm);
    return 0;
}

/* Explicit ids: fold[i] is the rank of ids[i] among the distinct values of ids (ascending).
 * Returns the number K of distinct values. O(n^2), for test sizes. */
static inline size_t tu_fold_ids(const int *ids, size_t n, int *fold)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int rank = 0, first = 1;
        for (size_t j = 0; j < n; j++) {
            int seen_before = 0; /* count each distinct value smaller than ids[i] once */
            for (size_t l = 0; l < j && !seen_before; l++)
                seen_before = ids[l] == ids[j];
            if (!seen_before && ids[j] < ids[i])
                rank++;
            if (j < i && ids[j] == ids[i])
                first = 0;
        }
        fold[i] = rank;
        k += (size_t)first;
    }
    return k;
}

#endif /* SMI_TESTUTIL_H */
