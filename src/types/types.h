/*
 * types.h — PostgreSQL's data types as the server knows them: the type table (OIDs, names,
 * typlen, arrays), the storage form each type has inside the engine, and the text and binary
 * codecs between the wire and that storage form.
 *
 * Storage forms (the contract between this layer, the SQL emitters and the engine functions;
 * see docs/types.md).  An engine value is one of NULL, INT (int64), FLOAT (double), TEXT, BLOB:
 *
 *   bool                         INT 0/1
 *   int2, int4, int8, oid, reg*  INT
 *   float4, float8               FLOAT (float4 values are rounded to float on input); the
 *                                embedded SQLite engine holds NaN as the TEXT "NaN" (it would
 *                                make a NaN double NULL): the codecs read that text as NaN
 *   numeric                      TEXT, canonical decimal as PostgreSQL prints it ("12.50",
 *                                "-0.001", "NaN", "Infinity"), scale applied from the typmod
 *   text, varchar, name, "char"  TEXT;  bpchar: TEXT padded to its length
 *   bytea                        BLOB
 *   date                         INT days since 2000-01-01 (INT32_MIN/INT32_MAX = -/+infinity)
 *   time                         INT microseconds since midnight
 *   timetz                       TEXT "HH:MM:SS[.ffffff]+hh[:mm]" as PostgreSQL prints it
 *   timestamp, timestamptz       INT microseconds since 2000-01-01 00:00 (timestamptz in UTC),
 *                                INT64_MIN/INT64_MAX = -/+infinity
 *   interval                     TEXT "<months> <days> <microseconds>" (three integers)
 *   uuid                         TEXT, 36 lower-case characters
 *   json                         TEXT as given;  jsonb: TEXT in PostgreSQL's jsonb output form
 *   arrays                       TEXT, a JSON array of the elements' storage forms (NULL as
 *                                null, INT/FLOAT as numbers, TEXT as strings, BLOB as "\x.."
 *                                hex strings), one dimension
 *   vector                       BLOB of little-endian float32
 *   anything else                TEXT in PostgreSQL's text output form
 *
 * Codecs never allocate per call beyond the output buffer they are given; every failure is a
 * pg_error with PostgreSQL's SQLSTATE and message (22P02 invalid input syntax, 22003 out of
 * range, 22P03 invalid binary representation, 22001 too long, 22007/22008 datetime ...).
 */
#ifndef PGWIRE_TYPES_H
#define PGWIRE_TYPES_H

#include "common/common.h"

typedef uint32_t pg_oid;

