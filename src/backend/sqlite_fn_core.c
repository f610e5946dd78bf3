/*
 * sqlite_fn_core.c — registration and the core pgw_* functions: checked integer and float
 * arithmetic (PostgreSQL raises where SQLite returns NULL or wraps), casts through the
 * types layer's codecs, session functions (now(), current_user, version(), settings),
 * pg_sleep that a cancel or statement_timeout interrupts, sequences.
 *
 * Functions read the session that holds the connection through engine_context; they never
 * keep state of their own between calls except the sequence statements of the connection.
 */
#include "backend/sqlite_fn_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

engine_context *sqlite_fn_context(sqlite3_context *ctx)
{
    engine_conn *c = sqlite3_user_data(ctx);
    return c->ctx;
}

void sqlite_fn_error(sqlite3_context *ctx, const char *sqlstate, const char *fmt, ...)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "%s:", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    sqlite3_result_error(ctx, msg, -1);
}

void sqlite_fn_pg_error(sqlite3_context *ctx, pg_error *err)
{
    sqlite_fn_error(ctx, err->sqlstate[0] ? err->sqlstate : "XX000", "%s", err->message ? err->message : "error");
    pg_error_clear(err);
}

void sqlite_fn_value(sqlite3_value *v, sql_value *out)
{
    memset(out, 0, sizeof *out);
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        out->kind = VALUE_INT;
        out->i = sqlite3_value_int64(v);
        break;
    case SQLITE_FLOAT:
        out->kind = VALUE_FLOAT;
        out->f = sqlite3_value_double(v);
        break;
    case SQLITE_TEXT:
        /* a float NaN is the text 'NaN' (sqlite_internal.h); the codecs read it as NaN
         * for float types, and it is the text a numeric or text value would have */
        out->kind = VALUE_TEXT;
        out->ptr = (const char *)sqlite3_value_text(v);
        out->len = (size_t)sqlite3_value_bytes(v);
        break;
    case SQLITE_BLOB:
        out->kind = VALUE_BLOB;
        out->ptr = sqlite3_value_blob(v);
        out->len = (size_t)sqlite3_value_bytes(v);
        break;
    default:
        out->kind = VALUE_NULL;
        break;
    }
}

void sqlite_fn_result(sqlite3_context *ctx, const sql_value *v)
{
    switch (v->kind) {
    case VALUE_INT: sqlite3_result_int64(ctx, v->i); break;
    case VALUE_FLOAT: sqlite_fn_result_float(ctx, v->f); break;
    case VALUE_TEXT: sqlite3_result_text64(ctx, v->ptr, v->len, SQLITE_TRANSIENT, SQLITE_UTF8); break;
    case VALUE_BLOB: sqlite3_result_blob64(ctx, v->ptr, v->len, SQLITE_TRANSIENT); break;
    default: sqlite3_result_null(ctx); break;
    }
}

static bool is_nan_text(sqlite3_value *v)
{
    /* the type first: sqlite3_value_text would convert a REAL in place */
    return sqlite3_value_type(v) == SQLITE_TEXT && sqlite3_value_bytes(v) == 3 &&
           memcmp(sqlite3_value_text(v), SQLITE_FLOAT_NAN_TEXT, 3) == 0;
}

double sqlite_fn_float_arg(sqlite3_value *v)
{
    return is_nan_text(v) ? (double)NAN : sqlite3_value_double(v);
}

void sqlite_fn_result_float(sqlite3_context *ctx, double d)
{
    if (isnan(d))
        sqlite3_result_text(ctx, SQLITE_FLOAT_NAN_TEXT, 3, SQLITE_STATIC);
    else
        sqlite3_result_double(ctx, d);
}

#define NULL_IN_NULL_OUT(argc, argv)                                    \
    do {                                                                \
        for (int i_ = 0; i_ < (argc); i_++)                             \
            if (sqlite3_value_type((argv)[i_]) == SQLITE_NULL) {        \
                sqlite3_result_null(ctx);                               \
                return;                                                 \
            }                                                           \
    } while (0)

/* ---------------------------------------------------------------- arithmetic */

