/* The model posterior of a free-energy search, accumulated during the walk (search.h,
 * "the model posterior"), and what the result reports from its exact sums. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

/* ln 2 in two parts: shift * LN2_HI is exact for |shift| < 2^20, so exp(lw - shift ln 2)
 * loses nothing to the size of the shift. */
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
/* A weight above e^RESCALE_AT (in units of the shift) moves the shift up first. */
#define RESCALE_AT 600.0

int smi_post_init(smi_post *pt, const smi_problem *pb)
{
    memset(pt, 0, sizeof *pt);
    if (!smi_has_posterior(pb->cfg))
        return SMI_OK;
    pt->on = 1;
    pt->n_keep = pb->n_keep;
    pt->kmax = pb->kmax;
    pt->q = pb->q;
    pt->cand = pb->cand;
    pt->keep = pb->keep;
    double q = pb->cfg->prior_q;
    pt->log_odds = log(q) - log1p(-q);
    size_t depths = pb->kmax - pb->n_keep + 2;
    pt->size = smi_calloc_array(pb->kmax + 1, sizeof *pt->size, "posterior");
    pt->incl = smi_calloc_array(pb->q ? pb->q : 1, sizeof *pt->incl, "posterior");
    pt->self = smi_calloc_array(depths, sizeof *pt->self, "posterior");
    pt->sub = smi_calloc_array(depths, sizeof *pt->sub, "posterior");
    if (!pt->size || !pt->incl || !pt->self || !pt->sub) {
        smi_post_free(pt);
        return SMI_ENOMEM;
    }
    return SMI_OK;
}

void smi_post_free(smi_post *pt)
{
    free(pt->size);
    free(pt->incl);
    free(pt->self);
    free(pt->sub);
    memset(pt, 0, sizeof *pt);
}

static void zero_partials(smi_post *pt)
{
    memset(pt->size, 0, (pt->kmax + 1) * sizeof *pt->size);
    memset(pt->incl, 0, pt->q * sizeof *pt->incl);
    memset(pt->self, 0, (pt->kmax - pt->n_keep + 2) * sizeof *pt->self);
    memset(pt->sub, 0, (pt->kmax - pt->n_keep + 2) * sizeof *pt->sub);
}

void smi_post_task_begin(smi_post *pt)
{
    if (pt->on)
        pt->started = 0; /* the partials are zero: task_end left them so */
}

/* Scale every partial by 2^(old - new shift): exact but for underflow, which only loses
 * weights below 2^-1074 of the one that moved the shift. */
static void rescale(smi_post *pt, int64_t shift)
{
    int by = (int)(pt->shift - shift);
    for (size_t k = 0; k <= pt->kmax; k++)
        pt->size[k] = ldexp(pt->size[k], by);
    for (size_t j = 0; j < pt->q; j++)
        pt->incl[j] = ldexp(pt->incl[j], by);
    for (size_t t = 0; t < pt->kmax - pt->n_keep + 2; t++) {
        pt->self[t] = ldexp(pt->self[t], by);
        pt->sub[t] = ldexp(pt->sub[t], by);
    }
    pt->shift = shift;
}

static void note(smi_collector *c, int rc)
{
    if (rc != SMI_OK && c->post_status == SMI_OK)
        c->post_status = rc;
}

double smi_post_record(smi_post *pt, smi_collector *c, size_t depth, double value)
{
    if (!pt->on)
        return 0.0;
    double lw = -value + (double)depth * pt->log_odds;
    if (!(fabs(lw) < 1e15)) /* not a weight a double can scale: its sums report it */
        lw = copysign(1e15, lw);
    int64_t want = (int64_t)floor(lw / LN2_HI);
    if (!pt->started) {
        pt->shift = want;
        pt->started = 1;
    }
    double x = (lw - (double)pt->shift * LN2_HI) - (double)pt->shift * LN2_LO;
    if (x > RESCALE_AT) {
        rescale(pt, want);
        x = (lw - (double)pt->shift * LN2_HI) - (double)pt->shift * LN2_LO;
    }
    double w = exp(x);
    pt->size[pt->n_keep + depth] += w;
    note(c, smi_xbank_add(&c->hist.w, smi_hist_slot(&c->hist, value), w, pt->shift));
    return w;
}

void smi_post_task_end(smi_post *pt, smi_collector *c, size_t depth, const size_t *path)
{
    if (!pt->on)
        return;
    double mass = pt->self[depth] + pt->sub[depth];
    for (size_t i = 0; i < depth; i++)
        pt->incl[path[i]] += mass;
    if (pt->started) {
        for (size_t k = 0; k <= pt->kmax; k++)
            note(c, smi_xbank_add(&c->post_sums, k, pt->size[k], pt->shift));
        for (size_t j = 0; j < pt->q; j++)
            note(c, smi_xbank_add(&c->post_sums, pt->kmax + 1 + pt->cand[j], pt->incl[j],
                                  pt->shift));
        /* every subset holds the forced features */
        double all = 0.0;
        for (size_t k = 0; k <= pt->kmax; k++)
            all += pt->size[k];
        for (size_t i = 0; i < pt->n_keep; i++)
            note(c, smi_xbank_add(&c->post_sums, pt->kmax + 1 + pt->keep[i], all, pt->shift));
    }
    zero_partials(pt);
}

