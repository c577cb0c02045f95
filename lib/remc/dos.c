/* The density of states of a replica-exchange run: the multiple-histogram estimate
 * (wham.c) on the fine bins of the samples, gathered into the reported bins, with standard
 * errors from the blocks of sweeps (DESIGN.md 4.5). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"

#define WHAM_TOLERANCE 1e-10
#define WHAM_MAX_ITER 100000

/* The fine bins any temperature visited, as compact arrays: their energies (mean of their
 * samples) and, for block `block` (or all blocks when block < 0), counts R x F. */
typedef struct fine {
    size_t F;
    int64_t *index; /* F fine bin indices, ascending */
    double *energy; /* F */
} fine;

static uint64_t count_of(const smi_remc_hist *h, int64_t idx, int block)
{
    if (!h->n || idx < h->lo || idx >= h->lo + (int64_t)h->n)
        return 0;
    size_t at = (size_t)(idx - h->lo);
    if (block >= 0)
        return h->count[(size_t)block * h->n + at];
    uint64_t c = 0;
    for (size_t b = 0; b < SMI_REMC_BLOCKS; b++)
        c += h->count[b * h->n + at];
    return c;
}

static double esum_of(const smi_remc_hist *h, int64_t idx)
{
    return h->n && idx >= h->lo && idx < h->lo + (int64_t)h->n ? h->esum[idx - h->lo] : 0.0;
}

static int collect_fine(const smi_remc_hist *h, size_t R, fine *fb)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t r = 0; r < R; r++)
        if (h[r].n) {
            lo = h[r].lo < lo ? h[r].lo : lo;
            hi = h[r].lo + (int64_t)h[r].n > hi ? h[r].lo + (int64_t)h[r].n : hi;
        }
    SMI_FAIL_IF(lo > hi, SMI_EINVAL, "replica exchange: no sample was recorded");
    size_t span = (size_t)(hi - lo);
    fb->index = smi_alloc_array(span, sizeof *fb->index, "fine bins");
    fb->energy = smi_alloc_array(span, sizeof *fb->energy, "fine bins");
    if (!fb->index || !fb->energy)
        return SMI_ENOMEM;
    fb->F = 0;
    for (int64_t idx = lo; idx < hi; idx++) {
        uint64_t c = 0;
        double e = 0.0;
        for (size_t r = 0; r < R; r++) {
            c += count_of(&h[r], idx, -1);
            e += esum_of(&h[r], idx);
        }
        if (c == 0)
            continue;
        fb->index[fb->F] = idx;
        fb->energy[fb->F++] = e / (double)c;
    }
    return SMI_OK;
}

/* The reported bins: the search's edges, or its `bins` equal power-of-two bins over the
 * fine bins' energies (the exhaustive search's rule, hist.c). */
static int output_edges(smi_remc_result *res, const struct smi_search *scfg, const fine *fb)
{
    if (scfg->edges) {
        res->n_bins = scfg->n_edges - 1;
        res->edges = smi_alloc_array(scfg->n_edges, sizeof *res->edges, "DOS edges");
        if (!res->edges)
            return SMI_ENOMEM;
        memcpy(res->edges, scfg->edges, scfg->n_edges * sizeof *res->edges);
        return SMI_OK;
    }
    smi_hist h = { .capacity = scfg->bins, .lo = INFINITY, .hi = -INFINITY };
    h.counts = smi_calloc_array(scfg->bins, sizeof *h.counts, "DOS");
    h.scratch = smi_calloc_array(scfg->bins, sizeof *h.scratch, "DOS");
    int rc = h.counts && h.scratch ? SMI_OK : SMI_ENOMEM;
    for (size_t f = 0; rc == SMI_OK && f < fb->F; f++)
        smi_hist_add(&h, fb->energy[f]);
    uint64_t *counts = NULL, below, above;
    const smi_hist *part = &h;
    if (rc == SMI_OK)
        rc = smi_hist_finish(&part, 1, scfg->bins, &res->edges, &counts, &res->n_bins, &below,
                             &above, NULL);
    free(counts), free(h.counts), free(h.scratch);
    return rc;
}

