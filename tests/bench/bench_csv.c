/* Benchmark: reading a 200 000 x 16 CSV file with smi_dataset_read_csv, against a naive
 * reader (fgets, strtok, strtod into a growing array) measured in the same run.
 * Prints the median of 5 runs of each, the rate in values per second and the ratio.
 * No assertion on time: machines are shared and noisy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "sparsemi.h"

enum { ROWS = 200000, COLS = 16, RUNS = 5 };


static void write_data(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    for (int j = 0; j < COLS; j++)
        fprintf(f, "%sx%d", j ? "," : "", j);
    fprintf(f, ",y\n");
    unsigned long state = 12345;
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j <= COLS; j++) {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            fprintf(f, "%s%.10g", j ? "," : "", (double)(state >> 11) * 0x1.0p-53 - 0.5);
        }
        fputc('\n', f);
    }
    fclose(f);
}

/* The reader most people write first. */
static size_t naive_read(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t count = 0, cap = 1024;
    double *values = malloc(cap * sizeof *values);
    if (!f || !values || !fgets(line, sizeof line, f))
        exit(1);
    while (fgets(line, sizeof line, f)) {
        for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n")) {
            if (count == cap)
                values = realloc(values, (cap *= 2) * sizeof *values);
            values[count++] = strtod(tok, NULL);
        }
    }
    fclose(f);
    free(values);
    return count;
}

int main(void)
{
    char path[] = "/tmp/smi-bench-csv-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    write_data(path);
    double t_lib[RUNS], t_naive[RUNS];
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "y";
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        smi_dataset *ds;
        if (smi_dataset_read_csv(&ds, path, &opt) != SMI_OK) {
            fprintf(stderr, "%s\n", smi_last_error());
            return 1;
        }
        t_lib[r] = bench_now() - t0;
        smi_dataset_free(ds);
        t0 = bench_now();
        if (naive_read(path) != (size_t)ROWS * (COLS + 1))
            return 1;
        t_naive[r] = bench_now() - t0;
    }
    unlink(path);
    double lib = bench_median(t_lib, RUNS), naive = bench_median(t_naive, RUNS);
    double values = (double)ROWS * (COLS + 1);
    printf("csv read %d x %d: libsparsemi %.3f s (%.3g values/s), naive strtok %.3f s "
           "(%.3g values/s), ratio naive/lib %.2f (median of %d)\n",
           ROWS, COLS + 1, lib, values / lib, naive, values / naive, naive / lib, RUNS);
    return 0;
}