/* ---------- what a result reports ---------- */

/* ln of the prior mass of the search space, sum over the free sizes s scored of
 * C(q, s) (q / (1 - q))^s, in the units of the weights (which leave out (1 - q)^q). */
static double log_space_mass(size_t q, size_t smin, size_t smax, double log_odds)
{
    double best = -INFINITY, sum = 0.0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t s = smin; s <= smax && s <= q; s++) {
            double qd = (double)q, sd = (double)s;
            double t = smi_lgamma(qd + 1.0) - smi_lgamma(sd + 1.0) - smi_lgamma(qd - sd + 1.0) + sd * log_odds;
            if (pass == 0)
                best = t > best ? t : best;
            else
                sum += exp(t - best);
        }
    }
    return best + log(sum);
}

/* Exact: sum_S w_S coef(S) / sum_S w_S from the positive and negative parts. */
static double exact_part(smi_state *s, size_t j, double log_w)
{
    double pos = s->avg_pos.limbs ? smi_xbank_log(&s->avg_pos, j) : -INFINITY;
    double neg = s->avg_neg.limbs ? smi_xbank_log(&s->avg_neg, j) : -INFINITY;
    return exp(pos - log_w) - exp(neg - log_w);
}

/* Over the kept models (refitted, in sweep order): each weighted by its posterior
 * probability exp(-F + prior - ln sum of weights), normalised by the mass they cover. */
static void top_average(smi_search_result *r, const smi_state *s, double log_total)
{
    double q = s->prior_q, log_odds = log(q) - log1p(-q), mass = 0.0;
    memset(r->avg_coef, 0, s->p * sizeof *r->avg_coef);
    r->avg_intercept = 0.0;
    for (size_t i = 0; i < s->n_kept; i++) {
        const smi_kept *m = &s->kept[i];
        if (m->status != SMI_KEPT_OK)
            continue;
        double w = exp(-m->sweep + (double)(m->size - s->n_keep) * log_odds - log_total);
        mass += w;
        for (size_t t = 0; t < m->size; t++)
            r->avg_coef[m->features[t]] += w * m->pmean[t];
        r->avg_intercept += w * m->pintercept;
    }
    for (size_t j = 0; mass > 0.0 && j < s->p; j++)
        r->avg_coef[j] /= mass;
    r->avg_intercept = mass > 0.0 ? r->avg_intercept / mass : NAN;
    r->avg_mass = mass;
}

static int report_average(smi_search_result *r, smi_state *s, double log_total)
{
    r->avg_coef = smi_alloc_array(s->p ? s->p : 1, sizeof *r->avg_coef, "model average");
    if (!r->avg_coef)
        return SMI_ENOMEM;
    if (!s->average) {
        top_average(r, s, log_total);
        return SMI_OK;
    }
    double log_w = s->avg_pos.limbs ? smi_xbank_log(&s->avg_pos, s->p + 1) : -INFINITY;
    for (size_t j = 0; j < s->p; j++)
        r->avg_coef[j] = exact_part(s, j, log_w);
    r->avg_intercept = exact_part(s, s->p, log_w);
    r->avg_mass = 1.0;
    return SMI_OK;
}

int smi_posterior_report(smi_search_result *r, smi_state *s)
{
    if (!s->posterior)
        return SMI_OK;
    size_t nk = s->kmax + 1;
    r->post_inclusion = smi_alloc_array(s->p ? s->p : 1, sizeof *r->post_inclusion, "posterior");
    r->post_size = smi_alloc_array(nk, sizeof *r->post_size, "posterior");
    if (!r->post_inclusion || !r->post_size)
        return SMI_ENOMEM;
    /* the total: every scored subset has one size */
    smi_xbank total;
    smi_xbank_init(&total, 1, "total evidence");
    int rc = SMI_OK;
    for (size_t k = 0; rc == SMI_OK && k < nk; k++)
        rc = smi_xbank_fold(&total, 0, &s->post_sums, k);
    double log_total = rc == SMI_OK && total.limbs ? smi_xbank_log(&total, 0) : -INFINITY;
    smi_xbank_free(&total);
    SMI_TRY(rc);
    for (size_t k = 0; k < nk; k++)
        r->post_size[k] = s->post_sums.limbs ? exp(smi_xbank_log(&s->post_sums, k) - log_total) : 0.0;
    for (size_t j = 0; j < s->p; j++)
        r->post_inclusion[j] = s->post_sums.limbs
                                   ? exp(smi_xbank_log(&s->post_sums, nk + j) - log_total) : 0.0;
    double q = s->prior_q, log_odds = log(q) - log1p(-q);
    size_t n_cand = s->p - s->n_keep;
    size_t smin = s->kmin > s->n_keep ? s->kmin - s->n_keep : 0;
    r->log_total_weight = log_total;
    r->log_evidence_total = log_total - log_space_mass(n_cand, smin, s->kmax - s->n_keep, log_odds);
    r->has_posterior = 1;
    return report_average(r, s, log_total);
}
