/* sparsemi merge: one report from the results that `sparsemi es --shard i/N --save FILE`
 * saved. Each result file (the library's format, read with smi_search_result_load) comes with
 * the sidecar FILE.meta.json that es wrote beside it (es_meta.c): the names, the sample
 * count and the request, which the library's file does not hold. The sidecars must
 * describe one search and disjoint shards; the library then merges the results
 * (smi_search_result_merge), and the merged one is reported as es reports a whole search. */
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

enum { OUT_JSON, OUT_DOS, OUT_WEIGHTS, OUT_INCLUSION, OUT_META };

typedef struct merge_state {
    es_part *parts;
    smi_search_result **results;
    size_t n_parts;
    smi_search_result *merged;
    cli_outputs out;
} merge_state;

static const char description[] =
    "Merge the results of an exhaustive search run in shards ('sparsemi es --shard i/N\n"
    "--save FILE', one FILE per shard) into one, and report it as 'sparsemi es' reports\n"
    "a whole search: the JSON to OUT.json ('-': standard output, no table) and the\n"
    "table on standard output. Each FILE needs the sidecar FILE.meta.json that es wrote\n"
    "beside it. The parts must come from one search (same data, same options) and hold\n"
    "different shards; with some shards missing, the report covers part of the search.\n";

static int parse_args(merge_args *a, int argc, char **argv)
{
    const cli_option options[] = {
        { "save", CLI_OPT_STRING, &a->save, "FILE",
          "save the merged result to FILE (and FILE.meta.json)" },
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
    if (rc == CLI_EXIT_OK && a->save)
        rc = cli_outputs_open_at(&s->out, OUT_META, es_meta_path(a->save));
    return rc;
}

/* The library's file must be the one its sidecar describes. */
static int check_result(const es_part *part, const smi_search_result *res)
{
    const cli_jv *q = part->request;
    const char *criterion = smi_criterion_name(smi_search_result_criterion(res));
    unsigned long long p, max_size;
    cli_jv_uint(cli_jv_get(q, "n_features"), &p);
    cli_jv_uint(cli_jv_get(q, "max_size"), &max_size);
    if (smi_search_result_p(res) != p || smi_search_result_max_size(res) != max_size || !criterion ||
        strcmp(criterion, cli_jv_get(q, "criterion")->string) != 0)
        return cli_fail("'%s' does not match its sidecar '%s%s' (features, sizes or "
                        "criterion differ)", part->path, part->path, ES_META_SUFFIX);
    return CLI_EXIT_OK;
}

static int read_parts(const merge_args *a, merge_state *s)
{
    s->n_parts = a->n_positional - 1;
    s->parts = calloc(s->n_parts, sizeof *s->parts);
    s->results = calloc(s->n_parts, sizeof *s->results);
    if (!s->parts || !s->results)
        return cli_fail("out of memory");
    for (size_t k = 0; k < s->n_parts; k++) {
        const char *path = a->positional[k + 1];
        int rc = es_part_read(&s->parts[k], path);
        if (rc == CLI_EXIT_OK && k > 0)
            rc = es_part_compare(&s->parts[0], &s->parts[k]);
        if (rc != CLI_EXIT_OK)
            return rc;
        int status = smi_search_result_load(&s->results[k], path);
        if (status < 0)
            return cli_fail_library(status);
        if ((rc = check_result(&s->parts[k], s->results[k])) != CLI_EXIT_OK)
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
static int union_shards(const merge_state *s, es_report *r)
{
    size_t total = 0, count = s->parts[0].shard_count;
    for (size_t k = 0; k < s->n_parts; k++)
        total += s->parts[k].n_shards;
    owned_shard *all = calloc(total, sizeof *all);
    r->shards = calloc(total, sizeof *r->shards);
    if (!all || !r->shards) {
        free(all);
        return cli_fail("out of memory");
    }
    for (size_t k = 0, m = 0; k < s->n_parts; k++)
        for (size_t i = 0; i < s->parts[k].n_shards; i++)
            all[m++] = (owned_shard){ s->parts[k].shards[i], k };
    qsort(all, total, sizeof *all, by_index);
    int rc = CLI_EXIT_OK;
    for (size_t m = 0; m < total && rc == CLI_EXIT_OK; m++) {
        if (m > 0 && all[m].index == all[m - 1].index)
            rc = cli_fail("shard %zu of %zu is in both '%s' and '%s'", all[m].index, count,
                          s->parts[all[m - 1].part].path, s->parts[all[m].part].path);
        r->shards[r->n_shards++] = all[m].index;
    }
    r->shard_count = count > 1 ? count : 0; /* one shard of one: the whole search */
    free(all);
    return rc;
}

static int describe(const merge_args *a, const merge_state *s, es_report *r)
{
    int rc = es_report_from_part(r, &s->parts[0]);
    if (rc == CLI_EXIT_OK)
        rc = union_shards(s, r);
    r->command = "merge";
    r->inputs = a->positional + 1;
    r->n_inputs = s->n_parts;
    for (size_t k = 0; k < s->n_parts; k++) {
        r->elapsed_s += s->parts[k].elapsed_s;
        if (s->parts[k].threads > r->threads)
            r->threads = s->parts[k].threads;
    }
    if (rc == CLI_EXIT_OK && r->n_shards < s->parts[0].shard_count) {
        fprintf(stderr, "sparsemi merge: warning: %zu of %zu shards merged; the result "
                        "covers part of the search only\n", r->n_shards,
                s->parts[0].shard_count);
    }
    return rc;
}

static int write_outputs(const merge_args *a, merge_state *s, const es_report *r)
{
    const char *hash = cli_jv_get(s->parts[0].request, "data_hash")->string;
    if (a->save) {
        es_write_meta(s->out.file[OUT_META].stream, r, a->save, hash);
        int status = smi_search_result_save(s->merged, a->save);
        if (status < 0)
            return cli_fail_library(status);
    }
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
    for (size_t k = 0; k < s->n_parts; k++) {
        if (s->parts)
            es_part_free(&s->parts[k]);
        if (s->results)
            smi_search_result_free(s->results[k]);
    }
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
