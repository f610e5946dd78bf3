/*
 * sql_internal.h — the SQL layer's private surface: the typed intermediate representation
 * (IR) that analysis produces from PostgreSQL parse trees and that every dialect emitter
 * consumes, the function/operator/cast tables, the session object and plans.
 *
 * Pipeline:  text ─parse.c─▶ PostgreSQL raw parse tree ─analyze*.c─▶ IR (names resolved,
 * every expression typed as PostgreSQL types it, implicit casts explicit) ─emit_<dialect>.c─▶
 * engine SQL + parameter map + result description = sql_plan (plan.c), cached (plan_cache.c).
 *
 * IR nodes live in the arena of the statement being translated and die with it; a plan
 * copies what it keeps.  Files that include PostgreSQL's node headers are only those that
 * read parse trees (parse.c, analyze*.c, utility.c, ddl*.c); the IR itself is plain C.
 */
#ifndef PGWIRE_SQL_INTERNAL_H
#define PGWIRE_SQL_INTERNAL_H

#include "catalog/catalog.h"
#include "sql/sql.h"

#include <pthread.h>
#include <stdatomic.h>

/* ================================================================ functions and operators */

/* How an emitter writes a call; `template` uses %1..%9 for arguments, %% for '%', %* for
 * all arguments comma-separated, %T1..%T9 for an argument's type OID, %D for "DISTINCT " and
 * %O for an order-sensitive aggregate's DISTINCT flag and ORDER BY keys (emit_sqlite.c).  A NULL template means "no translation for this dialect"
 * (0A000 at translation time). */
typedef struct sql_fn_emit {
    const char *sqlite;
    const char *iris;
} sql_fn_emit;

typedef enum {
    FN_PLAIN = 0,
    FN_AGGREGATE,
    FN_WINDOW,           /* window-only (row_number, rank ...) */
    FN_SET_RETURNING,    /* usable in FROM (generate_series, unnest ...) */
} sql_fn_kind;

/* Result type rules beyond a fixed OID. */
#define FN_RET_ARG1 ((pg_oid)0xFFFFFF01u)           /* same type as argument 1 */
#define FN_RET_ARG1_ELEM ((pg_oid)0xFFFFFF02u)      /* element type of argument 1 (array) */
#define FN_RET_ARG1_ARRAY ((pg_oid)0xFFFFFF03u)     /* array of argument 1's type */
#define FN_RET_ARG2 ((pg_oid)0xFFFFFF04u)

/* Argument type pseudo-OIDs accepted in tables: PG_OID_ANYELEMENT, PG_OID_ANYARRAY, PG_OID_ANY. */
#define FN_VARIADIC 0x01          /* last argument repeats */
#define FN_STRICT_NULL 0x02       /* emitter may rely on NULL-in NULL-out */
#define FN_VOLATILE 0x04
#define FN_SPECIAL 0x08           /* analysed by special code (see analyze_func.c) */
#define FN_ANY_AS_TEXT 0x10       /* "any" arguments arrive as their type's text output (concat, format) */
#define FN_ANY_AS_JSON 0x20       /* polymorphic arguments arrive as their to_json() text (json_build_*) */
#define FN_ANY_CAST_TEXT 0x40     /* polymorphic arguments arrive cast to text (anytextcat: true → 'true') */
#define FN_CATALOG 0x80           /* reads the pg_catalog store (its template queries it) */

typedef struct sql_function {
    const char *name;          /* PostgreSQL name: "lower", "+", "~~" */
    int nargs;
    pg_oid args[8];
    pg_oid ret;
    sql_fn_kind kind;
    unsigned flags;
    sql_fn_emit emit;
    pg_oid proc_oid;           /* pg_proc OID when PostgreSQL has a fixed one, else 0 */
} sql_function;

/* Lookup by name and argument types with PostgreSQL's resolution rules (exact match, then
 * implicit coercions with preferred types, unknown literals taking the candidate's type).
 * On success `*out` is the chosen entry and `coerce_to[i]` the type each argument must be
 * coerced to. */
typedef enum { FN_FOUND, FN_NOT_FOUND, FN_AMBIGUOUS } fn_lookup_result;
fn_lookup_result sql_function_lookup(const char *name, int nargs, const pg_oid *arg_types,
                                     sql_fn_kind kind, const sql_function **out, pg_oid *coerce_to);
/* Operators are functions named by their symbol ("+", "=", "||", "~~" for LIKE). */
fn_lookup_result sql_operator_lookup(const char *op, pg_oid left, pg_oid right,
                                     const sql_function **out, pg_oid *coerce_to);
bool sql_function_exists(const char *name);
/* Iteration for pg_proc. */
const sql_function *sql_function_at(size_t i);

/* ================================================================ type coercion */

typedef enum { COERCE_IMPLICIT, COERCE_ASSIGNMENT, COERCE_EXPLICIT } coercion_context;
/* Whether PostgreSQL allows `from` → `to` in the context (pg_cast's castcontext). */
bool sql_can_coerce(pg_oid from, pg_oid to, coercion_context ctx);
/* PostgreSQL's type category and preferred flag, for resolution. */
char sql_type_category(pg_oid t);
bool sql_type_preferred(pg_oid t);
/* select_common_type: for UNION, CASE, COALESCE, VALUES columns.  PG_OID_INVALID if none. */
pg_oid sql_common_type(const pg_oid *types, int n);

/* ================================================================ IR */

typedef struct ir_expr ir_expr;
typedef struct ir_query ir_query;

