/*
 * sql.h — PostgreSQL SQL in, engine SQL out, and the execution of statements for a session.
 *
 * Every statement goes through PostgreSQL's own grammar (libpg_query), is analysed (names
 * resolved against the catalog, every expression typed as PostgreSQL types it), and emitted
 * in the engine's dialect.  The result is a plan: immutable, reference-counted, cached by
 * statement text, shared by every session with the same database, schema version and
 * search_path.  Statements PostgreSQL answers without touching data (SET, SHOW, BEGIN ...)
 * are plans too, executed by this layer against the session's state.
 *
 * The protocol layer drives execution through portals; values come out in storage form
 * (types.h) with the column's PostgreSQL type, and the protocol layer encodes them.
 */
#ifndef PGWIRE_SQL_H
#define PGWIRE_SQL_H

#include "backend/backend.h"
#include "common/common.h"
#include "types/types.h"

typedef struct sql_server sql_server;
typedef struct sql_session sql_session;
typedef struct sql_plan sql_plan;
typedef struct sql_portal sql_portal;

/* ---------------------------------------------------------------- server-wide */

typedef struct sql_server_config {
    size_t plan_cache_entries;       /* translation cache capacity */
    const char *default_timezone;    /* TimeZone at session start */
    const char *iris_default_schema; /* what public maps to (IRIS) */
    bool copy_server_files;          /* COPY to/from server-side files allowed (off) */
} sql_server_config;

bool sql_server_create(backend *b, const sql_server_config *cfg, sql_server **out, pg_error *err) MUST_CHECK;
/* Defaults for session settings (from the configuration file or -c), applied to every new
 * session before its startup parameters.  Copied; replaces the previous set (SIGHUP). */
bool sql_server_set_session_defaults(sql_server *s, int n, char *const *names, char *const *values,
                                     pg_error *err) MUST_CHECK;
/* True when `name` is a setting sessions know (or a custom "a.b" placeholder). */
bool sql_is_session_setting(const char *name);
/* Work done before the first client rather than in its first statement (the catalog's static
 * store).  Call after the process's signal mask is set: engine threads started here inherit it. */
void sql_server_warm(sql_server *s);
void sql_server_destroy(sql_server *s);
backend *sql_server_backend(sql_server *s);

/* ---------------------------------------------------------------- sessions */

/* What the client sent in its startup packet. */
typedef struct sql_startup {
    const char *user;
    const char *database;
    /* Other startup parameters (application_name, options' -c settings, DateStyle ...). */
    const char *const *names;
    const char *const *values;
    int count;
    int backend_pid;
    /* The connection's addresses as text (inet_client_addr(), inet_server_addr()); NULL
     * for a Unix socket. */
    const char *client_addr;
    int client_port;
    const char *server_addr;
    int server_port;
    /* The client's cleartext password when the pg_hba.conf method was `password` and it was
     * verified, else NULL: for engines that log in as the client (IRIS through ODBC, see
     * docs/security.md).  Valid during sql_session_create only; never log it. */
    const char *password;
} sql_startup;

/* Opens the database (3D000 if missing) and applies the startup parameters (22023/42704 for
 * bad ones, as PostgreSQL).  Under odbc_login = client a startup without a password is
 * FATAL 28000 (the engine would otherwise run the session as the service account). */
bool sql_session_create(sql_server *srv, const sql_startup *startup, sql_session **out, pg_error *err) MUST_CHECK;
void sql_session_destroy(sql_session *s);

/* The engine logs in as the client (odbc_login = client), so it is the authority for the
 * passwords of users the users file does not know (src/sql/login.c, docs/security.md). */
bool sql_server_engine_checks_passwords(sql_server *srv);
/* Whether the engine accepts this login.  False with `err` unset: refused, `log_reason`
 * says why for the server log only (it may hold the engine's words, never the password).
 * False with `err` set: not checked (53300, too many checks running). */
bool sql_server_engine_check_password(sql_server *srv, const char *user, const char *password,
                                      strbuf *log_reason, pg_error *err) MUST_CHECK;

/* Lets the session wait for an engine connection without blocking its thread: when one
 * becomes free, `ready(arg)` is called from another thread (see engine_pool_acquire). */
