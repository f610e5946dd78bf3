/*
 * hnsw_format.h — the HNSW index's byte format, shared by hnsw_save.c (writing) and
 * hnsw_load.c (reading and validating).  Private to src/vector.
 *
 * Format (version 1, all integers little-endian; docs/vector.md has the long form):
 *   stream     := generation+
 *   generation := HEADER NODES* LINKS* END
 *   record     := kind u32 | chunk u32 | length u64 | payload[length] | crc32c u32
 *                 (the CRC covers kind, chunk, length and payload)
 *   HEADER     "PGWVHNSW" | version u32 | metric u32 | dim u32 | m u32 | ef_construction u32 |
 *              chunk_shift u32 | seed u64 | insert_seq u64 | n_slots u64 | entry u32 |
 *              max_level i32 | live u64 | deleted u64 | free u64
 *   NODES c    for the count = min(2^chunk_shift, n_slots - c * 2^chunk_shift) slots of chunk c:
 *              rowid i64[count] | level u8[count] | flags u8[count] | zero pad to 4 |
 *              vector f32[count * dim]
 *   LINKS c    per slot of chunk c: level u32, then for each layer 0..level: n u32, slot u32[n]
 *   END        records u64 (records of this generation before END)
 * A later generation's records replace the earlier ones for the same chunk; its header
 * replaces the whole header.  The writer's invariant that makes this sound: a slot's level
 * only changes when its slot is reused, which marks both of its chunk's records dirty.
 */
#ifndef PGWIRE_VECTOR_HNSW_FORMAT_H
#define PGWIRE_VECTOR_HNSW_FORMAT_H

#include "vector/hnsw_internal.h"

#define IO_MAGIC "PGWVHNSW"
#define IO_VERSION 1u
#define IO_ENVELOPE_BYTES 16
#define IO_HEADER_BYTES 88
#define IO_MAX_HEADER_BYTES 4096

enum { REC_HEADER = 1, REC_NODES = 2, REC_LINKS = 3, REC_END = 4 };

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the vector index format copies host arrays as little-endian: add byte swapping"
#endif

/* Slots in chunk c (the last chunk may be short). */
static inline size_t hnsw_chunk_count(const vector_index *idx, size_t c)
{
    size_t first = c << idx->chunk_shift, per = (size_t)1 << idx->chunk_shift;
    return idx->n_slots - first < per ? idx->n_slots - first : per;
}

/* Padding after a NODES record's rowid/level/flags arrays, to align the vectors to 4. */
static inline size_t hnsw_nodes_pad(size_t count)
{
    return (4 - (count * 10) % 4) % 4;
}

#endif
