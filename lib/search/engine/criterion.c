/* The criteria's values from the terms the sweeps and refits compute (DESIGN.md 4.2, 4.4):
 * smi_criterion_value for one matrix (search.h's smi_criterion_of, out of line), and the
 * grid criteria fe-opt and fe-marg from R and ln|A| at every ratio of the grid; which
 * data each criterion can be computed on in double precision (smi_criterion_check_range)
 * and the scale of the target the sweeps use (smi_target_exponent). */
#include <float.h>
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

double smi_grid_point_value(const smi_problem *pb, size_t k, double ln_ratio, double R,
                            double L)
{
    double n = (double)pb->n, half_k = 0.5 * (double)k;
    if (pb->cfg->criterion == SMI_CRIT_FE_OPT) /* beta = n / R */
        return 0.5 * n * (SMI_LN_2PI + 1.0 + log(R / n)) - half_k * ln_ratio + 0.5 * L
               + pb->y_shift;
    /* the normal-gamma evidence at lambda (sweep.c's SMI_CRIT_FE_NG) */
    return pb->ng_const - half_k * ln_ratio + 0.5 * L
           + pb->ng_an * log(pb->cfg->ng_b0 + 0.5 * R);
}

/* F at every ratio into f; the index of the smallest; 0 when some R_g <= 0. */
static int grid_terms(const smi_problem *pb, size_t k, const double *R, const double *L,
                      double *f, size_t *at)
{
    double best = INFINITY;
    *at = 0;
    for (size_t g = 0; g < pb->n_grid; g++) {
        if (!(R[g] > 0.0))
            return 0;
        f[g] = smi_grid_point_value(pb, k, pb->ln_ratio[g], R[g], L[g]);
        if (f[g] < best) {
            best = f[g];
            *at = g;
        }
    }
    return 1;
}

/* The grid rules below interpolate F between the ratios by the not-a-knot cubic spline in
 * ln lambda from SPLINE_MIN_POINTS ratios on (fewer: fe-opt's parabola through the smallest
 * F and its neighbours, fe-marg's trapezoid rule). On the default grid (20 ratios, a step of
 * 0.97 in ln lambda) the spline's error stays below 0.005 in F where the parabola's and the
 * trapezoid's reach 0.15 and 0.025 (doc/api.md, "Grid criteria"). */
#define SPLINE_MIN_POINTS 5

/* The second derivatives M of the not-a-knot cubic spline through (t_g, f_g) on a uniform
 * grid of step h (G >= SPLINE_MIN_POINTS): the interior equations M_{g-1} + 4 M_g + M_{g+1}
 * = 6 (f_{g-1} - 2 f_g + f_{g+1}) / h^2, where not-a-knot (M_0 - 2 M_1 + M_2 = 0 and its
 * mirror) turns the first and the last into 6 M_1 = rhs_1 and 6 M_{G-2} = rhs_{G-2}; the
 * (1, 4, 1) system left for M_2 .. M_{G-3} is eliminated in place (diagonally dominant),
 * its pivots' inverses computed once per grid (smi_grid_spline_constants). */
void smi_grid_spline_constants(smi_problem *pb)
{
    double pivot = 4.0;
    for (size_t g = 2; g + 2 < pb->n_grid; g++) {
        pb->spline_inv_pivot[g] = 1.0 / pivot;
        pivot = 4.0 - 1.0 / pivot;
    }
}

static void spline_curvatures(const smi_problem *pb, const double *f, double *M)
{
    size_t G = pb->n_grid;
    double h = pb->grid_step;
    const double *inv = pb->spline_inv_pivot;
    for (size_t g = 1; g + 1 < G; g++)
        M[g] = 6.0 * (f[g - 1] - 2.0 * f[g] + f[g + 1]) / (h * h);
    M[1] /= 6.0;
    M[G - 2] /= 6.0;
    M[2] -= M[1];
    M[G - 3] -= M[G - 2];
    for (size_t g = 3; g + 2 < G; g++)
        M[g] -= M[g - 1] * inv[g - 1];
    M[G - 3] *= inv[G - 3];
    for (size_t g = G - 4; g >= 2; g--)
        M[g] = (M[g] - M[g + 1]) * inv[g];
    M[0] = 2.0 * M[1] - M[2];
    M[G - 1] = 2.0 * M[G - 2] - M[G - 3];
}

/* The spline on [t_i, t_i + h] at t_i + u h. */
static double spline_at(const double *f, const double *M, double h, size_t i, double u)
{
    double v = 1.0 - u;
    return v * f[i] + u * f[i + 1]
           + h * h / 6.0 * ((v * v * v - v) * M[i] + (u * u * u - u) * M[i + 1]);
}

/* fe-opt: the spline's minimum on the intervals next to the grid's smallest F, from the
 * roots in (0, 1) of its derivative A u^2 + B u + C on each. */
