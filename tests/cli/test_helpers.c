/* Tests of the sparsemi program's shared pieces (tools/sparsemi/common/cli.h): the JSON
 * writer's exact output, option parsing and its usage errors, the progress bar's text,
 * and atomic output, including removal of the temporary file on a fatal signal.
 * Usage errors print their messages to stderr; that is expected in the log. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "minicheck.h"

/* ---- JSON ------------------------------------------------------------------------- */

static void test_json_layout(void)
{
    capture c;
    cli_json j;
    cli_json_init(&j, capture_open(&c));
    cli_json_begin_object(&j);
    cli_json_key(&j, "a"), cli_json_uint(&j, 1);
    cli_json_key(&j, "b"), cli_json_begin_array(&j), cli_json_end_array(&j);
    cli_json_key(&j, "c"), cli_json_begin_object(&j), cli_json_end_object(&j);
    cli_json_key(&j, "d"), cli_json_begin_array(&j);
    cli_json_null(&j);
    cli_json_string(&j, "x");
    cli_json_bool(&j, 1);
    cli_json_int(&j, -7);
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    CHECK(cli_json_finish(&j) == 0);
    capture_close(&c);
    CHECK_STR(c.text, "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {},\n  \"d\": [\n    null,\n"
                      "    \"x\",\n    true,\n    -7\n  ]\n}\n");
    free(c.text);
}

static void test_json_numbers(void)
{
    capture c;
    cli_json j;
    cli_json_init(&j, capture_open(&c));
    cli_json_begin_array(&j);
    const double values[] = { 0.1, 1.0 / 3.0, -2.5e-300, 82, NAN, INFINITY, -INFINITY, 1e308 };
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++)
        cli_json_number(&j, values[k]);
    cli_json_end_array(&j);
    CHECK(cli_json_finish(&j) == 0);
    capture_close(&c);
    CHECK_STR(c.text, "[\n  0.10000000000000001,\n  0.33333333333333331,\n  -2.5e-300,\n  82,\n"
                      "  null,\n  null,\n  null,\n  1e+308\n]\n");
    free(c.text);
}

static void check_escaped(const char *in, const char *want)
{
    capture c;
    cli_json j;
    cli_json_init(&j, capture_open(&c));
    cli_json_string(&j, in);
    cli_json_finish(&j);
    capture_close(&c);
    CHECK_STR(c.text, want);
    free(c.text);
}