static void fn_int_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (b == 0) {
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    if (b == -1 && a == INT64_MIN) {
        sqlite_fn_error(ctx, "22003", "bigint out of range");
        return;
    }
    sqlite3_result_int64(ctx, a / b);
}

static void fn_int_mod(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (b == 0) {
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    sqlite3_result_int64(ctx, b == -1 ? 0 : a % b);
}

static void fn_float_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    double a = sqlite_fn_float_arg(argv[0]), b = sqlite_fn_float_arg(argv[1]);
    if (b == 0.0 && !isnan(a)) {   /* NaN / 0 is NaN in PostgreSQL */
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    sqlite_fn_result_float(ctx, a / b);
}

static void fn_int_range(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int64_t v = sqlite3_value_int64(argv[0]);
    int bits = sqlite3_value_int(argv[1]);
    int64_t lo = bits == 16 ? INT16_MIN : INT32_MIN, hi = bits == 16 ? INT16_MAX : INT32_MAX;
    if (v < lo || v > hi) {
        sqlite_fn_error(ctx, "22003", "%s out of range", bits == 16 ? "smallint" : "integer");
        return;
    }
    sqlite3_result_int64(ctx, v);
}

static void fn_float_math(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    const char *op = sqlite3_user_data(ctx) ? "" : "";
    (void)op;
    sqlite3_result_null(ctx);
}

typedef double (*math1)(double);
static void math_call(sqlite3_context *ctx, sqlite3_value **argv, math1 f, const char *name, bool positive)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    double x = sqlite_fn_float_arg(argv[0]);
    if (positive && x < 0) {
        sqlite_fn_error(ctx, "2201F", "cannot take square root of a negative number");
        return;
    }
    if (positive && x <= 0 && strcmp(name, "ln") == 0) {
        sqlite_fn_error(ctx, x == 0 ? "2201E" : "2201E", x == 0 ? "cannot take logarithm of zero" : "cannot take logarithm of a negative number");
        return;
    }
    sqlite_fn_result_float(ctx, f(x));
}

#define MATH1(cname, fn, positive)                                                       \
    static void fn_##cname(sqlite3_context *ctx, int argc, sqlite3_value **argv)         \
    {                                                                                    \
        (void)argc;                                                                      \
        math_call(ctx, argv, fn, #cname, positive);                                      \
    }
MATH1(sqrt, sqrt, true)
MATH1(ln, log, true)
MATH1(log10, log10, true)
MATH1(exp, exp, false)
MATH1(sin, sin, false)
MATH1(cos, cos, false)
MATH1(tan, tan, false)
MATH1(atan, atan, false)
MATH1(cbrt, cbrt, false)
MATH1(float_floor, floor, false)
MATH1(float_ceil, ceil, false)
MATH1(float_trunc, trunc, false)
MATH1(float_round, rint, false)

/* Unary minus and abs of a float: SQLite's read the text 'NaN' as 0. */
static void fn_float_neg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_fn_result_float(ctx, -sqlite_fn_float_arg(argv[0]));
}

static void fn_float_abs(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_fn_result_float(ctx, fabs(sqlite_fn_float_arg(argv[0])));
}

static void fn_float_sign(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    double x = sqlite_fn_float_arg(argv[0]);
    sqlite3_result_double(ctx, x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0);   /* NaN: 0, as PostgreSQL */
}

static void fn_float_pow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    double a = sqlite_fn_float_arg(argv[0]), b = sqlite_fn_float_arg(argv[1]);
    if (isnan(a) || isnan(b)) {
        /* PostgreSQL's dpow: NaN ^ 0 = 1 ^ NaN = 1, else NaN (and no domain errors) */
        sqlite_fn_result_float(ctx, (isnan(a) && b == 0) || (isnan(b) && a == 1) ? 1.0 : (double)NAN);
        return;
    }
    if (a == 0 && b < 0) {
        sqlite_fn_error(ctx, "2201F", "zero raised to a negative power is undefined");
        return;
    }
    if (a < 0 && floor(b) != b) {
        sqlite_fn_error(ctx, "2201F", "a negative number raised to a non-integer power yields a complex result");
        return;
    }
    sqlite_fn_result_float(ctx, pow(a, b));
}

