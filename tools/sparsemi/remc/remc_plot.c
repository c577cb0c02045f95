/* `sparsemi remc --plot PREFIX`: two pictures, in the style of es_plot_dos.c.
 * PREFIX-dos.svg: the estimated density of states as bars on a log axis with error bars
 * (ln D +- one standard error), the exact counts of --exact as points over them, and the
 * best model visited as a labelled dashed line.
 * PREFIX-trace.svg: the energy of the state at each temperature against the sweep, one
 * colour per temperature from hot (beta 0, red) to cold (blue), the burn-in shaded; under
 * it, the exchange rates between neighbouring temperatures as bars and the acceptance of
 * each temperature's proposals as points, on one axis from 0 to 1. A trace is drawn at
 * the resolution of the picture: per pixel column the mean energy as a line over a pale
 * band from the smallest to the largest, so that no excursion is lost, the temperatures
 * stay apart where their ranges overlap, and the file stays small. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "remc.h"

#define BAR_COLOUR "#4c78a8"
#define ERROR_COLOUR "#1f3b5a"
#define EXACT_COLOUR "#111111"
#define MARK_COLOUR "#d62728"
#define GRID_COLOUR "#e4e4e4"
#define AXIS_COLOUR "#333333"
#define NOTE_COLOUR "#555555"
#define BURN_COLOUR "#ececec"
#define ACCEPT_COLOUR "#e8871e"
#define MIN_BAR_WIDTH 3.0

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "r_p_A, r_d_B": the names of a model's features, cut to fit cap. */
static void model_names(char *buf, size_t cap, const remc_report *r, const remc_model *m)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < m->size && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", k ? ", " : "",
                                 r->names[m->features[k]]);
    if (m->size == 0)
        snprintf(buf, cap, "intercept only");
    if (used >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

/* ==== PREFIX-dos.svg ===================================================================== */

#define D_WIDTH 780.0
#define D_HEIGHT 540.0
#define D_LEFT 84.0
#define D_RIGHT 750.0
#define D_TOP 148.0
#define D_BOTTOM 468.0

typedef cli_dos_frame dframe;

/* The count axis from below the smallest count shown (error bars and exact counts
 * included) to twice the largest (cli_dos_frame_fit, as for es). */
static dframe make_dframe(const remc_report *r)
{
    double lo = INFINITY, hi = 0.0;
    for (size_t b = 0; b < r->n_bins; b++) {
        double c = remc_count(r, b), e = isfinite(r->errors[b]) ? r->errors[b] : 0.0;
        if (c > 0) {
            lo = fmin(lo, c * exp(-e));
            hi = fmax(hi, c * exp(e));
        }
        if (r->has_exact && r->exact.counts[b] > 0) {
            lo = fmin(lo, (double)r->exact.counts[b]);
            hi = fmax(hi, (double)r->exact.counts[b]);
        }
    }
    dframe f = { .left = D_LEFT, .right = D_RIGHT, .top = D_TOP, .bottom = D_BOTTOM };
    cli_dos_frame_fit(&f, r->edges[0], r->edges[r->n_bins], lo, hi);
    return f;
}

static void dos_bars(FILE *out, const dframe *f, const remc_report *r)
{
    const char *name = smi_criterion_name(r->criterion);
    for (size_t b = 0; b < r->n_bins; b++) {
        double c = remc_count(r, b);
        if (!(c > 0) || log10(c) < f->ylo)
            continue;
        double x0 = cli_dos_x(f, r->edges[b]), x1 = cli_dos_x(f, r->edges[b + 1]), y = cli_dos_y(f, c);
        char tip[192];
        if (isfinite(r->errors[b]))
            snprintf(tip, sizeof tip, "about %.4g subsets with %s in [%.6g, %.6g); ln D = "
                     "%.4f \u00b1 %.3g", c, name, r->edges[b], r->edges[b + 1],
                     r->log_counts[b], r->errors[b]);
        else
            snprintf(tip, sizeof tip, "about %.4g subsets with %s in [%.6g, %.6g); ln D = "
                     "%.4f, no standard error (a block had no sample here)", c, name,
                     r->edges[b], r->edges[b + 1], r->log_counts[b]);
        double w = fmax(x1 - x0, MIN_BAR_WIDTH);
        cli_svg_rect(out, 0.5 * (x0 + x1 - w), y, w, D_BOTTOM - y, BAR_COLOUR, "#ffffff", tip);
    }
}

/* One standard error of ln D either side: from D exp(-se) to D exp(se), with caps. */
static void error_bars(FILE *out, const dframe *f, const remc_report *r)
{
    for (size_t b = 0; b < r->n_bins; b++) {
        double c = remc_count(r, b), e = r->errors[b];
        if (!(c > 0) || !isfinite(e) || e <= 0)
            continue;
        double x0 = cli_dos_x(f, r->edges[b]), x1 = cli_dos_x(f, r->edges[b + 1]), xm = 0.5 * (x0 + x1);
        double ylo = cli_dos_y(f, c * exp(-e)), yhi = cli_dos_y(f, c * exp(e));
        double cap = fmin(fmax(0.3 * (x1 - x0), 2.0), 5.0);
        cli_svg_line(out, xm, ylo, xm, yhi, ERROR_COLOUR, 1.2, 0);
        cli_svg_line(out, xm - cap, ylo, xm + cap, ylo, ERROR_COLOUR, 1.2, 0);
        cli_svg_line(out, xm - cap, yhi, xm + cap, yhi, ERROR_COLOUR, 1.2, 0);
    }
}

static void exact_points(FILE *out, const dframe *f, const remc_report *r)
{
    if (!r->has_exact)
        return;
    for (size_t b = 0; b < r->n_bins && b < r->exact.n_bins; b++) {
        uint64_t c = r->exact.counts[b];
        if (c == 0)
            continue;
        double xm = 0.5 * (cli_dos_x(f, r->edges[b]) + cli_dos_x(f, r->edges[b + 1]));
        char tip[160];
        snprintf(tip, sizeof tip, "exactly %llu subsets in [%.6g, %.6g); the estimate %.4g",
                 (unsigned long long)c, r->edges[b], r->edges[b + 1], remc_count(r, b));
        cli_svg_circle(out, xm, cli_dos_y(f, (double)c), 3.5, EXACT_COLOUR, "#ffffff", tip);
    }
}

static void best_mark(FILE *out, const dframe *f, const remc_report *r)
{
    if (r->n_top == 0)
        return;
    char names[96], label[160];
    model_names(names, sizeof names, r, &r->top[0]);
    snprintf(label, sizeof label, "best visited: %s (%.6g)", names, r->top[0].criterion);
    cli_dos_best_mark(out, f, r->top[0].criterion, MARK_COLOUR, label);
}

static void dos_headings(FILE *out, const remc_report *r)
{
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &title, D_LEFT, 28, "Density of states of the %s, by replica exchange",
                 smi_criterion_label(r->criterion));
    char states[32];
    snprintf(states, sizeof states, r->n_states < 1e15 ? "%.0f" : "%.4g", r->n_states);
    cli_svg_text(out, &note, D_LEFT, 48, "%s subsets of %zu features (sizes %zu to %zu); "
                 "target %s in %s", states, r->p, r->min_size, r->max_size, r->target,
                 file_name(r->data_path));
    cli_svg_text(out, &note, D_LEFT, 65, "%zu replicas, %zu sweeps after %zu of burn-in, "
                 "seed %llu", r->R, r->sweeps, r->burn_in, (unsigned long long)r->seed);
    if (r->has_exact)
        cli_svg_text(out, &note, D_LEFT, 82,
                     "vs %s: max |ln D(remc) \u2212 ln D(exact)| = %.3g in the %zu bins with "
                     "\u2265 %g of the %llu models", file_name(r->exact.path),
                     r->max_abs_log_error, r->compared_bins, REMC_EXACT_MIN_FRACTION,
                     (unsigned long long)r->exact.n_models);
    /* The legend: a bar, an error bar, a point, the dashed line. */
    double y = 106;
    cli_svg_rect(out, D_LEFT, y - 10, 14, 12, BAR_COLOUR, NULL, NULL);
    cli_svg_text(out, &note, D_LEFT + 20, y, "estimated subsets per bin");
    double x = D_LEFT + 190;
    cli_svg_line(out, x, y - 12, x, y + 2, ERROR_COLOUR, 1.2, 0);
    cli_svg_line(out, x - 4, y - 12, x + 4, y - 12, ERROR_COLOUR, 1.2, 0);
    cli_svg_line(out, x - 4, y + 2, x + 4, y + 2, ERROR_COLOUR, 1.2, 0);
    cli_svg_text(out, &note, x + 10, y, "\u00b11 standard error of ln D");
    x += 180;
    if (r->has_exact) {
        cli_svg_circle(out, x, y - 4, 3.5, EXACT_COLOUR, "#ffffff", NULL);
        cli_svg_text(out, &note, x + 10, y, "exhaustive search");
        x += 130;
    }
    cli_svg_line(out, x, y - 11, x, y + 2, MARK_COLOUR, 1.5, 1);
    cli_svg_text(out, &note, x + 8, y, "the best model visited");
}

