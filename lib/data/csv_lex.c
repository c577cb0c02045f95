/* Lexer for delimited text: UTF-8 BOM, LF, CRLF or CR (old Mac OS) line ends, '#' comment
 * lines, blank lines, RFC 4180 quoting ("" inside quotes is one quote; a quoted field may
 * span lines), and blanks around fields. Fields are unquoted in place: the unquoted text is
 * never longer than the quoted one, so it overwrites its own bytes and the buffer needs no
 * copy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "data/csv.h"

typedef struct lexer {
    smi_csv_table *t;
    const char *path;
    char *p;           /* read position */
    size_t line;       /* line of p */
    char *line_start;  /* first byte of p's line */
} lexer;

static int read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    SMI_FAIL_IF(!f, SMI_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = buf ? SMI_OK : smi_error_set(SMI_ENOMEM, "%s: cannot allocate a read buffer", path);
    while (rc == SMI_OK) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (ferror(f))
            rc = smi_error_set(SMI_EIO, "%s: read error: %s", path, strerror(errno));
        else if (feof(f))
            break;
        else if (len + 1 == cap) {
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                rc = smi_error_set(SMI_ENOMEM, "%s: file too large to hold in memory", path);
            else {
                buf = bigger;
                cap *= 2;
            }
        }
    }
    fclose(f);
    if (rc != SMI_OK) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        free(buf);
        return smi_error_set(SMI_EPARSE, "%s: contains a NUL byte: not a text file", path);
    }
    *out = buf;
    return SMI_OK;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A line ends at LF, CRLF or a lone CR (files saved by old Mac OS programs). */
static int at_line_end(const char *p)
{
    return *p == '\0' || *p == '\n' || *p == '\r';
}

static void skip_line_end(lexer *lx)
{
    if (*lx->p != '\r' && *lx->p != '\n')
        return;
    lx->p += lx->p[0] == '\r' && lx->p[1] == '\n' ? 2 : 1;
    lx->line++;
    lx->line_start = lx->p;
}

/* Skip blank lines and comment lines; leave p at the first byte of a record or at NUL. */
static void skip_to_record(lexer *lx)
{
    for (;;) {
        char *q = lx->p;
        while (is_blank(*q))
            q++;
        if (*q == '#') {
            while (!at_line_end(q))
                q++;
        }
        if (!at_line_end(q) || *q == '\0') {
            if (*q == '\0')
                lx->p = q;
            return;
        }
        lx->p = q;
        skip_line_end(lx);
    }
}

static int grow(void **array, size_t *cap, size_t need, size_t size, const char *what)
{
    if (need <= *cap)
        return SMI_OK;
    size_t next = *cap ? *cap * 2 : 256;
    while (next < need)
        next *= 2;
    void *bigger = next <= SIZE_MAX / size ? realloc(*array, next * size) : NULL;
    SMI_FAIL_IF(!bigger, SMI_ENOMEM, "cannot allocate %zu %s", next, what);
    *array = bigger;
    *cap = next;
    return SMI_OK;
}

static int push_field(lexer *lx, const char *text, size_t line, size_t col)
{
    smi_csv_table *t = lx->t;
    SMI_TRY(grow((void **)&t->fields, &t->fields_cap, t->n_fields + 1, sizeof *t->fields,
                 "fields"));
    t->fields[t->n_fields++] = (smi_csv_field){ .text = text, .line = line, .col = col };
    return SMI_OK;
}

/* A quoted field starting at the opening quote; p ends after the closing quote. */
static int lex_quoted(lexer *lx, char **end)
{
    size_t line = lx->line, col = (size_t)(lx->p - lx->line_start) + 1;
    char *w = lx->p; /* the unquoted text starts where the quote was */
    lx->p++;
    for (;;) {
        char c = *lx->p;
        if (c == '\0')
            return smi_error_set(SMI_EPARSE, "%s:%zu:%zu: unterminated quoted field", lx->path,
                                 line, col);
        if (c == '"' && lx->p[1] == '"') {
            *w++ = '"';
            lx->p += 2;
        } else if (c == '"') {
            lx->p++;
            break;
        } else {
            *w++ = c;
            lx->p++;
            if (c == '\n' || (c == '\r' && *lx->p != '\n')) { /* LF, CRLF or CR */
                lx->line++;
                lx->line_start = lx->p;
            }
        }
    }
    *end = w;
    return SMI_OK;
}

