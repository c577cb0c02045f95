/* The density of states of the criterion in one pass, with exact counts.
 * Equal bins: bin i covers [i w, (i + 1) w) with w = 2^exponent, and a window of `capacity`
 * consecutive bins from `base` holds the counts. When a value falls outside the window the
 * width doubles (adjacent bins merge exactly, since the grid is anchored at 0) as often as
 * needed for [lo, hi] to fit, and the window is re-centred. Each thread keeps its own; at
 * the end all are brought to the smallest width that fits the global range, which does
 * not depend on how the values were shared among threads.
 * Given edges: a binary search per value, with counts below and above. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

#define MANTISSA_GUARD 50 /* bin indices stay below 2^51: exact in a double */

static int64_t floor_shift(int64_t i, int shift)
{
    if (shift >= 62) /* |i| < 2^51: the quotient is 0 or -1 */
        return i < 0 ? -1 : 0;
    int64_t d = (int64_t)1 << shift;
    int64_t q = i / d;
    return (i % d != 0 && i < 0) ? q - 1 : q;
}

static double bin_of(double v, int exponent)
{
    return floor(ldexp(v, -exponent));
}

static int min_exponent(double lo, double hi)
{
    double big = fmax(fabs(lo), fabs(hi));
    return big > 0.0 ? ilogb(big) - MANTISSA_GUARD : -1000;
}

/* The smallest exponent >= `from` for which [lo, hi] spans at most `capacity` bins. */
static int fitting_exponent(double lo, double hi, size_t capacity, int from)
{
    int e = from > min_exponent(lo, hi) ? from : min_exponent(lo, hi);
    while (bin_of(hi, e) - bin_of(lo, e) + 1.0 > (double)capacity)
        e++;
    return e;
}

static void note_status(smi_hist *h, int rc)
{
    if (rc != SMI_OK && h->wstatus == SMI_OK)
        h->wstatus = rc;
}

static void swap_banks(smi_hist *h)
{
    if (h->weighted) {
        smi_xbank t = h->w;
        h->w = h->wscratch;
        h->wscratch = t;
    }
}

static void rebin(smi_hist *h)
{
    int e = fitting_exponent(h->lo, h->hi, h->capacity, h->exponent);
    int64_t lo = (int64_t)bin_of(h->lo, e), hi = (int64_t)bin_of(h->hi, e);
    int64_t base = lo - ((int64_t)h->capacity - (hi - lo + 1)) / 2;
    memset(h->scratch, 0, h->capacity * sizeof *h->scratch);
    if (h->weighted)
        smi_xbank_reset(&h->wscratch);
    for (size_t t = 0; t < h->capacity; t++) {
        if (!h->counts[t])
            continue;
        size_t to = (size_t)(floor_shift(h->base + (int64_t)t, e - h->exponent) - base);
        h->scratch[to] += h->counts[t];
        if (h->weighted)
            note_status(h, smi_xbank_fold(&h->wscratch, to, &h->w, t));
    }
    uint64_t *swap = h->counts;
    h->counts = h->scratch;
    h->scratch = swap;
    swap_banks(h);
    h->exponent = e;
    h->base = base;
}