void sql_session_set_waiter(sql_session *s, void (*ready)(void *arg), void *arg);
/* Protocol portals share PostgreSQL's one portal namespace with SQL cursors: DECLARE asks
 * `exists` whether the caller has a live portal of that name (42P03 if so). */
void sql_session_set_portal_lookup(sql_session *s, bool (*exists)(void *arg, const char *name), void *arg);

/* ReadyForQuery's status byte: 'I' idle, 'T' in a transaction block, 'E' failed block. */
char sql_session_transaction_status(const sql_session *s);

/* The reported parameters (ParameterStatus) in PostgreSQL 15's order, with current values. */
typedef struct sql_param_status {
    const char *name;
    const char *value;
} sql_param_status;
size_t sql_session_reported_params(sql_session *s, sql_param_status *out, size_t max);
/* Reported parameters changed since the last call (by SET, RESET, a rolled-back SET LOCAL...). */
size_t sql_session_take_changed_params(sql_session *s, sql_param_status *out, size_t max);

/* Notices (NOTICE/WARNING) produced by the last statement, in order; the caller sends them
 * and clears them with sql_session_clear_notices(). */
size_t sql_session_notice_count(const sql_session *s);
const pg_error *sql_session_notice(const sql_session *s, size_t i);
void sql_session_clear_notices(sql_session *s);

/* Asynchronous notifications (LISTEN/NOTIFY) waiting for delivery. */
typedef struct sql_notification {
    int sender_pid;
    char *channel;
    char *payload;
} sql_notification;
bool sql_session_take_notification(sql_session *s, sql_notification *out);
/* Called (from any thread) when a notification is queued for this session. */
void sql_session_set_notify_waker(sql_session *s, void (*wake)(void *arg), void *arg);
void sql_notification_free(sql_notification *n);

const type_settings *sql_session_type_settings(const sql_session *s);
int sql_session_backend_pid(const sql_session *s);
const char *sql_session_user(const sql_session *s);
const char *sql_session_database(const sql_session *s);
const char *sql_session_application_name(const sql_session *s);
/* Timeouts the protocol layer enforces itself (ms, 0 = off). */
int sql_session_idle_in_transaction_timeout_ms(const sql_session *s);
bool sql_session_log_statements(const sql_session *s);

/* Cancel whatever this session is running now (thread-safe), for CancelRequest.  A cancel
 * that arrives while the session is busy but between statements (or waiting for an engine
 * connection) stops the next statement of the same command cycle; one that arrives while the
 * session waits for the client is dropped, as in PostgreSQL. */
void sql_session_cancel(sql_session *s, interrupt_reason why);
/* The protocol layer says whether the client is waiting for an answer (true from the first
 * message of a command until ReadyForQuery or until the session waits for input). */
void sql_session_set_busy(sql_session *s, bool busy);

/* Called when the client goes away or at Sync/end of a Query: ends an implicit transaction. */
typedef enum { SQL_TXN_END_COMMIT, SQL_TXN_END_ROLLBACK } sql_txn_end;
bool sql_session_end_implicit_transaction(sql_session *s, sql_txn_end how, pg_error *err) MUST_CHECK;
/* Extended protocol: messages until Sync run in one implicit transaction. */
void sql_session_begin_implicit(sql_session *s);
bool sql_session_in_implicit(const sql_session *s);
/* An error ends the current statement: in a block the block fails (25P02 until ROLLBACK);
 * an implicit transaction is rolled back. */
void sql_session_abort_statement(sql_session *s);
/* The client disconnected: roll back and give the engine connection back. */
void sql_session_disconnect(sql_session *s);
/* True while a transaction (block or implicit) holds an engine connection. */
bool sql_session_holds_engine(const sql_session *s);

/* ---------------------------------------------------------------- statements */

/* Where each statement of a query string starts and ends (byte offsets). */
typedef struct sql_span {
    int offset;
    int length;
} sql_span;

/*
 * Split a query string into statements with PostgreSQL's grammar.  A syntax error anywhere
 * fails the whole string (42601 with position), as PostgreSQL parses before executing.
 * An empty string or only comments gives 0 spans (EmptyQueryResponse).
 */
bool sql_split(sql_session *s, const char *text, sql_span **spans, int *count, pg_error *err) MUST_CHECK;