/* Built-in type OIDs (PostgreSQL 15 pg_type.dat). */
enum {
    PG_OID_INVALID = 0,
    PG_OID_BOOL = 16,
    PG_OID_BYTEA = 17,
    PG_OID_CHAR = 18,
    PG_OID_NAME = 19,
    PG_OID_INT8 = 20,
    PG_OID_INT2 = 21,
    PG_OID_INT2VECTOR = 22,
    PG_OID_INT4 = 23,
    PG_OID_REGPROC = 24,
    PG_OID_TEXT = 25,
    PG_OID_OID = 26,
    PG_OID_TID = 27,
    PG_OID_XID = 28,
    PG_OID_CID = 29,
    PG_OID_OIDVECTOR = 30,
    PG_OID_JSON = 114,
    PG_OID_XML = 142,
    PG_OID_PG_NODE_TREE = 194,
    PG_OID_POINT = 600,
    PG_OID_CIDR = 650,
    PG_OID_FLOAT4 = 700,
    PG_OID_FLOAT8 = 701,
    PG_OID_UNKNOWN = 705,
    PG_OID_MACADDR = 829,
    PG_OID_INET = 869,
    PG_OID_ACLITEM = 1033,
    PG_OID_BPCHAR = 1042,
    PG_OID_VARCHAR = 1043,
    PG_OID_DATE = 1082,
    PG_OID_TIME = 1083,
    PG_OID_TIMESTAMP = 1114,
    PG_OID_TIMESTAMPTZ = 1184,
    PG_OID_INTERVAL = 1186,
    PG_OID_TIMETZ = 1266,
    PG_OID_BIT = 1560,
    PG_OID_VARBIT = 1562,
    PG_OID_NUMERIC = 1700,
    PG_OID_REFCURSOR = 1790,
    PG_OID_REGPROCEDURE = 2202,
    PG_OID_REGOPER = 2203,
    PG_OID_REGOPERATOR = 2204,
    PG_OID_REGCLASS = 2205,
    PG_OID_REGTYPE = 2206,
    PG_OID_RECORD = 2249,
    PG_OID_CSTRING = 2275,
    PG_OID_ANY = 2276,
    PG_OID_ANYARRAY = 2277,
    PG_OID_VOID = 2278,
    PG_OID_TRIGGER = 2279,
    PG_OID_ANYELEMENT = 2283,
    PG_OID_ANYNONARRAY = 2776,
    PG_OID_UUID = 2950,
    PG_OID_TXID_SNAPSHOT = 2970,
    PG_OID_ANYENUM = 3500,
    PG_OID_TSVECTOR = 3614,
    PG_OID_TSQUERY = 3615,
    PG_OID_JSONB = 3802,
    PG_OID_REGCONFIG = 3734,
    PG_OID_REGDICTIONARY = 3769,
    PG_OID_JSONPATH = 4072,
    PG_OID_REGNAMESPACE = 4089,
    PG_OID_REGROLE = 4096,
    PG_OID_REGCOLLATION = 4191,
    PG_OID_PG_LSN = 3220,
    PG_OID_MONEY = 790,
    /* Array types */
    PG_OID_BOOL_ARRAY = 1000,
    PG_OID_BYTEA_ARRAY = 1001,
    PG_OID_CHAR_ARRAY = 1002,
    PG_OID_NAME_ARRAY = 1003,
    PG_OID_INT2_ARRAY = 1005,
    PG_OID_INT4_ARRAY = 1007,
    PG_OID_TEXT_ARRAY = 1009,
    PG_OID_BPCHAR_ARRAY = 1014,
    PG_OID_VARCHAR_ARRAY = 1015,
    PG_OID_INT8_ARRAY = 1016,
    PG_OID_FLOAT4_ARRAY = 1021,
    PG_OID_FLOAT8_ARRAY = 1022,
    PG_OID_OID_ARRAY = 1028,
    PG_OID_ACLITEM_ARRAY = 1034,
    PG_OID_TIMESTAMP_ARRAY = 1115,
    PG_OID_DATE_ARRAY = 1182,
    PG_OID_TIME_ARRAY = 1183,
    PG_OID_TIMESTAMPTZ_ARRAY = 1185,
    PG_OID_INTERVAL_ARRAY = 1187,
    PG_OID_NUMERIC_ARRAY = 1231,
    PG_OID_TIMETZ_ARRAY = 1270,
    PG_OID_CSTRING_ARRAY = 1263,
    PG_OID_UUID_ARRAY = 2951,
    PG_OID_JSON_ARRAY = 199,
    PG_OID_JSONB_ARRAY = 3807,
    PG_OID_REGCLASS_ARRAY = 2210,
    PG_OID_REGTYPE_ARRAY = 2211,
    PG_OID_RECORD_ARRAY = 2287,
    /* pgvector's type has no fixed OID in PostgreSQL; ours is stable (docs/types.md). */
    PG_OID_VECTOR = 16388,
    PG_OID_VECTOR_ARRAY = 16393,
};

/* How a value of the type lives in the engine (see the table at the top). */
typedef enum {
    STORAGE_INT,
    STORAGE_FLOAT,
    STORAGE_TEXT,
    STORAGE_BLOB,
} storage_class;

/* One row of PostgreSQL's pg_type, as much as clients and the catalog need. */
typedef struct pg_type_info {
    pg_oid oid;
    const char *name;         /* typname: "int4", "_int4", "varchar" */
    const char *sql_name;     /* format_type() spelling: "integer", "integer[]", "character varying" */
    int16_t typlen;           /* -1 varlena, -2 cstring */
    bool typbyval;
    char typtype;             /* b base, p pseudo, c composite, e enum, r range, d domain */
    char typcategory;         /* PostgreSQL's category letter: B, N, S, D, U, A, ... */
    bool typispreferred;
    char typalign;            /* c s i d */
    char typstorage;          /* p x e m */
    char typdelim;
    pg_oid typelem;           /* element type for arrays, else 0 */
    pg_oid typarray;          /* array type of this type, else 0 */
    const char *typinput;     /* function names as in pg_type: "int4in" */
    const char *typoutput;
    const char *typreceive;
    const char *typsend;
    const char *typmodin;     /* "-" when none */
    const char *typmodout;
    storage_class storage;
} pg_type_info;

