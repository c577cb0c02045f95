/* A small JSON reader (RFC 8259) for the files the program writes itself and reads back:
 * the JSON of `es --json` (remc --exact). The whole text becomes a tree of cli_jv;
 * strings are decoded to UTF-8 (\u escapes and surrogate pairs included, \u0000 refused
 * because strings are C strings); numbers keep their text next to their value, so that
 * an integer beyond 2^53 (a fold seed) is read exactly. Nesting is limited, so that a
 * hostile file cannot exhaust the stack. A key given twice in an object is refused: RFC
 * 8259 leaves its meaning open, and keeping either value would silently ignore the other.
 * Every allocation is bounded by the text: a string by its raw length, a container grows
 * by doubling with at least one byte of text per item. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_DEPTH 64

typedef struct reader {
    const char *s, *end;
    const char *start; /* for the line number of a message */
    char *err;
    size_t errcap;
    int failed;
} reader;

static int fail(reader *r, const char *what)
{
    if (!r->failed) {
        size_t line = 1;
        for (const char *c = r->start; c < r->s && c < r->end; c++)
            line += *c == '\n';
        snprintf(r->err, r->errcap, "line %zu: %s", line, what);
    }
    r->failed = 1;
    return -1;
}

static void skip_blanks(reader *r)
{
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' || *r->s == '\r'))
        r->s++;
}

static int hex4(reader *r, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++, r->s++) {
        if (r->s >= r->end)
            return fail(r, "unterminated \\u escape");
        char c = *r->s;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return fail(r, "bad \\u escape");
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
    static const unsigned char lead[] = { 0x00, 0xC0, 0xE0, 0xF0 };
    size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t k = len - 1; k > 0; k--, cp >>= 6)
        out[k] = (char)(0x80 | (cp & 0x3F));
    out[0] = (char)(lead[len - 1] | cp);
    return len;
}

/* \uD800-\uDBFF must be followed by \uDC00-\uDFFF; a lone surrogate is refused. */
static int unicode_escape(reader *r, unsigned *cp)
{
    if (hex4(r, cp) < 0)
        return -1;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF)
        return fail(r, "lone low surrogate");
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
        unsigned low;
        if (r->end - r->s < 2 || r->s[0] != '\\' || r->s[1] != 'u')
            return fail(r, "lone high surrogate");
        r->s += 2;
        if (hex4(r, &low) < 0)
            return -1;
        if (low < 0xDC00 || low > 0xDFFF)
            return fail(r, "bad surrogate pair");
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (*cp == 0)
        return fail(r, "\\u0000 in a string");
    return 0;
}

/* r->s is just past the opening quote. The decoded text is never longer than the raw. */
static char *string(reader *r)
{
    const char *q = r->s;
    while (q < r->end && *q != '"')
        q += *q == '\\' && q + 1 < r->end ? 2 : 1;
    if (q >= r->end)
        return fail(r, "unterminated string"), NULL;
    char *out = malloc((size_t)(q - r->s) + 1), *o = out;
    if (!out)
        return fail(r, "out of memory"), NULL;
    while (*r->s != '"') {
        unsigned char c = (unsigned char)*r->s++;
        if (c < 0x20) {
            free(out);
            return fail(r, "control character in a string"), NULL;
        }
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *e = strchr(from, *r->s);
        unsigned cp;
        if (*r->s == 'u') {
            r->s++;
            if (unicode_escape(r, &cp) < 0) {
                free(out);
                return NULL;
            }
            o += put_utf8(o, cp);
        } else if (e && *e) {
            *o++ = to[e - from];
            r->s++;
        } else {
            free(out);
            return fail(r, "bad escape in a string"), NULL;
        }
    }
    r->s++;
    *o = '\0';
    return out;
}

/* The JSON number grammar exactly: strtod alone would take "0x1p3", "inf", "+1", ".5". */
static int number(reader *r, cli_jv *v)
{
    const char *p = r->s;
    if (p < r->end && *p == '-')
        p++;
    if (p >= r->end || *p < '0' || *p > '9')
        return fail(r, "unexpected character");
    if (*p == '0')
        p++;
    else
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    if (p < r->end && *p == '.') {
        if (++p >= r->end || *p < '0' || *p > '9')
            return fail(r, "bad number");
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < r->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= r->end || *p < '0' || *p > '9')
            return fail(r, "bad number");
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    }
    size_t len = (size_t)(p - r->s);
    if (!(v->string = malloc(len + 1)))
        return fail(r, "out of memory");
    memcpy(v->string, r->s, len);
    v->string[len] = '\0';
    v->number = strtod(v->string, NULL); /* overflow gives +-HUGE_VAL: callers check */
    v->type = CLI_JV_NUMBER;
    r->s = p;
    return 0;
}

static int value(reader *r, cli_jv *v, int depth);

/* The keys of one object seen so far, in an open-addressing table of key indices + 1
 * (a power of two at least twice the keys), so that checking stays linear in the text. */
typedef struct key_set {
    size_t *slot, cap;
} key_set;

