/* sparsemi merge: one report from the results that `sparsemi es --shard i/N --save FILE`
 * saved. Each result file (the library's format, read with smi_search_result_load) holds
 * the identity of its data and its configuration (es_saved.c): they must be of one data set
 * (smi_data_id_matches of the first part's identity is not available without the data, so
 * the fingerprints are compared) and of disjoint shards; the library then merges the
 * results (smi_search_result_merge, which checks again), and the merged one is reported as
 * es reports a whole search. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

#define TABLE_ROWS 20

typedef struct merge_args {
    const char **positional; /* OUT.json, then the inputs */
    size_t n_positional;
    const char *save, *plot;
} merge_args;

enum { OUT_JSON, OUT_DOS, OUT_WEIGHTS, OUT_INCLUSION, OUT_SAVE };

/* The shard of one part, from its saved configuration (count 1: a whole search). */
typedef struct merge_part {
    size_t shard_index, shard_count;
} merge_part;

typedef struct merge_state {
    merge_part *parts;
    smi_search_result **results;
    size_t n_parts;
    smi_search_result *merged;
    cli_outputs out;
} merge_state;

static const char description[] =
    "Merge the results of an exhaustive search run in shards ('sparsemi es --shard i/N\n"
    "--save FILE', one FILE per shard) into one, and report it as 'sparsemi es' reports\n"
    "a whole search: the JSON to OUT.json ('-': standard output, no table) and the\n"
    "table on standard output. Each FILE holds its data's identity and the search's\n"
    "options. The parts must come from one search (same data, same options) and hold\n"
    "different shards; with some shards missing, the report covers part of the search.\n";

static int parse_args(merge_args *a, int argc, char **argv)
{
    const cli_option options[] = {
        { "save", CLI_OPT_STRING, &a->save, "FILE",
          "save the merged result to FILE" },
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX",
          "write PREFIX-dos.svg and PREFIX-weights.svg" },
    };
    const cli_spec spec = { "merge", "OUT.json FILE... [options]", description, options,
                            sizeof options / sizeof options[0], "input FILE",
                            2, (size_t)argc };
    a->positional = calloc((size_t)argc + 1, sizeof *a->positional);
    if (!a->positional)
        return cli_fail("out of memory");
    int rc = cli_parse(&spec, argc, argv, a->positional, &a->n_positional);
    if (rc == CLI_CONTINUE)
        rc = es_check_file_name("merge", "save", a->save);
    if (rc == CLI_CONTINUE && a->save && strcmp(a->save, a->positional[0]) == 0)
        return cli_usage_error("merge", "OUT.json and option '--save' name the same file '%s'",
                               a->save);
    return rc;
}

static int open_outputs(const merge_args *a, merge_state *s)
{
    static const char *const suffix[] = { NULL, "-dos.svg", "-weights.svg", "-inclusion.svg" };
    /* the inclusion picture is discarded when the merged result has no posterior */
    int rc = cli_outputs_open(&s->out, a->positional[0], a->plot, suffix, OUT_INCLUSION + 1);
    return rc == CLI_EXIT_OK && a->save ? es_open_save(&s->out, OUT_SAVE, "merge", a->save) : rc;
}

/* Parts of one search: the same data (by the library's fingerprint) and shard count. */
static int check_same_search(const merge_state *s, const char *const *paths, size_t k)
{
    const smi_data_id *first = smi_search_result_data(s->results[0]);
    const smi_data_id *id = smi_search_result_data(s->results[k]);
    if (smi_data_id_fingerprint(id) != smi_data_id_fingerprint(first))
        return cli_fail("'%s' and '%s' are not parts of one search: their data differ (data "
                        "fingerprints %016llx and %016llx)", paths[0], paths[k],
                        (unsigned long long)smi_data_id_fingerprint(first),
                        (unsigned long long)smi_data_id_fingerprint(id));
    /* A merged result records itself as one whole search (shard 0 of 1): the library,
     * which knows its shards, checks it against the others. */
    int merged = s->parts[k].shard_count == 1 || s->parts[0].shard_count == 1;
    if (!merged && s->parts[k].shard_count != s->parts[0].shard_count)
        return cli_fail("'%s' and '%s' are not parts of one search: split into %zu and %zu "
                        "shards", paths[0], paths[k], s->parts[0].shard_count,
                        s->parts[k].shard_count);
    return CLI_EXIT_OK;
}

static int read_parts(const merge_args *a, merge_state *s)
{
    const char *const *paths = a->positional + 1;
    s->n_parts = a->n_positional - 1;
    s->parts = calloc(s->n_parts, sizeof *s->parts);
    s->results = calloc(s->n_parts, sizeof *s->results);
    if (!s->parts || !s->results)
        return cli_fail("out of memory");
    for (size_t k = 0; k < s->n_parts; k++) {
        if (smi_search_result_load(&s->results[k], paths[k]) < 0)
            return cli_fail("'%s': %s", paths[k], smi_last_error());
        int rc = es_saved_check(s->results[k], paths[k]);
        if (rc != CLI_EXIT_OK)
            return rc;
        es_saved_shard(s->results[k], &s->parts[k].shard_index, &s->parts[k].shard_count);
        if (k > 0 && (rc = check_same_search(s, paths, k)) != CLI_EXIT_OK)
            return rc;
    }
    return CLI_EXIT_OK;
}

