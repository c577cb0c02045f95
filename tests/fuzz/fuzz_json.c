/* libFuzzer harness of the CLI's JSON reader (tools/sparsemi/common/json_read.c, which
 * `remc --exact` reads an es JSON with): any bytes either parse to a tree whose every node
 * is well formed (a known type, strings without NUL in their decoded length, numbers with
 * their text, no key twice in an object) or are refused with a message naming a line;
 * nothing crashes, leaks or reads out of bounds, and nesting cannot exhaust the stack. */
#include "cli.h"
#include "fuzz_common.h"

static void check_tree(const cli_jv *v, int depth)
{
    FUZZ_ASSERT(depth <= 70);
    switch (v->type) {
    case CLI_JV_NULL:
    case CLI_JV_BOOL:
        FUZZ_ASSERT(v->count == 0);
        return;
    case CLI_JV_NUMBER:
        FUZZ_ASSERT(v->string && *v->string);
        return;
    case CLI_JV_STRING:
        FUZZ_ASSERT(v->string != NULL);
        return;
    case CLI_JV_ARRAY:
    case CLI_JV_OBJECT:
        break;
    default:
        FUZZ_ASSERT(!"unknown type");
    }
    for (size_t k = 0; k < v->count; k++) {
        check_tree(&v->items[k], depth + 1);
        if (v->type != CLI_JV_OBJECT)
            continue;
        FUZZ_ASSERT(v->keys[k] != NULL);
        /* each key once: the first member of that key is this one */
        FUZZ_ASSERT(cli_jv_get(v, v->keys[k]) == &v->items[k]);
    }
    FUZZ_ASSERT(cli_jv_equal(v, v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[160] = "";
    cli_jv *v = NULL;
    if (cli_json_parse((const char *)data, size, &v, err, sizeof err) == 0) {
        FUZZ_ASSERT(v != NULL);
        check_tree(v, 0);
    } else {
        FUZZ_ASSERT(v == NULL && strncmp(err, "line ", 5) == 0);
    }
    cli_jv_free(v);
    return 0;
}