const pg_type_info *types_by_oid(pg_oid oid);
/* By typname or SQL spelling: "int4", "integer", "int", "character varying", "_int4",
 * "timestamp with time zone", "double precision" ...  Case-insensitive; NULL if unknown. */
const pg_type_info *types_by_name(const char *name);
/* Iteration over the whole table (for pg_type); NULL past the end. */
const pg_type_info *types_at(size_t index);
size_t types_count(void);
static inline bool types_is_array(const pg_type_info *t) { return t && t->typelem && t->typlen == -1 && t->name[0] == '_'; }

/*
 * typmod helpers, in PostgreSQL's encoding: varchar(n)/bpchar(n) = n + 4; numeric(p,s) =
 * ((p << 16) | s) + 4; time/timestamp precision p = p; interval = (range << 16) | precision
 * (a bare 0..6 is also read as a precision).  -1 = none.
 */
int32_t types_typmod_varchar(int32_t length);
int32_t types_typmod_numeric(int32_t precision, int32_t scale);
/* format_type(oid, typmod): "character varying(10)", "numeric(10,2)", "timestamp(3) without time zone". */
void types_format_type(pg_oid oid, int32_t typmod, strbuf *out);
/* Column length in RowDescription / pg_attribute.attlen. */
int16_t types_typlen(pg_oid oid);

/* ---------------------------------------------------------------- values */

typedef enum {
    VALUE_NULL = 0,
    VALUE_INT,
    VALUE_FLOAT,
    VALUE_TEXT,
    VALUE_BLOB,
} value_kind;

/* A value in storage form.  TEXT/BLOB point into memory owned by someone else (the engine's
 * row, or a scratch buffer); `len` excludes any terminator. */
typedef struct sql_value {
    value_kind kind;
    int64_t i;
    double f;
    const char *ptr;
    size_t len;
} sql_value;

static inline sql_value value_null(void) { sql_value v = {0}; return v; }
static inline sql_value value_int(int64_t i) { sql_value v = {0}; v.kind = VALUE_INT; v.i = i; return v; }
static inline sql_value value_float(double f) { sql_value v = {0}; v.kind = VALUE_FLOAT; v.f = f; return v; }
static inline sql_value value_text(const char *p, size_t n) { sql_value v = {0}; v.kind = VALUE_TEXT; v.ptr = p; v.len = n; return v; }
static inline sql_value value_blob(const void *p, size_t n) { sql_value v = {0}; v.kind = VALUE_BLOB; v.ptr = p; v.len = n; return v; }

/* ---------------------------------------------------------------- settings that shape values */

typedef enum { DATESTYLE_ISO, DATESTYLE_POSTGRES, DATESTYLE_SQL, DATESTYLE_GERMAN } datestyle_format;
typedef enum { DATEORDER_MDY, DATEORDER_DMY, DATEORDER_YMD } datestyle_order;
typedef enum { INTERVALSTYLE_POSTGRES, INTERVALSTYLE_POSTGRES_VERBOSE, INTERVALSTYLE_SQL_STANDARD, INTERVALSTYLE_ISO_8601 } interval_style;
typedef enum { BYTEA_OUTPUT_HEX, BYTEA_OUTPUT_ESCAPE } bytea_output_format;

typedef struct tz_info tz_info;   /* a loaded time zone (types/timezone.c) */

/*
 * Names of catalog objects for the reg* types: regclass prints "t" (or "s.t" when not visible),
 * regtype "integer", regproc "int4in" ..., and reads them back.  The SQL layer answers from the
 * session's view of the catalog; without a resolver the reg* types print and read numbers.
 */
typedef struct reg_resolver {
    /* Append the name of `value` for reg type `type`; false when no object has that OID
     * (the number is printed then, as PostgreSQL does). */
    bool (*name_of)(const void *arg, pg_oid type, pg_oid value, strbuf *out);
    /* The OID `text` names for reg type `type`; false with PostgreSQL's error otherwise
     * (42P01 relation, 42704 type, 42883 function, 3F000 schema ...). */
    bool (*oid_of)(const void *arg, pg_oid type, const char *text, size_t len, pg_oid *out, pg_error *err);
    /* pg_table_is_visible & co.: kind 'r' relation, 't' type, 'f' function, 'n' namespace;
     * 1 visible, 0 not, -1 no such object. */
    int (*visible)(const void *arg, char kind, pg_oid value);
    const void *arg;
} reg_resolver;