typedef enum {
    IRE_CONST,          /* a value in storage form; `text` keeps an unknown literal's text */
    IRE_PARAM,          /* $n */
    IRE_COLUMN,         /* a column of a range-table entry, possibly of an outer query */
    IRE_CALL,           /* function or operator (fn) */
    IRE_CAST,           /* arg converted to type/typmod */
    IRE_AND,
    IRE_OR,
    IRE_NOT,
    IRE_NULLTEST,       /* arg IS [NOT] NULL: negated */
    IRE_BOOLTEST,       /* arg IS [NOT] TRUE/FALSE/UNKNOWN */
    IRE_CASE,
    IRE_COALESCE,
    IRE_NULLIF,
    IRE_GREATEST,
    IRE_LEAST,
    IRE_SUBLINK,        /* subquery: EXISTS, scalar, IN/ANY/ALL */
    IRE_AGG,            /* aggregate call */
    IRE_WINDOW,         /* window function call */
    IRE_ARRAY,          /* ARRAY[...] */
    IRE_ROW,            /* ROW(...) */
    IRE_IN_LIST,        /* args[0] [NOT] IN (args[1..]) */
    IRE_DISTINCT,       /* args[0] IS [NOT] DISTINCT FROM args[1] */
    IRE_ANY_ARRAY,      /* args[0] op ANY/ALL (array args[1]) */
    IRE_DEFAULT,        /* DEFAULT in INSERT VALUES / UPDATE SET */
    IRE_RAW,            /* an engine-specific snippet with arguments (emitter-made) */
    IRE_SETTING,        /* a session value known at execution: current_user ... (text) */
} ir_expr_kind;

typedef enum {
    BOOLTEST_TRUE, BOOLTEST_NOT_TRUE, BOOLTEST_FALSE, BOOLTEST_NOT_FALSE,
    BOOLTEST_UNKNOWN, BOOLTEST_NOT_UNKNOWN,
} ir_booltest;

typedef enum { SUBLINK_EXISTS, SUBLINK_SCALAR, SUBLINK_ANY, SUBLINK_ALL, SUBLINK_ARRAY } ir_sublink_kind;

typedef struct ir_case_when {
    ir_expr *cond;
    ir_expr *result;
} ir_case_when;

typedef struct ir_sort {
    ir_expr *expr;
    bool descending;
    int nulls;          /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
    const sql_function *lt;   /* ordering operator's function (for emitters that need it) */
} ir_sort;

typedef struct ir_window {
    int npartition;
    ir_expr **partition;
    int norder;
    ir_sort *order;
    const char *frame;      /* frame clause already spelled in SQL ("ROWS BETWEEN ..."), or NULL */
    bool order_as_real;     /* RANGE offsets over a numeric key: SQLite compares it as REAL */
    ir_expr *frame_start, *frame_end;
} ir_window;

struct ir_expr {
    ir_expr_kind kind;
    pg_oid type;
    int32_t typmod;
    int location;            /* byte offset in the statement text, -1 unknown */
    const char *display;     /* how PostgreSQL deparses it, when a keyword (CURRENT_DATE ...) */
    union {
        struct {
            sql_value value;         /* storage form; VALUE_NULL for NULL */
            const char *text;        /* the literal as written, for unknown-type literals */
        } constant;
        struct {
            int number;              /* 1-based */
        } param;
        struct {
            int levels_up;           /* 0 = this query, 1 = the enclosing one ... */
            int rte;                 /* index into that query's range table */
            int column;              /* 0-based column of the entry */
        } column;
        struct {
            const sql_function *fn;
            int nargs;
            ir_expr **args;
            bool distinct;           /* aggregates */
            bool star;               /* count(*) */
            ir_expr *filter;         /* aggregates and windows: FILTER (WHERE ...) */
            int norder;              /* ordered-set / aggregate ORDER BY */
            ir_sort *order;
            ir_window *window;       /* IRE_WINDOW */
            bool variadic_array;
        } call;
        struct {
            ir_expr *arg;
            bool explicit_cast;      /* written by the user: 22xxx errors come from it */
        } cast;
        struct {
            int nargs;
            ir_expr **args;
            bool negated;            /* NOT IN, IS NOT DISTINCT FROM, IS NOT NULL */
            bool all;                /* IRE_ANY_ARRAY: ALL instead of ANY */
            const sql_function *op;  /* IRE_ANY_ARRAY / IRE_IN_LIST comparison */
            const char **names;      /* IRE_ROW of a whole-row reference: the column names */
            const char *alias;       /* ... and the range entry's name (the result column's) */
        } list;
        struct {
            ir_expr *arg;            /* CASE arg WHEN ... (NULL for searched CASE) */
            int nwhen;
            ir_case_when *when;
            ir_expr *otherwise;
        } case_;
        struct {
            ir_sublink_kind sublink;
            ir_query *subquery;
            ir_expr *test;           /* ANY/ALL: left-hand side */
            const sql_function *op;  /* ANY/ALL comparison operator */
        } sublink;
        struct {
            ir_booltest test;
            ir_expr *arg;
        } booltest;
        struct {
            const char *sql;         /* template as in sql_fn_emit */
            int nargs;
            ir_expr **args;
        } raw;
        struct {
            const char *name;        /* current_user, session_user, current_schema ... */
        } setting;
    } u;
};

/* ---------------------------------------------------------------- range table */

typedef enum {
    IR_RTE_RELATION,     /* a table or view */
    IR_RTE_SUBQUERY,     /* (SELECT ...) AS x */
    IR_RTE_FUNCTION,     /* generate_series(...), unnest(...) ... */
    IR_RTE_VALUES,       /* (VALUES ...) AS x */
    IR_RTE_CTE,          /* a WITH query referenced by name */
    IR_RTE_JOIN,         /* the columns a JOIN exposes (USING merges) */
} ir_rte_kind;

typedef struct ir_rte {
    ir_rte_kind kind;
    const char *alias;            /* name for column references (PostgreSQL scoping) */
    const char *engine_alias;     /* unique alias in the emitted SQL */
    int ncols;
    const char **colnames;
    pg_oid *coltypes;
    int32_t *coltypmods;
    bool *coldropped;             /* for JOIN: merged-away columns */
    const cat_relation *rel;      /* RELATION */
    ir_query *subquery;           /* SUBQUERY, CTE (shared), VALUES (as a query) */
    ir_expr *function;            /* FUNCTION */
    const char **engine_colnames; /* FUNCTION: the engine-side column of each column */
    bool with_ordinality;
    bool lateral;
    bool in_scope;                /* visible to unqualified names (not hidden by a JOIN alias) */
    int cte_index;                /* CTE: index into the owning query's ctes */
    int cte_levels_up;
    bool from_target_list;        /* FUNCTION: a set-returning call of the select list */
    bool rows_from;               /* FUNCTION: ROWS FROM (unnest(a), unnest(b) …): `function` is a
                                   * ROW of the unnest calls, walked side by side */
    /* JOIN: for each exposed column, where it comes from. A merged USING column of a FULL
     * join is COALESCE(left, right); others map to one side. */
    ir_expr **join_columns;
} ir_rte;

