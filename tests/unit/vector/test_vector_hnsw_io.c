/*
 * test_vector_hnsw_io.c — saving and loading the HNSW index: a round trip gives identical
 * search results (ids and distances) for every metric, with deleted and freed slots too;
 * incremental saves (patches) appended to a full one load to the live index and are a small
 * fraction of it; every corrupted or truncated byte stream, and patches that are well sealed
 * but wrong, are refused with XX002 (never a crash, never a wrong index); a newer format
 * version is refused with 0A000; the side-file helpers; CRC-32C's check value.
 */
#include "unit.h"
#include "vector/crc32c.h"
#include "vector_testdata.h"

#include <string.h>
#include <unistd.h>

#define DIM 24
#define NQ 50
#define K 10

static vector_index *make_index(vector_metric metric, size_t n, uint64_t seed)
{
    pg_error err = {0};
    bool unit = metric != VECTOR_METRIC_INNER_PRODUCT;
    float *base = test_clustered_vectors(seed, 1, n, DIM, 10, 1.0, unit);
    vector_index *idx = vector_index_create(metric, DIM, 6, 24, seed, &err);
    for (size_t i = 0; i < n; i++)
        CHECK(vector_index_insert(idx, (int64_t)i * 3 - 1000, base + i * DIM, &err));
    free(base);
    return idx;
}

/* Same rows, same order, same distances (bit for bit) for every query. */
static bool same_results(const vector_index *a, const vector_index *b, uint64_t seed)
{
    float *qs = test_clustered_vectors(seed, 2, NQ, DIM, 10, 1.0, true);
    bool same = true;
    pg_error err = {0};
    for (size_t q = 0; q < NQ && same; q++) {
        int64_t ia[K], ib[K];
        float da[K], db[K];
        size_t na, nb;
        if (!vector_index_search(a, qs + q * DIM, K, 30, NULL, NULL, ia, da, &na, &err) ||
            !vector_index_search(b, qs + q * DIM, K, 30, NULL, NULL, ib, db, &nb, &err))
            same = false;
        same = same && na == nb && memcmp(ia, ib, na * sizeof *ia) == 0 &&
               memcmp(da, db, na * sizeof *da) == 0;
    }
    free(qs);
    return same;
}

static vector_index *load_bytes(const void *bytes, size_t len, pg_error *err)
{
    vector_memory_reader r = {bytes, len, 0};
    return vector_index_load(vector_read_memory, &r, err);
}

static void save_to(const vector_index *idx, bool only_dirty, strbuf *out)
{
    pg_error err = {0};
    CHECK(vector_index_save(idx, only_dirty, vector_write_strbuf, out, &err));
}

static void test_round_trip_each_metric(void)
{
    for (int m = 0; m < 4; m++) {
        vector_index *idx = make_index((vector_metric)m, 3000, 11 + m);
        strbuf b;
        strbuf_init(&b);
        save_to(idx, false, &b);
        pg_error err = {0};
        vector_index *copy = load_bytes(b.data, b.len, &err);
        CHECK(copy != NULL);
        if (copy) {
            CHECK(same_results(idx, copy, 11 + m));
            vector_index_stats s1, s2;
            vector_index_get_stats(idx, &s1);
            vector_index_get_stats(copy, &s2);
            CHECK(s1.live == s2.live && s1.max_level == s2.max_level && s1.m == s2.m &&
                  s1.dim == s2.dim && s1.metric == s2.metric);
            /* Saving the copy gives the same bytes: nothing lost, nothing invented. */
            strbuf b2;
            strbuf_init(&b2);
            save_to(copy, false, &b2);
            CHECK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
            strbuf_free(&b2);
            /* The copy goes on as the original would: same inserts, same results. */
            float v[DIM];
            for (int i = 0; i < DIM; i++)
                v[i] = (float)i / DIM;
            CHECK(vector_index_insert(idx, 777777, v, &err));
            CHECK(vector_index_insert(copy, 777777, v, &err));
            CHECK(same_results(idx, copy, 11 + m));
        }
        vector_index_free(copy);
        vector_index_free(idx);
        strbuf_free(&b);
    }
}

