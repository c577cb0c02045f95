/* `sparsemi lasso --plot PREFIX`: two pictures, in the style of remc_plot.c.
 * PREFIX-path.svg: the coefficient path of every feature, standardised (coefficient times
 * the feature's standard deviation, so that features of any unit compare), against the
 * penalty: lambda on a log axis for coordinate descent, the knot alpha on a linear axis
 * for LARS. The penalty decreases to the right, so the path unfolds from the empty model
 * on the left as features enter; the largest coefficients at the end are labelled. The
 * CV choices are marked by vertical dashed lines, and the penalty where the best-scoring
 * support (the LARS-OLS hybrid's choice) appears by a dotted one.
 * PREFIX-cv.svg (with CV only): the CV error against log lambda, one point per lambda with
 * an error bar of one standard error, lambda_min and lambda_1se marked, the one-standard-
 * error threshold dotted, and along the top the number of nonzero coefficients. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "lasso.h"

#define AXIS_COLOUR "#333333"
#define GRID_COLOUR "#e4e4e4"
#define NOTE_COLOUR "#555555"
#define ZERO_COLOUR "#bbbbbb"
#define MIN_COLOUR "#d62728"
#define ONESE_COLOUR "#1f77b4"
#define BEST_COLOUR "#2ca02c"
#define POINT_COLOUR "#d62728"
#define ERROR_COLOUR "#777777"
#define MAX_LABELS 12
#define LABEL_SPACING 13.0

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Twenty distinguishable colours (Tableau 20, dark and light in turn), cycled. */
static const char *feature_colour(size_t k)
{
    static const char *const palette[] = {
        "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#9c755f", "#4b4b4b",
        "#76b7b2", "#edc948", "#ff9da7", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d",
        "#499894", "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8", "#79706e" };
    return palette[k % (sizeof palette / sizeof palette[0])];
}

/* ---- The penalty axis, shared by both pictures --------------------------------------------- */

typedef struct frame {
    double left, right, top, bottom;
    int log_x;           /* log10 of the penalty (cd), else the penalty itself (LARS) */
    double xhi, xlo;     /* the penalty at `left` (the largest) and at `right` */
    double ylo, yhi;     /* the value at `bottom` and at `top` */
} frame;

static double px(const frame *f, double penalty)
{
    double v = f->log_x ? log10(penalty) : penalty;
    double hi = f->log_x ? log10(f->xhi) : f->xhi, lo = f->log_x ? log10(f->xlo) : f->xlo;
    return f->left + (hi - v) / (hi - lo) * (f->right - f->left);
}

static double py(const frame *f, double v)
{
    return f->bottom - (v - f->ylo) / (f->yhi - f->ylo) * (f->bottom - f->top);
}

/* The penalty range of the path; a LARS path ending at 0 is drawn to 0, a single lambda or
 * knot gets a range around it. */
static void penalty_range(const lasso_report *r, frame *f)
{
    f->log_x = r->path == LASSO_PATH_CD;
    f->xhi = r->lambdas[0];
    f->xlo = r->lambdas[r->L - 1];
    if (f->log_x && !(f->xhi > f->xlo)) {
        f->xhi *= 2.0;
        f->xlo /= 2.0;
    } else if (!f->log_x && !(f->xhi > f->xlo)) {
        f->xhi += 0.5 * fmax(fabs(f->xhi), 1.0);
        f->xlo = fmax(0.0, f->xlo - 0.5);
    }
}

/* Log axis: ticks at the powers of ten (and 2, 5 times them over few decades). */
static void log_ticks(FILE *out, const frame *f)
{
    const cli_svg_font label = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    double lo = log10(f->xlo), hi = log10(f->xhi);
    int few = hi - lo < 2.5;
    for (int e = (int)floor(lo); e <= (int)ceil(hi); e++)
        for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) { /* 1, 2, 5 */
            double v = m * pow(10.0, e);
            if ((m > 1 && !few) || log10(v) < lo - 1e-9 || log10(v) > hi + 1e-9)
                continue;
            double x = px(f, v);
            cli_svg_line(out, x, f->bottom, x, f->bottom + 6, AXIS_COLOUR, 1.0, 0);
            cli_svg_line(out, x, f->top, x, f->bottom, GRID_COLOUR, 1.0, 0);
            cli_svg_text(out, &label, x, f->bottom + 20, "%g", v);
        }
}

