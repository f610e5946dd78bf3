/*
 * hnsw_load.c — reading the HNSW index back from bytes (format: hnsw_format.h).
 *
 * Loading trusts nothing: each record's length is checked against what the header implies
 * before anything is allocated, every CRC is verified, and after the last record the whole
 * graph is checked against hnsw_internal.h's invariants (neighbours in range, in use, on a
 * high enough level, no duplicates; counts; entry point; unique row ids) before the index is
 * handed out.  Any failure is XX002 (0A000 for a newer format version) and frees everything.
 */
#include "vector/crc32c.h"
#include "vector/hnsw_format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A bounds-checked reader over one record's payload: a read past the end sets `failed` and
 * returns zeros, and the caller checks once (as pqformat's getmsg* family). */
typedef struct cursor {
    const uint8_t *p;
    size_t len, pos;
    bool failed;
} cursor;

static const uint8_t *take(cursor *c, size_t n)
{
    if (c->failed || n > c->len - c->pos) {
        c->failed = true;
        return NULL;
    }
    const uint8_t *p = c->p + c->pos;
    c->pos += n;
    return p;
}

static uint32_t get_u32(cursor *c)
{
    uint32_t v = 0;
    const uint8_t *p = take(c, 4);
    if (p)
        memcpy(&v, p, 4);
    return v;
}

static uint64_t get_u64(cursor *c)
{
    uint64_t v = 0;
    const uint8_t *p = take(c, 8);
    if (p)
        memcpy(&v, p, 8);
    return v;
}

/* ---------------------------------------------------------------- load: records */

typedef struct io_in {
    vector_read_fn read;
    void *arg;
    pg_error *err;
    uint8_t *buf;
    size_t buf_cap;
    vector_index *idx;
    uint8_t *seen;             /* per slot: SEEN_NODE, SEEN_LINKS (lists match the node) */
    size_t seen_len;
    bool in_generation;
    uint64_t gen_records;
    uint64_t live, deleted, n_free;   /* as the last header states */
} io_in;

#define SEEN_NODE 1u
#define SEEN_LINKS 2u

static bool corrupt(io_in *in, const char *what)
{
    pg_error_set(in->err, "XX002", "vector index data is corrupted");
    pg_error_detail(in->err, "%s", what);
    return false;
}

/* Exactly n bytes; *eof (if given) is set when the stream ended before the first byte. */
static bool read_exact(io_in *in, void *buf, size_t n, bool *eof)
{
    size_t done = 0;
    while (done < n) {
        size_t got = 0;
        if (!in->read(in->arg, (uint8_t *)buf + done, n - done, &got, in->err))
            return false;
        if (got == 0)
            break;
        done += got;
    }
    if (eof)
        *eof = done == 0;
    if (done == n || (eof && *eof))
        return true;
    return corrupt(in, "the data ends in the middle of a record");
}

/* The most bytes one slot's lists can need. */
static uint64_t lists_bound(const vector_index *idx)
{
    return 4 + 4 + 4ull * idx->m0 + (uint64_t)HNSW_MAX_LEVEL * (4 + 4ull * idx->m);
}

/* Record lengths are bounded by what the header implies before anything is allocated. */
static bool check_length(io_in *in, uint32_t kind, uint32_t chunk, uint64_t len)
{
    vector_index *idx = in->idx;
    if (kind == REC_HEADER)
        return len >= 12 && len <= IO_MAX_HEADER_BYTES ? true : corrupt(in, "bad header length");
    if (kind == REC_END)
        return len == 8 ? true : corrupt(in, "bad end record length");
    if (kind < REC_NODES || kind > REC_LINK_PATCH)
        return corrupt(in, "unknown record kind");
    if (!in->in_generation)
        return corrupt(in, "chunk record outside a generation");
    if (chunk >= hnsw_chunks(idx, idx->n_slots))
        return corrupt(in, "chunk number past the end of the index");
    uint64_t count = hnsw_chunk_count(idx, chunk), max;
    switch (kind) {
    case REC_NODES:
        max = count * 10 + hnsw_nodes_pad(count) + count * idx->dim * 4;
        return len == max ? true : corrupt(in, "bad node chunk length");
    case REC_LINKS: max = count * lists_bound(idx); break;
    case REC_NODE_PATCH: max = 4 + count * IO_NODE_ENTRY_BYTES(idx->dim); break;
    default: max = 4 + count * (4 + lists_bound(idx)); break;
    }
    return len <= max ? true : corrupt(in, "bad chunk record length");
}

/* Reads the next record into in->buf; *kind = 0 at the end of the stream. */
static bool next_record(io_in *in, uint32_t *kind, uint32_t *chunk, size_t *len)
{
    uint8_t env[IO_ENVELOPE_BYTES];
    bool eof;
    if (!read_exact(in, env, sizeof env, &eof))
        return false;
    if (eof) {
        *kind = 0;
        return true;
    }
    uint64_t len64;
    memcpy(kind, env, 4);
    memcpy(chunk, env + 4, 4);
    memcpy(&len64, env + 8, 8);
    if (!check_length(in, *kind, *chunk, len64))
        return false;
    if (len64 > in->buf_cap) {
        uint8_t *b = realloc(in->buf, len64);
        if (!b) {
            pg_error_oom(in->err);
            return false;
        }
        in->buf = b;
        in->buf_cap = len64;
    }
    uint32_t stored;
    if (!read_exact(in, in->buf, len64, NULL) || !read_exact(in, &stored, 4, NULL))
        return false;
    uint32_t crc = crc32c_update(crc32c_update(0, env, sizeof env), in->buf, len64);
    if (crc != stored)
        return corrupt(in, "checksum mismatch");
    *len = len64;
    return true;
}

/* ---------------------------------------------------------------- load: applying records */

/* New slots [old, n_slots) start FREE, empty and unseen until records describe them. */
static bool extend_slots(io_in *in, size_t n_slots)
{
    vector_index *idx = in->idx;
    if (!hnsw_grow(idx, n_slots, in->err))
        return false;
    for (size_t s = idx->n_slots; s < n_slots; s++) {
        idx->upper[s] = NULL;
        idx->levels[s] = 0;
        idx->flags[s] = HNSW_FLAG_FREE;
        idx->rowids[s] = 0;
        hnsw_links(idx, (uint32_t)s, 0)[0] = 0;
    }
    if (n_slots > in->seen_len) {
        uint8_t *seen = realloc(in->seen, n_slots);
        if (!seen) {
            pg_error_oom(in->err);
            return false;
        }
        memset(seen + in->seen_len, 0, n_slots - in->seen_len);
        in->seen = seen;
        in->seen_len = n_slots;
    }
    idx->n_slots = n_slots;
    return true;
}

static bool apply_header(io_in *in, const uint8_t *p, size_t len)
{
    cursor c = {p, len, 0, false};
    const uint8_t *magic = take(&c, 8);
    uint32_t version = get_u32(&c);
    if (!magic || memcmp(magic, IO_MAGIC, 8) != 0)
        return corrupt(in, "not a vector index (bad magic)");
    if (version != IO_VERSION) {
        pg_error_set(in->err, "0A000", "vector index format version %u is not supported", version);
        pg_error_detail(in->err, "This server reads version %u.", IO_VERSION);
        pg_error_hint(in->err, "Rebuild the index (REINDEX).");
        return false;
    }
    if (len != IO_HEADER_BYTES)
        return corrupt(in, "bad header length");
    uint32_t metric = get_u32(&c), dim = get_u32(&c), m = get_u32(&c), efc = get_u32(&c);
    uint32_t shift = get_u32(&c);
    uint64_t seed = get_u64(&c), seq = get_u64(&c), n_slots = get_u64(&c);
    uint32_t entry = get_u32(&c);
    int32_t max_level = (int32_t)get_u32(&c);
    in->live = get_u64(&c);
    in->deleted = get_u64(&c);
    in->n_free = get_u64(&c);
    if (in->in_generation)
        return corrupt(in, "header inside a generation");
    if (shift < HNSW_CHUNK_MIN_SHIFT || shift > HNSW_CHUNK_MAX_SHIFT || n_slots > HNSW_MAX_SLOTS ||
        max_level < -1 || max_level > HNSW_MAX_LEVEL ||
        (entry != HNSW_NONE && entry >= n_slots) ||
        in->live + in->deleted + in->n_free != n_slots)
        return corrupt(in, "inconsistent header");
    vector_index *idx = in->idx;
    if (!idx) {
        pg_error e = {0};
        idx = in->idx = hnsw_new((vector_metric)metric, dim, m, efc, seed, &e);
        if (!idx) {
            bool oom = strcmp(e.sqlstate, "53200") == 0;
            if (oom)
                pg_error_move(in->err, &e);
            else
                corrupt(in, e.message ? e.message : "bad parameters");
            pg_error_clear(&e);
            return false;
        }
        idx->chunk_shift = shift;
    } else if (idx->metric != (vector_metric)metric || idx->dim != dim || idx->m != m ||
               idx->ef_construction != efc || idx->chunk_shift != shift || idx->seed != seed ||
               n_slots < idx->n_slots) {
        return corrupt(in, "a later generation does not match the first one");
    }
    if (!extend_slots(in, n_slots))
        return false;
    idx->insert_seq = seq;
    idx->entry = entry;
    idx->max_level = max_level;
    in->in_generation = true;
    in->gen_records = 1;
    return true;
}

/*
 * One slot's node: row id, level, flags, vector.  A slot seen for the first time, or whose
 * level changed, gets fresh (empty) upper lists and must have its lists described again.
 */
static bool load_node(io_in *in, uint32_t s, const uint8_t *rowid, int level, uint8_t flags,
                      const uint8_t *vector)
{
    vector_index *idx = in->idx;
    bool known_flags = flags == 0 || flags == HNSW_FLAG_DELETED || flags == HNSW_FLAG_FREE;
    if (level > HNSW_MAX_LEVEL || !known_flags || (flags == HNSW_FLAG_FREE && level != 0))
        return corrupt(in, "bad node level or flags");
    if (!(in->seen[s] & SEEN_NODE) || level != idx->levels[s]) {
        uint32_t *upper;
        if (!hnsw_new_upper(idx, level, &upper)) {
            pg_error_oom(in->err);
            return false;
        }
        hnsw_clear_slot(idx, s);
        hnsw_attach_upper(idx, s, level, upper);
        in->seen[s] = 0;
    }
    memcpy(&idx->rowids[s], rowid, 8);
    idx->flags[s] = flags;
    float *dst = idx->vectors + (size_t)s * idx->stride;
    memcpy(dst, vector, idx->dim * sizeof(float));
    memset(dst + idx->dim, 0, (idx->stride - idx->dim) * sizeof(float));
    for (size_t k = 0; k < idx->dim; k++)
        if (!isfinite(dst[k]))
            return corrupt(in, "non-finite vector element");
    in->seen[s] |= SEEN_NODE;
    return true;
}

/* One slot's lists from the cursor (level, then count and slots per layer). */
static bool load_lists(io_in *in, cursor *c, uint32_t s)
{
    vector_index *idx = in->idx;
    if (!(in->seen[s] & SEEN_NODE))
        return corrupt(in, "neighbour lists before their node");
    if (get_u32(c) != idx->levels[s])
        return corrupt(in, "neighbour lists do not match the node's level");
    for (int l = 0; l <= idx->levels[s]; l++) {
        uint32_t n = get_u32(c);
        const uint8_t *ids = take(c, (size_t)n * 4);
        if (c->failed || n > hnsw_max_links(idx, l))
            return corrupt(in, "bad neighbour list");
        uint32_t *links = hnsw_links(idx, s, l);
        memcpy(links + 1, ids, (size_t)n * 4);
        links[0] = n;
        for (uint32_t j = 1; j <= n; j++)
            if (links[j] >= idx->n_slots || links[j] == s)
                return corrupt(in, "neighbour out of range");
    }
    in->seen[s] |= SEEN_LINKS;
    return true;
}

static bool apply_nodes(io_in *in, uint32_t chunk, const uint8_t *p, size_t len)
{
    vector_index *idx = in->idx;
    size_t first = (size_t)chunk << idx->chunk_shift, count = hnsw_chunk_count(idx, chunk);
    cursor c = {p, len, 0, false};
    const uint8_t *rowids = take(&c, count * 8), *levels = take(&c, count);
    const uint8_t *flags = take(&c, count);
    take(&c, hnsw_nodes_pad(count));
    for (size_t i = 0; i < count; i++) {
        const uint8_t *v = take(&c, idx->dim * sizeof(float));
        if (!v)
            return corrupt(in, "short node chunk");
        if (!load_node(in, (uint32_t)(first + i), rowids + 8 * i, levels[i], flags[i], v))
            return false;
    }
    return true;
}

static bool apply_links(io_in *in, uint32_t chunk, const uint8_t *p, size_t len)
{
    vector_index *idx = in->idx;
    size_t first = (size_t)chunk << idx->chunk_shift, count = hnsw_chunk_count(idx, chunk);
    cursor c = {p, len, 0, false};
    for (size_t i = 0; i < count; i++)
        if (!load_lists(in, &c, (uint32_t)(first + i)))
            return false;
    return c.pos == c.len ? true : corrupt(in, "bad link chunk length");
}

/* A patch entry's slot: inside the record's chunk. */
static bool patch_slot(io_in *in, cursor *c, uint32_t chunk, uint32_t *s)
{
    vector_index *idx = in->idx;
    *s = get_u32(c);
    size_t first = (size_t)chunk << idx->chunk_shift;
    if (c->failed || *s < first || *s >= first + hnsw_chunk_count(idx, chunk))
        return corrupt(in, "patch entry outside its chunk");
    return true;
}

static bool apply_patch(io_in *in, uint32_t kind, uint32_t chunk, const uint8_t *p, size_t len)
{
    vector_index *idx = in->idx;
    cursor c = {p, len, 0, false};
    uint32_t n = get_u32(&c);
    if (kind == REC_NODE_PATCH && len != 4 + (uint64_t)n * IO_NODE_ENTRY_BYTES(idx->dim))
        return corrupt(in, "bad node patch length");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t s;
        if (!patch_slot(in, &c, chunk, &s))
            return false;
        if (kind == REC_LINK_PATCH) {
            if (!load_lists(in, &c, s))
                return false;
            continue;
        }
        const uint8_t *rowid = take(&c, 8), *level_flags = take(&c, 4);
        const uint8_t *v = take(&c, idx->dim * sizeof(float));
        if (!v || !load_node(in, s, rowid, level_flags[0], level_flags[1], v))
            return v ? false : corrupt(in, "short node patch");
    }
    return c.pos == c.len ? true : corrupt(in, "bad patch length");
}

