/*
 * odbc_values.c — values between ODBC's C types and PostgreSQL storage forms (types.h).
 *
 * Parameters (storage form of the parameter's PostgreSQL type → C type, SQL type):
 *   bool                      SQL_C_SBIGINT 0/1            SQL_BIT
 *   int2, int4, int8, oid     SQL_C_SBIGINT                SQL_SMALLINT / SQL_INTEGER / SQL_BIGINT
 *   float4, float8            SQL_C_DOUBLE                 SQL_REAL / SQL_DOUBLE
 *   date                      SQL_C_TYPE_DATE              SQL_TYPE_DATE
 *   timestamp, timestamptz    SQL_C_TYPE_TIMESTAMP (UTC)   SQL_TYPE_TIMESTAMP, 6 fractional digits
 *   numeric                   SQL_C_CHAR decimal text      SQL_NUMERIC (precision, scale of the text)
 *   bytea                     SQL_C_BINARY                 SQL_VARBINARY / SQL_LONGVARBINARY
 *   text, varchar, bpchar ... SQL_C_CHAR                   SQL_VARCHAR / SQL_LONGVARCHAR
 *   anything else             SQL_C_CHAR, PostgreSQL's text output (time, interval, uuid,
 *                             json, arrays, vector '[1,2,3]')  SQL_VARCHAR
 *
 * Results (ODBC SQL type → C type fetched → storage form of the expected PostgreSQL type;
 * without an expectation, the natural storage form of the ODBC type):
 *   SQL_BIT, *INT             SQL_C_SBIGINT   → INT (bool 0/1; float/numeric/text converted)
 *   SQL_REAL/FLOAT/DOUBLE     SQL_C_DOUBLE    → FLOAT
 *   SQL_TYPE_DATE             SQL_C_TYPE_DATE → INT days since 2000-01-01
 *   SQL_TYPE_TIMESTAMP        SQL_C_TYPE_TIMESTAMP → INT µs since 2000-01-01
 *   binary                    SQL_C_BINARY    → BLOB
 *   everything else           SQL_C_CHAR text → the expected type's text input (numeric
 *                             canonicalised with its typmod; bool from 1/0/t/f; IRIS vectors
 *                             "1,2,3" read as '[1,2,3]'), TEXT as is for text types.
 * Date/time values cross in UTC: the PostgreSQL behind psqlODBC runs with TimeZone=UTC.
 */
#include "backend/odbc_internal.h"

#include <stdlib.h>
#include <string.h>

int64_t odbc_days_from_date(int year, int month, int day)
{
    return (int64_t)types_date2j(year, month, day) - PG_EPOCH_JDATE;
}