/* The reported bin of energy e, or SIZE_MAX outside the edges. */
static size_t bin_of(const smi_remc_result *res, double e)
{
    const double *x = res->edges;
    size_t nb = res->n_bins;
    if (nb == 0 || e < x[0] || e > x[nb])
        return SIZE_MAX;
    size_t lo = 0, hi = nb;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ln D of the reported bins from one multiple-histogram solution (block, or all: -1). */
static int solve_into(smi_remc_result *res, const smi_remc_hist *h, size_t R, const fine *fb,
                      int block, double log_states, double *counts, double *log_g, double *f,
                      double *out)
{
    for (size_t r = 0; r < R; r++)
        for (size_t i = 0; i < fb->F; i++)
            counts[r * fb->F + i] = (double)count_of(&h[r], fb->index[i], block);
    size_t iterations;
    SMI_TRY(smi_wham_solve(R, fb->F, res->betas, fb->energy, counts, log_states, WHAM_TOLERANCE,
                           WHAM_MAX_ITER, log_g, f, &iterations));
    for (size_t b = 0; b < res->n_bins; b++)
        out[b] = -INFINITY;
    for (size_t i = 0; i < fb->F; i++) {
        size_t b = bin_of(res, fb->energy[i]);
        if (b == SIZE_MAX || isinf(log_g[i]))
            continue;
        double m = fmax(out[b], log_g[i]);
        out[b] = m + log(exp(out[b] - m) + exp(log_g[i] - m));
    }
    return SMI_OK;
}

static void block_errors(smi_remc_result *res, const double *per_block)
{
    for (size_t b = 0; b < res->n_bins; b++) {
        double mean = 0.0, ss = 0.0;
        int ok = 1;
        for (size_t k = 0; k < SMI_REMC_BLOCKS; k++) {
            double v = per_block[k * res->n_bins + b];
            ok &= isfinite(v);
            mean += v / SMI_REMC_BLOCKS;
        }
        for (size_t k = 0; ok && k < SMI_REMC_BLOCKS; k++) {
            double d = per_block[k * res->n_bins + b] - mean;
            ss += d * d;
        }
        res->log_dos_err[b] = ok ? sqrt(ss / (SMI_REMC_BLOCKS - 1) / SMI_REMC_BLOCKS) : NAN;
    }
}

int smi_remc_dos_estimate(smi_remc_result *res, const struct smi_search *scfg,
                          const smi_remc_hist *h, size_t R, double origin, double width,
                          double log_states)
{
    (void)origin, (void)width;
    fine fb = { 0 };
    int rc = collect_fine(h, R, &fb);
    if (rc == SMI_OK)
        rc = output_edges(res, scfg, &fb);
    size_t nb = res->n_bins;
    double *counts = NULL, *log_g = NULL, *f = NULL, *per_block = NULL;
    if (rc == SMI_OK) {
        counts = smi_alloc_array(R, fb.F * sizeof *counts, "histogram counts");
        log_g = smi_alloc_array(fb.F, sizeof *log_g, "density of states");
        f = smi_alloc_array(R, sizeof *f, "free energies");
        per_block = smi_alloc_array(SMI_REMC_BLOCKS, (nb ? nb : 1) * sizeof *per_block, "DOS");
        res->log_dos = smi_alloc_array(nb ? nb : 1, sizeof *res->log_dos, "DOS");
        res->log_dos_err = smi_alloc_array(nb ? nb : 1, sizeof *res->log_dos_err, "DOS");
        if (!counts || !log_g || !f || !per_block || !res->log_dos || !res->log_dos_err)
            rc = SMI_ENOMEM;
    }
    if (rc == SMI_OK)
        rc = solve_into(res, h, R, &fb, -1, log_states, counts, log_g, f, res->log_dos);
    for (int k = 0; rc == SMI_OK && k < SMI_REMC_BLOCKS; k++)
        rc = solve_into(res, h, R, &fb, k, log_states, counts, log_g, f, per_block + (size_t)k * nb);
    if (rc == SMI_OK)
        block_errors(res, per_block);
    free(fb.index), free(fb.energy), free(counts), free(log_g), free(f), free(per_block);
    return rc;
}
