/* Result and checkpoint files: a search state (search.h) as versioned, line-oriented text.
 * Every double is a C99 hex float (%a, read back by strtod), every count a decimal integer,
 * so a state read back is the state written, bit for bit. Layout (version 2):
 *
 *   libsparsemi-result 2            (or libsparsemi-checkpoint 2)
 *   fingerprint <16 hex digits>
 *   criterion <name>
 *   features <p> max-size <kmax> top <M>
 *   shards <count> tasks <plan size>
 *   dos-bins <B>                    (or dos-edges <E>, then E lines of one edge each)
 *   data n <n> p <p> fingerprint <16 hex digits>     (results only: what made it)
 *   target <name>                   (names percent-encoded: bytes outside '!'..'~', and
 *   feature <name>                   '%', as %XX; p feature lines)
 *   config criterion <name> alpha <a> beta <b> normal-gamma <lambda> <a0> <b0>
 *   config ratio-grid <lo> <hi> <count> model-prior <kind> <q>
 *   config sigma-grid <lo> <hi> <n> <lo> <hi> <n> prior <kind> <shape> <scale> intercept-term
 *     <0|1>                         (fe-grid only: the noise and coefficient grids)
 *   config sizes <min> <max> top <M> bins <B> threads <T> intercept <0|1> standardize <0|1>
 *   config shard <index> <count> keep <K> <feature indices...>
 *   config folds <k> shuffle <0|1> seed <seed> ids <m> <m ids...>
 *   done                            (then the task bitmap: 64-bit hex words, 8 a line)
 *   models <scored> singular <singular> [nonfinite <out of range>]
 *   dos n <n> lo <min> hi <max> exponent <e> base <b> below <u> above <u> nonzero <K>
 *   <bin> <count>                   (K lines, the nonzero counts of the accumulator)
 *   posterior none                  (or, for a model posterior:)
 *   posterior forced <n> min-size <k> q <q>
 *   sums <count> low <l> limbs <L> nonzero <K>   (the exact sums per size and feature,
 *   <index> <L limbs, 16 hex digits each>         then those of the DOS slots: xbank.c)
 *   dos-sums <count> low <l> limbs <L> nonzero <K>
 *   <index> <L limbs>
 *   average top                     (or "average exact", then the positive and negative
 *   positive ... / negative ...      parts of the weighted coefficient sums, as above)
 *   kept <K>                        (then K model lines, ascending in sweep order)
 *   best                            (then kmax + 1 lines: "<k> none" or "<k> <model>")
 *   end
 *   checksum <8 hex digits>         (CRC-32C of every byte before this line)
 *
 * A model: <sweep value> <size> <features...> <status>, and after status "ok" the refit:
 * <criterion> <intercept> <rmse> <coefficients...>, and with a posterior the posterior
 * mean's <intercept> <coefficients...>, and for fe-opt and fe-marg the grid's
 * <quadrature error> <at edge 0|1> (optional when reading: files written before they were
 * added load with the error unknown). Status "pending" (checkpoints: not
 * refitted yet) or "ok"/"singular" (results).
 * Files are written to PATH.tmp.<host>-<pid>-<random> in the same directory (a later save
 * removes those a killed process left: core/tmpfile.c), flushed, synced and renamed over PATH, so PATH is at every moment
 * absent, the old file or the new one, never a part.
 * The parser is store_parse.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#include "core/tmpfile.h"
#include "search/store/store.h"

const char *const smi_store_magic[2] = {
    [SMI_STATE_RESULT] = "libsparsemi-result",
    [SMI_STATE_CHECKPOINT] = "libsparsemi-checkpoint",
};
const char *const smi_store_status[4] = {
    [SMI_KEPT_NONE] = "none",
    [SMI_KEPT_PENDING] = "pending",
    [SMI_KEPT_OK] = "ok",
    [SMI_KEPT_SINGULAR] = "singular",
};

static void write_model(FILE *f, const smi_kept *m, int posterior, int grid)
{
    fprintf(f, "%a %zu", m->sweep, m->size);
    for (size_t t = 0; t < m->size; t++)
        fprintf(f, " %zu", m->features[t]);
    fprintf(f, " %s", smi_store_status[m->status]);
    if (m->status == SMI_KEPT_OK) {
        fprintf(f, " %a %a %a", m->value, m->intercept, m->rmse);
        for (size_t t = 0; t < m->size; t++)
            fprintf(f, " %a", m->coef[t]);
        if (posterior) {
            fprintf(f, " %a", m->pintercept);
            for (size_t t = 0; t < m->size; t++)
                fprintf(f, " %a", m->pmean[t]);
        }
        if (grid && !isnan(m->grid_error)) /* unknown (an older file): not written */
            fprintf(f, " %a %d", m->grid_error, m->grid_edge);
    }
    fputc('\n', f);
}

