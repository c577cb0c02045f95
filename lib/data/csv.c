/* smi_dataset_read_csv: from lexed records to a data set.
 * Steps: header names -> equal field counts -> which columns are numbers -> which columns
 * are labels, target, features and folds -> values, each checked where it stands. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/data.h"

#define NO_COLUMN SIZE_MAX
#define GENERATED_NAME_SIZE 32 /* "column" and a 20-digit number */

typedef struct reader {
    const char *path;
    const smi_csv_options *opt;
    smi_csv_table table;
    size_t n_cols, n;       /* columns in the header, data rows */
    char **names;           /* header names (owned by the table's buffer or `generated`) */
    char *generated;        /* "column<j>" names for empty header fields */
    smi_name_index by_name; /* the header names by hash: reading stays linear in the file */
    size_t *n_text;         /* per column: fields that are text (no number, no missing mark) */
    size_t *n_missing;      /* per column: fields that mark a missing value ('', NA, n/a...) */
    double *values;         /* n x n_cols: each field parsed once; NAN where it is no number */
    unsigned char *parsed;  /* n x n_cols: 1 where the field is a number */
    size_t label, target, fold;
    size_t *features, p;
} reader;

/* A field is a number when strtod consumes all of it. The caller has set the "C" locale
 * for this thread, so a host program's LC_NUMERIC cannot change the decimal point. */
static int parse_number(const char *text, double *value)
{
    if (*text == '\0')
        return 0;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end != '\0')
        return 0;
    *value = v;
    return 1;
}

static const smi_csv_field *cell(const reader *r, size_t row, size_t col)
{
    return smi_csv_row(&r->table, row + 1) + col; /* row 0 of the table is the header */
}

static int read_header(reader *r)
{
    const smi_csv_table *t = &r->table;
    SMI_FAIL_IF(t->n_rows == 0, SMI_EEMPTY, "%s: no header and no data", r->path);
    r->n_cols = smi_csv_row_size(t, 0);
    r->n = t->n_rows - 1;
    r->names = smi_calloc_array(r->n_cols, sizeof *r->names, "column names");
    r->generated = smi_calloc_array(r->n_cols, GENERATED_NAME_SIZE, "column names");
    if (!r->names || !r->generated || smi_name_index_init(&r->by_name, r->n_cols) != SMI_OK)
        return SMI_ENOMEM;
    const smi_csv_field *h = smi_csv_row(t, 0);
    for (size_t j = 0; j < r->n_cols; j++) {
        r->names[j] = (char *)h[j].text;
        if (r->names[j][0] == '\0') { /* e.g. the unnamed index column pandas writes */
            r->names[j] = r->generated + GENERATED_NAME_SIZE * j;
            snprintf(r->names[j], GENERATED_NAME_SIZE, "column%zu", j + 1);
        }
        size_t i = smi_name_index_add(&r->by_name, (const char *const *)r->names, j);
        SMI_FAIL_IF(i != SIZE_MAX, SMI_EDUPLICATE,
                    "%s:%zu:%zu: column name '%s' appears twice (columns %zu and %zu)",
                    r->path, h[j].line, h[j].col, r->names[j], i + 1, j + 1);
    }
    return SMI_OK;
}

static int check_rows(const reader *r)
{
    const smi_csv_table *t = &r->table;
    for (size_t row = 1; row < t->n_rows; row++) {
        size_t got = smi_csv_row_size(t, row);
        SMI_FAIL_IF(got != r->n_cols, SMI_ERAGGED,
                    "%s:%zu: %zu field%s where the header (line %zu) has %zu", r->path,
                    smi_csv_row(t, row)->line, got, got == 1 ? "" : "s",
                    smi_csv_row(t, 0)->line, r->n_cols);
    }
    SMI_FAIL_IF(r->n == 0, SMI_EEMPTY, "%s: no data rows after the header", r->path);
    SMI_FAIL_IF(r->n < 2, SMI_ETOOFEW, "%s: 1 data row: at least 2 are needed", r->path);
    return SMI_OK;
}

/* The marks of a missing value that pandas' read_csv recognises by default (na_values),
 * and the empty field: such a field is a missing number, never text. */