void remc_plot_dos(FILE *out, const remc_report *r)
{
    char title[160];
    snprintf(title, sizeof title, "Density of states of the %s, by replica exchange",
             smi_criterion_label(r->criterion));
    cli_svg_begin(out, D_WIDTH, D_HEIGHT, title);
    dos_headings(out, r);
    if (r->n_bins == 0) {
        const cli_svg_font font = { 14.0, "middle", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &font, 0.5 * (D_LEFT + D_RIGHT), 0.5 * (D_TOP + D_BOTTOM),
                     "no bins");
        cli_svg_end(out);
        return;
    }
    dframe f = make_dframe(r);
    cli_dos_count_axis(out, &f);
    dos_bars(out, &f, r);
    error_bars(out, &f, r);
    exact_points(out, &f, r);
    cli_dos_criterion_axis(out, &f, r->criterion);
    best_mark(out, &f, r);
    cli_svg_end(out);
}

/* ==== PREFIX-trace.svg =================================================================== */

#define T_WIDTH 900.0
#define T_HEIGHT 720.0
#define T_LEFT 84.0
#define T_RIGHT 730.0
#define T_TOP 84.0
#define T_BOTTOM 400.0
#define R_TOP 500.0    /* the panel of the rates */
#define R_BOTTOM 650.0
#define LEGEND_X 752.0
#define LEGEND_ROWS 16 /* temperatures named in the legend at most */