typedef enum { IRJ_INNER, IRJ_LEFT, IRJ_RIGHT, IRJ_FULL, IRJ_CROSS } ir_join_type;

typedef struct ir_from {
    bool is_join;
    int rte;                      /* leaf, or the JOIN's own rte for alias/USING columns */
    ir_join_type join_type;
    struct ir_from *left, *right;
    ir_expr *on;                  /* NULL for CROSS; USING/NATURAL are turned into ON */
    bool natural;
} ir_from;

typedef struct ir_target {
    ir_expr *expr;
    const char *name;             /* result column name as PostgreSQL names it */
    bool junk;                    /* only there for ORDER BY / GROUP BY (not returned) */
    pg_oid source_table;          /* RowDescription's table OID / attnum when a plain column */
    int16_t source_column;
} ir_target;

typedef struct ir_cte {
    const char *name;
    ir_query *query;
    bool recursive;
    int ncolnames;
    const char **colnames;
    bool materialized;
    /* WITH x AS (INSERT/UPDATE/DELETE ... RETURNING ...): query is the DML, its targets are
     * its RETURNING list.  The plan runs it first, its rows kept in the engine table named
     * engine_table (set by translate.c); the statement then reads x from that table. */
    bool data_modifying;
    const char *engine_table;
} ir_cte;

/* Name-resolution scope of a query (PostgreSQL's p_namespace): which range entries answer
 * qualified names (rel_visible) and unqualified column names (cols_visible). */
typedef struct ir_ns_item {
    int rte;
    bool rel_visible;
    bool cols_visible;
} ir_ns_item;

typedef enum { QUERY_SELECT, QUERY_SETOP, QUERY_VALUES, QUERY_INSERT, QUERY_UPDATE, QUERY_DELETE } ir_query_kind;
typedef enum { IRS_UNION, IRS_INTERSECT, IRS_EXCEPT } ir_setop;

typedef struct ir_on_conflict {
    bool do_update;
    int ntargets;
    int16_t *target_columns;      /* conflict target attnums (0 = none given) */
    ir_expr *target_where;
    int nset;
    int *set_columns;             /* 0-based columns of the target relation */
    ir_expr **set_values;
    ir_expr *where;
    int excluded_rte;             /* the EXCLUDED pseudo-relation */
} ir_on_conflict;

struct ir_query {
    ir_query_kind kind;
    ir_query *parent;             /* enclosing query (for correlated references) */
    int ncte;
    ir_cte *ctes;
    bool recursive_with;
    /* Range table and FROM tree. */
    int nrte;
    ir_rte **rtes;
    int nfrom;
    ir_from **from;
    /* SELECT list / RETURNING. */
    int ntargets;
    ir_target *targets;
    ir_expr *where;
    int ngroup;
    ir_expr **group;
    int ngrouping_sets;           /* GROUPING SETS / ROLLUP / CUBE: each set a bit mask over */
    uint64_t *grouping_sets;      /* group[] (the union of their expressions) */
    ir_expr *having;
    bool has_aggregates;
    bool has_windows;
    bool distinct;
    int ndistinct_on;
    ir_expr **distinct_on;
    int nsort;
    ir_sort *sort;
    ir_expr *limit;               /* NULL = none */
    ir_expr *offset;
    bool limit_with_ties;
    int locking;                  /* 0 none, else FOR UPDATE/SHARE strength (accepted) */
    /* QUERY_SETOP */
    ir_setop setop;
    bool setop_all;
    ir_query *larg, *rarg;
    /* QUERY_VALUES: rows × ntargets expressions */
    int nrows;
    ir_expr ***rows;
    /* DML: the target relation is rtes[result_rte]. */
    int result_rte;
    int ninsert_columns;
    int *insert_columns;          /* 0-based columns of the relation */
    ir_query *insert_source;      /* INSERT ... SELECT / VALUES; NULL = DEFAULT VALUES */
    int nset;                     /* UPDATE SET */
    int *set_columns;
    ir_expr **set_values;
    ir_on_conflict *on_conflict;
    int nreturning;
    ir_target *returning;
    /* Analysis only. */
    int nns, ns_cap;
    ir_ns_item *ns;
    int nwindows;                 /* WINDOW w AS (...) definitions */
    const char **window_names;
    void **window_defs;           /* their raw WindowDef nodes, valid during analysis */
    bool in_aggregate;            /* analysing an aggregate's arguments */
    bool keep_unknown_outputs;    /* an INSERT source: see sql_xlate.keep_unknown_outputs */
    ir_expr *srf_ordinality;      /* select-list SRF made a FROM item: its ordinality (ORDER BY tie-break) */
    bool setop_arm;               /* an arm of UNION/INTERSECT/EXCEPT: unknown literals stay unknown */
    const char *clause;           /* "WHERE", "JOIN/ON" ... for error texts */
};

/* ================================================================ session */

typedef enum {
    TXN_IDLE,          /* no transaction (autocommit) */
    TXN_IMPLICIT,      /* a multi-statement Query or an extended-protocol sequence before Sync */
    TXN_BLOCK,         /* after BEGIN */
    TXN_FAILED,        /* error inside a block: 25P02 until ROLLBACK */
} txn_state;

typedef struct sql_savepoint {
    char *name;
    uint64_t id;                 /* the subtransaction it started (portal lifetimes) */
    struct sql_savepoint *prev;
    struct guc_undo *guc_mark;   /* SET LOCAL / SET values to restore on rollback to it */
} sql_savepoint;

typedef struct guc_values guc_values;   /* guc.c */

struct sql_server {
    backend *b;
    backend *catalog_backend;          /* ODBC backend: embedded SQLite, in memory, holding
                                        * the catalog stores (catalog_env.c); else NULL */
    sql_server_config cfg;
    struct plan_cache *cache;
    pthread_mutex_t notify_lock;       /* LISTEN/NOTIFY registry and every session's inbox */
    hashmap listeners;                 /* channel → struct listener_list */
    char *default_timezone;
    pthread_mutex_t defaults_lock;
    int ndefaults;
    char **default_names;
    char **default_values;
    pthread_mutex_t activity_lock;     /* pg_stat_activity's registry (activity.c) */
    struct session_activity *activity_head;
    pthread_mutex_t advisory_lock;     /* advisory_locks (advisory.c) */
    hashmap advisory_locks;            /* lock key → struct adv_entry */
    pthread_mutex_t temp_lock;         /* temp_owners */
    hashmap temp_owners;               /* "pg_temp_<pid>" of live sessions → session */
};