static double spline_minimum(const double *f, const double *M, size_t G, double h, size_t at)
{
    double best = f[at];
    for (size_t i = at ? at - 1 : 0; i <= at && i + 1 < G; i++) {
        double A = 0.5 * h * h * (M[i + 1] - M[i]), B = h * h * M[i];
        double C = f[i + 1] - f[i] - h * h / 6.0 * (2.0 * M[i] + M[i + 1]);
        double disc = B * B - 4.0 * A * C, roots[2] = { -1.0, -1.0 };
        if (A == 0.0) {
            roots[0] = B != 0.0 ? -C / B : -1.0;
        } else if (disc >= 0.0) { /* the stable pair of formulas */
            double q = -0.5 * (B + copysign(sqrt(disc), B));
            roots[0] = q / A;
            roots[1] = q != 0.0 ? C / q : -1.0;
        }
        for (int r = 0; r < 2; r++)
            if (roots[r] > 0.0 && roots[r] < 1.0)
                best = fmin(best, spline_at(f, M, h, i, roots[r]));
    }
    return best;
}

/* fe-marg: the integral of exp(-(spline - best)) over each interval by Simpson's rule on
 * four sub-intervals (the trapezoid where both ends are below 1e-17 of the largest term: no
 * part of a double's sum), divided by the span: the flat prior on ln lambda. */
static double spline_average(const double *f, const double *M, size_t G, double h, double best)
{
    double w[SMI_RATIO_GRID_MAX], sum = 0.0;
    for (size_t g = 0; g < G; g++)
        w[g] = exp(-(f[g] - best));
    for (size_t i = 0; i + 1 < G; i++) {
        if (w[i] < 1e-17 && w[i + 1] < 1e-17) {
            sum += 0.5 * h * (w[i] + w[i + 1]);
            continue;
        }
        double w1 = exp(-(spline_at(f, M, h, i, 0.25) - best));
        double w2 = exp(-(spline_at(f, M, h, i, 0.5) - best));
        double w3 = exp(-(spline_at(f, M, h, i, 0.75) - best));
        sum += h / 12.0 * (w[i] + 4.0 * w1 + 2.0 * w2 + 4.0 * w3 + w[i + 1]);
    }
    return sum / (h * (double)(G - 1));
}