static void fn_atan2(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_fn_result_float(ctx, atan2(sqlite_fn_float_arg(argv[0]), sqlite_fn_float_arg(argv[1])));
}

static void fn_float_nan(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    /* SQLite would store a NaN double as NULL: NaN is the text 'NaN' (sqlite_internal.h) */
    sqlite_fn_result_float(ctx, NAN);
}

static void fn_random(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    uint64_t r;
    sqlite3_randomness(sizeof r, &r);
    sqlite3_result_double(ctx, (double)(r >> 11) * (1.0 / 9007199254740992.0));
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

static void fn_gcd(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite3_result_int64(ctx, gcd64(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1])));
}

static void fn_lcm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (!a || !b) {
        sqlite3_result_int64(ctx, 0);
        return;
    }
    int64_t r = a / gcd64(a, b) * b;
    sqlite3_result_int64(ctx, r < 0 ? -r : r);
}

static void fn_int4_shl(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    uint32_t a = (uint32_t)sqlite3_value_int64(argv[0]);
    int b = sqlite3_value_int(argv[1]) & 31;
    sqlite3_result_int64(ctx, (int32_t)(a << b));
}

/* ---------------------------------------------------------------- casts */

/* pgw_cast(value, from_oid, to_oid, typmod, explicit): output with the source type, input
 * with the target type — PostgreSQL's I/O conversion, with its error messages. */
static bool is_int_oid(pg_oid t) { return t == PG_OID_INT2 || t == PG_OID_INT4 || t == PG_OID_INT8; }

/* numeric[] / float[] → integer arrays: each element rounded as the scalar casts do (half
 * away from zero for numeric, to even for float), with the target's range.  The text
 * round trip of other array casts would refuse "1.5". */