/* The session settings every codec may consult. */
typedef struct type_settings {
    int extra_float_digits;          /* -15..3, default 1 (shortest exact) */
    datestyle_format datestyle;
    datestyle_order dateorder;
    interval_style intervalstyle;
    bytea_output_format bytea_output;
    const tz_info *timezone;         /* NULL = UTC */
    int64_t now_us;                  /* transaction start, µs since 2000-01-01 UTC: 'now', 'today' */
    const reg_resolver *reg;         /* reg* names (addition; NULL = numbers) */
} type_settings;

void type_settings_default(type_settings *s);

/* Time zones by IANA name ("UTC", "Europe/Paris") or POSIX offset spec; cached for the life
 * of the process (tz_info objects are immutable and shared).  NULL if unknown. */
const tz_info *tz_lookup(const char *name);
const char *tz_name(const tz_info *tz);
/* Offset east of UTC in seconds at the UTC instant `utc_us` (µs since 2000-01-01), and the
 * abbreviation in effect ("CET"), for timestamptz output. */
int tz_offset_at_utc(const tz_info *tz, int64_t utc_us, const char **abbrev);
/* Offset for a local wall-clock time (µs since 2000-01-01, local), for timestamptz input. */
int tz_offset_for_local(const tz_info *tz, int64_t local_us);

/* ---------------------------------------------------------------- codecs */

/*
 * Text output: append the PostgreSQL text form of `v` (storage form of type `oid`) to `out`.
 * NULL must be handled by the caller (it has no text form).
 */
bool types_text_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v,
                    strbuf *out, pg_error *err) MUST_CHECK;

/*
 * Text input: parse `text` (len bytes, not necessarily terminated) as type `oid` with
 * `typmod` applied (varchar length check 22001, numeric rounding, bpchar padding...).  The
 * result's TEXT/BLOB bytes are written to `scratch` (the caller keeps it alive while using
 * the value; several values may share one scratch: pointers are fixed up by the caller by
 * taking them only after all appends, or by using one scratch per value).
 */
bool types_text_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *text,
                   size_t len, sql_value *out, strbuf *scratch, pg_error *err) MUST_CHECK;

/* Binary send: the bytes of PostgreSQL's typsend for `v` (without the length word). */
bool types_binary_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v,
                      strbuf *out, pg_error *err) MUST_CHECK;

/* Binary receive: PostgreSQL's typreceive; every byte is bounds-checked; leftover bytes are
 * 22P03 "incorrect binary data format". */
bool types_binary_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *bytes,
                     size_t len, sql_value *out, strbuf *scratch, pg_error *err) MUST_CHECK;

/* True when binary send/receive exist for the type (others fall back to text, as a driver
 * asking for binary of an unsupported type gets 42883 from PostgreSQL). */
bool types_has_binary(pg_oid oid);

/* ---------------------------------------------------------------- helpers the engine uses */

/* Date/time arithmetic helpers in storage units. */
#define PG_USECS_PER_DAY INT64_C(86400000000)
#define PG_EPOCH_JDATE 2451545          /* Julian day of 2000-01-01 */
#define PG_UNIX_EPOCH_OFFSET_US INT64_C(946684800000000)   /* 2000-01-01 - 1970-01-01 in µs */