static void add_to_edges(smi_hist *h, double v)
{
    const double *e = h->edges;
    size_t nb = h->n_edges - 1;
    if (v < e[0]) {
        h->below++;
        return;
    }
    if (!(v < e[nb])) {
        h->above++;
        return;
    }
    size_t lo = 0, hi = nb; /* e[lo] <= v < e[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    h->counts[lo]++;
}

void smi_hist_add(smi_hist *h, double v)
{
    /* Bin indices of values beyond +-2^1000 would not convert to integers, nor their bins'
     * edges to finite doubles: callers count such values apart (smi_collector_add_fast);
     * one that comes here anyway is not counted rather than turned into an index. */
    if (!smi_value_in_range(v))
        return;
    if (v < h->lo)
        h->lo = v;
    if (v > h->hi)
        h->hi = v;
    if (h->edges) {
        h->n++;
        add_to_edges(h, v);
        return;
    }
    if (h->n++ == 0) {
        h->exponent = min_exponent(v, v);
        h->base = (int64_t)bin_of(v, h->exponent) - (int64_t)h->capacity / 2;
    }
    if (h->scale == 0.0 || h->scale_exponent != h->exponent) {
        /* Multiplying by 2^-e is exactly ldexp(v, -e) while 2^-e and v 2^-e are normal
         * numbers, which the guard on e and MANTISSA_GUARD ensure; else keep ldexp. */
        int fast = h->exponent > -1000 && h->exponent < 1000;
        h->scale = fast ? ldexp(1.0, -h->exponent) : 0.0;
        h->scale_exponent = h->exponent;
    }
    double bin = h->scale != 0.0 ? floor(v * h->scale) : bin_of(v, h->exponent);
    if (bin < (double)h->base || bin >= (double)h->base + (double)h->capacity) {
        rebin(h);
        bin = bin_of(v, h->exponent);
    }
    h->counts[(int64_t)bin - h->base]++;
}