static void test_round_trip_deleted_and_free(void)
{
    vector_index *idx = make_index(VECTOR_METRIC_L2, 2000, 5);
    for (int i = 0; i < 2000; i += 5)
        CHECK(vector_index_delete(idx, (int64_t)i * 3 - 1000));
    pg_error err = {0};
    CHECK(vector_index_repair(idx, &err));
    for (int i = 1; i < 2000; i += 7)   /* deleted, not repaired */
        vector_index_delete(idx, (int64_t)i * 3 - 1000);
    strbuf b;
    strbuf_init(&b);
    save_to(idx, false, &b);
    vector_index *copy = load_bytes(b.data, b.len, &err);
    CHECK(copy != NULL);
    if (copy) {
        CHECK(same_results(idx, copy, 5));
        vector_index_stats s1, s2;
        vector_index_get_stats(idx, &s1);
        vector_index_get_stats(copy, &s2);
        CHECK(s1.live == s2.live && s1.deleted == s2.deleted && s1.free_slots == s2.free_slots);
        CHECK(!vector_index_contains(copy, -1000));
        CHECK(vector_index_contains(copy, 3 * 3 - 1000));
    }
    vector_index_free(copy);
    vector_index_free(idx);
    strbuf_free(&b);
}

static void test_empty_index(void)
{
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_COSINE, 5, 4, 8, 1, &err);
    strbuf b;
    strbuf_init(&b);
    save_to(idx, false, &b);
    vector_index *copy = load_bytes(b.data, b.len, &err);
    CHECK(copy != NULL);
    vector_index_stats st;
    if (copy) {
        vector_index_get_stats(copy, &st);
        CHECK(st.live == 0 && st.max_level == -1 && st.metric == VECTOR_METRIC_COSINE);
    }
    vector_index_free(copy);
    vector_index_free(idx);
    strbuf_free(&b);
    CHECK(load_bytes("", 0, &err) == NULL);
    CHECK_STR(err.sqlstate, "XX002");
    pg_error_clear(&err);
}

static void test_incremental(void)
{
    vector_index *idx = make_index(VECTOR_METRIC_COSINE, 3000, 21);
    strbuf log;
    strbuf_init(&log);
    save_to(idx, false, &log);
    size_t full = log.len;
    vector_index_mark_clean(idx);
    /* A few changes: an incremental save holds a fraction of the index. */
    pg_error err = {0};
    float *more = test_clustered_vectors(21, 3, 40, DIM, 10, 1.0, true);
    for (int i = 0; i < 40; i++)
        CHECK(vector_index_insert(idx, 100000 + i, more + i * DIM, &err));
    CHECK(vector_index_delete(idx, 6 * 3 - 1000));
    save_to(idx, true, &log);
    size_t inc = log.len - full;
    CHECK(inc < full / 10);   /* about 20 KB of 455 KB: the new nodes and changed lists */
    vector_index_mark_clean(idx);
    /* Nothing changed: header and end only. */
    strbuf none;
    strbuf_init(&none);
    save_to(idx, true, &none);
    CHECK(none.len < 200);
    /* A second round with repair (reuses slots). */
    for (int i = 0; i < 3000; i += 9)
        vector_index_delete(idx, (int64_t)i * 3 - 1000);
    CHECK(vector_index_repair(idx, &err));
    for (int i = 0; i < 20; i++)
        CHECK(vector_index_insert(idx, 200000 + i, more + i * DIM, &err));
    save_to(idx, true, &log);
    vector_index_mark_clean(idx);
    save_to(idx, true, &log);   /* a generation with no chunk at all */
    vector_index *copy = load_bytes(log.data, log.len, &err);
    CHECK(copy != NULL);
    if (!copy)
        fprintf(stderr, "  %s: %s (%s)\n", err.sqlstate, err.message, err.detail);
    if (copy) {
        CHECK(same_results(idx, copy, 21));
        CHECK(vector_index_contains(copy, 200019) && !vector_index_contains(copy, -1000));
    }
    /* Without the first (full) generation, chunks are missing. */
    vector_index *partial = load_bytes(log.data + full, log.len - full, &err);
    CHECK(partial == NULL);
    CHECK_STR(err.sqlstate, "XX002");
    pg_error_clear(&err);
    vector_index_free(copy);
    vector_index_free(idx);
    free(more);
    strbuf_free(&log);
    strbuf_free(&none);
}