/* Compare two numeric storage texts by value (-1, 0, 1); NaN above all numbers. */
int types_numeric_text_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Julian-day conversions (proleptic Gregorian, as PostgreSQL's date2j/j2date). */
int types_date2j(int year, int month, int day);
void types_j2date(int jd, int *year, int *month, int *day);


/* ================================================================ additions (types layer) */

/* By exact typname only ("char" is the one-byte type, "bpchar" is character): for names that
 * come out of a parse tree or the catalog.  types_by_name also accepts SQL spellings, where
 * `char` means character(1) and the one-byte type is '"char"'. */
const pg_type_info *types_by_typname(const char *typname);

/* Decoding typmods.  numeric: precision and (PostgreSQL 15: possibly negative) scale.
 * interval: PostgreSQL encodes (range mask << 16) | precision (0xFFFF = none, range 0x7FFF =
 * full); values 0..6 are also taken as a bare precision (the short form above). */
int32_t types_numeric_typmod_precision(int32_t typmod);
int32_t types_numeric_typmod_scale(int32_t typmod);
int32_t types_interval_typmod_precision(int32_t typmod);   /* -1 = none */
int32_t types_interval_typmod_range(int32_t typmod);       /* 0x7FFF = full range */

/* ---------------------------------------------------------------- numeric arithmetic
 *
 * On the numeric storage form (canonical text, as PostgreSQL prints it; any numeric_in input
 * is accepted).  Results are appended to `out` in that form, with PostgreSQL's result scales:
 * + - keep the larger scale, * adds scales, / uses select_div_scale (at least 16 significant
 * digits), sqrt/exp/ln/log/power pick at least 16 significant digits.  NaN and ±Infinity
 * follow PostgreSQL 15.  Errors: 22012 division by zero, 2201E/2201F domain errors of ln,
 * log, sqrt and power, 22003 overflow, 22P02 when an argument is not a numeric.
 */
bool types_numeric_add(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_sub(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_mul(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_div(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
/* div(a, b): the quotient truncated to an integer. */
bool types_numeric_div_trunc(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_mod(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_power(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err) MUST_CHECK;
/* log(base, x) */
bool types_numeric_log(const char *base, size_t blen, const char *x, size_t xlen, strbuf *out, pg_error *err) MUST_CHECK;
/* -1, 0, 1 in PostgreSQL's order (NaN above +Infinity, NaN = NaN). */
bool types_numeric_cmp(const char *a, size_t alen, const char *b, size_t blen, int *result, pg_error *err) MUST_CHECK;

typedef enum {
    NUMERIC_ABS, NUMERIC_NEG, NUMERIC_CEIL, NUMERIC_FLOOR, NUMERIC_SIGN, NUMERIC_SQRT,
    NUMERIC_EXP, NUMERIC_LN, NUMERIC_LOG10,
} numeric_unary_op;
bool types_numeric_unary(numeric_unary_op op, const char *a, size_t alen, strbuf *out, pg_error *err) MUST_CHECK;
/* round(x, scale) / trunc(x, scale); scale may be negative (result scale max(scale, 0)). */
bool types_numeric_round(const char *a, size_t alen, int scale, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_trunc(const char *a, size_t alen, int scale, strbuf *out, pg_error *err) MUST_CHECK;
/* numeric(p,s) rounding and its 22003 check, on text. */
bool types_numeric_apply_typmod(const char *a, size_t alen, int32_t typmod, strbuf *out, pg_error *err) MUST_CHECK;

void types_numeric_from_int64(int64_t v, strbuf *out);
/* float8::numeric: 15 significant digits as PostgreSQL; NaN/±Infinity map to the specials. */
void types_numeric_from_double(double v, strbuf *out);
bool types_numeric_to_double(const char *a, size_t alen, double *out, pg_error *err) MUST_CHECK;
/* Rounded half away from zero; 22003 "bigint out of range", 0A000 for NaN/Infinity. */
bool types_numeric_to_int64(const char *a, size_t alen, int64_t *out, pg_error *err) MUST_CHECK;

/* sum()/avg() over numeric (or integer) inputs without re-parsing the running total. */
struct num;
typedef struct numeric_accum {
    int64_t count;         /* non-NULL inputs */
    int64_t nan_count, pinf_count, ninf_count;
    struct num *sum;       /* heap, NULL until the first finite input */
} numeric_accum;
void types_numeric_accum_init(numeric_accum *acc);
void types_numeric_accum_free(numeric_accum *acc);
bool types_numeric_accum_text(numeric_accum *acc, const char *a, size_t alen, pg_error *err) MUST_CHECK;
bool types_numeric_accum_int64(numeric_accum *acc, int64_t v, pg_error *err) MUST_CHECK;
/* Results; false with err unset when there were no inputs (SQL NULL). */
bool types_numeric_accum_sum(const numeric_accum *acc, strbuf *out, pg_error *err) MUST_CHECK;
bool types_numeric_accum_avg(const numeric_accum *acc, strbuf *out, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- settings (SET / SHOW)
 *
 * PostgreSQL's parsing of the settings above, for the SQL layer to keep a type_settings in
 * step with its GUCs.  Failures are 22023 "invalid value for parameter ..." with PostgreSQL's
 * DETAIL/HINT; `param` is the parameter name as the client wrote it.  DateStyle's fmt/order
 * are in/out: an order alone keeps the current style.  SHOW DateStyle prints "ISO, MDY".
 */
bool types_datestyle_parse(const char *value, datestyle_format *fmt, datestyle_order *order, pg_error *err) MUST_CHECK;
void types_datestyle_format(datestyle_format fmt, datestyle_order order, strbuf *out);
bool types_intervalstyle_parse(const char *param, const char *value, interval_style *style, pg_error *err) MUST_CHECK;
const char *types_intervalstyle_name(interval_style style);
bool types_bytea_output_parse(const char *param, const char *value, bytea_output_format *fmt, pg_error *err) MUST_CHECK;
const char *types_bytea_output_name(bytea_output_format fmt);
bool types_extra_float_digits_parse(const char *param, const char *value, int *digits, pg_error *err) MUST_CHECK;

/* json_in's validation (22P02 with PostgreSQL's DETAIL/CONTEXT), and jsonb_in + jsonb_out:
 * the normalised jsonb text appended to `out`. */
bool types_json_validate(const char *text, size_t len, pg_error *err) MUST_CHECK;
bool types_jsonb_normalize(const char *text, size_t len, strbuf *out, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- date/time decomposition
 *
 * For the SQL functions (extract, date_trunc, to_char, arithmetic): values in storage units
 * to calendar fields and back.  Years are astronomical (0 = 1 BC, -1 = 2 BC), months and days
 * 1-based, wday 0 = Sunday, yday 1-based.
 */
#define PG_DATE_NOBEGIN INT32_MIN
#define PG_DATE_NOEND INT32_MAX
#define PG_TIMESTAMP_NOBEGIN INT64_MIN
#define PG_TIMESTAMP_NOEND INT64_MAX

typedef struct pg_datetime {
    int year, month, day;
    int hour, minute, second;
    int32_t usec;
    int wday, yday;
    int utc_offset;           /* seconds east of UTC: timestamptz in its zone, timetz */
    const char *tz_abbrev;    /* "CET" for timestamptz fields, else NULL */
} pg_datetime;

/* An interval as PostgreSQL keeps it (its storage form is "<months> <days> <usecs>"). */
typedef struct pg_interval {
    int64_t usecs;
    int32_t days;
    int32_t months;
} pg_interval;

/* False for ±infinity (fields untouched). */
bool types_timestamp_to_fields(int64_t ts, pg_datetime *f);
/* In `tz` (NULL = UTC): local fields, utc_offset and tz_abbrev set. */
bool types_timestamptz_to_fields(int64_t ts, const tz_info *tz, pg_datetime *f);
/* From fields (hour 24 and second 60 roll over); false when out of timestamp range. */
bool types_fields_to_timestamp(const pg_datetime *f, int64_t *ts) MUST_CHECK;
/* Local fields in `tz` to a UTC instant, resolving gaps and overlaps as PostgreSQL. */
bool types_fields_to_timestamptz(const pg_datetime *f, const tz_info *tz, int64_t *ts) MUST_CHECK;
/* date (days since 2000-01-01) to and from fields; false for ±infinity / out of range. */
bool types_date_to_fields(int32_t date, pg_datetime *f);
bool types_fields_to_date(const pg_datetime *f, int32_t *date) MUST_CHECK;
void types_time_to_fields(int64_t time_us, pg_datetime *f);
/* Day of week of a Julian day, 0 = Sunday. */
int types_j2day(int jd);
/* The interval storage form; false if `p` is not three integers. */
bool types_interval_from_storage(const char *p, size_t n, pg_interval *iv) MUST_CHECK;
void types_interval_to_storage(const pg_interval *iv, strbuf *out);
/* timetz storage text to (µs since midnight, offset seconds east); false if malformed. */
bool types_timetz_from_storage(const char *p, size_t n, int64_t *time_us, int32_t *utc_offset) MUST_CHECK;
void types_timetz_to_storage(int64_t time_us, int32_t utc_offset, strbuf *out);
/* Interval text in any accepted syntax (typmod applied) / out in the session's IntervalStyle. */
bool types_interval_parse(const type_settings *s, const char *text, size_t len, int32_t typmod,
                          pg_interval *iv, pg_error *err) MUST_CHECK;
void types_interval_format(const type_settings *s, const pg_interval *iv, strbuf *out);

#endif
