/* The frame and axes of a density-of-states picture, shared by `es --plot` (es_plot_dos.c)
 * and `remc --plot` (remc_plot.c): the criterion on a linear x axis, subsets per bin on a
 * log y axis (cli.h, cli_dos_frame). */
#include <math.h>
#include <stdio.h>

#include "cli.h"

#define GRID_COLOUR "#e4e4e4"
#define AXIS_COLOUR "#333333"
/* The count axis shows at most this many decades below its top. */
#define MAX_DECADES 16.0
/* Only this many decades get minor ticks at 2..9 times a power of ten; more would crowd. */
#define MINOR_DECADES 6
/* The best model's line rises this far above the plot. */
#define BEST_LABEL_GAP 6.0

void cli_dos_frame_fit(cli_dos_frame *f, double x_lo, double x_hi, double count_lo,
                       double count_hi)
{
    f->xlo = x_lo, f->xhi = x_hi;
    f->ylo = log10(0.5), f->yhi = log10(20.0);
    if (count_hi > 10.0)
        f->yhi = log10(2.0 * count_hi);
    if (count_lo < 0.5)
        f->ylo = floor(log10(count_lo) - 0.1);
    if (f->yhi - f->ylo > MAX_DECADES)
        f->ylo = f->yhi - MAX_DECADES;
    /* Every subset scored (nearly) the same: widen the axis around that score, or the
     * ticks would all read alike. */
    double mid = 0.5 * (f->xlo + f->xhi), half = 0.05 * fmax(fabs(mid), 1.0);
    if (!(f->xhi - f->xlo > 1e-6 * half)) {
        f->xlo = mid - half;
        f->xhi = mid + half;
    }
}

double cli_dos_x(const cli_dos_frame *f, double value)
{
    return f->left + (value - f->xlo) / (f->xhi - f->xlo) * (f->right - f->left);
}

double cli_dos_y(const cli_dos_frame *f, double count)
{
    double l = count > 0 ? log10(count) : f->ylo;
    l = fmin(fmax(l, f->ylo), f->yhi);
    return f->bottom - (l - f->ylo) / (f->yhi - f->ylo) * (f->bottom - f->top);
}

void cli_svg_power_label(char *buf, size_t cap, int exponent)
{
    static const char *const superscript[] = { "\u2070", "\u00b9", "\u00b2", "\u00b3",
                                               "\u2074", "\u2075", "\u2076", "\u2077",
                                               "\u2078", "\u2079" };
    if (exponent >= 0 && exponent <= 3) {
        snprintf(buf, cap, "%.0f", pow(10.0, exponent));
        return;
    }
    if (exponent < 0 && exponent >= -2) {
        snprintf(buf, cap, "%.*f", -exponent, pow(10.0, exponent));
        return;
    }
    char digits[16];
    snprintf(digits, sizeof digits, "%d", exponent < 0 ? -exponent : exponent);
    size_t used = (size_t)snprintf(buf, cap, "10%s", exponent < 0 ? "\u207b" : "");
    for (const char *d = digits; *d && used < cap; d++)
        used += (size_t)snprintf(buf + used, cap - used, "%s", superscript[*d - '0']);
}

/* Minor ticks at 2..9 times 10^e, while they fit under the top. */
static void minor_ticks(FILE *out, const cli_dos_frame *f, int e)
{
    for (int m = 2; m <= 9; m++) {
        double c = m * pow(10.0, e);
        if (log10(c) <= f->yhi)
            cli_svg_line(out, f->left - 3, cli_dos_y(f, c), f->left, cli_dos_y(f, c),
                         AXIS_COLOUR, 1.0, 0);
    }
}

void cli_dos_count_axis(FILE *out, const cli_dos_frame *f)
{
    const cli_svg_font label = { 12.0, "end", 0.0, AXIS_COLOUR, 0 };
    int lo = (int)ceil(f->ylo - 1e-9), hi = (int)floor(f->yhi + 1e-9);
    int step = hi - lo > 10 ? (hi - lo + 9) / 10 : 1;
    for (int e = lo; e <= hi; e++) {
        double y = cli_dos_y(f, pow(10.0, e));
        if ((e - lo) % step == 0) {
            char text[32];
            cli_svg_power_label(text, sizeof text, e);
            cli_svg_line(out, f->left, y, f->right, y, GRID_COLOUR, 1.0, 0);
            cli_svg_line(out, f->left - 6, y, f->left, y, AXIS_COLOUR, 1.0, 0);
            cli_svg_text(out, &label, f->left - 9, y + 4, "%s", text);
        } else {
            cli_svg_line(out, f->left - 4, y, f->left, y, AXIS_COLOUR, 1.0, 0);
        }
        if (hi - lo < MINOR_DECADES)
            minor_ticks(out, f, e);
    }
    const cli_svg_font title = { 13.0, "middle", -90.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, f->left - 58, 0.5 * (f->top + f->bottom),
                 "subsets per bin (log scale)");
}

void cli_dos_criterion_axis(FILE *out, const cli_dos_frame *f, int criterion)
{
    double ticks[32], step;
    size_t n = cli_svg_ticks(f->xlo, f->xhi, 7, ticks, 32, &step);
    const cli_svg_font label = { 12.0, "middle", 0.0, AXIS_COLOUR, 0 };
    for (size_t k = 0; k < n; k++) {
        double x = cli_dos_x(f, ticks[k]);
        char text[32];
        cli_svg_tick_label(text, sizeof text, ticks[k], step);
        cli_svg_line(out, x, f->bottom, x, f->bottom + 6, AXIS_COLOUR, 1.0, 0);
        cli_svg_text(out, &label, x, f->bottom + 20, "%s", text);
    }
    const cli_svg_font title = { 13.0, "middle", 0.0, AXIS_COLOUR, 0 };
    cli_svg_text(out, &title, 0.5 * (f->left + f->right), f->bottom + 46, "%s of the model%s",
                 smi_criterion_label(criterion),
                 criterion == SMI_CRIT_RSS ? " (residual sum of squares)" : "");
    cli_svg_line(out, f->left, f->bottom, f->right, f->bottom, AXIS_COLOUR, 1.0, 0);
    cli_svg_line(out, f->left, f->top, f->left, f->bottom, AXIS_COLOUR, 1.0, 0);
}

void cli_dos_best_mark(FILE *out, const cli_dos_frame *f, double value, const char *colour,
                       const char *label)
{
    double x = cli_dos_x(f, value);
    if (x < f->left || x > f->right)
        return;
    /* The label goes above the plot area, where no bar can hide it. */
    cli_svg_line(out, x, f->top - BEST_LABEL_GAP, x, f->bottom, colour, 1.5, 1);
    int right_half = x > 0.5 * (f->left + f->right);
    const cli_svg_font font = { 12.0, right_half ? "end" : "start", 0.0, colour, 1 };
    cli_svg_text(out, &font, right_half ? x + 4 : x - 4, f->top - BEST_LABEL_GAP - 4, "%s",
                 label);
}
