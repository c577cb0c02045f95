/* Atomic output files (DESIGN.md 5: an interrupted run never leaves half a file).
 *
 * Invariants:
 *  (1) PATH itself is only ever touched by rename(2), which replaces it in one step:
 *      readers see the old file or the complete new one, never a mixture;
 *  (2) the temporary file PATH.tmp.HOST-PID-RANDOM lies in PATH's directory, so the rename
 *      never crosses file systems; its name says which process made it, and opening PATH
 *      first removes the temporaries of PATH whose process is gone (kill -9 runs no
 *      clean-up: lib/core/tmpfile.c);
 *  (3) while a temporary file exists it is "armed" in the table below, and a fatal signal
 *      (SIGINT, SIGTERM, SIGHUP, SIGPIPE) removes every armed file before the program
 *      dies of that signal; failure paths remove it themselves.
 * A command's set of outputs is committed whole or not at all: see cli_outputs_commit.
 * The new file gets the mode an ordinary fopen would give it (0666 less the umask), not
 * mkstemp's 0600. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/tmpfile.h"

#define MAX_ARMED 8

/* Read by the signal handler: a slot's path is written before it is armed and the slot
 * disarmed before the path is freed, both with signals blocked. */
static char *volatile armed_path[MAX_ARMED];
static volatile sig_atomic_t armed[MAX_ARMED];
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

/* unlink and raise are async-signal-safe. SA_RESETHAND restored the default action, so
 * the re-raised signal, delivered when this handler returns, ends the program as the
 * user expects (exit status 128 + signal in the shell). */
static void on_fatal_signal(int sig)
{
    for (int k = 0; k < MAX_ARMED; k++)
        if (armed[k])
            unlink(armed_path[k]);
    raise(sig);
}

