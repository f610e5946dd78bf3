/*
 * backend.h — the engine interface: databases, connections, prepared engine statements, rows,
 * transactions, interruption; with a SQLite implementation (embedded default) and an ODBC one.
 *
 * Values cross this boundary in storage form (types.h).  Every engine error is mapped here to
 * a pg_error with a SQLSTATE; nothing above this layer knows an engine's error codes.  No
 * function here writes a protocol message.
 *
 * Connections are pooled per database (engine_pool), or per database and user when the
 * engine logs in as the client (odbc_login = client), and lent to client sessions at
 * transaction granularity by the SQL layer.  A connection is used by one thread at a time;
 * only engine_conn_interrupt() may be called from another thread.
 */
#ifndef PGWIRE_BACKEND_H
#define PGWIRE_BACKEND_H

#include "common/common.h"
#include "types/types.h"

#include <stdatomic.h>

typedef struct backend backend;
typedef struct engine_db engine_db;
typedef struct engine_conn engine_conn;
typedef struct engine_stmt engine_stmt;
typedef struct engine_pool engine_pool;

typedef enum { BACKEND_SQLITE, BACKEND_ODBC } backend_kind;
/* The SQL dialect the engine speaks (the SQL layer picks its emitter from it). */
typedef enum { DIALECT_SQLITE, DIALECT_IRIS, DIALECT_POSTGRES } sql_dialect;
/* Whose login the engine connections of a session use (odbc_login, docs/security.md). */
typedef enum {
    ENGINE_LOGIN_SERVICE = 0,   /* odbc_connection_string as configured, for every session */
    ENGINE_LOGIN_CLIENT,        /* the client's user name and password (ODBC only) */
} engine_login_mode;

typedef struct backend_config {
    backend_kind kind;
    const char *data_directory;          /* sqlite: one file per database under it */
    const char *odbc_connection_string;  /* odbc */
    sql_dialect dialect;
    int pool_size;                       /* engine connections per database, at most */
    bool synchronous_commit;             /* sqlite: fsync at commit (PostgreSQL's default) */
    int64_t mmap_size;                   /* sqlite: bytes of the file mapped (0 = off) */
    int cache_size_kib;                  /* sqlite: page cache per connection */
    const char *public_schema;           /* odbc: the engine schema PostgreSQL's public maps to
                                          * (IRIS: SQLUser); NULL/"" = the engine's default */
    int iris_version;                    /* odbc + iris: target release as YYYYR (20251 = 2025.1) */
    const char *iris_vector_type;        /* odbc + iris: element type of VECTOR columns and
                                          * TO_VECTOR (FLOAT, DOUBLE, DECIMAL, INTEGER);
                                          * NULL = FLOAT */
    engine_login_mode login;             /* odbc: ENGINE_LOGIN_CLIENT needs backend odbc */
    int max_login_checks;                /* backend_check_login calls at once (< 1: 1) */
} backend_config;

bool backend_create(const backend_config *cfg, backend **out, pg_error *err) MUST_CHECK;
void backend_destroy(backend *b);
backend_kind backend_get_kind(const backend *b);
sql_dialect backend_dialect(const backend *b);
/* The engine schema that stands for PostgreSQL's public ("" when none: SQLite). */
const char *backend_public_schema(const backend *b);
int backend_iris_version(const backend *b);
const char *backend_iris_vector_type(const backend *b);

/* ---------------------------------------------------------------- databases */

/* Open (or return the already open) database by PostgreSQL name: 3D000 when it does not
 * exist.  The handle lives until backend_destroy or engine_db_drop. */
bool backend_open_db(backend *b, const char *dbname, engine_db **out, pg_error *err) MUST_CHECK;
/*
 * The database as one session's login sees it, attached (engine_db_detach when the session
 * ends).  With ENGINE_LOGIN_SERVICE that is the database itself.  With ENGINE_LOGIN_CLIENT
 * it is the (database, user) handle: its own pool, whose connections log in with `user`
 * and the newest `password` a session of that user brought (copied; wiped when the last
 * session of the user detaches); everything else (name, schema version, catalog and SQL
 * state) is the database's.  A session never borrows another user's connection.  No
 * password under ENGINE_LOGIN_CLIENT is FATAL 28000: the engine would otherwise run the
 * session as the service account (docs/security.md).
 */
