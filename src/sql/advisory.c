/*
 * advisory.c — PostgreSQL's advisory locks (pg_advisory_lock and family) for all sessions
 * of the server: a table of keys with their exclusive holder and shared count, and for each
 * session what it holds (session-level and transaction-level, reentrant counts).
 *
 * The engine function (sqlite_fn_session.c) asks through engine_session_ops.advisory and,
 * for the waiting forms, asks again every few milliseconds until it gets the lock, the
 * statement is cancelled or times out, or lock_timeout passes — the SQL layer never blocks.
 * Transaction-level locks go at the transaction's end (session_finish_txn), session-level
 * ones with pg_advisory_unlock_all, DISCARD ALL or the end of the session.
 */
#include "sql/sql_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct adv_entry {
    sql_session *excl;     /* exclusive holder (its counts are in its holdings) */
    int excl_total;
    int shared_total;
} adv_entry;

typedef struct adv_holding {
    char key[48];
    bool shared;
    bool xact;
    int count;
} adv_holding;

struct session_advisory {
    int n, cap;
    adv_holding *h;
};

static adv_holding *holding(sql_session *s, const char *key, bool shared, bool xact, bool create)
{
    struct session_advisory *a = s->advisory;
    for (int i = 0; a && i < a->n; i++)
        if (a->h[i].shared == shared && a->h[i].xact == xact && strcmp(a->h[i].key, key) == 0)
            return &a->h[i];
    if (!create)
        return NULL;
    if (!a && !(a = s->advisory = calloc(1, sizeof *a)))
        return NULL;
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 8;
        adv_holding *grown = realloc(a->h, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        a->h = grown;
        a->cap = cap;
    }
    adv_holding *h = &a->h[a->n++];
    memset(h, 0, sizeof *h);
    snprintf(h->key, sizeof h->key, "%s", key);
    h->shared = shared;
    h->xact = xact;
    return h;
}

static int my_count(sql_session *s, const char *key, bool shared)
{
    int n = 0;
    struct session_advisory *a = s->advisory;
    for (int i = 0; a && i < a->n; i++)
        if (a->h[i].shared == shared && strcmp(a->h[i].key, key) == 0)
            n += a->h[i].count;
    return n;
}

/* Give back `count` holds of one kind (lock held). */
static void release_locked(sql_server *srv, sql_session *s, const char *key, bool shared, int count)
{
    adv_entry *e = hashmap_get(&srv->advisory_locks, key);
    if (!e)
        return;
    if (shared)
        e->shared_total -= count;
    else {
        e->excl_total -= count;
        if (e->excl_total <= 0) {
            e->excl = NULL;
            e->excl_total = 0;
        }
    }
    if (!e->excl && e->shared_total <= 0)
        free(hashmap_remove(&srv->advisory_locks, key));
    (void)s;
}

int session_advisory(void *session, const char *key, int flags, pg_error *err)
{
    sql_session *s = session;
    sql_server *srv = s->srv;
    bool shared = flags & ADVISORY_SHARED, xact = flags & ADVISORY_XACT;
    if (!srv) {
        pg_error_set(err, "XX000", "advisory locks need a server");
        return -1;
    }
    if (flags & ADVISORY_UNLOCK_ALL) {
        session_advisory_release(s, false);
        return 1;
    }
    pthread_mutex_lock(&srv->advisory_lock);
    int result;
    if (flags & ADVISORY_UNLOCK) {
        adv_holding *h = holding(s, key, shared, false, false);
        if (!h || h->count == 0) {
            pthread_mutex_unlock(&srv->advisory_lock);
            session_notice(s, PG_SEVERITY_WARNING, "01000", "you don't own a lock of type %s",
                           shared ? "ShareLock" : "ExclusiveLock");
            return 0;
        }
        h->count--;
        release_locked(srv, s, key, shared, 1);
        pthread_mutex_unlock(&srv->advisory_lock);
        return 1;
    }
    adv_entry *e = hashmap_get(&srv->advisory_locks, key);
    bool free_now = !e || (shared ? (!e->excl || e->excl == s)
                                  : ((!e->excl || e->excl == s) && e->shared_total == my_count(s, key, true)));
    if (!free_now) {
        result = 0;
    } else {
        if (!e) {
            e = calloc(1, sizeof *e);
            if (!e || !hashmap_put(&srv->advisory_locks, key, e)) {
                free(e);
                pthread_mutex_unlock(&srv->advisory_lock);
                pg_error_oom(err);
                return -1;
            }
        }
        adv_holding *h = holding(s, key, shared, xact, true);
        if (!h) {
            if (!e->excl && e->shared_total == 0)
                free(hashmap_remove(&srv->advisory_locks, key));
            pthread_mutex_unlock(&srv->advisory_lock);
            pg_error_oom(err);
            return -1;
        }
        h->count++;
        if (shared)
            e->shared_total++;
        else {
            e->excl = s;
            e->excl_total++;
        }
        result = 1;
    }
    pthread_mutex_unlock(&srv->advisory_lock);
    return result;
}

void session_advisory_release(sql_session *s, bool xact_only)
{
    struct session_advisory *a = s->advisory;
    if (!a || !s->srv)
        return;
    pthread_mutex_lock(&s->srv->advisory_lock);
    int kept = 0;
    for (int i = 0; i < a->n; i++) {
        adv_holding *h = &a->h[i];
        if (xact_only ? h->xact : !h->xact) {
            if (h->count)
                release_locked(s->srv, s, h->key, h->shared, h->count);
            continue;
        }
        a->h[kept++] = *h;
    }
    a->n = kept;
    pthread_mutex_unlock(&s->srv->advisory_lock);
}

void session_advisory_free(sql_session *s)
{
    session_advisory_release(s, true);
    session_advisory_release(s, false);
    if (s->advisory) {
        free(s->advisory->h);
        free(s->advisory);
        s->advisory = NULL;
    }
}
