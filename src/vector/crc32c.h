/*
 * crc32c.h — CRC-32C (Castagnoli), the checksum of the vector index's byte format.  Private to
 * src/vector.  Incremental: crc32c_update(crc32c_update(0, a), b) == crc of a then b.
 */
#ifndef PGWIRE_VECTOR_CRC32C_H
#define PGWIRE_VECTOR_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c_update(uint32_t crc, const void *bytes, size_t n);
/* The portable implementation, for tests to compare the hardware path against. */
uint32_t crc32c_update_portable(uint32_t crc, const void *bytes, size_t n);

#endif
