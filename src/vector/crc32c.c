/*
 * crc32c.c — CRC-32C with the SSE4.2 crc32 instruction when the CPU has it, else a byte-wise
 * table.  Both give the same value (tested); the choice is a cheap CPU-feature test per call,
 * so there is no state to initialise.  Check value: crc32c("123456789") = 0xE3069283.
 */
#include "vector/crc32c.h"

#include <string.h>

#define CRC32C_POLY 0x82F63B78u   /* reflected Castagnoli polynomial */

uint32_t crc32c_update_portable(uint32_t crc, const void *bytes, size_t n)
{
    /* Building the 1 KB table per call costs 2 048 shifts: nothing next to the chunks
     * checksummed, and it keeps this file free of global state. */
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
        table[i] = c;
    }
    const uint8_t *p = bytes;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("sse4.2"))) static uint32_t crc32c_update_sse42(uint32_t crc,
                                                                      const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    uint64_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
    }
    uint32_t c32 = (uint32_t)c;
    for (; n > 0; n--, p++)
        c32 = _mm_crc32_u8(c32, *p);
    return ~c32;
}

uint32_t crc32c_update(uint32_t crc, const void *bytes, size_t n)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2"))
        return crc32c_update_sse42(crc, bytes, n);
    return crc32c_update_portable(crc, bytes, n);
}
#else
uint32_t crc32c_update(uint32_t crc, const void *bytes, size_t n)
{
    return crc32c_update_portable(crc, bytes, n);
}
#endif
