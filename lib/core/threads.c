/* The one thread-count policy of the library: 0 means every online core. */
#include <unistd.h>

#include "core/core.h"

SMI_API size_t smi_thread_count(size_t requested)
{
    if (requested > 0)
        return requested;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (size_t)cores : 1;
}