struct sql_session {
    /* When set, the search_path names resolve and print through instead of the setting's
     * (deparse.c, while it prints recorded definitions). */
    const char *search_path_override;
    sql_server *srv;
    engine_db *db;
    char *user;
    char *database;
    int backend_pid;
    char *client_addr, *server_addr;   /* NULL over a Unix socket */
    char *temp_schema;                 /* "pg_temp_<pid>" once a temporary object was planned */
    bool temp_schema_checked;          /* a leftover schema of that name was emptied */
    struct session_sequences *sequences;   /* currval()/lastval() state (ddl_sequence.c) */
    struct session_advisory *advisory;     /* advisory locks held (advisory.c) */
    guc_values *gucs;
    type_settings types;               /* derived from gucs, for codecs */
    /* Transaction. */
    txn_state txn;
    engine_conn *conn;                 /* held while a transaction is open */
    engine_conn *catalog_conn;         /* ODBC backend: the embedded SQLite connection that
                                        * answers catalog-only statements (catalog_env.c),
                                        * opened by the first one */
    bool engine_txn_open;
    txn_mode engine_txn_mode;
    bool schema_changed_in_txn;        /* use a private catalog snapshot until commit */
    cat_snapshot *private_catalog;
    int64_t txn_start_us;              /* µs since 2000-01-01 */
    bool txn_read_only;
    int txn_isolation;                 /* 0 default, 1 read committed, 2 repeatable read, 3 serializable */
    sql_savepoint *savepoints;
    /* Portal lifetimes: a portal lives in the transaction (generation) and subtransaction
     * (savepoint id, 0 = top level) where it was created.  ROLLBACK TO kills the ids of the
     * subtransactions it undoes; the end of the transaction kills everything. */
    uint64_t txn_generation;
    uint64_t subxact_counter;
    struct { uint64_t lo, hi; } *dead_subxacts;
    int ndead_subxacts, dead_subxacts_cap;
    struct guc_undo *guc_txn_mark;     /* SET values to undo if the transaction rolls back */
    engine_context ctx;
    /* Settings read on every statement, kept current by session_refresh_type_settings
     * (called whenever any setting changes): no lookup by name in the hot path. */
    int64_t statement_timeout_ms;
    bool log_all_statements;           /* log_statement = all */
    bool read_only_setting;            /* transaction_read_only */
    bool read_committed;               /* default_transaction_isolation <= read committed */
    char *plan_settings_key;           /* what translations depend on (plan cache key) */
    bool running;                      /* a statement is executing (cancel applies) */
    /* The client waits for an answer (PostgreSQL: !DoingCommandRead): a cancel that arrives
     * between statements is kept in pending_interrupt for the next one of this command
     * cycle; it is dropped when the session waits for the client again, so it never hits a
     * later query.  Both under cancel_lock. */
    bool busy;
    interrupt_reason pending_interrupt;
    engine_waiter waiter;
    bool (*protocol_portal_exists)(void *arg, const char *name);   /* sql_session_set_portal_lookup */
    void *protocol_portal_arg;
    pthread_mutex_t cancel_lock;       /* conn, running, busy vs cancel from another thread */
    /* Prepared statements (protocol and SQL share one namespace). */
    hashmap statements;
    hashmap cursors;                   /* name → sql_cursor (cursor.c) */
    struct sql_portal *portals;        /* open portals (exec.c) */
    /* Messages for the client. */
    pg_error *notices;
    size_t nnotices, notices_cap;
    bool params_changed[64];
    bool any_param_changed;            /* some params_changed[] is set */
    struct notify_item *notify_pending;   /* NOTIFYs of the open transaction */
    struct notify_item *notify_inbox;     /* delivered, not yet sent (srv->notify_lock) */
    struct notify_item *notify_inbox_tail;
    _Atomic bool notify_inbox_nonempty;   /* read without the lock: most sessions have nothing */
    void (*notify_wake)(void *arg);
    void *notify_wake_arg;
    hashmap listening;                 /* channel → (void*)1 */
    struct session_activity *activity; /* this session's pg_stat_activity entry */
    reg_resolver reg;                  /* reg* names through the catalog (catalog_names.c) */
};

/* ================================================================ plans */

typedef enum {
    PLAN_ENGINE,          /* SQL for the engine: query, DML, DDL */
    PLAN_EMPTY,           /* nothing (comment-only statement) */
    PLAN_UTILITY,         /* answered by the SQL layer: see utility_kind */
} plan_kind;

typedef enum {
    UTIL_NONE = 0,
    UTIL_SET, UTIL_RESET, UTIL_RESET_ALL, UTIL_SHOW, UTIL_SHOW_ALL,
    UTIL_BEGIN, UTIL_COMMIT, UTIL_ROLLBACK, UTIL_SAVEPOINT, UTIL_RELEASE, UTIL_ROLLBACK_TO,
    UTIL_PREPARE_TXN, UTIL_SET_TRANSACTION, UTIL_SET_SESSION_CHARACTERISTICS,
    UTIL_CREATE_DATABASE, UTIL_DROP_DATABASE,
    UTIL_DISCARD_ALL, UTIL_DISCARD_PLANS, UTIL_DISCARD_SEQUENCES, UTIL_DISCARD_TEMP,
    UTIL_LISTEN, UTIL_UNLISTEN, UTIL_UNLISTEN_ALL, UTIL_NOTIFY,
    UTIL_PREPARE, UTIL_EXECUTE, UTIL_DEALLOCATE, UTIL_DEALLOCATE_ALL,
    UTIL_DECLARE_CURSOR, UTIL_FETCH, UTIL_CLOSE_CURSOR, UTIL_CLOSE_ALL_CURSORS,
    UTIL_NOOP,            /* accepted and ignored with its tag (VACUUM, ANALYZE, CHECKPOINT ...) */
    UTIL_ERROR,           /* fails at execution with the stored error (deferred 0A000 ...) */
} utility_kind;

