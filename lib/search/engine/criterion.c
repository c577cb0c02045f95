/* The criteria's values from the terms the sweeps and refits compute (DESIGN.md 4.2, 4.4):
 * smi_criterion_value for one matrix (search.h's smi_criterion_of, out of line), and the
 * grid criteria fe-opt and fe-marg from R and ln|A| at every ratio of the grid; which
 * data each criterion can be computed on in double precision (smi_criterion_check_range)
 * and the scale of the target the sweeps use (smi_target_exponent). */
#include <math.h>

#include "search/search.h"

/* AIC, BIC and fe-opt shift by a known constant when y is scaled: n ln(RSS / n) by
 * 2 n ln c, fe-opt's n/2 ln(R / n) likewise by n ln c. */
static int shifts_with_target_scale(int criterion)
{
    return criterion == SMI_CRIT_AIC || criterion == SMI_CRIT_BIC || criterion == SMI_CRIT_FE_OPT;
}

int smi_target_exponent(const smi_dataset *ds, const struct smi_search *cfg)
{
    return shifts_with_target_scale(cfg->criterion) ? smi_column_exponent(ds, ds->p) : 0;
}

static double column_magnitude(const smi_dataset *ds, size_t j)
{
    return fmax(fabs(ds->min[j]), fabs(ds->max[j]));
}

int smi_criterion_check_range(const smi_dataset *ds, const struct smi_search *cfg)
{
    SMI_TRY(smi_dataset_check_coefficient_range(ds));
    int crit = cfg->criterion;
    int held = crit == SMI_CRIT_CV || crit == SMI_CRIT_LOO;
    if ((held || crit == SMI_CRIT_RSS) && smi_column_exponent(ds, ds->p) != 0)
        return smi_error_set(SMI_ENONFINITE, "target '%s' has values of magnitude %g: the %s "
                             "criterion, in units of y^2, is out of the range of a double there "
                             "(rescale the target, or use aic or bic)", ds->target_name,
                             column_magnitude(ds, ds->p), smi_criterion_name(crit));
    if ((crit == SMI_CRIT_FE_NG || crit == SMI_CRIT_FE_MARG || crit == SMI_CRIT_FE_GRID)
        && smi_column_exponent(ds, ds->p) != 0)
        return smi_error_set(SMI_ENONFINITE, "target '%s' has values of magnitude %g: the %s "
                             "criterion's noise prior and residual terms, in units of y^2, "
                             "are out of the range of a double there (rescale the target, or "
                             "use fe-opt)", ds->target_name, column_magnitude(ds, ds->p),
                             smi_criterion_name(crit));
    /* cv and loo form their Gram matrices from the raw columns, and fe without
     * standardisation uses a feature in its own units */
    int raw = held || (smi_is_fe(crit) && !cfg->standardize);
    for (size_t j = 0; raw && j < ds->p; j++)
        if (smi_column_exponent(ds, j) != 0)
            return smi_error_set(SMI_ENONFINITE, "feature '%s' has values of magnitude %g: the "
                                 "%s criterion%s cannot be computed on it in double precision "
                                 "(rescale the feature%s)", ds->feature_names[j],
                                 column_magnitude(ds, j), smi_criterion_name(crit),
                                 held ? "" : " without standardisation",
                                 held ? "" : ", or standardise");
    return SMI_OK;
}

double smi_criterion_value(const smi_problem *pb, size_t k, double rss, double logdet)
{
    return smi_criterion_of(pb, k, rss, logdet);
}

/* The value of the parabola through (-h, fm), (0, f0), (h, fp) at its vertex, when f0 is
 * the smallest of the three; f0 when the three are (numerically) on a line. */
static double parabola_minimum(double fm, double f0, double fp)
{
    double curvature = fm - 2.0 * f0 + fp;
    if (!(curvature > 0.0))
        return f0;
    double v = f0 - (fm - fp) * (fm - fp) / (8.0 * curvature);
    return v < f0 ? v : f0;
}

/* F at every ratio into f; the index of the smallest; 0 when some R_g <= 0. */
static int grid_terms(const smi_problem *pb, size_t k, const double *R, const double *L,
                      double *f, size_t *at)
{
    const struct smi_search *cfg = pb->cfg;
    double n = (double)pb->n, half_k = 0.5 * (double)k, best = INFINITY;
    *at = 0;
    for (size_t g = 0; g < pb->n_grid; g++) {
        if (!(R[g] > 0.0))
            return 0;
        if (cfg->criterion == SMI_CRIT_FE_OPT) /* beta = n / R */
            f[g] = 0.5 * n * (SMI_LN_2PI + 1.0 + log(R[g] / n)) - half_k * pb->ln_ratio[g]
                   + 0.5 * L[g] + pb->y_shift;
        else /* the normal-gamma evidence at lambda_g (sweep.c's SMI_CRIT_FE_NG) */
            f[g] = pb->ng_const - half_k * pb->ln_ratio[g] + 0.5 * L[g]
                   + pb->ng_an * log(cfg->ng_b0 + 0.5 * R[g]);
        if (f[g] < best) {
            best = f[g];
            *at = g;
        }
    }
    return 1;
}

