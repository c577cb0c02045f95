/* The pieces shared by the subcommands of the `sparsemi` program: exit statuses and
 * messages, option parsing, a JSON writer and reader, atomic output files, a progress bar
 * and SVG drawing.
 * The program uses only the public header sparsemi.h, like any user of the library.
 * Nothing here is thread-safe: the program is single-threaded outside the library. */
#ifndef SPARSEMI_CLI_H
#define SPARSEMI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sparsemi.h"

#if defined(__GNUC__)
#define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLI_PRINTF(fmt, args)
#endif

/* ------------------------------------------------------------------------------------
 * Exit statuses (DESIGN.md 5) and messages: messages.c
 * ------------------------------------------------------------------------------------ */

enum {
    CLI_EXIT_OK = 0,    /* success */
    CLI_EXIT_INPUT = 1, /* bad input: data, files, numerical failure */
    CLI_EXIT_USAGE = 2  /* bad command line */
};

/* cli_fail_library: print "sparsemi: " and smi_last_error() (or the name of `status`
 * when the library left no message) to stderr. Returns CLI_EXIT_INPUT. */
int cli_fail_library(int status);

/* cli_fail: print "sparsemi: " and the formatted message to stderr.
 * Returns CLI_EXIT_INPUT. */
int cli_fail(const char *fmt, ...) CLI_PRINTF(1, 2);

/* cli_usage_error: print "sparsemi COMMAND: " and the formatted message, then a hint
 * naming `sparsemi help COMMAND`, to stderr. Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);

/* ------------------------------------------------------------------------------------
 * Options: options.c
 * Long options only: `--name VALUE` or `--name=VALUE`; flags take no value; `--` ends
 * the options; `-h` and `--help` print the command's help. Anything else that does not
 * begin with '-' (and a lone "-") is a positional argument.
 * ------------------------------------------------------------------------------------ */

typedef enum cli_opt_type {
    CLI_OPT_FLAG,   /* int *: set to 1 */
    CLI_OPT_STRING, /* const char **: points into argv */
    CLI_OPT_DOUBLE, /* double *: a finite number */
    CLI_OPT_SIZE,   /* size_t *: a non-negative integer */
    CLI_OPT_LIST    /* cli_list *: a comma-separated list; "\," is a literal comma */
} cli_opt_type;

/* A list of strings from `a,b,c`: count items, one allocation each for the pointers and
 * the characters. Zero-initialise, free with cli_list_free. */
typedef struct cli_list {
    size_t count;
    char **items;
} cli_list;

/* cli_read_dataset: smi_dataset_read_csv with the options every subcommand takes
 * (delimiter 0 detects it; NULL names take the library's defaults). Returns its status. */
int cli_read_dataset(const char *path, char delimiter, const char *target,
                     const char *label_column, const char *fold_column,
                     const cli_list *features, smi_dataset **ds);

/* What a command read DATA with, for cli_require_target. */
typedef struct cli_data_request {
    const char *path;
    char delimiter;
    const char *target, *label_column, *fold_column;
    const cli_list *features;
} cli_data_request;

/* cli_require_target: --target may be left out only when DATA has one numeric column
 * besides the label and fold columns (then it is the target, and there is nothing to
 * predict it from). Else CLI_CONTINUE when --target was given, or exit 2 after a usage
 * error of `command` naming DATA's numeric columns. */
int cli_require_target(const char *command, const cli_data_request *rq, const smi_dataset *ds);

/* cli_feature_warnings: the features a search can never use, found by smi_dataset_check:
 * a constant feature (with an intercept; without one only a column of zeros) makes every
 * subset holding it singular, a feature equal to an earlier one every subset holding both.
 * One text per feature in *texts (NULL and 0 when there is none; free with
 * cli_strings_free). Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message.
 * cli_warn_features: print them as one warning line on stderr, naming at most
 * CLI_WARN_NAMED of them, before a search starts. */
#define CLI_WARN_NAMED 20
int cli_feature_warnings(const smi_dataset *ds, int intercept, char ***texts, size_t *count);
void cli_warn_features(char *const *texts, size_t count);
void cli_strings_free(char **texts, size_t count);

/* ------------------------------------------------------------------------------------
 * The library's defaults: defaults.c
 * Every default the command line shares with the library is read from a fresh
 * configuration's getters, never written in tools/.
 * ------------------------------------------------------------------------------------ */

