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

void smi_caveat_set(smi_caveat *c, int status, const char *fmt, ...)
{
    c->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof c->message, fmt, ap);
    va_end(ap);
}

void smi_caveat_from_last_error(smi_caveat *c, int status)
{
    if (status >= 0)
        smi_caveat_set(c, SMI_OK, "%s", "");
    else
        smi_caveat_set(c, status, "%s", last_error);
}