static bool cast_array_to_int(sqlite3_context *ctx, sqlite3_value *v, pg_oid from_elem, pg_oid to_elem)
{
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *arr;
    strbuf out, tmp;
    strbuf_init(&out);
    strbuf_init(&tmp);
    bool ok = fnu_array_parse(&a, v, &arr, &err);
    int64_t lo = to_elem == PG_OID_INT2 ? INT16_MIN : to_elem == PG_OID_INT4 ? INT32_MIN : INT64_MIN;
    int64_t hi = to_elem == PG_OID_INT2 ? INT16_MAX : to_elem == PG_OID_INT4 ? INT32_MAX : INT64_MAX;
    const char *range = to_elem == PG_OID_INT2 ? "smallint out of range" : to_elem == PG_OID_INT4 ? "integer out of range"
                                                                                                 : "bigint out of range";
    if (ok)
        strbuf_putc(&out, '[');
    for (int i = 0; ok && i < arr->n; i++) {
        const jv *e = arr->items[i];
        if (i)
            strbuf_puts(&out, ", ");
        if (e->kind == JV_NULL) {
            strbuf_puts(&out, "null");
            continue;
        }
        int64_t r = 0;
        if (from_elem == PG_OID_NUMERIC) {
            strbuf_reset(&tmp);
            ok = types_numeric_round(e->s, e->len, 0, &tmp, &err) && types_numeric_to_int64(tmp.data, tmp.len, &r, &err);
            if (!ok && strcmp(err.sqlstate, "22003") == 0) {
                pg_error_clear(&err);
                pg_error_set(&err, "22003", "%s", range);
            }
        } else {
            char buf[64];
            snprintf(buf, sizeof buf, "%.*s", (int)(e->len < 63 ? e->len : 63), e->s);
            double d = e->kind == JV_STRING ? (strncmp(buf, "-I", 2) == 0 ? -INFINITY : strncmp(buf, "N", 1) == 0 ? NAN : INFINITY)
                                            : strtod(buf, NULL);
            d = rint(d);
            if (isnan(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
                pg_error_set(&err, "22003", "%s", range);
                ok = false;
            } else
                r = (int64_t)d;
        }
        if (ok && (r < lo || r > hi)) {
            pg_error_set(&err, "22003", "%s", range);
            ok = false;
        }
        if (ok)
            strbuf_printf(&out, "%lld", (long long)r);
    }
    if (ok) {
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
    } else {
        sqlite_fn_pg_error(ctx, &err);
        strbuf_free(&out);
    }
    strbuf_free(&tmp);
    arena_free(&a);
    return ok;
}

static void fn_cast(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    engine_context *ec = sqlite_fn_context(ctx);
    pg_oid from = (pg_oid)sqlite3_value_int64(argv[1]), to = (pg_oid)sqlite3_value_int64(argv[2]);
    {
        const pg_type_info *fi = types_by_oid(from), *ti = types_by_oid(to);
        if (fi && ti && fi->typelem && ti->typelem && types_is_array(fi) && types_is_array(ti) && is_int_oid(ti->typelem) &&
            (fi->typelem == PG_OID_NUMERIC || fi->typelem == PG_OID_FLOAT4 || fi->typelem == PG_OID_FLOAT8)) {
            cast_array_to_int(ctx, argv[0], fi->typelem, ti->typelem);
            return;
        }
    }
    int32_t typmod = (int32_t)sqlite3_value_int64(argv[3]);
    sql_value in;
    sqlite_fn_value(argv[0], &in);
    type_settings defaults;
    type_settings_default(&defaults);
    const type_settings *ts = ec && ec->settings ? ec->settings : &defaults;
    pg_error err = {0};
    strbuf text, scratch;
    strbuf_init(&text);
    strbuf_init(&scratch);
    const char *src;
    size_t len;
    if (from == PG_OID_TEXT || from == PG_OID_VARCHAR || from == PG_OID_UNKNOWN || from == PG_OID_NAME ||
        (from == PG_OID_BPCHAR && to != PG_OID_BPCHAR)) {
        src = in.kind == VALUE_TEXT ? in.ptr : (const char *)sqlite3_value_text(argv[0]);
        len = in.kind == VALUE_TEXT ? in.len : (size_t)sqlite3_value_bytes(argv[0]);
        if (from == PG_OID_BPCHAR)
            while (len && src[len - 1] == ' ')
                len--;
    } else {
        if (!types_text_out(ts, from, -1, &in, &text, &err)) {
            sqlite_fn_pg_error(ctx, &err);
            strbuf_free(&text);
            return;
        }
        src = text.data ? text.data : "";
        len = text.len;
    }
    sql_value out;
    if (!types_text_in(ts, to, typmod, src, len, &out, &scratch, &err)) {
        sqlite_fn_pg_error(ctx, &err);
    } else {
        sqlite_fn_result(ctx, &out);
    }
    strbuf_free(&text);
    strbuf_free(&scratch);
}

/* pgw_varchar(text, maxlen, explicit): PostgreSQL's varchar length rule — an explicit cast
 * truncates, an assignment fails unless only spaces are cut. */
static void fn_varchar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int bytes = sqlite3_value_bytes(argv[0]);
    int maxlen = sqlite3_value_int(argv[1]);
    bool explicit_cast = sqlite3_value_int(argv[2]) != 0;
    bool pad = sqlite3_user_data(ctx) != NULL && 0;
    (void)pad;
    /* Walk characters. */
    int chars = 0, cut = -1;
    for (int i = 0; i < bytes; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            if (chars == maxlen && cut < 0)
                cut = i;
            chars++;
        }
    }
    if (cut < 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    if (!explicit_cast) {
        for (int i = cut; i < bytes; i++)
            if (s[i] != ' ') {
                sqlite_fn_error(ctx, "22001", "value too long for type character varying(%d)", maxlen);
                return;
            }
    }
    sqlite3_result_text(ctx, (const char *)s, cut, SQLITE_TRANSIENT);
}