static int is_missing_mark(const char *text)
{
    static const char *const marks[] = {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
        "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    };
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (strcmp(text, marks[k]) == 0)
            return 1;
    return 0;
}

/* Parse every field once: the counts decide which columns are text, the values are
 * then copied out without a second strtod. */
static int parse_fields(reader *r)
{
    r->n_text = smi_calloc_array(r->n_cols, sizeof *r->n_text, "column types");
    r->n_missing = smi_calloc_array(r->n_cols, sizeof *r->n_missing, "missing values");
    r->values = smi_alloc_array(r->n, r->n_cols * sizeof *r->values, "parsed values");
    r->parsed = smi_alloc_array(r->n, r->n_cols, "parsed flags");
    if (!r->n_text || !r->n_missing || !r->values || !r->parsed)
        return SMI_ENOMEM;
    for (size_t i = 0; i < r->n; i++) {
        const smi_csv_field *row = cell(r, i, 0);
        double *v = r->values + i * r->n_cols;
        unsigned char *ok = r->parsed + i * r->n_cols;
        for (size_t j = 0; j < r->n_cols; j++) {
            ok[j] = (unsigned char)parse_number(row[j].text, &v[j]);
            /* a finite number is no mark: the common case costs no comparison */
            int missing = !(ok[j] && isfinite(v[j])) && is_missing_mark(row[j].text);
            r->n_missing[j] += (size_t)missing;
            r->n_text[j] += !ok[j] && !missing;
        }
    }
    return SMI_OK;
}

/* A column is text (labels, comments) when most of its fields are text: neither numbers
 * nor marks of a missing value. So a numeric column with missing values, however many,
 * stays numeric and is reported at its first missing value; one with a few stray words is
 * reported at the first of them. */
static int is_text(const reader *r, size_t j)
{
    return 2 * r->n_text[j] > r->n;
}

static int find_column(const reader *r, const char *name, const char *role, size_t *col)
{
    size_t j = smi_name_index_find(&r->by_name, (const char *const *)r->names, name);
    if (j != SIZE_MAX) {
        *col = j;
        return SMI_OK;
    }
    return smi_error_set(SMI_ENOTFOUND, "%s: no column named '%s' (asked for as the %s)",
                         r->path, name, role);
}

/* The automatic label column: the first text column not asked for in another role (the
 * target, the fold column, a named feature). A text column named as the target is then
 * reported as text, and a numeric column is never taken for labels. */
static int choose_label(reader *r)
{
    const smi_csv_options *o = r->opt;
    if (o->label_column)
        return find_column(r, o->label_column, "label column", &r->label);
    unsigned char *named = smi_calloc_array(r->n_cols ? r->n_cols : 1, 1, "column roles");
    if (!named)
        return SMI_ENOMEM;
    for (size_t k = 0; k < o->n_features; k++) {
        size_t j = o->features[k] ? smi_name_index_find(&r->by_name,
                                                        (const char *const *)r->names,
                                                        o->features[k])
                                  : SIZE_MAX;
        if (j != SIZE_MAX) /* an unknown name is reported with the features */
            named[j] = 1;
    }
    for (size_t j = 0; j < r->n_cols && r->label == NO_COLUMN; j++)
        if (!named[j] && j != r->target && j != r->fold && is_text(r, j))
            r->label = j;
    free(named);
    return SMI_OK;
}

/* A target named by the user that holds text: say so at its first text field. */
static int check_target_numeric(const reader *r)
{
    if (!is_text(r, r->target))
        return SMI_OK;
    for (size_t i = 0; i < r->n; i++) {
        const smi_csv_field *f = cell(r, i, r->target);
        if (!r->parsed[i * r->n_cols + r->target] && !is_missing_mark(f->text))
            return smi_error_set(SMI_EPARSE,
                                 "%s:%zu:%zu: the target '%s' is a text column, not numbers "
                                 "('%s'; %zu of %zu rows are text)",
                                 r->path, f->line, f->col, r->names[r->target], f->text,
                                 r->n_text[r->target], r->n);
    }
    return SMI_OK;
}

static int choose_roles(reader *r)
{
    const smi_csv_options *o = r->opt;
    r->label = r->target = r->fold = NO_COLUMN;
    if (o->fold_column)
        SMI_TRY(find_column(r, o->fold_column, "fold column", &r->fold));
    if (o->target)
        SMI_TRY(find_column(r, o->target, "target", &r->target));
    SMI_TRY(choose_label(r));
    SMI_FAIL_IF(r->fold != NO_COLUMN && r->fold == r->label, SMI_EINVAL,
                "%s: column '%s' cannot hold both labels and folds", r->path, o->fold_column);
    if (!o->target) {
        for (size_t j = 0; j < r->n_cols && r->target == NO_COLUMN; j++)
            if (j != r->label && j != r->fold && !is_text(r, j))
                r->target = j;
        SMI_FAIL_IF(r->target == NO_COLUMN, SMI_EEMPTY, "%s: no numeric column for the target",
                    r->path);
    }
    SMI_FAIL_IF(r->target == r->label || r->target == r->fold, SMI_EINVAL,
                "%s: the target '%s' is also the %s column", r->path, r->names[r->target],
                r->target == r->label ? "label" : "fold");
    return check_target_numeric(r);
}

/* taken[col]: the column is already a feature (a mark per column keeps this linear). */
static int role_conflict(const reader *r, size_t col, const unsigned char *taken)
{
    const char *role = col == r->target ? "target" : col == r->label ? "label column"
                       : col == r->fold ? "fold column" : taken[col] ? "feature list, twice"
                                                                     : NULL;
    if (!role)
        return SMI_OK;
    return smi_error_set(col == r->target || role[0] == 'f' ? SMI_EDUPLICATE : SMI_EINVAL,
                         "%s: feature '%s' is already in the %s", r->path, r->names[col], role);
}

static int choose_features(reader *r)
{
    const smi_csv_options *o = r->opt;
    size_t cap = o->features ? o->n_features : r->n_cols;
    r->features = smi_alloc_array(cap ? cap : 1, sizeof *r->features, "feature columns");
    if (!r->features)
        return SMI_ENOMEM;
    if (o->features) {
        unsigned char *taken = smi_calloc_array(r->n_cols ? r->n_cols : 1, 1, "feature marks");
        int rc = taken ? SMI_OK : SMI_ENOMEM;
        for (size_t k = 0; k < o->n_features && rc == SMI_OK; k++) {
            size_t col = 0;
            rc = o->features[k] ? find_column(r, o->features[k], "feature", &col)
                                : smi_error_set(SMI_EINVAL, "feature name %zu is NULL", k + 1);
            if (rc == SMI_OK)
                rc = role_conflict(r, col, taken);
            if (rc == SMI_OK) {
                taken[col] = 1;
                r->features[r->p++] = col;
            }
        }
        free(taken);
        SMI_TRY(rc);
    } else {
        for (size_t j = 0; j < r->n_cols; j++)
            if (j != r->target && j != r->label && j != r->fold)
                r->features[r->p++] = j;
    }
    SMI_FAIL_IF(r->p == 0, SMI_EEMPTY, "%s: no feature columns besides the target '%s'",
                r->path, r->names[r->target]);
    return SMI_OK;
}

/* The value at (row, col), or a located message: a missing value, not a number, or not
 * finite. */
static int value_at(const reader *r, size_t row, size_t col, double *v)
{
    const smi_csv_field *f = cell(r, row, col);
    *v = r->values[row * r->n_cols + col];
    int parsed = r->parsed[row * r->n_cols + col];
    if (parsed && isfinite(*v))
        return SMI_OK;
    if (is_missing_mark(f->text)) {
        size_t k = r->n_missing[col];
        return smi_error_set(parsed ? SMI_ENONFINITE : SMI_EPARSE,
                             "%s:%zu:%zu: '%s' is not a %snumber in column '%s': a missing "
                             "value (%zu of %zu rows in this column); fill %s or leave the "
                             "column out",
                             r->path, f->line, f->col, f->text, parsed ? "finite " : "",
                             r->names[col], k, r->n, k == 1 ? "it" : "them");
    }
    if (!parsed) {
        int text_col = is_text(r, col);
        return smi_error_set(SMI_EPARSE, "%s:%zu:%zu: '%s' is not a number in column '%s'%s",
                             r->path, f->line, f->col, f->text, r->names[col],
                             text_col && r->label != NO_COLUMN && r->label != col
                                 ? " (a second text column: name the features to leave it out)"
                                 : "");
    }
    return smi_error_set(SMI_ENONFINITE,
                         "%s:%zu:%zu: '%s' is not a finite number in column '%s'", r->path,
                         f->line, f->col, f->text, r->names[col]);
}

static int fill_values(const reader *r, double *X, double *y, int *folds)
{
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < r->p; k++)
            SMI_TRY(value_at(r, i, r->features[k], &X[i * r->p + k]));
        SMI_TRY(value_at(r, i, r->target, &y[i]));
        if (folds) {
            double id;
            SMI_TRY(value_at(r, i, r->fold, &id));
            const smi_csv_field *f = cell(r, i, r->fold);
            SMI_FAIL_IF(id != floor(id), SMI_EINVAL,
                        "%s:%zu:%zu: fold id '%s' is not an integer", r->path, f->line, f->col,
                        f->text);
            SMI_FAIL_IF(id < INT_MIN || id > INT_MAX, SMI_EINVAL,
                        "%s:%zu:%zu: fold id '%s' is out of range: fold ids are integers from "
                        "%d to %d", r->path, f->line, f->col, f->text, INT_MIN, INT_MAX);
            folds[i] = (int)id;
        }
    }
    return SMI_OK;
}

