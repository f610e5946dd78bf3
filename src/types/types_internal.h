/*
 * types_internal.h — what the files of src/types share and nobody else sees: the generated
 * table's indexes, the per-type codec entry points the dispatcher (codec.c) calls, and small
 * helpers for errors and value coercion.
 *
 * Conventions of every codec function here:
 *   - text input gets (text, len) not NUL-terminated and must not read past len;
 *   - TEXT/BLOB results are appended to `scratch` and pointed to there;
 *   - a false return always comes with `err` set to PostgreSQL's SQLSTATE and message.
 */
#ifndef PGWIRE_TYPES_INTERNAL_H
#define PGWIRE_TYPES_INTERNAL_H

#include "types/types.h"

#include <string.h>

/* ---------------------------------------------------------------- generated table */

typedef struct types_name_slot {
    const char *name;
    uint16_t index1;     /* row index + 1; 0 = empty */
    bool alias;          /* SQL spelling, not a typname */
} types_name_slot;

extern const pg_type_info types_table[];
extern const size_t types_table_len;
extern const uint16_t types_oid_hash[];
extern const size_t types_oid_hash_size;
extern const types_name_slot types_name_hash[];
extern const size_t types_name_hash_size;

/* ---------------------------------------------------------------- errors */

/* 22P02 invalid input syntax for type <sqlname>: "<text>"; returns false. */
bool types_err_syntax(pg_error *err, const char *sqlname, const char *text, size_t len);
/* 22003 value "<text>" is out of range for type <sqlname>; returns false. */
bool types_err_range(pg_error *err, const char *sqlname, const char *text, size_t len);
/* 22P03 incorrect binary data format; returns false. */
bool types_err_binary(pg_error *err);
/* 08P01 insufficient data left in message (as PostgreSQL's pq_getmsg*); returns false. */
bool types_err_insufficient(pg_error *err);

/* ---------------------------------------------------------------- value helpers */

/* The engine may hand back another kind than the column's storage form (SQLite's dynamic
 * typing); these coerce the usual cases and fail with 22P02 / 22003 otherwise. */
bool types_value_as_int64(const sql_value *v, const char *sqlname, int64_t *out, pg_error *err) MUST_CHECK;
bool types_value_as_double(const sql_value *v, double *out, pg_error *err) MUST_CHECK;
/* Text of a TEXT/BLOB value, or NULL for other kinds. */
static inline bool types_value_bytes(const sql_value *v, const char **p, size_t *n)
{
    if (v->kind != VALUE_TEXT && v->kind != VALUE_BLOB)
        return false;
    *p = v->ptr ? v->ptr : "";
    *n = v->len;
    return true;
}

/* Append bytes to scratch and make `out` a TEXT/BLOB value pointing at them. */
void types_scratch_text(strbuf *scratch, const char *p, size_t n, sql_value *out);
void types_scratch_blob(strbuf *scratch, const void *p, size_t n, sql_value *out);
/* After appending from `start` to scratch->len, make `out` point at that range. */
void types_scratch_finish(strbuf *scratch, size_t start, value_kind kind, sql_value *out);

static inline bool types_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static inline bool types_isdigit(char c) { return c >= '0' && c <= '9'; }
static inline char types_tolower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }
/* Case-insensitive compare of (p, n) with a lower-case NUL-terminated word. */
bool types_word_eq(const char *p, size_t n, const char *lower_word);
/* Trim ASCII whitespace on both sides of (p, n). */
void types_trim(const char **p, size_t *n);

/* Big-endian readers over a bounds-checked cursor. */
typedef struct bin_cursor {
    const unsigned char *p;
    size_t left;
} bin_cursor;
bool bin_get_u8(bin_cursor *c, uint8_t *v) MUST_CHECK;
bool bin_get_i16(bin_cursor *c, int16_t *v) MUST_CHECK;
bool bin_get_i32(bin_cursor *c, int32_t *v) MUST_CHECK;
bool bin_get_i64(bin_cursor *c, int64_t *v) MUST_CHECK;
void bin_put_i16(strbuf *out, int16_t v);
void bin_put_i32(strbuf *out, int32_t v);
void bin_put_i64(strbuf *out, int64_t v);

