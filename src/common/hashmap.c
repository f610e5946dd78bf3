/*
 * hashmap.c — open addressing with linear probing, string keys copied in, tombstones on
 * removal.  Load factor stays under 3/4 counting tombstones, so probes always end.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

#define TOMBSTONE ((char *)&tombstone_marker)
static const char tombstone_marker = 0;

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t hash_bytes(const void *p, size_t n)
{
    /* Eight bytes per step, MurmurHash3's mixing, then its finalizer so that linear probing
     * sees well-spread low bits.  Keys are SQL texts of a hundred bytes and more (engine
     * statement cache, plan cache): byte-at-a-time FNV cost a thousand instructions each. */
    const unsigned char *s = p;
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * c2);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h ^= rotl64(w * c1, 31) * c2;
        h = rotl64(h, 27) * 5 + 0x52dce729;
        s += 8;
        n -= 8;
    }
    uint64_t t = 0;
    memcpy(&t, s, n);
    h ^= rotl64(t * c1, 31) * c2;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

void hashmap_init(hashmap *m)
{
    memset(m, 0, sizeof *m);
}

void hashmap_free(hashmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
            free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static hashmap_entry *find_slot(const hashmap *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        hashmap_entry *e = &m->slots[i];
        if (!e->key)
            return NULL;
        if (e->key != TOMBSTONE && e->hash == h && strcmp(e->key, key) == 0)
            return e;
    }
}

void *hashmap_get(const hashmap *m, const char *key)
{
    if (!m->count)
        return NULL;
    hashmap_entry *e = find_slot(m, key, hash_bytes(key, strlen(key)));
    return e ? e->value : NULL;
}

static bool grow(hashmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    if (m->count * 2 < m->cap)
        ncap = m->cap;   /* mostly tombstones: rehash in place size */
    hashmap_entry *slots = calloc(ncap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        hashmap_entry *e = &m->slots[i];
        if (!e->key || e->key == TOMBSTONE)
            continue;
        size_t j = e->hash & (ncap - 1);
        while (slots[j].key)
            j = (j + 1) & (ncap - 1);
        slots[j] = *e;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = ncap;
    m->tombstones = 0;
    return true;
}

bool hashmap_put(hashmap *m, const char *key, void *value)
{
    uint64_t h = hash_bytes(key, strlen(key));
    if (m->count) {
        hashmap_entry *e = find_slot(m, key, h);
        if (e) {
            e->value = value;
            return true;
        }
    }
    if ((m->count + m->tombstones + 1) * 4 > m->cap * 3 && !grow(m))
        return false;
    char *copy = strdup(key);
    if (!copy)
        return false;
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    while (m->slots[i].key && m->slots[i].key != TOMBSTONE)
        i = (i + 1) & mask;
    if (m->slots[i].key == TOMBSTONE)
        m->tombstones--;
    m->slots[i].key = copy;
    m->slots[i].value = value;
    m->slots[i].hash = h;
    m->count++;
    return true;
}

void *hashmap_remove(hashmap *m, const char *key)
{
    if (!m->count)
        return NULL;
    hashmap_entry *e = find_slot(m, key, hash_bytes(key, strlen(key)));
    if (!e)
        return NULL;
    void *v = e->value;
    free(e->key);
    e->key = TOMBSTONE;
    e->value = NULL;
    m->count--;
    m->tombstones++;
    return v;
}

bool hashmap_next(const hashmap *m, size_t *cursor, const char **key, void **value)
{
    while (*cursor < m->cap) {
        hashmap_entry *e = &m->slots[(*cursor)++];
        if (e->key && e->key != TOMBSTONE) {
            if (key)
                *key = e->key;
            if (value)
                *value = e->value;
            return true;
        }
    }
    return false;
}
