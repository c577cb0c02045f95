/* Run-time version of the library. */
#include "core/core.h"

#define SMI_STR_(x) #x
#define SMI_STR(x) SMI_STR_(x)

SMI_API const char *smi_version_string(void)
{
    return SMI_STR(SMI_VERSION_MAJOR) "." SMI_STR(SMI_VERSION_MINOR) "." SMI_STR(SMI_VERSION_PATCH);
}

SMI_API int smi_version_number(void)
{
    return SMI_VERSION_NUMBER;
}
