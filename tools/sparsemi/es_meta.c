/* The sidecar of a saved result. `es --save FILE` writes FILE with smi_search_result_save, in
 * the library's own format, which any binding can load; that format holds indices and
 * numbers but no names, no sample count and no description of the request. The program
 * writes those beside it, to FILE.meta.json, so that `sparsemi merge` can print and
 * write the same report as es without the data: the request exactly as es's JSON has it
 * (es_json_request), a fingerprint of the data's content, and which shards FILE holds.
 * Merge checks with them that its inputs are shards of one search before the library
 * merges them (which checks again, by its own means). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

#define META_FORMAT "sparsemi-es-meta"
#define META_VERSION 1

char *es_meta_path(const char *result_path)
{
    size_t len = strlen(result_path) + sizeof ES_META_SUFFIX;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s%s", result_path, ES_META_SUFFIX);
    return path;
}

/* ---- Fingerprint: 64-bit FNV-1a over little-endian words, the same on every host ------ */

static void mix(uint64_t *h, uint64_t word)
{
    for (int b = 0; b < 8; b++) {
        *h ^= (word >> (8 * b)) & 0xFF;
        *h *= UINT64_C(0x100000001b3);
    }
}

static void mix_doubles(uint64_t *h, const double *x, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        uint64_t bits;
        memcpy(&bits, &x[k], sizeof bits);
        mix(h, bits);
    }
}

int es_data_hash(const smi_dataset *ds, const cli_folds *folds, char hash[17])
{
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds), k = folds ? folds->k : 0;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    int *ids = malloc(n * sizeof *ids);
    if (!X || !y || !ids) {
        free(X), free(y), free(ids);
        return cli_fail("out of memory");
    }
    int status = smi_dataset_get_X(ds, X, n * p);
    if (status == SMI_OK)
        status = smi_dataset_get_y(ds, y, n);
    int rc = status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK && k > 0)
        rc = cli_folds_assign(folds, n, ids);
    if (rc == CLI_EXIT_OK) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        mix(&h, n), mix(&h, p), mix_doubles(&h, X, n * p), mix_doubles(&h, y, n), mix(&h, k);
        for (size_t i = 0; i < n && k > 0; i++)
            mix(&h, (uint64_t)ids[i]);
        snprintf(hash, 17, "%016llx", (unsigned long long)h);
    }
    free(X), free(y), free(ids);
    return rc;
}

void es_write_meta(FILE *out, const es_report *r, const char *result_path, const char *hash)
{
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j);
    cli_json_key(&j, "format"), cli_json_string(&j, META_FORMAT);
    cli_json_key(&j, "format_version"), cli_json_uint(&j, META_VERSION);
    cli_json_key(&j, "version"), cli_json_string(&j, smi_version_string());
    cli_json_key(&j, "result"), cli_json_string(&j, result_path);
    cli_json_key(&j, "request"), cli_json_begin_object(&j);
    es_json_request(&j, r);
    cli_json_key(&j, "data_hash"), cli_json_string(&j, hash);
    cli_json_end_object(&j);
    cli_json_key(&j, "shard"), cli_json_begin_object(&j); /* a whole search: shard 0 of 1 */
    cli_json_key(&j, "count"), cli_json_uint(&j, r->shard_count ? r->shard_count : 1);
    cli_json_key(&j, "indices"), cli_json_begin_array(&j);
    for (size_t k = 0; k < (r->shard_count ? r->n_shards : 1); k++)
        cli_json_uint(&j, r->shard_count ? r->shards[k] : 0);
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_key(&j, "elapsed_s"), cli_json_number(&j, r->elapsed_s);
    cli_json_key(&j, "threads"), cli_json_uint(&j, r->threads);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- Reading it back ------------------------------------------------------------------- */

static int is(const cli_jv *v, cli_jv_type type)
{
    return v && v->type == type;
}

