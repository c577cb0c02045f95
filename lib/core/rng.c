/* xoshiro256** 1.0 (Blackman and Vigna, 2018) seeded through splitmix64. Chosen because it
 * is small, fast, passes BigCrush and has a published reference output, so the same seed
 * gives the same stream on every machine (tests/unit/check_core.c checks the reference). */
#include "core/core.h"

/* GCC and Clang provide a 128-bit integer on 64-bit targets; __extension__ keeps
 * -Wpedantic quiet about it. */
__extension__ typedef unsigned __int128 smi_u128;

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

void smi_rng_seed(smi_rng *rng, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
}

uint64_t smi_rng_next(smi_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lemire, "Fast random integer generation in an interval" (2019): multiply-shift with a
 * rejection step that removes the bias of a plain modulo. */
uint64_t smi_rng_below(smi_rng *rng, uint64_t bound)
{
    smi_u128 m = (smi_u128)smi_rng_next(rng) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            m = (smi_u128)smi_rng_next(rng) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double smi_rng_uniform(smi_rng *rng)
{
    return (double)(smi_rng_next(rng) >> 11) * 0x1.0p-53;
}

void smi_rng_permutation(smi_rng *rng, size_t *perm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)smi_rng_below(rng, i);
        size_t tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
}
