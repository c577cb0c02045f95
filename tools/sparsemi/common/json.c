/* A small streaming JSON writer. The caller states the structure (begin/key/value/end);
 * the writer adds commas, newlines and indentation, escapes strings, and records misuse
 * (a key outside an object, unbalanced ends, too deep) instead of writing bad JSON
 * silently: cli_json_finish reports it. */
#include <math.h>
#include <stdio.h>

#include "cli.h"

void cli_json_init(cli_json *j, FILE *out)
{
    *j = (cli_json){ .out = out };
}

static void indent(cli_json *j)
{
    fputc('\n', j->out);
    for (int d = 0; d < j->depth; d++)
        fputs("  ", j->out);
}

/* Every value and key starts here: a value right after its key stays on the key's line;
 * anything else in a container goes on a new line, after a comma if not the first. */
static void before_item(cli_json *j, int is_key)
{
    if (j->after_key) {
        if (is_key)
            j->misuse = 1;
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    int d = j->depth - 1;
    if (j->is_object[d] != is_key)
        j->misuse = 1; /* a value without a key in an object, or a key in an array */
    if (j->has_items[d])
        fputc(',', j->out);
    j->has_items[d] = 1;
    indent(j);
}

static void begin(cli_json *j, int object)
{
    before_item(j, 0);
    fputc(object ? '{' : '[', j->out);
    if (j->depth == CLI_JSON_MAX_DEPTH) {
        j->misuse = 1;
        return;
    }
    j->is_object[j->depth] = (unsigned char)object;
    j->has_items[j->depth] = 0;
    j->depth++;
}

static void end(cli_json *j, int object)
{
    if (j->depth == 0 || j->is_object[j->depth - 1] != object || j->after_key) {
        j->misuse = 1;
        return;
    }
    j->depth--;
    if (j->has_items[j->depth])
        indent(j);
    fputc(object ? '}' : ']', j->out);
}

void cli_json_begin_object(cli_json *j) { begin(j, 1); }
void cli_json_end_object(cli_json *j) { end(j, 1); }
void cli_json_begin_array(cli_json *j) { begin(j, 0); }
void cli_json_end_array(cli_json *j) { end(j, 0); }

/* Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF. */
int cli_utf8_length(const unsigned char *s)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* E0 80..9F would be overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* ED A0..BF would be a surrogate */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* F0 80..8F would be overlong */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* F4 90.. would pass U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int k = 2; k < n; k++) /* the NUL terminator is no continuation byte: stops here */
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return n;
}

/* Control characters get the short escapes JSON has (\b \t \n \f \r), else \u00XX. */
static void write_control(FILE *out, unsigned char c)
{
    static const char short_form[] = "btn\0fr"; /* for '\b' (8) to '\r' (13); '\v' has none */
    if (c >= '\b' && c <= '\r' && c != '\v')
        fprintf(out, "\\%c", short_form[c - '\b']);
    else
        fprintf(out, "\\u%04x", c);
}

static void write_escaped(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    fputc('"', out);
    while (*s) {
        int n = 1;
        if (*s == '"' || *s == '\\') {
            fputc('\\', out);
            fputc(*s, out);
        } else if (*s < 0x20) {
            write_control(out, *s);
        } else if (*s < 0x80) {
            fputc(*s, out);
        } else if ((n = cli_utf8_length(s)) > 0) {
            fwrite(s, 1, (size_t)n, out);
        } else {
            fputs("\\ufffd", out); /* one replacement character per bad byte */
            n = 1;
        }
        s += n;
    }
    fputc('"', out);
}

void cli_json_key(cli_json *j, const char *key)
{
    before_item(j, 1);
    write_escaped(j->out, key);
    fputs(": ", j->out);
    j->after_key = 1;
}

void cli_json_string(cli_json *j, const char *s)
{
    if (!s) {
        cli_json_null(j);
        return;
    }
    before_item(j, 0);
    write_escaped(j->out, s);
}

void cli_json_number(cli_json *j, double x)
{
    before_item(j, 0);
    if (isfinite(x))
        fprintf(j->out, "%.17g", x);
    else
        fputs("null", j->out);
}

void cli_json_uint(cli_json *j, unsigned long long x)
{
    before_item(j, 0);
    fprintf(j->out, "%llu", x);
}

void cli_json_int(cli_json *j, long long x)
{
    before_item(j, 0);
    fprintf(j->out, "%lld", x);
}

void cli_json_bool(cli_json *j, int b)
{
    before_item(j, 0);
    fputs(b ? "true" : "false", j->out);
}

void cli_json_null(cli_json *j)
{
    before_item(j, 0);
    fputs("null", j->out);
}

void cli_json_begin_report(cli_json *j, FILE *out, const char *command)
{
    cli_json_init(j, out);
    cli_json_begin_object(j);
    cli_json_key(j, "command"), cli_json_string(j, command);
    cli_json_key(j, "version"), cli_json_string(j, smi_version_string());
}

void cli_json_numbers(cli_json *j, const double *x, size_t count)
{
    cli_json_begin_array(j);
    for (size_t k = 0; k < count; k++)
        cli_json_number(j, x[k]);
    cli_json_end_array(j);
}

void cli_json_names(cli_json *j, const char **names, const size_t *index, size_t count)
{
    cli_json_begin_array(j);
    for (size_t k = 0; k < count; k++)
        cli_json_string(j, names[index[k]]);
    cli_json_end_array(j);
}

int cli_json_finish(cli_json *j)
{
    fputc('\n', j->out);
    return j->misuse || j->depth != 0 || j->after_key ? -1 : 0;
}
