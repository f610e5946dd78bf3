/*
 * bootstrap_codecs.c — TEMPORARY minimal codecs so the server runs while the full types layer
 * is written on its own branch; this file is removed when that branch is merged.
 */
#include "types/types.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T(oid, name, sql, len, byval, cat, pref, elem, arr, st) \
    {oid, name, sql, len, byval, 'b', cat, pref, 'i', 'p', ',', elem, arr, "", "", "", "", "-", "-", st}

static const pg_type_info table[] = {
    T(16, "bool", "boolean", 1, true, 'B', true, 0, 1000, STORAGE_INT),
    T(17, "bytea", "bytea", -1, false, 'U', false, 0, 1001, STORAGE_BLOB),
    T(18, "char", "\"char\"", 1, true, 'Z', false, 0, 1002, STORAGE_TEXT),
    T(19, "name", "name", 64, false, 'S', false, 0, 1003, STORAGE_TEXT),
    T(20, "int8", "bigint", 8, true, 'N', false, 0, 1016, STORAGE_INT),
    T(21, "int2", "smallint", 2, true, 'N', false, 0, 1005, STORAGE_INT),
    T(23, "int4", "integer", 4, true, 'N', false, 0, 1007, STORAGE_INT),
    T(25, "text", "text", -1, false, 'S', true, 0, 1009, STORAGE_TEXT),
    T(26, "oid", "oid", 4, true, 'N', false, 0, 1028, STORAGE_INT),
    T(114, "json", "json", -1, false, 'U', false, 0, 199, STORAGE_TEXT),
    T(700, "float4", "real", 4, true, 'N', false, 0, 1021, STORAGE_FLOAT),
    T(701, "float8", "double precision", 8, true, 'N', true, 0, 1022, STORAGE_FLOAT),
    T(705, "unknown", "unknown", -2, false, 'X', false, 0, 0, STORAGE_TEXT),
    T(1042, "bpchar", "character", -1, false, 'S', false, 0, 1014, STORAGE_TEXT),
    T(1043, "varchar", "character varying", -1, false, 'S', false, 0, 1015, STORAGE_TEXT),
    T(1082, "date", "date", 4, true, 'D', false, 0, 1182, STORAGE_INT),
    T(1083, "time", "time without time zone", 8, true, 'D', false, 0, 1183, STORAGE_INT),
    T(1114, "timestamp", "timestamp without time zone", 8, true, 'D', false, 0, 1115, STORAGE_INT),
    T(1184, "timestamptz", "timestamp with time zone", 8, true, 'D', true, 0, 1185, STORAGE_INT),
    T(1186, "interval", "interval", 16, false, 'T', true, 0, 1187, STORAGE_TEXT),
    T(1700, "numeric", "numeric", -1, false, 'N', false, 0, 1231, STORAGE_TEXT),
    T(2950, "uuid", "uuid", 16, false, 'U', false, 0, 2951, STORAGE_TEXT),
    T(3802, "jsonb", "jsonb", -1, false, 'U', false, 0, 3807, STORAGE_TEXT),
    T(2205, "regclass", "regclass", 4, true, 'N', false, 0, 2210, STORAGE_INT),
    T(2206, "regtype", "regtype", 4, true, 'N', false, 0, 2211, STORAGE_INT),
    T(2249, "record", "record", -1, false, 'P', false, 0, 2287, STORAGE_TEXT),
    T(2278, "void", "void", 4, true, 'P', false, 0, 0, STORAGE_TEXT),
    T(1000, "_bool", "boolean[]", -1, false, 'A', false, 16, 0, STORAGE_TEXT),
    T(1007, "_int4", "integer[]", -1, false, 'A', false, 23, 0, STORAGE_TEXT),
    T(1016, "_int8", "bigint[]", -1, false, 'A', false, 20, 0, STORAGE_TEXT),
    T(1009, "_text", "text[]", -1, false, 'A', false, 25, 0, STORAGE_TEXT),
    T(1003, "_name", "name[]", -1, false, 'A', false, 19, 0, STORAGE_TEXT),
    T(1022, "_float8", "double precision[]", -1, false, 'A', false, 701, 0, STORAGE_TEXT),
    T(1231, "_numeric", "numeric[]", -1, false, 'A', false, 1700, 0, STORAGE_TEXT),
    /* What pg_catalog's own columns and functions use. */
    T(22, "int2vector", "int2vector", -1, false, 'A', false, 21, 1006, STORAGE_TEXT),
    T(24, "regproc", "regproc", 4, true, 'N', false, 0, 1008, STORAGE_INT),
    T(27, "tid", "tid", 6, false, 'U', false, 0, 1010, STORAGE_TEXT),
    T(28, "xid", "xid", 4, true, 'U', false, 0, 1011, STORAGE_INT),
    T(29, "cid", "cid", 4, true, 'U', false, 0, 1012, STORAGE_INT),
    T(30, "oidvector", "oidvector", -1, false, 'A', false, 26, 1013, STORAGE_TEXT),
    T(194, "pg_node_tree", "pg_node_tree", -1, false, 'Z', false, 0, 0, STORAGE_TEXT),
    T(1033, "aclitem", "aclitem", 12, false, 'U', false, 0, 1034, STORAGE_TEXT),
    T(2202, "regprocedure", "regprocedure", 4, true, 'N', false, 0, 2207, STORAGE_INT),
    T(2203, "regoper", "regoper", 4, true, 'N', false, 0, 2208, STORAGE_INT),
    T(2204, "regoperator", "regoperator", 4, true, 'N', false, 0, 2209, STORAGE_INT),
    T(4089, "regnamespace", "regnamespace", 4, true, 'N', false, 0, 4090, STORAGE_INT),
    T(4096, "regrole", "regrole", 4, true, 'N', false, 0, 4097, STORAGE_INT),
    T(4191, "regcollation", "regcollation", 4, true, 'N', false, 0, 4192, STORAGE_INT),
    T(2275, "cstring", "cstring", -2, false, 'P', false, 0, 1263, STORAGE_TEXT),
    T(2276, "any", "\"any\"", 4, true, 'P', false, 0, 0, STORAGE_TEXT),
    T(2277, "anyarray", "anyarray", -1, false, 'P', false, 0, 0, STORAGE_TEXT),
    T(2283, "anyelement", "anyelement", 4, true, 'P', false, 0, 0, STORAGE_TEXT),
    T(2776, "anynonarray", "anynonarray", 4, true, 'P', false, 0, 0, STORAGE_TEXT),
    T(869, "inet", "inet", -1, false, 'I', true, 0, 1041, STORAGE_TEXT),
    T(1002, "_char", "\"char\"[]", -1, false, 'A', false, 18, 0, STORAGE_TEXT),
    T(1005, "_int2", "smallint[]", -1, false, 'A', false, 21, 0, STORAGE_TEXT),
    T(1028, "_oid", "oid[]", -1, false, 'A', false, 26, 0, STORAGE_TEXT),
    T(1034, "_aclitem", "aclitem[]", -1, false, 'A', false, 1033, 0, STORAGE_TEXT),
    T(1021, "_float4", "real[]", -1, false, 'A', false, 700, 0, STORAGE_TEXT),
    T(1015, "_varchar", "character varying[]", -1, false, 'A', false, 1043, 0, STORAGE_TEXT),
    T(1014, "_bpchar", "character[]", -1, false, 'A', false, 1042, 0, STORAGE_TEXT),
    T(1001, "_bytea", "bytea[]", -1, false, 'A', false, 17, 0, STORAGE_TEXT),
    T(1182, "_date", "date[]", -1, false, 'A', false, 1082, 0, STORAGE_TEXT),
    T(1115, "_timestamp", "timestamp without time zone[]", -1, false, 'A', false, 1114, 0, STORAGE_TEXT),
    T(1185, "_timestamptz", "timestamp with time zone[]", -1, false, 'A', false, 1184, 0, STORAGE_TEXT),
    T(2951, "_uuid", "uuid[]", -1, false, 'A', false, 2950, 0, STORAGE_TEXT),
    T(3807, "_jsonb", "jsonb[]", -1, false, 'A', false, 3802, 0, STORAGE_TEXT),
    T(199, "_json", "json[]", -1, false, 'A', false, 114, 0, STORAGE_TEXT),
    T(2210, "_regclass", "regclass[]", -1, false, 'A', false, 2205, 0, STORAGE_TEXT),
    T(2211, "_regtype", "regtype[]", -1, false, 'A', false, 2206, 0, STORAGE_TEXT),
    T(1008, "_regproc", "regproc[]", -1, false, 'A', false, 24, 0, STORAGE_TEXT),
    T(1263, "_cstring", "cstring[]", -1, false, 'A', false, 2275, 0, STORAGE_TEXT),
    T(1183, "_time", "time without time zone[]", -1, false, 'A', false, 1083, 0, STORAGE_TEXT),
    T(1187, "_interval", "interval[]", -1, false, 'A', false, 1186, 0, STORAGE_TEXT),
};

