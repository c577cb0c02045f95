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
static inline const char *fuzz_input_path(void);

static char fuzz_path[64];

static inline void fuzz_remove_input(void)
{
    if (fuzz_path[0])
        unlink(fuzz_path);
}

static inline const char *fuzz_input_path(void)
{
    if (!fuzz_path[0]) {
        /* memory-backed when the machine has /dev/shm: creating a file on disk per input
         * would cost more than most inputs take to read */
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_path, sizeof fuzz_path, "%s/smi-fuzz-%ld.in", dir, (long)getpid());
        atexit(fuzz_remove_input);
    }
    return fuzz_path;
}

/* Write the input to the file; 0 on failure (the input is then skipped). */
static inline int fuzz_write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fuzz_input_path(), "wb");
    if (!f)
        return 0;
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok;
}

/* CRC-32C (Castagnoli), bit by bit, as a saved file's last line holds it. */
static inline uint32_t fuzz_crc32c(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = crc & 1u ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
    }
    return ~crc;
}

/* Write a result or checkpoint file with its checksum made anew: an input whose last line
 * starts "checksum " gets the CRC-32C of everything before that line, so that a mutation
 * anywhere else reaches the parser's own checks instead of stopping at the checksum. An
 * input without such a line is written as it is (the checksum's own refusals). *forged is
 * set when the line written differs from the input's: the file then passes the checksum
 * although its contents were changed (forged may be NULL). */
static inline int fuzz_write_sealed(const uint8_t *data, size_t size, int *forged)
{
    int changed = 0;
    if (forged)
        *forged = 0;
    size_t start = size >= 2 ? size - 1 : 0; /* the last line's first byte */
    while (start > 0 && data[start - 1] != '\n')
        start--;
    static const char key[] = "checksum ";
    if (size == 0 || data[size - 1] != '\n' || size - start < sizeof key - 1
        || memcmp(data + start, key, sizeof key - 1) != 0)
        return fuzz_write_input(data, size);
    char line[32];
    snprintf(line, sizeof line, "checksum %08lx\n", (unsigned long)fuzz_crc32c(data, start));
    changed = size - start != strlen(line) || memcmp(data + start, line, strlen(line)) != 0;
    if (forged)
        *forged = changed;
    FILE *f = fopen(fuzz_input_path(), "wb");
    if (!f)
        return 0;
    int ok = fwrite(data, 1, start, f) == start && fputs(line, f) >= 0;
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
