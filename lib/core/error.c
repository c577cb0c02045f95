/* Status names and the per-thread last-error message. */
#include <stdarg.h>
#include <stdio.h>

#include "core/core.h"

#define SMI_ERROR_CAPACITY 1024

/* Each thread keeps its own message: no lock, no global mutable state shared between
 * threads. Messages longer than the buffer are cut, never overrun. */
static _Thread_local char last_error[SMI_ERROR_CAPACITY];

static const char *const status_names[] = {
    [0] = "success",
    [-SMI_EINVAL] = "invalid argument",
    [-SMI_ENOMEM] = "out of memory",
    [-SMI_EIO] = "input/output error",
    [-SMI_EPARSE] = "parse error",
    [-SMI_ENONFINITE] = "value is NaN or infinite",
    [-SMI_ERAGGED] = "ragged table",
    [-SMI_EEMPTY] = "no data",
    [-SMI_ETOOFEW] = "too few samples",
    [-SMI_ENOTFOUND] = "unknown name",
    [-SMI_ECONSTANT] = "constant column",
    [-SMI_EDUPLICATE] = "duplicate column",
    [-SMI_ESINGULAR] = "singular matrix",
    [-SMI_ENOCONV] = "not converged",
    [-SMI_ECANCELED] = "canceled",
    [-SMI_ETOOLARGE] = "too large",
};

SMI_API const char *smi_strerror(int status)
{
    size_t count = sizeof status_names / sizeof status_names[0];
    if (status > 0 || (size_t)(-(long)status) >= count)
        return "unknown status";
    return status_names[-status];
}

SMI_API const char *smi_last_error(void)
{
    return last_error;
}

int smi_error_set(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}
