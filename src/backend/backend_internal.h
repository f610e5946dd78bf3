/*
 * backend_internal.h — the engine operations table every implementation fills, and the
 * structures the generic code (registry, pool, statement cache) shares with them.
 */
#ifndef PGWIRE_BACKEND_INTERNAL_H
#define PGWIRE_BACKEND_INTERNAL_H

#include "backend/backend.h"

#include <pthread.h>

typedef struct backend_ops {
    const char *name;
    /* Databases.  `exists` must not create anything. */
    bool (*db_exists)(backend *b, const char *dbname);
    bool (*db_create)(backend *b, const char *dbname, pg_error *err);
    bool (*db_drop)(backend *b, const char *dbname, pg_error *err);
    bool (*db_list)(backend *b, char ***names, size_t *count, pg_error *err);
    /* Connections: fill c->native. */
    bool (*conn_open)(engine_conn *c, pg_error *err);
    void (*conn_close)(engine_conn *c);
    void (*conn_interrupt)(engine_conn *c);
    bool (*exec)(engine_conn *c, const char *sql, pg_error *err);
    /* Statements: fill s->native. */
    bool (*prepare)(engine_stmt *s, pg_error *err);
    void (*finalize)(engine_stmt *s);
    void (*reset)(engine_stmt *s, bool clear_bindings);
    int (*param_count)(engine_stmt *s);
    bool (*bind)(engine_stmt *s, int index, const sql_value *v, pg_error *err);
    /* Optional: bind without copying the bytes (they outlive the next step). */
    bool (*bind_borrowed)(engine_stmt *s, int index, const sql_value *v, pg_error *err);
    /* Optional: bind knowing the PostgreSQL type; expected result types. */
    bool (*bind_typed)(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod, pg_error *err);
    void (*expect_columns)(engine_stmt *s, int n, const pg_oid *types, const int32_t *typmods);
    engine_step_result (*step)(engine_stmt *s, pg_error *err);
    int (*column_count)(engine_stmt *s);
    const char *(*column_name)(engine_stmt *s, int col);
    void (*column_value)(engine_stmt *s, int col, sql_value *out);
    int64_t (*changes)(engine_conn *c);
    int64_t (*last_rowid)(engine_conn *c);
    bool (*begin)(engine_conn *c, txn_mode mode, pg_error *err);
    bool (*commit)(engine_conn *c, pg_error *err);
    bool (*rollback)(engine_conn *c, pg_error *err);
    bool (*savepoint)(engine_conn *c, const char *name, pg_error *err);
    bool (*release_savepoint)(engine_conn *c, const char *name, pg_error *err);
    bool (*rollback_to_savepoint)(engine_conn *c, const char *name, pg_error *err);
    bool (*in_transaction)(engine_conn *c);
    void (*backend_destroy)(backend *b);
    /* Optional (ENGINE_LOGIN_CLIENT): can these credentials log in?  See backend_check_login. */
    bool (*check_login)(backend *b, const char *user, const char *password, strbuf *log_reason);
    /* Optional: a database is being closed or dropped (its connections are closed). */
    void (*db_close)(engine_db *db);
} backend_ops;

/*
 * A user's login to the engine (ENGINE_LOGIN_CLIENT).  The password is the newest one a
 * session of that user brought: the pool reads it under `lock` whenever it opens a
 * connection, a new session replaces it (a changed engine password then works for new
 * connections), and it is wiped with OPENSSL_cleanse when replaced or freed.
 */
typedef struct engine_login {
    char *user;
    pthread_mutex_t lock;
    char *password;
    int sessions;          /* attached sessions, under the database's logins_lock */
} engine_login;

struct engine_pool {
    engine_db *db;
    pthread_mutex_t lock;
    engine_conn **idle;
    int idle_count;
    int total;          /* open connections, idle or lent */
    int max;
    int lent;
    engine_waiter *wait_head, *wait_tail;
};

/*
 * A database, or a login's handle on it (ENGINE_LOGIN_CLIENT).  A handle has its own pool
 * and `login`; every other field is read through `base`, the database's own record (whose
 * base is itself), so that schema version, catalog and SQL state stay one per database.
 */
struct engine_db {
    backend *b;
    engine_db *base;
    engine_login *login;       /* NULL: odbc_connection_string's own (service) login */
    char *name;
    engine_pool pool;
    _Atomic uint64_t schema_version;
    _Atomic int attached;
    pthread_mutex_t state_lock;
    void *sql_state;
    void (*sql_state_free)(void *);
    void *catalog_state;
    void (*catalog_state_free)(void *);
    /* The embedded engine's vector indexes (sqlite_hnsw.c), freed first: it persists. */
    void *vector_state;
    void (*vector_state_free)(void *);
    void *function_state;              /* engine functions' shared state (sequences) */
    void (*function_state_free)(void *);
    void *impl;
    pthread_mutex_t logins_lock;   /* base only: guards logins and each login's sessions */
    hashmap logins;                /* base only: user name → that login's handle */
};

/* Statement cache: at most STMT_CACHE_MAX per connection, least recently used evicted. */
#define STMT_CACHE_MAX 256

struct engine_stmt {
    engine_conn *conn;
    char *sql;
    void *native;
    bool in_use;
    bool cached;
    engine_stmt *lru_prev, *lru_next;
};

struct engine_conn {
    engine_db *db;
    const backend_ops *ops;
    engine_context *ctx;
    engine_context idle_ctx;   /* installed when no session holds the connection */
    void *native;
    hashmap stmt_cache;        /* sql text → engine_stmt (not in use) */
    engine_stmt *lru_head, *lru_tail;
    int cached_count;
    pthread_mutex_t interrupt_lock;   /* interrupt vs close */
    bool broken;
    void *catalog_state;       /* the catalog layer's (engine_conn_catalog_state) */
    void (*catalog_state_free)(void *);
};

struct backend {
    backend_config cfg;
    char *data_directory;
    char *odbc_connection_string;
    char *public_schema;
    char *iris_vector_type;
    const backend_ops *ops;
    pthread_mutex_t lock;       /* guards dbs */
    hashmap dbs;                /* name → engine_db */
    void *impl;
    engine_conn_open_hook conn_open_hook;   /* set once at startup, before any connection */
    _Atomic int login_checks;   /* backend_check_login calls running now */
};

/* A connection of `db`'s pool, logged in as db->login (the service account when NULL). */
bool engine_conn_open_pooled(engine_db *db, engine_conn **out, pg_error *err) MUST_CHECK;

extern const backend_ops sqlite_backend_ops;
extern const backend_ops odbc_backend_ops;

#endif