/* One field: p ends at the delimiter, the line end or NUL. The text is terminated later,
 * once the byte at p has been read. */
static int lex_field(lexer *lx, char **text, char **end)
{
    char delim = lx->t->delimiter;
    /* Leading blanks are not part of a field; a tab is, when tab is the delimiter. */
    while (is_blank(*lx->p) && (delim == ' ' || *lx->p != delim))
        lx->p++;
    size_t line = lx->line, col = (size_t)(lx->p - lx->line_start) + 1;
    *text = lx->p;
    if (*lx->p == '"') {
        SMI_TRY(lex_quoted(lx, end));
        while (is_blank(*lx->p) && *lx->p != delim)
            lx->p++;
        int ok = at_line_end(lx->p) || *lx->p == delim || (delim == ' ' && is_blank(*lx->p));
        SMI_FAIL_IF(!ok, SMI_EPARSE, "%s:%zu:%zu: unexpected '%c' after a closing quote",
                    lx->path, lx->line, (size_t)(lx->p - lx->line_start) + 1, *lx->p);
    } else {
        while (!at_line_end(lx->p) && *lx->p != delim && !(delim == ' ' && is_blank(*lx->p)))
            lx->p++;
        *end = lx->p;
        while (*end > *text && is_blank((*end)[-1]))
            (*end)--;
    }
    return push_field(lx, *text, line, col);
}

static int lex_record(lexer *lx)
{
    smi_csv_table *t = lx->t;
    SMI_TRY(grow((void **)&t->row_start, &t->rows_cap, t->n_rows + 2, sizeof *t->row_start,
                 "rows"));
    t->row_start[t->n_rows] = t->n_fields;
    for (;;) {
        char *text = NULL, *end = NULL;
        SMI_TRY(lex_field(lx, &text, &end));
        if (t->delimiter == ' ')
            while (is_blank(*lx->p))
                lx->p++;
        int more = !at_line_end(lx->p);
        if (more && t->delimiter != ' ')
            lx->p++; /* the delimiter */
        else if (!more)
            skip_line_end(lx);
        *end = '\0';
        if (!more)
            break;
    }
    t->n_rows++;
    t->row_start[t->n_rows] = t->n_fields;
    return SMI_OK;
}

/* The most frequent of ',', ';', '\t' outside quotes on the first record's line. */
static char detect_delimiter(const char *p)
{
    size_t comma = 0, semicolon = 0, tab = 0;
    int quoted = 0;
    for (; *p != '\0' && (quoted || (*p != '\n' && *p != '\r')); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted) {
            comma += *p == ',';
            semicolon += *p == ';';
            tab += *p == '\t';
        }
    }
    if (comma == 0 && semicolon == 0 && tab == 0)
        return ' ';
    if (comma >= semicolon && comma >= tab)
        return ',';
    return semicolon >= tab ? ';' : '\t';
}

void smi_csv_table_free(smi_csv_table *table)
{
    free(table->buf);
    free(table->fields);
    free(table->row_start);
    memset(table, 0, sizeof *table);
}

int smi_csv_lex(smi_csv_table *table, const char *path, char delimiter)
{
    memset(table, 0, sizeof *table);
    SMI_TRY(read_file(path, &table->buf));
    lexer lx = { .t = table, .path = path, .p = table->buf, .line = 1,
                 .line_start = table->buf };
    if (memcmp(lx.p, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
        lx.p += 3, lx.line_start = lx.p;
    skip_to_record(&lx);
    table->delimiter = delimiter ? delimiter : detect_delimiter(lx.p);
    int rc = SMI_OK;
    while (rc == SMI_OK && *lx.p != '\0') {
        rc = lex_record(&lx);
        skip_to_record(&lx);
    }
    if (rc != SMI_OK)
        smi_csv_table_free(table);
    return rc;
}
