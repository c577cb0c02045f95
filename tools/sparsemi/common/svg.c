/* Plain SVG 1.1 pictures written by hand (DESIGN.md 5: plots with no extra dependency).
 * Only what the plots of the program need: a document, rectangles, lines, text, nice
 * axis ticks and a diverging colour scale. Every text goes through cli_svg_escape, so a
 * feature called "a<b & c" cannot break the document. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Coordinates with two decimals: exact enough for pixels, short enough for big files. */
#define COORD "%.2f"

void cli_svg_begin(FILE *out, double width, double height, const char *title)
{
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                 "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                 "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n<title>",
            width, height, width, height);
    cli_svg_escape(out, title);
    fprintf(out, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                 "fill=\"#ffffff\"/>\n", width, height);
}

void cli_svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void cli_svg_rect(FILE *out, double x, double y, double w, double h, const char *fill,
                  const char *stroke, const char *tooltip)
{
    fprintf(out, "<rect x=\"" COORD "\" y=\"" COORD "\" width=\"" COORD "\" height=\"" COORD
                 "\" fill=\"%s\"", x, y, w, h, fill);
    if (stroke)
        fprintf(out, " stroke=\"%s\" stroke-width=\"0.5\"", stroke);
    if (!tooltip) {
        fputs("/>\n", out);
        return;
    }
    fputs("><title>", out);
    cli_svg_escape(out, tooltip);
    fputs("</title></rect>\n", out);
}

void cli_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke,
                  double width, int dashed)
{
    fprintf(out, "<line x1=\"" COORD "\" y1=\"" COORD "\" x2=\"" COORD "\" y2=\"" COORD
                 "\" stroke=\"%s\" stroke-width=\"%.2f\"%s/>\n",
            x1, y1, x2, y2, stroke, width, dashed ? " stroke-dasharray=\"5,3\"" : "");
}

void cli_svg_polyline(FILE *out, const double *x, const double *y, size_t n, const char *stroke,
                      double width)
{
    if (n == 0)
        return;
    fputs("<polyline points=\"", out);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s" COORD "," COORD, k ? " " : "", x[k], y[k]);
    fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" "
                 "stroke-linejoin=\"round\"/>\n", stroke, width);
}

void cli_svg_polygon(FILE *out, const double *x, const double *y, size_t n, const char *fill,
                     double opacity)
{
    if (n == 0)
        return;
    fputs("<polygon points=\"", out);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s" COORD "," COORD, k ? " " : "", x[k], y[k]);
    fprintf(out, "\" fill=\"%s\" fill-opacity=\"%.3f\" stroke=\"none\"/>\n", fill, opacity);
}

void cli_svg_circle(FILE *out, double cx, double cy, double r, const char *fill,
                    const char *stroke, const char *tooltip)
{
    fprintf(out, "<circle cx=\"" COORD "\" cy=\"" COORD "\" r=\"" COORD "\" fill=\"%s\"", cx, cy,
            r, fill);
    if (stroke)
        fprintf(out, " stroke=\"%s\" stroke-width=\"1\"", stroke);
    if (!tooltip) {
        fputs("/>\n", out);
        return;
    }
    fputs("><title>", out);
    cli_svg_escape(out, tooltip);
    fputs("</title></circle>\n", out);
}

void cli_svg_text(FILE *out, const cli_svg_font *font, double x, double y, const char *fmt,
                  ...)
{
    char small[256], *text = small;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len >= sizeof small) {
        text = malloc((size_t)len + 1);
        if (!text)
            return; /* a label lost for want of memory: the picture stays valid */
        va_start(ap, fmt);
        vsnprintf(text, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    fprintf(out, "<text x=\"" COORD "\" y=\"" COORD "\" font-size=\"%.1f\"", x, y, font->size);
    if (font->anchor && strcmp(font->anchor, "start") != 0)
        fprintf(out, " text-anchor=\"%s\"", font->anchor);
    if (font->angle != 0.0)
        fprintf(out, " transform=\"rotate(%.1f " COORD " " COORD ")\"", font->angle, x, y);
    if (font->fill)
        fprintf(out, " fill=\"%s\"", font->fill);
    if (font->bold)
        fputs(" font-weight=\"bold\"", out);
    fputc('>', out);
    cli_svg_escape(out, text);
    fputs("</text>\n", out);
    if (text != small)
        free(text);
}

void cli_svg_escape(FILE *out, const char *text)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD in UTF-8 */
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        int n = 1;
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            n = *s >= 0x80 ? cli_utf8_length(s) : 1;
            if (n == 0 || *s == 0x7f || (*s < 0x20 && *s != '\t')) {
                fputs(replacement, out); /* one per bad byte, as json.c does */
                n = 1;
            } else {
                fwrite(s, 1, (size_t)n, out);
            }
        }
        s += n;
    }
}

/* The nice step: 1, 2 or 5 times a power of ten, closest above range / target. */
static double nice_step(double range, size_t target)
{
    double raw = range / (double)(target ? target : 1);
    double magnitude = pow(10.0, floor(log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 5.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

size_t cli_svg_ticks(double lo, double hi, size_t target, double *ticks, size_t cap,
                     double *step)
{
    double d = nice_step(hi - lo, target);
    *step = d;
    size_t count = 0;
    /* Ticks as integer multiples of d, so that 0.1 + 0.2 style drift cannot creep in. */
    for (double m = ceil(lo / d - 1e-9); m * d <= hi + 1e-9 * d && count < cap; m += 1.0)
        ticks[count++] = m * d;
    return count;
}

void cli_svg_tick_label(char *buf, size_t cap, double value, double step)
{
    if (fabs(value) < 1e-9 * step)
        value = 0.0; /* no "-0" and no 1e-17 where zero is meant */
    double largest = fmax(fabs(value), step);
    if (largest >= 1e6 || step < 1e-4) {
        snprintf(buf, cap, "%.3g", value);
        return;
    }
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, cap, "%.*f", decimals, value);
}

/* ColorBrewer RdBu, 11 classes: from the centre out to the dark ends. */
static const unsigned char red_side[][3] = {
    { 0xf7, 0xf7, 0xf7 }, { 0xfd, 0xdb, 0xc7 }, { 0xf4, 0xa5, 0x82 },
    { 0xd6, 0x60, 0x4d }, { 0xb2, 0x18, 0x2b }, { 0x67, 0x00, 0x1f },
};
static const unsigned char blue_side[][3] = {
    { 0xf7, 0xf7, 0xf7 }, { 0xd1, 0xe5, 0xf0 }, { 0x92, 0xc5, 0xde },
    { 0x43, 0x93, 0xc3 }, { 0x21, 0x66, 0xac }, { 0x05, 0x30, 0x61 },
};

/* The lightest tint a used cell gets, as a position on the scale (0: near-white). */
#define DIVERGING_FLOOR 0.15

void cli_svg_diverging(double v, char buf[8])
{
    if (!(v >= -1.0)) /* also NaN */
        v = -1.0;
    if (v > 1.0)
        v = 1.0;
    const unsigned char(*stops)[3] = v < 0 ? blue_side : red_side;
    size_t last = sizeof red_side / sizeof red_side[0] - 1;
    double t = (DIVERGING_FLOOR + (1.0 - DIVERGING_FLOOR) * fabs(v)) * (double)last;
    size_t k = t >= (double)last ? last - 1 : (size_t)t;
    double f = t - (double)k;
    unsigned c[3];
    for (int i = 0; i < 3; i++)
        c[i] = (unsigned)lround((1.0 - f) * stops[k][i] + f * stops[k + 1][i]);
    snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}