/* Calls fix(record) on each record of kind `kind` (its payload, length) and re-seals its CRC,
 * so the loader's checks beyond the checksum are what gets tested. */
static void rewrite_records(strbuf *b, uint32_t kind, void (*fix)(uint8_t *payload, uint64_t len))
{
    for (size_t pos = 0; pos + 16 <= b->len;) {
        uint32_t k;
        uint64_t len;
        memcpy(&k, b->data + pos, 4);
        memcpy(&len, b->data + pos + 8, 8);
        if (k == kind) {
            fix((uint8_t *)b->data + pos + 16, len);
            uint32_t crc = crc32c_update(0, b->data + pos, 16 + len);
            memcpy(b->data + pos + 16 + len, &crc, 4);
        }
        pos += 16 + len + 4;
    }
}

static void slot_out_of_chunk(uint8_t *payload, uint64_t len)
{
    uint32_t far = 1u << 20;
    if (len >= 8)
        memcpy(payload + 4, &far, 4);   /* the first entry's slot */
}

static void level_too_high(uint8_t *payload, uint64_t len)
{
    if (len >= 8 + 8 + 1)
        payload[4 + 4 + 8] = 31;   /* the first entry's level */
}

static void test_bad_patches_refused(void)
{
    vector_index *idx = make_index(VECTOR_METRIC_L2, 1500, 51);
    strbuf full, inc;
    strbuf_init(&full);
    strbuf_init(&inc);
    save_to(idx, false, &full);
    vector_index_mark_clean(idx);
    float v[DIM] = {1};
    pg_error err = {0};
    CHECK(vector_index_insert(idx, 424242, v, &err));
    save_to(idx, true, &inc);
    void (*fixes[])(uint8_t *, uint64_t) = {slot_out_of_chunk, level_too_high, slot_out_of_chunk};
    const uint32_t kinds[] = {5, 5, 6};   /* NODE_PATCH, NODE_PATCH, LINK_PATCH */
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
        strbuf all;
        strbuf_init(&all);
        strbuf_append(&all, full.data, full.len);
        strbuf bad;
        strbuf_init(&bad);
        strbuf_append(&bad, inc.data, inc.len);
        rewrite_records(&bad, kinds[i], fixes[i]);
        strbuf_append(&all, bad.data, bad.len);
        vector_index *copy = load_bytes(all.data, all.len, &err);
        CHECK(copy == NULL);
        CHECK_STR(err.sqlstate, "XX002");
        CHECK_STR(err.detail, i == 1 ? "bad node level or flags" : "patch entry outside its chunk");
        pg_error_clear(&err);
        strbuf_free(&bad);
        strbuf_free(&all);
    }
    /* Untouched, the same bytes load. */
    strbuf_append(&full, inc.data, inc.len);
    vector_index *copy = load_bytes(full.data, full.len, &err);
    CHECK(copy != NULL && vector_index_contains(copy, 424242));
    vector_index_free(copy);
    strbuf_free(&full);
    strbuf_free(&inc);
    vector_index_free(idx);
}

