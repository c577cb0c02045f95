/* A one-line progress bar on stderr: "[#####.....] 42% 1.2e6/s ETA 0:12".
 * Drawn only on a terminal (never into a log file or a pipe) and at most ten times a
 * second, so that a callback called millions of times costs a clock read each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define BAR_WIDTH 20
#define REDRAW_SECONDS 0.1
/* Before this much time has passed the rate, and so the time left, is mostly noise. */
#define ETA_AFTER_SECONDS 0.5

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *p, int quiet, double total)
{
    *p = (cli_progress){ .enabled = !quiet && isatty(STDERR_FILENO), .total = total };
    p->start = cli_seconds();
    p->last_draw = p->start - REDRAW_SECONDS;
}

/* "1.2e6" for large rates (as %.1e would, without its "+0"), "950" for small ones. */
static void format_rate(char *buf, size_t cap, double rate)
{
    if (rate < 1000.0) {
        snprintf(buf, cap, "%.3g/s", rate);
        return;
    }
    char sci[32];
    snprintf(sci, sizeof sci, "%.1e", rate);
    char *e = strchr(sci, 'e');
    *e = '\0';
    snprintf(buf, cap, "%se%d/s", sci, atoi(e + 1));
}

static void format_eta(char *buf, size_t cap, double eta)
{
    if (eta < 0) {
        snprintf(buf, cap, "ETA --:--");
        return;
    }
    long s = (long)(eta + 0.5);
    if (s >= 3600)
        snprintf(buf, cap, "ETA %ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, cap, "ETA %ld:%02ld", s / 60, s % 60);
}

size_t cli_progress_format(char *buf, size_t cap, double fraction, double rate, double eta)
{
    if (!(fraction >= 0.0)) /* also NaN */
        fraction = 0.0;
    if (fraction > 1.0)
        fraction = 1.0;
    char bar[BAR_WIDTH + 1], rate_text[64] = "", eta_text[64];
    int filled = (int)(fraction * BAR_WIDTH);
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(BAR_WIDTH - filled));
    bar[BAR_WIDTH] = '\0';
    if (rate >= 0.0)
        format_rate(rate_text, sizeof rate_text, rate);
    format_eta(eta_text, sizeof eta_text, eta);
    /* The percentage rounds down, so "100%" means done. */
    int n = snprintf(buf, cap, "[%s] %d%% %s%s%s", bar, (int)(fraction * 100.0), rate_text,
                     rate_text[0] ? " " : "", eta_text);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

int cli_progress_update(void *user, double fraction)
{
    cli_progress *p = user;
    if (!p->enabled)
        return 0;
    double t = cli_seconds();
    if (t - p->last_draw < REDRAW_SECONDS && fraction < 1.0)
        return 0;
    p->last_draw = t;
    double elapsed = t - p->start;
    double rate = p->total > 0 && elapsed > 0 ? fraction * p->total / elapsed : -1.0;
    double eta = fraction > 0 && elapsed >= ETA_AFTER_SECONDS
                     ? elapsed * (1.0 - fraction) / fraction : -1.0;
    char line[192];
    cli_progress_format(line, sizeof line, fraction, rate, eta);
    /* Trailing blanks cover a longer previous line; no terminal escape codes needed. */
    fprintf(stderr, "\r%-60s", line);
    fflush(stderr);
    p->drawn = 1;
    return 0;
}

void cli_progress_finish(cli_progress *p)
{
    if (p->drawn)
        fprintf(stderr, "\r%60s\r", "");
    p->drawn = 0;
}