double smi_grid_value(const smi_problem *pb, size_t k, const double *R, const double *L)
{
    if (pb->cfg->criterion == SMI_CRIT_FE_GRID)
        return smi_fegrid_value(pb, k, R, L);
    double f[SMI_RATIO_GRID_MAX];
    size_t at, G = pb->n_grid;
    if (!grid_terms(pb, k, R, L, f, &at))
        return NAN;
    double best = f[at];
    if (pb->cfg->criterion == SMI_CRIT_FE_OPT)
        return at == 0 || at + 1 == G ? best : parabola_minimum(f[at - 1], best, f[at + 1]);
    double sum = 0.0; /* -ln sum_g w_g exp(-f_g), scaled by the largest term */
    for (size_t g = 0; g < G; g++)
        sum += exp(pb->ln_wgrid[g] - (f[g] - best));
    return best - log(sum);
}

void smi_grid_weights(const smi_problem *pb, size_t k, const double *R, const double *L,
                      double *weights)
{
    if (pb->cfg->criterion == SMI_CRIT_FE_GRID) {
        smi_fegrid_weights(pb, k, R, L, weights);
        return;
    }
    double f[SMI_RATIO_GRID_MAX], sum = 0.0;
    size_t at, G = pb->n_grid;
    int ok = grid_terms(pb, k, R, L, f, &at);
    for (size_t g = 0; g < G; g++) {
        if (pb->cfg->criterion == SMI_CRIT_FE_OPT || !ok)
            weights[g] = g == at ? 1.0 : 0.0;
        else
            weights[g] = exp(pb->ln_wgrid[g] - (f[g] - f[at]));
        sum += weights[g];
    }
    for (size_t g = 0; g < G; g++)
        weights[g] /= sum;
}

/* F of fe-marg from the ratios g = 0, stride, 2 stride, ... and the last: the trapezoid
 * rule in ln lambda on those points, with the same flat prior on [ln lo, ln hi]. */
static double coarse_grid_marg(const smi_problem *pb, const double *f, double best,
                               size_t stride)
{
    size_t G = pb->n_grid;
    double span = pb->ln_ratio[G - 1] - pb->ln_ratio[0], sum = 0.0;
    for (size_t left = 0; left + 1 < G;) {
        size_t right = left + stride < G ? left + stride : G - 1;
        double h = pb->ln_ratio[right] - pb->ln_ratio[left];
        sum += 0.5 * h / span * (exp(-(f[left] - best)) + exp(-(f[right] - best)));
        left = right;
    }
    return best - log(sum);
}

/* The error of fe-marg's F, the trapezoid rule in ln lambda, has two parts: the endpoint
 * term of the Euler-Maclaurin formula, (h^2 / 12)(g'(hi) - g'(lo)) for the integrand g,
 * which falls as h^2 (its derivatives by one-sided differences), and the rest, which falls
 * at least geometrically in the number of points for a smooth integrand: bounded by the
 * tail e1 r / (1 - r) of the halving sequence, e1 = |F - F_2h| (the rule on every other
 * ratio), r = e1 / e2, e2 = |F_2h - F_4h|, where it visibly converges (r < 1/2, at least 9
 * ratios), else by e1 itself. Their sum is reported; `sum` is the full rule's sum with g
 * scaled by exp(best), so that the endpoint term is relative to it as F's error is. */
static double marg_error(const smi_problem *pb, const double *f, double best, double full,
                         double sum)
{
    size_t G = pb->n_grid;
    if (G < 3)
        return 0.0;
    double span = pb->ln_ratio[G - 1] - pb->ln_ratio[0], h = pb->grid_step;
    double g0 = exp(-(f[0] - best)), g1 = exp(-(f[1] - best)), g2 = exp(-(f[2] - best));
    double gl = exp(-(f[G - 1] - best)), gl1 = exp(-(f[G - 2] - best));
    double gl2 = exp(-(f[G - 3] - best));
    double slope_lo = (-3.0 * g0 + 4.0 * g1 - g2) / (2.0 * h);
    double slope_hi = (3.0 * gl - 4.0 * gl1 + gl2) / (2.0 * h);
    double endpoint = h * h / 12.0 * fabs(slope_hi - slope_lo) / span / sum;
    double half = coarse_grid_marg(pb, f, best, 2), e1 = fabs(full - half);
    if (G < 9)
        return e1 + endpoint;
    double e2 = fabs(half - coarse_grid_marg(pb, f, best, 4));
    double r = e2 > 0.0 ? e1 / e2 : 1.0;
    return (r < 0.5 ? e1 * r / (1.0 - r) : e1) + endpoint;
}

void smi_grid_accuracy(const smi_problem *pb, size_t k, const double *R, const double *L,
                       double *error, int *edge)
{
    double f[SMI_RATIO_GRID_MAX];
    size_t at, G = pb->n_grid;
    *error = NAN;
    *edge = 0;
    if (!smi_is_ratio_grid(pb->cfg->criterion) || !grid_terms(pb, k, R, L, f, &at))
        return;
    double best = f[at];
    if (pb->cfg->criterion == SMI_CRIT_FE_OPT) {
        *edge = at == 0 || at + 1 == G;
        *error = *edge ? 0.0 : best - parabola_minimum(f[at - 1], best, f[at + 1]);
        return;
    }
    double sum = 0.0, span = pb->ln_ratio[G - 1] - pb->ln_ratio[0];
    for (size_t g = 0; g < G; g++)
        sum += exp(pb->ln_wgrid[g] - (f[g] - best));
    double full = best - log(sum);
    *error = marg_error(pb, f, best, full, sum);
    /* the posterior density of ln lambda at each end: exp(-f) / span over the sum */
    for (size_t e = 0; e < 2; e++) {
        double density = exp(-(f[e ? G - 1 : 0] - best)) / span / sum;
        if (density > SMI_GRID_EDGE_DENSITY)
            *edge = 1;
    }
}