/* pgw_bpchar(text, len, explicit): pad with spaces to len; too long as varchar. */
static void fn_bpchar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int bytes = sqlite3_value_bytes(argv[0]);
    int len = sqlite3_value_int(argv[1]);
    bool explicit_cast = sqlite3_value_int(argv[2]) != 0;
    if (len < 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    int chars = 0, cut = -1;
    for (int i = 0; i < bytes; i++)
        if ((s[i] & 0xC0) != 0x80) {
            if (chars == len && cut < 0)
                cut = i;
            chars++;
        }
    if (cut >= 0) {
        if (!explicit_cast)
            for (int i = cut; i < bytes; i++)
                if (s[i] != ' ') {
                    sqlite_fn_error(ctx, "22001", "value too long for type character(%d)", len);
                    return;
                }
        sqlite3_result_text(ctx, (const char *)s, cut, SQLITE_TRANSIENT);
        return;
    }
    int pad = len - chars;
    char *buf = sqlite3_malloc(bytes + pad + 1);
    if (!buf) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    memcpy(buf, s, (size_t)bytes);
    memset(buf + bytes, ' ', (size_t)pad);
    sqlite3_result_text(ctx, buf, bytes + pad, sqlite3_free);
}

/* pgw_name(text): name is truncated to 63 bytes (at a character boundary). */
static void fn_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (n > 63) {
        n = 63;
        while (n > 0 && (s[n] & 0xC0) == 0x80)
            n--;
    }
    sqlite3_result_text(ctx, (const char *)s, n, SQLITE_TRANSIENT);
}

/* ---------------------------------------------------------------- session */

static void fn_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_context *ec = sqlite_fn_context(ctx);
    int64_t t = ec->transaction_start_us;
    if (!t)
        t = clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
    sqlite3_result_int64(ctx, t);
}

static void fn_statement_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_context *ec = sqlite_fn_context(ctx);
    int64_t t = ec->statement_start_us;
    if (!t)
        t = clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
    sqlite3_result_int64(ctx, t);
}

static void fn_clock_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_int64(ctx, clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US);
}

static void fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx,
                        "PostgreSQL 15.0 (iris-pgwire " PGWIRE_VERSION ") on x86_64-pc-linux-gnu, compiled by gcc, 64-bit",
                        -1, SQLITE_STATIC);
}

static void fn_current_user(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_context *ec = sqlite_fn_context(ctx);
    sqlite3_result_text(ctx, ec->user ? ec->user : "postgres", -1, SQLITE_TRANSIENT);
}

static void fn_current_database(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_conn *c = sqlite3_user_data(ctx);
    sqlite3_result_text(ctx, engine_db_name(engine_conn_db(c)), -1, SQLITE_TRANSIENT);
}

static void fn_backend_pid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_int(ctx, sqlite_fn_context(ctx)->backend_pid);
}

/* pg_sleep: sleeps in short steps so that a cancel, statement_timeout or shutdown stops it
 * within a few milliseconds, as PostgreSQL's does through its latch. */
static void fn_pg_sleep(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    engine_context *ec = sqlite_fn_context(ctx);
    double secs = sqlite3_value_double(argv[0]);
    int64_t end = clock_monotonic_us() + (int64_t)(secs * 1e6);
    for (;;) {
        int64_t now = clock_monotonic_us();
        int why = atomic_load(&ec->interrupt);
        if (ec->deadline_us && now >= ec->deadline_us && why == INTERRUPT_NONE) {
            int none = INTERRUPT_NONE;
            atomic_compare_exchange_strong(&ec->interrupt, &none, INTERRUPT_STATEMENT_TIMEOUT);
            why = atomic_load(&ec->interrupt);
        }
        if (why != INTERRUPT_NONE) {
            sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
            return;
        }
        if (now >= end)
            break;
        int64_t step = end - now;
        if (step > 2000)
            step = 2000;
        struct timespec ts = {0, (long)step * 1000};
        nanosleep(&ts, NULL);
    }
    sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);   /* void: empty text, not NULL */
}

static void fn_gen_random_uuid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    unsigned char b[16];
    sqlite3_randomness(sizeof b, b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    char out[37];
    static const char hex[] = "0123456789abcdef";
    int k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[b[i] >> 4];
        out[k++] = hex[b[i] & 15];
    }
    out[k] = 0;
    sqlite3_result_text(ctx, out, 36, SQLITE_TRANSIENT);
}

/* ---------------------------------------------------------------- numeric collation */

/* Compare two decimal texts by value (the numeric storage form): sign, then integer digit
 * count, then digits.  NaN sorts above everything, as in PostgreSQL. */
static int numeric_collate(void *arg, int la, const void *pa, int lb, const void *pb)
{
    (void)arg;
    return types_numeric_text_cmp(pa, (size_t)la, pb, (size_t)lb);
}