/* ---------------------------------------------------------------- ints, bool, floats */

/* Decimal digits of v into buf (>= 21 bytes, no terminator); returns the length. */
size_t types_int64_to_text(int64_t v, char *buf);
void types_append_int64(strbuf *out, int64_t v);
/* Parse a PostgreSQL integer literal of `bits` (16/32/64) with its error messages. */
bool types_parse_int(const char *p, size_t n, int bits, int64_t *out, pg_error *err) MUST_CHECK;
bool types_parse_bool(const char *p, size_t n, bool *out, pg_error *err) MUST_CHECK;
void types_float8_out(double v, int extra_float_digits, strbuf *out);
void types_float4_out(float v, int extra_float_digits, strbuf *out);
/* Shortest text that reads back as the same float (pgvector, float4 with efd > 0). */
size_t types_float4_shortest(float v, char *buf);   /* buf >= 24 */
size_t types_float8_shortest(double v, char *buf);  /* buf >= 32 */
bool types_parse_float8(const char *p, size_t n, double *out, pg_error *err) MUST_CHECK;
bool types_parse_float4(const char *p, size_t n, float *out, pg_error *err) MUST_CHECK;

/* 22021 unless (p, n) is valid UTF-8 without NUL bytes. */
bool types_check_utf8(const char *p, size_t n, pg_error *err) MUST_CHECK;
/* Hex digit value, or -1. */
static inline int types_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ---------------------------------------------------------------- per-type codecs */

typedef bool (*types_out_fn)(const type_settings *s, int32_t typmod, const sql_value *v,
                             strbuf *out, pg_error *err);
typedef bool (*types_in_fn)(const type_settings *s, int32_t typmod, const char *p, size_t n,
                            sql_value *out, strbuf *scratch, pg_error *err);

typedef struct type_codec {
    types_out_fn text_out;
    types_in_fn text_in;
    types_out_fn binary_out;   /* NULL: no binary form */
    types_in_fn binary_in;
} type_codec;

/* The codec of a scalar (non-array) type; NULL for types handled as opaque text. */
const type_codec *types_codec_for(pg_oid oid);

extern const type_codec types_codec_bool, types_codec_int2, types_codec_int4, types_codec_int8,
    types_codec_oid, types_codec_float4, types_codec_float8, types_codec_numeric,
    types_codec_text, types_codec_varchar, types_codec_bpchar, types_codec_name,
    types_codec_char, types_codec_bytea, types_codec_date, types_codec_time,
    types_codec_timetz, types_codec_timestamp, types_codec_timestamptz,
    types_codec_interval, types_codec_uuid, types_codec_json, types_codec_jsonb,
    types_codec_vector, types_codec_opaque_text;

/* Arrays (array.c): the element type is resolved by the caller. */
bool types_array_text_out(const type_settings *s, const pg_type_info *elem, int32_t typmod,
                          const sql_value *v, strbuf *out, pg_error *err) MUST_CHECK;
bool types_array_text_in(const type_settings *s, const pg_type_info *elem, int32_t typmod,
                         const char *p, size_t n, sql_value *out, strbuf *scratch,
                         pg_error *err) MUST_CHECK;
bool types_array_binary_out(const type_settings *s, const pg_type_info *elem, int32_t typmod,
                            const sql_value *v, strbuf *out, pg_error *err) MUST_CHECK;
