/* Internal core of libsparsemi: error recording, checked allocation, the random
 * generator. Every other part includes this header; it includes only the public one. */
#ifndef SMI_CORE_H
#define SMI_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "sparsemi.h"

#if defined(__GNUC__)
#define SMI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SMI_PRINTF(fmt, args)
#endif

/* smi_error_set: record a formatted message as this thread's last error and return
 * `status`, so that a failure is one statement: return smi_error_set(SMI_EINVAL, ...). */
int smi_error_set(int status, const char *fmt, ...) SMI_PRINTF(2, 3);

/* Fail with a message when `cond` holds; forward a negative status from `expr`. */
#define SMI_FAIL_IF(cond, status, ...) \
    do { if (cond) return smi_error_set((status), __VA_ARGS__); } while (0)
#define SMI_TRY(expr) \
    do { int smi_rc_ = (expr); if (smi_rc_ < 0) return smi_rc_; } while (0)

/* Checked allocation: NULL on overflow of count * size or on exhaustion, with the last
 * error set to SMI_ENOMEM's message naming `what`. */
void *smi_alloc_array(size_t count, size_t size, const char *what);
void *smi_calloc_array(size_t count, size_t size, const char *what);
char *smi_strdup(const char *s, const char *what);

/* xoshiro256** seeded by splitmix64 (doc/api.md, "Random numbers"): the one generator of
 * the library, so that the same seed gives the same result on every machine. */
typedef struct smi_rng {
    uint64_t s[4];
} smi_rng;

void smi_rng_seed(smi_rng *rng, uint64_t seed);
uint64_t smi_rng_next(smi_rng *rng);
/* Uniform integer in [0, bound), bound >= 1, without modulo bias (Lemire's method). */
uint64_t smi_rng_below(smi_rng *rng, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double smi_rng_uniform(smi_rng *rng);
/* Fisher-Yates: perm becomes a uniformly random permutation of 0..n-1. */
void smi_rng_permutation(smi_rng *rng, size_t *perm, size_t n);

/* smi_lgamma: ln |Gamma(x)| for x > 0, thread-safe (unlike lgamma, which sets signgam). */
double smi_lgamma(double x);

#endif /* SMI_CORE_H */
