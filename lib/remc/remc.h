/* Internal view of the approximate exhaustive search (DESIGN.md 4.5): replica-exchange
 * Monte Carlo over subsets and the multiple-histogram estimate of the density of states. */
#ifndef SMI_REMC_H
#define SMI_REMC_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "search/search.h"

/* smi_wham_solve: the multiple-histogram (WHAM) estimate of the density of states from R
 * replicas sampled at inverse temperatures beta[r] (any may be 0), over B bins with the
 * representative energies energy[b] (the mean energy of the samples in bin b) and counts
 * counts[r * B + b] >= 0 (fractional counts allowed, e.g. expected counts); every replica
 * needs n_r = sum_b counts[r * B + b] > 0. It solves, in log space,
 *     ln g_b = ln(sum_r counts[r, b]) - ln(sum_r n_r exp(f_r - beta_r E_b)),
 *     f_r    = -ln sum_b g_b exp(-beta_r E_b),
 * (a bin no replica visited has g_b = 0, ln g_b = -INFINITY) until the largest change of
 * any f_r (after fixing the free constant) is below tol, and normalises g so that
 * ln sum_b g_b = log_total (the ln of the exact number of states). On return log_g holds
 * B values, f R values (ln Z_r = -f_r for the normalised g), *iterations the count used.
 * Returns SMI_OK, SMI_ENOCONV when max_iter is reached (the last iterate is returned), or
 * SMI_EINVAL (a replica without counts, a negative or non-finite count, energy or beta). */
int smi_wham_solve(size_t R, size_t B, const double *beta, const double *energy,
                   const double *counts, double log_total, double tol, size_t max_iter,
                   double *log_g, double *f, size_t *iterations);

#define SMI_REMC_BLOCKS 8       /* blocks of sweeps for the standard errors */
#define SMI_REMC_FINE_BINS 4096 /* bins of the multiple-histogram method over the burn-in's
                                   range of energies (more as the range grows) */

/* The configuration handle (config.c). ladder: the given inverse temperatures, or NULL for
 * the geometric ladder of `replicas` from beta_ratio * beta_max to beta_max after a 0. */
struct smi_remc {
    size_t replicas;
    double *ladder;
    double beta_max, beta_ratio;
    size_t sweeps, burn_in;
    uint64_t seed;
    size_t threads;
    int tune; /* tune the inner inverse temperatures during the burn-in */
};
/* The ladder a run uses, replicas values (config.c). */
int smi_remc_ladder_of(const smi_remc *cfg, double *betas);

/* The result (run.c fills it, result.c answers): per temperature the ladder, acceptance
 * and (R - 1) exchange rates; the DOS on n_bins bins; the top models (features as data set
 * indices, ascending, stride kmax); the posterior inclusion (p values, or NULL); the
 * energy trace (R x n_sweeps, by temperature). */
struct smi_remc_result {
    int criterion;
    size_t p, kmax, R;
    double *betas, *acceptance, *exchange;
    double n_states;
    uint64_t proposals;
    size_t n_bins;
    double *edges, *log_dos, *log_dos_err;
    size_t n_top;
    size_t *top_size, *top_features;
    double *top_value;
    double *inclusion;
    size_t n_sweeps;
    double *trace;
    smi_remc *cfg;      /* copies of the configurations that made it */
    smi_search *search;
    smi_data_id *data;  /* the identity of its data */
};

/* One temperature's fine histogram (run.c): bins of `width` from `origin`, index lo + i
 * for i < n; count[b * n + i] the samples of block b; esum[i] their energies summed. */
typedef struct smi_remc_hist {
    int64_t lo;
    size_t n;
    const uint64_t *count;
    const double *esum;
} smi_remc_hist;

/* The DOS of a run (dos.c): the multiple-histogram estimate on the fine bins (each at the
 * mean energy of its samples), then gathered into the output bins (the search's `bins`
 * equal bins over the energies seen, or its edges) and normalised to log_states; errors
 * from the blocks. Fills res's n_bins, edges, log_dos, log_dos_err. */
int smi_remc_dos_estimate(smi_remc_result *res, const struct smi_search *scfg,
                          const smi_remc_hist *h, size_t R, double origin, double width,
                          double log_states);

enum { SMI_MOVE_ADD, SMI_MOVE_REMOVE, SMI_MOVE_SWAP };
/* A proposal: its kind, the member position t and/or candidate j, and what accepting it
 * needs (the new RSS and ln|A|; for an addition the pivot s and coefficient c). */
typedef struct smi_move {
    int kind;
    size_t t, j;
    double s, c, rss, logdet;
} smi_move;

/* ---------- one replica's chain (chain.c) ----------
 * Invariants: members[0..k) are the candidate indices (positions in the problem's cand) in
 * the subset, where[j] is j's position there or SIZE_MAX; inv (cap x cap, row-major) holds
 * A^-1 for A = W_SS in the order of members, m = A^-1 W_Sy, rss = W_yy - W_yS m,
 * logdet = ln|A|, energy the criterion of the subset (forced features included). */
typedef struct smi_chain {
    const smi_problem *pb;
    size_t k, cap;
    size_t *members, *where;
    double *inv, *m, *g, *h, *scratch;
    double rss, logdet, energy;
    size_t since_refresh;
    /* the grid criteria: one chain per ratio (on its own view of the problem), whose
     * members the fields above alias; k_change: a proposal's change of size, while its
     * energy is formed */
    size_t n_sub;
    struct smi_chain *sub;
    smi_problem *views;
    smi_move *sub_moves;
    int k_change;
    /* the held-out criteria (held; chain.c): one sub per training set; the problem's
     * held-out residual rows E and base leverages h0 (LOO); the state's held-out residuals
     * r and leverages hv (LOO), and a proposal's, r_new and h_new */
    int held;
    const double *E, *h0;
    double *r, *hv, *r_new, *h_new;
} smi_chain;



int smi_chain_init(smi_chain *ch, const smi_problem *pb);
void smi_chain_free(smi_chain *ch);
/* Make the state the given k candidates; SMI_ESINGULAR when they are collinear. */
int smi_chain_set(smi_chain *ch, const size_t *cands, size_t k);
/* The energy of a proposal (INFINITY when it is singular or its criterion undefined),
 * with mv filled for smi_chain_accept, which must follow before any other call. */
double smi_chain_propose_add(smi_chain *ch, size_t j, smi_move *mv);
double smi_chain_propose_remove(smi_chain *ch, size_t t, smi_move *mv);
double smi_chain_propose_swap(smi_chain *ch, size_t t, size_t j, smi_move *mv);
void smi_chain_accept(smi_chain *ch, const smi_move *mv, double energy);

/* The state space: q candidates, subsets of kmin..kmax of them; swaps_only for a fixed size. */
typedef struct smi_space {
    size_t q, kmin, kmax;
    int swaps_only;
} smi_space;
/* One Metropolis step at inverse temperature beta: a symmetric proposal (a flip; at the
 * largest size an outsider for a member; with swaps_only always that), accepted with
 * probability min(1, exp(-beta dE)). Returns 1 when accepted. */
int smi_chain_step(smi_chain *ch, const smi_space *sp, smi_rng *rng, double beta);

#endif /* SMI_REMC_H */