static size_t key_hash(const char *key)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (const unsigned char *c = (const unsigned char *)key; *c; c++)
        h = (h ^ *c) * (size_t)1099511628211ULL;
    return h;
}

/* The slot of `key` in the table: its own when present, else the empty one it would take. */
static size_t key_slot(const key_set *set, char *const *keys, const char *key)
{
    size_t h = key_hash(key) & (set->cap - 1);
    while (set->slot[h] && strcmp(keys[set->slot[h] - 1], key) != 0)
        h = (h + 1) & (set->cap - 1);
    return h;
}

/* Add keys[index] (the object's newest key) to the set; refused when it is there already. */
static int add_key(reader *r, key_set *set, char *const *keys, size_t index)
{
    if (2 * (index + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16;
        size_t *slot = calloc(cap, sizeof *slot), *old = set->slot;
        if (!slot)
            return fail(r, "out of memory");
        set->slot = slot;
        set->cap = cap;
        for (size_t k = 0; k < index; k++)
            slot[key_slot(set, keys, keys[k])] = k + 1;
        free(old);
    }
    size_t h = key_slot(set, keys, keys[index]);
    if (set->slot[h]) {
        char what[128];
        snprintf(what, sizeof what, "the key \"%.60s\" appears twice in an object",
                 keys[index]);
        return fail(r, what);
    }
    set->slot[h] = index + 1;
    return 0;
}

static int members(reader *r, cli_jv *v, int object, int depth, key_set *set)
{
    size_t cap = 0;
    v->type = object ? CLI_JV_OBJECT : CLI_JV_ARRAY;
    r->s++;
    skip_blanks(r);
    if (r->s < r->end && *r->s == (object ? '}' : ']')) {
        r->s++;
        return 0;
    }
    for (;;) {
        if (v->count == cap) {
            cap = cap ? 2 * cap : 8;
            cli_jv *items = realloc(v->items, cap * sizeof *items);
            char **keys = items && object ? realloc(v->keys, cap * sizeof *keys) : v->keys;
            if (items)
                v->items = items;
            if (!items || (object && !keys))
                return fail(r, "out of memory");
            v->keys = keys;
        }
        skip_blanks(r);
        if (object) {
            if (r->s >= r->end || *r->s != '"')
                return fail(r, "expected a key");
            r->s++;
            if (!(v->keys[v->count] = string(r)))
                return -1;
            if (add_key(r, set, v->keys, v->count) < 0)
                return free(v->keys[v->count]), -1;
            skip_blanks(r);
            if (r->s >= r->end || *r->s++ != ':')
                return free(v->keys[v->count]), fail(r, "expected ':'");
        }
        memset(&v->items[v->count], 0, sizeof v->items[0]);
        v->count++; /* counted first, so that a failure below frees what was read */
        if (value(r, &v->items[v->count - 1], depth + 1) < 0)
            return -1;
        skip_blanks(r);
        if (r->s < r->end && *r->s == ',') {
            r->s++;
            continue;
        }
        if (r->s < r->end && *r->s == (object ? '}' : ']')) {
            r->s++;
            return 0;
        }
        return fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

/* Arrays and objects: items grow by doubling; keys only for objects, each once. */
static int container(reader *r, cli_jv *v, int object, int depth)
{
    key_set keys = { 0 };
    int rc = members(r, v, object, depth, &keys);
    free(keys.slot);
    return rc;
}

static int literal(reader *r, const char *word)
{
    size_t len = strlen(word);
    if ((size_t)(r->end - r->s) < len || memcmp(r->s, word, len) != 0)
        return fail(r, "unexpected character");
    r->s += len;
    return 0;
}

static int value(reader *r, cli_jv *v, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(r, "nested too deeply");
    skip_blanks(r);
    if (r->s >= r->end)
        return fail(r, "unexpected end of text");
    switch (*r->s) {
    case '{': return container(r, v, 1, depth);
    case '[': return container(r, v, 0, depth);
    case '"':
        r->s++;
        v->type = CLI_JV_STRING;
        return (v->string = string(r)) ? 0 : -1;
    case 't': v->type = CLI_JV_BOOL, v->boolean = 1; return literal(r, "true");
    case 'f': v->type = CLI_JV_BOOL; return literal(r, "false");
    case 'n': v->type = CLI_JV_NULL; return literal(r, "null");
    }
    return number(r, v);
}

static void release(cli_jv *v)
{
    for (size_t k = 0; k < v->count; k++) {
        release(&v->items[k]);
        if (v->keys)
            free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

void cli_jv_free(cli_jv *v)
{
    if (v)
        release(v);
    free(v);
}

int cli_json_parse(const char *text, size_t len, cli_jv **out, char *err, size_t errcap)
{
    reader r = { .s = text, .end = text + len, .start = text, .err = err, .errcap = errcap };
    *out = calloc(1, sizeof **out);
    if (!*out)
        return snprintf(err, errcap, "out of memory"), -1;
    if (value(&r, *out, 0) == 0) {
        skip_blanks(&r);
        if (r.s < r.end)
            fail(&r, "text after the value");
    }
    if (r.failed) {
        cli_jv_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
