/* hello.c: read a CSV file and describe it with libsparsemi.
 * Build:  cc hello.c $(pkg-config --cflags --libs sparsemi) -o hello
 * Run:    ./hello examples/data/octet_binaries.csv dE_RS_ZB */
#include <stdio.h>
#include <stdlib.h>

#include <sparsemi.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA.csv [TARGET]\n", argv[0]);
        return 2;
    }
    if (smi_version_number() / 10000 != SMI_VERSION_MAJOR) {
        fprintf(stderr, "libsparsemi %s does not match the header's major version %d\n",
                smi_version_string(), SMI_VERSION_MAJOR);
        return 1;
    }
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = argc > 2 ? argv[2] : NULL;
    smi_dataset *ds;
    int rc = smi_dataset_read_csv(&ds, argv[1], &opt);
    if (rc != SMI_OK) {
        fprintf(stderr, "%s: %s\n", smi_strerror(rc), smi_last_error());
        return 1;
    }
    double cond;
    rc = smi_dataset_condition_number(ds, &cond);
    printf("libsparsemi %s: %zu samples, %zu features, target '%s'\n", smi_version_string(),
           smi_dataset_n(ds), smi_dataset_p(ds), smi_dataset_target_name(ds));
    for (size_t j = 0; j < smi_dataset_p(ds); j++) {
        double mean, sd;
        smi_dataset_feature_stats(ds, j, &mean, &sd, NULL, NULL);
        printf("  %-12s mean %10.4g  sd %10.4g\n", smi_dataset_feature_name(ds, j), mean, sd);
    }
    if (rc == SMI_OK)
        printf("condition number of the standardised design: %.4g\n", cond);
    smi_dataset_free(ds);
    return rc == SMI_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