/* Hot (t = 0) to cold (t = 1): red, orange, olive, green, teal, blue, indigo. Dark enough
 * everywhere to read as a thin line on white. */
static void temperature_colour(double t, char buf[8])
{
    static const unsigned char stops[][3] = {
        { 0xc0, 0x39, 0x2b }, { 0xe6, 0x7e, 0x22 }, { 0xb7, 0x95, 0x0b }, { 0x27, 0xae, 0x60 },
        { 0x16, 0xa0, 0x85 }, { 0x2e, 0x86, 0xc1 }, { 0x5b, 0x2c, 0x6f },
    };
    size_t last = sizeof stops / sizeof stops[0] - 1;
    t = !(t >= 0.0) ? 0.0 : t > 1.0 ? 1.0 : t;
    double s = t * (double)last;
    size_t k = s >= (double)last ? last - 1 : (size_t)s;
    double w = s - (double)k;
    unsigned c[3];
    for (int i = 0; i < 3; i++)
        c[i] = (unsigned)lround((1.0 - w) * stops[k][i] + w * stops[k + 1][i]);
    snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void replica_colour(const remc_report *r, size_t i, char buf[8])
{
    temperature_colour(r->R > 1 ? (double)i / (double)(r->R - 1) : 1.0, buf);
}

typedef struct tframe {
    double xlo, xhi; /* sweeps at T_LEFT, T_RIGHT */
    double ylo, yhi; /* energy at T_BOTTOM, T_TOP */
} tframe;

static double tx(const tframe *f, double sweep)
{
    return T_LEFT + (sweep - f->xlo) / (f->xhi - f->xlo) * (T_RIGHT - T_LEFT);
}

static double ty(const tframe *f, double e)
{
    return T_BOTTOM - (e - f->ylo) / (f->yhi - f->ylo) * (T_BOTTOM - T_TOP);
}

static tframe make_tframe(const remc_report *r)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < r->R * r->n_sweeps; k++)
        if (isfinite(r->trace[k])) {
            lo = fmin(lo, r->trace[k]);
            hi = fmax(hi, r->trace[k]);
        }
    if (!(lo <= hi))
        lo = 0.0, hi = 1.0;
    double pad = 0.04 * (hi - lo);
    if (!(pad > 1e-9 * fmax(fabs(lo), 1.0)))
        pad = 0.05 * fmax(fabs(lo), 1.0);
    return (tframe){ 0.0, r->n_sweeps > 0 ? (double)r->n_sweeps : 1.0, lo - pad, hi + pad };
}

