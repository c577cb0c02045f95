/* `sparsemi es --plot PREFIX`, first picture: PREFIX-dos.svg, the density of states.
 * A histogram of the criterion over every subset scored, with counts on a log axis
 * (a DOS spans many decades: a handful of good models, millions of poor ones), the
 * best model as a labelled dashed line and the other kept models as a rug of ticks; with a
 * model posterior, the posterior mass of each bin as a step line on a linear axis at the
 * right (where the few good models hold nearly all of it). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "es.h"

#define WIDTH 760.0
#define WIDTH_POSTERIOR 820.0 /* room for the posterior's axis at the right */
#define HEIGHT 500.0
/* The plot area. The top margin holds title, subtitle and legend. */
#define LEFT 84.0
#define RIGHT 730.0
#define TOP 112.0
#define BOTTOM 430.0
#define BAR_COLOUR "#4c78a8"
#define MARK_COLOUR "#d62728"
#define GRID_COLOUR "#e4e4e4"
#define AXIS_COLOUR "#333333"
#define NOTE_COLOUR "#555555"
#define POST_COLOUR "#e8871e"
#define RUG_LENGTH 12.0
#define MIN_BAR_WIDTH 3.0    /* a bin narrower than this on the axis is drawn this wide */
#define LABEL_GAP 6.0       /* the best model's line rises this far above the plot */
/* Only this many decades get minor ticks at 2..9 times a power of ten; more would crowd. */
#define MINOR_DECADES 6

typedef struct frame {
    double xlo, xhi;   /* criterion at LEFT and RIGHT */
    double ylo, yhi;   /* log10(count) at BOTTOM and TOP */
} frame;

static double x_of(const frame *f, double value)
{
    return LEFT + (value - f->xlo) / (f->xhi - f->xlo) * (RIGHT - LEFT);
}

static double y_of(const frame *f, double count)
{
    return BOTTOM - (log10(count) - f->ylo) / (f->yhi - f->ylo) * (BOTTOM - TOP);
}

/* The counts axis runs from 0.5, so that a bin of one subset shows as a bar, to twice
 * the tallest bin (and at least 20, so that the ticks 1 and 10 both appear). */
static frame make_frame(const es_report *r)
{
    frame f = { r->edges[0], r->edges[r->n_bins], log10(0.5), log10(20.0) };
    uint64_t most = 0;
    for (size_t b = 0; b < r->n_bins; b++)
        if (r->counts[b] > most)
            most = r->counts[b];
    if (2.0 * (double)most > 20.0)
        f.yhi = log10(2.0 * (double)most);
    /* Every subset scored (nearly) the same: widen the axis around that score, or the
     * ticks would all read alike. */
    double mid = 0.5 * (f.xlo + f.xhi), half = 0.05 * fmax(fabs(mid), 1.0);
    if (!(f.xhi - f.xlo > 1e-6 * half)) {
        f.xlo = mid - half;
        f.xhi = mid + half;
    }
    return f;
}

/* "1", "10", "100", "1000", then "10⁴", "10⁵", ... with superscript digits. */
static void power_label(char *buf, size_t cap, int exponent)
{
    static const char *const superscript[] = { "\u2070", "\u00b9", "\u00b2", "\u00b3",
                                               "\u2074", "\u2075", "\u2076", "\u2077",
                                               "\u2078", "\u2079" };
    if (exponent <= 3) {
        snprintf(buf, cap, "%.0f", pow(10.0, exponent));
        return;
    }
    char digits[16];
    snprintf(digits, sizeof digits, "%d", exponent);
    size_t used = (size_t)snprintf(buf, cap, "10");
    for (const char *d = digits; *d && used < cap; d++)
        used += (size_t)snprintf(buf + used, cap - used, "%s", superscript[*d - '0']);
}

static void count_axis(FILE *out, const frame *f)
{
    const cli_svg_font label = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    int top = (int)floor(f->yhi);
    for (int e = 0; e <= top; e++) {
        double y = y_of(f, pow(10.0, e));
        char text[32];
        power_label(text, sizeof text, e);
        cli_svg_line(out, LEFT, y, RIGHT, y, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, LEFT - 6, y, LEFT, y, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, LEFT - 9, y + 4, "%s", text);
        for (int m = 2; m <= 9 && top < MINOR_DECADES; m++) {
            double c = m * pow(10.0, e);
            if (log10(c) <= f->yhi)
                cli_svg_line(out, LEFT - 3, y_of(f, c), LEFT, y_of(f, c), AXIS_COLOUR, 1.0, 0);
        }
    }
    const cli_svg_font title = { 13.0, "middle", -90.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, LEFT - 58, 0.5 * (TOP + BOTTOM), "subsets per bin (log scale)");
}

