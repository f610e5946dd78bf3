/*
 * hnsw_rowid_map.c — the index's map from caller row ids (int64) to slots (uint32).
 *
 * Open addressing with linear probing; the load (live + tombstones) stays at or under one
 * half, so a probe sequence always meets an empty cell.  Tombstones (left by deletes) are
 * dropped whenever the table is rebuilt.
 */
#include "vector/hnsw_internal.h"

#include <stdlib.h>

#define MAP_EMPTY HNSW_NONE
#define MAP_TOMBSTONE (HNSW_NONE - 1)

static inline size_t map_hash(int64_t rowid)
{
    uint64_t z = (uint64_t)rowid + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (size_t)(z ^ (z >> 31));
}

uint32_t hnsw_map_get(const hnsw_rowid_map *m, int64_t rowid)
{
    if (m->cap == 0)
        return HNSW_NONE;
    size_t mask = m->cap - 1;
    for (size_t i = map_hash(rowid) & mask;; i = (i + 1) & mask) {
        if (m->slots[i] == MAP_EMPTY)
            return HNSW_NONE;
        if (m->slots[i] != MAP_TOMBSTONE && m->keys[i] == rowid)
            return m->slots[i];
    }
}

static bool map_rebuild(hnsw_rowid_map *m, size_t cap)
{
    int64_t *keys = malloc(cap * sizeof *keys);
    uint32_t *slots = malloc(cap * sizeof *slots);
    if (!keys || !slots) {
        free(keys);
        free(slots);
        return false;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = MAP_EMPTY;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i] >= MAP_TOMBSTONE)
            continue;
        size_t j = map_hash(m->keys[i]) & (cap - 1);
        while (slots[j] != MAP_EMPTY)
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        slots[j] = m->slots[i];
    }
    free(m->keys);
    free(m->slots);
    m->keys = keys;
    m->slots = slots;
    m->cap = cap;
    m->tombstones = 0;
    return true;
}

bool hnsw_map_reserve(hnsw_rowid_map *m, size_t n)
{
    size_t need = m->count + n;
    if ((need + m->tombstones) * 2 <= m->cap)
        return true;
    size_t cap = 16;
    while (cap < need * 2)
        cap *= 2;
    return map_rebuild(m, cap);
}

bool hnsw_map_put(hnsw_rowid_map *m, int64_t rowid, uint32_t slot)
{
    if (!hnsw_map_reserve(m, 1))
        return false;
    hnsw_map_put_reserved(m, rowid, slot);
    return true;
}

void hnsw_map_put_reserved(hnsw_rowid_map *m, int64_t rowid, uint32_t slot)
{
    size_t mask = m->cap - 1;
    size_t i = map_hash(rowid) & mask, grave = SIZE_MAX;
    for (;; i = (i + 1) & mask) {
        if (m->slots[i] == MAP_EMPTY)
            break;
        if (m->slots[i] == MAP_TOMBSTONE && grave == SIZE_MAX)
            grave = i;
    }
    if (grave != SIZE_MAX) {
        i = grave;
        m->tombstones--;
    }
    m->keys[i] = rowid;
    m->slots[i] = slot;
    m->count++;
}

bool hnsw_map_set(hnsw_rowid_map *m, int64_t rowid, uint32_t slot)
{
    if (m->cap == 0)
        return false;
    size_t mask = m->cap - 1;
    for (size_t i = map_hash(rowid) & mask;; i = (i + 1) & mask) {
        if (m->slots[i] == MAP_EMPTY)
            return false;
        if (m->slots[i] != MAP_TOMBSTONE && m->keys[i] == rowid) {
            m->slots[i] = slot;
            return true;
        }
    }
}

bool hnsw_map_remove(hnsw_rowid_map *m, int64_t rowid)
{
    if (m->cap == 0)
        return false;
    size_t mask = m->cap - 1;
    for (size_t i = map_hash(rowid) & mask;; i = (i + 1) & mask) {
        if (m->slots[i] == MAP_EMPTY)
            return false;
        if (m->slots[i] != MAP_TOMBSTONE && m->keys[i] == rowid) {
            m->slots[i] = MAP_TOMBSTONE;
            m->count--;
            m->tombstones++;
            return true;
        }
    }
}

void hnsw_map_free(hnsw_rowid_map *m)
{
    free(m->keys);
    free(m->slots);
    *m = (hnsw_rowid_map){0};
}

size_t hnsw_map_bytes(const hnsw_rowid_map *m)
{
    return m->cap * (sizeof *m->keys + sizeof *m->slots);
}