/* ---------------------------------------------------------------- registration */

typedef struct fn_def {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    bool deterministic;
} fn_def;

static const fn_def core_functions[] = {
    {"pgw_int_div", 2, fn_int_div, true},
    {"pgw_int_mod", 2, fn_int_mod, true},
    {"pgw_float_div", 2, fn_float_div, true},
    {"pgw_int_range", 2, fn_int_range, true},
    {"pgw_sqrt", 1, fn_sqrt, true},
    {"pgw_ln", 1, fn_ln, true},
    {"pgw_log10", 1, fn_log10, true},
    {"pgw_exp", 1, fn_exp, true},
    {"pgw_sin", 1, fn_sin, true},
    {"pgw_cos", 1, fn_cos, true},
    {"pgw_tan", 1, fn_tan, true},
    {"pgw_atan", 1, fn_atan, true},
    {"pgw_cbrt", 1, fn_cbrt, true},
    {"pgw_atan2", 2, fn_atan2, true},
    {"pgw_float_floor", 1, fn_float_floor, true},
    {"pgw_float_ceil", 1, fn_float_ceil, true},
    {"pgw_float_trunc", 1, fn_float_trunc, true},
    {"pgw_float_round", 1, fn_float_round, true},
    {"pgw_float_sign", 1, fn_float_sign, true},
    {"pgw_float_neg", 1, fn_float_neg, true},
    {"pgw_float_abs", 1, fn_float_abs, true},
    {"pgw_float_pow", 2, fn_float_pow, true},
    {"pgw_float_nan", 0, fn_float_nan, true},
    {"pgw_random", 0, fn_random, false},
    {"pgw_gcd", 2, fn_gcd, true},
    {"pgw_lcm", 2, fn_lcm, true},
    {"pgw_int4_shl", 2, fn_int4_shl, true},
    {"pgw_cast", 5, fn_cast, false},
    {"pgw_varchar", 3, fn_varchar, true},
    {"pgw_bpchar", 3, fn_bpchar, true},
    {"pgw_name", 1, fn_name, true},
    {"pgw_now", 0, fn_now, false},
    {"pgw_statement_timestamp", 0, fn_statement_timestamp, false},
    {"pgw_clock_timestamp", 0, fn_clock_timestamp, false},
    {"pgw_version", 0, fn_version, true},
    {"pgw_current_user", 0, fn_current_user, false},
    {"pgw_session_user", 0, fn_current_user, false},
    {"pgw_current_database", 0, fn_current_database, false},
    {"pgw_backend_pid", 0, fn_backend_pid, false},
    {"pgw_pg_sleep", 1, fn_pg_sleep, false},
    {"pgw_gen_random_uuid", 0, fn_gen_random_uuid, false},
};

int sqlite_register_core(sqlite3 *db, engine_conn *c)
{
    (void)fn_float_math;
    for (size_t i = 0; i < ARRAY_LEN(core_functions); i++) {
        const fn_def *f = &core_functions[i];
        int flags = SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0);
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, flags, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return sqlite3_create_collation_v2(db, "pgw_numeric", SQLITE_UTF8, NULL, numeric_collate, NULL);
}

const sqlite_function_group sqlite_function_groups[] = {
    sqlite_register_core, sqlite_register_text, sqlite_register_numeric, sqlite_register_datetime,
    sqlite_register_json, sqlite_register_array, sqlite_register_series, sqlite_register_catalog,
    sqlite_register_vector, sqlite_register_agg, sqlite_register_session, sqlite_register_sequence,
};
const size_t sqlite_function_groups_len = ARRAY_LEN(sqlite_function_groups);

bool sqlite_register_functions(engine_conn *c, pg_error *err)
{
    sqlite_conn *sc = c->native;
    for (size_t i = 0; i < sqlite_function_groups_len; i++) {
        int rc = sqlite_function_groups[i](sc->db, c);
        if (rc != SQLITE_OK) {
            pg_error_set(err, "XX000", "could not register engine functions: %s", sqlite3_errstr(rc));
            return false;
        }
    }
    return true;
}
