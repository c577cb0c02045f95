/* `sparsemi es --plot PREFIX`, second picture: PREFIX-weights.svg, the weight diagram.
 * The best models as rows (best on top), the features as columns, each cell coloured by
 * the coefficient on a diverging scale, blank where the model does not use the feature.
 * Coefficients of different features have different units, so each column is divided by
 * its largest |coefficient| among the rows shown: colours compare models, within a
 * feature. Wide searches show only the features that some row uses. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"

#define MAX_ROWS 50
/* Up to this many features every column is shown, used or not; beyond, the used ones. */
#define ALL_COLUMNS_UP_TO 40
#define CELL_W 24.0
#define CELL_H 16.0
#define MARGIN 24.0
#define GRID_LEFT 150.0      /* room for the rank and criterion columns */
#define HEAD_TOP 64.0        /* below title and subtitle */
#define NAME_SIZE 11.0
#define NAME_CHARS 28        /* longer feature names are cut */
#define CHAR_WIDTH 0.62      /* average glyph width per pixel of font size, for layout */
#define LEGEND_H 96.0
#define BLANK_STROKE "#d8d8d8"
#define NOTE_COLOUR "#555555"

typedef struct layout {
    size_t rows;
    size_t n_cols;
    size_t *cols;       /* the features shown, in data set order */
    double *scale;      /* per shown column: the largest |coefficient| */
    double grid_top, width, height;
} layout;

/* The coefficient of feature j in model m, or NAN when m does not use j. */
static double coefficient(const es_model *m, size_t j)
{
    for (size_t k = 0; k < m->size; k++)
        if (m->features[k] == j)
            return m->coefficients[k];
    return NAN;
}

static double column_scale(const es_report *r, size_t rows, size_t j)
{
    double scale = 0.0;
    for (size_t i = 0; i < rows; i++) {
        double c = coefficient(&r->top[i], j);
        if (!isnan(c) && fabs(c) > scale)
            scale = fabs(c);
    }
    return scale;
}

static double name_length(const es_report *r, size_t j)
{
    size_t len = strlen(es_feature_name(r, j));
    return (double)(len > NAME_CHARS ? NAME_CHARS : len) * CHAR_WIDTH * NAME_SIZE;
}

static int make_layout(layout *L, const es_report *r)
{
    L->rows = r->n_top < MAX_ROWS ? r->n_top : MAX_ROWS;
    L->cols = calloc(r->p ? r->p : 1, sizeof *L->cols);
    L->scale = calloc(r->p ? r->p : 1, sizeof *L->scale);
    if (!L->cols || !L->scale)
        return -1;
    double longest = 0.0;
    for (size_t j = 0; j < r->p; j++) {
        double scale = column_scale(r, L->rows, j);
        if (scale == 0.0 && r->p > ALL_COLUMNS_UP_TO)
            continue;
        L->cols[L->n_cols] = j;
        L->scale[L->n_cols++] = scale;
        if (name_length(r, j) > longest)
            longest = name_length(r, j);
    }
    /* Names rise at 45 degrees from their column: as high, and as far right, as long. */
    double rise = longest * 0.70710678118654752 + NAME_SIZE;
    L->grid_top = HEAD_TOP + rise;
    double grid_right = GRID_LEFT + CELL_W * (double)L->n_cols;
    L->width = fmax(grid_right + rise + MARGIN, 640.0);
    L->height = L->grid_top + CELL_H * (double)L->rows + LEGEND_H;
    return 0;
}

static void column_names(FILE *out, const layout *L, const es_report *r)
{
    const cli_svg_font font = { NAME_SIZE, "start", -45.0, "#000000", 0 };
    const cli_svg_font head = { NAME_SIZE, "end", 0.0, NOTE_COLOUR, 1 };
    for (size_t c = 0; c < L->n_cols; c++) {
        const char *name = es_feature_name(r, L->cols[c]);
        double x = GRID_LEFT + CELL_W * ((double)c + 0.5);
        if (strlen(name) > NAME_CHARS)
            cli_svg_text(out, &font, x + 2, L->grid_top - 5, "%.*s...", NAME_CHARS - 3, name);
        else
            cli_svg_text(out, &font, x + 2, L->grid_top - 5, "%s", name);
    }
    cli_svg_text(out, &head, 44, L->grid_top - 5, "rank");
    cli_svg_text(out, &head, GRID_LEFT - 10, L->grid_top - 5, "%s",
                 smi_criterion_name(r->criterion));
}

static void cell(FILE *out, const layout *L, const es_report *r, size_t i, size_t c)
{
    double x = GRID_LEFT + CELL_W * (double)c, y = L->grid_top + CELL_H * (double)i;
    double coef = coefficient(&r->top[i], L->cols[c]);
    if (isnan(coef)) {
        cli_svg_rect(out, x, y, CELL_W, CELL_H, "#ffffff", BLANK_STROKE, NULL);
        return;
    }
    char colour[8], tip[160];
    cli_svg_diverging(coef / L->scale[c], colour);
    snprintf(tip, sizeof tip, "model %zu, %s: coefficient %.6g (%.2f of the column's largest)",
             i + 1, es_feature_name(r, L->cols[c]), coef, coef / L->scale[c]);
    cli_svg_rect(out, x, y, CELL_W, CELL_H, colour, "#ffffff", tip);
}