static int is_size(const cli_jv *v, size_t *out)
{
    unsigned long long x;
    if (cli_jv_uint(v, &x) < 0 || x > SIZE_MAX)
        return 0;
    if (out)
        *out = (size_t)x;
    return 1;
}

static int strings(const cli_jv *v)
{
    if (!is(v, CLI_JV_ARRAY))
        return 0;
    for (size_t k = 0; k < v->count; k++)
        if (v->items[k].type != CLI_JV_STRING)
            return 0;
    return 1;
}

static int number_or_null(const cli_jv *v)
{
    return is(v, CLI_JV_NUMBER) || is(v, CLI_JV_NULL);
}

static int folds_ok(const cli_jv *f)
{
    if (is(f, CLI_JV_NULL))
        return 1;
    const cli_jv *seed = cli_jv_get(f, "seed"), *column = cli_jv_get(f, "column");
    return is_size(cli_jv_get(f, "k"), NULL) && (is(seed, CLI_JV_NULL) || is_size(seed, NULL)) &&
           (is(column, CLI_JV_NULL) || is(column, CLI_JV_STRING));
}

/* The settings of the free-energy criteria: each absent (unused, or a sidecar older than
 * them), null (read as unused), or an object of the right members. */
static int fe_ok(const cli_jv *q)
{
    const cli_jv *ng = cli_jv_get(q, "ng_prior"), *grid = cli_jv_get(q, "ratio_grid");
    const cli_jv *prior = cli_jv_get(q, "model_prior"), *kind = cli_jv_get(prior, "kind");
    int ng_ok = !ng || is(ng, CLI_JV_NULL) ||
                (number_or_null(cli_jv_get(ng, "lambda")) &&
                 is(cli_jv_get(ng, "a0"), CLI_JV_NUMBER) &&
                 is(cli_jv_get(ng, "b0"), CLI_JV_NUMBER));
    int grid_ok = !grid || is(grid, CLI_JV_NULL) ||
                  (is(cli_jv_get(grid, "lo"), CLI_JV_NUMBER) &&
                   is(cli_jv_get(grid, "hi"), CLI_JV_NUMBER) &&
                   is_size(cli_jv_get(grid, "n"), NULL));
    int prior_ok = !prior || is(prior, CLI_JV_NULL) ||
                   (is(kind, CLI_JV_STRING) && number_or_null(cli_jv_get(prior, "q")));
    for (int k = SMI_MODEL_PRIOR_NONE; prior_ok && is(kind, CLI_JV_STRING); k++) {
        if (!es_model_prior_name(k))
            prior_ok = 0;
        else if (strcmp(kind->string, es_model_prior_name(k)) == 0)
            break;
    }
    return ng_ok && grid_ok && prior_ok;
}

/* What of the request es_report_from_part and the comparison rely on; NULL when fine. */
static const char *check_request(const cli_jv *q)
{
    size_t p;
    const cli_jv *features = cli_jv_get(q, "features");
    if (!is(q, CLI_JV_OBJECT))
        return "no request";
    if (!is_size(cli_jv_get(q, "n_features"), &p) || !strings(features) || features->count != p)
        return "bad features";
    if (!is(cli_jv_get(q, "file"), CLI_JV_STRING) || !is(cli_jv_get(q, "target"), CLI_JV_STRING) ||
        !is(cli_jv_get(q, "criterion"), CLI_JV_STRING) ||
        !is(cli_jv_get(q, "data_hash"), CLI_JV_STRING))
        return "bad file, target, criterion or data_hash";
    if (!is_size(cli_jv_get(q, "n_samples"), NULL) || !is_size(cli_jv_get(q, "min_size"), NULL) ||
        !is_size(cli_jv_get(q, "max_size"), NULL) || !is(cli_jv_get(q, "fit_intercept"), CLI_JV_BOOL))
        return "bad n_samples, sizes or fit_intercept";
    if (!strings(cli_jv_get(q, "keep")) || !number_or_null(cli_jv_get(q, "alpha")) ||
        !number_or_null(cli_jv_get(q, "beta")) || !folds_ok(cli_jv_get(q, "folds")))
        return "bad keep, alpha, beta or folds";
    if (!fe_ok(q))
        return "bad ng_prior, ratio_grid or model_prior";
    return NULL;
}