/* A name, percent-encoded so that it is one token whatever bytes it holds. */
static void write_name(FILE *f, const char *key, const char *name)
{
    fprintf(f, "%s ", key);
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c > ' ' && *c < 0x7f && *c != '%')
            fputc(*c, f);
        else
            fprintf(f, "%%%02X", *c);
    }
    fputc('\n', f);
}

/* The data and configuration that made a result (search.h, smi_state). */
static void write_identity(FILE *f, const smi_state *s)
{
    const smi_data_id *d = s->data;
    const struct smi_search *c = s->cfg;
    fprintf(f, "data n %zu p %zu fingerprint %016" PRIx64 "\n", d->n, d->p, d->fingerprint);
    write_name(f, "target", d->target_name);
    for (size_t j = 0; j < d->p; j++)
        write_name(f, "feature", d->feature_names[j]);
    fprintf(f, "config criterion %s alpha %a beta %a normal-gamma %a %a %a\n",
            smi_criterion_name(c->criterion), c->alpha, c->beta, c->ng_lambda, c->ng_a0,
            c->ng_b0);
    fprintf(f, "config ratio-grid %a %a %zu model-prior %d %a\n", c->ratio_lo, c->ratio_hi,
            c->ratio_n, c->model_prior, c->prior_q);
    if (c->criterion == SMI_CRIT_FE_GRID)
        fprintf(f, "config sigma-grid %a %a %zu %a %a %zu prior %d %a %a intercept-term %d\n",
                c->sigma_lo[0], c->sigma_hi[0], c->sigma_n[0], c->sigma_lo[1], c->sigma_hi[1],
                c->sigma_n[1], c->grid_prior, c->grid_shape, c->grid_scale, c->intercept_term);
    fprintf(f, "config sizes %zu %zu top %zu bins %zu threads %zu intercept %d standardize %d\n",
            c->min_size, c->max_size, c->top, c->bins, c->threads, c->intercept,
            c->standardize);
    fprintf(f, "config shard %zu %zu keep %zu", c->shard_index, c->shard_count, c->n_keep);
    for (size_t i = 0; i < c->n_keep; i++)
        fprintf(f, " %zu", c->keep[i]);
    fprintf(f, "\nconfig folds %zu shuffle %d seed %" PRIu64 " ids %zu", c->folds.k,
            c->folds.shuffle, c->folds.seed, c->folds.n_ids);
    for (size_t i = 0; i < c->folds.n_ids; i++)
        fprintf(f, " %d", c->folds.ids[i]);
    fputc('\n', f);
}

static void write_shape(FILE *f, const smi_state *s, int kind)
{
    fprintf(f, "%s %d\n", smi_store_magic[kind], SMI_STORE_VERSION);
    fprintf(f, "fingerprint %016" PRIx64 "\n", s->fingerprint);
    fprintf(f, "criterion %s\n", smi_criterion_name(s->criterion));
    fprintf(f, "features %zu max-size %zu top %zu\n", s->p, s->kmax, s->top);
    fprintf(f, "shards %zu tasks %zu\n", s->shard_count, s->n_tasks);
    if (s->edges) {
        fprintf(f, "dos-edges %zu\n", s->hist.n_edges);
        for (size_t i = 0; i < s->hist.n_edges; i++)
            fprintf(f, "%a\n", s->edges[i]);
    } else {
        fprintf(f, "dos-bins %zu\n", s->hist.capacity);
    }
    if (kind == SMI_STATE_RESULT)
        write_identity(f, s);
}

