/* libFuzzer harness of resuming from a checkpoint (smi_search_set_checkpoint): whatever
 * bytes lie at the checkpoint's path, the run either refuses them (SMI_EPARSE, SMI_EINVAL,
 * SMI_EIO) or gives exactly the result of an uninterrupted run on the same data: the same
 * counts, DOS and ranked models. A damaged file must never resume to another result.
 * The checksum line is made anew for each input (fuzz_write_sealed), so that a change
 * reaches the checks of the counts against the plan. A file changed and sealed again is no
 * longer damaged but forged, and a forged state that agrees with itself and with the plan
 * (a kept model's features swapped for others, a DOS count moved between bins) can only be
 * told from the true one by scoring its subsets again: of a forged file the harness asks
 * only what the checks guarantee, that the result counts every subset once (2^P - 1 scored
 * or singular, the DOS adding up to the scored, the top list full and ordered). */
#include <math.h>

#include "sparsemi.h"
#include "fuzz_common.h"

#define N 24
#define P 7
#define TOP 20

typedef struct summary {
    uint64_t n_models, n_singular, counts[64], below, above;
    size_t n_top, size[TOP], features[TOP][P];
    double value[TOP];
} summary;

static smi_dataset *make_data(void)
{
    double X[N * P], y[N];
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < N * P; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        X[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (size_t i = 0; i < N; i++)
        y[i] = X[i * P] - 2.0 * X[i * P + 3] + 0.1 * X[i * P + 5];
    smi_dataset *ds = NULL;
    FUZZ_ASSERT(smi_dataset_create(&ds, N, P, X, y, NULL, NULL) == SMI_OK);
    return ds;
}

static smi_search *make_config(const char *checkpoint)
{
    smi_search *cfg = NULL;
    FUZZ_ASSERT(smi_search_create(&cfg) == SMI_OK);
    FUZZ_ASSERT(smi_search_set_top(cfg, TOP) == SMI_OK);
    FUZZ_ASSERT(smi_search_set_threads(cfg, 1) == SMI_OK);
    if (checkpoint)
        FUZZ_ASSERT(smi_search_set_checkpoint(cfg, checkpoint, 1e9) == SMI_OK);
    return cfg;
}

static void summarise(const smi_search_result *res, summary *s)
{
    memset(s, 0, sizeof *s);
    s->n_models = smi_search_result_n_models(res);
    s->n_singular = smi_search_result_n_singular(res);
    double edges[65];
    size_t B = smi_search_result_n_bins(res);
    FUZZ_ASSERT(B <= 64);
    FUZZ_ASSERT(smi_search_result_dos(res, 65, edges, s->counts, &s->below, &s->above)
                == SMI_OK);
    s->n_top = smi_search_result_n_top(res);
    FUZZ_ASSERT(s->n_top <= TOP);
    for (size_t r = 0; r < s->n_top; r++)
        FUZZ_ASSERT(smi_search_result_model(res, r, P, s->features[r], NULL, &s->size[r],
                                            &s->value[r], NULL, NULL) == SMI_OK);
}

/* What a resumed run guarantees whatever the file held: every subset counted once. */
static void check_counts(const summary *s)
{
    uint64_t dos = s->below + s->above;
    for (size_t b = 0; b < 64; b++)
        dos += s->counts[b];
    FUZZ_ASSERT(s->n_models + s->n_singular == ((uint64_t)1 << P) - 1);
    FUZZ_ASSERT(dos == s->n_models);
    FUZZ_ASSERT(s->n_top == (s->n_models < TOP ? s->n_models : TOP));
    for (size_t r = 1; r < s->n_top; r++)
        FUZZ_ASSERT(!(s->value[r] < s->value[r - 1]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static smi_dataset *ds;
    static summary want;
    if (!ds) {
        ds = make_data();
        smi_search *plain = make_config(NULL);
        smi_search_result *res = NULL;
        FUZZ_ASSERT(smi_search_run(ds, plain, &res) == SMI_OK);
        summarise(res, &want);
        smi_search_result_free(res);
        smi_search_free(plain);
    }
    int forged;
    if (!fuzz_write_sealed(data, size, &forged))
        return 0;
    smi_search *cfg = make_config(fuzz_input_path());
    smi_search_result *res = NULL;
    int rc = smi_search_run(ds, cfg, &res);
    if (rc == SMI_OK) {
        summary got;
        summarise(res, &got);
        if (forged)
            check_counts(&got);
        else
            FUZZ_ASSERT(memcmp(&got, &want, sizeof got) == 0);
    } else {
        FUZZ_ASSERT(res == NULL && (rc == SMI_EPARSE || rc == SMI_EINVAL || rc == SMI_EIO));
    }
    smi_search_result_free(res);
    smi_search_free(cfg);
    return 0;
}