double smi_grid_value(const smi_problem *pb, size_t k, const double *R, const double *L)
{
    if (pb->cfg->criterion == SMI_CRIT_FE_GRID)
        return smi_fegrid_value(pb, k, R, L);
    double f[SMI_RATIO_GRID_MAX], M[SMI_RATIO_GRID_MAX];
    size_t at, G = pb->n_grid;
    if (!grid_terms(pb, k, R, L, f, &at))
        return NAN;
    double best = f[at];
    if (G >= SPLINE_MIN_POINTS) {
        spline_curvatures(pb, f, M);
        if (pb->cfg->criterion == SMI_CRIT_FE_OPT)
            return spline_minimum(f, M, G, pb->grid_step, at);
        return best - log(spline_average(f, M, G, pb->grid_step, best));
    }
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

/* The exact criterion over the grid's range [ln lo, ln hi] from the spectral form of a
 * subset's terms, F(t) at t = ln lambda for any lambda in O(k) (smi_grid_accuracy). */
typedef struct {
    const smi_problem *pb;
    size_t k;
    const double *d, *c2;
    double r0;
} spectral_terms;

static double spectral_f(const spectral_terms *s, double t)
{
    double lambda = exp(t), R = s->r0, L = 0.0;
    for (size_t i = 0; i < s->k; i++) {
        R += s->c2[i] * lambda / (lambda + s->d[i]);
        L += log(lambda + s->d[i]);
    }
    return R > 0.0 ? smi_grid_point_value(s->pb, s->k, t, R, L) : NAN;
}

/* The points of the scan that brackets the optimum and starts the quadrature. */
#define SCAN_INTERVALS 16

/* The minimum of F on [a, b] by golden section (to 1e-10 in t, far below what F can tell
 * apart), its abscissa into *at; the ends are candidates too. */
static double golden_minimum(const spectral_terms *s, double a, double b, double *at)
{
    const double r = 0.5 * (sqrt(5.0) - 1.0);
    double fa = spectral_f(s, a), fb = spectral_f(s, b);
    double x1 = b - r * (b - a), x2 = a + r * (b - a);
    double f1 = spectral_f(s, x1), f2 = spectral_f(s, x2);
    for (int it = 0; it < 200 && x2 - x1 > 1e-10; it++) {
        if (f1 <= f2) {
            b = x2, x2 = x1, f2 = f1;
            x1 = b - r * (b - a), f1 = spectral_f(s, x1);
        } else {
            a = x1, x1 = x2, f1 = f2;
            x2 = a + r * (b - a), f2 = spectral_f(s, x2);
        }
    }
    double best = f1 <= f2 ? f1 : f2;
    *at = f1 <= f2 ? x1 : x2;
    if (fa <= best)
        best = fa, *at = a;
    if (fb < best)
        best = fb, *at = b;
    return best;
}

/* Gauss-Kronrod 7-15 (QUADPACK's qk15): the nodes of the 15-point Kronrod rule on [-1, 1]
 * (non-negative half), its weights, and the weights of the 7-point Gauss rule (odd nodes). */
static const double gk_x[8] = { 0.991455371120812639206854697526329,
    0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
    0.741531185599394439863864773280788, 0.586087235467691130294144845693013,
    0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0.0 };
static const double gk_wk[8] = { 0.022935322010529224963732008058970,
    0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
    0.140653259715525918745189590510238, 0.169004726639267902826583426598550,
    0.190350578064785409913256402421014, 0.204432940075298892414161999234649,
    0.209482141084727828012999174891714 };
static const double gk_wg[4] = { 0.129484966168869693270611432679082,
    0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
    0.417959183673469387755102040816327 };

/* The integral of exp(-(F - shift)) over [a, b] by the 15-point rule; |K15 - G7| into *err. */
static double kronrod15(const spectral_terms *s, double shift, double a, double b, double *err)
{
    double c = 0.5 * (a + b), h = 0.5 * (b - a), kron = 0.0, gauss = 0.0;
    for (int i = 0; i < 8; i++) {
        double fl = exp(-(spectral_f(s, c - h * gk_x[i]) - shift));
        double fr = i < 7 ? exp(-(spectral_f(s, c + h * gk_x[i]) - shift)) : 0.0;
        kron += gk_wk[i] * (fl + fr);
        if (i % 2 == 1)
            gauss += gk_wg[i / 2] * (fl + fr);
    }
    *err = fabs(h * (kron - gauss));
    return h * kron;
}

/* Adaptive: halves [a, b] until the 7- and 15-point rules agree to tol, or to what the
 * rounding of the sum allows. */
static double adaptive_integral(const spectral_terms *s, double shift, double a, double b,
                                double tol, int depth)
{
    double err, v = kronrod15(s, shift, a, b, &err);
    if (err <= tol || err <= 100.0 * DBL_EPSILON * fabs(v) || depth >= 20 || !isfinite(v))
        return v;
    double m = 0.5 * (a + b);
    return adaptive_integral(s, shift, a, m, 0.5 * tol, depth + 1)
           + adaptive_integral(s, shift, m, b, 0.5 * tol, depth + 1);
}

/* The exact fe-opt (the minimum over [lo, hi]) or fe-marg (the integral with the flat prior
 * on ln lambda), and whether it sits at an end: the optimum at lo or hi, or the posterior
 * density of ln lambda at an end above SMI_GRID_EDGE_DENSITY. */
static double exact_value(const spectral_terms *s, double lo, double hi, int *edge)
{
    double step = (hi - lo) / SCAN_INTERVALS, fmin = INFINITY;
    size_t at = 0;
    for (size_t j = 0; j <= SCAN_INTERVALS; j++) {
        double f = spectral_f(s, j == SCAN_INTERVALS ? hi : lo + (double)j * step);
        if (f < fmin)
            fmin = f, at = j;
    }
    double t;
    fmin = golden_minimum(s, at == 0 ? lo : lo + (double)(at - 1) * step,
                          at == SCAN_INTERVALS ? hi : lo + (double)(at + 1) * step, &t);
    if (s->pb->cfg->criterion == SMI_CRIT_FE_OPT) {
        *edge = t - lo < 1e-8 || hi - t < 1e-8;
        return fmin;
    }
    double parts[SCAN_INTERVALS], err, total = 0.0, exact = 0.0;
    for (size_t j = 0; j < SCAN_INTERVALS; j++) {
        double a = lo + (double)j * step, b = j + 1 == SCAN_INTERVALS ? hi : a + step;
        parts[j] = kronrod15(s, fmin, a, b, &err);
        total += parts[j];
    }
    for (size_t j = 0; j < SCAN_INTERVALS; j++) {
        double a = lo + (double)j * step, b = j + 1 == SCAN_INTERVALS ? hi : a + step;
        exact += adaptive_integral(s, fmin, a, b, 1e-13 * total / SCAN_INTERVALS, 0);
    }
    /* the posterior density of ln lambda at each end: exp(-F) over the integral */
    *edge = exp(-(spectral_f(s, lo) - fmin)) / exact > SMI_GRID_EDGE_DENSITY
            || exp(-(spectral_f(s, hi) - fmin)) / exact > SMI_GRID_EDGE_DENSITY;
    return fmin - log(exact / (hi - lo));
}

void smi_grid_accuracy(const smi_problem *pb, size_t k, double value, const double *d,
                       const double *c2, double r0, double *error, int *edge)
{
    size_t G = pb->n_grid;
    *error = NAN;
    *edge = 0;
    if (!smi_is_ratio_grid(pb->cfg->criterion) || G < 2 || isnan(value))
        return;
    spectral_terms s = { .pb = pb, .k = k, .d = d, .c2 = c2, .r0 = r0 };
    double exact = exact_value(&s, pb->ln_ratio[0], pb->ln_ratio[G - 1], edge);
    *error = isfinite(exact) ? fabs(value - exact) : NAN;
}