typedef struct cli_defaults {
    /* smi_search_create */
    size_t folds, top, bins, threads;
    int fold_shuffle;
    uint64_t fold_seed;
    double fe_alpha, fe_beta;          /* beta 0: 1 / var(y) of the data */
    double ng_lambda, ng_a0, ng_b0, ratio_lo, ratio_hi;
    size_t ratio_n;
    int model_prior;
    double prior_q;
    /* smi_lasso_create */
    double l1_ratio, min_ratio, tol;   /* min_ratio 0: the library's rule (by n and p) */
    size_t n_lambdas, max_passes, lasso_folds;
    int lasso_fold_shuffle;
    uint64_t lasso_fold_seed;
    /* smi_remc_create */
    size_t replicas, sweeps, burn_in;
    double beta_max;
    uint64_t remc_seed;
    /* smi_vma_create */
    size_t trials;
    uint64_t vma_seed;
} cli_defaults;

/* cli_defaults_get: fill *d from fresh configurations; returns the library's status.
 * cli_library_defaults: the same, read once (all zero if memory ran out). */
int cli_defaults_get(cli_defaults *d);
const cli_defaults *cli_library_defaults(void);

/* cli_threads_used: for the report only, the threads a run with the library's thread
 * policy uses: `threads`, 0 meaning every core, at most one per work item (work_items 0:
 * no such limit). The run itself is given `threads` as asked. */
size_t cli_threads_used(size_t threads, size_t work_items);

/* ------------------------------------------------------------------------------------
 * Folds of cross-validation: folds.c
 * Folds belong to a run's configuration, not to the data set; a fold column read with the
 * data is data until passed on. A cli_folds says which folds a run uses: none (k 0),
 * K-fold (shuffled with seed, or sample i in fold i mod K), or the ids of a fold column
 * (not owned: keep them alive). The program only passes them on: the library assigns
 * them and refuses folds the data cannot take when the run starts.
 * ------------------------------------------------------------------------------------ */

typedef struct cli_folds {
    size_t k;                 /* the number of folds; 0: none */
    int shuffle;              /* K-fold: shuffled with seed, else sample i in fold i mod K */
    unsigned long long seed;
    const int *ids;           /* a fold column's ids (0..k-1, one per sample), or NULL */
} cli_folds;

/* cli_folds_kfold: K-fold folds, k >= 2. */
cli_folds cli_folds_kfold(size_t k, int shuffle, unsigned long long seed);

/* cli_folds_column: the folds of ds's fold column, their ids copied into *ids (n values,
 * malloc'ed; free them after the last use of *f). Returns the library's status (SMI_EINVAL
 * without a fold column); *ids is NULL after a failure. */
int cli_folds_column(const smi_dataset *ds, int **ids, cli_folds *f);

/* cli_folds_set_search, cli_folds_set_lasso: put the folds (for n samples) into cfg with
 * smi_*_set_folds or smi_*_set_fold_ids; none leaves cfg as it is. Return the status. */
int cli_folds_set_search(const cli_folds *f, size_t n, smi_search *cfg);
int cli_folds_set_lasso(const cli_folds *f, size_t n, smi_lasso *cfg);


void cli_list_free(cli_list *list);

/* cli_list_split: split `text` at unescaped commas into *list (freed first).
 * Returns 0, or -1 for an empty item (",a", "a,,b", "a,") or when memory runs out. */
int cli_list_split(cli_list *list, const char *text);

typedef struct cli_option {
    const char *name;    /* without the leading "--" */
    cli_opt_type type;
    void *value;         /* where the value goes; see cli_opt_type */
    const char *metavar; /* the value's name in the help, e.g. "FILE"; NULL for flags */
    const char *help;    /* one line */
} cli_option;

/* What a subcommand accepts, for the parser and for its help text. */
typedef struct cli_spec {
    const char *command;       /* "info" */
    const char *synopsis;      /* after "sparsemi info ", e.g. "DATA [options]" */
    const char *description;   /* a paragraph, lines ending in '\n' */
    const cli_option *options;
    size_t n_options;
    const char *positional;    /* the positional arguments' name in messages, e.g. "DATA" */
    size_t min_positional;     /* positional arguments required */
    size_t max_positional;     /* and allowed */
} cli_spec;

/* Returned by cli_parse when the command should go on. */
#define CLI_CONTINUE (-1)

