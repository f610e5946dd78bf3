/*
 * snapshot.c — loading and sharing catalog snapshots.
 *
 * A snapshot owns all its strings in one arena; lookups go through a hash map keyed
 * "schema\x1fname".  The shared snapshot of a database hangs on the engine_db (sql_state
 * slot is the SQL layer's; we use our own small holder behind a mutex) and is replaced when
 * the schema version moves.  Sessions keep a reference while they use one, so replacing it
 * never frees a snapshot under somebody's feet.
 */
#include "catalog/catalog_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void cat_snapshot_ref(cat_snapshot *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void cat_snapshot_unref(cat_snapshot *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    hashmap_free(&s->by_name);
    hashmap_free(&s->by_oid);
    hashmap_free(&s->namespaces_by_name);
    arena_free(&s->mem);
    free(s->relations);
    free(s->namespaces);
    free(s);
}

uint64_t cat_snapshot_version(const cat_snapshot *s) { return s->version; }
uint64_t cat_snapshot_id(const cat_snapshot *s) { return s->id; }
bool cat_snapshot_is_private(const cat_snapshot *s) { return s->is_private; }

static void rel_key(const char *schema, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s\x1f%s", schema, name);
}

const cat_relation *cat_find_relation(const cat_snapshot *s, const char *schema, const char *name)
{
    char key[512];
    rel_key(schema, name, key, sizeof key);
    return hashmap_get(&s->by_name, key);
}

const cat_relation *cat_relation_by_oid(const cat_snapshot *s, pg_oid oid)
{
    char key[16];
    snprintf(key, sizeof key, "%u", oid);
    return hashmap_get(&s->by_oid, key);
}

const cat_namespace *cat_find_namespace(const cat_snapshot *s, const char *name)
{
    return hashmap_get(&s->namespaces_by_name, name);
}

const cat_namespace *cat_namespace_by_oid(const cat_snapshot *s, pg_oid oid)
{
    for (size_t i = 0; i < s->nnamespaces; i++)
        if (s->namespaces[i].oid == oid)
            return &s->namespaces[i];
    return NULL;
}

size_t cat_relation_count(const cat_snapshot *s) { return s->nrelations; }
const cat_relation *cat_relation_at(const cat_snapshot *s, size_t i) { return i < s->nrelations ? s->relations[i] : NULL; }
size_t cat_namespace_count(const cat_snapshot *s) { return s->nnamespaces; }
const cat_namespace *cat_namespace_at(const cat_snapshot *s, size_t i) { return i < s->nnamespaces ? &s->namespaces[i] : NULL; }

const cat_column *cat_find_column(const cat_relation *r, const char *name)
{
    for (int i = 0; i < r->ncolumns; i++)
        if (strcmp(r->columns[i].name, name) == 0)
            return &r->columns[i];
    return NULL;
}

bool cat_snapshot_add_namespace(cat_snapshot *s, pg_oid oid, const char *name)
{
    if (s->nnamespaces == s->namespaces_cap) {
        size_t cap = s->namespaces_cap ? s->namespaces_cap * 2 : 8;
        cat_namespace *grown = realloc(s->namespaces, cap * sizeof *grown);
        if (!grown)
            return false;
        /* The map points into the array: rebuild it after moving. */
        s->namespaces = grown;
        s->namespaces_cap = cap;
        hashmap_free(&s->namespaces_by_name);
        hashmap_init(&s->namespaces_by_name);
        for (size_t i = 0; i < s->nnamespaces; i++)
            if (!hashmap_put(&s->namespaces_by_name, s->namespaces[i].name, &s->namespaces[i]))
                return false;
    }
    cat_namespace *ns = &s->namespaces[s->nnamespaces];
    memset(ns, 0, sizeof *ns);
    ns->oid = oid;
    ns->name = arena_strdup(&s->mem, name);
    if (!ns->name)
        return false;
    s->nnamespaces++;
    return hashmap_put(&s->namespaces_by_name, ns->name, ns);
}

bool cat_snapshot_add_relation(cat_snapshot *s, cat_relation *r)
{
    if (s->nrelations == s->relations_cap) {
        size_t cap = s->relations_cap ? s->relations_cap * 2 : 32;
        cat_relation **grown = realloc(s->relations, cap * sizeof *grown);
        if (!grown)
            return false;
        s->relations = grown;
        s->relations_cap = cap;
    }
    s->relations[s->nrelations++] = r;
    char key[512];
    rel_key(r->schema, r->name, key, sizeof key);
    char okey[16];
    snprintf(okey, sizeof okey, "%u", r->oid);
    return hashmap_put(&s->by_name, key, r) && hashmap_put(&s->by_oid, okey, r);
}

