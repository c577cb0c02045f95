/* `sparsemi vma --plot PREFIX`: PREFIX-recovery.svg, two panels over one axis of the sample
 * size n' (logarithmic when the sizes span a decade or more, each size a tick):
 *  - above, the fraction of data sets on which the method recovered exactly the true model,
 *    with Wilson's 95% interval as error bars;
 *  - below, the fraction choosing each feature: the true model's features as solid
 *    coloured lines with points, the others dashed grey; names at the right end, pushed
 *    apart so that they do not overlap (the others named while there is room, the rest
 *    in the lines' tooltips).
 * Points and lines carry tooltips with their numbers. The sizes are drawn in increasing
 * order whatever order --sizes gave them in. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "vma_cli.h"

#define WIDTH 860.0
#define HEIGHT 700.0
#define LEFT 84.0
#define RIGHT 660.0
#define TOP1 118.0    /* the recovery panel */
#define BOTTOM1 318.0
#define TOP2 418.0    /* the selection panel */
#define BOTTOM2 618.0
#define LABEL_X (RIGHT + 10.0)
#define LABEL_GAP 13.0
#define TICK_GAP 30.0 /* the least distance between two labelled sizes */

#define RATE_COLOUR "#111111"
#define OTHER_COLOUR "#a0a0a0"
#define GRID_COLOUR "#e4e4e4"
#define AXIS_COLOUR "#333333"
#define NOTE_COLOUR "#555555"

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                       "#8c564b", "#e377c2", "#17becf", "#bcbd22" };
#define N_PALETTE (sizeof palette / sizeof palette[0])

typedef struct frame {
    int log;          /* the n' axis is logarithmic */
    double lo, hi;    /* n' (or log10 n') at LEFT and RIGHT */
    size_t *by_size;  /* size indices in increasing n' */
} frame;

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static double px(const frame *f, size_t n)
{
    double v = f->log ? log10((double)n) : (double)n;
    return LEFT + (v - f->lo) / (f->hi - f->lo) * (RIGHT - LEFT);
}

/* A fraction 0..1 in the panel from top to bottom. */
static double py(double v, double top, double bottom)
{
    return bottom - v * (bottom - top);
}

static int by_size_cmp(const void *a, const void *b, const size_t *sizes)
{
    size_t x = sizes[*(const size_t *)a], y = sizes[*(const size_t *)b];
    return (x > y) - (x < y);
}

/* Insertion sort: a handful of sizes, and qsort has no context pointer in C11. */
static void sort_sizes(const vma_report *r, size_t *idx)
{
    for (size_t s = 0; s < r->S; s++)
        idx[s] = s;
    for (size_t i = 1; i < r->S; i++)
        for (size_t k = i; k > 0 && by_size_cmp(&idx[k - 1], &idx[k], r->sizes) > 0; k--) {
            size_t t = idx[k];
            idx[k] = idx[k - 1], idx[k - 1] = t;
        }
}

static int make_frame(const vma_report *r, frame *f)
{
    if (!(f->by_size = calloc(r->S ? r->S : 1, sizeof *f->by_size)))
        return -1;
    sort_sizes(r, f->by_size);
    double smallest = (double)r->sizes[f->by_size[0]];
    double largest = (double)r->sizes[f->by_size[r->S - 1]];
    f->log = largest >= 10.0 * smallest;
    double lo = f->log ? log10(smallest) : smallest, hi = f->log ? log10(largest) : largest;
    double pad = hi > lo ? 0.05 * (hi - lo) : f->log ? 0.3 : fmax(1.0, 0.5 * lo);
    f->lo = lo - pad;
    f->hi = hi + pad;
    return 0;
}

/* A polyline, dashed or not, with its tooltip: cli_svg_polyline has neither. */
static void plot_line(FILE *out, const double *x, const double *y, size_t n, const char *stroke,
                      double width, int dashed, const char *tooltip)
{
    fputs("<polyline points=\"", out);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s%.2f,%.2f", k ? " " : "", x[k], y[k]);
    fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" stroke-linejoin=\"round\"%s>"
                 "<title>", stroke, width, dashed ? " stroke-dasharray=\"6,4\"" : "");
    cli_svg_escape(out, tooltip);
    fputs("</title></polyline>\n", out);
}