/* cli_parse: parse argv[1..argc-1] (argv[0] is the subcommand's name) against spec.
 * Positional arguments go to positional[0..max_positional-1], their count to *n_positional.
 * Returns CLI_CONTINUE; or CLI_EXIT_OK after printing the help for -h/--help; or
 * CLI_EXIT_USAGE after a message that names the option at fault (unknown option, missing
 * value, bad number, bad list, value given to a flag, wrong number of positionals).
 * Lists already filled stay allocated on every return: free them. */
int cli_parse(const cli_spec *spec, int argc, char **argv, const char **positional,
              size_t *n_positional);

/* cli_print_help: the usage line, description and option table of spec. */
void cli_print_help(const cli_spec *spec, FILE *out);

/* cli_parse_numbers: text as exactly `count` finite numbers separated by ':' ("1e-4:1e4:20"),
 * each as for CLI_OPT_DOUBLE, into values[0..count-1]. Returns 0, or -1 for anything else
 * (values then undefined). */
int cli_parse_numbers(const char *text, double *values, size_t count);

/* cli_parse_delimiter: map a --delimiter value to the character smi_csv_options wants:
 * "auto" -> 0, "tab" or "\t" -> '\t', "space" -> ' ', "comma", "semicolon", or any one
 * printable character other than '"' and '#'. Returns 0, or -1 for anything else. */
int cli_parse_delimiter(const char *text, char *delimiter);
/* cli_delimiter_option: --delimiter's text (NULL: not given, *delimiter untouched) for
 * `command`: CLI_CONTINUE, or exit 2 after a usage error saying why it cannot be one. */
int cli_delimiter_option(const char *command, const char *text, char *delimiter);

/* ------------------------------------------------------------------------------------
 * JSON writer: json.c
 * Pretty-printed with two-space indentation. Strings are escaped per RFC 8259; valid
 * UTF-8 passes through unchanged and invalid bytes become U+FFFD, so the output is
 * always valid JSON. Numbers are written with %.17g (exact round trip); NaN and
 * infinities, which JSON cannot express, are written as null.
 * ------------------------------------------------------------------------------------ */

#define CLI_JSON_MAX_DEPTH 32

typedef struct cli_json {
    FILE *out;
    int depth;       /* open containers */
    int after_key;   /* a key was written and its value is due */
    int misuse;      /* nesting too deep, unbalanced, or a key outside an object */
    unsigned char has_items[CLI_JSON_MAX_DEPTH]; /* the container at each depth is non-empty */
    unsigned char is_object[CLI_JSON_MAX_DEPTH];
} cli_json;

void cli_json_init(cli_json *j, FILE *out);
void cli_json_begin_object(cli_json *j);
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j);
void cli_json_end_array(cli_json *j);
/* cli_json_key: the key of the next member of the enclosing object. */
void cli_json_key(cli_json *j, const char *key);
/* cli_json_string: s, or null when s is NULL. */
void cli_json_string(cli_json *j, const char *s);
void cli_json_number(cli_json *j, double x);
void cli_json_uint(cli_json *j, unsigned long long x);
void cli_json_int(cli_json *j, long long x);
void cli_json_bool(cli_json *j, int b);
void cli_json_null(cli_json *j);
/* cli_json_begin_report: start the document of a command's report on out: the object
 * with its first members "command" (the subcommand's name) and "version" (the library's). */
void cli_json_begin_report(cli_json *j, FILE *out, const char *command);
/* cli_json_numbers: an array of count numbers (NaN and infinities: null).
 * cli_json_names: an array of the names names[index[k]] for k below count. */
void cli_json_numbers(cli_json *j, const double *x, size_t count);
void cli_json_names(cli_json *j, const char **names, const size_t *index, size_t count);
/* cli_json_finish: end the document with a newline.
 * Returns 0, or -1 when containers are left open or the writer was misused. Write
 * errors are the stream's: see ferror, or cli_output_commit. */
int cli_json_finish(cli_json *j);

/* cli_utf8_length: the length (2 to 4) of the well-formed multi-byte UTF-8 sequence at s,
 * or 0 when there is none (an ASCII byte, a stray or truncated sequence). */
int cli_utf8_length(const unsigned char *s);

/* ------------------------------------------------------------------------------------
 * JSON reader: json_read.c (the parser), json_value.c (files, queries)
 * For files the program reads back (the JSON of `es --json`): the whole text becomes
 * a tree. Strings are UTF-8 without NUL; a number keeps its text in `string` too, so that
 * large integers read exactly (cli_jv_uint).
 * ------------------------------------------------------------------------------------ */

