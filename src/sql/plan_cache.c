/*
 * plan_cache.c — translations shared by all sessions, keyed by everything a translation
 * depends on: the database, its schema version, the settings that shape name resolution and
 * literal folding, the declared parameter types and the statement text.  The steady-state
 * cost of a repeated statement is one hash lookup under a striped lock.
 *
 * Entries of old schema versions are never hit again; they age out when a stripe is full
 * (the stripe is cleared: simple, and a burst of re-translation after a full cache is cheap
 * compared with tracking recency on every hit).
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

#define STRIPES 16

typedef struct stripe {
    pthread_mutex_t lock;
    hashmap map;     /* key → sql_plan */
} stripe;

struct plan_cache {
    size_t per_stripe;
    stripe stripes[STRIPES];
};

plan_cache *plan_cache_create(size_t capacity)
{
    plan_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->per_stripe = capacity / STRIPES + 1;
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&c->stripes[i].lock, NULL);
        hashmap_init(&c->stripes[i].map);
    }
    return c;
}

static void clear_stripe(stripe *st)
{
    size_t cur = 0;
    void *v;
    while (hashmap_next(&st->map, &cur, NULL, &v))
        sql_plan_unref(v);
    hashmap_free(&st->map);
    hashmap_init(&st->map);
}

void plan_cache_destroy(plan_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < STRIPES; i++) {
        clear_stripe(&c->stripes[i]);
        pthread_mutex_destroy(&c->stripes[i].lock);
    }
    free(c);
}

/* The key as one string: "dbptr/version/types/settings\x1ftext". */
static char *make_key(const void *db, uint64_t version, const char *settings, const pg_oid *ptypes, int nptypes,
                      const char *text, size_t len, char *stack, size_t stack_size)
{
    char head[128];
    int n = snprintf(head, sizeof head, "%p/%llu/", db, (unsigned long long)version);
    size_t need = (size_t)n + strlen(settings) + (size_t)nptypes * 11 + len + 4;
    char *k = need <= stack_size ? stack : malloc(need);
    if (!k)
        return NULL;
    char *p = k;
    memcpy(p, head, (size_t)n);
    p += n;
    for (int i = 0; i < nptypes; i++)
        p += sprintf(p, "%u,", ptypes[i]);
    size_t sl = strlen(settings);
    memcpy(p, settings, sl);
    p += sl;
    *p++ = '\x1f';
    memcpy(p, text, len);
    p += len;
    *p = 0;
    return k;
}

static stripe *stripe_of(plan_cache *c, const char *text, size_t len)
{
    return &c->stripes[hash_bytes(text, len) % STRIPES];
}

sql_plan *plan_cache_get(plan_cache *c, const void *db, uint64_t version, const char *settings,
                         const pg_oid *ptypes, int nptypes, const char *text, size_t len)
{
    char stack[512];
    char *key = make_key(db, version, settings, ptypes, nptypes, text, len, stack, sizeof stack);
    if (!key)
        return NULL;
    stripe *st = stripe_of(c, text, len);
    pthread_mutex_lock(&st->lock);
    sql_plan *p = hashmap_get(&st->map, key);
    if (p)
        sql_plan_ref(p);
    pthread_mutex_unlock(&st->lock);
    if (key != stack)
        free(key);
    return p;
}

void plan_cache_put(plan_cache *c, const void *db, uint64_t version, const char *settings, const pg_oid *ptypes,
                    int nptypes, const char *text, size_t len, sql_plan *p)
{
    char stack[512];
    char *key = make_key(db, version, settings, ptypes, nptypes, text, len, stack, sizeof stack);
    if (!key)
        return;
    stripe *st = stripe_of(c, text, len);
    pthread_mutex_lock(&st->lock);
    if (st->map.count >= c->per_stripe)
        clear_stripe(st);
    sql_plan *old = hashmap_get(&st->map, key);
    if (hashmap_put(&st->map, key, p)) {
        sql_plan_ref(p);
        if (old)
            sql_plan_unref(old);
    }
    pthread_mutex_unlock(&st->lock);
    if (key != stack)
        free(key);
}