void odbc_date_from_days(int64_t days, int *year, int *month, int *day)
{
    types_j2date((int)(days + PG_EPOCH_JDATE), year, month, day);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static bool is_text_type(pg_oid t)
{
    return t == PG_OID_TEXT || t == PG_OID_VARCHAR || t == PG_OID_BPCHAR || t == PG_OID_NAME || t == PG_OID_CHAR ||
           t == PG_OID_UNKNOWN || t == PG_OID_JSON || t == PG_OID_JSONB || t == PG_OID_XML;
}

static bool is_int_type(pg_oid t)
{
    return t == PG_OID_INT2 || t == PG_OID_INT4 || t == PG_OID_INT8 || t == PG_OID_OID || t == PG_OID_REGCLASS ||
           t == PG_OID_REGTYPE || t == PG_OID_REGPROC || t == PG_OID_REGNAMESPACE || t == PG_OID_REGROLE ||
           t == PG_OID_XID || t == PG_OID_CID;
}

static SQLSMALLINT sql_type_for(pg_oid t, size_t len)
{
    switch (t) {
    case PG_OID_BOOL: return SQL_BIT;
    case PG_OID_INT2: return SQL_SMALLINT;
    case PG_OID_INT4: return SQL_INTEGER;
    case PG_OID_INT8: return SQL_BIGINT;
    case PG_OID_FLOAT4: return SQL_REAL;
    case PG_OID_FLOAT8: return SQL_DOUBLE;
    case PG_OID_NUMERIC: return SQL_NUMERIC;
    case PG_OID_DATE: return SQL_TYPE_DATE;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: return SQL_TYPE_TIMESTAMP;
    case PG_OID_BYTEA: return len > 8000 ? SQL_LONGVARBINARY : SQL_VARBINARY;
    default:
        if (is_int_type(t))
            return SQL_BIGINT;
        return len > 4000 ? SQL_LONGVARCHAR : SQL_VARCHAR;
    }
}

static void put_text(odbc_param *p, const char *text, size_t len, pg_oid type)
{
    strbuf_reset(&p->bytes);
    strbuf_append(&p->bytes, text, len);
    p->c_type = SQL_C_CHAR;
    p->sql_type = sql_type_for(type, len);
    p->column_size = len ? len : 1;
    p->decimal_digits = 0;
    p->indicator = (SQLLEN)len;
}

void odbc_param_from_value(odbc_param *p, const sql_value *v, pg_oid type, odbc_driver driver)
{
    UNUSED(driver);
    p->decimal_digits = 0;
    p->column_size = 0;
    if (v->kind == VALUE_NULL) {
        strbuf_reset(&p->bytes);
        p->c_type = SQL_C_CHAR;
        p->sql_type = sql_type_for(type, 0);
        p->column_size = p->sql_type == SQL_TYPE_TIMESTAMP ? 26 : p->sql_type == SQL_TYPE_DATE ? 10 : 1;
        p->indicator = SQL_NULL_DATA;
        return;
    }
    if (type == PG_OID_DATE && v->kind == VALUE_INT && v->i > INT32_MIN && v->i < INT32_MAX) {
        int y, m, d;
        odbc_date_from_days(v->i, &y, &m, &d);
        p->fixed.date.year = (SQLSMALLINT)y;
        p->fixed.date.month = (SQLUSMALLINT)m;
        p->fixed.date.day = (SQLUSMALLINT)d;
        p->c_type = SQL_C_TYPE_DATE;
        p->sql_type = SQL_TYPE_DATE;
        p->column_size = 10;
        p->indicator = sizeof p->fixed.date;
        return;
    }
    if ((type == PG_OID_TIMESTAMP || type == PG_OID_TIMESTAMPTZ) && v->kind == VALUE_INT && v->i != INT64_MIN &&
        v->i != INT64_MAX) {
        int64_t days = floor_div(v->i, PG_USECS_PER_DAY);
        int64_t rest = v->i - days * PG_USECS_PER_DAY;
        int y, m, d;
        odbc_date_from_days(days, &y, &m, &d);
        SQL_TIMESTAMP_STRUCT *ts = &p->fixed.ts;
        ts->year = (SQLSMALLINT)y;
        ts->month = (SQLUSMALLINT)m;
        ts->day = (SQLUSMALLINT)d;
        ts->hour = (SQLUSMALLINT)(rest / INT64_C(3600000000));
        ts->minute = (SQLUSMALLINT)(rest / 60000000 % 60);
        ts->second = (SQLUSMALLINT)(rest / 1000000 % 60);
        ts->fraction = (SQLUINTEGER)(rest % 1000000 * 1000);
        p->c_type = SQL_C_TYPE_TIMESTAMP;
        p->sql_type = SQL_TYPE_TIMESTAMP;
        p->column_size = 26;
        p->decimal_digits = 6;
        p->indicator = sizeof *ts;
        return;
    }
    if (v->kind == VALUE_INT && (is_int_type(type) || type == PG_OID_BOOL || type == PG_OID_UNKNOWN)) {
        p->fixed.i = type == PG_OID_BOOL ? (v->i != 0) : v->i;
        p->c_type = SQL_C_SBIGINT;
        p->sql_type = sql_type_for(type, 0);
        p->indicator = sizeof p->fixed.i;
        return;
    }
    if (v->kind == VALUE_FLOAT && (type == PG_OID_FLOAT4 || type == PG_OID_FLOAT8 || type == PG_OID_UNKNOWN)) {
        p->fixed.f = v->f;
        p->c_type = SQL_C_DOUBLE;
        p->sql_type = type == PG_OID_FLOAT4 ? SQL_REAL : SQL_DOUBLE;
        p->indicator = sizeof p->fixed.f;
        return;
    }
    if (v->kind == VALUE_BLOB && type == PG_OID_BYTEA) {
        strbuf_reset(&p->bytes);
        strbuf_append(&p->bytes, v->ptr, v->len);
        p->c_type = SQL_C_BINARY;
        p->sql_type = sql_type_for(type, v->len);
        p->column_size = v->len ? v->len : 1;
        p->indicator = (SQLLEN)v->len;
        return;
    }
    if (v->kind == VALUE_TEXT && (is_text_type(type) || type == PG_OID_NUMERIC || type == PG_OID_UUID)) {
        put_text(p, v->ptr, v->len, type);
        if (type == PG_OID_NUMERIC) {
            const char *dot = memchr(v->ptr, '.', v->len);
            p->decimal_digits = dot ? (SQLSMALLINT)(v->len - (size_t)(dot - v->ptr) - 1) : 0;
            p->column_size = v->len;
        }
        return;
    }
    /* Everything else crosses as PostgreSQL's text form. */
    type_settings ts;
    type_settings_default(&ts);
    strbuf text;
    strbuf_init(&text);
    pg_error ignore = {0};
    if (types_text_out(&ts, type, -1, v, &text, &ignore) && !text.failed) {
        put_text(p, text.data, text.len, type);
    } else {
        pg_error_clear(&ignore);
        if (v->kind == VALUE_INT) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%lld", (long long)v->i);
            put_text(p, buf, (size_t)n, type);
        } else if (v->kind == VALUE_FLOAT) {
            char buf[40];
            int n = snprintf(buf, sizeof buf, "%.17g", v->f);
            put_text(p, buf, (size_t)n, type);
        } else {
            put_text(p, v->ptr ? v->ptr : "", v->len, type);
        }
    }
    strbuf_free(&text);
}

