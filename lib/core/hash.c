/* FNV-1a over a canonical byte stream (core.h): the fingerprints of data sets, search
 * states and saved results. */
#include <string.h>

#include "core/core.h"

smi_fnv smi_fnv_start(void)
{
    return (smi_fnv){ 0xcbf29ce484222325ULL };
}

void smi_fnv_byte(smi_fnv *f, unsigned char b)
{
    f->h = (f->h ^ b) * 0x100000001b3ULL;
}

void smi_fnv_u64(smi_fnv *f, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        smi_fnv_byte(f, (unsigned char)(v >> (8 * i)));
}

void smi_fnv_double(smi_fnv *f, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    smi_fnv_u64(f, bits);
}

void smi_fnv_string(smi_fnv *f, const char *s)
{
    size_t len = strlen(s);
    smi_fnv_u64(f, len);
    for (size_t i = 0; i < len; i++)
        smi_fnv_byte(f, (unsigned char)s[i]);
}