const pg_type_info *types_by_oid(pg_oid oid)
{
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (table[i].oid == oid)
            return &table[i];
    return NULL;
}

const pg_type_info *types_by_name(const char *name)
{
    static const struct { const char *alias, *name; } aliases[] = {
        {"int", "int4"}, {"integer", "int4"}, {"smallint", "int2"}, {"bigint", "int8"},
        {"boolean", "bool"}, {"real", "float4"}, {"double precision", "float8"}, {"float", "float8"},
        {"decimal", "numeric"}, {"character varying", "varchar"}, {"character", "bpchar"}, {"char", "bpchar"},
        {"timestamptz", "timestamptz"}, {"timestamp with time zone", "timestamptz"},
        {"timestamp without time zone", "timestamp"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcasecmp(aliases[i].alias, name) == 0)
            name = aliases[i].name;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcasecmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const pg_type_info *types_at(size_t i) { return i < sizeof table / sizeof *table ? &table[i] : NULL; }
size_t types_count(void) { return sizeof table / sizeof *table; }
int32_t types_typmod_varchar(int32_t n) { return n + 4; }
int32_t types_typmod_numeric(int32_t p, int32_t s) { return ((p << 16) | s) + 4; }
int16_t types_typlen(pg_oid oid) { const pg_type_info *t = types_by_oid(oid); return t ? t->typlen : -1; }
void types_format_type(pg_oid oid, int32_t typmod, strbuf *out)
{
    const pg_type_info *t = types_by_oid(oid);
    if (!t) {
        strbuf_puts(out, "???");
        return;
    }
    if (types_is_array(t)) {
        types_format_type(t->typelem, typmod, out);
        strbuf_puts(out, "[]");
        return;
    }
    switch (oid) {
    case PG_OID_VARCHAR:
        strbuf_puts(out, "character varying");
        if (typmod >= 4)
            strbuf_printf(out, "(%d)", typmod - 4);
        return;
    case PG_OID_BPCHAR:
        if (typmod >= 4)
            strbuf_printf(out, "character(%d)", typmod - 4);
        else
            strbuf_puts(out, "bpchar");
        return;
    case PG_OID_NUMERIC:
        strbuf_puts(out, "numeric");
        if (typmod >= 4)
            strbuf_printf(out, "(%d,%d)", ((typmod - 4) >> 16) & 0xffff, (typmod - 4) & 0xffff);
        return;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_TIME:
    case PG_OID_TIMETZ: {
        const char *base = oid == PG_OID_TIME || oid == PG_OID_TIMETZ ? "time" : "timestamp";
        bool tz = oid == PG_OID_TIMESTAMPTZ || oid == PG_OID_TIMETZ;
        if (typmod >= 0)
            strbuf_printf(out, "%s(%d) %s time zone", base, typmod, tz ? "with" : "without");
        else
            strbuf_printf(out, "%s %s time zone", base, tz ? "with" : "without");
        return;
    }
    case PG_OID_INTERVAL:
        strbuf_puts(out, "interval");
        if (typmod >= 0 && (typmod & 0xffff) != 0xffff)
            strbuf_printf(out, "(%d)", typmod & 0xffff);
        return;
    default:
        strbuf_puts(out, t->sql_name);
        return;
    }
}

static bool is_reg_type(pg_oid oid)
{
    return oid == PG_OID_REGCLASS || oid == PG_OID_REGTYPE || oid == PG_OID_REGPROC || oid == PG_OID_REGPROCEDURE ||
           oid == PG_OID_REGOPER || oid == PG_OID_REGOPERATOR || oid == PG_OID_REGNAMESPACE ||
           oid == PG_OID_REGROLE || oid == PG_OID_REGCOLLATION || oid == PG_OID_REGCONFIG ||
           oid == PG_OID_REGDICTIONARY;
}

void type_settings_default(type_settings *s)
{
    memset(s, 0, sizeof *s);
    s->extra_float_digits = 1;
}

const tz_info *tz_lookup(const char *name) { (void)name; return (const tz_info *)1; }
const char *tz_name(const tz_info *tz) { (void)tz; return "UTC"; }
int tz_offset_at_utc(const tz_info *tz, int64_t u, const char **a) { (void)tz; (void)u; if (a) *a = "UTC"; return 0; }
int tz_offset_for_local(const tz_info *tz, int64_t u) { (void)tz; (void)u; return 0; }

int types_date2j(int y, int m, int d)
{
    if (m > 2) { m += 1; y += 4800; } else { m += 13; y += 4799; }
    int century = y / 100;
    int julian = y * 365 - 32167;
    julian += y / 4 - century + century / 4;
    julian += 7834 * m / 256 + d;
    return julian;
}

void types_j2date(int jd, int *year, int *month, int *day)
{
    unsigned int julian = (unsigned)jd + 32044;
    unsigned int quad = julian / 146097;
    unsigned int extra = (julian - quad * 146097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146097;
    quad = julian / 1461;
    julian -= quad * 1461;
    int y = (int)(julian * 4 / 1461);
    julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
    y += (int)quad * 4;
    *year = y - 4800;
    quad = julian * 2141 / 65536;
    *day = (int)(julian - 7834 * quad / 256);
    *month = (int)((quad + 10) % 12 + 1);
}

int types_numeric_text_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    char *ea, *eb;
    char ba[64], bb[64];
    snprintf(ba, sizeof ba, "%.*s", (int)al, a);
    snprintf(bb, sizeof bb, "%.*s", (int)bl, b);
    double x = strtod(ba, &ea), y = strtod(bb, &eb);
    return x < y ? -1 : x > y;
}

static bool float_out(double f, int extra, strbuf *out)
{
    if (isnan(f)) { strbuf_puts(out, "NaN"); return true; }
    if (isinf(f)) { strbuf_puts(out, f > 0 ? "Infinity" : "-Infinity"); return true; }
    char buf[64];
    if (extra > 0) {
        for (int p = 1; p <= 17; p++) {
            snprintf(buf, sizeof buf, "%.*g", p, f);
            if (strtod(buf, NULL) == f)
                break;
        }
    } else {
        snprintf(buf, sizeof buf, "%.*g", 15 + extra, f);
    }
    strbuf_puts(out, buf);
    return true;
}

/* A one-dimensional array's storage (a JSON array) in PostgreSQL's text form: "{a,b,NULL}". */
static bool array_text_out(const pg_type_info *t, const sql_value *v, strbuf *out)
{
    const char *p = v->ptr, *end = v->ptr + v->len;
    while (p < end && *p == ' ')
        p++;
    if (p >= end || *p != '[')
        return false;
    p++;
    strbuf_putc(out, '{');
    bool first = true;
    char delim = t->typelem == 1020 ? ';' : ',';
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ','))
            p++;
        if (p >= end || *p == ']')
            break;
        if (!first)
            strbuf_putc(out, delim);
        first = false;
        if (*p == '"') {
            strbuf elem;
            strbuf_init(&elem);
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end) {
                    p++;
                    char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
                    strbuf_putc(&elem, c);
                } else {
                    strbuf_putc(&elem, *p);
                }
            }
            p++;
            const char *e = elem.data ? elem.data : "";
            bool quote = !*e || strcasecmp(e, "NULL") == 0;
            for (const char *q = e; *q && !quote; q++)
                quote = *q == '"' || *q == '\\' || *q == '{' || *q == '}' || *q == ',' || *q == ' ' || *q == '\n';
            if (quote) {
                strbuf_putc(out, '"');
                for (const char *q = e; *q; q++) {
                    if (*q == '"' || *q == '\\')
                        strbuf_putc(out, '\\');
                    strbuf_putc(out, *q);
                }
                strbuf_putc(out, '"');
            } else {
                strbuf_puts(out, e);
            }
            strbuf_free(&elem);
        } else {
            const char *start = p;
            while (p < end && *p != ',' && *p != ']')
                p++;
            size_t n = (size_t)(p - start);
            if (n == 4 && strncmp(start, "null", 4) == 0)
                strbuf_puts(out, "NULL");
            else if (t->typelem == PG_OID_BOOL && n == 1)
                strbuf_puts(out, *start == '1' ? "t" : "f");
            else
                strbuf_append(out, start, n);
        }
    }
    strbuf_putc(out, '}');
    return true;
}

