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
/* smi_free_strings: free `count` strings and the array holding them (NULL is a no-op). */
void smi_free_strings(char **strings, size_t count);
/* smi_copy_out: the array getters' rule: *count = n (count non-NULL), then SMI_EINVAL
 * naming `fn`, `what` and the size needed when values cannot hold n elements of `size`
 * bytes (capacity < n, or values NULL with n > 0), else the n elements copied. */
int smi_copy_out(const char *fn, const char *what, const void *src, size_t n, size_t size,
                 size_t capacity, void *values, size_t *count);

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

/* FNV-1a (64 bits) over a canonical byte stream: integers as 8 little-endian bytes,
 * doubles by their bits, strings as their length then their bytes; the same on every
 * machine, so fingerprints agree across machines (hash.c). */
typedef struct smi_fnv {
    uint64_t h;
} smi_fnv;
smi_fnv smi_fnv_start(void);
void smi_fnv_byte(smi_fnv *f, unsigned char b);
void smi_fnv_u64(smi_fnv *f, uint64_t v);
void smi_fnv_double(smi_fnv *f, double v);
void smi_fnv_string(smi_fnv *f, const char *s);

/* An index of names (names.c): positions into a caller's array of strings, found by hash.
 * init for up to `count` names; add puts names[i] in and returns SIZE_MAX, or, when an equal
 * name is in already, that one's position (names[i] is then not added); find returns the
 * position of `name`, or SIZE_MAX. The array must not change while indexed. */
typedef struct smi_name_index {
    size_t mask;
    size_t *slot; /* position + 1; 0: empty */
} smi_name_index;
int smi_name_index_init(smi_name_index *ix, size_t count);
void smi_name_index_free(smi_name_index *ix);
size_t smi_name_index_add(smi_name_index *ix, const char *const *names, size_t i);
size_t smi_name_index_find(const smi_name_index *ix, const char *const *names,
                           const char *name);

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial and final XOR ~0) of
 * `len` bytes: the checksum that ends every saved result and checkpoint (hash.c). */
uint32_t smi_crc32c(const void *data, size_t len);

/* A success with a caveat (DESIGN.md 3, the header's "Results"): the run returns SMI_OK and
 * its result keeps the status it would otherwise report (SMI_ENOCONV: not converged;
 * SMI_ESINGULAR: a path cut short at a rank-deficient set) and the message. */
#define SMI_CAVEAT_CAPACITY 512
typedef struct smi_caveat {
    int status;
    char message[SMI_CAVEAT_CAPACITY];
} smi_caveat;
void smi_caveat_set(smi_caveat *c, int status, const char *fmt, ...) SMI_PRINTF(3, 4);
/* The caveat of this thread's last error (status < 0), or none (SMI_OK). */
void smi_caveat_from_last_error(smi_caveat *c, int status);

/* smi_lgamma: ln |Gamma(x)| for x > 0, thread-safe (unlike lgamma, which sets signgam). */
double smi_lgamma(double x);
/* smi_incomplete_gamma: the regularised lower incomplete gamma function P(a, z), or with
 * `upper` its complement Q(a, z) = 1 - P, for a > 0, to about 1e-15 relative. */
double smi_incomplete_gamma(double a, double z, int upper);

#endif /* SMI_CORE_H */