void odbc_choose_c_type(odbc_column *col)
{
    switch (col->sql_type) {
    case SQL_BIT:
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
        col->c_type = SQL_C_SBIGINT;
        col->buflen = sizeof(SQLBIGINT);
        return;
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
        col->c_type = SQL_C_DOUBLE;
        col->buflen = sizeof(double);
        return;
    case SQL_TYPE_DATE:
    case SQL_DATE:
        col->c_type = SQL_C_TYPE_DATE;
        col->buflen = sizeof(SQL_DATE_STRUCT);
        return;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
        col->c_type = SQL_C_TYPE_TIMESTAMP;
        col->buflen = sizeof(SQL_TIMESTAMP_STRUCT);
        return;
    case SQL_BINARY:
    case SQL_VARBINARY:
        col->c_type = SQL_C_BINARY;
        col->buflen = col->size > 0 && col->size <= 65536 ? col->size : 0;
        return;
    case SQL_LONGVARBINARY:
        col->c_type = SQL_C_BINARY;
        col->buflen = 0;   /* long: SQLGetData */
        return;
    case SQL_LONGVARCHAR:
    case SQL_WLONGVARCHAR:
        col->c_type = SQL_C_CHAR;
        col->buflen = 0;
        return;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
        col->c_type = SQL_C_CHAR;
        col->buflen = (col->size > 0 && col->size < 1000 ? col->size : 1000) + 4;
        return;
    default:
        col->c_type = SQL_C_CHAR;
        /* UTF-8: up to 4 bytes a character, and the terminator. */
        col->buflen = col->size > 0 && col->size <= 16384 ? col->size * 4 + 1 : 0;
        if (col->sql_type == SQL_TYPE_TIME || col->sql_type == SQL_TIME)
            col->buflen = 64;
        return;
    }
}

static bool parse_bool_text(const char *s, size_t n, int64_t *out)
{
    char buf[8];
    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    buf[n] = 0;
    if (!strcmp(buf, "1") || !strcmp(buf, "t") || !strcmp(buf, "true") || !strcmp(buf, "y") || !strcmp(buf, "yes") ||
        !strcmp(buf, "on")) {
        *out = 1;
        return true;
    }
    if (!strcmp(buf, "0") || !strcmp(buf, "f") || !strcmp(buf, "false") || !strcmp(buf, "n") || !strcmp(buf, "no") ||
        !strcmp(buf, "off")) {
        *out = 0;
        return true;
    }
    return false;
}