bool types_text_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    const pg_type_info *arr = types_by_oid(oid);
    if (arr && types_is_array(arr) && v->kind == VALUE_TEXT && array_text_out(arr, v, out))
        return true;
    (void)typmod; (void)err;
    if (is_reg_type(oid) && v->kind == VALUE_INT) {
        if (v->i != 0 && s && s->reg && s->reg->name_of(s->reg->arg, oid, (pg_oid)v->i, out))
            return true;
        if (v->i == 0 && oid != PG_OID_REGROLE && oid != PG_OID_REGNAMESPACE) {
            strbuf_puts(out, "-");
            return true;
        }
        strbuf_printf(out, "%u", (pg_oid)v->i);
        return true;
    }
    switch (oid) {
    case PG_OID_BOOL: strbuf_puts(out, v->i ? "t" : "f"); return true;
    case PG_OID_FLOAT4: case PG_OID_FLOAT8: return float_out(v->kind == VALUE_FLOAT ? v->f : (double)v->i, s ? s->extra_float_digits : 1, out);
    case PG_OID_DATE: {
        int y, m, d;
        types_j2date((int)v->i + PG_EPOCH_JDATE, &y, &m, &d);
        strbuf_printf(out, "%04d-%02d-%02d", y, m, d);
        return true;
    }
    case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: {
        int64_t t = v->i;
        int64_t days = t / PG_USECS_PER_DAY, us = t % PG_USECS_PER_DAY;
        if (us < 0) { us += PG_USECS_PER_DAY; days--; }
        int y, m, d;
        types_j2date((int)days + PG_EPOCH_JDATE, &y, &m, &d);
        int64_t sec = us / 1000000, frac = us % 1000000;
        strbuf_printf(out, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
        if (frac) {
            char fb[8];
            snprintf(fb, sizeof fb, "%06lld", (long long)frac);
            for (int i = 5; i > 0 && fb[i] == '0'; i--) fb[i] = 0;
            strbuf_printf(out, ".%s", fb);
        }
        if (oid == PG_OID_TIMESTAMPTZ) strbuf_puts(out, "+00");
        return true;
    }
    case PG_OID_BYTEA: {
        static const char hex[] = "0123456789abcdef";
        strbuf_puts(out, "\\x");
        for (size_t i = 0; i < v->len; i++) {
            strbuf_putc(out, hex[(unsigned char)v->ptr[i] >> 4]);
            strbuf_putc(out, hex[(unsigned char)v->ptr[i] & 15]);
        }
        return true;
    }
    default:
        break;
    }
    switch (v->kind) {
    case VALUE_INT: strbuf_printf(out, "%lld", (long long)v->i); return true;
    case VALUE_FLOAT: return float_out(v->f, 1, out);
    case VALUE_TEXT: case VALUE_BLOB: strbuf_append(out, v->ptr, v->len); return true;
    default: return true;
    }
}

