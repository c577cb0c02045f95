/* Tests of the SVG writer of the sparsemi program (tools/sparsemi/common/svg.c): exact output of
 * the elements, XML escaping of any bytes, nice axis ticks and their labels, and the
 * diverging colour scale of the weight diagram. Whole pictures are tested in test_es.py. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "minicheck.h"

static void check_escape(const char *in, const char *want)
{
    capture c;
    cli_svg_escape(capture_open(&c), in);
    CHECK_STR(capture_close(&c), want);
    free(c.text);
}

static void test_escape(void)
{
    check_escape("plain text", "plain text");
    check_escape("a<b & c>\"d'", "a&lt;b &amp; c&gt;&quot;d&apos;");
    check_escape("caf\xc3\xa9 \xce\xb1\xe2\x82\x82", "caf\xc3\xa9 \xce\xb1\xe2\x82\x82");
    check_escape("tab\there", "tab\there");
    /* XML 1.0 forbids most control characters; bad UTF-8 is replaced byte by byte. */
    check_escape("a\x01z\x7f", "a\xef\xbf\xbdz\xef\xbf\xbd");
    check_escape("\xff\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    check_escape("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_elements(void)
{
    capture c;
    cli_svg_rect(capture_open(&c), 1, 2.5, 3, 4, "#ff0000", NULL, NULL);
    CHECK_STR(capture_close(&c), "<rect x=\"1.00\" y=\"2.50\" width=\"3.00\" height=\"4.00\" "
                       "fill=\"#ff0000\"/>\n");
    free(c.text);
    cli_svg_rect(capture_open(&c), 0, 0, 1, 1, "#fff", "#000", "a<b");
    CHECK_STR(capture_close(&c), "<rect x=\"0.00\" y=\"0.00\" width=\"1.00\" height=\"1.00\" "
                       "fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.5\">"
                       "<title>a&lt;b</title></rect>\n");
    free(c.text);
    cli_svg_line(capture_open(&c), 0, 1, 2, 3, "#123456", 1.5, 1);
    CHECK_STR(capture_close(&c), "<line x1=\"0.00\" y1=\"1.00\" x2=\"2.00\" y2=\"3.00\" "
                       "stroke=\"#123456\" stroke-width=\"1.50\" stroke-dasharray=\"5,3\"/>\n");
    free(c.text);
    const cli_svg_font plain = { 12, NULL, 0, NULL, 0 };
    cli_svg_text(capture_open(&c), &plain, 10, 20, "%d & %s", 42, "x");
    CHECK_STR(capture_close(&c), "<text x=\"10.00\" y=\"20.00\" font-size=\"12.0\">42 &amp; x</text>\n");
    free(c.text);
    const cli_svg_font fancy = { 11, "end", -45, "#555", 1 };
    cli_svg_text(capture_open(&c), &fancy, 5, 6, "%s", "n");
    CHECK_STR(capture_close(&c), "<text x=\"5.00\" y=\"6.00\" font-size=\"11.0\" text-anchor=\"end\" "
                       "transform=\"rotate(-45.0 5.00 6.00)\" fill=\"#555\" "
                       "font-weight=\"bold\">n</text>\n");
    free(c.text);
}

/* A text longer than the writer's stack buffer takes the heap path, whole. */
static void test_long_text(void)
{
    char long_name[1000];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    capture c;
    const cli_svg_font plain = { 12, NULL, 0, NULL, 0 };
    cli_svg_text(capture_open(&c), &plain, 0, 0, "<%s>", long_name);
    char *text = capture_close(&c);
    CHECK(strstr(text, long_name) != NULL && strstr(text, "&lt;") && strstr(text, "&gt;"));
    free(text);
}

static void test_document(void)
{
    capture c;
    FILE *f = capture_open(&c);
    cli_svg_begin(f, 200, 100, "T & T");
    cli_svg_end(f);
    char *text = capture_close(&c);
    CHECK(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
    CHECK(strstr(text, "<title>T &amp; T</title>") != NULL);
    CHECK(strstr(text, "viewBox=\"0 0 200 100\"") != NULL);
    CHECK(strcmp(text + strlen(text) - 7, "</svg>\n") == 0);
    free(text);
}

static void test_ticks(void)
{
    double t[32], step;
    size_t n = cli_svg_ticks(6.25, 16.5, 7, t, 32, &step);
    CHECK(step == 2.0 && n == 5 && t[0] == 8.0 && t[4] == 16.0);
    n = cli_svg_ticks(-274.8, -112.3, 7, t, 32, &step);
    CHECK(step == 50.0 && n == 3 && t[0] == -250.0 && t[2] == -150.0);
    n = cli_svg_ticks(0.0, 1.0, 5, t, 32, &step);
    CHECK(step == 0.2 && n == 6 && t[0] == 0.0 && fabs(t[5] - 1.0) < 1e-15);
    n = cli_svg_ticks(0.0, 1.0, 5, t, 3, &step); /* capacity respected */
    CHECK(n == 3);
    n = cli_svg_ticks(2.6, 2.8, 7, t, 32, &step);
    CHECK(fabs(step - 0.05) < 1e-15 && n == 5);
    char buf[32];
    cli_svg_tick_label(buf, sizeof buf, 0.25, 0.05);
    CHECK_STR(buf, "0.25");
    cli_svg_tick_label(buf, sizeof buf, 2.7000000000000002, 0.05);
    CHECK_STR(buf, "2.70");
    cli_svg_tick_label(buf, sizeof buf, -250, 50);
    CHECK_STR(buf, "-250");
    cli_svg_tick_label(buf, sizeof buf, -1e-17, 0.2); /* 0.2 * 3 - 0.6: never "-0.0" */
    CHECK_STR(buf, "0.0");
    cli_svg_tick_label(buf, sizeof buf, 2e6, 1e6);
    CHECK_STR(buf, "2e+06");
}

static void test_diverging(void)
{
    char c[8];
    cli_svg_diverging(-1.0, c);
    CHECK_STR(c, "#053061"); /* the dark ends of RdBu */
    cli_svg_diverging(1.0, c);
    CHECK_STR(c, "#67001f");
    cli_svg_diverging(5.0, c); /* clamped */
    CHECK_STR(c, "#67001f");
    cli_svg_diverging(NAN, c);
    CHECK_STR(c, "#053061");
    /* Tiny values are tinted, not white: blue below zero, red above. */
    cli_svg_diverging(-1e-9, c);
    unsigned r, g, b;
    CHECK(sscanf(c, "#%2x%2x%2x", &r, &g, &b) == 3 && b > r && r < 0xf0);
    cli_svg_diverging(1e-9, c);
    CHECK(sscanf(c, "#%2x%2x%2x", &r, &g, &b) == 3 && r > b && b < 0xf0);
    /* Darker with magnitude: the green channel falls on both sides. */
    unsigned previous = 256;
    for (int k = 0; k <= 10; k++) {
        cli_svg_diverging(k / 10.0, c);
        CHECK(sscanf(c, "#%2x%2x%2x", &r, &g, &b) == 3 && g < previous);
        previous = g;
    }
}

int main(void)
{
    test_escape();
    test_elements();
    test_long_text();
    test_document();
    test_ticks();
    test_diverging();
    printf("%d checks, %d failed: %s\n", n_checks, n_failed, n_failed ? "FAILED" : "OK");
    return n_failed ? 1 : 0;
}
