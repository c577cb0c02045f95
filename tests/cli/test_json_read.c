/* Tests of the JSON reader of the sparsemi program (tools/sparsemi/common/json_read.c): what it
 * accepts and builds, what it refuses and where, and a round trip through the writer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int n_checks, n_failed;

#define CHECK(cond)                                                           \
    do {                                                                      \
        n_checks++;                                                           \
        if (!(cond)) {                                                        \
            n_failed++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                     \
    } while (0)

static cli_jv *parse(const char *text)
{
    char err[160];
    cli_jv *v = NULL;
    if (cli_json_parse(text, strlen(text), &v, err, sizeof err) < 0)
        fprintf(stderr, "unexpected parse error: %s in %s\n", err, text);
    return v;
}

/* The message of a refused text, or "" when it was accepted. */
static const char *refused(const char *text)
{
    static char err[160];
    cli_jv *v = NULL;
    err[0] = '\0';
    if (cli_json_parse(text, strlen(text), &v, err, sizeof err) == 0) {
        cli_jv_free(v);
        return "";
    }
    CHECK(v == NULL);
    return err;
}

static void test_values(void)
{
    cli_jv *v = parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\"},\n"
                      " \"big\": 18446744073709551615, \"neg\": -1} ");
    CHECK(v && v->type == CLI_JV_OBJECT && v->count == 4);
    const cli_jv *a = cli_jv_get(v, "a");
    CHECK(a && a->type == CLI_JV_ARRAY && a->count == 5);
    if (a && a->count == 5) {
        CHECK(a->items[0].number == 1 && a->items[1].number == -2500);
        CHECK(a->items[2].type == CLI_JV_BOOL && a->items[2].boolean == 1);
        CHECK(a->items[3].type == CLI_JV_BOOL && a->items[3].boolean == 0);
        CHECK(a->items[4].type == CLI_JV_NULL);
    }
    const cli_jv *c = cli_jv_get(cli_jv_get(v, "b"), "c");
    CHECK(c && c->type == CLI_JV_STRING && strcmp(c->string, "x") == 0);
    unsigned long long x = 0;
    CHECK(cli_jv_uint(cli_jv_get(v, "big"), &x) == 0 && x == 18446744073709551615ULL);
    CHECK(cli_jv_uint(cli_jv_get(v, "neg"), &x) < 0);
    CHECK(cli_jv_uint(&a->items[1], &x) < 0); /* not an integer as written */
    CHECK(cli_jv_get(v, "nosuch") == NULL && cli_jv_get(a, "a") == NULL);
    cli_jv_free(v);

    v = parse("[]");
    CHECK(v && v->type == CLI_JV_ARRAY && v->count == 0);
    cli_jv_free(v);
    v = parse("{}");
    CHECK(v && v->type == CLI_JV_OBJECT && v->count == 0);
    cli_jv_free(v);
}

static void test_strings(void)
{
    cli_jv *v = parse("\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t \\u00e9\\u20ac\\ud83d\\ude00 \xc3\xa9\"");
    CHECK(v && v->type == CLI_JV_STRING &&
          strcmp(v->string, "a\"b\\c/\b\f\n\r\t \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9") == 0);
    cli_jv_free(v);
}

static void test_refused(void)
{
    const char *bad[] = { "", "   ", "{", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{1: 2}",
                          "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
                          "\"\\u0000\"", "\"a\tb\"", "01", "1.", ".5", "+1", "1e", "-",
                          "nul", "tru", "NaN", "Infinity", "0x10", "[1] 2", "{\"a\":1}}",
                          "\"\\", "[\"a\",\"b\"" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *err = refused(bad[k]);
        if (err[0] == '\0')
            fprintf(stderr, "accepted: %s\n", bad[k]);
        CHECK(strncmp(err, "line 1: ", 8) == 0);
    }
    CHECK(strncmp(refused("{\n\"a\": 1,\n\"b\": x}"), "line 3: ", 8) == 0);
    char deep[300];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 99);
    deep[299] = '\0';
    CHECK(strstr(refused(deep), "deep") != NULL);
}