/* One engine statement of a plan; DDL may need several, run in order. */
typedef struct plan_step {
    char *sql;
    int nparams;
    int *param_map;       /* engine placeholder i (0-based) takes PostgreSQL parameter param_map[i] (1-based) */
    bool returns_rows;    /* this step's rows are the statement's result */
    bool count_rows;      /* its changes() count for the command tag */
    bool ignore_no_rows;
    char *rows_into;      /* an INSERT with one ?N per column: each row of this step goes
                           * through it (a data-modifying WITH query's RETURNING rows) */
} plan_step;

typedef enum { TAG_PLAIN, TAG_ROWS, TAG_INSERT, TAG_SELECT_COUNT /* "SELECT n", n rows changed (CREATE TABLE AS) */ } tag_style;

struct sql_plan {
    _Atomic int refs;
    plan_kind kind;
    utility_kind utility;
    char *text;                 /* the statement text */
    const char *command;        /* "SELECT", "INSERT", "CREATE TABLE" ... (static) */
    tag_style tag;
    int nsteps;
    plan_step *steps;
    int nparams;
    pg_oid *param_types;
    int ncolumns;               /* -1: no result rows */
    sql_column *columns;
    bool writes;                /* needs a write transaction */
    bool ddl;                   /* changes the schema: bump the version after it */
    bool transaction_control;
    bool allowed_in_failed;
    bool no_transaction_block;  /* CREATE DATABASE ... "cannot run inside a transaction block" */
    bool read_only_ok;
    bool uses_catalog;          /* the catalog store must be current on the connection */
    bool catalog_engine;        /* ODBC backend: runs on the session's catalog connection
                                 * (SQLite, catalog_engine.c), not on the engine */
    unsigned session_rels;      /* session relations to refill first (CAT_SESSION_*) */
    pg_oid target_relation;     /* INSERT/UPDATE/DELETE: the table (constraint error messages) */
    /* Utility arguments. */
    char *arg_name;             /* SET/SHOW/RESET name, savepoint, database, channel, statement */
    char *arg_value;            /* SET value (already flattened), NOTIFY payload */
    bool arg_flag;              /* SET LOCAL, IF EXISTS, ... */
    int arg_int;
    pg_error deferred_error;    /* UTIL_ERROR */
    struct sql_plan *prepared;  /* PREPARE: the statement; EXECUTE: plan of the arguments */
    int nexec_args;
    char **exec_args;           /* EXECUTE: argument expressions as literal texts */
    int64_t fetch_count;        /* FETCH/MOVE: rows, -1 = ALL */
    int64_t fetch_skip;         /* rows to skip first; < 0: absolute position -fetch_skip */
    struct copy_plan *copy;     /* COPY (copy.c), in mem */
    /* Cache bookkeeping. */
    uint64_t schema_version;    /* the catalog version it was translated against (0: uncommitted DDL) */
    bool from_prepare;          /* made by SQL PREPARE: `text` is the whole PREPARE statement */
    arena mem;
};

sql_plan *plan_new(plan_kind kind, const char *command);
bool plan_add_step(sql_plan *p, const char *sql, int nparams, const int *param_map,
                   bool returns_rows, bool count_rows) MUST_CHECK;

/* ================================================================ translation */

/* Everything a translation needs; one per statement, on its thread. */
typedef struct sql_xlate {
    sql_session *session;
    cat_snapshot *catalog;
    arena *mem;
    const char *text;            /* the statement text (positions refer to it) */
    int position_offset;         /* add to positions for the client */
    sql_dialect dialect;
    /* Parameters: types as declared by the client, refined by inference. */
    int nparams;
    int params_cap;
    pg_oid *param_types;
    pg_error *err;
    int alias_counter;
    sql_plan *plan;
    bool uncacheable;            /* the plan depends on something beyond the cache key */
    bool uses_catalog;           /* reads pg_catalog / information_schema (the catalog store) */
    bool uses_user_relations;    /* reads a relation that is not the catalog's */
    bool catalog_engine;         /* for the embedded catalog connection of an ODBC engine
                                  * (dialect SQLite, emit_sqlite.c) */
    unsigned session_rels;       /* session relations it reads (CAT_SESSION_*) */
    /* Set by INSERT for its source: the next query analysed keeps unknown-type outputs
     * (literals, parameters) unresolved so that they take the target columns' types, as
     * PostgreSQL's p_resolve_unknowns = false.  Consumed by that query. */
    bool keep_unknown_outputs;
    int depth;                   /* expression recursion, bounded like max_stack_depth */
    bool insert_values;          /* the next VALUES is an INSERT's: leave unknowns to assignment */
    bool setop_arm;              /* the next SELECT is an arm of a set operation (recursive CTE) */
} sql_xlate;

/* Set an error with a position (byte offset in the statement) converted to PostgreSQL's
 * 1-based character position in the client's string. */
