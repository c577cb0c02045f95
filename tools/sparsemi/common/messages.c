/* Messages and exit statuses of the program (DESIGN.md 5): usage errors name the
 * subcommand and point to its help; input errors carry the library's own message. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "sparsemi.h"

int cli_fail_library(int status)
{
    const char *message = smi_last_error();
    /* The library promises a message for every failure; fall back to the status name
     * rather than print an empty line if one is ever missing. */
    fprintf(stderr, "sparsemi: %s\n", message[0] ? message : smi_strerror(status));
    return CLI_EXIT_INPUT;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("sparsemi: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sparsemi %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sparsemi help %s' for more information.\n", command);
    return CLI_EXIT_USAGE;
}