static void install_handlers(void)
{
    static int installed;
    if (installed)
        return;
    installed = 1;
    for (size_t k = 0; k < sizeof fatal_signals / sizeof fatal_signals[0]; k++) {
        struct sigaction old, act = { .sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND };
        sigemptyset(&act.sa_mask);
        /* Keep a signal the caller ignores (nohup, a shell's SIGPIPE trap) ignored. */
        if (sigaction(fatal_signals[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(fatal_signals[k], &act, NULL);
    }
}

static void block_signals(sigset_t *saved)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t k = 0; k < sizeof fatal_signals / sizeof fatal_signals[0]; k++)
        sigaddset(&set, fatal_signals[k]);
    sigprocmask(SIG_BLOCK, &set, saved);
}

/* Creating and arming happen with signals blocked: a signal in between would otherwise
 * leave a file that no one removes. Returns the descriptor or -1 (errno set). */
static int create_armed(cli_output *out)
{
    sigset_t saved;
    block_signals(&saved);
    int fd = smi_tmpfile_create(out->path, &out->tmp_path);
    if (fd >= 0) {
        for (int k = 0; k < MAX_ARMED && out->slot < 0; k++) {
            if (!armed[k]) {
                armed_path[k] = out->tmp_path;
                armed[k] = 1;
                out->slot = k;
            }
        }
    }
    int err = errno;
    sigprocmask(SIG_SETMASK, &saved, NULL);
    errno = err;
    return fd;
}

/* Remove the temporary file (when `remove`), disarm its slot, free its name. */
static void release(cli_output *out, int remove)
{
    sigset_t saved;
    block_signals(&saved);
    if (remove)
        unlink(out->tmp_path);
    if (out->slot >= 0)
        armed[out->slot] = 0;
    sigprocmask(SIG_SETMASK, &saved, NULL);
    free(out->tmp_path);
    out->tmp_path = NULL;
    out->slot = -1;
}

int cli_output_open(cli_output *out, const char *path)
{
    *out = (cli_output){ .path = path, .slot = -1 };
    if (strcmp(path, "-") == 0) {
        out->stream = stdout;
        return 0;
    }
    struct stat st;
    int device = strncmp(path, "/dev/", 5) == 0 ||
                 (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
    if (device) {
        /* A device or a pipe (/dev/null, /dev/stderr, anything under /dev): written in
         * place, never replaced by a renamed temporary. */
        out->stream = fopen(path, "w");
        return out->stream ? 0 : cli_fail("cannot write '%s': %s", path, strerror(errno));
    }
    install_handlers();
    smi_tmpfile_sweep(path); /* what a killed run of this output left behind */
    int fd = create_armed(out);
    if (fd < 0)
        return cli_fail("cannot create '%s': %s", path, strerror(errno));
    out->stream = fdopen(fd, "w");
    if (!out->stream) {
        int err = errno;
        close(fd);
        release(out, 1);
        return cli_fail("cannot create '%s': %s", path, strerror(err));
    }
    return 0;
}

const char *cli_output_by_name(cli_output *out)
{
    if (!out->tmp_path)
        return NULL;
    if (out->stream)
        fclose(out->stream);
    out->stream = NULL;
    return out->tmp_path;
}

/* Make the rename itself durable; a failure here loses nothing already written, so it
 * is not reported. */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
    int fd = open(dir ? dir : ".", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* errno may be stale after ferror reports an earlier failed write: fall back to EIO. */
static int flush_error(FILE *stream)
{
    errno = 0;
    if (fflush(stream) == 0 && !ferror(stream))
        return 0;
    return errno ? errno : EIO;
}

/* The first step of a commit, where a full disk, a quota or an I/O error shows: flush,
 * fsync and close the temporary file (a file written by name was synced by its writer);
 * a device or a pipe is flushed and closed, standard output flushed. Returns 0 or an
 * errno value. */
static int finish(cli_output *out)
{
    if (!out->tmp_path) {
        int err = flush_error(out->stream);
        if (out->stream != stdout) { /* a device or a pipe */
            if (fclose(out->stream) != 0 && !err)
                err = errno;
            out->stream = NULL;
        }
        return err;
    }
    if (!out->stream)
        return 0;
    int err = flush_error(out->stream);
    if (!err && fsync(fileno(out->stream)) != 0)
        err = errno;
    if (fclose(out->stream) != 0 && !err)
        err = errno;
    out->stream = NULL;
    return err;
}

static int finish_failed(const cli_output *out, int err)
{
    if (!out->tmp_path && out->stream == stdout)
        return cli_fail("cannot write to standard output: %s", strerror(err));
    return cli_fail("cannot write '%s': %s", out->path, strerror(err));
}

int cli_output_commit(cli_output *out)
{
    int err = finish(out);
    if (err) {
        int rc = finish_failed(out, err);
        if (out->tmp_path)
            release(out, 1);
        return rc;
    }
    if (!out->tmp_path)
        return 0;
    if (rename(out->tmp_path, out->path) != 0)
        err = errno;
    release(out, err != 0);
    if (err)
        return cli_fail("cannot write '%s': %s", out->path, strerror(err));
    sync_directory(out->path);
    cli_announce_written(out->path);
    return 0;
}

/* Whether `wrote FILE` lines go to stderr (not with --quiet). */
static int announce = 1;

void cli_announce_quiet(int quiet)
{
    announce = !quiet;
}

void cli_announce_written(const char *path)
{
    if (announce)
        fprintf(stderr, "sparsemi: wrote %s\n", path);
}

void cli_output_discard(cli_output *out)
{
    if (!out->tmp_path) {
        if (out->stream && out->stream != stdout) /* a device or a pipe */
            fclose(out->stream);
        if (out->stream != stdout)
            out->stream = NULL;
        return;
    }
    if (out->stream)
        fclose(out->stream);
    out->stream = NULL;
    release(out, 1);
}

/* ---- A command's set of outputs ----------------------------------------------------------- */

/* The name is freed with the set, also when opening fails. */
static int open_owned(cli_outputs *o, int k, char *path)
{
    assert(k >= 0 && k < CLI_OUTPUTS_MAX && !o->path[k]);
    if (!path)
        return cli_fail("out of memory");
    o->path[k] = path;
    return cli_output_open(&o->file[k], path);
}

int cli_outputs_open(cli_outputs *o, const char *json, const char *prefix,
                     const char *const *suffix, int n)
{
    assert(n <= CLI_OUTPUTS_MAX);
    int rc = json ? cli_output_open(&o->file[0], json) : CLI_EXIT_OK;
    for (int k = 1; k < n && prefix && rc == CLI_EXIT_OK; k++) {
        if (!suffix[k])
            continue;
        size_t len = strlen(prefix) + strlen(suffix[k]) + 1;
        char *path = malloc(len);
        if (path)
            snprintf(path, len, "%s%s", prefix, suffix[k]);
        rc = open_owned(o, k, path);
    }
    return rc;
}

int cli_outputs_open_at(cli_outputs *o, int k, char *path)
{
    return open_owned(o, k, path);
}

/* A hard link to the file now at `path`, under a temporary name of path (so that a run
 * killed before removing it leaves a file the next run removes), for the rollback of a
 * set. Returns 0 with *copy NULL when there is no file to keep, or when the file system
 * has no hard links (then a rollback can only remove the new file); else an errno value. */
static int keep_old(const char *path, char **copy)
{
    struct stat st;
    *copy = NULL;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    int fd = smi_tmpfile_create(path, copy);
    if (fd < 0)
        return errno;
    close(fd);
    unlink(*copy); /* the name is now free for link(), and no other process picks it */
    if (link(path, *copy) == 0)
        return 0;
    int err = errno;
    free(*copy);
    *copy = NULL;
    return err == EPERM || err == ENOTSUP || err == EOPNOTSUPP || err == EMLINK ? 0 : err;
}

/* Put back the file that was at `path` before a member of the set was renamed over it:
 * its kept link `old` renamed back, or, when there was none, the new file removed. Should
 * even that rename fail, both stay (the new file at path, the old one at its kept name,
 * a temporary's name): a mixed set, but nothing removed here. */
static void undo_rename(const char *path, const char *old)
{
    if (!old)
        unlink(path);
    else
        rename(old, path);
}

/* Rename the finished temporary files over their paths, in slot order. When a rename
 * fails, the members already renamed are put back: the old file from its kept link, or
 * removed when there was none. Runs with the fatal signals blocked. Returns 0, or the
 * errno value with *failed the slot. */
static int install_all(cli_outputs *o, int *failed)
{
    char *old[CLI_OUTPUTS_MAX] = { 0 };
    int renamed[CLI_OUTPUTS_MAX] = { 0 }, err = 0, k;
    for (k = 0; k < CLI_OUTPUTS_MAX && !err; k++) {
        cli_output *f = &o->file[k];
        if (!f->tmp_path)
            continue;
        err = keep_old(f->path, &old[k]);
        if (!err && rename(f->tmp_path, f->path) != 0)
            err = errno;
        renamed[k] = !err;
        if (err)
            *failed = k;
    }
    for (int j = 0; j < CLI_OUTPUTS_MAX; j++) {
        if (err && renamed[j])
            undo_rename(o->file[j].path, old[j]);
        else if (old[j])
            unlink(old[j]); /* the old file's extra name, no longer needed */
        free(old[j]);
        if (renamed[j] && !err)
            release(&o->file[j], 0);
    }
    return err;
}

/* The set's guarantee: after cli_outputs_commit either every member holds its new content
 * or every member is as it was before the command (absent, or its old file), whatever
 * error occurs: a full disk, a quota or an I/O error shows while writing, flushing or
 * syncing the temporary files, which all happens before the first rename; a rename that
 * still fails undoes the renames before it. The renames run with the fatal signals
 * blocked, so that SIGINT or SIGTERM cannot split the set either. Only what no program
 * can catch (SIGKILL, a power cut) in the microseconds between two renames can leave a
 * mixture; its leftover temporaries are removed by the next run (output.c, (2)).
 * Members written in place (standard output, a device, a pipe) cannot be taken back: they
 * are written in the first step, so a failure there still renames nothing. */
int cli_outputs_commit(cli_outputs *o)
{
    for (int k = 0; k < CLI_OUTPUTS_MAX; k++) {
        cli_output *f = &o->file[k];
        int err = f->stream || f->tmp_path ? finish(f) : 0;
        if (err) {
            int rc = finish_failed(f, err);
            cli_outputs_discard(o);
            return rc;
        }
    }
    int renaming[CLI_OUTPUTS_MAX];
    for (int k = 0; k < CLI_OUTPUTS_MAX; k++)
        renaming[k] = o->file[k].tmp_path != NULL;
    sigset_t saved;
    block_signals(&saved);
    int failed = 0, err = install_all(o, &failed);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (err) {
        int rc = cli_fail("cannot write '%s': %s; no file of the set was replaced",
                          o->file[failed].path, strerror(err));
        cli_outputs_discard(o);
        return rc;
    }
    for (int k = 0; k < CLI_OUTPUTS_MAX; k++) {
        if (renaming[k]) {
            sync_directory(o->file[k].path);
            cli_announce_written(o->file[k].path);
        }
    }
    return CLI_EXIT_OK;
}

void cli_outputs_discard(cli_outputs *o)
{
    for (int k = 0; k < CLI_OUTPUTS_MAX; k++) {
        cli_output_discard(&o->file[k]);
        free(o->path[k]);
        o->path[k] = NULL;
    }
}