/* The shards: count >= 1, indices ascending and below count. */
static const char *read_shards(es_part *part)
{
    const cli_jv *shard = cli_jv_get(part->meta, "shard");
    const cli_jv *indices = cli_jv_get(shard, "indices");
    if (!is_size(cli_jv_get(shard, "count"), &part->shard_count) || part->shard_count == 0 ||
        !is(indices, CLI_JV_ARRAY) || indices->count == 0)
        return "bad shard";
    part->shards = calloc(indices->count, sizeof *part->shards);
    if (!part->shards)
        return "out of memory";
    for (size_t k = 0; k < indices->count; k++) {
        size_t index;
        if (!is_size(&indices->items[k], &index) || index >= part->shard_count ||
            (k > 0 && index <= part->shards[k - 1]))
            return "bad shard indices";
        part->shards[part->n_shards++] = index;
    }
    return NULL;
}

/* What is wrong with a part's sidecar; NULL when nothing. */
static const char *check_meta(es_part *part)
{
    const cli_jv *format = cli_jv_get(part->meta, "format");
    const cli_jv *elapsed = cli_jv_get(part->meta, "elapsed_s");
    size_t version;
    if (!is(format, CLI_JV_STRING) || strcmp(format->string, META_FORMAT) != 0)
        return "not a sidecar of 'sparsemi es --save'";
    if (!is_size(cli_jv_get(part->meta, "format_version"), &version) || version != META_VERSION)
        return "a format version this program does not know";
    part->request = cli_jv_get(part->meta, "request");
    const char *bad = check_request(part->request);
    if (bad)
        return bad;
    if (!is(elapsed, CLI_JV_NUMBER) || !is_size(cli_jv_get(part->meta, "threads"), &part->threads))
        return "bad elapsed_s or threads";
    part->elapsed_s = elapsed->number;
    return read_shards(part);
}

int es_part_read(es_part *part, const char *path)
{
    *part = (es_part){ .path = path };
    char *meta_path = es_meta_path(path);
    if (!meta_path)
        return cli_fail("out of memory");
    int rc = CLI_EXIT_OK;
    if (access(path, R_OK) != 0)
        rc = cli_fail("cannot read '%s': %s", path, strerror(errno));
    else if (access(meta_path, F_OK) != 0)
        rc = cli_fail("'%s' has no sidecar '%s': 'sparsemi es --save' writes the two "
                      "together, and merge needs both", path, meta_path);
    if (rc == CLI_EXIT_OK)
        rc = cli_json_read_file(meta_path, &part->meta);
    const char *bad = rc == CLI_EXIT_OK ? check_meta(part) : NULL;
    if (bad)
        rc = cli_fail("'%s': %s", meta_path, bad);
    free(meta_path);
    return rc;
}

void es_part_free(es_part *part)
{
    cli_jv_free(part->meta);
    free(part->shards);
    part->meta = NULL;
    part->shards = NULL;
}

int es_part_compare(const es_part *a, const es_part *b)
{
    const cli_jv *qa = a->request, *qb = b->request;
    for (size_t k = 0; k < qa->count; k++) {
        const char *key = qa->keys[k];
        if (strcmp(key, "file") == 0) /* the same data may lie at another path elsewhere */
            continue;
        const cli_jv *other = cli_jv_get(qb, key);
        if (!other || !cli_jv_equal(&qa->items[k], other))
            return strcmp(key, "data_hash") == 0
                       ? cli_fail("'%s' and '%s' are not parts of one search: their data differ "
                                  "(the same columns, other values)", a->path, b->path)
                       : cli_fail("'%s' and '%s' are not parts of one search: their '%s' "
                                  "differs", a->path, b->path, key);
    }
    if (qb->count != qa->count)
        return cli_fail("'%s' and '%s' are not parts of one search: their requests differ",
                        a->path, b->path);
    if (a->shard_count != b->shard_count)
        return cli_fail("'%s' and '%s' are not parts of one search: split into %zu and %zu "
                        "shards", a->path, b->path, a->shard_count, b->shard_count);
    return CLI_EXIT_OK;
}