static char **copy_strings(char *const *src, const size_t *index, size_t count, size_t stride,
                           const reader *r)
{
    char **out = smi_calloc_array(count, sizeof *out, "names");
    for (size_t k = 0; out && k < count; k++) {
        const char *s = src ? src[index ? index[k] : k] : cell(r, k, stride)->text;
        out[k] = smi_strdup(s, "name");
        if (!out[k]) {
            smi_free_strings(out, k);
            return NULL;
        }
    }
    return out;
}

static int build(reader *r, smi_dataset **out)
{
    double *X = smi_alloc_array(r->n, r->p * sizeof *X, "design matrix");
    double *y = smi_alloc_array(r->n, sizeof *y, "target");
    int *folds = r->fold != NO_COLUMN ? smi_alloc_array(r->n, sizeof *folds, "fold ids") : NULL;
    char **names = copy_strings(r->names, r->features, r->p, 0, r);
    char *target = smi_strdup(r->names[r->target], "target name");
    char **labels = r->label != NO_COLUMN ? copy_strings(NULL, NULL, r->n, r->label, r) : NULL;
    char *label_col = r->label != NO_COLUMN ? smi_strdup(r->names[r->label], "label") : NULL;
    int rc = SMI_OK;
    if (!X || !y || !names || !target || (r->fold != NO_COLUMN && !folds) ||
        (r->label != NO_COLUMN && (!labels || !label_col)))
        rc = SMI_ENOMEM;
    if (rc == SMI_OK)
        rc = fill_values(r, X, y, folds);
    if (rc != SMI_OK) {
        free(X);
        free(y);
        free(folds);
        smi_free_strings(names, names ? r->p : 0);
        free(target);
        smi_free_strings(labels, labels ? r->n : 0);
        free(label_col);
        return rc;
    }
    rc = smi_dataset_adopt(out, r->n, r->p, X, y, names, target, labels, label_col);
    if (rc == SMI_OK && folds) {
        rc = smi_dataset_adopt_fold_column(*out, folds);
        if (rc != SMI_OK) {
            smi_dataset_free(*out);
            *out = NULL;
        }
    }
    free(folds);
    return rc;
}