bool types_text_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *text, size_t len, sql_value *out, strbuf *scratch, pg_error *err)
{
    (void)s; (void)typmod;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < 255 ? len : 255), text);
    const pg_type_info *t = types_by_oid(oid);
    switch (oid) {
    case PG_OID_BOOL: {
        char c = (char)tolower((unsigned char)buf[0]);
        if (c == 't' || c == 'y' || c == '1' || strcasecmp(buf, "on") == 0) { *out = value_int(1); return true; }
        if (c == 'f' || c == 'n' || c == '0' || strcasecmp(buf, "off") == 0) { *out = value_int(0); return true; }
        pg_error_set(err, "22P02", "invalid input syntax for type boolean: \"%s\"", buf);
        return false;
    }
    case PG_OID_REGCLASS: case PG_OID_REGTYPE: case PG_OID_REGPROC: case PG_OID_REGPROCEDURE: case PG_OID_REGOPER:
    case PG_OID_REGOPERATOR: case PG_OID_REGNAMESPACE: case PG_OID_REGROLE: case PG_OID_REGCOLLATION: {
        /* A number is an OID; "-" is 0; anything else is a name the catalog resolves. */
        int64_t v;
        if (parse_int64(buf, &v) && v >= 0 && v <= 4294967295LL) {
            *out = value_int(v);
            return true;
        }
        if (strcmp(buf, "-") == 0) {
            *out = value_int(0);
            return true;
        }
        pg_oid found;
        if (s && s->reg && s->reg->oid_of) {
            if (!s->reg->oid_of(s->reg->arg, oid, text, len, &found, err))
                return false;
            *out = value_int(found);
            return true;
        }
        pg_error_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", t ? t->sql_name : "oid", buf);
        return false;
    }
    case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8: case PG_OID_OID: {
        int64_t v;
        if (!parse_int64(buf, &v)) {
            pg_error_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", t ? t->sql_name : "integer", buf);
            return false;
        }
        if ((oid == PG_OID_INT4 && (v < INT32_MIN || v > INT32_MAX)) || (oid == PG_OID_INT2 && (v < INT16_MIN || v > INT16_MAX))) {
            pg_error_set(err, "22003", "value \"%s\" is out of range for type %s", buf, t->sql_name);
            return false;
        }
        *out = value_int(v);
        return true;
    }
    case PG_OID_FLOAT4: case PG_OID_FLOAT8: {
        char *end;
        double d = strtod(buf, &end);
        if (end == buf) {
            pg_error_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", t->sql_name, buf);
            return false;
        }
        *out = value_float(oid == PG_OID_FLOAT4 ? (double)(float)d : d);
        return true;
    }
    case PG_OID_DATE: case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: {
        int y = 0, m = 0, d = 0, hh = 0, mi = 0;
        double ss = 0;
        if (sscanf(buf, "%d-%d-%d %d:%d:%lf", &y, &m, &d, &hh, &mi, &ss) < 3) {
            pg_error_set(err, "22007", "invalid input syntax for type %s: \"%s\"", t->sql_name, buf);
            return false;
        }
        int64_t days = types_date2j(y, m, d) - PG_EPOCH_JDATE;
        if (oid == PG_OID_DATE) { *out = value_int(days); return true; }
        *out = value_int(days * PG_USECS_PER_DAY + ((int64_t)hh * 3600 + mi * 60) * 1000000 + (int64_t)llround(ss * 1e6));
        return true;
    }
    case PG_OID_BYTEA: {
        strbuf_reset(scratch);
        if (len >= 2 && text[0] == '\\' && text[1] == 'x') {
            for (size_t i = 2; i + 1 < len; i += 2) {
                char h[3] = {text[i], text[i + 1], 0};
                strbuf_putc(scratch, (char)strtol(h, NULL, 16));
            }
        } else {
            strbuf_append(scratch, text, len);
        }
        *out = value_blob(scratch->data ? scratch->data : "", scratch->len);
        return true;
    }
    default:
        strbuf_reset(scratch);
        strbuf_append(scratch, text, len);
        *out = value_text(scratch->data ? scratch->data : "", len);
        return true;
    }
}