bool types_array_binary_in(const type_settings *s, const pg_type_info *elem, int32_t typmod,
                           const char *p, size_t n, sql_value *out, strbuf *scratch,
                           pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- time zones (timezone.c) */

/* One row of timezone_abbreviations: a fixed offset, or a zone to ask (zone != NULL). */
typedef struct tz_abbrev {
    const char *name;    /* lower case */
    int32_t offset;      /* seconds east of UTC */
    bool is_dst;
    const char *zone;
} tz_abbrev;
extern const tz_abbrev tz_abbrev_table[];
extern const size_t tz_abbrev_table_len;
/* Case-insensitive lookup of (p, n); NULL if not an abbreviation. */
const tz_abbrev *tz_abbrev_lookup(const char *p, size_t n);
/* Offset east of UTC (seconds) and DST flag at a UTC instant, in seconds since 1970. */
int tz_offset_at_unix(const tz_info *tz, int64_t unix_sec, const char **abbrev, bool *is_dst);
/* The offset a zone-backed abbreviation stood for around `unix_sec`; false if never used. */
bool tz_abbrev_offset_at(const tz_info *tz, const char *abbrev, int64_t unix_sec, int *offset);
/* Offset for a local wall-clock time given as seconds since 1970 as if it were UTC. */
int tz_offset_for_local_unix(const tz_info *tz, int64_t local_sec, bool *is_dst);

/* ---------------------------------------------------------------- date/time internals */

int types_days_in_month(int year, int month);
bool types_timestamp_in_range(int64_t ts);
bool types_valid_julian(int y, int m, int d);

/* What the date/time parser (datetime_parse.c) found in an input string. */
typedef enum {
    DT_VALUE,          /* fields below */
    DT_EPOCH,
    DT_LATE,           /* infinity */
    DT_EARLY,          /* -infinity */
    DT_NOW,
} dt_special;

typedef struct dt_parsed {
    dt_special special;
    pg_datetime tm;    /* year..usec */
    bool has_date, has_time;
    bool has_tz;
    int tz_offset;     /* seconds east, when has_tz and tz_zone is NULL */
    const tz_info *tz_zone;  /* a named zone or a dynamic abbreviation's zone */
    const char *tz_abbrev_name;   /* the abbreviation of tz_zone, for dynamic abbreviations */
} dt_parsed;

typedef enum { DT_MODE_DATETIME, DT_MODE_TIME } dt_mode;

/*
 * ParseDateTime + DecodeDateTime / DecodeTimeOnly: `type_name` is used in the 22007 message.
 * Fills `out`; the caller turns it into its type's value (range checks are the caller's).
 */
bool types_dt_parse(const type_settings *s, const char *p, size_t n, dt_mode mode, const char *type_name,
                    dt_parsed *out, pg_error *err) MUST_CHECK;
/* 22008 "date/time field value out of range: ..." */
bool types_dt_err_field(pg_error *err, const char *p, size_t n, bool md_hint);

/* Output (datetime_out.c).  `tz_offset` is seconds east; `abbrev` may be NULL. */
void types_encode_date(const type_settings *s, const pg_datetime *f, strbuf *out);
void types_encode_time(const pg_datetime *f, bool print_tz, int tz_offset, strbuf *out);
void types_encode_datetime(const type_settings *s, const pg_datetime *f, bool print_tz, int tz_offset,
                           const char *abbrev, strbuf *out);
void types_encode_tz_offset(int tz_offset, strbuf *out);
/* Round µs values to a time/timestamp typmod precision (AdjustTimestampForTypmod). */
int64_t types_round_to_precision(int64_t usecs, int32_t precision);

/* ---------------------------------------------------------------- numeric core (numeric.c) */

/*
 * A decimal number as an integer coefficient times a power of ten: value = ±coef × 10^exp10,
 * coef in base 10000, least significant digit first.  `dscale` is the display scale
 * (digits printed after the point).  The digits live in `inline_d` until they outgrow it,
 * then on the heap; so a num must be set up with num_init, released with num_free, and never
 * copied by assignment.
 */
#define NUM_NBASE 10000
#define NUM_INLINE_DIGITS 20
#define NUM_MAX_DISPLAY_SCALE 1000
#define NUM_MIN_SIG_DIGITS 16
#define NUM_DSCALE_MAX 16383

typedef enum { NUM_FINITE, NUM_NAN, NUM_PINF, NUM_NINF } num_kind;

typedef struct num {
    num_kind kind;
    bool neg;
    int32_t exp10;
    int32_t dscale;
    uint32_t n;       /* digits in use; 0 = zero */
    uint32_t cap;
    uint32_t *d;
    uint32_t inline_d[NUM_INLINE_DIGITS];
} num;

void num_init(num *x);
void num_free(num *x);
bool num_reserve(num *x, uint32_t digits) MUST_CHECK;
bool num_copy(num *dst, const num *src) MUST_CHECK;
void num_set_zero(num *x);
void num_set_special(num *x, num_kind kind);
bool num_from_int64(num *x, int64_t v) MUST_CHECK;
static inline bool num_is_zero(const num *x) { return x->kind == NUM_FINITE && x->n == 0; }
/* numeric_in: PostgreSQL's numeric text input (no typmod). */
bool num_parse(const char *p, size_t n, num *x, pg_error *err) MUST_CHECK;
/* numeric_out of x with exactly x->dscale digits after the point (x is rounded first). */
void num_format(const num *x, strbuf *out);
/* Round (half away from zero) or truncate to `scale` decimal places (may be negative);
 * dscale is left to the caller. */
bool num_round(num *x, int scale) MUST_CHECK;
bool num_trunc(num *x, int scale) MUST_CHECK;
/* apply_typmod: numeric(p,s) rounding and the 22003 overflow check. */
bool num_apply_typmod(num *x, int32_t typmod, pg_error *err) MUST_CHECK;
/* make_result's limits: 22003 "value overflows numeric format". */
bool num_check_limits(const num *x, pg_error *err) MUST_CHECK;
/* Compare finite values (sign included): -1, 0, 1.  NaN sorts above everything, as in PG. */
int num_cmp(const num *a, const num *b);
int num_cmp_abs(const num *a, const num *b);
bool num_add(const num *a, const num *b, num *r) MUST_CHECK;
bool num_sub(const num *a, const num *b, num *r) MUST_CHECK;
bool num_mul(const num *a, const num *b, num *r) MUST_CHECK;   /* exact */
/* r = a / b rounded (or truncated) to rscale places; b must be finite, non-zero. */
bool num_div_scale(const num *a, const num *b, num *r, int rscale, bool round) MUST_CHECK;
/* PostgreSQL's base-10000 layout without allocating for ordinary sizes: `work` (num_init'ed
 * by the caller, freed by it) receives the coefficient aligned on the decimal point; the
 * digits are work->d[work->n - 1] down to work->d[*low], the first of weight *weight. */
bool num_pg_layout(const num *x, num *work, int *weight, uint32_t *low) MUST_CHECK;
/* select_div_scale for a / b. */
int num_select_div_scale(const num *a, const num *b);
/* Decimal weight of the leading digit (1234.5 → 3, 0.01 → -2); 0 for zero. */
int num_decimal_weight(const num *x);
/* PostgreSQL's weight (base 10000) of the first non-zero digit and that digit. */
void num_pg_weight(const num *x, int *weight, int *first_digit);
double num_to_double(const num *x);
/* Shared by numeric_math.c and numeric_transcend.c. */
bool num_is_int(const num *x);
int num_sign(const num *x);   /* -1, 0, 1 (infinities included; NaN is 0) */
bool num_oom(pg_error *err);
bool num_div_by_zero(pg_error *err);
bool num_overflow(pg_error *err);
bool num_sqrt(const num *x, num *r, pg_error *err) MUST_CHECK;
bool num_exp(const num *x, num *r, pg_error *err) MUST_CHECK;
bool num_ln(const num *x, num *r, pg_error *err) MUST_CHECK;
bool num_log(const num *base, const num *x, num *r, pg_error *err) MUST_CHECK;
bool num_power(const num *x, const num *y, num *r, pg_error *err) MUST_CHECK;
/* The numeric value of any storage value (TEXT parsed, INT and FLOAT converted). */
bool types_num_of_value(const sql_value *v, num *x, pg_error *err) MUST_CHECK;

#endif