bool backend_open_db_as(backend *b, const char *dbname, const char *user, const char *password,
                        engine_db **out, pg_error *err) MUST_CHECK;
engine_login_mode backend_login_mode(const backend *b);
/*
 * Whether the engine accepts a login with these credentials (a connect that is closed at
 * once): the password check of users the users file does not know, under
 * ENGINE_LOGIN_CLIENT.  True: accepted.  False with `err` unset: refused (or the engine
 * could not be reached), and `log_reason` (may be NULL) says why, for the server log only:
 * it may hold the engine's words.  False with `err` set: not checked at all, because
 * max_login_checks checks are running already (53300): clients that are not authenticated
 * yet must not hold every worker thread in slow engine connects.
 */
bool backend_check_login(backend *b, const char *user, const char *password, strbuf *log_reason,
                         pg_error *err) MUST_CHECK;
bool backend_create_db(backend *b, const char *dbname, pg_error *err) MUST_CHECK;   /* 42P04 if it exists */
/* 3D000 if missing, 55006 if anyone is connected (in_use_by_others counts the sessions). */
bool backend_drop_db(backend *b, const char *dbname, bool if_exists, bool force, pg_error *err) MUST_CHECK;
/* Names of all databases (caller frees each and the array). */
bool backend_list_dbs(backend *b, char ***names, size_t *count, pg_error *err) MUST_CHECK;
/* Sessions attached to a database (for DROP DATABASE's 55006 check).  For a login's handle
 * (backend_open_db_as) detaching the last session closes its idle connections and wipes
 * its password; the session must have returned its engine connection first. */
void engine_db_attach(engine_db *db);
void engine_db_detach(engine_db *db);
const char *engine_db_name(const engine_db *db);
engine_pool *engine_db_pool(engine_db *db);
/* A number that changes whenever the database's schema changes (DDL committed by anyone). */
uint64_t engine_db_schema_version(engine_db *db);
void engine_db_bump_schema_version(engine_db *db);
/* Opaque slot the SQL layer uses to hang per-database caches (catalog snapshot). */
void *engine_db_sql_state(engine_db *db);
/* State the engine's functions share across the database's connections (made by `make` on
 * first use, freed with the database): sequence positions, which no transaction undoes. */
void *engine_db_function_state(engine_db *db, void *(*make)(void), void (*free_fn)(void *));
void engine_db_set_sql_state(engine_db *db, void *state, void (*free_fn)(void *));
/* The same for the catalog layer (its shared snapshot). */
void *engine_db_catalog_state(engine_db *db);
void engine_db_set_catalog_state(engine_db *db, void *state, void (*free_fn)(void *));
backend *engine_db_backend(engine_db *db);

/* ---------------------------------------------------------------- per-session context */

typedef enum {
    INTERRUPT_NONE = 0,
    INTERRUPT_CANCEL,             /* 57014 canceling statement due to user request */
    INTERRUPT_STATEMENT_TIMEOUT,  /* 57014 canceling statement due to statement timeout */
    INTERRUPT_LOCK_TIMEOUT,       /* 55P03 canceling statement due to lock timeout */
    INTERRUPT_SHUTDOWN,           /* 57P01 terminating connection due to administrator command */
} interrupt_reason;

/*
 * What engine-side functions (now(), current_user, pg_sleep, settings-dependent output) need
 * to know about the session that currently holds the connection.  The SQL layer fills it and
 * installs it with engine_conn_set_context() when it lends the connection.
 */
/*
 * What engine functions may ask of the session holding the connection, answered by the SQL
 * layer (current_setting, set_config, current_schema(s), pg_notify).  Called on the thread
 * running the statement, with the session's own state: no global state, no locking.
 */