static bool apply_end(io_in *in, const uint8_t *p)
{
    uint64_t records;
    memcpy(&records, p, 8);
    if (!in->in_generation || records != in->gen_records)
        return corrupt(in, "records are missing from a generation");
    in->in_generation = false;
    return true;
}

/* ---------------------------------------------------------------- load: final validation */

/* Each list: targets in use, high enough, no duplicates (tags: one fresh value per list). */
static bool validate_lists(io_in *in, uint32_t *tags)
{
    vector_index *idx = in->idx;
    uint32_t tag = 0;
    for (uint32_t s = 0; s < idx->n_slots; s++) {
        if (idx->flags[s] & HNSW_FLAG_FREE) {
            if (hnsw_links(idx, s, 0)[0] != 0)
                return corrupt(in, "a free slot has neighbours");
            continue;
        }
        for (int l = 0; l <= idx->levels[s]; l++) {
            const uint32_t *links = hnsw_links(idx, s, l);
            if (++tag == 0) {
                memset(tags, 0, idx->n_slots * sizeof *tags);
                tag = 1;
            }
            for (uint32_t j = 1; j <= links[0]; j++) {
                uint32_t t = links[j];
                if ((idx->flags[t] & HNSW_FLAG_FREE) || idx->levels[t] < l || tags[t] == tag)
                    return corrupt(in, "bad neighbour list");
                tags[t] = tag;
            }
        }
    }
    return true;
}

