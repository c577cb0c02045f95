/* A small harness shared by the C tests of the program's pieces: checks that count and
 * report failures with their line, and capture of what a writer prints, as a string. */
#ifndef SMI_MINICHECK_H
#define SMI_MINICHECK_H

#include <stdio.h>
#include <string.h>

static int n_checks, n_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        n_checks++;                                                                    \
        if (!(cond)) {                                                                 \
            n_failed++;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_STR(got, want)                                                           \
    do {                                                                               \
        n_checks++;                                                                    \
        if (strcmp((got), (want)) != 0) {                                              \
            n_failed++;                                                                \
            fprintf(stderr, "%s:%d: got\n%s\nwanted\n%s\n", __FILE__, __LINE__, (got), \
                    (want));                                                           \
        }                                                                              \
    } while (0)

/* The output of one writer call, as a malloc'd string (free capture.text). */
typedef struct capture {
    char *text;
    size_t size;
    FILE *f;
} capture;

static inline FILE *capture_open(capture *c)
{
    c->text = NULL;
    c->f = open_memstream(&c->text, &c->size);
    return c->f;
}

static inline char *capture_close(capture *c)
{
    fclose(c->f);
    return c->text;
}

#endif /* SMI_MINICHECK_H */
