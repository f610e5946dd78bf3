/*
 * activity.c — what pg_stat_activity shows: every session of the server with its state and
 * current (or last) statement.  Each session keeps its entry up to date at statement start and
 * end; a reader copies the entries under the server's activity lock, so it never touches
 * another session's own state (which belongs to that session's thread).
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

struct session_activity {
    struct session_activity *prev, *next;
    int pid;
    char *user, *database, *application_name, *query;
    int64_t backend_start_us, xact_start_us, query_start_us, state_change_us;   /* µs since 2000-01-01 */
    const char *state;
};

static int64_t now_us(void)
{
    return clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
}

static void replace(char **slot, const char *value)
{
    char *copy = value ? xstrdup(value) : NULL;
    if (value && !copy)
        return;   /* keep the old text rather than fail a statement over a statistic */
    free(*slot);
    *slot = copy;
}

void activity_register(sql_session *s)
{
    struct session_activity *a = calloc(1, sizeof *a);
    if (!a)
        return;
    a->pid = s->backend_pid;
    a->user = xstrdup(s->user);
    a->database = xstrdup(s->database);
    a->application_name = xstrdup(guc_get(s->gucs, "application_name"));
    a->backend_start_us = a->state_change_us = now_us();
    a->state = "idle";
    sql_server *srv = s->srv;
    pthread_mutex_lock(&srv->activity_lock);
    a->next = srv->activity_head;
    if (a->next)
        a->next->prev = a;
    srv->activity_head = a;
    s->activity = a;
    pthread_mutex_unlock(&srv->activity_lock);
}

void activity_unregister(sql_session *s)
{
    struct session_activity *a = s->activity;
    if (!a)
        return;
    sql_server *srv = s->srv;
    pthread_mutex_lock(&srv->activity_lock);
    if (a->prev)
        a->prev->next = a->next;
    else
        srv->activity_head = a->next;
    if (a->next)
        a->next->prev = a->prev;
    s->activity = NULL;
    pthread_mutex_unlock(&srv->activity_lock);
    free(a->user);
    free(a->database);
    free(a->application_name);
    free(a->query);
    free(a);
}

void activity_statement_start(sql_session *s, const char *query)
{
    struct session_activity *a = s->activity;
    if (!a)
        return;
    int64_t now = now_us();
    pthread_mutex_lock(&s->srv->activity_lock);
    replace(&a->query, query);
    replace(&a->application_name, guc_get(s->gucs, "application_name"));
    a->query_start_us = a->state_change_us = now;
    if (!a->xact_start_us || s->txn == TXN_IDLE)
        a->xact_start_us = s->txn_start_us ? s->txn_start_us : now;
    a->state = "active";
    pthread_mutex_unlock(&s->srv->activity_lock);
}

void activity_statement_end(sql_session *s)
{
    struct session_activity *a = s->activity;
    if (!a)
        return;
    pthread_mutex_lock(&s->srv->activity_lock);
    a->state_change_us = now_us();
    switch (s->txn) {
    case TXN_IDLE: a->state = "idle"; a->xact_start_us = 0; break;
    case TXN_FAILED: a->state = "idle in transaction (aborted)"; break;
    default: a->state = "idle in transaction"; break;
    }
    pthread_mutex_unlock(&s->srv->activity_lock);
}

static sql_value text_value(const char *s)
{
    return s ? value_text(s, strlen(s)) : value_null();
}

static sql_value time_value(int64_t us)
{
    return us ? value_int(us) : value_null();
}

bool session_activity_rows(sql_session *s, const cat_relation *rel, catalog_row_fn emit, void *sink, pg_error *err)
{
    /* Copy under the lock, emit without it (emitting writes to the engine). */
    typedef struct row_copy {
        int pid;
        char *user, *database, *app, *query;
        int64_t backend_start, xact_start, query_start, state_change;
        const char *state;
    } row_copy;
    sql_server *srv = s->srv;
    size_t n = 0, cap = 0;
    row_copy *rows = NULL;
    bool ok = true;
    pthread_mutex_lock(&srv->activity_lock);
    for (struct session_activity *a = srv->activity_head; a && ok; a = a->next) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            row_copy *grown = realloc(rows, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            rows = grown;
        }
        row_copy *r = &rows[n++];
        r->pid = a->pid;
        r->user = xstrdup(a->user ? a->user : "");
        r->database = xstrdup(a->database ? a->database : "");
        r->app = xstrdup(a->application_name ? a->application_name : "");
        r->query = xstrdup(a->query ? a->query : "");
        r->backend_start = a->backend_start_us;
        r->xact_start = a->xact_start_us;
        r->query_start = a->query_start_us;
        r->state_change = a->state_change_us;
        r->state = a->state;
    }
    pthread_mutex_unlock(&srv->activity_lock);
    if (!ok)
        pg_error_oom(err);
    sql_value values[32];
    for (size_t i = 0; ok && i < n && rel->ncolumns <= (int)ARRAY_LEN(values); i++) {
        row_copy *r = &rows[i];
        for (int c = 0; c < rel->ncolumns; c++) {
            const char *col = rel->columns[c].name;
            sql_value v = value_null();
            if (strcmp(col, "datname") == 0) v = text_value(r->database);
            else if (strcmp(col, "pid") == 0) v = value_int(r->pid);
            else if (strcmp(col, "usesysid") == 0) v = value_int(10);
            else if (strcmp(col, "usename") == 0) v = text_value(r->user);
            else if (strcmp(col, "application_name") == 0) v = text_value(r->app);
            else if (strcmp(col, "backend_start") == 0) v = time_value(r->backend_start);
            else if (strcmp(col, "xact_start") == 0) v = time_value(r->xact_start);
            else if (strcmp(col, "query_start") == 0) v = time_value(r->query_start);
            else if (strcmp(col, "state_change") == 0) v = time_value(r->state_change);
            else if (strcmp(col, "state") == 0) v = text_value(r->state);
            else if (strcmp(col, "query") == 0) v = text_value(r->query);
            else if (strcmp(col, "backend_type") == 0) v = text_value("client backend");
            values[c] = v;
        }
        ok = emit(sink, values, rel->ncolumns);
    }
    for (size_t i = 0; i < n; i++) {
        free(rows[i].user);
        free(rows[i].database);
        free(rows[i].app);
        free(rows[i].query);
    }
    free(rows);
    return ok;
}