/* What the writer writes, the reader reads back, numbers exactly. */
/* A key twice in one object is refused, naming the key and its line, at any depth and
 * however many keys the object has (they are hashed); the same key in two objects is not
 * a duplicate. */
static void test_duplicate_keys(void)
{
    CHECK(strcmp(refused("{\"a\": 1, \"b\": 2, \"a\": 3}"),
                 "line 1: the key \"a\" appears twice in an object") == 0);
    CHECK(strcmp(refused("{\"x\": {\"k\": 1,\n\"k\": 1}}"),
                 "line 2: the key \"k\" appears twice in an object") == 0);
    CHECK(strstr(refused("[{\"a\": 1}, {\"b\": [], \"b\": []}]"), "\"b\" appears twice"));
    CHECK(strstr(refused("{\"\\u00e9\": 1, \"\xc3\xa9\": 2}"), "appears twice")); /* decoded */
    cli_jv *v = parse("[{\"a\": 1}, {\"a\": 2}, {\"a\": {\"a\": 3}}]");
    CHECK(v && v->count == 3);
    cli_jv_free(v);
    /* 5000 distinct keys (the table grows several times), then the first one again */
    size_t n = 5000, len = 0;
    char *text = malloc(n * 24 + 64);
    CHECK(text != NULL);
    if (!text)
        return;
    len += (size_t)sprintf(text + len, "{");
    for (size_t k = 0; k < n; k++)
        len += (size_t)sprintf(text + len, "%s\"key%zu\": %zu", k ? ", " : "", k, k);
    strcpy(text + len, "}");
    v = parse(text);
    CHECK(v && v->count == n && cli_jv_get(v, "key4999") && cli_jv_get(v, "key4999")->number == 4999);
    cli_jv_free(v);
    strcpy(text + len, ", \"key0\": 0}");
    CHECK(strstr(refused(text), "\"key0\" appears twice") != NULL);
    free(text);
}

static void test_round_trip(void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    cli_json j;
    cli_json_init(&j, f);
    cli_json_begin_object(&j);
    cli_json_key(&j, "x"), cli_json_number(&j, 0.1);
    cli_json_key(&j, "tiny"), cli_json_number(&j, 5e-324);
    cli_json_key(&j, "nan"), cli_json_number(&j, NAN);
    cli_json_key(&j, "s"), cli_json_string(&j, "tab\there \"q\" \x01");
    cli_json_key(&j, "u"), cli_json_uint(&j, 12345678901234567890ULL);
    cli_json_end_object(&j);
    CHECK(cli_json_finish(&j) == 0);
    fclose(f);
    cli_jv *v = parse(text);
    unsigned long long u = 0;
    CHECK(v && cli_jv_get(v, "x")->number == 0.1 && cli_jv_get(v, "tiny")->number == 5e-324);
    CHECK(v && cli_jv_get(v, "nan")->type == CLI_JV_NULL);
    CHECK(v && strcmp(cli_jv_get(v, "s")->string, "tab\there \"q\" \x01") == 0);
    CHECK(v && cli_jv_uint(cli_jv_get(v, "u"), &u) == 0 && u == 12345678901234567890ULL);
    cli_jv *w = parse("{\"u\": 12345678901234567890, \"s\": \"tab\\there \\\"q\\\" \\u0001\","
                      " \"nan\": null, \"tiny\": 5e-324, \"x\": 1e-1}");
    CHECK(v && w && cli_jv_equal(v, w)); /* objects: keys in any order */
    cli_jv *other = parse("{\"u\": 1, \"s\": \"\", \"nan\": null, \"tiny\": 0, \"x\": 0}");
    CHECK(v && other && !cli_jv_equal(v, other));
    cli_jv_free(v);
    cli_jv_free(w);
    cli_jv_free(other);
    free(text);
}

int main(void)
{
    test_values();
    test_strings();
    test_refused();
    test_duplicate_keys();
    test_round_trip();
    printf("%d checks, %d failed\n", n_checks, n_failed);
    return n_failed ? 1 : 0;
}