static void test_json_strings(void)
{
    check_escaped("plain", "\"plain\"\n");
    check_escaped("q\"b\\s/", "\"q\\\"b\\\\s/\"\n");
    check_escaped("\b\t\n\v\f\r\x01\x1f\x7f", "\"\\b\\t\\n\\u000b\\f\\r\\u0001\\u001f\x7f\"\n");
    check_escaped("caf\xc3\xa9 \xce\xb1\xe2\x82\x82 \xf0\x9f\x98\x80",
                  "\"caf\xc3\xa9 \xce\xb1\xe2\x82\x82 \xf0\x9f\x98\x80\"\n");
    /* a lone continuation byte, an overlong '/', a surrogate, a cut sequence, 0xff */
    check_escaped("a\x80z", "\"a\\ufffdz\"\n");
    check_escaped("\xc0\xaf", "\"\\ufffd\\ufffd\"\n");
    check_escaped("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"\n");
    check_escaped("\xe2\x82", "\"\\ufffd\\ufffd\"\n");
    check_escaped("\xff", "\"\\ufffd\"\n");
    check_escaped("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n");
}

static void test_json_misuse(void)
{
    capture c;
    cli_json j;
    cli_json_init(&j, capture_open(&c));
    cli_json_begin_object(&j);
    cli_json_null(&j); /* a value without a key */
    cli_json_end_object(&j);
    CHECK(cli_json_finish(&j) < 0);
    cli_json_init(&j, c.f);
    cli_json_begin_array(&j);
    CHECK(cli_json_finish(&j) < 0); /* left open */
    cli_json_init(&j, c.f);
    cli_json_begin_array(&j);
    cli_json_end_object(&j);
    CHECK(cli_json_finish(&j) < 0);
    capture_close(&c);
    free(c.text);
}

/* ---- options ---------------------------------------------------------------------- */

typedef struct parsed {
    int flag;
    const char *name;
    double x;
    size_t k;
    cli_list list;
    const char *pos[2];
    size_t n_pos;
} parsed;

static int parse(parsed *p, int argc, const char **args)
{
    const cli_option options[] = {
        { "flag", CLI_OPT_FLAG, &p->flag, NULL, "a flag" },
        { "name", CLI_OPT_STRING, &p->name, "NAME", "a string" },
        { "x", CLI_OPT_DOUBLE, &p->x, "X", "a number" },
        { "k", CLI_OPT_SIZE, &p->k, "K", "a count" },
        { "list", CLI_OPT_LIST, &p->list, "A,B", "a list" },
    };
    const cli_spec spec = { "test", "DATA [options]", "Test.\n", options, 5, "DATA", 1, 2 };
    cli_list_free(&p->list);
    *p = (parsed){ 0 };
    char *argv[16];
    argv[0] = "test";
    for (int i = 0; i < argc; i++)
        argv[i + 1] = (char *)args[i];
    return cli_parse(&spec, argc + 1, argv, p->pos, &p->n_pos);
}

#define PARSE(p, ...) \
    parse((p), (int)(sizeof (const char *[]){ __VA_ARGS__ } / sizeof(const char *)), \
          (const char *[]){ __VA_ARGS__ })

static void test_options_good(void)
{
    parsed p = { 0 };
    CHECK(PARSE(&p, "d.csv", "--flag", "--name", "n1", "--x=-1.5e3", "--k", "12",
                "--list", "a,b\\,c,d") == CLI_CONTINUE);
    CHECK(p.flag == 1 && strcmp(p.name, "n1") == 0 && p.x == -1.5e3 && p.k == 12);
    CHECK(p.n_pos == 1 && strcmp(p.pos[0], "d.csv") == 0);
    CHECK(p.list.count == 3);
    if (p.list.count == 3) {
        CHECK_STR(p.list.items[0], "a");
        CHECK_STR(p.list.items[1], "b,c");
        CHECK_STR(p.list.items[2], "d");
    }
    /* a value may begin with '-'; "-" and anything after "--" are positional */
    CHECK(PARSE(&p, "--x", "-2", "-", "--", "--flag") == CLI_CONTINUE);
    CHECK(p.x == -2 && p.flag == 0 && p.n_pos == 2 && strcmp(p.pos[1], "--flag") == 0);
    CHECK(PARSE(&p, "--list=one", "d", "--list=two,three") == CLI_CONTINUE);
    CHECK(p.list.count == 2); /* the last one wins; the first is freed */
    cli_list_free(&p.list);
}

static void test_options_bad(void)
{
    parsed p = { 0 };
    CHECK(PARSE(&p, "d", "--nope") == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "d", "--nope=1") == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "d", "-n") == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "d", "--name") == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "d", "--name=") == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "d", "--flag=1") == CLI_EXIT_USAGE);
    const char *bad_x[] = { "abc", "1x", " 1", "nan", "inf", "1e999", "" };
    for (size_t k = 0; k < sizeof bad_x / sizeof bad_x[0]; k++)
        CHECK(PARSE(&p, "d", "--x", bad_x[k]) == CLI_EXIT_USAGE);
    const char *bad_k[] = { "-1", "+1", "1.5", "99999999999999999999999", "0x10" };
    for (size_t k = 0; k < sizeof bad_k / sizeof bad_k[0]; k++)
        CHECK(PARSE(&p, "d", "--k", bad_k[k]) == CLI_EXIT_USAGE);
    const char *bad_list[] = { ",a", "a,", "a,,b", "," };
    for (size_t k = 0; k < sizeof bad_list / sizeof bad_list[0]; k++)
        CHECK(PARSE(&p, "d", "--list", bad_list[k]) == CLI_EXIT_USAGE);
    CHECK(PARSE(&p, "--flag") == CLI_EXIT_USAGE); /* DATA missing */
    CHECK(PARSE(&p, "a", "b", "c") == CLI_EXIT_USAGE);
    cli_list_free(&p.list);
}