/* Decimals that give the criterion column six significant digits, the same in every
 * row, so that the values line up. */
static int criterion_decimals(const layout *L, const es_report *r)
{
    double largest = 0.0;
    for (size_t i = 0; i < L->rows; i++)
        largest = fmax(largest, fabs(r->top[i].criterion));
    int digits = largest > 0.0 ? 5 - (int)floor(log10(largest)) : 0;
    return digits < 0 ? 0 : digits > 9 ? 9 : digits;
}

static void rows(FILE *out, const layout *L, const es_report *r)
{
    const cli_svg_font label = { 11.0, "end", 0.0, "#000000", 0 };
    const cli_svg_font value = { 11.0, "end", 0.0, NOTE_COLOUR, 0 };
    int decimals = criterion_decimals(L, r);
    for (size_t i = 0; i < L->rows; i++) {
        double base = L->grid_top + CELL_H * (double)i + CELL_H - 4;
        cli_svg_text(out, &label, 44, base, "%zu", i + 1);
        cli_svg_text(out, &value, GRID_LEFT - 10, base, "%.*f", decimals, r->top[i].criterion);
        for (size_t c = 0; c < L->n_cols; c++)
            cell(out, L, r, i, c);
    }
}

/* Ten shades each side of zero as drawn in the cells, a blank cell, and what they mean. */
static void legend(FILE *out, const layout *L)
{
    const cli_svg_font tick = { 11.0, "middle", 0.0, "#000000", 0 };
    const cli_svg_font note = { 11.0, "start", 0.0, NOTE_COLOUR, 0 };
    double x0 = GRID_LEFT, y = L->grid_top + CELL_H * (double)L->rows + 20, w = 14.0;
    for (int k = 0; k < 20; k++) {
        char colour[8];
        cli_svg_diverging((k - 9.5) / 9.5, colour);
        cli_svg_rect(out, x0 + w * k, y, w, 12, colour, NULL, NULL);
    }
    cli_svg_text(out, &tick, x0, y + 26, "\u22121");
    cli_svg_text(out, &tick, x0 + 10 * w, y + 26, "0");
    cli_svg_text(out, &tick, x0 + 20 * w, y + 26, "+1");
    cli_svg_rect(out, x0 + 20 * w + 24, y, w, 12, "#ffffff", "#999999", NULL);
    cli_svg_text(out, &note, x0 + 21 * w + 30, y + 10, "feature not in the model");
    cli_svg_text(out, &note, MARGIN, y + 46,
                 "Colour: coefficient divided by the largest |coefficient| in its column "
                 "(among the models shown),");
    cli_svg_text(out, &note, MARGIN, y + 62,
                 "so that features in different units compare; blue negative, red positive.");
}

static void headings(FILE *out, const layout *L, const es_report *r)
{
    const char *file = es_data_label(r);
    const cli_svg_font title = { 16.0, "start", 0.0, "#000000", 1 };
    const cli_svg_font note = { 12.0, "start", 0.0, NOTE_COLOUR, 0 };
    cli_svg_text(out, &title, MARGIN, 28, "Weight diagram of the %zu best models by %s",
                 L->rows, smi_criterion_label(r->criterion));
    cli_svg_text(out, &note, MARGIN, 48,
                 "%zu of %zu models kept and %zu of %zu features shown%s; target %s in %s",
                 L->rows, r->n_top, L->n_cols, r->p, L->n_cols < r->p ? " (those used)" : "",
                 r->target, file);
}

void es_plot_weights(FILE *out, const es_report *r)
{
    layout L = { 0 };
    if (make_layout(&L, r) < 0) {
        L.rows = L.n_cols = 0; /* out of memory: an empty diagram, still a valid file */
        L.grid_top = HEAD_TOP, L.width = 640.0, L.height = HEAD_TOP + LEGEND_H;
    }
    char title[160];
    snprintf(title, sizeof title, "Weight diagram of the best models by %s",
             smi_criterion_label(r->criterion));
    cli_svg_begin(out, L.width, L.height, title);
    headings(out, &L, r);
    if (L.rows > 0) {
        column_names(out, &L, r);
        rows(out, &L, r);
        legend(out, &L);
    } else {
        const cli_svg_font font = { 14.0, "start", 0.0, NOTE_COLOUR, 0 };
        cli_svg_text(out, &font, MARGIN, HEAD_TOP + 30, "No model: every subset is singular.");
    }
    cli_svg_end(out);
    free(L.cols);
    free(L.scale);
}