typedef struct engine_session_ops {
    /* A setting as SHOW prints it; NULL with 42704 if unknown.  Valid until it changes. */
    const char *(*get_setting)(void *session, const char *name, pg_error *err);
    /* SET / SET LOCAL through set_config() (value NULL: RESET); PostgreSQL's errors. */
    bool (*set_setting)(void *session, const char *name, const char *value, bool is_local, pg_error *err);
    /* The schemas of search_path that exist, in order; with implicit ones (pg_catalog, the
     * session's temporary schema) when `implicit`.  Names are copied into `mem`. */
    size_t (*search_path)(void *session, bool implicit, const char **out, size_t max, arena *mem);
    /* NOTIFY channel, payload (delivered at commit). */
    bool (*notify)(void *session, const char *channel, const char *payload, pg_error *err);
    /* Values nextval()/setval() gave this session, for currval() and lastval(). */
    void (*sequence_value)(void *session, pg_oid sequence, int64_t value);
    bool (*sequence_current)(void *session, pg_oid sequence, int64_t *value);
    bool (*sequence_last)(void *session, int64_t *value);
    /* Advisory locks: take (never waits: 1 taken, 0 held by another session), or release
     * (1, or 0 with a warning when not held); -1 with the error set. */
    int (*advisory)(void *session, const char *key, int flags, pg_error *err);
} engine_session_ops;

#define ADVISORY_SHARED 1
#define ADVISORY_XACT 2
#define ADVISORY_UNLOCK 4
#define ADVISORY_UNLOCK_ALL 8

typedef struct engine_context {
    int64_t transaction_start_us;   /* µs since 2000-01-01 UTC: now() */
    int64_t statement_start_us;     /* statement_timestamp() */
    int64_t deadline_us;            /* monotonic µs when statement_timeout fires, 0 = none */
    int64_t lock_timeout_us;        /* how long to wait for a lock, 0 = forever */
    const type_settings *settings;
    int vector_ef_search;           /* hnsw.ef_search for vector index scans (0: default 40) */
    bool vector_exact;              /* enable_indexscan = off: vector searches are exact */
    int vector_build_threads;       /* max_parallel_maintenance_workers + 1 (0: every core) */
    const char *user;
    const char *database;
    const char *application_name;
    int backend_pid;
    _Atomic int interrupt;          /* interrupt_reason, set from any thread */
    void *sql_session;              /* for engine functions that call back into the SQL layer */
    const engine_session_ops *session_ops;   /* with sql_session as their first argument */
    const char *client_addr;        /* inet_client_addr(): NULL over a Unix socket */
    int client_port;
    const char *server_addr;        /* inet_server_addr() */
    int server_port;
} engine_context;

/* ---------------------------------------------------------------- connections */

/* A connection outside the pool, logged in as the database's service account even when
 * `db` is a login's handle: the catalog reader (src/catalog/snapshot.c), which sees the
 * whole schema as PostgreSQL's world-readable catalogs do and never runs a client's SQL. */
bool engine_conn_open(engine_db *db, engine_conn **out, pg_error *err) MUST_CHECK;
void engine_conn_close(engine_conn *c);
engine_db *engine_conn_db(engine_conn *c);
void engine_conn_set_context(engine_conn *c, engine_context *ctx);
engine_context *engine_conn_context(engine_conn *c);
/* Thread-safe: stop what the connection is doing now (sets ctx->interrupt first). */
void engine_conn_interrupt(engine_conn *c, interrupt_reason why);
/* The native handle (sqlite3*, SQLHDBC) for the SQL layer's engine-specific helpers. */
void *engine_conn_native(engine_conn *c);
/* A slot the catalog layer keeps per connection (what catalog store it has attached);
 * `free_fn` runs when the connection closes. */
void *engine_conn_catalog_state(engine_conn *c);
void engine_conn_set_catalog_state(engine_conn *c, void *state, void (*free_fn)(void *));
/* Called for every connection a backend opens, after the engine's own setup (the catalog
 * layer attaches its store there).  A failure fails the open. */
typedef bool (*engine_conn_open_hook)(engine_conn *c, pg_error *err);
void backend_set_conn_open_hook(backend *b, engine_conn_open_hook hook);
/* The connection was lost (ODBC link failure): the pool closes it instead of lending it again. */
bool engine_conn_is_broken(engine_conn *c);