static uint64_t be(const char *b, size_t n) { uint64_t v = 0; for (size_t i = 0; i < n; i++) v = (v << 8) | (unsigned char)b[i]; return v; }
static void put_be(strbuf *out, uint64_t v, size_t n) { for (size_t i = 0; i < n; i++) strbuf_putc(out, (char)(v >> (8 * (n - 1 - i)))); }

bool types_binary_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    (void)s; (void)typmod;
    switch (oid) {
    case PG_OID_BOOL: put_be(out, v->i ? 1 : 0, 1); return true;
    case PG_OID_INT2: put_be(out, (uint64_t)v->i, 2); return true;
    case PG_OID_INT4: case PG_OID_OID: put_be(out, (uint64_t)v->i, 4); return true;
    case PG_OID_INT8: case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: case PG_OID_TIME: put_be(out, (uint64_t)v->i, 8); return true;
    case PG_OID_DATE: put_be(out, (uint64_t)v->i, 4); return true;
    case PG_OID_FLOAT8: { double d = v->kind == VALUE_FLOAT ? v->f : (double)v->i; uint64_t u; memcpy(&u, &d, 8); put_be(out, u, 8); return true; }
    case PG_OID_FLOAT4: { float f = (float)(v->kind == VALUE_FLOAT ? v->f : (double)v->i); uint32_t u; memcpy(&u, &f, 4); put_be(out, u, 4); return true; }
    case PG_OID_TEXT: case PG_OID_VARCHAR: case PG_OID_BPCHAR: case PG_OID_NAME: case PG_OID_BYTEA: case PG_OID_JSON:
        strbuf_append(out, v->ptr, v->len); return true;
    default:
        pg_error_set(err, "0A000", "binary output not available");
        return false;
    }
}

