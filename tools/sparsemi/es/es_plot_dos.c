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
#define AXIS_COLOUR "#333333"
#define NOTE_COLOUR "#555555"
#define POST_COLOUR "#e8871e"
#define RUG_LENGTH 12.0
#define MIN_BAR_WIDTH 3.0    /* a bin narrower than this on the axis is drawn this wide */

typedef cli_dos_frame frame;

/* The count axis from 0.5 to twice the tallest bin (cli_dos_frame_fit). */
static frame make_frame(const es_report *r)
{
    frame f = { .left = LEFT, .right = RIGHT, .top = TOP, .bottom = BOTTOM };
    uint64_t most = 0;
    for (size_t b = 0; b < r->n_bins; b++)
        if (r->counts[b] > most)
            most = r->counts[b];
    cli_dos_frame_fit(&f, r->edges[0], r->edges[r->n_bins], 1.0, (double)most);
    return f;
}

static void bars(FILE *out, const frame *f, const es_report *r)
{
    for (size_t b = 0; b < r->n_bins; b++) {
        if (r->counts[b] == 0)
            continue;
        double x0 = cli_dos_x(f, r->edges[b]), x1 = cli_dos_x(f, r->edges[b + 1]);
        double y = cli_dos_y(f, (double)r->counts[b]);
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
        double x = cli_dos_x(f, r->top[k].criterion);
        if (x >= LEFT && x <= RIGHT)
            cli_svg_line(out, x, TOP, x, TOP + RUG_LENGTH, MARK_COLOUR, 1.0, 0);
    }
    if (r->n_top == 0)
        return;
    char names[96], label[160];
    model_names(names, sizeof names, r, &r->top[0]);
    snprintf(label, sizeof label, "best: %s (%.6g)", names, r->top[0].criterion);
    cli_dos_best_mark(out, f, r->top[0].criterion, MARK_COLOUR, label);
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
        double x0 = cli_dos_x(f, r->edges[b]), x1 = cli_dos_x(f, r->edges[b + 1]);
        double y = Y_POST(r->dos_posterior[b]);
        cli_svg_line(out, x0, y_prev, x0, y, POST_COLOUR, 2.0, 0);
        cli_svg_line(out, x0, y, x1, y, POST_COLOUR, 2.0, 0);
        y_prev = y;
    }
    cli_svg_line(out, cli_dos_x(f, r->edges[r->n_bins]), y_prev, cli_dos_x(f, r->edges[r->n_bins]),
                 BOTTOM, POST_COLOUR, 2.0, 0);
#undef Y_POST
}

static void headings(FILE *out, const es_report *r)
{
    const char *file = es_data_label(r);
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &title, LEFT, 28, "Density of states of the %s",
                 smi_criterion_label(r->criterion));
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
             smi_criterion_label(r->criterion));
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
    cli_dos_count_axis(out, &f);
    bars(out, &f, r);
    cli_dos_criterion_axis(out, &f, r->criterion);
    if (r->has_posterior)
        posterior_overlay(out, &f, r);
    marks(out, &f, r);
    cli_svg_end(out);
}
