/*
 * sqlite_checkpoint.c — WAL checkpoints on a thread of their own, one per database.
 *
 * SQLite's default is to checkpoint in the connection whose COMMIT took the WAL past 1000
 * pages: that client then waits while the WAL is copied into the database file and both
 * are synced (measured: 0.13 s of a 0.7 s COPY of 1M rows).  PostgreSQL's clients do not
 * wait for its checkpointer, and ours should not either.  Every connection's WAL hook
 * wakes this database's checkpointer instead, which runs a PASSIVE checkpoint (never
 * blocking readers or the writer) on its own connection.
 *
 * Invariants: a connection gets the hook only once its database's checkpointer runs (if
 * the thread cannot start, SQLite's own checkpoints stay on); the checkpointer is stopped
 * and joined before its database is closed or dropped (sqlite_checkpointer_stop).
 */
#include "backend/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

/* SQLite's own default threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT). */
#define CHECKPOINT_PAGES 1000
/* Past this, the committing connection checkpoints itself, as SQLite would: writers that
 * outrun the checkpointer slow down instead of growing the WAL without bound. */
#define CHECKPOINT_INLINE_PAGES 65536

typedef struct checkpointer {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool pending;
    bool stop;
    char *path;
    bool synchronous_full;
} checkpointer;

static void *run(void *arg)
{
    checkpointer *cp = arg;
    sqlite3 *db = NULL;
    pthread_mutex_lock(&cp->lock);
    for (;;) {
        while (!cp->pending && !cp->stop)
            pthread_cond_wait(&cp->wake, &cp->lock);
        if (cp->stop)
            break;
        cp->pending = false;
        pthread_mutex_unlock(&cp->lock);
        if (!db && sqlite3_open_v2(cp->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, SQLITE_VFS) == SQLITE_OK) {
            sqlite3_busy_timeout(db, 100);
            sqlite3_exec(db, cp->synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL,
                         NULL, NULL);
        }
        if (db) {
            int log = 0, done = 0;
            sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        }
        pthread_mutex_lock(&cp->lock);
    }
    pthread_mutex_unlock(&cp->lock);
    sqlite3_close_v2(db);
    return NULL;
}

static int wal_hook(void *arg, sqlite3 *db, const char *schema, int pages)
{
    checkpointer *cp = arg;
    if (pages >= CHECKPOINT_INLINE_PAGES) {
        sqlite3_wal_checkpoint(db, schema);   /* BUSY: the checkpointer is at it */
        return SQLITE_OK;
    }
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&cp->lock);
        cp->pending = true;
        pthread_cond_signal(&cp->wake);
        pthread_mutex_unlock(&cp->lock);
    }
    return SQLITE_OK;
}

void sqlite_checkpointer_attach(engine_conn *c, const char *path)
{
    engine_db *edb = c->db;
    pthread_mutex_lock(&edb->state_lock);
    checkpointer *cp = edb->impl;
    if (!cp) {
        cp = calloc(1, sizeof *cp);
        if (cp && (cp->path = strdup(path))) {
            pthread_mutex_init(&cp->lock, NULL);
            pthread_cond_init(&cp->wake, NULL);
            cp->synchronous_full = edb->b->cfg.synchronous_commit;
            if (pthread_create(&cp->thread, NULL, run, cp) == 0) {
                edb->impl = cp;
            } else {
                pthread_cond_destroy(&cp->wake);
                pthread_mutex_destroy(&cp->lock);
                free(cp->path);
                free(cp);
                cp = NULL;
            }
        } else if (cp) {
            free(cp);
            cp = NULL;
        }
    }
    pthread_mutex_unlock(&edb->state_lock);
    if (cp)
        sqlite3_wal_hook(((sqlite_conn *)c->native)->db, wal_hook, cp);
}

void sqlite_checkpointer_stop(engine_db *edb)
{
    checkpointer *cp = edb->impl;
    if (!cp)
        return;
    pthread_mutex_lock(&cp->lock);
    cp->stop = true;
    pthread_cond_signal(&cp->wake);
    pthread_mutex_unlock(&cp->lock);
    pthread_join(cp->thread, NULL);
    pthread_cond_destroy(&cp->wake);
    pthread_mutex_destroy(&cp->lock);
    free(cp->path);
    free(cp);
    edb->impl = NULL;
}
