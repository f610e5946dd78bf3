/*
 * notify.c — LISTEN / UNLISTEN / NOTIFY between the sessions of this server, as PostgreSQL:
 * notifications are delivered when the notifying transaction commits (never if it rolls
 * back), once per distinct channel+payload within a transaction, in order, to every session
 * listening on the channel at delivery time (the sender included).  The protocol layer sends
 * them (NotificationResponse) when the session is between commands.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct notify_item {
    int sender_pid;
    char *channel;
    char *payload;
    struct notify_item *next;
} notify_item;

typedef struct listener_list {
    sql_session **sessions;
    int count, cap;
} listener_list;

static void item_free(notify_item *n)
{
    while (n) {
        notify_item *next = n->next;
        free(n->channel);
        free(n->payload);
        free(n);
        n = next;
    }
}

bool notify_listen(sql_session *s, const char *channel, pg_error *err)
{
    if (hashmap_get(&s->listening, channel))
        return true;
    sql_server *srv = s->srv;
    pthread_mutex_lock(&srv->notify_lock);
    listener_list *l = hashmap_get(&srv->listeners, channel);
    if (!l) {
        l = calloc(1, sizeof *l);
        if (!l || !hashmap_put(&srv->listeners, channel, l)) {
            free(l);
            pthread_mutex_unlock(&srv->notify_lock);
            pg_error_oom(err);
            return false;
        }
    }
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        sql_session **grown = realloc(l->sessions, sizeof *grown * (size_t)cap);
        if (!grown) {
            pthread_mutex_unlock(&srv->notify_lock);
            pg_error_oom(err);
            return false;
        }
        l->sessions = grown;
        l->cap = cap;
    }
    l->sessions[l->count++] = s;
    pthread_mutex_unlock(&srv->notify_lock);
    if (!hashmap_put(&s->listening, channel, (void *)1)) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

static void unlisten_one(sql_session *s, const char *channel)
{
    sql_server *srv = s->srv;
    listener_list *l = hashmap_get(&srv->listeners, channel);
    if (!l)
        return;
    for (int i = 0; i < l->count; i++)
        if (l->sessions[i] == s) {
            l->sessions[i] = l->sessions[--l->count];
            break;
        }
    if (!l->count) {
        hashmap_remove(&srv->listeners, channel);
        free(l->sessions);
        free(l);
    }
}

void notify_unlisten(sql_session *s, const char *channel)
{
    sql_server *srv = s->srv;
    pthread_mutex_lock(&srv->notify_lock);
    if (channel) {
        if (hashmap_remove(&s->listening, channel))
            unlisten_one(s, channel);
    } else {
        size_t cur = 0;
        const char *name;
        while (hashmap_next(&s->listening, &cur, &name, NULL))
            unlisten_one(s, name);
        hashmap_free(&s->listening);
        hashmap_init(&s->listening);
    }
    pthread_mutex_unlock(&srv->notify_lock);
}

bool notify_queue(sql_session *s, const char *channel, const char *payload, pg_error *err)
{
    if (!*channel) {
        pg_error_set(err, "22023", "channel name cannot be empty");
        return false;
    }
    if (strlen(channel) >= 64) {
        pg_error_set(err, "22023", "channel name too long");
        return false;
    }
    if (strlen(payload) >= 8000) {
        pg_error_set(err, "22023", "payload string too long");
        return false;
    }
    /* A duplicate of a pending notification is dropped, as PostgreSQL does. */
    notify_item **tail = &s->notify_pending;
    for (notify_item *n = s->notify_pending; n; n = n->next) {
        if (strcmp(n->channel, channel) == 0 && strcmp(n->payload, payload) == 0)
            return true;
        tail = &n->next;
    }
    notify_item *n = calloc(1, sizeof *n);
    if (!n || !(n->channel = strdup(channel)) || !(n->payload = strdup(payload))) {
        item_free(n);
        pg_error_oom(err);
        return false;
    }
    n->sender_pid = s->backend_pid;
    *tail = n;
    if (s->txn == TXN_IDLE)
        notify_commit(s);
    return true;
}

void notify_commit(sql_session *s)
{
    notify_item *pending = s->notify_pending;
    s->notify_pending = NULL;
    if (!pending)
        return;
    sql_server *srv = s->srv;
    sql_session *woken[64];
    int nwoken = 0;
    pthread_mutex_lock(&srv->notify_lock);
    for (notify_item *n = pending; n; n = n->next) {
        listener_list *l = hashmap_get(&srv->listeners, n->channel);
        for (int i = 0; l && i < l->count; i++) {
            sql_session *to = l->sessions[i];
            notify_item *copy = calloc(1, sizeof *copy);
            if (!copy || !(copy->channel = strdup(n->channel)) || !(copy->payload = strdup(n->payload))) {
                item_free(copy);
                continue;
            }
            copy->sender_pid = n->sender_pid;
            if (to->notify_inbox_tail)
                to->notify_inbox_tail->next = copy;
            else
                to->notify_inbox = copy;
            to->notify_inbox_tail = copy;
            atomic_store(&to->notify_inbox_nonempty, true);
            bool seen = false;
            for (int k = 0; k < nwoken; k++)
                if (woken[k] == to)
                    seen = true;
            if (!seen && nwoken < 64 && to != s)
                woken[nwoken++] = to;
        }
    }
    /* Wake while holding the lock: a session leaves the registry under it, so the pointers
     * are alive; the wake only queues the connection. */
    for (int k = 0; k < nwoken; k++)
        if (woken[k]->notify_wake)
            woken[k]->notify_wake(woken[k]->notify_wake_arg);
    pthread_mutex_unlock(&srv->notify_lock);
    item_free(pending);
}

void notify_abort(sql_session *s)
{
    item_free(s->notify_pending);
    s->notify_pending = NULL;
}

void sql_session_set_notify_waker(sql_session *s, void (*wake)(void *arg), void *arg)
{
    pthread_mutex_lock(&s->srv->notify_lock);
    s->notify_wake = wake;
    s->notify_wake_arg = arg;
    pthread_mutex_unlock(&s->srv->notify_lock);
}

bool sql_session_take_notification(sql_session *s, sql_notification *out)
{
    /* The server-wide lock only when something is there (asked at every ReadyForQuery). */
    if (!atomic_load(&s->notify_inbox_nonempty))
        return false;
    pthread_mutex_lock(&s->srv->notify_lock);
    notify_item *n = s->notify_inbox;
    if (n) {
        s->notify_inbox = n->next;
        if (!s->notify_inbox) {
            s->notify_inbox_tail = NULL;
            atomic_store(&s->notify_inbox_nonempty, false);
        }
    }
    pthread_mutex_unlock(&s->srv->notify_lock);
    if (!n)
        return false;
    out->sender_pid = n->sender_pid;
    out->channel = n->channel;
    out->payload = n->payload;
    free(n);
    return true;
}

void sql_notification_free(sql_notification *n)
{
    free(n->channel);
    free(n->payload);
    n->channel = n->payload = NULL;
}

/* Session teardown: leave every channel and drop what was never sent. */
void notify_session_end(sql_session *s)
{
    notify_unlisten(s, NULL);
    pthread_mutex_lock(&s->srv->notify_lock);
    item_free(s->notify_inbox);
    s->notify_inbox = s->notify_inbox_tail = NULL;
    atomic_store(&s->notify_inbox_nonempty, false);
    s->notify_wake = NULL;
    pthread_mutex_unlock(&s->srv->notify_lock);
    item_free(s->notify_pending);
    s->notify_pending = NULL;
}
