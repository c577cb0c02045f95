/* posterior.c: which descriptors explain a property, and how sure can one be?
 * Scores every subset of up to MAX features by the free energy with the hyperparameters
 * integrated out (fe-marg), prints the total evidence, each feature's posterior inclusion
 * probability and the model-averaged coefficients; then samples the same space with
 * replica exchange and compares its density of states with the exact one.
 * Build:  cc posterior.c $(pkg-config --cflags --libs sparsemi) -lm -o posterior
 * Run:    ./posterior examples/data/octet_binaries.csv dE_RS_ZB [MAX] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <sparsemi.h>

#define CHECK(call)                                                                          \
    do {                                                                                     \
        int status_ = (call);                                                                \
        if (status_ != SMI_OK) {                                                             \
            fprintf(stderr, "%s: %s\n", smi_strerror(status_), smi_last_error());           \
            exit(EXIT_FAILURE);                                                              \
        }                                                                                    \
    } while (0)

static void exact_posterior(const smi_dataset *ds, smi_search *cfg, smi_search_result **res)
{
    CHECK(smi_search_set_criterion(cfg, SMI_CRIT_FE_MARG));
    CHECK(smi_search_run(ds, cfg, res));
    size_t p = smi_dataset_p(ds);
    double log_z, *incl = malloc(p * sizeof *incl), *coef = malloc(p * sizeof *coef);
    double intercept, mass;
    if (!incl || !coef)
        exit(EXIT_FAILURE);
    CHECK(smi_search_result_log_evidence_total(*res, &log_z));
    CHECK(smi_search_result_posterior_inclusion(*res, p, incl));
    CHECK(smi_search_result_model_average(*res, p, coef, &intercept, &mass));
    printf("%llu subsets scored; ln p(y) over all of them: %.6g\n",
           (unsigned long long)smi_search_result_n_models(*res), log_z);
    printf("%-12s %9s %14s\n", "feature", "p(in | y)", "averaged coef");
    for (size_t j = 0; j < p; j++)
        printf("%-12s %9.4f %14.6g\n", smi_dataset_feature_name(ds, j), incl[j], coef[j]);
    printf("(averaged over posterior mass %.4g)\n", mass);
    free(incl);
    free(coef);
}

static void sampled_dos(const smi_dataset *ds, smi_search *cfg, const smi_search_result *exact)
{
    size_t nb = smi_search_result_n_bins(exact);
    double *edges = malloc((nb + 1) * sizeof *edges), *log_d = malloc(nb * sizeof *log_d);
    uint64_t *counts = malloc(nb * sizeof *counts), below, above;
    if (!edges || !log_d || !counts)
        exit(EXIT_FAILURE);
    CHECK(smi_search_result_dos(exact, nb + 1, edges, counts, &below, &above));
    CHECK(smi_search_set_bin_edges(cfg, edges, nb + 1)); /* the same bins */
    smi_remc *rc;
    smi_remc_result *res;
    CHECK(smi_remc_create(&rc));
    CHECK(smi_remc_set_threads(rc, 0));
    CHECK(smi_remc_set_sweeps(rc, 5000, 500)); /* enough for this small space */
    CHECK(smi_remc_run(ds, cfg, rc, &res));
    CHECK(smi_remc_result_dos(res, nb + 1, NULL, log_d, NULL));
    double worst = 0.0, total = (double)smi_search_result_n_models(exact);
    for (size_t b = 0; b < nb; b++)
        if ((double)counts[b] >= 1e-4 * total)
            worst = fmax(worst, fabs(log_d[b] - log((double)counts[b])));
    printf("replica exchange: %.4g proposals; largest |ln D - ln D_exact| %.3f\n",
           (double)smi_remc_result_n_proposals(res), worst);
    smi_remc_result_free(res);
    smi_remc_free(rc);
    free(edges), free(log_d), free(counts);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATA.csv TARGET [MAX]\n", argv[0]);
        return 2;
    }
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = argv[2];
    smi_dataset *ds;
    CHECK(smi_dataset_read_csv(&ds, argv[1], &opt));
    smi_search *cfg;
    CHECK(smi_search_create(&cfg));
    CHECK(smi_search_set_size_range(cfg, 1, argc > 3 ? (size_t)atoi(argv[3]) : 4));
    smi_search_result *exact;
    exact_posterior(ds, cfg, &exact);
    sampled_dos(ds, cfg, exact);
    smi_search_result_free(exact);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    return EXIT_SUCCESS;
}