typedef enum cli_jv_type {
    CLI_JV_NULL, CLI_JV_BOOL, CLI_JV_NUMBER, CLI_JV_STRING, CLI_JV_ARRAY, CLI_JV_OBJECT
} cli_jv_type;

typedef struct cli_jv {
    cli_jv_type type;
    int boolean;           /* BOOL */
    double number;         /* NUMBER (+-HUGE_VAL when out of range) */
    char *string;          /* STRING: the text; NUMBER: the literal as written */
    size_t count;          /* ARRAY, OBJECT: the number of items */
    struct cli_jv *items;  /* ARRAY: the items; OBJECT: the values */
    char **keys;           /* OBJECT: the keys, in file order */
} cli_jv;

/* cli_json_parse: parse len bytes of text into a new tree *out (free with cli_jv_free).
 * Returns 0, or -1 with "line L: what" in err (and *out NULL). */
int cli_json_parse(const char *text, size_t len, cli_jv **out, char *err, size_t errcap);

/* cli_json_read_file: read and parse the file at path. Returns CLI_EXIT_OK, or
 * CLI_EXIT_INPUT after a message naming path (and *out NULL). */
int cli_json_read_file(const char *path, cli_jv **out);

void cli_jv_free(cli_jv *v);

/* cli_jv_get: the value of `key` in obj; NULL when obj is NULL, no object, or lacks it. */
const cli_jv *cli_jv_get(const cli_jv *obj, const char *key);

/* cli_jv_uint: a number written as a non-negative integer, exactly. Returns 0, or -1 for
 * NULL, anything else, or one beyond unsigned long long. */
int cli_jv_uint(const cli_jv *v, unsigned long long *out);

/* cli_jv_equal: 1 when a and b are the same JSON value (objects: same keys, any order). */
int cli_jv_equal(const cli_jv *a, const cli_jv *b);

/* ------------------------------------------------------------------------------------
 * Atomic output files: output.c
 * A file is written to a temporary file PATH.tmp.HOST-PID-RANDOM in PATH's directory,
 * flushed, fsync'd and renamed over PATH, so PATH is either the old file or the complete
 * new one. On any failure, and on SIGINT, SIGTERM, SIGHUP or SIGPIPE, the temporary file
 * is removed; opening PATH removes the temporaries of PATH that killed runs left.
 * The path "-" means standard output, written directly.
 * ------------------------------------------------------------------------------------ */

typedef struct cli_output {
    FILE *stream;   /* write here */
    const char *path;
    char *tmp_path; /* NULL for standard output or when closed */
    int slot;       /* index in the signal handler's table of temporary files */
} cli_output;

/* cli_output_open: create the temporary file for `path` (not copied: keep it alive).
 * Returns 0, or CLI_EXIT_INPUT after a message naming path. */
int cli_output_open(cli_output *out, const char *path);

/* cli_output_by_name: close the open temporary file and return its name, so that another
 * writer (the library's smi_search_result_save) replaces it by name; the commit then
 * renames that file over the path. NULL for standard output, a device or a pipe, which
 * cannot be written that way. */
const char *cli_output_by_name(cli_output *out);

/* cli_output_commit: flush, fsync, close and rename the temporary file over the path;
 * for "-", flush standard output. Returns 0, or CLI_EXIT_INPUT after a message (the
 * temporary file is then removed). */
int cli_output_commit(cli_output *out);

/* cli_output_discard: close and remove the temporary file. A no-op after commit, for
 * standard output, and on a zero-initialised cli_output. */
void cli_output_discard(cli_output *out);

/* A command's outputs, opened before the work so that an unwritable path fails early,
 * committed together after it, and discarded together on any failure so that a failed
 * run leaves no file behind. Slot 0 is the JSON file; the others are the command's own
 * (its pictures PREFIX-suffix). Zero-initialise before use. */
#define CLI_OUTPUTS_MAX 5 /* the most any command writes: es's JSON, 3 pictures, --save */

typedef struct cli_outputs {
    cli_output file[CLI_OUTPUTS_MAX];
    char *path[CLI_OUTPUTS_MAX]; /* the names the set made and owns; NULL for slot 0 */
} cli_outputs;

