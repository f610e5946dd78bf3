/*
 * pool.c — lending engine connections to sessions.  One pool per database, or per database
 * and user under odbc_login = client (a login's handle, backend.c): a pool opens its
 * connections with its own login, so a session only ever gets its own user's connections.
 *
 * Invariants (under p->lock): total <= max; lent + idle_count == total, where a connection
 * granted to a queued waiter counts as lent; a waiter is queued at most once.  A release with
 * waiters queued hands the connection to the first one directly, so the order of service is
 * the order of arrival.  A waiter's ready() is called with the pool lock held, so that once
 * engine_pool_cancel_wait() returns no call to it is in flight (the session may go away).
 */
#include "backend/backend_internal.h"

#include <stdlib.h>

static engine_waiter *dequeue_first(engine_pool *p)
{
    engine_waiter *w = p->wait_head;
    if (w) {
        p->wait_head = w->next;
        if (!p->wait_head)
            p->wait_tail = NULL;
        w->next = NULL;
        w->queued = false;
    }
    return w;
}

engine_conn *engine_pool_acquire(engine_pool *p, engine_waiter *waiter, pg_error *err)
{
    pthread_mutex_lock(&p->lock);
    if (waiter && waiter->granted) {
        engine_conn *c = waiter->granted;
        waiter->granted = NULL;
        pthread_mutex_unlock(&p->lock);
        return c;
    }
    if (waiter && waiter->queued) {
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    if (p->idle_count > 0) {
        engine_conn *c = p->idle[--p->idle_count];
        p->lent++;
        pthread_mutex_unlock(&p->lock);
        return c;
    }
    if (p->total < p->max) {
        p->total++;
        p->lent++;
        pthread_mutex_unlock(&p->lock);
        engine_conn *c = NULL;
        if (engine_conn_open_pooled(p->db, &c, err))
            return c;
        pthread_mutex_lock(&p->lock);
        p->total--;
        p->lent--;
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    if (waiter) {
        waiter->next = NULL;
        waiter->queued = true;
        if (p->wait_tail)
            p->wait_tail->next = waiter;
        else
            p->wait_head = waiter;
        p->wait_tail = waiter;
    } else {
        pg_error_set(err, "53300", "too many engine connections in use");
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void engine_pool_release(engine_pool *p, engine_conn *c)
{
    if (c->broken) {
        /* A lost engine connection is never lent again; the next acquire opens a new one. */
        engine_pool_discard(p, c);
        return;
    }
    engine_conn_set_context(c, NULL);
    pthread_mutex_lock(&p->lock);
    engine_waiter *w = dequeue_first(p);
    if (w) {
        w->granted = c;
        w->ready(w->arg);
    } else {
        p->lent--;
        p->idle[p->idle_count++] = c;
    }
    pthread_mutex_unlock(&p->lock);
}

void engine_pool_discard(engine_pool *p, engine_conn *c)
{
    engine_conn_close(c);
    pthread_mutex_lock(&p->lock);
    p->lent--;
    p->total--;
    /* The first waiter may now open a fresh connection in the freed slot. */
    engine_waiter *w = dequeue_first(p);
    if (w)
        w->ready(w->arg);
    pthread_mutex_unlock(&p->lock);
}

void engine_pool_cancel_wait(engine_pool *p, engine_waiter *waiter)
{
    pthread_mutex_lock(&p->lock);
    engine_waiter *prev = NULL;
    for (engine_waiter *w = p->wait_head; w; prev = w, w = w->next) {
        if (w != waiter)
            continue;
        if (prev)
            prev->next = w->next;
        else
            p->wait_head = w->next;
        if (p->wait_tail == w)
            p->wait_tail = prev;
        break;
    }
    waiter->next = NULL;
    waiter->queued = false;
    engine_conn *granted = waiter->granted;
    waiter->granted = NULL;
    if (granted) {
        engine_waiter *next = dequeue_first(p);
        if (next) {
            next->granted = granted;
            next->ready(next->arg);
        } else {
            p->lent--;
            p->idle[p->idle_count++] = granted;
        }
    }
    pthread_mutex_unlock(&p->lock);
}

int engine_pool_in_use(engine_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->lent;
    pthread_mutex_unlock(&p->lock);
    return n;
}