static void test_delimiters(void)
{
    const struct { const char *text; int ok; char c; } cases[] = {
        { "auto", 1, 0 }, { "tab", 1, '\t' }, { "\\t", 1, '\t' }, { "\t", 1, '\t' },
        { "space", 1, ' ' }, { ",", 1, ',' }, { ";", 1, ';' }, { "|", 1, '|' },
        { "comma", 1, ',' }, { "\"", 0, 0 }, { "#", 0, 0 }, { "ab", 0, 0 }, { "", 0, 0 },
        { "\xc3\xa9", 0, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char c = 'X';
        int rc = cli_parse_delimiter(cases[k].text, &c);
        CHECK((rc == 0) == cases[k].ok);
        if (cases[k].ok)
            CHECK(c == cases[k].c);
    }
}

/* ---- progress --------------------------------------------------------------------- */

static void test_progress_text(void)
{
    char buf[128];
    cli_progress_format(buf, sizeof buf, 0.42, 1.23e6, 12.4);
    CHECK_STR(buf, "[########............] 42% 1.2e6/s ETA 0:12");
    cli_progress_format(buf, sizeof buf, 0.0, -1, -1);
    CHECK_STR(buf, "[....................] 0% ETA --:--");
    cli_progress_format(buf, sizeof buf, 1.0, 950, 0);
    CHECK_STR(buf, "[####################] 100% 950/s ETA 0:00");
    cli_progress_format(buf, sizeof buf, 0.999, 9.96e9, 3725);
    CHECK_STR(buf, "[###################.] 99% 1.0e10/s ETA 1:02:05");
    cli_progress_format(buf, sizeof buf, NAN, -1, -1);
    CHECK_STR(buf, "[....................] 0% ETA --:--");
    CHECK(cli_progress_format(buf, 8, 0.5, -1, -1) == 7 && strlen(buf) == 7);
    cli_progress p;
    cli_progress_start(&p, 1, 100); /* quiet: never draws */
    CHECK(cli_progress_update(&p, 0.5) == 0 && p.drawn == 0);
    cli_progress_finish(&p);
}

/* ---- atomic output ---------------------------------------------------------------- */

static int count_temp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static char *read_file(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_output(const char *dir)
{
    char path[512], sub[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    cli_output out;
    CHECK(cli_output_open(&out, path) == 0);
    fputs("first", out.stream);
    CHECK(access(path, F_OK) != 0 && count_temp_files(dir) == 1); /* not there until commit */
    CHECK(cli_output_commit(&out) == 0);
    CHECK(read_file(path) && strcmp(read_file(path), "first") == 0);
    CHECK(count_temp_files(dir) == 0);
    cli_output_discard(&out); /* no-op after commit */

    CHECK(cli_output_open(&out, path) == 0);
    fputs("second", out.stream);
    cli_output_discard(&out);
    CHECK(strcmp(read_file(path), "first") == 0 && count_temp_files(dir) == 0);

    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
    CHECK(cli_output_open(&out, sub) == 0);
    CHECK(cli_output_commit(&out) == CLI_EXIT_INPUT); /* rename over a directory fails */
    CHECK(count_temp_files(dir) == 0);
    rmdir(sub);

    snprintf(sub, sizeof sub, "%s/missing/out.txt", dir);
    CHECK(cli_output_open(&out, sub) == CLI_EXIT_INPUT);
    cli_output_discard(&out);
}

/* A run killed while writing leaves neither the file nor its temporary file. */
static void test_output_signal(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/killed.txt", dir);
    pid_t pid = fork();
    if (pid == 0) {
        cli_output out;
        if (cli_output_open(&out, path) != 0)
            _exit(3);
        fputs("half", out.stream);
        fflush(out.stream);
        raise(SIGTERM);
        _exit(4); /* not reached when the handler re-raises */
    }
    int wstatus = 0;
    CHECK(pid > 0 && waitpid(pid, &wstatus, 0) == pid);
    CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGTERM);
    CHECK(access(path, F_OK) != 0 && count_temp_files(dir) == 0);
}

int main(void)
{
    char dir[] = "/tmp/sparsemi-cli-helpers.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_json_layout();
    test_json_numbers();
    test_json_strings();
    test_json_misuse();
    test_options_good();
    test_options_bad();
    test_delimiters();
    test_progress_text();
    test_output(dir);
    test_output_signal(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    remove(path);
    rmdir(dir);
    printf("%d checks, %d failed: %s\n", n_checks, n_failed, n_failed ? "FAILED" : "OK");
    return n_failed ? 1 : 0;
}
