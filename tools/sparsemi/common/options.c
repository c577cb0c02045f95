/* Command-line options: long options only (`--name VALUE`, `--name=VALUE`), flags,
 * positional arguments, comma lists. Every usage error names the option at fault and
 * returns CLI_EXIT_USAGE, so that a script can tell a bad call (2) from bad data (1). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_list_free(cli_list *list)
{
    if (!list)
        return;
    if (list->items)
        free(list->items[0]); /* the shared buffer: see cli_list_split */
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

/* The items share one buffer: items[0] points at its start, so one free releases every
 * item. The buffer holds the unescaped text with each separator replaced by '\0'. */
int cli_list_split(cli_list *list, const char *text)
{
    cli_list_free(list);
    size_t len = strlen(text), count = 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\\' && text[i + 1] == ',')
            i++;
        else if (text[i] == ',')
            count++;
    }
    char *buf = malloc(len + 1);
    char **items = calloc(count + 1, sizeof *items);
    if (!buf || !items) {
        free(buf);
        free(items);
        return -1;
    }
    size_t n = 0, out = 0;
    items[n++] = buf;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\\' && text[i + 1] == ',') {
            buf[out++] = text[++i];
        } else if (text[i] == ',') {
            buf[out++] = '\0';
            items[n++] = buf + out;
        } else {
            buf[out++] = text[i];
        }
    }
    buf[out] = '\0';
    list->items = items;
    list->count = count;
    for (size_t k = 0; k < count; k++)
        if (items[k][0] == '\0')
            return -1;
    return 0;
}

static const cli_option *find_option(const cli_spec *spec, const char *name, size_t len)
{
    for (size_t k = 0; k < spec->n_options; k++) {
        const cli_option *opt = &spec->options[k];
        if (strlen(opt->name) == len && strncmp(opt->name, name, len) == 0)
            return opt;
    }
    return NULL;
}

/* strtod alone would accept leading blanks, "nan", "inf" and overflow to infinity. */
static int parse_double(const char *text, double *value)
{
    char *end;
    if (isspace((unsigned char)text[0]))
        return -1;
    errno = 0;
    double x = strtod(text, &end);
    if (*end != '\0' || !isfinite(x) || (errno == ERANGE && fabs(x) > 1.0))
        return -1;
    *value = x;
    return 0;
}

/* Digits only: strtoull would take a sign and wrap "-1" around to 2^64 - 1. */
static int parse_size(const char *text, size_t *value)
{
    for (const char *c = text; *c; c++)
        if (!isdigit((unsigned char)*c))
            return -1;
    errno = 0;
    unsigned long long x = strtoull(text, NULL, 10);
    if (errno == ERANGE || x > SIZE_MAX)
        return -1;
    *value = (size_t)x;
    return 0;
}

static int set_value(const cli_spec *spec, const cli_option *opt, const char *text)
{
    const char *cmd = spec->command;
    if (text[0] == '\0')
        return cli_usage_error(cmd, "option '--%s' needs a non-empty value", opt->name);
    switch (opt->type) {
    case CLI_OPT_STRING:
        *(const char **)opt->value = text;
        return CLI_CONTINUE;
    case CLI_OPT_DOUBLE:
        if (parse_double(text, opt->value) < 0)
            return cli_usage_error(cmd, "option '--%s': '%s' is not a finite number",
                                   opt->name, text);
        return CLI_CONTINUE;
    case CLI_OPT_SIZE:
        if (parse_size(text, opt->value) < 0)
            return cli_usage_error(cmd, "option '--%s': '%s' is not a non-negative integer",
                                   opt->name, text);
        return CLI_CONTINUE;
    case CLI_OPT_LIST:
        if (cli_list_split(opt->value, text) < 0)
            return cli_usage_error(cmd, "option '--%s': '%s' has an empty item", opt->name,
                                   text);
        return CLI_CONTINUE;
    case CLI_OPT_FLAG:
        break;
    }
    return cli_usage_error(cmd, "option '--%s' takes no value", opt->name);
}