static void write_counts(FILE *f, const smi_state *s)
{
    const smi_hist *h = &s->hist;
    fputs("done\n", f);
    size_t words = SMI_DONE_WORDS(s->n_tasks);
    for (size_t w = 0; w < words; w++)
        fprintf(f, "%016" PRIx64 "%c", s->done[w], w % 8 == 7 || w + 1 == words ? '\n' : ' ');
    fprintf(f, "models %" PRIu64 " singular %" PRIu64, s->n_models, s->n_singular);
    if (s->n_nonfinite)
        fprintf(f, " nonfinite %" PRIu64, s->n_nonfinite);
    fputc('\n', f);
    size_t nonzero = 0;
    for (size_t t = 0; t < h->capacity; t++)
        nonzero += h->counts[t] != 0;
    fprintf(f, "dos n %" PRIu64 " lo %a hi %a exponent %d base %" PRId64 " below %" PRIu64
            " above %" PRIu64 " nonzero %zu\n", h->n, h->lo, h->hi, h->exponent, h->base,
            h->below, h->above, nonzero);
    for (size_t t = 0; t < h->capacity; t++)
        if (h->counts[t])
            fprintf(f, "%zu %" PRIu64 "\n", t, h->counts[t]);
}

static void write_bank(FILE *f, const char *name, const smi_xbank *b)
{
    size_t nonzero = 0;
    for (size_t a = 0; a < b->count && b->limbs; a++)
        for (size_t i = 0; i < b->limbs; i++)
            if (b->d[a * b->limbs + i]) {
                nonzero++;
                break;
            }
    fprintf(f, "%s %zu low %" PRId64 " limbs %zu nonzero %zu\n", name, b->count, b->low,
            b->limbs, nonzero);
    for (size_t a = 0; a < b->count && b->limbs; a++) {
        const int64_t *x = b->d + a * b->limbs;
        size_t i = 0;
        while (i < b->limbs && !x[i])
            i++;
        if (i == b->limbs)
            continue;
        fprintf(f, "%zu", a);
        for (i = 0; i < b->limbs; i++)
            fprintf(f, " %016" PRIx64, (uint64_t)x[i]);
        fputc('\n', f);
    }
}

static void write_posterior(FILE *f, const smi_state *s)
{
    if (!s->posterior) {
        fputs("posterior none\n", f);
        return;
    }
    fprintf(f, "posterior forced %zu min-size %zu q %a\n", s->n_keep, s->kmin, s->prior_q);
    write_bank(f, "sums", &s->post_sums);
    write_bank(f, "dos-sums", &s->hist.w);
    fprintf(f, "average %s\n", s->average ? "exact" : "top");
    if (s->average) {
        write_bank(f, "positive", &s->avg_pos);
        write_bank(f, "negative", &s->avg_neg);
    }
}

static void write_models(FILE *f, const smi_state *s)
{
    fprintf(f, "kept %zu\n", s->n_kept);
    for (size_t i = 0; i < s->n_kept; i++)
        write_model(f, &s->kept[i], s->posterior, smi_is_ratio_grid(s->criterion));
    fputs("best\n", f);
    for (size_t k = 0; k <= s->kmax; k++) {
        fprintf(f, "%zu ", k);
        if (s->best[k].status == SMI_KEPT_NONE)
            fputs("none\n", f);
        else
            write_model(f, &s->best[k], s->posterior, smi_is_ratio_grid(s->criterion));
    }
    fputs("end\n", f);
}