static void linear_ticks(FILE *out, const frame *f)
{
    const cli_svg_font label = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    double ticks[32], step;
    size_t n = cli_svg_ticks(f->xlo, f->xhi, 7, ticks, 32, &step);
    for (size_t k = 0; k < n; k++) {
        double x = px(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, x, f->bottom, x, f->bottom + 6, AXIS_COLOUR, 1.0, 0);
        cli_svg_line(out, x, f->top, x, f->bottom, GRID_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, x, f->bottom + 20, "%s", text);
    }
}

static void penalty_axis(FILE *out, const frame *f)
{
    if (f->log_x)
        log_ticks(out, f);
    else
        linear_ticks(out, f);
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (f->left + f->right), f->bottom + 44, "%s",
                 f->log_x ? "penalty \u03bb (log scale), decreasing \u2192"
                          : "knot penalty \u03b1 of LARS, decreasing \u2192");
}

static void value_axis(FILE *out, const frame *f, const char *title_text)
{
    const cli_svg_font label = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    double ticks[32], step;
    size_t n = cli_svg_ticks(f->ylo, f->yhi, 6, ticks, 32, &step);
    for (size_t k = 0; k < n; k++) {
        double y = py(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, f->left, y, f->right, y, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, f->left - 6, y, f->left, y, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, f->left - 9, y + 4, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", -90.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, f->left - 62, 0.5 * (f->top + f->bottom), "%s", title_text);
}

static void frame_lines(FILE *out, const frame *f)
{
    cli_svg_line(out, f->left, f->bottom, f->right, f->bottom, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, f->left, f->top, f->left, f->bottom, AXIS_COLOUR, 1.0, 0);
}

/* A labelled dashed vertical line at a penalty; row staggers the labels of several. */
static void mark(FILE *out, const frame *f, double penalty, const char *colour, int row,
                 const char *text)
{
    double x = px(f, penalty);
    if (!(x >= f->left - 0.5 && x <= f->right + 0.5))
        return;
    cli_svg_line(out, x, f->top, x, f->bottom, colour, 1.5, 1);
    int right_half = x > 0.5 * (f->left + f->right);
    const cli_svg_font font = { 11.0, right_half ? "end" : "start", 0.0, colour, 1 };
    cli_svg_text(out, &font, right_half ? x - 4 : x + 4, f->top + 14 + 14 * row, "%s", text);
}

/* The CV choices and the hybrid's choice. */
static void choice_marks(FILE *out, const frame *f, const lasso_report *r, int with_best)
{
    char text[96];
    int row = 0;
    if (r->has_cv) {
        snprintf(text, sizeof text, "\u03bb_min %.4g", r->lambdas[r->index_min]);
        mark(out, f, r->lambdas[r->index_min], MIN_COLOUR, row++, text);
        snprintf(text, sizeof text, "\u03bb_1se %.4g", r->lambdas[r->index_1se]);
        mark(out, f, r->lambdas[r->index_1se], ONESE_COLOUR, row++, text);
    }
    if (with_best && r->best != SIZE_MAX) {
        const lasso_support *s = &r->supports[r->best];
        snprintf(text, sizeof text, "best %s: %zu feature%s", smi_criterion_name(r->crit.criterion),
                 s->size, s->size == 1 ? "" : "s");
        mark(out, f, s->penalty, BEST_COLOUR, row, text);
    }
}

/* ==== PREFIX-path.svg ======================================================================= */

#define P_WIDTH 900.0
#define P_HEIGHT 560.0

static double standardised(const lasso_report *r, size_t k, size_t j)
{
    return r->coef[k * r->p + j] * r->sd[j];
}

static int ever_nonzero(const lasso_report *r, size_t j)
{
    for (size_t k = 0; k < r->L; k++)
        if (r->coef[k * r->p + j] != 0.0)
            return 1;
    return 0;
}

static void coefficient_range(const lasso_report *r, frame *f)
{
    double lo = 0.0, hi = 0.0;
    for (size_t k = 0; k < r->L; k++)
        for (size_t j = 0; j < r->p; j++) {
            double v = standardised(r, k, j);
            if (isfinite(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
    double pad = 0.05 * (hi - lo);
    if (!(pad > 0))
        pad = 1.0;
    f->ylo = lo - pad;
    f->yhi = hi + pad;
}

/* One polyline per feature, in data set order; a feature never in the model lies on 0. */
static void feature_lines(FILE *out, const frame *f, const lasso_report *r)
{
    double *xs = malloc((r->L ? r->L : 1) * sizeof *xs);
    double *ys = malloc((r->L ? r->L : 1) * sizeof *ys);
    if (!xs || !ys) { /* a picture without its lines, but still a valid one */
        free(xs), free(ys);
        return;
    }
    for (size_t j = 0; j < r->p; j++) {
        for (size_t k = 0; k < r->L; k++)
            xs[k] = px(f, r->lambdas[k]), ys[k] = py(f, standardised(r, k, j));
        int used = ever_nonzero(r, j);
        cli_svg_polyline(out, xs, ys, r->L, used ? feature_colour(j) : ZERO_COLOUR,
                         used ? 1.8 : 0.8);
    }
    free(xs), free(ys);
}

typedef struct label {
    size_t feature;
    double y0, y; /* where its line ends, and where its name goes */
} label;

static int by_y(const void *a, const void *b)
{
    double ya = ((const label *)a)->y0, yb = ((const label *)b)->y0;
    return (ya > yb) - (ya < yb);
}

/* The largest |coefficients| at the end of the path, named at the right edge, pushed apart
 * so that they do not overlap. */
static void end_labels(FILE *out, const frame *f, const lasso_report *r)
{
    label chosen[MAX_LABELS];
    size_t count = 0, last = r->L - 1;
    unsigned char *taken = calloc(r->p ? r->p : 1, 1);
    if (!taken)
        return;
    while (count < MAX_LABELS) {
        size_t best = SIZE_MAX;
        for (size_t j = 0; j < r->p; j++)
            if (!taken[j] && standardised(r, last, j) != 0.0 &&
                (best == SIZE_MAX ||
                 fabs(standardised(r, last, j)) > fabs(standardised(r, last, best))))
                best = j;
        if (best == SIZE_MAX)
            break;
        taken[best] = 1;
        double y = py(f, standardised(r, last, best));
        chosen[count++] = (label){ best, y, y };
    }
    free(taken);
    qsort(chosen, count, sizeof *chosen, by_y);
    for (size_t k = 1; k < count; k++)
        if (chosen[k].y < chosen[k - 1].y + LABEL_SPACING)
            chosen[k].y = chosen[k - 1].y + LABEL_SPACING;
    for (size_t k = 0; k < count; k++) { /* a leader from the line's end to its name */
        const char *colour = feature_colour(chosen[k].feature);
        const cli_svg_font font = { 11.0, "start", 0.0, colour, 1 };
        cli_svg_line(out, f->right + 2, chosen[k].y0, f->right + 12, chosen[k].y, colour, 0.8, 0);
        cli_svg_text(out, &font, f->right + 15, chosen[k].y + 4, "%s", r->names[chosen[k].feature]);
    }
}

static void path_headings(FILE *out, const lasso_report *r, const char *title)
{
    const cli_svg_font head = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &head, 84, 28, "%s", title);
    cli_svg_text(out, &note, 84, 48, "target %s in %s: %zu samples, %zu features; %zu %s; "
                 "%zu distinct supports", r->target, file_name(r->data_path), r->n, r->p, r->L,
                 r->path == LASSO_PATH_CD ? "lambdas" : "knots", r->n_supports);
    cli_svg_text(out, &note, 84, 65, "coefficient \u00d7 standard deviation of its feature; %s"
                 "green: where the support of the smallest %s appears",
                 r->has_cv ? "red and blue: the CV choices; " : "",
                 smi_criterion_name(r->crit.criterion));
}

void lasso_plot_path(FILE *out, const lasso_report *r)
{
    const char *title = r->path == LASSO_PATH_CD
                            ? (r->alpha == 1.0 ? "LASSO path" : "Elastic-net path")
                            : r->path == LASSO_PATH_LAR ? "Least angle regression path"
                                                         : "LASSO path by LARS";
    cli_svg_begin(out, P_WIDTH, P_HEIGHT, title);
    path_headings(out, r, title);
    frame f = { .left = 84, .right = 740, .top = 84, .bottom = 480 };
    if (r->L == 0) {
        cli_svg_end(out);
        return;
    }
    penalty_range(r, &f);
    coefficient_range(r, &f);
    value_axis(out, &f, "standardised coefficient");
    penalty_axis(out, &f);
    cli_svg_line(out, f.left, py(&f, 0.0), f.right, py(&f, 0.0), AXIS_COLOUR, 0.8, 0);
    feature_lines(out, &f, r);
    choice_marks(out, &f, r, 1);
    end_labels(out, &f, r);
    frame_lines(out, &f);
    cli_svg_end(out);
}

/* ==== PREFIX-cv.svg ======================================================================= */

#define C_WIDTH 820.0
#define C_HEIGHT 540.0

static void cv_range(const lasso_report *r, frame *f)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < r->L; k++) {
        double m = r->cv_mean[k], s = isfinite(r->cv_se[k]) ? r->cv_se[k] : 0.0;
        if (isfinite(m))
            lo = fmin(lo, m - s), hi = fmax(hi, m + s);
    }
    if (!(hi > lo)) {
        double mid = isfinite(lo) ? lo : 0.0;
        lo = mid - 0.5 * fmax(fabs(mid), 1.0);
        hi = mid + 0.5 * fmax(fabs(mid), 1.0);
    }
    double pad = 0.05 * (hi - lo);
    f->ylo = lo - pad;
    f->yhi = hi + pad;
}

static void cv_points(FILE *out, const frame *f, const lasso_report *r)
{
    for (size_t k = 0; k < r->L; k++) {
        double m = r->cv_mean[k], s = r->cv_se[k], x = px(f, r->lambdas[k]);
        if (!isfinite(m))
            continue;
        if (isfinite(s) && s > 0) {
            double y0 = py(f, m - s), y1 = py(f, m + s);
            cli_svg_line(out, x, y0, x, y1, ERROR_COLOUR, 1.0, 0);
            cli_svg_line(out, x - 2.5, y0, x + 2.5, y0, ERROR_COLOUR, 1.0, 0);
            cli_svg_line(out, x - 2.5, y1, x + 2.5, y1, ERROR_COLOUR, 1.0, 0);
        }
        char tip[160];
        size_t nonzero = 0;
        for (size_t j = 0; j < r->p; j++)
            nonzero += r->coef[k * r->p + j] != 0.0;
        snprintf(tip, sizeof tip, "lambda %.6g: CV error %.6g \u00b1 %.3g (one se), %zu "
                 "nonzero coefficients", r->lambdas[k], m, s, nonzero);
        cli_svg_circle(out, x, py(f, m), 3.0, POINT_COLOUR, NULL, tip);
    }
}

/* The number of nonzero coefficients along the top, at about a dozen lambdas. */
static void size_axis(FILE *out, const frame *f, const lasso_report *r)
{
    const cli_svg_font font = { 11.0, "middle", 0.0, NOTE_COLOUR, 0 };
    size_t every = r->L > 12 ? (r->L + 11) / 12 : 1;
    for (size_t k = 0; k < r->L; k += every) {
        size_t nonzero = 0;
        for (size_t j = 0; j < r->p; j++)
            nonzero += r->coef[k * r->p + j] != 0.0;
        cli_svg_text(out, &font, px(f, r->lambdas[k]), f->top - 8, "%zu", nonzero);
    }
    cli_svg_text(out, &font, f->right + 30, f->top - 8, "features");
}

void lasso_plot_cv(FILE *out, const lasso_report *r)
{
    cli_svg_begin(out, C_WIDTH, C_HEIGHT, "Cross-validation of the LASSO path");
    const cli_svg_font head = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &head, 84, 28, "Cross-validation of the %s path",
                 r->alpha == 1.0 ? "LASSO" : "elastic-net");
    cli_svg_text(out, &note, 84, 48, "%zu-fold mean squared error \u00b1 one standard error; "
                 "target %s in %s", r->cv_k, r->target, file_name(r->data_path));
    frame f = { .left = 84, .right = 740, .top = 96, .bottom = 460 };
    if (r->L == 0 || !r->has_cv) {
        cli_svg_end(out);
        return;
    }
    penalty_range(r, &f);
    cv_range(r, &f);
    value_axis(out, &f, "CV mean squared error");
    penalty_axis(out, &f);
    size_axis(out, &f, r);
    double threshold = r->cv_mean[r->index_min] + r->cv_se[r->index_min];
    if (isfinite(threshold))
        cli_svg_line(out, f.left, py(&f, threshold), f.right, py(&f, threshold), ONESE_COLOUR,
                     1.0, 1);
    cv_points(out, &f, r);
    choice_marks(out, &f, r, 0);
    frame_lines(out, &f);
    cli_svg_end(out);
}
