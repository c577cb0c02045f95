/* Temporary files next to an output, named so that a later run can remove those that a
 * killed run left behind (tmpfile.c). Plain POSIX, no other part of the library: the
 * sparsemi program compiles the same file for its own outputs. */
#ifndef SMI_TMPFILE_H
#define SMI_TMPFILE_H

/* smi_tmpfile_create: create PATH.tmp.HHHHHHHH-PID-RRRRRRRR exclusively (O_EXCL), in
 * PATH's directory, with mode 0666 less the umask; HHHHHHHH is a hash of the host name,
 * PID the creating process, RRRRRRRR random. Returns the open descriptor and the name in
 * *tmp (malloc'ed; free it), or -1 with errno set and *tmp NULL. */
int smi_tmpfile_create(const char *path, char **tmp);

/* smi_tmpfile_sweep: remove the temporary files of PATH (names as above, possibly
 * nested: a temporary of a temporary) that a process of this host which is no longer
 * running created. Best effort: what cannot be read or removed is left as it is. */
void smi_tmpfile_sweep(const char *path);

#endif /* SMI_TMPFILE_H */