/* Make the rename itself durable: sync the directory that holds `path` (best effort: some
 * file systems refuse to sync a directory, and the data are already safe in the file). */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? smi_alloc_array((size_t)(slash - path) + 2, 1, "directory") : NULL;
    if (slash && !dir)
        return;
    if (dir) {
        memcpy(dir, path, (size_t)(slash - path) + 1);
        dir[slash - path + 1] = '\0';
    }
    int fd = open(dir ? dir : ".", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Write the state to tmp (already created as fd) and sync it; closes fd. */
/* The file's text in memory (so that its checksum can close it), in *text of *len bytes. */
static int compose(const smi_state *s, int kind, char **text, size_t *len)
{
    *text = NULL;
    FILE *m = open_memstream(text, len);
    if (!m)
        return smi_error_set(SMI_ENOMEM, "cannot compose the file in memory");
    write_shape(m, s, kind);
    write_counts(m, s);
    write_posterior(m, s);
    write_models(m, s);
    int failed = ferror(m);
    if (fclose(m) != 0 || failed) {
        free(*text);
        *text = NULL;
        return smi_error_set(SMI_ENOMEM, "cannot compose the file in memory");
    }
    return SMI_OK;
}

static int write_temporary(int fd, const char *tmp, const smi_state *s, int kind)
{
    char *text;
    size_t len;
    int rc = compose(s, kind, &text, &len);
    FILE *f = rc == SMI_OK ? fdopen(fd, "w") : NULL;
    if (!f) {
        int err = errno;
        close(fd);
        free(text);
        return rc != SMI_OK ? rc : smi_error_set(SMI_EIO, "%s: cannot write: %s", tmp,
                                                 strerror(err));
    }
    fwrite(text, 1, len, f);
    fprintf(f, "checksum %08" PRIx32 "\n", smi_crc32c(text, len));
    free(text);
    int failed = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int err = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    return failed ? smi_error_set(SMI_EIO, "%s: cannot write: %s", tmp, strerror(err)) : SMI_OK;
}

int smi_state_save(const smi_state *s, int kind, const char *path)
{
    char *tmp;
    if (kind == SMI_STATE_RESULT) /* checkpoints: once per run (run.c), not every save */
        smi_tmpfile_sweep(path); /* what a killed run left (tmpfile.c) */
    int fd = smi_tmpfile_create(path, &tmp);
    if (fd < 0)
        return smi_error_set(errno == ENOMEM ? SMI_ENOMEM : SMI_EIO,
                             "%s: cannot create a temporary file next to it: %s", path,
                             strerror(errno));
    int rc = write_temporary(fd, tmp, s, kind);
    if (rc == SMI_OK && rename(tmp, path) != 0)
        rc = smi_error_set(SMI_EIO, "%s: cannot rename %s over it: %s", path, tmp,
                           strerror(errno));
    if (rc != SMI_OK)
        unlink(tmp); /* never leave a partial file behind */
    else
        sync_directory(path);
    free(tmp);
    return rc;
}

SMI_API int smi_search_result_save(const smi_search_result *res, const char *path)
{
    SMI_FAIL_IF(!res || !path, SMI_EINVAL, "smi_search_result_save: NULL argument");
    SMI_FAIL_IF(!*path, SMI_EINVAL, "smi_search_result_save: the path is empty");
    SMI_FAIL_IF(!res->state.data || !res->state.cfg, SMI_EINVAL,
                "smi_search_result_save: the result does not know its data and configuration "
                "(merged from parts that did not)");
    return smi_state_save(&res->state, SMI_STATE_RESULT, path);
}

SMI_API int smi_search_result_load(smi_search_result **out, const char *path)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_result_load: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!path, SMI_EINVAL, "smi_search_result_load: path is NULL");
    smi_state s;
    SMI_TRY(smi_state_load(&s, SMI_STATE_RESULT, path, NULL));
    int rc = smi_search_result_from_state(out, &s);
    /* The parser checked every range; what is left is a state that contradicts itself. */
    if (rc != SMI_OK && rc != SMI_ENOMEM) {
        char why[256];
        snprintf(why, sizeof why, "%s", smi_last_error());
        rc = smi_error_set(SMI_EPARSE, "%s: inconsistent result: %s", path, why);
    }
    return rc;
}