static void test_corruption_refused(void)
{
    vector_index *idx = make_index(VECTOR_METRIC_L2, 1500, 31);
    strbuf b;
    strbuf_init(&b);
    save_to(idx, false, &b);
    uint8_t *copy = malloc(b.len);
    test_rng r = {5};
    int refused = 0, tries = 0;
    pg_error err = {0};
    /* Every byte of the first 200 (header, first chunk's envelope) and random ones after. */
    for (size_t t = 0; t < 600; t++) {
        size_t pos = t < 200 ? t : (size_t)(test_rng_next(&r) % b.len);
        memcpy(copy, b.data, b.len);
        copy[pos] ^= (uint8_t)(1u << (test_rng_next(&r) % 8));
        vector_index *bad = load_bytes(copy, b.len, &err);
        tries++;
        if (!bad && strcmp(err.sqlstate, "XX002") == 0)
            refused++;
        vector_index_free(bad);
        pg_error_clear(&err);
    }
    CHECK_INT(refused, tries);
    /* Truncated anywhere: refused. */
    for (size_t t = 0; t < 200; t++) {
        size_t len = t < 100 ? t : (size_t)(test_rng_next(&r) % b.len);
        vector_index *bad = load_bytes(b.data, len, &err);
        CHECK(bad == NULL);
        CHECK_STR(err.sqlstate, "XX002");
        vector_index_free(bad);
        pg_error_clear(&err);
    }
    /* Garbage appended after a complete generation: refused too. */
    memcpy(copy, b.data, b.len);
    strbuf g;
    strbuf_init(&g);
    strbuf_append(&g, b.data, b.len);
    strbuf_append(&g, "garbage!garbage!garbage!", 24);
    CHECK(load_bytes(g.data, g.len, &err) == NULL);
    CHECK_STR(err.sqlstate, "XX002");
    pg_error_clear(&err);
    strbuf_free(&g);
    free(copy);
    strbuf_free(&b);
    vector_index_free(idx);
}

static void test_newer_version_refused(void)
{
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_L2, 4, 4, 8, 1, &err);
    strbuf b;
    strbuf_init(&b);
    save_to(idx, false, &b);
    /* The header record: envelope (16) then "PGWVHNSW" then the version. */
    uint32_t version = 2;
    memcpy(b.data + 16 + 8, &version, 4);
    uint64_t len;
    memcpy(&len, b.data + 8, 8);
    uint32_t crc = crc32c_update(0, b.data, 16 + len);
    memcpy(b.data + 16 + len, &crc, 4);
    CHECK(load_bytes(b.data, b.len, &err) == NULL);
    CHECK_STR(err.sqlstate, "0A000");
    pg_error_clear(&err);
    strbuf_free(&b);
    vector_index_free(idx);
}

static void test_side_file(void)
{
    vector_index *idx = make_index(VECTOR_METRIC_INNER_PRODUCT, 1000, 41);
    char path[] = "/tmp/pgwire-vector-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    pg_error err = {0};
    CHECK(vector_index_save_file(idx, path, &err));
    vector_index *copy = vector_index_load_file(path, &err);
    CHECK(copy != NULL);
    if (copy)
        CHECK(same_results(idx, copy, 41));
    unlink(path);
    CHECK(vector_index_load_file(path, &err) == NULL);
    CHECK_STR(err.sqlstate, "58030");
    pg_error_clear(&err);
    CHECK(!vector_index_save_file(idx, "/nonexistent-dir/x", &err));
    CHECK_STR(err.sqlstate, "58030");
    pg_error_clear(&err);
    vector_index_free(copy);
    vector_index_free(idx);
}

static void test_crc32c(void)
{
    CHECK(crc32c_update(0, "123456789", 9) == 0xE3069283u);
    CHECK(crc32c_update_portable(0, "123456789", 9) == 0xE3069283u);
    uint8_t buf[300];
    test_rng r = {3};
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)test_rng_next(&r);
    for (size_t n = 0; n <= sizeof buf; n += 7) {
        CHECK(crc32c_update(0, buf, n) == crc32c_update_portable(0, buf, n));
        /* incremental */
        CHECK(crc32c_update(crc32c_update(0, buf, n / 3), buf + n / 3, n - n / 3) ==
              crc32c_update(0, buf, n));
    }
}

int main(void)
{
    RUN(test_crc32c);
    RUN(test_round_trip_each_metric);
    RUN(test_round_trip_deleted_and_free);
    RUN(test_empty_index);
    RUN(test_incremental);
    RUN(test_corruption_refused);
    RUN(test_bad_patches_refused);
    RUN(test_newer_version_refused);
    RUN(test_side_file);
    return UNIT_DONE();
}