bool types_binary_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *b, size_t len, sql_value *out, strbuf *scratch, pg_error *err)
{
    (void)s; (void)typmod;
    switch (oid) {
    case PG_OID_BOOL: if (len != 1) break; *out = value_int(b[0] != 0); return true;
    case PG_OID_INT2: if (len != 2) break; *out = value_int((int16_t)be(b, 2)); return true;
    case PG_OID_INT4: case PG_OID_DATE: if (len != 4) break; *out = value_int((int32_t)be(b, 4)); return true;
    case PG_OID_OID: if (len != 4) break; *out = value_int((uint32_t)be(b, 4)); return true;
    case PG_OID_INT8: case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: case PG_OID_TIME: if (len != 8) break; *out = value_int((int64_t)be(b, 8)); return true;
    case PG_OID_FLOAT8: { if (len != 8) break; uint64_t u = be(b, 8); double d; memcpy(&d, &u, 8); *out = value_float(d); return true; }
    case PG_OID_FLOAT4: { if (len != 4) break; uint32_t u = (uint32_t)be(b, 4); float f; memcpy(&f, &u, 4); *out = value_float(f); return true; }
    case PG_OID_TEXT: case PG_OID_VARCHAR: case PG_OID_BPCHAR: case PG_OID_NAME: case PG_OID_JSON: case PG_OID_UNKNOWN:
        strbuf_reset(scratch); strbuf_append(scratch, b, len); *out = value_text(scratch->data ? scratch->data : "", len); return true;
    case PG_OID_BYTEA:
        strbuf_reset(scratch); strbuf_append(scratch, b, len); *out = value_blob(scratch->data ? scratch->data : "", len); return true;
    default:
        pg_error_set(err, "0A000", "binary input not available");
        return false;
    }
    pg_error_set(err, "22P03", "incorrect binary data format");
    return false;
}

bool types_has_binary(pg_oid oid) { return oid == PG_OID_BOOL || oid == PG_OID_INT2 || oid == PG_OID_INT4 || oid == PG_OID_INT8 || oid == PG_OID_FLOAT4 || oid == PG_OID_FLOAT8 || oid == PG_OID_TEXT || oid == PG_OID_VARCHAR || oid == PG_OID_BYTEA; }