/* One shard of one part, to find a shard held twice. */
typedef struct owned_shard {
    size_t index, part;
} owned_shard;

static int by_index(const void *a, const void *b)
{
    const owned_shard *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* The union of the parts' shards, ascending, in r; a shard in two parts would be counted
 * twice. Memory in the number of shards held, not in the shard count (which is a number
 * from a file). */
/* Whether a part records itself as a whole search: a search not split, or a merged result
 * (which the library saves as shard 0 of 1, without saying which shards it holds). */
static int any_whole_part(const merge_state *s)
{
    for (size_t k = 0; k < s->n_parts; k++)
        if (s->parts[k].shard_count == 1)
            return 1;
    return 0;
}

static int union_shards(const merge_args *a, const merge_state *s, es_report *r)
{
    size_t total = s->n_parts, count = s->parts[0].shard_count;
    const char *const *paths = a->positional + 1;
    if (any_whole_part(s))
        return CLI_EXIT_OK; /* reported as the whole search; the library checks the parts */
    owned_shard *all = calloc(total, sizeof *all);
    r->shards = calloc(total, sizeof *r->shards);
    if (!all || !r->shards) {
        free(all);
        return cli_fail("out of memory");
    }
    for (size_t k = 0; k < s->n_parts; k++)
        all[k] = (owned_shard){ s->parts[k].shard_index, k };
    qsort(all, total, sizeof *all, by_index);
    int rc = CLI_EXIT_OK;
    for (size_t m = 0; m < total && rc == CLI_EXIT_OK; m++) {
        if (m > 0 && all[m].index == all[m - 1].index)
            rc = cli_fail("shard %zu of %zu is in both '%s' and '%s'", all[m].index, count,
                          paths[all[m - 1].part], paths[all[m].part]);
        r->shards[r->n_shards++] = all[m].index;
    }
    r->shard_count = count > 1 ? count : 0; /* one shard of one: the whole search */
    free(all);
    return rc;
}

static int describe(const merge_args *a, const merge_state *s, es_report *r)
{
    int rc = es_report_from_result(r, s->results[0]);
    if (rc == CLI_EXIT_OK)
        rc = union_shards(a, s, r);
    r->command = "merge";
    r->inputs = a->positional + 1;
    r->n_inputs = s->n_parts;
    r->elapsed_s = NAN; /* a saved result does not record how long its search took */
    if (rc == CLI_EXIT_OK && r->shard_count > 0 && r->n_shards < r->shard_count) {
        fprintf(stderr, "sparsemi merge: warning: %zu of %zu shards merged; the result "
                        "covers part of the search only\n", r->n_shards, r->shard_count);
    }
    return rc;
}

static int write_outputs(const merge_args *a, merge_state *s, const es_report *r)
{
    int rc = a->save ? es_write_save(&s->out, OUT_SAVE, s->merged) : CLI_EXIT_OK;
    if (rc != CLI_EXIT_OK)
        return rc;
    es_write_json(s->out.file[OUT_JSON].stream, r);
    if (a->plot) {
        es_plot_dos(s->out.file[OUT_DOS].stream, r);
        es_plot_weights(s->out.file[OUT_WEIGHTS].stream, r);
        if (r->has_posterior)
            es_plot_inclusion(s->out.file[OUT_INCLUSION].stream, r);
        else
            cli_output_discard(&s->out.file[OUT_INCLUSION]);
    }
    return cli_outputs_commit(&s->out);
}

static void free_state(merge_state *s)
{
    cli_outputs_discard(&s->out);
    for (size_t k = 0; k < s->n_parts && s->results; k++)
        smi_search_result_free(s->results[k]);
    free(s->parts);
    free(s->results);
    smi_search_result_free(s->merged);
}

static int run(const merge_args *a)
{
    merge_state s = { 0 };
    es_report r = { 0 };
    int rc = open_outputs(a, &s);
    if (rc == CLI_EXIT_OK)
        rc = read_parts(a, &s);
    if (rc == CLI_EXIT_OK)
        rc = describe(a, &s, &r);
    if (rc == CLI_EXIT_OK) {
        int status = smi_search_result_merge(&s.merged, (const smi_search_result *const *)s.results,
                                      s.n_parts);
        rc = status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
    }
    if (rc == CLI_EXIT_OK)
        rc = es_report_collect(&r, s.merged);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(a, &s, &r);
    if (rc == CLI_EXIT_OK && strcmp(a->positional[0], "-") != 0)
        es_print_table(stdout, &r, TABLE_ROWS);
    es_report_free(&r);
    free_state(&s);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    merge_args a = { 0 };
    int rc = parse_args(&a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    free(a.positional);
    return rc;
}
