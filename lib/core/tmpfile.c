/* Temporary files that a later run can clean up (tmpfile.h).
 *
 * A temporary file that is renamed over its output when complete cannot survive kill -9
 * (or a power cut) in every case: between its creation and its rename or removal it exists,
 * and a process killed by SIGKILL runs no clean-up. Two ways out: O_TMPFILE with linkat
 * (the file has no name until it is complete), which only Linux has and which some file
 * systems refuse (NFS, older FUSE), so that a fallback would still be needed; or names that
 * say who made them. This file does the latter, everywhere POSIX runs:
 *
 *   PATH.tmp.HHHHHHHH-PID-RRRRRRRR
 *
 * HHHHHHHH is an FNV-1a hash of the host name (a directory shared over NFS may hold the
 * temporaries of running processes on other machines: those are never touched), PID the
 * process that created it, RRRRRRRR a random part (O_EXCL makes a clash a retry). Every
 * writer of PATH first calls smi_tmpfile_sweep(PATH), which removes PATH's temporaries
 * whose host is this one and whose process no longer exists (kill(pid, 0) fails with
 * ESRCH). A process that is alive, or a reused pid, keeps its files: a stale file may wait
 * for a later run, but a file being written is never removed. Names of another shape
 * (older versions' PATH.tmp.XXXXXX) are left alone. */
#include "core/tmpfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TMP_TAG ".tmp."

/* FNV-1a (32 bits) of the host name: the same for every process of this machine. */
static uint32_t host_hash(void)
{
    char name[256] = "";
    if (gethostname(name, sizeof name - 1) != 0)
        name[0] = '\0';
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

/* A random part from the clock, the pid and the attempt, mixed by splitmix64. */
static uint32_t random_part(unsigned attempt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 17)
                 ^ ((uint64_t)attempt * 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (uint32_t)(z ^ (z >> 31));
}

int smi_tmpfile_create(const char *path, char **tmp)
{
    size_t size = strlen(path) + sizeof TMP_TAG + 8 + 1 + 20 + 1 + 8 + 1;
    *tmp = malloc(size);
    if (!*tmp) {
        errno = ENOMEM;
        return -1;
    }
    uint32_t host = host_hash();
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(*tmp, size, "%s" TMP_TAG "%08lx-%ld-%08lx", path, (unsigned long)host,
                 (long)getpid(), (unsigned long)random_part(attempt));
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            break;
    }
    int err = errno;
    free(*tmp);
    *tmp = NULL;
    errno = err;
    return -1;
}

/* Parse "HHHHHHHH-PID-RRRRRRRR" at s; returns the end, or NULL when s is not one. */
static const char *parse_tag(const char *s, unsigned long *host, long *pid)
{
    char *end;
    for (int i = 0; i < 8; i++)
        if (!s[i] || !strchr("0123456789abcdef", s[i]))
            return NULL;
    *host = strtoul(s, NULL, 16);
    if (s[8] != '-' || s[9] < '1' || s[9] > '9')
        return NULL;
    errno = 0;
    *pid = strtol(s + 9, &end, 10);
    if (errno || *end != '-' || *pid <= 0 || (long)(pid_t)*pid != *pid)
        return NULL;
    s = end + 1;
    for (int i = 0; i < 8; i++)
        if (!s[i] || !strchr("0123456789abcdef", s[i]))
            return NULL;
    return s + 8;
}

/* Whether `name` (in PATH's directory) is a temporary of `base` (PATH's last component)
 * left by a dead process of this host: BASE.tmp.TAG, then any number of .tmp.TAG (the
 * temporary of a temporary), the first TAG naming the creator. */
static int is_stale(const char *name, const char *base, size_t base_len, unsigned long host)
{
    if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, TMP_TAG,
                                                      sizeof TMP_TAG - 1) != 0)
        return 0;
    unsigned long h, h_next;
    long pid, pid_next;
    const char *s = parse_tag(name + base_len + sizeof TMP_TAG - 1, &h, &pid);
    while (s && strncmp(s, TMP_TAG, sizeof TMP_TAG - 1) == 0)
        s = parse_tag(s + sizeof TMP_TAG - 1, &h_next, &pid_next);
    if (!s || *s || h != host)
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void smi_tmpfile_sweep(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0, base_len = strlen(base);
    if (base_len == 0)
        return;
    char *dir = malloc(dir_len + 2);
    if (!dir)
        return;
    memcpy(dir, slash ? path : ".", slash ? dir_len : 1);
    dir[slash ? dir_len : 1] = '\0';
    DIR *d = opendir(dir);
    unsigned long host = host_hash();
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!is_stale(e->d_name, base, base_len, host))
            continue;
        size_t len = dir_len + strlen(e->d_name) + 1;
        char *victim = malloc(len);
        if (victim) {
            snprintf(victim, len, "%.*s%s", (int)dir_len, path, e->d_name);
            unlink(victim);
            free(victim);
        }
    }
    if (d)
        closedir(d);
    free(dir);
}