cat_snapshot *cat_snapshot_new(uint64_t version)
{
    static _Atomic uint64_t next_id = 1;
    cat_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->version = version;
    s->id = atomic_fetch_add(&next_id, 1);
    arena_init(&s->mem);
    hashmap_init(&s->by_name);
    hashmap_init(&s->by_oid);
    hashmap_init(&s->namespaces_by_name);
    return s;
}

/* ---------------------------------------------------------------- sharing */

/* Per database: the current shared snapshot and the engine connection that loads it.  The
 * connection is the catalog's own (outside the pool), so that translating a statement
 * never waits for a pooled connection; loads are serialised by `lock`. */
static pthread_mutex_t holder_init_lock = PTHREAD_MUTEX_INITIALIZER;

static void holder_free(void *p)
{
    shared_holder *h = p;
    if (h->current)
        cat_snapshot_unref(h->current);
    engine_conn_close(h->conn);
    pthread_mutex_destroy(&h->lock);
    pthread_mutex_destroy(&h->store_lock);
    free(h);
}

/* The holder is created once per database; the init lock only guards that creation. */
shared_holder *holder_of(engine_db *db)
{
    static _Atomic uint64_t next_store_id = 1;
    shared_holder *h = engine_db_catalog_state(db);
    if (h)
        return h;
    pthread_mutex_lock(&holder_init_lock);
    h = engine_db_catalog_state(db);
    if (!h) {
        h = calloc(1, sizeof *h);
        if (h) {
            pthread_mutex_init(&h->lock, NULL);
            pthread_mutex_init(&h->store_lock, NULL);
            h->store_id = atomic_fetch_add(&next_store_id, 1);
            engine_db_set_catalog_state(db, h, holder_free);
        }
    }
    pthread_mutex_unlock(&holder_init_lock);
    return h;
}

cat_snapshot *catalog_snapshot_cached(engine_db *db)
{
    shared_holder *h = holder_of(db);
    if (!h)
        return NULL;
    uint64_t version = engine_db_schema_version(db);
    pthread_mutex_lock(&h->lock);
    cat_snapshot *s = h->current;
    if (s && s->version == version)
        cat_snapshot_ref(s);
    else
        s = NULL;
    pthread_mutex_unlock(&h->lock);
    return s;
}

bool catalog_snapshot(engine_db *db, engine_conn *conn, bool private_view, cat_snapshot **out, pg_error *err)
{
    if (private_view) {
        cat_snapshot *s = cat_snapshot_new(0);
        if (!s) {
            pg_error_oom(err);
            return false;
        }
        s->is_private = true;
        if (!catalog_load(conn, s, err)) {
            cat_snapshot_unref(s);
            return false;
        }
        *out = s;
        return true;
    }
    cat_snapshot *cached = catalog_snapshot_cached(db);
    if (cached) {
        *out = cached;
        return true;
    }
    shared_holder *h = holder_of(db);
    if (!h) {
        pg_error_oom(err);
        return false;
    }
    pthread_mutex_lock(&h->lock);
    /* Someone may have loaded it while we waited for the lock. */
    uint64_t version = engine_db_schema_version(db);
    if (h->current && h->current->version == version) {
        cat_snapshot_ref(h->current);
        *out = h->current;
        pthread_mutex_unlock(&h->lock);
        return true;
    }
    if (!h->conn && !engine_conn_open(db, &h->conn, err)) {
        pthread_mutex_unlock(&h->lock);
        return false;
    }
    cat_snapshot *s = cat_snapshot_new(version);
    if (!s) {
        pthread_mutex_unlock(&h->lock);
        pg_error_oom(err);
        return false;
    }
    if (!catalog_load(h->conn, s, err)) {
        if (engine_conn_is_broken(h->conn)) {
            /* The engine link went away (ODBC): the next load opens a new connection. */
            engine_conn_close(h->conn);
            h->conn = NULL;
        }
        cat_snapshot_unref(s);
        pthread_mutex_unlock(&h->lock);
        return false;
    }
    if (h->current)
        cat_snapshot_unref(h->current);
    cat_snapshot_ref(s);
    h->current = s;
    pthread_mutex_unlock(&h->lock);
    *out = s;
    return true;
}
