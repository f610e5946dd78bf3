/*
 * hnsw_save.c — writing the HNSW index as bytes (format: hnsw_format.h): a whole generation,
 * or patches for only the slots changed since the last vector_index_mark_clean; plus the
 * ready-made byte sinks and sources and the side-file helpers.
 *
 * Why patches per slot rather than dirty chunks: an HNSW insertion rewrites the lists of
 * some 30 neighbours scattered over the whole index, so after a few inserts nearly every
 * chunk is dirty; a patch carries only the changed lists (and the new node).
 *
 * Each record is built in one reused buffer, then handed to the caller's sink with its
 * envelope and CRC-32C.  A NODES record holds about 1 MB of vectors (the chunk size is chosen
 * for that), so the buffer stays small whatever the index size.
 */
#include "vector/crc32c.h"
#include "vector/hnsw_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- encoding */

static void put_u32(strbuf *b, uint32_t v)
{
    strbuf_append(b, &v, 4);
}

static void put_u64(strbuf *b, uint64_t v)
{
    strbuf_append(b, &v, 8);
}

/* ---------------------------------------------------------------- save */

typedef struct io_out {
    vector_write_fn write;
    void *arg;
    pg_error *err;
    strbuf payload;
    uint64_t records;
} io_out;

static bool emit(io_out *o, uint32_t kind, uint32_t chunk)
{
    if (o->payload.failed) {
        pg_error_oom(o->err);
        return false;
    }
    uint8_t env[IO_ENVELOPE_BYTES];
    uint64_t len = o->payload.len;
    memcpy(env, &kind, 4);
    memcpy(env + 4, &chunk, 4);
    memcpy(env + 8, &len, 8);
    uint32_t crc = crc32c_update(0, env, sizeof env);
    crc = crc32c_update(crc, o->payload.data, o->payload.len);
    o->records++;
    return o->write(o->arg, env, sizeof env, o->err) &&
           (len == 0 || o->write(o->arg, o->payload.data, o->payload.len, o->err)) &&
           o->write(o->arg, &crc, 4, o->err);
}

static void encode_header(const vector_index *idx, strbuf *b)
{
    strbuf_append(b, IO_MAGIC, 8);
    put_u32(b, IO_VERSION);
    put_u32(b, (uint32_t)idx->metric);
    put_u32(b, idx->dim);
    put_u32(b, idx->m);
    put_u32(b, idx->ef_construction);
    put_u32(b, idx->chunk_shift);
    put_u64(b, idx->seed);
    put_u64(b, idx->insert_seq);
    put_u64(b, idx->n_slots);
    put_u32(b, idx->entry);
    put_u32(b, (uint32_t)idx->max_level);
    put_u64(b, idx->live);
    put_u64(b, idx->deleted);
    put_u64(b, idx->n_free);
}

static void encode_nodes(const vector_index *idx, size_t c, strbuf *b)
{
    size_t first = c << idx->chunk_shift, count = hnsw_chunk_count(idx, c);
    strbuf_append(b, idx->rowids + first, count * sizeof(int64_t));
    strbuf_append(b, idx->levels + first, count);
    strbuf_append(b, idx->flags + first, count);
    static const uint8_t zeros[4] = {0};
    strbuf_append(b, zeros, hnsw_nodes_pad(count));
    for (size_t s = first; s < first + count; s++)
        strbuf_append(b, hnsw_vector(idx, (uint32_t)s), idx->dim * sizeof(float));
}

/* A slot's lists: level, then count and slots for each layer. */
static void encode_lists(const vector_index *idx, uint32_t s, strbuf *b)
{
    put_u32(b, idx->levels[s]);
    for (int l = 0; l <= idx->levels[s]; l++) {
        const uint32_t *links = hnsw_links(idx, s, l);
        strbuf_append(b, links, (1 + links[0]) * sizeof *links);
    }
}

static void encode_links(const vector_index *idx, size_t c, strbuf *b)
{
    size_t first = c << idx->chunk_shift, count = hnsw_chunk_count(idx, c);
    for (size_t s = first; s < first + count; s++)
        encode_lists(idx, (uint32_t)s, b);
}