static void criterion_axis(FILE *out, const frame *f, const es_report *r)
{
    double ticks[32], step;
    size_t n = cli_svg_ticks(f->xlo, f->xhi, 7, ticks, 32, &step);
    const cli_svg_font label = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    for (size_t k = 0; k < n; k++) {
        double x = x_of(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, x, BOTTOM, x, BOTTOM + 6, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, x, BOTTOM + 20, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (LEFT + RIGHT), BOTTOM + 46, "%s of the model%s",
                 es_criterion_label(r->criterion),
                 r->criterion == SMI_CRIT_RSS ? " (residual sum of squares)" : "");
    cli_svg_line(out, LEFT, BOTTOM, RIGHT, BOTTOM, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, LEFT, TOP, LEFT, BOTTOM, AXIS_COLOUR, 1.0, 0);
}

static void bars(FILE *out, const frame *f, const es_report *r)
{
    for (size_t b = 0; b < r->n_bins; b++) {
        if (r->counts[b] == 0)
            continue;
        double x0 = x_of(f, r->edges[b]), x1 = x_of(f, r->edges[b + 1]);
        double y = y_of(f, (double)r->counts[b]);
        char tip[128];
        snprintf(tip, sizeof tip, "%llu subsets with %s in [%.6g, %.6g)",
                 (unsigned long long)r->counts[b], smi_criterion_name(r->criterion),
                 r->edges[b], r->edges[b + 1]);
        double w = fmax(x1 - x0, MIN_BAR_WIDTH);
        cli_svg_rect(out, 0.5 * (x0 + x1 - w), y, w, BOTTOM - y, BAR_COLOUR, "#ffffff", tip);
    }
}

/* "r_p_A, r_d_B": the names of a model's features, cut to fit cap. */
static void model_names(char *buf, size_t cap, const es_report *r, const es_model *m)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < m->size && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", k ? ", " : "",
                                 es_feature_name(r, m->features[k]));
    if (m->size == 0)
        snprintf(buf, cap, "intercept only");
    if (used >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

/* Kept models 2..M as a rug along the top of the plot; the best one as a dashed line
 * with its features and score. Models outside the axis (given edges) are not drawn. */
static void marks(FILE *out, const frame *f, const es_report *r)
{
    for (size_t k = r->n_top; k-- > 1;) {
        double x = x_of(f, r->top[k].criterion);
        if (x >= LEFT && x <= RIGHT)
            cli_svg_line(out, x, TOP, x, TOP + RUG_LENGTH, MARK_COLOUR, 1.0, 0);
    }
    if (r->n_top == 0)
        return;
    double x = x_of(f, r->top[0].criterion);
    if (x < LEFT || x > RIGHT)
        return;
    /* The label goes above the plot area, where no bar can hide it. */
    cli_svg_line(out, x, TOP - LABEL_GAP, x, BOTTOM, MARK_COLOUR, 1.5, 1);
    char names[96];
    model_names(names, sizeof names, r, &r->top[0]);
    int right_half = x > 0.5 * (LEFT + RIGHT);
    const cli_svg_font font = { 12.0, right_half ? "end" : "start", 0.0, MARK_COLOUR, 1 };
    cli_svg_text(out, &font, right_half ? x + 4 : x - 4, TOP - LABEL_GAP - 4,
                 "best: %s (%.6g)", names, r->top[0].criterion);
}

/* The posterior mass per bin: a step line on a linear axis from 0 at BOTTOM. */
static void posterior_overlay(FILE *out, const frame *f, const es_report *r)
{
    double most = 0.0;
    for (size_t b = 0; b < r->n_bins; b++)
        most = fmax(most, r->dos_posterior[b]);
    if (!(most > 0.0))
        return;
    double ticks[16], step;
    size_t n = cli_svg_ticks(0.0, most, 5, ticks, 16, &step);
    double top = fmax(most, n ? ticks[n - 1] : most);
#define Y_POST(m) (BOTTOM - (m) / top * (BOTTOM - TOP))
    const cli_svg_font label = { 12.0, "start", 0.0, POST_COLOUR, 0 };
    cli_svg_line(out, RIGHT, TOP, RIGHT, BOTTOM, POST_COLOUR, 1.0, 0);
    for (size_t k = 0; k < n; k++) {
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, RIGHT, Y_POST(ticks[k]), RIGHT + 6, Y_POST(ticks[k]), POST_COLOUR,
                     1.0, 0);
        cli_svg_text(out, &label, RIGHT + 9, Y_POST(ticks[k]) + 4, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", 90.0, POST_COLOUR, 0 };
    cli_svg_text(out, &title, RIGHT + 58, 0.5 * (TOP + BOTTOM), "posterior mass per bin");
    double y_prev = BOTTOM;
    for (size_t b = 0; b < r->n_bins; b++) {
        double x0 = x_of(f, r->edges[b]), x1 = x_of(f, r->edges[b + 1]);
        double y = Y_POST(r->dos_posterior[b]);
        cli_svg_line(out, x0, y_prev, x0, y, POST_COLOUR, 2.0, 0);
        cli_svg_line(out, x0, y, x1, y, POST_COLOUR, 2.0, 0);
        y_prev = y;
    }
    cli_svg_line(out, x_of(f, r->edges[r->n_bins]), y_prev, x_of(f, r->edges[r->n_bins]),
                 BOTTOM, POST_COLOUR, 2.0, 0);
#undef Y_POST
}

static void headings(FILE *out, const es_report *r)
{
    const char *file = strrchr(r->data_path, '/') ? strrchr(r->data_path, '/') + 1
                                                  : r->data_path;
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &title, LEFT, 28, "Density of states of the %s",
                 es_criterion_label(r->criterion));
    cli_svg_text(out, &note, LEFT, 48,
                 "%llu subset%s of %zu features scored (sizes %zu to %zu), %llu singular; "
                 "target %s in %s", (unsigned long long)r->n_models,
                 r->n_models == 1 ? "" : "s", r->p, r->min_size,
                 r->max_size, (unsigned long long)r->n_singular,
                 r->target, file);
    /* The legend: a bar, a rug tick, the dashed line. */
    double y = 72;
    cli_svg_rect(out, LEFT, y - 10, 14, 12, BAR_COLOUR, NULL, NULL);
    cli_svg_text(out, &note, LEFT + 20, y, "subsets per bin");
    cli_svg_line(out, LEFT + 140, y - 11, LEFT + 140, y + 2, MARK_COLOUR, 1.0, 0);
    cli_svg_text(out, &note, LEFT + 148, y, "the %zu best model%s kept", r->n_top,
                 r->n_top == 1 ? "" : "s");
    cli_svg_line(out, LEFT + 330, y - 11, LEFT + 330, y + 2, MARK_COLOUR, 1.5, 1);
    cli_svg_text(out, &note, LEFT + 338, y, "the best model");
    if (r->has_posterior) {
        cli_svg_line(out, LEFT + 460, y - 4, LEFT + 478, y - 4, POST_COLOUR, 2.0, 0);
        cli_svg_text(out, &note, LEFT + 484, y, "posterior mass (right axis)");
    }
    if (r->below || r->above)
        cli_svg_text(out, &note, LEFT, y + 18, "outside the axis: %llu below, %llu above",
                     (unsigned long long)r->below, (unsigned long long)r->above);
}

void es_plot_dos(FILE *out, const es_report *r)
{
    char title[160];
    snprintf(title, sizeof title, "Density of states of the %s",
             es_criterion_label(r->criterion));
    cli_svg_begin(out, r->has_posterior ? WIDTH_POSTERIOR : WIDTH, HEIGHT, title);
    headings(out, r);
    if (r->n_bins == 0 || r->n_models == 0) {
        const cli_svg_font font = { 14.0, "middle", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &font, 0.5 * (LEFT + RIGHT), 0.5 * (TOP + BOTTOM),
                     "no subset was scored");
        cli_svg_end(out);
        return;
    }
    frame f = make_frame(r);
    count_axis(out, &f);
    bars(out, &f, r);
    criterion_axis(out, &f, r);
    if (r->has_posterior)
        posterior_overlay(out, &f, r);
    marks(out, &f, r);
    cli_svg_end(out);
}