typedef enum { TXN_READ, TXN_WRITE } txn_mode;
bool engine_begin(engine_conn *c, txn_mode mode, pg_error *err) MUST_CHECK;
bool engine_commit(engine_conn *c, pg_error *err) MUST_CHECK;
bool engine_rollback(engine_conn *c, pg_error *err) MUST_CHECK;
bool engine_savepoint(engine_conn *c, const char *name, pg_error *err) MUST_CHECK;
bool engine_release_savepoint(engine_conn *c, const char *name, pg_error *err) MUST_CHECK;
bool engine_rollback_to_savepoint(engine_conn *c, const char *name, pg_error *err) MUST_CHECK;
bool engine_in_transaction(engine_conn *c);

/* Run SQL without results (several statements allowed). */
bool engine_exec(engine_conn *c, const char *sql, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- statements */

/* Prepared statements are cached per connection by SQL text; engine_stmt_release returns it
 * to the cache (reset, bindings cleared).  A statement in use is never handed out twice. */
bool engine_prepare(engine_conn *c, const char *sql, engine_stmt **out, pg_error *err) MUST_CHECK;
void engine_stmt_release(engine_stmt *s);
int engine_stmt_param_count(engine_stmt *s);
/* 1-based, as the engine numbers placeholders. */
bool engine_bind(engine_stmt *s, int index, const sql_value *v, pg_error *err) MUST_CHECK;
/* The same with the parameter's PostgreSQL type, for engines that do not keep values in
 * storage form (ODBC converts to the engine's C and SQL types); SQLite ignores the type. */
bool engine_bind_typed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod,
                       pg_error *err) MUST_CHECK;
/* The PostgreSQL types the caller expects for the result columns (before the first step), so
 * that an engine returning its own types (ODBC) hands out values in their storage form.
 * Without it the ODBC engine converts by the column's ODBC type. */
void engine_stmt_expect_columns(engine_stmt *s, int n, const pg_oid *types, const int32_t *typmods);

/* As engine_bind_typed, but the engine may read the value's bytes where they are instead
 * of copying them: they must stay unchanged until the statement has been stepped and reset
 * (COPY's batches, copy_exec.c). */
bool engine_bind_borrowed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod,
                          pg_error *err) MUST_CHECK;

typedef enum { ENGINE_ROW, ENGINE_DONE, ENGINE_ERROR } engine_step_result;
engine_step_result engine_step(engine_stmt *s, pg_error *err);
int engine_column_count(engine_stmt *s);
const char *engine_column_name(engine_stmt *s, int col);
/* Valid until the next step/release. */
void engine_column_value(engine_stmt *s, int col, sql_value *out);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t engine_changes(engine_conn *c);
int64_t engine_last_rowid(engine_conn *c);
/* Restart the statement (keeps bindings). */
void engine_stmt_reset(engine_stmt *s);

/* ---------------------------------------------------------------- vector indexes */

/*
 * The distance of the embedded engine's vector index `oid` (pgvector's operator class: 0 L2,
 * 1 inner product, 2 cosine, 3 L1), as connection c's transaction sees it (c may be NULL:
 * committed indexes only); -1 when `oid` is no such index or the engine has none.
 */
int engine_vector_index_metric(engine_db *db, engine_conn *c, pg_oid oid);

/* ---------------------------------------------------------------- pool */

/*
 * Lending connections to sessions.  engine_pool_acquire either returns a connection now or,
 * when all `pool_size` are lent, queues `waiter` and returns NULL without error.  A release
 * hands its connection straight to the first queued waiter and calls waiter->ready(arg)
 * from the releasing thread; the session then calls acquire again and gets it.  So waiters
 * are served in order and a newcomer never overtakes them.
 */
typedef struct engine_waiter {
    void (*ready)(void *arg);
    void *arg;
    struct engine_waiter *next;
    bool queued;
    engine_conn *granted;   /* handed over by a release while queued */
} engine_waiter;

engine_conn *engine_pool_acquire(engine_pool *p, engine_waiter *waiter, pg_error *err);
void engine_pool_release(engine_pool *p, engine_conn *c);
/* Forget a waiter (the session went away). */
void engine_pool_cancel_wait(engine_pool *p, engine_waiter *waiter);
/* A connection found broken is closed instead of returned. */
void engine_pool_discard(engine_pool *p, engine_conn *c);
int engine_pool_in_use(engine_pool *p);

#endif