/* cli_outputs_open: open slot 0 at `json` (not copied; none when NULL) and, when `prefix`
 * is not NULL, slot k at PREFIX followed by suffix[k] for each k in 1..n-1 whose suffix is
 * not NULL (suffix[0] is not read). Stops at the first failure.
 * Returns 0, or CLI_EXIT_INPUT after a message (close the set with cli_outputs_discard). */
int cli_outputs_open(cli_outputs *o, const char *json, const char *prefix,
                     const char *const *suffix, int n);

/* cli_outputs_open_at: open slot k (unused so far) at `path`, a malloc'ed name the set
 * now owns; NULL (a failed allocation) fails with "out of memory". Returns as above. */
int cli_outputs_open_at(cli_outputs *o, int k, char *path);

/* cli_outputs_commit: commit every open slot, all or nothing: every temporary file is
 * written out and synced before the first rename, and a failed rename undoes those before
 * it, so that the set's files are all new or all as they were (output.c says how).
 * Returns 0, or CLI_EXIT_INPUT after a message (the set is then discarded). */
int cli_outputs_commit(cli_outputs *o);

/* cli_announce_written: "sparsemi: wrote PATH" on stderr, for every file a command writes
 * (cli_output_commit says it of its own; a file the library writes, such as a saved
 * result, is announced by the command), unless cli_announce_quiet(1) (--quiet). */
void cli_announce_quiet(int quiet);
void cli_announce_written(const char *path);

/* cli_outputs_discard: discard what is not committed and free the names; the set is then
 * empty. A no-op on a zero-initialised set. */
void cli_outputs_discard(cli_outputs *o);

/* ------------------------------------------------------------------------------------
 * Progress bar on stderr: progress.c
 * "[#####.....] 42% 1.2e6/s ETA 0:12", redrawn at most ten times a second, only when
 * stderr is a terminal and the user did not ask for --quiet.
 * ------------------------------------------------------------------------------------ */

typedef struct cli_progress {
    int enabled;
    double total;   /* work units in the whole job (for the rate); 0: show no rate */
    double start;   /* monotonic seconds */
    double last_draw;
    int drawn;      /* something is on the line and must be cleared */
} cli_progress;

void cli_progress_start(cli_progress *p, int quiet, double total);

/* cli_progress_update: an smi_progress_fn (user = the cli_progress). Returns 0. */
int cli_progress_update(void *user, double fraction);

/* cli_progress_finish: clear the bar's line. */
void cli_progress_finish(cli_progress *p);

/* cli_progress_format: the bar's text for `fraction` done (0..1), a rate in units per
 * second (< 0: unknown) and an estimated time left in seconds (< 0: unknown) into buf.
 * Returns the length written (truncated to cap - 1). Pure, for tests. */
size_t cli_progress_format(char *buf, size_t cap, double fraction, double rate, double eta);

/* cli_seconds: a monotonic clock in seconds, for elapsed times. */
double cli_seconds(void);

/* ------------------------------------------------------------------------------------
 * SVG pictures: svg.c
 * Plain SVG 1.1 written by hand, so that --plot needs no library: a document, rectangles,
 * lines and text (escaped for XML), plus the arithmetic of axes and colour scales.
 * Coordinates are in pixels, y downwards, as in SVG.
 * ------------------------------------------------------------------------------------ */

/* How a text is drawn: size in pixels; anchor "start", "middle" or "end" (NULL: start);
 * angle in degrees, clockwise, about (x, y); fill a colour (NULL: black); bold. */
typedef struct cli_svg_font {
    double size;
    const char *anchor;
    double angle;
    const char *fill;
    int bold;
} cli_svg_font;

/* cli_svg_begin: the XML declaration, the <svg> element of width x height pixels with a
 * white background, and a <title> (escaped). cli_svg_end closes the document. */
void cli_svg_begin(FILE *out, double width, double height, const char *title);
void cli_svg_end(FILE *out);

/* cli_svg_rect: a rectangle filled with `fill` (a colour), outlined with `stroke` (NULL:
 * none); `tooltip` (NULL: none) becomes its <title>, shown by browsers on hover. */
void cli_svg_rect(FILE *out, double x, double y, double w, double h, const char *fill,
                  const char *stroke, const char *tooltip);

/* cli_svg_line: a line of the given colour and width; dashed != 0 draws it dashed. */
void cli_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke,
                  double width, int dashed);

