/*
 * common.h — the small toolbox every layer shares: the PostgreSQL error type, a growable
 * byte buffer, an arena, a string-keyed hash map, clocks and the logger.
 *
 * Nothing here knows about sockets, SQL or engines.  Functions that can fail are marked
 * MUST_CHECK; a failure is always reported as a pg_error carrying a SQLSTATE, so that any
 * layer can hand it to the client unchanged.
 */
#ifndef PGWIRE_COMMON_H
#define PGWIRE_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MUST_CHECK __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))

#define PGWIRE_VERSION "0.1.0"
/* What clients see: a real PostgreSQL 15 version first, so that drivers parsing it work. */
#define PGWIRE_SERVER_VERSION "15.0 (iris-pgwire " PGWIRE_VERSION ")"
#define PGWIRE_SERVER_VERSION_NUM "150000"

/* ---------------------------------------------------------------- errors */

/* Severity as PostgreSQL spells it in the S and V fields. */
typedef enum {
    PG_SEVERITY_ERROR = 0,
    PG_SEVERITY_FATAL,
    PG_SEVERITY_PANIC,
    PG_SEVERITY_WARNING,
    PG_SEVERITY_NOTICE,
    PG_SEVERITY_DEBUG,
    PG_SEVERITY_INFO,
    PG_SEVERITY_LOG,
} pg_severity;

/*
 * One error, as PostgreSQL's ErrorResponse carries it.  Owned strings; pg_error_clear frees
 * them.  `position` is 1-based in characters of the statement text as the client sent it
 * (0 = none).  An error is "set" when sqlstate[0] != 0.
 */
typedef struct pg_error {
    char sqlstate[6];
    pg_severity severity;
    char *message;
    char *detail;
    char *hint;
    char *context;
    int position;
    int internal_position;   /* position inside `internal_query`, PostgreSQL's 'p' field */
    char *internal_query;
    char *schema_name, *table_name, *column_name, *constraint_name, *datatype_name;
} pg_error;

void pg_error_set(pg_error *err, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(3, 4);
void pg_error_vset(pg_error *err, const char *sqlstate, const char *fmt, va_list ap);
void pg_error_detail(pg_error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);
void pg_error_hint(pg_error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);
void pg_error_context(pg_error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);
void pg_error_clear(pg_error *err);
void pg_error_move(pg_error *dst, pg_error *src);
static inline bool pg_error_is_set(const pg_error *err) { return err->sqlstate[0] != 0; }
/* Convenience for allocation failures: 53200 out of memory. */
void pg_error_oom(pg_error *err);
const char *pg_severity_name(pg_severity s);

/* ---------------------------------------------------------------- strbuf */

/*
 * A growable byte buffer with a sticky `failed` flag (as pgbouncer's pktbuf): appends after an
 * allocation failure are ignored, and the caller checks once at the end.  `data` is always
 * NUL-terminated when not failed, so text can be used directly.
 */
typedef struct strbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
} strbuf;

void strbuf_init(strbuf *b);
void strbuf_free(strbuf *b);
void strbuf_reset(strbuf *b);
bool strbuf_reserve(strbuf *b, size_t extra) MUST_CHECK;
void strbuf_append(strbuf *b, const void *bytes, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_putc(strbuf *b, char c);
void strbuf_printf(strbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap);
/* Remove the first n bytes (consumed input), keeping the rest. */
void strbuf_consume(strbuf *b, size_t n);
/* Detach the buffer's memory (caller frees); the buffer is left empty. */
char *strbuf_steal(strbuf *b);

/* ---------------------------------------------------------------- arena */

/*
 * A bump allocator for things that die together (one statement's translation, one startup
 * packet).  Allocation failure returns NULL; callers turn that into 53200.
 */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t total;
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
void arena_reset(arena *a);
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* ---------------------------------------------------------------- hashmap */

/* Open-addressing map from NUL-terminated string keys (copied) to pointers. */
typedef struct hashmap_entry {
    char *key;
    void *value;
    uint64_t hash;
} hashmap_entry;

typedef struct hashmap {
    hashmap_entry *slots;
    size_t cap;    /* power of two, or 0 */
    size_t count;
    size_t tombstones;
} hashmap;

void hashmap_init(hashmap *m);
void hashmap_free(hashmap *m);     /* frees keys, not values */
void *hashmap_get(const hashmap *m, const char *key);
bool hashmap_put(hashmap *m, const char *key, void *value) MUST_CHECK;  /* replaces */
void *hashmap_remove(hashmap *m, const char *key);   /* returns the old value */
/* Iteration: for (size_t i = 0; hashmap_next(m, &i, &k, &v);) */
bool hashmap_next(const hashmap *m, size_t *cursor, const char **key, void **value);
uint64_t hash_bytes(const void *p, size_t n);

/* ---------------------------------------------------------------- time */

int64_t clock_monotonic_us(void);
int64_t clock_realtime_us(void);   /* µs since the Unix epoch */

/* ---------------------------------------------------------------- logging */

typedef enum { LOG_LEVEL_DEBUG, LOG_LEVEL_LOG, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR, LOG_LEVEL_FATAL } log_level;

/*
 * The server's log: one line per event, "2026-11-27 10:00:00.123 UTC [pid] LEVEL:  text",
 * as PostgreSQL writes it.  `pid` is the session's process id as the client knows it
 * (BackendKeyData), 0 for the server itself.  Thread-safe: each line is one write().
 */
typedef struct logger {
    int fd;
    log_level min_level;
    int server_pid;
} logger;

void logger_init(logger *l, int fd, log_level min_level);
void log_line(logger *l, log_level level, int session_pid, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* A line that belongs to the previous one (PostgreSQL's DETAIL:, HINT:, STATEMENT:), logged
 * when `level` would be, under its own label. */
void log_line_labeled(logger *l, log_level level, const char *label, int session_pid, const char *fmt, ...)
    PRINTF_LIKE(5, 6);

/* ---------------------------------------------------------------- strings */

/* Case-insensitive ASCII compare, as PostgreSQL compares setting names. */
int ascii_strcasecmp(const char *a, const char *b);
bool ascii_streq_ci(const char *a, const char *b);
char *xstrdup(const char *s);   /* NULL on allocation failure */
char *xstrndup(const char *s, size_t n);
/* Parse an int64 from the whole string (leading/trailing spaces allowed); false if invalid. */
bool parse_int64(const char *s, int64_t *out) MUST_CHECK;
bool parse_bool_setting(const char *s, bool *out) MUST_CHECK;
/* PostgreSQL's check of client text (pg_verify_mbstr for UTF8): at the first byte sequence
 * that is not UTF-8 (NUL, overlong forms and surrogates included), 22021 "invalid byte
 * sequence for encoding "UTF8": 0x.. 0x..". */
bool utf8_verify(const char *p, size_t n, pg_error *err) MUST_CHECK;

#endif
