/* FNV-1a over a canonical byte stream (core.h): the fingerprints of data sets, search
 * states and saved results; CRC-32C, the checksum of the files. */
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

/* Bit by bit: the files are read once and are small beside the work that made them, so a
 * table or the SSE4.2 instruction would gain nothing worth its code. */
uint32_t smi_crc32c(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return ~crc;
}