/* cli_svg_polyline: a line through the n points (x[k], y[k]), unfilled, of the given colour
 * and width; nothing for n == 0. */
void cli_svg_polyline(FILE *out, const double *x, const double *y, size_t n, const char *stroke,
                      double width);

/* cli_svg_polygon: the closed polygon through the n points, filled with `fill` at the given
 * opacity (0 to 1), no outline; nothing for n == 0. */
void cli_svg_polygon(FILE *out, const double *x, const double *y, size_t n, const char *fill,
                     double opacity);

/* cli_svg_circle: a circle of radius r filled with `fill`, outlined with `stroke` (NULL:
 * none); `tooltip` (NULL: none) becomes its <title>. */
void cli_svg_circle(FILE *out, double cx, double cy, double r, const char *fill,
                    const char *stroke, const char *tooltip);

/* cli_svg_text: printf-formatted text at (x, y) (the baseline), escaped for XML. */
void cli_svg_text(FILE *out, const cli_svg_font *font, double x, double y, const char *fmt,
                  ...) CLI_PRINTF(5, 6);

/* cli_svg_escape: text as XML character data: & < > " ' as entities, bytes that are no
 * valid UTF-8 and control characters (which XML 1.0 forbids) as U+FFFD. */
void cli_svg_escape(FILE *out, const char *text);

/* cli_svg_ticks: "nice" axis ticks (1, 2 or 5 times a power of ten apart) inside
 * [lo, hi], about `target` of them; at most cap are written to ticks. Returns the count
 * and the spacing in *step. lo < hi, both finite. */
size_t cli_svg_ticks(double lo, double hi, size_t target, double *ticks, size_t cap,
                     double *step);

/* cli_svg_tick_label: value as text with as many decimals as `step` needs ("0.25",
 * "1500", "-2e+06" for large magnitudes), never "-0". */
void cli_svg_tick_label(char *buf, size_t cap, double value, double step);

/* cli_svg_diverging: "#rrggbb" for v in [-1, 1] on a blue-white-red scale (ColorBrewer
 * RdBu): blue below 0, red above; even a tiny |v| is visibly tinted, so that a coloured
 * cell is never mistaken for an empty one. v outside [-1, 1] is clamped. */
void cli_svg_diverging(double v, char buf[8]);

/* The frame of a density-of-states picture (svg_dos.c), one for es and remc: the plot area
 * in pixels and the ranges drawn on it, the criterion on x, log10(subsets per bin) on y.
 * cli_dos_frame_fit: x from x_lo to x_hi (widened when they (nearly) coincide); y from 0.5
 * (so that a bin of one subset shows as a bar; lower when count_lo is below it) to twice
 * count_hi (at least 20, so that 1 and 10 both appear), at most 16 decades.
 * cli_dos_x, cli_dos_y: pixel coordinates; a count off the axis is drawn at its edge.
 * cli_dos_count_axis, cli_dos_criterion_axis: the axes, ticks, labels and titles.
 * cli_svg_power_label: 10^exponent as "0.01", "1", "1000", "10⁴", "10⁻³". */
typedef struct cli_dos_frame {
    double left, right, top, bottom;
    double xlo, xhi, ylo, yhi;
} cli_dos_frame;
void cli_dos_frame_fit(cli_dos_frame *f, double x_lo, double x_hi, double count_lo,
                       double count_hi);
double cli_dos_x(const cli_dos_frame *f, double value);
double cli_dos_y(const cli_dos_frame *f, double count);
void cli_dos_count_axis(FILE *out, const cli_dos_frame *f);
void cli_dos_criterion_axis(FILE *out, const cli_dos_frame *f, int criterion);
void cli_svg_power_label(char *buf, size_t cap, int exponent);
/* cli_dos_best_mark: the best model at `value` as a dashed line of `colour` with `label`
 * above the plot area (nothing when value lies off the axis). */
void cli_dos_best_mark(FILE *out, const cli_dos_frame *f, double value, const char *colour,
                       const char *label);

/* ------------------------------------------------------------------------------------
 * Subcommands: one file each, cmd_NAME.c. argv[0] is the subcommand's name.
 * Each returns an exit status.
 * ------------------------------------------------------------------------------------ */

int cmd_info(int argc, char **argv);
int cmd_es(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_remc(int argc, char **argv);
int cmd_lasso(int argc, char **argv);
int cmd_vma(int argc, char **argv);

#endif /* SPARSEMI_CLI_H */