static void trace_axes(FILE *out, const tframe *f, const remc_report *r)
{
    double ticks[32], step;
    const cli_svg_font left = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    const cli_svg_font centre = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    size_t n = cli_svg_ticks(f->ylo, f->yhi, 6, ticks, 32, &step);
    for (size_t k = 0; k < n; k++) {
        double y = ty(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, T_LEFT, y, T_RIGHT, y, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, T_LEFT - 6, y, T_LEFT, y, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &left, T_LEFT - 9, y + 4, "%s", text);
    }
    n = cli_svg_ticks(f->xlo, f->xhi, 8, ticks, 32, &step);
    for (size_t k = 0; k < n; k++) {
        double x = tx(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, x, T_BOTTOM, x, T_BOTTOM + 6, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &centre, x, T_BOTTOM + 20, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (T_LEFT + T_RIGHT), T_BOTTOM + 42, "sweep");
    const cli_svg_font vertical = { 13.0, "middle", -90.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &vertical, T_LEFT - 62, 0.5 * (T_TOP + T_BOTTOM), "energy: %s",
                 smi_criterion_label(r->criterion));
    cli_svg_line(out, T_LEFT, T_BOTTOM, T_RIGHT, T_BOTTOM, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, T_LEFT, T_TOP, T_LEFT, T_BOTTOM, AXIS_COLOUR, 1.0, 0);
}

/* One temperature's trace at the resolution of the picture: per pixel column the range of
 * its energies as a pale band and their mean as a line. xs and ys hold 2 * columns
 * points; pass 0 draws the band, pass 1 the line. */
static void trace_line(FILE *out, const tframe *f, const double *e, size_t n, size_t columns,
                       const char *colour, int pass, double *xs, double *ys)
{
    size_t points = 0;
    for (size_t c = 0; c < columns; c++) {
        size_t from = c * n / columns, to = (c + 1) * n / columns, count = 0;
        double lo = INFINITY, hi = -INFINITY, sum = 0.0;
        for (size_t s = from; s < to; s++) {
            if (!isfinite(e[s]))
                continue;
            lo = fmin(lo, e[s]);
            hi = fmax(hi, e[s]);
            sum += e[s];
            count++;
        }
        if (count == 0)
            continue;
        double x = tx(f, 0.5 * (double)(from + to));
        if (pass == 1) {
            xs[points] = x, ys[points++] = ty(f, sum / (double)count);
        } else { /* the top edge forwards into the first half, the bottom edge backwards */
            xs[points] = x, ys[points] = ty(f, hi);
            xs[2 * columns - 1 - points] = x, ys[2 * columns - 1 - points] = ty(f, lo);
            points++;
        }
    }
    if (pass == 1) {
        cli_svg_polyline(out, xs, ys, points, colour, 1.5);
        return;
    }
    /* close the gap a skipped column left between the two halves */
    memmove(xs + points, xs + 2 * columns - points, points * sizeof *xs);
    memmove(ys + points, ys + 2 * columns - points, points * sizeof *ys);
    cli_svg_polygon(out, xs, ys, 2 * points, colour, 0.12);
}

/* The temperatures, named: all of them up to LEGEND_ROWS, else evenly spaced ones with the
 * first and the last. */
static void trace_legend(FILE *out, const remc_report *r)
{
    const cli_svg_font head = { 12.0, "start", 0.0, AXIS_COLOUR, 1 };
    const cli_svg_font note = { 11.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &head, LEGEND_X, T_TOP + 4, "inverse temp. \u03b2");
    size_t rows = r->R < LEGEND_ROWS ? r->R : LEGEND_ROWS;
    double gap = fmin(18.0, (T_BOTTOM - T_TOP - 30.0) / (double)(rows ? rows : 1));
    for (size_t k = 0; k < rows; k++) {
        size_t i = rows > 1 ? (size_t)lround((double)k * (double)(r->R - 1) / (double)(rows - 1))
                            : 0;
        char colour[8];
        replica_colour(r, i, colour);
        double y = T_TOP + 24 + gap * (double)k;
        cli_svg_line(out, LEGEND_X, y - 4, LEGEND_X + 20, y - 4, colour, 3.0, 0);
        cli_svg_text(out, &note, LEGEND_X + 26, y, "%.4g%s", r->ladder[i],
                     i == 0 ? " (hot)" : i + 1 == r->R ? " (cold)" : "");
    }
}

static void traces(FILE *out, const tframe *f, const remc_report *r)
{
    size_t columns = (size_t)(T_RIGHT - T_LEFT);
    if (columns > r->n_sweeps)
        columns = r->n_sweeps;
    double *xs = malloc(2 * (columns ? columns : 1) * sizeof *xs);
    double *ys = malloc(2 * (columns ? columns : 1) * sizeof *ys);
    if (!xs || !ys) { /* a picture without its lines, but still a valid one */
        free(xs), free(ys);
        return;
    }
    for (int pass = 0; pass < 2; pass++) /* bands under lines */
        for (size_t i = 0; i < r->R; i++) { /* hot first: the cold ones lie on top */
            char colour[8];
            replica_colour(r, i, colour);
            trace_line(out, f, r->trace + i * r->n_sweeps, r->n_sweeps, columns, colour, pass,
                       xs, ys);
        }
    free(xs), free(ys);
}

/* The lower panel: exchange rates (bars between replicas i and i + 1) and acceptance
 * (points at each replica), both fractions from 0 to 1. */
static void rates_panel(FILE *out, const remc_report *r)
{
    const cli_svg_font left = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    const cli_svg_font centre = { 11.0, "middle", 0.0, AXIS_COLOUR, 0 };
    const cli_svg_font head = { 13.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &head, T_LEFT, R_TOP - 34, "Exchange rates between neighbouring "
                 "temperatures, and acceptance of the moves");
    double lx = T_LEFT;
    cli_svg_rect(out, lx, R_TOP - 20, 14, 12, "#9e9ac8", NULL, NULL);
    cli_svg_text(out, &note, lx + 20, R_TOP - 9, "exchanges accepted between \u03b2_i and "
                 "\u03b2_i+1");
    lx += 290;
    cli_svg_circle(out, lx + 7, R_TOP - 14, 3.5, ACCEPT_COLOUR, "#ffffff", NULL);
    cli_svg_text(out, &note, lx + 16, R_TOP - 9, "proposals accepted at \u03b2_i");
    for (int k = 0; k <= 4; k++) {
        double v = 0.25 * k, y = R_BOTTOM - v * (R_BOTTOM - R_TOP);
        cli_svg_line(out, T_LEFT, y, T_RIGHT, y, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, T_LEFT - 6, y, T_LEFT, y, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &left, T_LEFT - 9, y + 4, "%.2f", v);
    }
    double slot = (T_RIGHT - T_LEFT) / (double)(r->R ? r->R : 1);
#define RX(i) (T_LEFT + ((double)(i) + 0.5) * slot)
#define RY(v) (R_BOTTOM - (v) * (R_BOTTOM - R_TOP))
    for (size_t i = 0; i + 1 < r->R; i++) {
        double x0 = RX(i) + 0.15 * slot, x1 = RX(i + 1) - 0.15 * slot, v = r->exchange[i];
        char tip[128];
        snprintf(tip, sizeof tip, "exchanges between beta %.4g and %.4g: %.4f accepted",
                 r->ladder[i], r->ladder[i + 1], v);
        cli_svg_rect(out, x0, RY(v), x1 - x0, R_BOTTOM - RY(v), "#9e9ac8", "#ffffff", tip);
    }
    double *xs = malloc((r->R ? r->R : 1) * sizeof *xs), *ys = malloc((r->R ? r->R : 1) * sizeof *ys);
    if (xs && ys) {
        for (size_t i = 0; i < r->R; i++)
            xs[i] = RX(i), ys[i] = RY(r->acceptance[i]);
        cli_svg_polyline(out, xs, ys, r->R, ACCEPT_COLOUR, 1.2);
    }
    free(xs), free(ys);
    size_t every = r->R > 24 ? (r->R + 23) / 24 : 1;
    for (size_t i = 0; i < r->R; i++) {
        char tip[96];
        snprintf(tip, sizeof tip, "beta %.4g: %.4f of the proposals accepted", r->ladder[i],
                 r->acceptance[i]);
        cli_svg_circle(out, RX(i), RY(r->acceptance[i]), 3.5, ACCEPT_COLOUR, "#ffffff", tip);
        if (i % every == 0 || i + 1 == r->R) {
            cli_svg_line(out, RX(i), R_BOTTOM, RX(i), R_BOTTOM + 5, AXIS_COLOUR, 1.0, 0);
            cli_svg_text(out, &centre, RX(i), R_BOTTOM + 18, "%zu", i);
        }
    }
#undef RX
#undef RY
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (T_LEFT + T_RIGHT), R_BOTTOM + 40,
                 "replica i, by increasing inverse temperature \u03b2_i");
    cli_svg_line(out, T_LEFT, R_BOTTOM, T_RIGHT, R_BOTTOM, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, T_LEFT, R_TOP, T_LEFT, R_BOTTOM, AXIS_COLOUR, 1.0, 0);
}

void remc_plot_trace(FILE *out, const remc_report *r)
{
    cli_svg_begin(out, T_WIDTH, T_HEIGHT, "Replica exchange: energy traces and exchange rates");
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &title, T_LEFT, 28, "Replica exchange: the energy at each temperature");
    cli_svg_text(out, &note, T_LEFT, 48,
                 "%zu replicas, %zu sweeps after %zu of burn-in (shaded), seed %llu; energy "
                 "%s; target %s in %s", r->R, r->sweeps, r->burn_in,
                 (unsigned long long)r->seed, smi_criterion_name(r->criterion), r->target,
                 file_name(r->data_path));
    tframe f = make_tframe(r);
    if (r->burn_in > 0 && r->n_sweeps > 0) {
        double x1 = tx(&f, (double)r->burn_in);
        cli_svg_rect(out, T_LEFT, T_TOP, x1 - T_LEFT, T_BOTTOM - T_TOP, BURN_COLOUR, NULL, NULL);
        const cli_svg_font small = { 11.0, "start", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &small, T_LEFT + 4, T_TOP + 14, "burn-in");
    }
    trace_axes(out, &f, r);
    traces(out, &f, r);
    trace_legend(out, r);
    rates_panel(out, r);
    cli_svg_end(out);
}
