/*
 * sqlite_fn_util.h — helpers shared by the pgw_* engine functions (sqlite_fn_*.c): UTF-8,
 * results from buffers, a small JSON tree for json/jsonb values and for the JSON storage
 * form of arrays (types.h), and jsonb's canonical output.
 *
 * Private to src/backend.  Trees live in an arena owned by the calling function and die
 * with it; string slices point into the parsed text or into that arena.
 */
#ifndef PGWIRE_SQLITE_FN_UTIL_H
#define PGWIRE_SQLITE_FN_UTIL_H

#include "backend/sqlite_internal.h"

/* ---------------------------------------------------------------- UTF-8 */

/* One character at s (n bytes left); its length (1 for an invalid byte, taken as is). */
int fnu_utf8_decode(const unsigned char *s, int n, uint32_t *cp);
int fnu_utf8_encode(uint32_t cp, unsigned char *out);
void fnu_utf8_put(strbuf *b, uint32_t cp);
/* Characters in n bytes. */
int fnu_utf8_chars(const char *s, int n);
/* Byte offset of character `chars` (clamped to n). */
int fnu_utf8_offset(const char *s, int n, int chars);
/* Simple case mapping of one code point (C.UTF-8's tables, as PostgreSQL with that locale). */
uint32_t fnu_lower(uint32_t cp);
uint32_t fnu_upper(uint32_t cp);
bool fnu_isalnum(uint32_t cp);

/* ---------------------------------------------------------------- results */

/* Set the result to the buffer's text (or NOMEM if it failed); frees the buffer. */
void fnu_result_text(sqlite3_context *ctx, strbuf *b);
void fnu_result_blob(sqlite3_context *ctx, strbuf *b);
/* True if any argument is NULL (and the result is set to NULL). */
bool fnu_null_args(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* The session's settings for codecs (defaults when no session holds the connection). */
const type_settings *fnu_settings(sqlite3_context *ctx, type_settings *fallback);

/* ---------------------------------------------------------------- JSON tree */

typedef enum { JV_NULL, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT } jv_kind;

typedef struct jv {
    jv_kind kind;
    const char *s;        /* NUMBER: as written; STRING: decoded UTF-8 */
    size_t len;
    const char *raw;      /* the value's text in the source (json's -> returns it) */
    size_t rawlen;
    int n;                /* ARRAY items / OBJECT members */
    struct jv **items;    /* ARRAY items, OBJECT values */
    const char **keys;    /* OBJECT keys (decoded) */
    size_t *klens;
} jv;

/* Parse JSON text; 22P02 "invalid input syntax for type json" on bad input. */
bool jv_parse(arena *a, const char *text, size_t len, jv **out, pg_error *err) MUST_CHECK;
jv *jv_new(arena *a, jv_kind kind);
bool jv_push(arena *a, jv *container, const char *key, size_t klen, jv *value) MUST_CHECK;
/* OBJECT member by key (the last one with that key, as jsonb keeps), or NULL. */
jv *jv_get(const jv *obj, const char *key, size_t klen);
/* jsonb's canonical form: keys by (length, bytes), last duplicate kept, "a": 1, [1, 2]. */
void jv_write_jsonb(strbuf *out, const jv *v);
/* JSON string literal with json's escapes (\" \\ \b \f \n \r \t \u00XX). */
void jv_write_string(strbuf *out, const char *s, size_t len);
/* A JSON number as numeric prints it (1e2 -> 100, 1.50 stays 1.50, -0 -> 0). */
void jv_write_number(strbuf *out, const char *s, size_t len);
/* Value equality as jsonb compares (numbers by value, objects regardless of key order). */
bool jv_equal(const jv *a, const jv *b);
/* jsonb's @> containment. */
bool jv_contains(const jv *a, const jv *b, bool top);

/* ---------------------------------------------------------------- arrays (storage form) */

/* Parse an array value (JSON array text); 22P02 if it is not one. */
bool fnu_array_parse(arena *a, sqlite3_value *v, jv **out, pg_error *err) MUST_CHECK;
/* Append one engine value as an array element (INT/FLOAT numbers, TEXT strings, BLOB "\x.."). */
void fnu_array_put_value(strbuf *out, sqlite3_value *v);
void fnu_array_put_element(strbuf *out, const jv *e);
/* The storage class of an array type's elements (from its OID), -1 if unknown. */
int fnu_element_storage(pg_oid array_type);
/* An element as the engine value of its storage form; `storage` is the element type's
 * storage_class (or -1: guess from the JSON kind). */
void fnu_result_element(sqlite3_context *ctx, const jv *e, int storage);
/* Compare two elements for equality as their type would (numbers by value). */
bool fnu_element_equal(const jv *a, const jv *b);
/* An element equal to an engine value (for array_position, array_remove, ANY). */
bool fnu_element_equals_value(const jv *e, sqlite3_value *v);

/* ---------------------------------------------------------------- date/time (sqlite_fn_datetime.c) */

const tz_info *fnu_session_tz(sqlite3_context *ctx);
/* An interval argument in storage form (22P02 result set when malformed). */
bool fnu_interval_arg(sqlite3_context *ctx, sqlite3_value *v, pg_interval *iv);
void fnu_result_interval(sqlite3_context *ctx, const pg_interval *iv);
int fnu_interval_cmp(const pg_interval *a, const pg_interval *b);
/* timestamp(tz) + interval as PostgreSQL: false when out of range. */
bool fnu_timestamp_add_interval(int64_t ts, const pg_interval *iv, const tz_info *tz, bool with_tz, int64_t *out);
/* to_char, to_date, to_timestamp, to_number (sqlite_fn_format.c). */
int sqlite_register_format(sqlite3 *db, engine_conn *c);

/* ---------------------------------------------------------------- regular expressions */

/* Defined in sqlite_fn_regex.c (registered with the text group). */
int sqlite_register_regex(sqlite3 *db, engine_conn *c);

#endif
