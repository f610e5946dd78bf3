/*
 * hnsw_format.h — the HNSW index's byte format, shared by hnsw_save.c (writing) and
 * hnsw_load.c (reading and validating).  Private to src/vector.
 *
 * Format (version 1, all integers little-endian; docs/vector.md has the long form):
 *   stream      := generation+
 *   generation  := HEADER (NODES | NODE_PATCH)* (LINKS | LINK_PATCH)* END
 *   record      := kind u32 | chunk u32 | length u64 | payload[length] | crc32c u32
 *                  (the CRC covers kind, chunk, length and payload)
 *   HEADER      "PGWVHNSW" | version u32 | metric u32 | dim u32 | m u32 | ef_construction u32 |
 *               chunk_shift u32 | seed u64 | insert_seq u64 | n_slots u64 | entry u32 |
 *               max_level i32 | live u64 | deleted u64 | free u64
 *   NODES c     for the count = min(2^chunk_shift, n_slots - c * 2^chunk_shift) slots of
 *               chunk c: rowid i64[count] | level u8[count] | flags u8[count] | zero pad to 4 |
 *               vector f32[count * dim]
 *   LINKS c     per slot of chunk c: its lists (below)
 *   NODE_PATCH c  n u32, then n entries: slot u32 | rowid i64 | level u8 | flags u8 | 0 u16 |
 *               vector f32[dim]   (slots of chunk c)
 *   LINK_PATCH c  n u32, then n entries: slot u32 | its lists   (slots of chunk c)
 *   lists       level u32, then for each layer 0..level: count u32, slot u32[count]
 *   END         records u64 (records of this generation before END)
 * A full save writes NODES and LINKS for every chunk; an incremental save writes, chunk by
 * chunk, patches for just the slots changed since mark_clean.  Later records replace what
 * earlier ones said about the same slots; a later header replaces the header.  The invariant
 * that makes this sound: a slot's level only changes when the slot is reused, which marks
 * both its node and its lists changed, so a node whose level changed always comes with its
 * lists.
 */
#ifndef PGWIRE_VECTOR_HNSW_FORMAT_H
#define PGWIRE_VECTOR_HNSW_FORMAT_H

#include "vector/hnsw_internal.h"

#define IO_MAGIC "PGWVHNSW"
#define IO_VERSION 1u
#define IO_ENVELOPE_BYTES 16
#define IO_HEADER_BYTES 88
#define IO_MAX_HEADER_BYTES 4096

enum {
    REC_HEADER = 1,
    REC_NODES = 2,
    REC_LINKS = 3,
    REC_END = 4,
    REC_NODE_PATCH = 5,
    REC_LINK_PATCH = 6,
};

/* Bytes of one NODE_PATCH entry. */
#define IO_NODE_ENTRY_BYTES(dim) (16 + 4 * (uint64_t)(dim))

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
