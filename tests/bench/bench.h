/* Helpers shared by the benchmarks: a monotonic clock, the median and spread of a sample,
 * a seeded generator, the benchmark data, the peak resident set size, and the criterion's
 * name. Benchmarks print rates and ratios; none asserts a time (machines are shared). */
#ifndef SMI_BENCH_H
#define SMI_BENCH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "sparsemi.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n-1] (sorts v, so v[0] and v[n-1] are then the minimum and maximum). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_compare_doubles);
    return v[n / 2];
}

/* A 64-bit linear congruential generator (Knuth's MMIX constants): the same data on every
 * machine. bench_uniform: the top 53 bits as a double in [0, 1). */
static inline uint64_t bench_next(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state;
}

static inline double bench_uniform(uint64_t *state)
{
    return (double)(bench_next(state) >> 11) * 0x1.0p-53;
}

/* bench_uniform_below: an integer in [0, m), m >= 1 (high bits, negligible bias). */
static inline uint64_t bench_uniform_below(uint64_t *state, uint64_t m)
{
    return (uint64_t)(bench_uniform(state) * (double)m) % m;
}

/* The benchmark data: X (n x p, row-major) uniform in [-0.5, 0.5), and
 * y = x1 - 2 x4 + 0.5 x8 + noise * (uniform in [-0.5, 0.5)) (feature indices mod p). */
static inline void bench_make_data(size_t n, size_t p, uint64_t seed, double noise, double *X,
                                   double *y)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n * p; i++)
        X[i] = bench_uniform(&s) - 0.5;
    for (size_t i = 0; i < n; i++)
        y[i] = X[i * p + 0] - 2.0 * X[i * p + 3 % p] + 0.5 * X[i * p + 7 % p] +
               noise * (bench_uniform(&s) - 0.5);
}

/* The data set of bench_make_data, or exit(1) with the library's message. */
static inline smi_dataset *bench_dataset(size_t n, size_t p, uint64_t seed, double noise)
{
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    smi_dataset *ds = NULL;
    if (!X || !y) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    bench_make_data(n, p, seed, noise, X, y);
    if (smi_dataset_create(&ds, n, p, X, y, NULL, NULL) != SMI_OK) {
        fprintf(stderr, "smi_dataset_create: %s\n", smi_last_error());
        exit(1);
    }
    free(X);
    free(y);
    return ds;
}

/* Peak resident set size of this process so far, in MiB, by getrusage (ru_maxrss, KiB on
 * Linux). Linux keeps ru_maxrss across execve, so it also counts the peak of the process
 * that launched this one before its exec (meson's Python, about 28 MiB): see
 * bench_peak_vmhwm_mib for this program's own peak. */
/* The naive references' design: Z (n x p, column-major) the columns of ds standardised
 * with divisor n, y centred; returns y'y of the centred y. Exits on failure. */
static inline double bench_standardized(const smi_dataset *ds, size_t n, double *Z, double *y)
{
    size_t p = smi_dataset_p(ds);
    double *X = malloc(n * p * sizeof *X);
    if (!X || smi_dataset_get_X(ds, X, n * p) != SMI_OK || smi_dataset_get_y(ds, y, n) != SMI_OK)
        exit(1);
    for (size_t j = 0; j < p; j++) {
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (X[i * p + j] - m) * (X[i * p + j] - m) / (double)n;
        for (size_t i = 0; i < n; i++)
            Z[j * n + i] = (X[i * p + j] - m) / sqrt(v);
    }
    double my = 0.0, yy = 0.0;
    for (size_t i = 0; i < n; i++)
        my += y[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        y[i] -= my;
        yy += y[i] * y[i];
    }
    free(X);
    return yy;
}

static inline double bench_peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return (double)ru.ru_maxrss / 1024.0;
}

/* This program's own peak resident set size in MiB: VmHWM of /proc/self/status (Linux),
 * reset at exec; ru_maxrss where /proc is missing. */
static inline double bench_peak_vmhwm_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1.0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib >= 0.0 ? kib / 1024.0 : bench_peak_rss_mib();
}

/* "peak RSS A MiB (VmHWM; getrusage ru_maxrss B MiB)" */
static inline const char *bench_rss_phrase(char *buf, size_t size)
{
    snprintf(buf, size, "peak RSS %.1f MiB (VmHWM; getrusage ru_maxrss %.1f MiB)",
             bench_peak_vmhwm_mib(), bench_peak_rss_mib());
    return buf;
}

/* n choose k as a double (exact below 2^53). */
static inline double bench_choose(size_t n, size_t k)
{
    double c = 1.0;
    for (size_t i = 1; i <= k; i++)
        c = c * (double)(n - k + i) / (double)i;
    return c;
}

/* The number of subsets with 1..kmax of p features. */
static inline double bench_n_subsets(size_t p, size_t kmax)
{
    double total = 0.0;
    for (size_t k = 1; k <= kmax && k <= p; k++)
        total += bench_choose(p, k);
    return total;
}

/* CPU seconds (user + system) used so far by every thread of this process. */
static inline double bench_cpu_now(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Run the search, or exit(1) with the library's message. Returns the seconds it took (wall
 * clock); *cpu (may be NULL) gets the CPU seconds of all its threads, which depend less on
 * other processes competing for the cores than the wall clock does. */
static inline double bench_run_search(const smi_dataset *ds, const smi_search *cfg,
                                      smi_search_result **res, double *cpu)
{
    double c0 = bench_cpu_now(), t0 = bench_now();
    if (smi_search_run(ds, cfg, res) != SMI_OK) {
        fprintf(stderr, "smi_search_run: %s\n", smi_last_error());
        exit(1);
    }
    double t = bench_now() - t0;
    if (cpu)
        *cpu = bench_cpu_now() - c0;
    return t;
}

/* Median, minimum and maximum of t[0..n-1] in one printable phrase. */
static inline const char *bench_spread(double *t, int n, char *buf, size_t size)
{
    double med = bench_median(t, n);
    if (n == 1)
        snprintf(buf, size, "%.3f s (1 run)", med);
    else
        snprintf(buf, size, "%.3f s (median of %d, range %.3f-%.3f)", med, n, t[0], t[n - 1]);
    return buf;
}

#endif /* SMI_BENCH_H */