static bool validate(io_in *in)
{
    vector_index *idx = in->idx;
    if (!idx)
        return corrupt(in, "no header");
    if (in->in_generation)
        return corrupt(in, "the data ends before the end record");
    for (size_t s = 0; s < idx->n_slots; s++)
        if (in->seen[s] != (SEEN_NODE | SEEN_LINKS))
            return corrupt(in, "a slot's node or lists are missing");
    size_t live = 0, deleted = 0, n_free = 0;
    int top = -1;
    for (uint32_t s = 0; s < idx->n_slots; s++) {
        uint8_t fl = idx->flags[s];
        live += fl == 0;
        deleted += fl == HNSW_FLAG_DELETED;
        n_free += fl == HNSW_FLAG_FREE;
        if (fl != HNSW_FLAG_FREE && (int)idx->levels[s] > top)
            top = idx->levels[s];
    }
    if (live != in->live || deleted != in->deleted || n_free != in->n_free)
        return corrupt(in, "row counts do not match the header");
    if (top != idx->max_level ||
        (top < 0 ? idx->entry != HNSW_NONE
                 : idx->entry == HNSW_NONE || (idx->flags[idx->entry] & HNSW_FLAG_FREE) ||
                       idx->levels[idx->entry] != top))
        return corrupt(in, "bad entry point");
    uint32_t *tags = calloc(idx->n_slots ? idx->n_slots : 1, sizeof *tags);
    if (!tags) {
        pg_error_oom(in->err);
        return false;
    }
    bool ok = validate_lists(in, tags);
    free(tags);
    return ok;
}

