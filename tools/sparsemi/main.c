/* sparsemi: the command-line program of libsparsemi (DESIGN.md 5).
 * `sparsemi SUBCOMMAND [options] DATA`; each subcommand lives in cmd_NAME.c and is one
 * row of the table below, so adding one touches only that file, this table, cli.h,
 * meson.build and the man page. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sparsemi.h"

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

static const cli_command commands[] = {
    { "info", cmd_info, "describe a data set: sizes, statistics, problems, conditioning" },
    { "es", cmd_es, "exhaustive search: every subset of the features, ranked, and its DOS" },
    { "merge", cmd_merge, "merge the saved shards of an exhaustive search into one result" },
    { "evidence", cmd_evidence, "Bayesian model evidence of one model: F, hyperparameters, posterior" },
    { "remc", cmd_remc, "replica-exchange Monte Carlo: the DOS and best models where es cannot go" },
    { "lasso", cmd_lasso, "LASSO, elastic-net and LARS paths, CV, and their supports on the DOS" },
    { "vma", cmd_vma, "virtual measurement: how often a method recovers a model at each n'" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    return NULL;
}

static void print_usage(FILE *out)
{
    fputs("Usage: sparsemi SUBCOMMAND [options] DATA\n"
          "       sparsemi help SUBCOMMAND\n"
          "       sparsemi --version\n"
          "\n"
          "Sparse modeling for materials science: which few descriptors explain a property.\n"
          "\n"
          "Subcommands:\n",
          out);
    for (size_t k = 0; k < N_COMMANDS; k++)
        fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fputs("\n"
          "Exit status: 0 success, 1 bad input, 2 bad usage. See sparsemi(1).\n",
          out);
}

static int print_version(void)
{
    printf("sparsemi %s\n", smi_version_string());
    /* A program built against one header but run with another library is worth a word. */
    if (smi_version_number() != SMI_VERSION_NUMBER)
        fprintf(stderr, "sparsemi: warning: built with libsparsemi %d.%d.%d\n",
                SMI_VERSION_MAJOR, SMI_VERSION_MINOR, SMI_VERSION_PATCH);
    return CLI_EXIT_OK;
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "sparsemi: unknown subcommand '%s'\n"
                    "Run 'sparsemi --help' for the list of subcommands.\n", name);
    return CLI_EXIT_USAGE;
}

/* `sparsemi help SUBCOMMAND` is `sparsemi SUBCOMMAND --help`: one help text per command. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 3) {
        fprintf(stderr, "sparsemi help: give one subcommand\n");
        return CLI_EXIT_USAGE;
    }
    const cli_command *cmd = find_command(argv[2]);
    if (!cmd)
        return unknown_command(argv[2]);
    char *help_argv[] = { argv[2], "--help", NULL };
    return cmd->run(2, help_argv);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr); /* no subcommand is a usage error, not a request for help */
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0)
        return print_version();
    if (strcmp(first, "help") == 0)
        return help(argc, argv);
    if (first[0] == '-') {
        fprintf(stderr, "sparsemi: unknown option '%s'\n"
                        "Run 'sparsemi --help' for usage.\n", first);
        return CLI_EXIT_USAGE;
    }
    const cli_command *cmd = find_command(first);
    if (!cmd)
        return unknown_command(first);
    return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    int status = dispatch(argc, argv);
    /* A full disk or a closed pipe on stdout must not pass for success. */
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && status == CLI_EXIT_OK)
        status = cli_fail("cannot write to standard output: %s",
                          strerror(errno ? errno : EIO));
    return status;
}
