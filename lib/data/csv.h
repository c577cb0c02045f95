/* Delimited text, split into fields: the lexer behind smi_dataset_read_csv. */
#ifndef SMI_CSV_H
#define SMI_CSV_H

#include <stddef.h>

/* One field, unquoted and trimmed in place, NUL-terminated inside the table's buffer.
 * line and col (both 1-based) locate its first character in the file. */
typedef struct smi_csv_field {
    const char *text;
    size_t line, col;
} smi_csv_field;

/* The records of a file. Record r owns fields[row_start[r] .. row_start[r + 1]);
 * row_start has n_rows + 1 entries. Blank lines and '#' comment lines are not records. */
typedef struct smi_csv_table {
    char *buf;
    smi_csv_field *fields;
    size_t n_fields, fields_cap;
    size_t *row_start;
    size_t n_rows, rows_cap;
    char delimiter; /* ',', ';', '\t', or ' ' for runs of blanks */
} smi_csv_table;

/* smi_csv_lex: read `path` and split it into records. delimiter 0 detects it from the
 * first record (the most frequent of ',', ';', '\t' outside quotes; runs of blanks when
 * none occurs). Returns SMI_OK, SMI_EIO, SMI_EPARSE (bad quoting, with file:line:col) or
 * SMI_ENOMEM; the table is then empty. Free with smi_csv_table_free. */
int smi_csv_lex(smi_csv_table *table, const char *path, char delimiter);
void smi_csv_table_free(smi_csv_table *table);

static inline size_t smi_csv_row_size(const smi_csv_table *t, size_t r)
{
    return t->row_start[r + 1] - t->row_start[r];
}

static inline const smi_csv_field *smi_csv_row(const smi_csv_table *t, size_t r)
{
    return t->fields + t->row_start[r];
}

#endif /* SMI_CSV_H */