static const char *string_of(const cli_jv *q, const char *key)
{
    const cli_jv *v = cli_jv_get(q, key);
    return is(v, CLI_JV_STRING) ? v->string : NULL;
}

static size_t size_of(const cli_jv *q, const char *key)
{
    size_t x = 0;
    is_size(cli_jv_get(q, key), &x);
    return x;
}

static double number_of(const cli_jv *q, const char *key)
{
    const cli_jv *v = cli_jv_get(q, key);
    return is(v, CLI_JV_NUMBER) ? v->number : NAN;
}

/* The settings of the free-energy criteria, checked by fe_ok; unused when absent. */
static void fe_from_request(es_fe_options *fe, const cli_jv *q)
{
    const cli_jv *ng = cli_jv_get(q, "ng_prior"), *grid = cli_jv_get(q, "ratio_grid");
    const cli_jv *prior = cli_jv_get(q, "model_prior"), *kind = cli_jv_get(prior, "kind");
    *fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                           .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    if (is(ng, CLI_JV_OBJECT)) {
        fe->ng_lambda = number_of(ng, "lambda");
        fe->ng_a0 = number_of(ng, "a0");
        fe->ng_b0 = number_of(ng, "b0");
    }
    if (is(grid, CLI_JV_OBJECT)) {
        fe->ratio_lo = number_of(grid, "lo");
        fe->ratio_hi = number_of(grid, "hi");
        fe->ratio_n = size_of(grid, "n");
    }
    for (int k = SMI_MODEL_PRIOR_NONE; is(kind, CLI_JV_STRING) && es_model_prior_name(k); k++)
        if (strcmp(kind->string, es_model_prior_name(k)) == 0)
            fe->model_prior = k;
    if (fe->model_prior >= 0)
        fe->prior_q = number_of(prior, "q");
}

int es_report_from_part(es_report *r, const es_part *part)
{
    const cli_jv *q = part->request, *features = cli_jv_get(q, "features");
    const cli_jv *keep = cli_jv_get(q, "keep"), *folds = cli_jv_get(q, "folds");
    r->data_path = string_of(q, "file");
    r->target = string_of(q, "target");
    r->n = size_of(q, "n_samples");
    r->intercept = cli_jv_get(q, "fit_intercept")->boolean;
    r->min_size = size_of(q, "min_size");
    r->alpha = number_of(q, "alpha");
    r->beta = number_of(q, "beta");
    fe_from_request(&r->fe, q);
    if (is(folds, CLI_JV_OBJECT)) {
        unsigned long long seed;
        r->n_folds = size_of(folds, "k");
        r->fold_shuffle = cli_jv_uint(cli_jv_get(folds, "seed"), &seed) == 0;
        r->fold_seed = r->fold_shuffle ? seed : 0;
        r->fold_column = string_of(folds, "column");
    }
    r->names = calloc(features->count ? features->count : 1, sizeof *r->names);
    r->keep = calloc(keep->count ? keep->count : 1, sizeof *r->keep);
    if (!r->names || !r->keep)
        return cli_fail("out of memory");
    for (size_t j = 0; j < features->count; j++)
        r->names[j] = features->items[j].string;
    for (size_t k = 0; k < keep->count; k++) {
        size_t j = 0;
        while (j < features->count && strcmp(features->items[j].string, keep->items[k].string))
            j++;
        if (j == features->count)
            return cli_fail("'%s': the kept feature '%s' is no feature", part->path,
                            keep->items[k].string);
        r->keep[r->n_keep++] = j;
    }
    return CLI_EXIT_OK;
}