/*
 * Translate one statement into a plan.  `position_offset` is added to error positions (the
 * statement's offset inside the client's string).  `param_types` (may be NULL) are the types
 * the client declared (0 = infer); the plan's parameter types are what PostgreSQL would
 * infer.  `one_statement_only` is true for the extended protocol's Parse (several statements
 * → 42601 "cannot insert multiple commands into a prepared statement").
 */
bool sql_plan_create(sql_session *s, const char *text, size_t len, int position_offset,
                     const pg_oid *param_types, int nparam_types, sql_plan **out, pg_error *err) MUST_CHECK;
void sql_plan_ref(sql_plan *p);
void sql_plan_unref(sql_plan *p);

/* The result columns of a plan, as RowDescription describes them. */
typedef struct sql_column {
    const char *name;
    pg_oid table_oid;
    int16_t attnum;
    pg_oid type_oid;
    int16_t typlen;
    int32_t typmod;
} sql_column;

int sql_plan_param_count(const sql_plan *p);
pg_oid sql_plan_param_type(const sql_plan *p, int i);
/* -1 when the statement returns no rows (NoData). */
int sql_plan_column_count(const sql_plan *p);
const sql_column *sql_plan_column(const sql_plan *p, int i);
const sql_column *sql_plan_columns(const sql_plan *p);
/* The statement text as given (for logging, pg_stat_activity). */
const char *sql_plan_text(const sql_plan *p);
/* The command tag word without counts ("SELECT", "INSERT", "CREATE TABLE"). */
const char *sql_plan_command(const sql_plan *p);
/* Transaction-control statements are allowed in a failed block (ROLLBACK, COMMIT...). */
bool sql_plan_allowed_in_failed_block(const sql_plan *p);
/* The statement must run outside a transaction block (CREATE DATABASE, VACUUM...). */
bool sql_plan_is_transaction_control(const sql_plan *p);

/* ---------------------------------------------------------------- execution */

typedef enum {
    SQL_RUN_ROW,     /* a row is available: sql_portal_row */
    SQL_RUN_DONE,    /* finished: sql_portal_command_tag */
    SQL_RUN_WAIT,    /* waiting for an engine connection: the session's waiter will fire */
    SQL_RUN_ERROR,
    SQL_RUN_COPY_IN, /* COPY FROM STDIN is ready for rows: sql_portal_copy_row, then _copy_end */
} sql_run_status;

/* Bind parameters (storage form, already decoded by the protocol layer with the plan's
 * parameter types) to a plan.  The portal keeps its own copy of the values. */
bool sql_portal_create(sql_session *s, sql_plan *p, const sql_value *params, int nparams,
                       sql_portal **out, pg_error *err) MUST_CHECK;
sql_run_status sql_portal_next(sql_portal *portal, pg_error *err);
/* The current row: sql_plan_column_count values. */
const sql_value *sql_portal_row(const sql_portal *portal);
/* After SQL_RUN_DONE: "SELECT 3", "INSERT 0 1", "UPDATE 2", "CREATE TABLE" ... */
const char *sql_portal_command_tag(const sql_portal *portal);
/* The tag of a row-returning portal counting `rows` (the rows of one Execute, as
 * PostgreSQL reports them: "SELECT 2", "INSERT 0 2", "UPDATE 2"; "SHOW" has no count). */
void sql_portal_tag_for_rows(const sql_portal *portal, int64_t rows, char *buf, size_t size);
sql_plan *sql_portal_plan(const sql_portal *portal);
/* Rows produced so far. */
int64_t sql_portal_rows(const sql_portal *portal);
bool sql_portal_is_done(const sql_portal *portal);
/* A FETCH from a BINARY cursor: its rows go out in binary in the simple query protocol. */
bool sql_portal_binary_results(const sql_portal *portal);
/* Portals die with the transaction they were created in, and with a subtransaction that
 * ROLLBACK TO undoes (PostgreSQL's AtCommit_Portals / AtSubAbort_Portals). */
bool sql_portal_alive(const sql_portal *portal);
/* The plan's columns can change at run time for a few statements (EXECUTE of a prepared
 * statement, SHOW ALL): the portal's own view. */
int sql_portal_column_count(const sql_portal *portal);
const sql_column *sql_portal_column(const sql_portal *portal, int i);
const sql_column *sql_portal_columns(const sql_portal *portal);
void sql_portal_close(sql_portal *portal);

