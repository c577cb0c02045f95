/* JSON files read whole into a tree (json_read.c), and the questions the program asks
 * of a tree: a member by key, an exact integer, equality of two values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_json_read_file(const char *path, cli_jv **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail("cannot read '%s': %s", path, strerror(errno));
    size_t len = 0, cap = 4096;
    char *text = malloc(cap), err[160];
    for (size_t got = 1; text && got > 0; len += got) {
        if (len == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                free(text);
            text = bigger;
            if (!text)
                break;
        }
        got = fread(text + len, 1, cap - len, f);
    }
    int read_error = ferror(f);
    fclose(f);
    if (!text)
        return cli_fail("out of memory");
    if (read_error) {
        free(text);
        return cli_fail("cannot read '%s'", path);
    }
    int status = cli_json_parse(text, len, out, err, sizeof err);
    free(text);
    return status < 0 ? cli_fail("'%s': not valid JSON: %s", path, err) : CLI_EXIT_OK;
}

const cli_jv *cli_jv_get(const cli_jv *obj, const char *key)
{
    if (!obj || obj->type != CLI_JV_OBJECT)
        return NULL;
    for (size_t k = 0; k < obj->count; k++)
        if (strcmp(obj->keys[k], key) == 0)
            return &obj->items[k];
    return NULL;
}

int cli_jv_uint(const cli_jv *v, unsigned long long *out)
{
    if (!v || v->type != CLI_JV_NUMBER || v->string[0] == '-')
        return -1;
    for (const char *c = v->string; *c; c++)
        if (*c < '0' || *c > '9')
            return -1;
    errno = 0;
    *out = strtoull(v->string, NULL, 10);
    return errno == ERANGE ? -1 : 0;
}

int cli_jv_equal(const cli_jv *a, const cli_jv *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case CLI_JV_NULL: return 1;
    case CLI_JV_BOOL: return a->boolean == b->boolean;
    case CLI_JV_NUMBER: return a->number == b->number;
    case CLI_JV_STRING: return strcmp(a->string, b->string) == 0;
    case CLI_JV_ARRAY:
    case CLI_JV_OBJECT:
        break;
    }
    if (a->count != b->count)
        return 0;
    for (size_t k = 0; k < a->count; k++) {
        const cli_jv *other = a->type == CLI_JV_ARRAY ? &b->items[k] : cli_jv_get(b, a->keys[k]);
        if (!other || !cli_jv_equal(&a->items[k], other))
            return 0;
    }
    return 1;
}