static int read_csv(reader *r, smi_dataset **out)
{
    SMI_TRY(smi_csv_lex(&r->table, r->path, r->opt->delimiter));
    SMI_TRY(read_header(r));
    SMI_TRY(check_rows(r));
    SMI_TRY(parse_fields(r));
    SMI_TRY(choose_roles(r));
    SMI_TRY(choose_features(r));
    return build(r, out);
}

/* A delimiter is 0 (detect), tab, or a printable ASCII character other than '"' (which
 * opens a quoted field) and '#' (which opens a comment line); a line end, another control
 * character or a byte of a multi-byte UTF-8 character cannot separate fields. */
static int check_delimiter(char delimiter)
{
    unsigned char c = (unsigned char)delimiter;
    if (c == 0 || c == '\t' || (c >= 0x20 && c < 0x7f && c != '"' && c != '#'))
        return SMI_OK;
    const char *why = c == '"'    ? "'\"' opens a quoted field"
                      : c == '#'  ? "'#' opens a comment line"
                      : c == '\n' || c == '\r' ? "it ends a line"
                      : c >= 0x7f ? "it is not a printable ASCII character"
                                  : "it is a control character";
    return smi_error_set(SMI_EINVAL,
                         "smi_csv_options: delimiter 0x%02x cannot separate fields: %s (use 0 "
                         "to detect, tab, or a printable ASCII character)", c, why);
}

SMI_API void smi_csv_options_init(smi_csv_options *opt)
{
    if (opt)
        *opt = (smi_csv_options){ .struct_size = sizeof *opt };
}

SMI_API int smi_dataset_read_csv(smi_dataset **out, const char *path,
                                 const smi_csv_options *opt)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_dataset_read_csv: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!path, SMI_EINVAL, "smi_dataset_read_csv: path is NULL");
    smi_csv_options defaults;
    smi_csv_options_init(&defaults);
    if (opt) {
        SMI_FAIL_IF(opt->struct_size < sizeof *opt, SMI_EINVAL,
                    "smi_csv_options.struct_size is %zu, expected %zu: call smi_csv_options_init",
                    opt->struct_size, sizeof *opt);
        SMI_FAIL_IF(opt->n_features > 0 && !opt->features, SMI_EINVAL,
                    "smi_csv_options: n_features is %zu but features is NULL", opt->n_features);
        SMI_TRY(check_delimiter(opt->delimiter));
    }
    reader r = { .path = path, .opt = opt ? opt : &defaults };
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    SMI_FAIL_IF(c_locale == (locale_t)0, SMI_ENOMEM, "cannot create the C locale");
    locale_t previous = uselocale(c_locale);
    int rc = read_csv(&r, out);
    uselocale(previous);
    freelocale(c_locale);
    smi_csv_table_free(&r.table);
    free(r.names);
    smi_name_index_free(&r.by_name);
    free(r.generated);
    free(r.n_text);
    free(r.n_missing);
    free(r.values);
    free(r.parsed);
    free(r.features);
    return rc;
}