/* ---- Axes ------------------------------------------------------------------------------- */

static void fraction_axis(FILE *out, double top, double bottom, const char *title)
{
    const cli_svg_font left = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    for (int k = 0; k <= 4; k++) {
        double v = 0.25 * k, y = py(v, top, bottom);
        cli_svg_line(out, LEFT, y, RIGHT, y, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, LEFT - 6, y, LEFT, y, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &left, LEFT - 9, y + 4, "%.2f", v);
    }
    const cli_svg_font vertical = { 13.0, "middle", -90.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &vertical, LEFT - 50, 0.5 * (top + bottom), "%s", title);
    cli_svg_line(out, LEFT, bottom, RIGHT, bottom, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, LEFT, top, LEFT, bottom, AXIS_COLOUR, 1.0, 0);
}

/* Every size a tick, labelled unless too close to the last label. */
static void size_axis(FILE *out, const frame *f, const vma_report *r, double top, double bottom)
{
    const cli_svg_font centre = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    double last = -INFINITY;
    for (size_t i = 0; i < r->S; i++) {
        double x = px(f, r->sizes[f->by_size[i]]);
        cli_svg_line(out, x, top, x, bottom, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, x, bottom, x, bottom + 6, AXIS_COLOUR, 1.0, 0);
        if (x - last >= TICK_GAP) {
            cli_svg_text(out, &centre, x, bottom + 20, "%zu", r->sizes[f->by_size[i]]);
            last = x;
        }
    }
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (LEFT + RIGHT), bottom + 40, "sample size n'%s",
                 f->log ? " (log scale)" : "");
}

/* ---- The recovery panel ----------------------------------------------------------------- */

static void recovery(FILE *out, const frame *f, const vma_report *r, double *xs, double *ys)
{
    for (size_t i = 0; i < r->S; i++) {
        size_t s = f->by_size[i];
        double x = px(f, r->sizes[s]), lo = py(r->lower[s], TOP1, BOTTOM1);
        double hi = py(r->upper[s], TOP1, BOTTOM1);
        cli_svg_line(out, x, lo, x, hi, RATE_COLOUR, 1.2, 0);
        cli_svg_line(out, x - 4, lo, x + 4, lo, RATE_COLOUR, 1.2, 0);
        cli_svg_line(out, x - 4, hi, x + 4, hi, RATE_COLOUR, 1.2, 0);
        xs[i] = x, ys[i] = py(r->rate[s], TOP1, BOTTOM1);
    }
    plot_line(out, xs, ys, r->S, RATE_COLOUR, 2.0, 0, "recovery rate");
    for (size_t i = 0; i < r->S; i++) {
        size_t s = f->by_size[i];
        char tip[200];
        snprintf(tip, sizeof tip, "n' = %zu: the true model recovered in %.0f of %zu data sets "
                 "(%.3f), %.0f%% interval [%.3f, %.3f]; %llu failures", r->sizes[s],
                 r->rate[s] * (double)r->trials, r->trials, r->rate[s], 100 * VMA_CONFIDENCE,
                 r->lower[s], r->upper[s], (unsigned long long)r->failures[s]);
        /* hollow where the method failed on every data set: nothing was chosen there */
        int all_failed = r->failures[s] == r->trials;
        cli_svg_circle(out, xs[i], ys[i], 4.0, all_failed ? "#ffffff" : RATE_COLOUR,
                       all_failed ? RATE_COLOUR : "#ffffff", tip);
    }
}

/* ---- The selection panel ---------------------------------------------------------------- */

typedef struct label {
    size_t feature;
    double y;
    const char *colour;
} label;

static const char *feature_colour(const vma_report *r, size_t j)
{
    for (size_t k = 0; k < r->k; k++)
        if (r->features[k] == j)
            return palette[k % N_PALETTE];
    return OTHER_COLOUR;
}

