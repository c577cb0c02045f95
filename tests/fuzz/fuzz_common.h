/* Shared by the fuzz harnesses: the readers take a path, so each input is written to a
 * private temporary file first. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of this process's input file (made once, removed at exit). */
static const char *fuzz_input_path(void);

static char fuzz_path[64];

static void fuzz_remove_input(void)
{
    if (fuzz_path[0])
        unlink(fuzz_path);
}

static const char *fuzz_input_path(void)
{
    if (!fuzz_path[0]) {
        snprintf(fuzz_path, sizeof fuzz_path, "/tmp/smi-fuzz-%ld.in", (long)getpid());
        atexit(fuzz_remove_input);
    }
    return fuzz_path;
}

/* Write the input to the file; 0 on failure (the input is then skipped). */
static int fuzz_write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fuzz_input_path(), "wb");
    if (!f)
        return 0;
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok;
}

/* A finding: the harness stops the process, so libFuzzer (or the replay test) reports it. */
#define FUZZ_ASSERT(cond)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#endif /* FUZZ_COMMON_H */