/* Text from the engine into the storage form of the expected type. */
static void text_value(odbc_column *col, const char *text, size_t len, sql_value *out)
{
    pg_oid t = col->expect;
    *out = value_text(text, len);
    if (!t || is_text_type(t))
        return;
    if (t == PG_OID_BOOL) {
        int64_t b;
        if (parse_bool_text(text, len, &b))
            *out = value_int(b);
        return;
    }
    strbuf in;
    strbuf_init(&in);
    if (t == PG_OID_VECTOR && len && text[0] != '[') {
        /* IRIS writes vectors as "1,2,3". */
        strbuf_putc(&in, '[');
        strbuf_append(&in, text, len);
        strbuf_putc(&in, ']');
    } else {
        strbuf_append(&in, text, len);
    }
    type_settings ts;
    type_settings_default(&ts);
    strbuf_reset(&col->scratch);
    sql_value v;
    pg_error ignore = {0};
    if (!in.failed && types_text_in(&ts, t, col->expect_typmod, in.data, in.len, &v, &col->scratch, &ignore)) {
        *out = v;
    } else {
        pg_error_clear(&ignore);
        /* Numbers that did not parse as the expected type stay numbers where possible. */
        if (is_int_type(t)) {
            int64_t i;
            char *copy = xstrndup(text, len);
            if (copy && parse_int64(copy, &i))
                *out = value_int(i);
            free(copy);
        }
    }
    strbuf_free(&in);
}

void odbc_cell_value(odbc_column *col, const char *data, SQLLEN ind, sql_value *out)
{
    memset(out, 0, sizeof *out);
    if (ind == SQL_NULL_DATA) {
        out->kind = VALUE_NULL;
        return;
    }
    pg_oid t = col->expect;
    switch (col->c_type) {
    case SQL_C_SBIGINT: {
        SQLBIGINT i;
        memcpy(&i, data, sizeof i);
        if (t == PG_OID_FLOAT4 || t == PG_OID_FLOAT8)
            *out = value_float((double)i);
        else if (t == PG_OID_BOOL)
            *out = value_int(i != 0);
        else if (t == PG_OID_NUMERIC || (t && is_text_type(t))) {
            strbuf_reset(&col->scratch);
            strbuf_printf(&col->scratch, "%lld", (long long)i);
            *out = value_text(col->scratch.data, col->scratch.len);
        } else
            *out = value_int(i);
        return;
    }
    case SQL_C_DOUBLE: {
        double f;
        memcpy(&f, data, sizeof f);
        if (is_int_type(t))
            *out = value_int((int64_t)f);
        else if (t == PG_OID_NUMERIC || (t && is_text_type(t))) {
            char buf[40];
            int n = snprintf(buf, sizeof buf, "%.17g", f);
            text_value(col, buf, (size_t)n, out);
            if (out->ptr == buf) {
                strbuf_reset(&col->scratch);
                strbuf_append(&col->scratch, buf, (size_t)n);
                *out = value_text(col->scratch.data, col->scratch.len);
            }
        } else
            *out = value_float(f);
        return;
    }
    case SQL_C_TYPE_DATE: {
        SQL_DATE_STRUCT d;
        memcpy(&d, data, sizeof d);
        int64_t days = odbc_days_from_date(d.year, d.month, d.day);
        *out = value_int(t == PG_OID_TIMESTAMP || t == PG_OID_TIMESTAMPTZ ? days * PG_USECS_PER_DAY : days);
        return;
    }
    case SQL_C_TYPE_TIMESTAMP: {
        SQL_TIMESTAMP_STRUCT ts;
        memcpy(&ts, data, sizeof ts);
        int64_t days = odbc_days_from_date(ts.year, ts.month, ts.day);
        if (t == PG_OID_DATE) {
            *out = value_int(days);
            return;
        }
        int64_t us = days * PG_USECS_PER_DAY + (int64_t)ts.hour * INT64_C(3600000000) +
                     (int64_t)ts.minute * 60000000 + (int64_t)ts.second * 1000000 + ts.fraction / 1000;
        *out = value_int(us);
        return;
    }
    case SQL_C_BINARY:
        *out = value_blob(data, (size_t)ind);
        return;
    default:
        text_value(col, data, (size_t)ind, out);
        return;
    }
}