/* ---------------------------------------------------------------- COPY */

/*
 * A COPY statement's plan describes the data stream; the protocol layer runs the COPY
 * sub-protocol and the formats (docs/copy.md).  COPY TO: the portal's rows
 * (SQL_RUN_ROW, values of sql_copy.columns) are the data.  COPY FROM: the portal's first
 * sql_portal_next answers SQL_RUN_COPY_IN once the engine transaction is open and the
 * INSERT is prepared; each decoded row then goes to sql_portal_copy_row (storage form, one
 * value per column of sql_copy.columns) and sql_portal_copy_end finishes with "COPY n".
 * A COPY plan has no result columns (sql_plan_column_count is -1), as in PostgreSQL.
 */
typedef enum { SQL_COPY_TEXT, SQL_COPY_CSV, SQL_COPY_BINARY } sql_copy_format;
typedef enum { SQL_COPY_HEADER_NONE, SQL_COPY_HEADER_TRUE, SQL_COPY_HEADER_MATCH } sql_copy_header;

typedef struct sql_copy {
    bool is_from;
    sql_copy_format format;
    const char *relation;         /* relation name for CONTEXT lines; NULL for COPY (query) TO */
    const char *filename;         /* server-side file; NULL for STDIN / STDOUT */
    char delimiter;
    const char *null_string;      /* text and csv */
    size_t null_len;
    char quote, escape;           /* csv */
    sql_copy_header header;
    bool freeze;                  /* accepted; SQLite needs no hint (docs/copy.md) */
    int ncolumns;
    const sql_column *columns;    /* in COPY order: name, type, typmod */
    bool force_quote_all;
    const bool *force_quote;      /* per column, NULL = none */
    const bool *force_not_null;
    const bool *force_null;
    int batch_rows;               /* COPY FROM: rows inserted per engine statement (>= 1) */
} sql_copy;

/* NULL when the plan is not a COPY. */
const sql_copy *sql_plan_copy(const sql_plan *p);
/* COPY FROM: one row (values in storage form, sql_copy.ncolumns of them; the bytes are
 * copied).  Rows go to the engine sql_copy.batch_rows at a time, so an error may belong
 * to an earlier row: *failed_row is its number (0 = the first row given).  The engine's
 * error comes back as PostgreSQL's (23505 with the constraint's name ...); the caller adds
 * the COPY context line and fails the statement. */
bool sql_portal_copy_row(sql_portal *portal, const sql_value *values, int64_t *failed_row, pg_error *err) MUST_CHECK;
/* COPY FROM: the data ended (CopyDone): the last rows, then SQL_RUN_DONE with the tag
 * "COPY n", or an error (with *failed_row as above, -1 when no row is to blame). */
sql_run_status sql_portal_copy_end(sql_portal *portal, int64_t *failed_row, pg_error *err);

/* ---------------------------------------------------------------- prepared statements */

/* The session's named statements (protocol Parse and SQL PREPARE share one namespace, as in
 * PostgreSQL).  The unnamed statement is "". */
bool sql_session_store_statement(sql_session *s, const char *name, sql_plan *p, pg_error *err) MUST_CHECK;
sql_plan *sql_session_find_statement(sql_session *s, const char *name);
/* Before a statement named `name` (*plan, from sql_session_find_statement) is bound or
 * its result described: if the schema changed since it was translated, translate it again
 * (PostgreSQL's RevalidateCachedQuery) and replace it, updating *plan.  Fails with 0A000
 * "cached plan must not change result type" if its result columns would change, or with
 * the translation's own error (42703 ...) if it no longer translates.  A statement made by
 * SQL PREPARE is translated again from its PREPARE. */
bool sql_session_revalidate_statement(sql_session *s, const char *name, sql_plan **plan, pg_error *err) MUST_CHECK;
bool sql_session_drop_statement(sql_session *s, const char *name);
void sql_session_drop_all_statements(sql_session *s);

/* SQL cursors (DECLARE) share the portal namespace with the protocol's named portals, as in
 * PostgreSQL: a cursor can be described with Describe Portal.  NULL if no such cursor. */
sql_portal *sql_session_cursor_portal(sql_session *s, const char *name);

#endif