/* The row id map and the free list, from the validated slots. */
static bool rebuild_lookups(io_in *in)
{
    vector_index *idx = in->idx;
    idx->live = in->live;
    idx->deleted = in->deleted;
    idx->n_free = 0;
    if (in->n_free > 0) {
        idx->free_slots = malloc(in->n_free * sizeof *idx->free_slots);
        if (!idx->free_slots) {
            pg_error_oom(in->err);
            return false;
        }
        idx->free_cap = in->n_free;
    }
    if (!hnsw_map_reserve(&idx->map, in->live)) {
        pg_error_oom(in->err);
        return false;
    }
    for (uint32_t s = 0; s < idx->n_slots; s++) {
        if (idx->flags[s] == HNSW_FLAG_FREE) {
            idx->free_slots[idx->n_free++] = s;
        } else if (idx->flags[s] == 0) {
            if (hnsw_map_get(&idx->map, idx->rowids[s]) != HNSW_NONE)
                return corrupt(in, "a row id appears twice");
            hnsw_map_put_reserved(&idx->map, idx->rowids[s], s);
        }
    }
    vector_index_mark_clean(idx);
    return true;
}

vector_index *vector_index_load(vector_read_fn read, void *arg, pg_error *err)
{
    io_in in = {.read = read, .arg = arg, .err = err};
    bool ok = true;
    for (;;) {
        uint32_t kind, chunk;
        size_t len;
        if (!(ok = next_record(&in, &kind, &chunk, &len)) || kind == 0)
            break;
        if (kind != REC_HEADER && !in.idx) {
            ok = corrupt(&in, "the data does not start with a header");
            break;
        }
        in.gen_records += kind != REC_END;
        switch (kind) {
        case REC_HEADER: ok = apply_header(&in, in.buf, len); break;
        case REC_NODES: ok = apply_nodes(&in, chunk, in.buf, len); break;
        case REC_LINKS: ok = apply_links(&in, chunk, in.buf, len); break;
        case REC_NODE_PATCH:
        case REC_LINK_PATCH: ok = apply_patch(&in, kind, chunk, in.buf, len); break;
        default: ok = apply_end(&in, in.buf); break;
        }
        if (!ok)
            break;
    }
    ok = ok && validate(&in) && rebuild_lookups(&in);
    free(in.buf);
    free(in.seen);
    if (!ok) {
        vector_index_free(in.idx);
        return NULL;
    }
    return in.idx;
}

