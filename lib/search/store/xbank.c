/* Exact sums of positive numbers (the model posterior of a search, posterior.c).
 * An accumulator is a fixed-point number in base 2^32 whose digits are int64 limbs: adding
 * a double M 2^E (M an integer below 2^53) adds at most three parts below 2^32 to three
 * limbs, with no rounding at all. Sums therefore do not depend on the order of the terms,
 * which is what makes the posterior of a search the same bits for any number of threads,
 * shards or checkpoints. A limb takes at most 2^30 adds before its carry must be
 * propagated (each add is below 2^33; 2^63 / 2^33 = 2^30), so the bank normalises every
 * SMI_XBANK_NORMALISE adds. All accumulators of a bank share one range of limbs, which
 * grows when a term falls outside it. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

#define LIMB_BITS 32
#define LIMB_MASK 0xffffffffu
#define SMI_XBANK_NORMALISE (1u << 29)
#define GROW_MARGIN 4 /* spare limbs on the growing side */

int smi_xbank_init(smi_xbank *b, size_t count, const char *what)
{
    memset(b, 0, sizeof *b);
    b->count = count;
    b->what = what;
    return SMI_OK;
}

void smi_xbank_free(smi_xbank *b)
{
    free(b->d);
    memset(b, 0, sizeof *b);
}

void smi_xbank_reset(smi_xbank *b)
{
    if (b->d)
        memset(b->d, 0, b->count * b->limbs * sizeof *b->d);
    b->pending = 0;
}

/* Cover limbs [lo, hi) (absolute indices): a new array, the digits moved. */
static int cover(smi_xbank *b, int64_t lo, int64_t hi)
{
    if (b->limbs && lo >= b->low && hi <= b->low + (int64_t)b->limbs)
        return SMI_OK;
    int64_t new_lo = lo, new_hi = hi;
    if (b->limbs) {
        new_lo = lo < b->low ? lo - GROW_MARGIN : b->low;
        new_hi = hi > b->low + (int64_t)b->limbs ? hi + GROW_MARGIN : b->low + (int64_t)b->limbs;
    }
    SMI_FAIL_IF(new_hi - new_lo > SMI_XBANK_MAX_LIMBS, SMI_ETOOLARGE,
                "model posterior (%s): the evidence spans more than %d binary orders of "
                "magnitude (sums over 2^%lld to 2^%lld, a term at 2^%lld)",
                b->what ? b->what : "sums", SMI_XBANK_MAX_LIMBS * LIMB_BITS,
                (long long)(b->low * LIMB_BITS), (long long)((b->low + (int64_t)b->limbs) * LIMB_BITS),
                (long long)(lo < b->low ? lo * LIMB_BITS : (hi - 1) * LIMB_BITS));
    size_t limbs = (size_t)(new_hi - new_lo);
    int64_t *d = smi_calloc_array(b->count ? b->count : 1, limbs * sizeof *d, "posterior sums");
    if (!d)
        return SMI_ENOMEM;
    for (size_t a = 0; b->d && a < b->count; a++)
        memcpy(d + a * limbs + (b->low - new_lo), b->d + a * b->limbs, b->limbs * sizeof *d);
    free(b->d);
    b->d = d;
    b->low = new_lo;
    b->limbs = limbs;
    return SMI_OK;
}

/* Propagate carries: every limb in [0, 2^32) except the top one of each accumulator, which
 * holds whatever is left (the range grows when that would not fit in 2^32 either). */
int smi_xbank_normalise(smi_xbank *b)
{
    for (size_t a = 0; a < b->count && b->d; a++) { /* no limbs yet: nothing to carry */
        int64_t *x = b->d + a * b->limbs;
        for (size_t i = 0; i + 1 < b->limbs; i++) {
            x[i + 1] += x[i] >> LIMB_BITS;
            x[i] &= (int64_t)LIMB_MASK;
        }
        if (b->limbs && x[b->limbs - 1] >> LIMB_BITS) {
            SMI_TRY(cover(b, b->low, b->low + (int64_t)b->limbs + 1));
            a--; /* the same accumulator again, in the wider range */
        }
    }
    b->pending = 0;
    return SMI_OK;
}

