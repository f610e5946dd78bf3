/*
 * proto_internal.h — shared by the files of the protocol layer: the session, the server's
 * registry, and the reply builders.
 *
 * A session is run by one thread at a time (net's ownership protocol); fields read by other
 * threads (cancel key, state for timeouts) are either immutable after startup or atomic.
 */
#ifndef PGWIRE_PROTO_INTERNAL_H
#define PGWIRE_PROTO_INTERNAL_H

#include "proto/auth.h"
#include "proto/msg.h"
#include "proto/proto.h"

#include <pthread.h>
#include <stdatomic.h>

/* PostgreSQL's limits (libpq/pqcomm.h, libpq/auth.h). */
#define PROTO_MAX_STARTUP_PACKET 10000
#define PROTO_MAX_STARTUP_PARAMETERS 64
#define PROTO_MAX_AUTH_TOKEN_LENGTH 65535
#define PROTO_MOCK_NONCE_LEN 32
#define PROTO_SMALL_MESSAGE_LIMIT 10000
#define PROTO_VERSION_3_0 196608
#define PROTO_SSL_REQUEST 80877103
#define PROTO_GSSENC_REQUEST 80877104
#define PROTO_CANCEL_REQUEST 80877102

typedef enum {
    SESSION_STARTUP,       /* waiting for the startup packet (or SSLRequest ...) */
    SESSION_TLS,           /* TLS handshake in progress */
    SESSION_AUTH,          /* authentication exchange (password, SASL messages) */
    SESSION_READY,         /* authenticated: messages */
    SESSION_CLOSING,       /* flush and close */
} session_state;

/* What the timeout tick sees of a session's progress (session_state is the owner's). */
enum { PHASE_STARTUP = 0, PHASE_AUTH, PHASE_READY };

/* Why the tick asks a session to end (proto_session.terminate_reason). */
enum {
    TERMINATE_IDLE_IN_TRANSACTION = 1,
    TERMINATE_SHUTDOWN,
    TERMINATE_STARTUP_TIMEOUT,     /* no startup packet in time: closed without a word */
    TERMINATE_AUTH_TIMEOUT,        /* authentication not finished in time: logged only */
};

/*
 * The authentication configuration: pg_hba.conf, the users file and the settings that go
 * with them.  Loaded at start and on SIGHUP, swapped as a whole under the server's lock, and
 * reference-counted so that a session keeps the one it started authenticating with.
 */
typedef struct auth_config {
    _Atomic int refs;
    hba_file *hba;                     /* never NULL: the built-in rules when no hba_file */
    users_file *users;                 /* NULL: no users file */
    password_type password_encryption;
    int scram_iterations;
} auth_config;

typedef struct auth_exchange auth_exchange;

typedef enum { WORK_NONE, WORK_SIMPLE_QUERY, WORK_EXECUTE } work_kind;

/* A portal as the protocol knows it: the SQL portal and the result formats of its Bind. */
typedef struct proto_portal {
    char *name;            /* NULL for the unnamed portal */
    sql_portal *portal;
    int16_t *formats;      /* result format codes as Bind gave them (0, 1 or n of them) */
    int nformats;
    int16_t formats_inline[8];
    bool suspended;        /* an Execute stopped at its row limit */
    bool embedded;         /* the session's unnamed_storage: reset, not freed */
} proto_portal;

typedef struct proto_session proto_session;

struct proto_server {
    proto_config cfg;
    sql_server *sql;
    logger *log;
    net_loop *loop;
    pthread_mutex_t lock;          /* sessions list, cancel lookups */
    proto_session *sessions;
    _Atomic int session_count;     /* every connection, cancel requests included */
    _Atomic int backend_count;     /* past the startup packet: what max_connections limits */
    _Atomic int next_pid;
    _Atomic bool shutting_down;
    _Atomic bool fast_shutdown;
    auth_config *auth;             /* under `lock`; take with auth_config_get() */
    uint8_t mock_nonce[PROTO_MOCK_NONCE_LEN];
    size_t mock_nonce_len;
    int64_t shutdown_started_us;
    void (*reload)(void *arg);
    void *reload_arg;
};

