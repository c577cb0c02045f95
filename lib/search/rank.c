/* Where a criterion value falls among the subsets a search scored ("LASSO on the DOS",
 * DESIGN.md 4.6). count(v) is the number of scored subsets with a value strictly below v;
 * the rank is 1 + count(v).
 *   (1) Exact from the kept models when they hold every subset below v: the search kept
 *       every subset (n_top == n_models), or v is at most the worst kept model's value (the
 *       top M are the M smallest, so nothing smaller was left out).
 *   (2) Otherwise count(v) lies in the DOS interval [x0, x1) holding v: c0 = count(x0) <=
 *       count(v) <= count(x1) = c1, and count(v) >= n_top since every kept model is below v.
 *       The estimate interpolates linearly from (x0, c0), or from (worst kept, n_top) when
 *       that lies inside the interval, to (x1, c1). Below the first edge and above the last
 *       one the range of the scores ([lo, hi] of the DOS accumulator) closes the interval.
 * The kept models carry QR-refit values and the DOS the sweep's values of the same
 * subsets; they differ by rounding only, which can move a subset tied with v to a
 * relative ~1e-12 across it. Cost: O(log M + bins). */
#include <math.h>

#include "search/search.h"

/* The number of kept models with a value strictly below v (top_value ascends). */
static uint64_t kept_below(const smi_search_result *res, double v)
{
    size_t lo = 0, hi = res->n_top;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (res->top_value[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int rank_is_exact(const smi_search_result *res, double v)
{
    return res->n_top == res->n_models
           || (res->n_top > 0 && v <= res->top_value[res->n_top - 1]);
}

/* A DOS interval [x0, x1) and the counts below its ends. */
typedef struct interval {
    double x0, x1;
    uint64_t c0, c1;
} interval;

/* The interval holding v (edges and counts of the finished DOS; lo and hi the range of
 * the scores). */
static interval dos_interval(const smi_search_result *res, double v, double lo, double hi)
{
    const double *e = res->edges;
    size_t nb = res->n_bins;
    uint64_t n = res->n_models;
    if (nb == 0)
        return (interval){ lo, hi, 0, n };
    if (v < e[0])
        return (interval){ lo, e[0], 0, res->below };
    if (!(v < e[nb]))
        return (interval){ e[nb], hi, n - res->above, n };
    uint64_t c = res->below;
    size_t b = 0;
    for (; !(v < e[b + 1]); b++)
        c += res->counts[b];
    return (interval){ e[b], e[b + 1], c, c + res->counts[b] };
}

/* Bounds and estimate of count(v) when the kept models do not settle it. */
static void dos_count(const smi_search_result *res, double v, uint64_t *lo, uint64_t *hi, double *est)
{
    const smi_hist *h = &res->state.hist;
    double vmin = h->n ? h->lo : -INFINITY, vmax = h->n ? h->hi : INFINITY;
    if (v <= vmin || v > vmax) { /* outside the range of the scores: none or all below */
        *lo = *hi = v <= vmin ? 0 : res->n_models;
        *est = (double)*lo;
        return;
    }
    interval in = dos_interval(res, v, vmin, vmax);
    double worst = res->n_top ? res->top_value[res->n_top - 1] : -INFINITY;
    *lo = in.c0 > res->n_top ? in.c0 : res->n_top;
    *hi = in.c1 > *lo ? in.c1 : *lo;
    double x0 = in.x0, c0 = (double)in.c0;
    if (worst > x0) { /* the kept models are the first n_top of this interval */
        x0 = worst;
        c0 = (double)res->n_top;
    }
    double t = in.x1 > x0 ? (v - x0) / (in.x1 - x0) : 1.0;
    *est = fmin(fmax(c0 + t * ((double)in.c1 - c0), (double)*lo), (double)*hi);
}

SMI_API int smi_search_result_rank(const smi_search_result *res, double value, double *rank,
                            uint64_t *rank_lo, uint64_t *rank_hi, double *percentile)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_search_result_rank: res is NULL");
    SMI_FAIL_IF(!isfinite(value), SMI_EINVAL, "smi_search_result_rank: the value %g is not finite",
                value);
    uint64_t lo, hi;
    double est;
    if (rank_is_exact(res, value)) {
        lo = hi = kept_below(res, value);
        est = (double)lo;
    } else {
        dos_count(res, value, &lo, &hi, &est);
    }
    if (rank)
        *rank = 1.0 + est;
    if (rank_lo)
        *rank_lo = 1 + lo;
    if (rank_hi)
        *rank_hi = 1 + hi;
    if (percentile)
        *percentile = res->n_models ? 100.0 * (1.0 + est) / (double)res->n_models : NAN;
    return SMI_OK;
}