static size_t edge_slot(const smi_hist *h, double v)
{
    const double *e = h->edges;
    size_t nb = h->n_edges - 1;
    if (v < e[0])
        return h->capacity;
    if (!(v < e[nb]))
        return h->capacity + 1;
    size_t lo = 0, hi = nb;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

size_t smi_hist_slot(const smi_hist *h, double v)
{
    if (h->edges)
        return edge_slot(h, v);
    double bin = h->scale != 0.0 && h->scale_exponent == h->exponent ? floor(v * h->scale)
                                                                     : bin_of(v, h->exponent);
    return (size_t)((int64_t)bin - h->base);
}

/* ln of the posterior sums of the final bins: each part's slots into their final bin. */
static int finish_weights(const smi_hist *const *parts, size_t n_parts, size_t nb, int e,
                          int64_t base, double **wlog)
{
    smi_xbank sums;
    smi_xbank_init(&sums, nb, "DOS posterior");
    int rc = SMI_OK;
    for (size_t i = 0; rc == SMI_OK && i < n_parts; i++) {
        const smi_hist *h = parts[i];
        rc = h->wstatus;
        for (size_t t = 0; rc == SMI_OK && h->n && t < h->capacity; t++) {
            if (!h->counts[t])
                continue;
            size_t to = h->edges ? t
                                 : (size_t)(floor_shift(h->base + (int64_t)t, e - h->exponent) - base);
            rc = smi_xbank_fold(&sums, to, &h->w, t);
        }
    }
    *wlog = rc == SMI_OK ? smi_alloc_array(nb ? nb : 1, sizeof **wlog, "DOS posterior") : NULL;
    if (rc == SMI_OK && !*wlog)
        rc = SMI_ENOMEM;
    for (size_t b = 0; rc == SMI_OK && b < nb; b++)
        (*wlog)[b] = sums.limbs ? smi_xbank_log(&sums, b) : -INFINITY;
    smi_xbank_free(&sums);
    return rc;
}

static int finish_edges(const smi_hist *const *parts, size_t n_parts, double **edges,
                        uint64_t **counts, size_t *n_bins, uint64_t *below, uint64_t *above)
{
    size_t nb = parts[0]->n_edges - 1;
    *edges = smi_alloc_array(nb + 1, sizeof **edges, "DOS edges");
    *counts = smi_calloc_array(nb, sizeof **counts, "DOS counts");
    if (!*edges || !*counts)
        return SMI_ENOMEM;
    memcpy(*edges, parts[0]->edges, (nb + 1) * sizeof **edges);
    *below = *above = 0;
    for (size_t i = 0; i < n_parts; i++) {
        for (size_t b = 0; b < nb; b++)
            (*counts)[b] += parts[i]->counts[b];
        *below += parts[i]->below;
        *above += parts[i]->above;
    }
    *n_bins = nb;
    return SMI_OK;
}

int smi_hist_finish(const smi_hist *const *parts, size_t n_parts, size_t capacity,
                    double **edges, uint64_t **counts, size_t *n_bins, uint64_t *below,
                    uint64_t *above, double **wlog)
{
    *edges = NULL;
    *counts = NULL;
    *n_bins = 0;
    *below = *above = 0;
    int weighted = wlog && parts[0]->weighted;
    if (wlog)
        *wlog = NULL;
    if (parts[0]->edges) {
        SMI_TRY(finish_edges(parts, n_parts, edges, counts, n_bins, below, above));
        return weighted ? finish_weights(parts, n_parts, *n_bins, 0, 0, wlog) : SMI_OK;
    }
    double lo = INFINITY, hi = -INFINITY;
    int e = -1000000;
    for (size_t i = 0; i < n_parts; i++) {
        if (parts[i]->n == 0)
            continue;
        lo = fmin(lo, parts[i]->lo);
        hi = fmax(hi, parts[i]->hi);
        e = parts[i]->exponent > e ? parts[i]->exponent : e;
    }
    if (lo > hi) /* nothing was scored */
        return weighted ? finish_weights(parts, n_parts, 0, 0, 0, wlog) : SMI_OK;
    e = fitting_exponent(lo, hi, capacity, e);
    int64_t base = (int64_t)bin_of(lo, e);
    size_t nb = (size_t)((int64_t)bin_of(hi, e) - base + 1);
    *edges = smi_alloc_array(nb + 1, sizeof **edges, "DOS edges");
    *counts = smi_calloc_array(nb, sizeof **counts, "DOS counts");
    if (!*edges || !*counts)
        return SMI_ENOMEM;
    for (size_t b = 0; b <= nb; b++)
        (*edges)[b] = ldexp((double)(base + (int64_t)b), e);
    for (size_t i = 0; i < n_parts; i++) {
        const smi_hist *h = parts[i];
        for (size_t t = 0; h->n && t < h->capacity; t++)
            if (h->counts[t])
                (*counts)[floor_shift(h->base + (int64_t)t, e - h->exponent) - base] += h->counts[t];
    }
    *n_bins = nb;
    return weighted ? finish_weights(parts, n_parts, nb, e, base, wlog) : SMI_OK;
}

void smi_hist_reset(smi_hist *h)
{
    memset(h->counts, 0, h->capacity * sizeof *h->counts);
    h->exponent = 0;
    h->base = 0;
    h->lo = INFINITY;
    h->hi = -INFINITY;
    h->n = h->below = h->above = 0;
    if (h->weighted)
        smi_xbank_reset(&h->w);
    h->wstatus = SMI_OK;
}

static void copy_bank(smi_hist *into, const smi_hist *from)
{
    if (!into->weighted || !from->weighted)
        return;
    smi_xbank_reset(&into->w);
    note_status(into, from->wstatus);
    note_status(into, smi_xbank_fold_all(&into->w, &from->w));
}

void smi_hist_copy(smi_hist *into, const smi_hist *from)
{
    memcpy(into->counts, from->counts, from->capacity * sizeof *into->counts);
    into->exponent = from->exponent;
    into->base = from->base;
    into->lo = from->lo;
    into->hi = from->hi;
    into->n = from->n;
    into->below = from->below;
    into->above = from->above;
    copy_bank(into, from);
}

/* Equal bins: both accumulators are brought to the smallest width that fits the joint range
 * and is no finer than either (what smi_hist_finish would choose for the two), so folding
 * first and finishing later gives the same bins as finishing all the parts at once: the
 * finished width, max(every part's width, the smallest width that fits the range), is the
 * same for any grouping of the parts, and coarsening is exact on a grid anchored at 0. */
void smi_hist_fold(smi_hist *into, const smi_hist *from)
{
    assert(into->capacity == from->capacity && !into->edges == !from->edges);
    if (from->n == 0)
        return;
    if (into->n == 0) {
        smi_hist_copy(into, from);
        return;
    }
    into->lo = fmin(into->lo, from->lo);
    into->hi = fmax(into->hi, from->hi);
    into->n += from->n;
    if (into->weighted && from->weighted)
        note_status(into, from->wstatus);
    if (into->edges) {
        for (size_t b = 0; b < into->capacity; b++)
            into->counts[b] += from->counts[b];
        into->below += from->below;
        into->above += from->above;
        if (into->weighted && from->weighted)
            note_status(into, smi_xbank_fold_all(&into->w, &from->w));
        return;
    }
    int from_e = into->exponent > from->exponent ? into->exponent : from->exponent;
    int e = fitting_exponent(into->lo, into->hi, into->capacity, from_e);
    int64_t lo = (int64_t)bin_of(into->lo, e), hi = (int64_t)bin_of(into->hi, e);
    int64_t base = lo - ((int64_t)into->capacity - (hi - lo + 1)) / 2;
    memset(into->scratch, 0, into->capacity * sizeof *into->scratch);
    int weighted = into->weighted && from->weighted;
    if (weighted)
        smi_xbank_reset(&into->wscratch);
    const smi_hist *both[2] = { into, from };
    for (size_t i = 0; i < 2; i++)
        for (size_t t = 0; t < both[i]->capacity; t++) {
            if (!both[i]->counts[t])
                continue;
            size_t to = (size_t)(floor_shift(both[i]->base + (int64_t)t, e - both[i]->exponent)
                                 - base);
            into->scratch[to] += both[i]->counts[t];
            if (weighted)
                note_status(into, smi_xbank_fold(&into->wscratch, to, &both[i]->w, t));
        }
    uint64_t *swap = into->counts;
    into->counts = into->scratch;
    into->scratch = swap;
    if (weighted)
        swap_banks(into);
    into->exponent = e;
    into->base = base;
}

/* Sum of the counts, or UINT64_MAX when it overflows. */
static uint64_t count_sum(const smi_hist *h)
{
    uint64_t sum = h->below;
    if (h->above > UINT64_MAX - sum)
        return UINT64_MAX;
    sum += h->above;
    for (size_t t = 0; t < h->capacity; t++) {
        if (h->counts[t] > UINT64_MAX - sum)
            return UINT64_MAX;
        sum += h->counts[t];
    }
    return sum;
}

/* The window invariants of equal bins, which smi_hist_finish and smi_hist_fold rely on to
 * index their arrays: every count lies in a bin between those of lo and hi, which hold a
 * count each, inside the window; the width is neither finer than the bin indices allow
 * nor coarser than any accumulator ever makes it (about 2^(ilogb + 2)). One accumulator may
 * be one step finer than min_exponent: a value of the next binade can fall in its window
 * without a rebin; its bin indices still stay below 2^52. */
static const char *check_bins(const smi_hist *h)
{
    int emin = min_exponent(h->lo, h->hi);
    if (h->exponent < emin - 1 || h->exponent > emin + MANTISSA_GUARD + 8)
        return "DOS bin width out of range";
    double blo = bin_of(h->lo, h->exponent), bhi = bin_of(h->hi, h->exponent);
    double base = (double)h->base;
    if (fabs(base) > 0x1p52 || blo < base || bhi >= base + (double)h->capacity)
        return "DOS window does not hold the range of the scores";
    size_t tlo = (size_t)(blo - base), thi = (size_t)(bhi - base);
    if (!h->counts[tlo] || !h->counts[thi])
        return "DOS counts miss the smallest or largest score";
    for (size_t t = 0; t < h->capacity; t++)
        if (h->counts[t] && (t < tlo || t > thi))
            return "DOS count outside the range of the scores";
    return NULL;
}

const char *smi_hist_check(const smi_hist *h)
{
    if (count_sum(h) != h->n)
        return "DOS counts do not add up to the number of scores";
    if (h->n == 0)
        return NULL;
    if (!(isfinite(h->lo) && isfinite(h->hi) && h->lo <= h->hi))
        return "DOS range of the scores is not finite and ordered";
    if (h->edges)
        return NULL;
    if (h->below || h->above)
        return "DOS on equal bins with scores below or above";
    return check_bins(h);
}