void xlate_error(sql_xlate *x, int location, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(4, 5);
void *xlate_alloc(sql_xlate *x, size_t n);
char *xlate_strdup(sql_xlate *x, const char *s);
/* Register the use of parameter $n with an (inferred) type; 42P08 on conflict. */
bool xlate_param(sql_xlate *x, int number, pg_oid type, int location) MUST_CHECK;
pg_oid xlate_param_type(sql_xlate *x, int number);

/* Translation entry point (translate.c): one raw statement node → plan. */
struct Node;
struct WithClause;
struct List;
bool xlate_statement(sql_xlate *x, struct Node *stmt, sql_plan **out) MUST_CHECK;
/* An analysed SELECT (no FROM needed) as an engine plan: EXECUTE's argument expressions. */
bool xlate_select_plan(sql_xlate *x, ir_query *q, sql_plan **out) MUST_CHECK;

/* The emitters: IR → engine SQL text and parameter map. */
typedef struct emit_result {
    strbuf sql;
    int nparams;
    int params_cap;
    int *param_map;
    /* Further engine statements of the same plan, run in order after this one (the IRIS
     * dialect splits a multi-row INSERT and emulates RETURNING with a second statement). */
    struct emit_result *next;
    signed char returns_rows;    /* 0: as the statement; 1: this step's rows are the result; -1: none */
} emit_result;
bool emit_query_odbc(sql_xlate *x, ir_query *q, emit_result *out) MUST_CHECK;   /* iris, postgres, sqlite over ODBC */
bool emit_expr_odbc(sql_xlate *x, ir_query *q, ir_expr *e, emit_result *out) MUST_CHECK;
/* DDL for engines reached through ODBC (ddl_odbc.c): engine DDL only, the catalog is read back
 * from the engine. */
bool xlate_ddl_odbc(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled) MUST_CHECK;
/* The engine's type for a PostgreSQL type (DDL and CAST) in the dialect; false if none. */
/* b gives what the dialect leaves configurable (IRIS: the vector element type). */
bool emit_odbc_type_name(sql_dialect d, const backend *b, pg_oid type, int32_t typmod, strbuf *out);
bool emit_query_sqlite(sql_xlate *x, ir_query *q, emit_result *out) MUST_CHECK;
bool emit_query_iris(sql_xlate *x, ir_query *q, emit_result *out) MUST_CHECK;
bool emit_query(sql_xlate *x, ir_query *q, emit_result *out) MUST_CHECK;
void emit_result_free(emit_result *r);
/* One expression over q's single table, columns unqualified (DDL). */
bool emit_expr_sqlite(sql_xlate *x, ir_query *q, ir_expr *e, strbuf *out) MUST_CHECK;
/* A constant in storage form written as an engine literal. */
void emit_sqlite_value(const sql_value *v, strbuf *out);

/* IR construction helpers (ir.c). */
ir_expr *ir_new(sql_xlate *x, ir_expr_kind kind, pg_oid type, int location);
ir_expr *ir_const_null(sql_xlate *x, pg_oid type, int location);
ir_expr *ir_const_int(sql_xlate *x, pg_oid type, int64_t value, int location);
ir_expr *ir_const_text(sql_xlate *x, pg_oid type, const char *text, int location);
/* Coerce `e` to `type` (typmod -1 = keep): folds constants (an unknown literal becomes a
 * typed constant parsed by the type's input function, with PostgreSQL's error), otherwise
 * adds an IRE_CAST.  42804/42846 when PostgreSQL would refuse the coercion in `ctx`. */
ir_expr *ir_coerce(sql_xlate *x, ir_expr *e, pg_oid type, int32_t typmod, coercion_context ctx,
                   const char *what);
bool ir_contains_aggregate(const ir_expr *e);
/* Structural equality (GROUP BY matching, sharing set-returning calls). */
bool ir_equal(const ir_expr *a, const ir_expr *b);
/* int2vector / oidvector: arrays of int2 / oid counted from 0 (their array type, or 0). */
pg_oid ir_vector_array_type(pg_oid t);
/* The columns a set-returning function gives (one, or the fields of its record). */
int srf_columns(sql_xlate *x, const ir_expr *call, const char **names, pg_oid *types, int max);
/* Visit every expression slot of a tree (not into sub-queries), parents first; the visitor
 * may replace *slot.  Stops (false) when the visitor returns false. */
typedef bool (*ir_visit_fn)(ir_expr **slot, void *arg);
bool ir_walk(ir_expr **slot, ir_visit_fn fn, void *arg);
/* Whether a tree has a sub-query, a volatile call, a reference to column `column` of its
 * own query's range entries (level 0). */
bool ir_contains_sublink(ir_expr *e);
bool ir_contains_volatile(ir_expr *e);
bool ir_references_column(ir_expr *e, int column);
/* Every relation a query reads (FROM, sub-queries, CTEs, set operations), with repeats. */
void ir_query_relations(ir_query *q, void (*fn)(const cat_relation *, void *), void *arg);
/* Structural equality (GROUP BY matching). */
bool ir_equal(const ir_expr *a, const ir_expr *b);
/* The entry GROUPING(...) calls resolve to (analyze_expr.c; evaluated by the emitter). */
extern const sql_function ir_grouping_function;
/* `e` as its type's text output (what concat() and format() see of a value). */
ir_expr *ir_text_output(sql_xlate *x, ir_expr *e);
/* `e` as JSON text, as to_json() converts it (json_build_object, json_agg ...). */
ir_expr *ir_json_value(sql_xlate *x, ir_expr *e);
/* The name PostgreSQL gives an unnamed result column ("?column?", the function name ...). */
const char *ir_column_name(const ir_expr *e, const ir_query *q);
/* The type of column `col` of range entry `rte` at `levels_up`. */
ir_rte *ir_rte_at(ir_query *q, int levels_up, int rte);

/* ================================================================ analysis (analyze*.c) */

ir_query *analyze_select(sql_xlate *x, ir_query *parent, struct Node *stmt);
/* parent: the statement whose WITH holds this one (a data-modifying CTE), else NULL. */
ir_query *analyze_insert(sql_xlate *x, ir_query *parent, struct Node *stmt);
ir_query *analyze_update(sql_xlate *x, ir_query *parent, struct Node *stmt);
ir_query *analyze_delete(sql_xlate *x, ir_query *parent, struct Node *stmt);
ir_expr *analyze_expr(sql_xlate *x, ir_query *q, struct Node *node);
/* Analyse as a boolean condition (WHERE, ON, HAVING): 42804 unless boolean. */
ir_expr *analyze_condition(sql_xlate *x, ir_query *q, struct Node *node, const char *clause);
/* Resolve a PostgreSQL TypeName to OID + typmod (42704 "type \"x\" does not exist"). */
bool analyze_type_name(sql_xlate *x, struct Node *type_name, pg_oid *oid, int32_t *typmod) MUST_CHECK;
/* Find a relation by possibly-qualified name using search_path (42P01). */
const cat_relation *analyze_find_relation(sql_xlate *x, const char *schema, const char *name,
                                          int location, bool missing_ok);
/* This session's temporary schema (pg_temp_<pid>) if it exists, else NULL. */
const char *analyze_temp_schema(sql_xlate *x);
/* WITH: the CTEs become q's (data-modifying ones only at the top level, else 0A000). */
bool analyze_with(sql_xlate *x, ir_query *q, struct WithClause *with);
/* 'name'::regclass / regtype / regnamespace of a literal, resolved now (as the input
 * functions do): the OID constant, or NULL with PostgreSQL's error. */
ir_expr *analyze_reg_literal(sql_xlate *x, const char *text, pg_oid type, int location);
/* The schema new objects go to: the first existing schema of search_path (3F000). */
const char *analyze_creation_schema(sql_xlate *x, const char *explicit_schema, int location);
/* The OUT columns of a set-returning function that has them (jsonb_each: key, value);
 * NULL for functions whose one column is named after the function. */
const char *analyze_srf_out_columns(const char *function, int *n, const char *const **names, const pg_oid **types);
/* PostgreSQL's name for an unnamed select-list item, from its raw expression. */
const char *figure_colname(struct Node *n);
/* Add a relation to a query's range table. */
int analyze_add_relation_rte(sql_xlate *x, ir_query *q, const cat_relation *rel, const char *alias);
ir_query *ir_query_new(sql_xlate *x, ir_query_kind kind, ir_query *parent);
bool ir_add_ns(sql_xlate *x, ir_query *q, int rte, bool rel_visible, bool cols_visible) MUST_CHECK;
int ir_add_rte(sql_xlate *x, ir_query *q, ir_rte *r);
/* Resolve a column reference (1 to 3 name parts) in q and its parents. */
ir_expr *analyze_column_ref(sql_xlate *x, ir_query *q, const char **names, int nnames, int location);
/* t.* (schema.t.*) inside an expression: the whole-row reference of range entry t (42P01). */
ir_expr *analyze_whole_row_ref(sql_xlate *x, ir_query *q, const char *schema, const char *relname, int location);
/* Expand t.* or * into column expressions (with names) of q's scope. */
int analyze_expand_star(sql_xlate *x, ir_query *q, const char *qualifier, int location,
                        ir_expr ***exprs, const char ***names);
/* FROM items into q (SELECT's FROM, UPDATE's FROM, DELETE's USING). */
bool analyze_from_list(sql_xlate *x, ir_query *q, struct List *from) MUST_CHECK;
/* Analyse a sub-SELECT whose parent is q (for sublinks and FROM subqueries). */
ir_query *analyze_subquery(sql_xlate *x, ir_query *parent, struct Node *stmt);
/* 42883 for types that cannot be sorted (json ...). */
bool analyze_check_ordering(sql_xlate *x, ir_expr *e, int location) MUST_CHECK;
/* Sort clauses (ORDER BY) of q, with output-column name/ordinal rules. */
bool analyze_sort_clause(sql_xlate *x, ir_query *q, struct List *sort, bool for_setop) MUST_CHECK;
/* Coerce an expression to a boolean condition. */
ir_expr *ir_to_condition(sql_xlate *x, ir_expr *e, const char *clause);

/* ================================================================ sessions and settings */

/* guc.c: PostgreSQL's settings as the session sees them. */
guc_values *guc_create(const sql_server_config *cfg);
void guc_destroy(guc_values *g);
/* Set a value (SET / startup / set_config): 42704 unknown, 22023 invalid value.  `local`
 * (SET LOCAL) is undone at transaction end; plain SET in a transaction is undone if it rolls
 * back. */
typedef enum { GUC_SCOPE_SESSION, GUC_SCOPE_LOCAL, GUC_SCOPE_STARTUP, GUC_SCOPE_DEFAULT } guc_scope;
bool guc_set(sql_session *s, const char *name, const char *value, guc_scope scope, pg_error *err) MUST_CHECK;
bool guc_reset(sql_session *s, const char *name, pg_error *err) MUST_CHECK;
void guc_reset_all(sql_session *s);
/* Current value as SHOW prints it; NULL + 42704 if unknown. */
const char *guc_show(sql_session *s, const char *name, pg_error *err);
/* SHOW ALL rows. */
size_t guc_count(void);
bool guc_at(sql_session *s, size_t i, const char **name, const char **value, const char **description);
/* One row of pg_settings (strings point into `scratch` or static text). */
typedef struct guc_setting_info {
    const char *name, *setting, *unit, *vartype, *context, *short_desc, *min_val, *max_val, *enumvals,
        *boot_val, *reset_val, *source;
} guc_setting_info;
bool guc_describe(sql_session *s, size_t i, guc_setting_info *out, strbuf *scratch);
/* Transaction boundaries: keep or undo SET/SET LOCAL. */
struct guc_undo *guc_mark(sql_session *s);
void guc_commit(sql_session *s);
void guc_rollback_to(sql_session *s, struct guc_undo *mark);
const char *guc_get(const guc_values *g, const char *name);
int64_t guc_get_int(const guc_values *g, const char *name);
bool guc_get_bool(const guc_values *g, const char *name);
#define DEFAULT_SEARCH_PATH "\"$user\", public"
/* The schemas of search_path, resolved ("$user" dropped when missing): for name lookup. */
size_t guc_search_path(sql_session *s, const cat_snapshot *cat, const char **out, size_t max);
/* currval()/lastval() state of a session (ddl_sequence.c). */
void session_sequence_value(void *session, pg_oid sequence, int64_t value);
bool session_sequence_current(void *session, pg_oid sequence, int64_t *value);
bool session_sequence_last(void *session, int64_t *value);
void session_sequences_reset(sql_session *s);
/* Advisory locks (advisory.c): engine_session_ops.advisory, and releasing a session's
 * transaction-level (xact_only) or session-level locks. */
int session_advisory(void *session, const char *key, int flags, pg_error *err);
void session_advisory_release(sql_session *s, bool xact_only);
void session_advisory_free(sql_session *s);
/* The session's temporary schema is no longer its own (after it was dropped, at the end). */
void ddl_forget_temp_schema(sql_session *s);
/* What engine functions ask of the session (current_setting, set_config ...): guc.c. */
extern const engine_session_ops guc_engine_session_ops;
void session_refresh_type_settings(sql_session *s);
void session_notice(sql_session *s, pg_severity severity, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(4, 5);

/* exec_txn.c: engine transactions behind the session's transaction state. */
typedef enum { ACQUIRE_OK, ACQUIRE_WAIT, ACQUIRE_ERROR } acquire_result;
acquire_result session_acquire_engine(sql_session *s, pg_error *err);
bool session_ensure_engine_txn(sql_session *s, bool write, pg_error *err) MUST_CHECK;
bool session_finish_txn(sql_session *s, bool commit, pg_error *err) MUST_CHECK;
void session_release_engine_if_idle(sql_session *s);
/* The catalog snapshot translation should use now (shared or the transaction's private one). */
bool session_catalog(sql_session *s, cat_snapshot **out, pg_error *err) MUST_CHECK;

/* plan_cache.c */
typedef struct plan_cache plan_cache;
plan_cache *plan_cache_create(size_t capacity);
void plan_cache_destroy(plan_cache *c);
/* Key: database, schema version, search_path, declared parameter types, text. */
sql_plan *plan_cache_get(plan_cache *c, const void *db, uint64_t version, const char *search_path,
                         const pg_oid *ptypes, int nptypes, const char *text, size_t len);
void plan_cache_put(plan_cache *c, const void *db, uint64_t version, const char *search_path,
                    const pg_oid *ptypes, int nptypes, const char *text, size_t len, sql_plan *p);

/* notify.c: LISTEN/NOTIFY. */
bool notify_listen(sql_session *s, const char *channel, pg_error *err) MUST_CHECK;
void notify_unlisten(sql_session *s, const char *channel);   /* NULL = all */
bool notify_queue(sql_session *s, const char *channel, const char *payload, pg_error *err) MUST_CHECK;
void notify_commit(sql_session *s);
void notify_abort(sql_session *s);
void notify_session_end(sql_session *s);

/* cursor.c: DECLARE / FETCH / MOVE / CLOSE. */
typedef struct sql_cursor sql_cursor;
bool xlate_cursor(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled) MUST_CHECK;
sql_cursor *cursor_find(sql_session *s, const char *name);
int cursor_declare(sql_portal *portal, pg_error *err);
int cursor_close(sql_portal *portal, pg_error *err);
sql_run_status cursor_next(sql_cursor *c, const sql_value **row, pg_error *err);
int64_t cursor_position(const sql_cursor *c);
bool cursor_binary(const sql_cursor *c);
int cursor_column_count(const sql_cursor *c);
const sql_column *cursor_columns(const sql_cursor *c);
void cursors_close_all(sql_session *s);
/* Transaction end: WITH HOLD cursors read their rows before the engine commits; then every
 * cursor the transaction does not leave alive is closed. */
bool cursors_before_commit(sql_session *s, pg_error *err) MUST_CHECK;
void cursors_end_transaction(sql_session *s, bool committed);

/* exec.c: what utility execution needs of a portal. */
sql_session *portal_session(sql_portal *portal);
const sql_value *portal_params(sql_portal *portal, int *count);
void portals_end_transaction(sql_session *s);
void portal_set_tag(sql_portal *portal, const char *tag);
bool portal_set_utility_result(sql_portal *portal, int ncolumns, const char *const *names, char **values, int rows);
int utility_execute(sql_portal *portal, pg_error *err);

/* activity.c: pg_stat_activity's registry. */
void activity_register(sql_session *s);
void activity_unregister(sql_session *s);
void activity_statement_start(sql_session *s, const char *query);
void activity_statement_end(sql_session *s);
bool session_activity_rows(sql_session *s, const cat_relation *rel, catalog_row_fn emit, void *sink, pg_error *err);

/* catalog_names.c: reg* names and visibility for codecs and engine functions. */
void session_install_reg_resolver(sql_session *s);

/* catalog_env.c: the catalog store's needs from this layer. */
void sql_catalog_install(backend *b);
void sql_catalog_env(sql_session *s, catalog_build_env *env);
/* Before a plan that reads pg_catalog runs on s->conn (outside or inside a transaction). */
bool session_prepare_catalog(sql_session *s, const sql_plan *p, pg_error *err) MUST_CHECK;
/* ODBC backend: the companion SQLite backend the catalog stores live in (sql_server_create),
 * and the session's connection to it (closed by sql_session_destroy). */
bool sql_catalog_backend_create(sql_server *srv, pg_error *err) MUST_CHECK;
void session_close_catalog_conn(sql_session *s);

/* deparse.c: PostgreSQL's text of recorded expressions, views and indexes (ruleutils). */
bool deparse_recorded_expr(void *arg, const cat_snapshot *s, const cat_relation *rel, const char *text,
                           bool is_check, unsigned mode, strbuf *out, cat_refs *refs);
bool deparse_view_definition(void *arg, const cat_snapshot *s, const cat_relation *rel, unsigned mode, strbuf *out,
                             cat_refs *refs);
bool deparse_index(void *arg, const cat_snapshot *s, const cat_relation *rel, const cat_index *ix,
                   cat_index_text *out);

/* utility.c: statements the SQL layer answers itself. */
bool xlate_utility(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled) MUST_CHECK;
/* copy.c: COPY → a plan whose step is the INSERT (FROM) or the query (TO). */
bool xlate_copy(sql_xlate *x, struct Node *stmt, sql_plan **out) MUST_CHECK;
typedef struct copy_plan {
    sql_copy pub;                 /* what the protocol layer sees */
    plan_step batch;              /* COPY FROM: the INSERT of pub.batch_rows rows at once */
    const bool *notnull;          /* per COPY column: NOT NULL, checked before a row is batched */
    const char *null_default;     /* a NOT NULL column every row leaves NULL (no default), or NULL */
} copy_plan;
/* copy_exec.c: COPY FROM rows into the engine, many per statement. */
typedef struct copy_batch copy_batch;
bool copy_batch_create(sql_session *s, sql_plan *p, engine_stmt *one, copy_batch **out, pg_error *err) MUST_CHECK;
bool copy_batch_add(copy_batch *b, const sql_value *values, int64_t *failed_row, pg_error *err) MUST_CHECK;
bool copy_batch_flush(copy_batch *b, int64_t *failed_row, pg_error *err) MUST_CHECK;
int64_t copy_batch_rows(const copy_batch *b);
void copy_batch_destroy(copy_batch *b);
/* ddl.c: CREATE/ALTER/DROP → engine statements and metadata. */
bool xlate_ddl(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled) MUST_CHECK;
/* explain.c: EXPLAIN [ (options) ] statement. */
struct ExplainStmt;
bool xlate_explain(sql_xlate *x, struct ExplainStmt *es, sql_plan **out) MUST_CHECK;

#endif