struct proto_session {
    proto_server *srv;
    net_conn *conn;
    session_state state;
    int pid;
    uint32_t secret;
    int64_t started_us;            /* monotonic, for the disconnection log line */
    sql_session *sql;              /* set under srv->lock (the cancel path reads it) */
    char *user;
    char *database;
    /* Startup. */
    bool ssl_done, gss_done;       /* an SSLRequest / GSSENCRequest was answered */
    bool packet_seen;              /* a first packet arrived (direct TLS only comes first) */
    bool unencrypted_after_ssl;    /* bytes came with the SSLRequest, before the handshake */
    char *startup_packet;          /* copy of the startup packet body, kept until the session */
    const char **startup_names;    /* exists; names and values point into it */
    const char **startup_values;
    int startup_count;
    auth_exchange *auth;           /* during SESSION_AUTH */
    char *client_password;         /* cleartext from the password method, handed to the SQL
                                    * session (IRIS logins), then wiped */
    _Atomic int phase;             /* PHASE_*, for the tick */
    bool counted_for_user;         /* counts toward max_connections_per_user */
    bool counted_backend;          /* counts toward max_connections (backend_count) */
    bool busy;                     /* told the SQL layer the client waits for an answer */
    /* Extended query. */
    bool ignore_until_sync;
    bool extended_txn;             /* an implicit transaction opened by extended messages */
    hashmap portals;               /* name → proto_portal (named portals) */
    proto_portal *unnamed_portal;  /* &unnamed_storage or NULL */
    proto_portal unnamed_storage;  /* the unnamed portal needs no allocation per Bind */
    /* Resumable work. */
    work_kind work;
    char *query_text;              /* simple query in progress */
    sql_span *spans;
    int nspans;
    int span_index;
    sql_plan *plan;
    sql_portal *portal;            /* simple query's current statement */
    bool described;
    proto_portal *exec_portal;     /* Execute in progress */
    int64_t exec_max_rows;
    int64_t exec_rows;
    int64_t statement_started_us;
    struct copy_state *copy;       /* COPY in progress (copy.c) */
    /* Timeouts and shutdown, read by the tick on another thread. */
    _Atomic int64_t idle_since_us; /* monotonic time ReadyForQuery was sent, 0 while busy */
    _Atomic char txn_status;       /* last ReadyForQuery status */
    _Atomic bool terminate;        /* set by tick: close with the pending FATAL */
    _Atomic int terminate_reason;  /* TERMINATE_* */
    bool sent_ready;
    proto_session *prev, *next;    /* registry */
    strbuf scratch;                /* per-row encoding scratch */
    strbuf param_scratch;
};

/* server.c */
int proto_register_session(proto_server *srv, proto_session *s);
void proto_unregister_session(proto_server *srv, proto_session *s);
void proto_cancel(proto_server *srv, int pid, uint32_t secret);

/* reply.c: messages to the client, appended to the connection's output. */
void reply_error(proto_session *s, const pg_error *err);
void reply_notice(proto_session *s, const pg_error *notice);
void reply_ready_for_query(proto_session *s);
void reply_command_complete(proto_session *s, const char *tag);
void reply_row_description(proto_session *s, const sql_column *cols, int ncolumns, const int16_t *formats, int nformats);
bool reply_data_row(proto_session *s, const sql_value *values, const sql_column *cols, int ncolumns,
                    const int16_t *formats, int nformats, pg_error *err) MUST_CHECK;
void reply_parameter_status(proto_session *s, const char *name, const char *value);
void reply_simple(proto_session *s, char type);   /* messages without a body: 1 2 3 I n s */
void reply_notices_and_params(proto_session *s);
void reply_notifications(proto_session *s);
/* The FATAL error every protocol violation ends with. */
void reply_fatal(proto_session *s, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* server.c: the authentication configuration in use (a reference; release it). */
auth_config *auth_config_get(proto_server *srv);
void auth_config_release(auth_config *cfg);
/* Sessions of `user` past authentication, counting `s` in if it fits under the limit. */
bool proto_count_user_session(proto_server *srv, proto_session *s, int limit);

/* startup.c: everything before ReadyForQuery, driven by the session loop. */
typedef enum {
    STEP_CONTINUE,     /* go on (more input may be buffered) */
    STEP_NEED_INPUT,   /* read from the client */
    STEP_WAIT_READ,    /* TLS handshake: wait until readable (do not read) */
    STEP_WAIT_WRITE,   /* TLS handshake: wait until writable */
    STEP_CLOSE,
} step_result;
step_result startup_process(proto_session *s);
/* Authentication succeeded: AuthenticationOk, the SQL session, the opening messages. */
step_result startup_authenticated(proto_session *s);
void startup_free(proto_session *s);

/* auth_flow.c: ClientAuthentication as a resumable exchange. */
step_result auth_begin(proto_session *s);
step_result auth_process(proto_session *s);
void auth_exchange_free(proto_session *s);

/* query.c / extended.c */
void query_begin(proto_session *s, const char *text);
/* The simple query's statement failed: ErrorResponse, abort, ReadyForQuery. */
void query_fail(proto_session *s, pg_error *err);
typedef enum { WORK_DONE, WORK_WAIT_ENGINE, WORK_OUTPUT_FULL } work_result;
work_result query_continue(proto_session *s);
void extended_parse(proto_session *s, msg_reader *r);
void extended_bind(proto_session *s, msg_reader *r);
void extended_describe(proto_session *s, msg_reader *r);
void extended_execute(proto_session *s, msg_reader *r);
work_result extended_continue(proto_session *s);
void extended_close(proto_session *s, msg_reader *r);
void extended_sync(proto_session *s);
void extended_flush(proto_session *s);
/* The extended-protocol error path: report, abort, skip until Sync. */
void extended_error(proto_session *s, pg_error *err);
void portals_close_all(proto_session *s);
void extended_drop_unnamed_portal(proto_session *s);
/* A live named portal (sql_session_set_portal_lookup's hook; arg is the proto_session). */
bool extended_portal_exists(void *arg, const char *name);

void session_install_hooks(proto_session *s);
void proto_on_tick(void *arg);
void proto_on_signal(int signo, void *arg);

/* Log one line tagged with the session's pid. */
void session_log(proto_session *s, log_level level, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Whether the client waits for an answer (cancel requests apply); see sql_session_set_busy. */
void session_set_busy(proto_session *s, bool busy);
/* Output is above the flush threshold: the caller should flush before producing more. */
bool session_output_full(proto_session *s);

#endif
