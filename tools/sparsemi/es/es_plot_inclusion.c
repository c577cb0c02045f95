/* `sparsemi es --plot PREFIX` with a model posterior (the free-energy criteria), third
 * picture: PREFIX-inclusion.svg, the posterior probability that each feature is in the
 * model, as horizontal bars, the most probable feature on top (at most MAX_ROWS), on an
 * axis from 0 to 1. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"

#define MAX_ROWS 40
#define ROW_H 18.0
#define BAR_H 12.0
#define MARGIN 24.0
#define TOP 84.0             /* below title and subtitle */
#define PLOT_W 480.0
#define AXIS_H 64.0          /* below the bars: ticks, their labels, the axis title */
#define NAME_SIZE 11.0
#define NAME_CHARS 28        /* longer feature names are cut */
#define CHAR_WIDTH 0.62      /* average glyph width per pixel of font size, for layout */
#define VALUE_ROOM 56.0      /* right of the plot: the largest value's label */
#define BAR_COLOUR "#4c78a8"
#define GRID_COLOUR "#e4e4e4"
#define AXIS_COLOUR "#333333"
#define NOTE_COLOUR "#555555"

typedef struct layout {
    size_t rows;
    size_t order[MAX_ROWS]; /* the features shown, most probable first */
    double left, right, bottom, width, height;
} layout;

static double name_length(const es_report *r, size_t j)
{
    size_t len = strlen(es_feature_name(r, j));
    return (double)(len > NAME_CHARS ? NAME_CHARS : len) * CHAR_WIDTH * NAME_SIZE;
}

static void make_layout(layout *L, const es_report *r)
{
    L->rows = es_rank_features(r, r->inclusion, 0, L->order, MAX_ROWS);
    double longest = 0.0;
    for (size_t k = 0; k < L->rows; k++)
        longest = fmax(longest, name_length(r, L->order[k]));
    L->left = fmax(MARGIN + longest + 10.0, 120.0);
    L->right = L->left + PLOT_W;
    L->bottom = TOP + ROW_H * (double)L->rows;
    L->width = fmax(L->right + VALUE_ROOM, 640.0);
    L->height = L->bottom + AXIS_H;
}

static double x_of(const layout *L, double prob)
{
    double clamped = prob < 0.0 ? 0.0 : prob > 1.0 ? 1.0 : prob;
    return L->left + clamped * (L->right - L->left);
}

/* Ticks from 0 to 1 with grid lines up through the bars, the axis and its title. */
static void axis(FILE *out, const layout *L)
{
    double ticks[16], step;
    size_t n = cli_svg_ticks(0.0, 1.0, 5, ticks, 16, &step);
    const cli_svg_font label = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    for (size_t k = 0; k < n; k++) {
        double x = x_of(L, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, x, TOP, x, L->bottom, GRID_COLOUR, 1.0, 0);
        cli_svg_line(out, x, L->bottom, x, L->bottom + 6, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, x, L->bottom + 20, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (L->left + L->right), L->bottom + 46,
                 "posterior inclusion probability");
    cli_svg_line(out, L->left, L->bottom, L->right, L->bottom, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, L->left, TOP, L->left, L->bottom, AXIS_COLOUR, 1.0, 0);
}

static void bars(FILE *out, const layout *L, const es_report *r)
{
    const cli_svg_font name = { NAME_SIZE, "end", 0.0, "#000000", 0 };
    const cli_svg_font value = { NAME_SIZE, "start", 0.0, NOTE_COLOUR, 0 };
    for (size_t k = 0; k < L->rows; k++) {
        size_t j = L->order[k];
        const char *feature = es_feature_name(r, j);
        double prob = r->inclusion[j], y = TOP + ROW_H * (double)k;
        double base = y + 0.5 * (ROW_H + NAME_SIZE) - 2.0, x = x_of(L, prob);
        char tip[160];
        snprintf(tip, sizeof tip, "%s: posterior inclusion probability %.6g", feature, prob);
        cli_svg_rect(out, L->left, y + 0.5 * (ROW_H - BAR_H), x - L->left, BAR_H, BAR_COLOUR,
                     NULL, tip);
        if (strlen(feature) > NAME_CHARS)
            cli_svg_text(out, &name, L->left - 8, base, "%.*s...", NAME_CHARS - 3, feature);
        else
            cli_svg_text(out, &name, L->left - 8, base, "%s", feature);
        cli_svg_text(out, &value, x + 4, base, "%.3f", prob);
    }
}

static void headings(FILE *out, const layout *L, const es_report *r)
{
    const char *file = es_data_label(r);
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    char prior[64];
    es_model_prior_text(prior, sizeof prior, &r->fe);
    cli_svg_text(out, &title, MARGIN, 28, "Posterior inclusion probability, criterion %s",
                 smi_criterion_name(r->criterion));
    cli_svg_text(out, &note, MARGIN, 48,
                 "%zu of %zu features, most probable first; model prior %s; "
                 "ln p(y) = %.6g", L->rows, r->p, prior, r->log_evidence_total);
    cli_svg_text(out, &note, MARGIN, 66, "sizes %zu to %zu, %llu subsets; target %s in %s",
                 r->min_size, r->max_size, (unsigned long long)r->n_models, r->target, file);
}

void es_plot_inclusion(FILE *out, const es_report *r)
{
    layout L = { 0 };
    make_layout(&L, r);
    char title[160];
    snprintf(title, sizeof title, "Posterior inclusion probability, criterion %s (%s)",
             smi_criterion_name(r->criterion), smi_criterion_label(r->criterion));
    cli_svg_begin(out, L.width, L.height, title);
    headings(out, &L, r);
    if (L.rows == 0) { /* no feature, or out of memory: still a valid file */
        const cli_svg_font font = { 14.0, "start", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &font, MARGIN, TOP + 30, "No feature to show.");
    } else {
        axis(out, &L);
        bars(out, &L, r);
    }
    cli_svg_end(out);
}