/* argv[*i] begins with "--" and is not "--" itself; a separate value advances *i. */
static int parse_long(const cli_spec *spec, int argc, char **argv, int *i)
{
    const char *body = argv[*i] + 2;
    const char *eq = strchr(body, '=');
    size_t len = eq ? (size_t)(eq - body) : strlen(body);
    const cli_option *opt = find_option(spec, body, len);
    if (!opt)
        return cli_usage_error(spec->command, "unknown option '--%.*s'", (int)len, body);
    if (opt->type == CLI_OPT_FLAG) {
        if (eq)
            return cli_usage_error(spec->command, "option '--%s' takes no value", opt->name);
        *(int *)opt->value = 1;
        return CLI_CONTINUE;
    }
    if (eq)
        return set_value(spec, opt, eq + 1);
    if (*i + 1 >= argc)
        return cli_usage_error(spec->command, "option '--%s' needs a value (%s)", opt->name,
                               opt->metavar ? opt->metavar : "VALUE");
    return set_value(spec, opt, argv[++*i]);
}

int cli_parse(const cli_spec *spec, int argc, char **argv, const char **positional,
              size_t *n_positional)
{
    size_t n = 0;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (n == spec->max_positional)
                return cli_usage_error(spec->command, "unexpected argument '%s'", arg);
            positional[n++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_print_help(spec, stdout);
            return CLI_EXIT_OK;
        } else if (arg[1] != '-') {
            return cli_usage_error(spec->command, "unknown option '%s'", arg);
        } else {
            int rc = parse_long(spec, argc, argv, &i);
            if (rc != CLI_CONTINUE)
                return rc;
        }
    }
    if (n < spec->min_positional)
        return cli_usage_error(spec->command, "missing %s argument",
                               spec->positional ? spec->positional : "positional");
    *n_positional = n;
    return CLI_CONTINUE;
}

static size_t option_width(const cli_option *opt)
{
    return 2 + strlen(opt->name) + (opt->metavar ? 1 + strlen(opt->metavar) : 0);
}

void cli_print_help(const cli_spec *spec, FILE *out)
{
    size_t width = strlen("-h, --help");
    for (size_t k = 0; k < spec->n_options; k++)
        if (option_width(&spec->options[k]) > width)
            width = option_width(&spec->options[k]);
    fprintf(out, "Usage: sparsemi %s %s\n\n%s\nOptions:\n", spec->command, spec->synopsis,
            spec->description);
    for (size_t k = 0; k < spec->n_options; k++) {
        const cli_option *opt = &spec->options[k];
        int pad = (int)(width - option_width(opt));
        fprintf(out, "  --%s%s%s%*s  %s\n", opt->name, opt->metavar ? " " : "",
                opt->metavar ? opt->metavar : "", pad, "", opt->help);
    }
    fprintf(out, "  -h, --help%*s  show this help\n", (int)(width - strlen("-h, --help")), "");
}

int cli_parse_numbers(const char *text, double *values, size_t count)
{
    const char *field = text;
    for (size_t k = 0; k < count; k++) {
        const char *colon = strchr(field, ':');
        size_t len = colon ? (size_t)(colon - field) : strlen(field);
        char buf[64];
        if ((colon != NULL) != (k + 1 < count) || len == 0 || len >= sizeof buf)
            return -1;
        memcpy(buf, field, len);
        buf[len] = '\0';
        if (parse_double(buf, &values[k]) < 0)
            return -1;
        field += len + 1;
    }
    return 0;
}

int cli_parse_delimiter(const char *text, char *delimiter)
{
    static const struct { const char *name; char c; } names[] = {
        { "auto", 0 }, { "tab", '\t' }, { "\\t", '\t' }, { "space", ' ' },
        { "comma", ',' }, { "semicolon", ';' },
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcmp(text, names[k].name) == 0) {
            *delimiter = names[k].c;
            return 0;
        }
    }
    /* '"' starts a quoted field and '#' a comment line: neither can separate fields. */
    unsigned char c = (unsigned char)text[0];
    if ((c == '\t' || (c >= 0x20 && c < 0x7f)) && text[1] == '\0' && c != '"' && c != '#') {
        *delimiter = (char)c;
        return 0;
    }
    return -1;
}

int cli_delimiter_option(const char *command, const char *text, char *delimiter)
{
    if (!text || cli_parse_delimiter(text, delimiter) == 0)
        return CLI_CONTINUE;
    if (strcmp(text, "\"") == 0 || strcmp(text, "#") == 0)
        return cli_usage_error(command, "option '--delimiter': '%s' cannot separate fields: "
                               "it opens a %s", text, text[0] == '#' ? "comment line"
                                                                      : "quoted field");
    return cli_usage_error(command, "option '--delimiter': '%s' is not one printable "
                           "character, tab, space or auto", text);
}