int smi_xbank_add(smi_xbank *b, size_t a, double w, int64_t shift)
{
    if (!(w > 0.0))
        return SMI_OK; /* zero (an underflowed weight) adds nothing */
    SMI_FAIL_IF(!(w <= DBL_MAX) || shift < -SMI_XBANK_MAX_SHIFT || shift > SMI_XBANK_MAX_SHIFT,
                SMI_ENONFINITE, "model posterior (%s): a weight %g 2^%lld is out of range",
                b->what ? b->what : "sums", w, (long long)shift);
    /* w = m 2^e with m the 53-bit significand, read from the bits (IEEE 754 binary64;
     * frexp and ldexp cost a third of the time of an add here) */
    uint64_t bits;
    memcpy(&bits, &w, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (biased)
        m |= UINT64_C(1) << 52;
    int64_t pos = (int64_t)(biased ? biased : 1) - 1075 + shift; /* w 2^shift = m 2^pos */
    int64_t limb = pos >= 0 ? pos / LIMB_BITS : -((-pos + LIMB_BITS - 1) / LIMB_BITS);
    int offset = (int)(pos - limb * LIMB_BITS);
    SMI_TRY(cover(b, limb, limb + 3));
    if (++b->pending >= SMI_XBANK_NORMALISE)
        SMI_TRY(smi_xbank_normalise(b));
    int64_t *x = b->d + a * b->limbs + (limb - b->low);
    uint64_t lo = (m & LIMB_MASK) << offset, hi = (m >> LIMB_BITS) << offset;
    x[0] += (int64_t)(lo & LIMB_MASK);
    x[1] += (int64_t)(lo >> LIMB_BITS) + (int64_t)(hi & LIMB_MASK);
    x[2] += (int64_t)(hi >> LIMB_BITS);
    return SMI_OK;
}

int smi_xbank_fold(smi_xbank *into, size_t a, const smi_xbank *from, size_t c)
{
    if (!from->limbs)
        return SMI_OK;
    const int64_t *y = from->d + c * from->limbs;
    size_t first = 0, last = from->limbs;
    while (first < from->limbs && !y[first])
        first++;
    if (first == from->limbs)
        return SMI_OK; /* zero */
    while (!y[last - 1])
        last--;
    /* Cover only the limbs that hold something, and one more when the top one carries:
     * covering from's whole range would let two banks folded into each other in turn (a
     * histogram's bins and their rebinning buffer) widen each other without end. */
    int64_t lo = from->low + (int64_t)first, hi = from->low + (int64_t)last;
    if (y[last - 1] >> LIMB_BITS)
        hi++;
    SMI_TRY(cover(into, lo, hi));
    into->pending += 2;
    if (into->pending >= SMI_XBANK_NORMALISE)
        SMI_TRY(smi_xbank_normalise(into));
    /* from's limbs may hold carries (below 2^63): each adds its low digit here and the
     * rest one limb up, so every target limb gets less than 2^33, as from one add */
    int64_t *x = into->d + a * into->limbs + (lo - into->low);
    for (size_t i = first; i < last; i++) {
        x[i - first] += y[i] & (int64_t)LIMB_MASK;
        if (y[i] >> LIMB_BITS)
            x[i - first + 1] += y[i] >> LIMB_BITS;
    }
    return SMI_OK;
}

int smi_xbank_fold_all(smi_xbank *into, const smi_xbank *from)
{
    for (size_t a = 0; a < from->count && a < into->count; a++)
        SMI_TRY(smi_xbank_fold(into, a, from, a));
    return SMI_OK;
}

double smi_xbank_log(smi_xbank *b, size_t a)
{
    if (smi_xbank_normalise(b) != SMI_OK)
        return NAN;
    const int64_t *x = b->d + a * b->limbs;
    size_t top = b->limbs;
    while (top > 0 && x[top - 1] == 0)
        top--;
    if (top == 0)
        return -INFINITY;
    /* The three top limbs carry at least 65 significant bits: the rest changes the
     * value by less than 2^-64 of it. Always three, counted from the top one (zero below
     * the range), so that the rounding depends on the value alone, not on how far the
     * range happens to reach down. */
    double v = 0.0;
    for (size_t need = 1; need <= 3; need++)
        v = v * 0x1p32 + (top >= need ? (double)x[top - need] : 0.0);
    int64_t first = b->low + (int64_t)top - 3;
    return log(v) + (double)first * LIMB_BITS * 0.69314718055994530942;
}