/* The slots of chunk c whose `what` changed since mark_clean, as patch entries. */
static void encode_patch(const vector_index *idx, size_t c, uint8_t what, strbuf *b)
{
    size_t first = c << idx->chunk_shift, count = hnsw_chunk_count(idx, c), n = 0;
    for (size_t s = first; s < first + count; s++)
        n += (idx->slot_dirty[s] & what) != 0;
    put_u32(b, (uint32_t)n);
    for (size_t s = first; s < first + count; s++) {
        if (!(idx->slot_dirty[s] & what))
            continue;
        put_u32(b, (uint32_t)s);
        if (what == HNSW_DIRTY_LINKS) {
            encode_lists(idx, (uint32_t)s, b);
            continue;
        }
        uint8_t level_flags[4] = {idx->levels[s], idx->flags[s], 0, 0};
        strbuf_append(b, &idx->rowids[s], sizeof(int64_t));
        strbuf_append(b, level_flags, sizeof level_flags);
        strbuf_append(b, hnsw_vector(idx, (uint32_t)s), idx->dim * sizeof(float));
    }
}

bool vector_index_save(const vector_index *idx, bool only_dirty, vector_write_fn write,
                       void *arg, pg_error *err)
{
    io_out o = {.write = write, .arg = arg, .err = err};
    strbuf_init(&o.payload);
    encode_header(idx, &o.payload);
    bool ok = emit(&o, REC_HEADER, 0);
    size_t chunks = hnsw_chunks(idx, idx->n_slots);
    for (size_t c = 0; ok && c < chunks; c++) {
        strbuf_reset(&o.payload);
        if (!only_dirty) {
            encode_nodes(idx, c, &o.payload);
            ok = emit(&o, REC_NODES, (uint32_t)c);
        } else if (idx->dirty[c] & HNSW_DIRTY_DATA) {
            encode_patch(idx, c, HNSW_DIRTY_DATA, &o.payload);
            ok = emit(&o, REC_NODE_PATCH, (uint32_t)c);
        }
    }
    for (size_t c = 0; ok && c < chunks; c++) {
        strbuf_reset(&o.payload);
        if (!only_dirty) {
            encode_links(idx, c, &o.payload);
            ok = emit(&o, REC_LINKS, (uint32_t)c);
        } else if (idx->dirty[c] & HNSW_DIRTY_LINKS) {
            encode_patch(idx, c, HNSW_DIRTY_LINKS, &o.payload);
            ok = emit(&o, REC_LINK_PATCH, (uint32_t)c);
        }
    }
    if (ok) {
        strbuf_reset(&o.payload);
        put_u64(&o.payload, o.records);
        ok = emit(&o, REC_END, 0);
    }
    strbuf_free(&o.payload);
    return ok;
}

void vector_index_mark_clean(vector_index *idx)
{
    if (idx->dirty)
        memset(idx->dirty, 0, hnsw_chunks(idx, idx->capacity));
    if (idx->slot_dirty)
        memset(idx->slot_dirty, 0, idx->capacity);
}

/* ---------------------------------------------------------------- sinks and sources */

bool vector_write_strbuf(void *strbuf_arg, const void *bytes, size_t n, pg_error *err)
{
    strbuf *b = strbuf_arg;
    strbuf_append(b, bytes, n);
    if (b->failed) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

bool vector_read_memory(void *reader_arg, void *buf, size_t n, size_t *got, pg_error *err)
{
    UNUSED(err);
    vector_memory_reader *r = reader_arg;
    size_t left = r->len - r->pos;
    *got = n < left ? n : left;
    memcpy(buf, r->bytes + r->pos, *got);
    r->pos += *got;
    return true;
}

bool vector_write_file(void *file_arg, const void *bytes, size_t n, pg_error *err)
{
    if (fwrite(bytes, 1, n, file_arg) == n)
        return true;
    pg_error_set(err, "58030", "could not write vector index: %s", strerror(errno));
    return false;
}

bool vector_read_file(void *file_arg, void *buf, size_t n, size_t *got, pg_error *err)
{
    *got = fread(buf, 1, n, file_arg);
    if (*got < n && ferror((FILE *)file_arg)) {
        pg_error_set(err, "58030", "could not read vector index: %s", strerror(errno));
        return false;
    }
    return true;
}

bool vector_index_save_file(const vector_index *idx, const char *path, pg_error *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        pg_error_oom(err);
        return false;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        pg_error_set(err, "58030", "could not create file \"%s\": %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = vector_index_save(idx, false, vector_write_file, f, err);
    if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        pg_error_set(err, "58030", "could not fsync file \"%s\": %s", tmp, strerror(errno));
        ok = false;
    }
    if (fclose(f) != 0 && ok) {
        pg_error_set(err, "58030", "could not close file \"%s\": %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        pg_error_set(err, "58030", "could not rename file \"%s\" to \"%s\": %s", tmp, path,
                     strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

vector_index *vector_index_load_file(const char *path, pg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pg_error_set(err, "58030", "could not open file \"%s\": %s", path, strerror(errno));
        return NULL;
    }
    vector_index *idx = vector_index_load(vector_read_file, f, err);
    fclose(f);
    return idx;
}