static void feature_line(FILE *out, const frame *f, const vma_report *r, size_t j, double *xs,
                         double *ys)
{
    const char *colour = feature_colour(r, j);
    int true_feature = r->in_model[j];
    for (size_t i = 0; i < r->S; i++) {
        size_t s = f->by_size[i];
        xs[i] = px(f, r->sizes[s]);
        ys[i] = py(r->frequency[s * r->p + j], TOP2, BOTTOM2);
    }
    char tip[160];
    snprintf(tip, sizeof tip, "%s%s", r->names[j], true_feature ? " (in the true model)" : "");
    plot_line(out, xs, ys, r->S, colour, true_feature ? 2.2 : 1.2, !true_feature, tip);
    for (size_t i = 0; true_feature && i < r->S; i++) {
        size_t s = f->by_size[i];
        snprintf(tip, sizeof tip, "%s at n' = %zu: chosen in %.3f of the data sets", r->names[j],
                 r->sizes[s], r->frequency[s * r->p + j]);
        cli_svg_circle(out, xs[i], ys[i], 3.5, colour, "#ffffff", tip);
    }
}

/* Push the labels apart, at least LABEL_GAP, within [TOP2 - 6, BOTTOM2 + 6]. */
static void spread(label *l, size_t n)
{
    for (size_t i = 1; i < n; i++) /* sort by y */
        for (size_t k = i; k > 0 && l[k - 1].y > l[k].y; k--) {
            label t = l[k];
            l[k] = l[k - 1], l[k - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        l[i].y = fmax(l[i].y, i ? l[i - 1].y + LABEL_GAP : TOP2 - 6);
    for (size_t i = n; i-- > 0;)
        l[i].y = fmin(l[i].y, i + 1 < n ? l[i + 1].y - LABEL_GAP : BOTTOM2 + 6);
}

static double largest_frequency(const vma_report *r, size_t j)
{
    double top = 0.0;
    for (size_t s = 0; s < r->S; s++)
        top = fmax(top, r->frequency[s * r->p + j]);
    return top;
}

static label make_label(const frame *f, const vma_report *r, size_t j)
{
    size_t last = f->by_size[r->S - 1];
    return (label){ j, py(r->frequency[last * r->p + j], TOP2, BOTTOM2) + 4,
                    feature_colour(r, j) };
}

/* The true features, then the others by their largest frequency while there is room (all
 * of them when they fit). Returns the number of labels. */
static size_t choose_labels(const frame *f, const vma_report *r, label *l)
{
    size_t room = (size_t)((BOTTOM2 - TOP2 + 12) / LABEL_GAP), n = 0;
    unsigned char *named = calloc(r->p ? r->p : 1, 1);
    if (!named)
        return 0;
    for (size_t k = 0; k < r->k; k++)
        l[n++] = make_label(f, r, r->features[k]), named[r->features[k]] = 1;
    while (n < room && n < r->p) {
        size_t best = SIZE_MAX;
        double top = -1.0;
        for (size_t j = 0; j < r->p; j++)
            if (!named[j] && largest_frequency(r, j) > top)
                best = j, top = largest_frequency(r, j);
        if (best == SIZE_MAX || (top <= 0 && r->p > room))
            break; /* never chosen: no name needed while names are short of room */
        l[n++] = make_label(f, r, best), named[best] = 1;
    }
    free(named);
    return n;
}

static void selection(FILE *out, const frame *f, const vma_report *r, double *xs, double *ys)
{
    size_t *order = calloc(r->p ? r->p : 1, sizeof *order);
    label *l = calloc(r->p ? r->p : 1, sizeof *l);
    if (!order || !l) { /* a picture without its lines, but still a valid one */
        free(order), free(l);
        return;
    }
    vma_feature_order(r, order);
    for (size_t i = r->p; i-- > 0;) /* the others first: the true ones lie on top */
        feature_line(out, f, r, order[i], xs, ys);
    size_t n = choose_labels(f, r, l);
    spread(l, n);
    for (size_t i = 0; i < n; i++) {
        const cli_svg_font font = { 11.0, "start", 0.0, l[i].colour, r->in_model[l[i].feature] };
        cli_svg_text(out, &font, LABEL_X, l[i].y, "%s", r->names[l[i].feature]);
    }
    if (n < r->p) {
        const cli_svg_font note = { 11.0, "start", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &note, LABEL_X, BOTTOM2 + 24, "%zu more unnamed (hover)", r->p - n);
    }
    free(order), free(l);
}

/* ---- Headings --------------------------------------------------------------------------- */

static void method_text(char *buf, size_t cap, const vma_report *r)
{
    if (r->method == VMA_METHOD_LASSO)
        snprintf(buf, cap, "lasso at lambda_%s of %zu-fold CV", r->one_se ? "1se" : "min", r->cv);
    else
        snprintf(buf, cap, "es: the best model by %s, sizes %zu to %zu",
                 smi_criterion_name(r->criterion), r->min_size, r->max_size);
}

static int any_failed(const vma_report *r)
{
    for (size_t s = 0; s < r->S; s++)
        if (r->failures[s] == r->trials)
            return 1;
    return 0;
}

static void headings(FILE *out, const vma_report *r)
{
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    const cli_svg_font head = { 13.0, "start", 0.0, "#000000", 1 };
    char model[160], method[96];
    size_t used = 0;
    model[0] = '\0';
    for (size_t k = 0; k < r->k && used < sizeof model; k++)
        used += (size_t)snprintf(model + used, sizeof model - used, "%s%s", k ? ", " : "",
                                 r->names[r->features[k]]);
    method_text(method, sizeof method, r);
    cli_svg_text(out, &title, LEFT, 28, "Virtual measurement: recovery of the true model "
                 "against the sample size");
    cli_svg_text(out, &note, LEFT, 48, "model %s with noise sd %.4g; target %s in %s (%zu "
                 "rows, %s)", model, r->noise_sd, r->target, file_name(r->data_path), r->n,
                 r->rows == SMI_VMA_GAUSSIAN ? "Gaussian rows" : "rows resampled");
    cli_svg_text(out, &note, LEFT, 65, "%s; %zu data sets per size, seed %llu", method,
                 r->trials, (unsigned long long)r->seed);
    cli_svg_text(out, &head, LEFT, TOP1 - 26, "Exactly the true model chosen");
    cli_svg_text(out, &note, LEFT + 230, TOP1 - 26, "error bars: Wilson's %.0f%% interval%s",
                 100 * VMA_CONFIDENCE, any_failed(r) ? "; hollow: the method failed on every "
                                                       "data set" : "");
    cli_svg_text(out, &head, LEFT, TOP2 - 26, "Each feature chosen");
    cli_svg_line(out, LEFT + 160, TOP2 - 30, LEFT + 190, TOP2 - 30, palette[0], 2.2, 0);
    cli_svg_text(out, &note, LEFT + 196, TOP2 - 26, "in the true model");
    cli_svg_line(out, LEFT + 320, TOP2 - 30, LEFT + 350, TOP2 - 30, OTHER_COLOUR, 1.2, 1);
    cli_svg_text(out, &note, LEFT + 356, TOP2 - 26, "the others");
}

void vma_plot_recovery(FILE *out, const vma_report *r)
{
    cli_svg_begin(out, WIDTH, HEIGHT, "Virtual measurement: recovery against the sample size");
    headings(out, r);
    frame f = { 0 };
    double *xs = malloc((r->S ? r->S : 1) * sizeof *xs), *ys = malloc((r->S ? r->S : 1) * sizeof *ys);
    if (r->S > 0 && xs && ys && make_frame(r, &f) == 0) {
        fraction_axis(out, TOP1, BOTTOM1, "fraction recovered");
        size_axis(out, &f, r, TOP1, BOTTOM1);
        recovery(out, &f, r, xs, ys);
        fraction_axis(out, TOP2, BOTTOM2, "fraction choosing it");
        size_axis(out, &f, r, TOP2, BOTTOM2);
        selection(out, &f, r, xs, ys);
    }
    free(f.by_size);
    free(xs), free(ys);
    cli_svg_end(out);
}
