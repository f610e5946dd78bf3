/*
 * sqlite_fn_json.c — json and jsonb: to_json of every storage form, the operators (-> ->>
 * #> #>> @> <@ ? ?| ?& - #- ||), the builders, jsonb_set, strip_nulls, typeof, pretty.
 *
 * Storage forms (types.h): json is its text as given, jsonb the canonical text jsonb_out
 * prints.  json results keep PostgreSQL's json spacing ("a" : 1 in json_build_object);
 * jsonb results are always written canonically (jv_write_jsonb), so a jsonb sub-value cut
 * out of a canonical document is canonical too and -> can return the slice as it is.
 */
#include "backend/sqlite_fn_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_SOURCE(i) ((const char *)sqlite3_value_text(argv[i])), ((size_t)sqlite3_value_bytes(argv[i]))

/* Parse argument i as JSON into the call's arena; sets the error result on failure. */
static jv *arg_json(sqlite3_context *ctx, arena *a, sqlite3_value **argv, int i)
{
    pg_error err = {0};
    jv *v;
    const char *text = (const char *)sqlite3_value_text(argv[i]);
    if (!text) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    if (!jv_parse(a, text, (size_t)sqlite3_value_bytes(argv[i]), &v, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        return NULL;
    }
    return v;
}

static void result_jsonb(sqlite3_context *ctx, const jv *v)
{
    strbuf out;
    strbuf_init(&out);
    jv_write_jsonb(&out, v);
    fnu_result_text(ctx, &out);
}

/* A value's text as ->> gives it: strings unquoted, null as SQL NULL, the rest as JSON. */
static void result_as_text(sqlite3_context *ctx, const jv *v)
{
    if (v->kind == JV_NULL)
        sqlite3_result_null(ctx);
    else if (v->kind == JV_STRING)
        sqlite3_result_text64(ctx, v->s, v->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        sqlite3_result_text64(ctx, v->raw, v->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* ---------------------------------------------------------------- to_json */

/* An element of an array storage value as a sql_value of its type's storage form. */
static bool element_value(const jv *e, const pg_type_info *et, sql_value *out, strbuf *scratch)
{
    *out = value_null();
    switch (e->kind) {
    case JV_NULL:
        return true;
    case JV_TRUE:
    case JV_FALSE:
        *out = value_int(e->kind == JV_TRUE);
        return true;
    case JV_NUMBER: {
        char buf[64];
        size_t n = e->len < sizeof buf - 1 ? e->len : sizeof buf - 1;
        memcpy(buf, e->s, n);
        buf[n] = 0;
        if (et && et->storage == STORAGE_TEXT)
            *out = value_text(e->s, e->len);
        else if (et && et->storage == STORAGE_FLOAT)
            *out = value_float(strtod(buf, NULL));
        else if (strpbrk(buf, ".eE"))
            *out = value_float(strtod(buf, NULL));
        else
            *out = value_int(strtoll(buf, NULL, 10));
        return true;
    }
    case JV_STRING:
        if (et && et->storage == STORAGE_FLOAT) {
            double d = e->len == 3 && memcmp(e->s, "NaN", 3) == 0 ? NAN
                       : e->len == 8 && memcmp(e->s, "Infinity", 8) == 0 ? INFINITY
                       : e->len == 9 && memcmp(e->s, "-Infinity", 9) == 0 ? -INFINITY : strtod(e->s, NULL);
            *out = value_float(d);
        } else if (et && et->storage == STORAGE_INT) {
            *out = value_int(strtoll(e->s, NULL, 10));
        } else if (et && et->storage == STORAGE_BLOB && e->len >= 2 && e->s[0] == '\\' && e->s[1] == 'x') {
            strbuf_reset(scratch);
            for (size_t i = 2; i + 1 < e->len; i += 2) {
                char h[3] = {e->s[i], e->s[i + 1], 0};
                strbuf_putc(scratch, (char)strtol(h, NULL, 16));
            }
            *out = value_blob(scratch->data ? scratch->data : "", scratch->len);
        } else {
            *out = value_text(e->s, e->len);
        }
        return true;
    default:
        *out = value_text(e->raw, e->rawlen);
        return true;
    }
}

static bool to_json(strbuf *out, const type_settings *ts, pg_oid oid, int32_t typmod, const sql_value *v,
                    pg_error *err, int depth);

static bool array_to_json(strbuf *out, const type_settings *ts, const pg_type_info *t, const sql_value *v,
                          pg_error *err, int depth)
{
    arena a;
    arena_init(&a);
    jv *arr;
    bool ok = jv_parse(&a, v->ptr, v->len, &arr, err) && arr->kind == JV_ARRAY;
    if (ok) {
        const pg_type_info *et = types_by_oid(t->typelem);
        strbuf scratch;
        strbuf_init(&scratch);
        strbuf_putc(out, '[');
        for (int i = 0; i < arr->n && ok; i++) {
            if (i)
                strbuf_putc(out, ',');
            sql_value ev;
            element_value(arr->items[i], et, &ev, &scratch);
            if (ev.kind == VALUE_NULL)
                strbuf_puts(out, "null");
            else
                ok = to_json(out, ts, t->typelem, -1, &ev, err, depth + 1);
        }
        strbuf_putc(out, ']');
        strbuf_free(&scratch);
    } else if (!pg_error_is_set(err)) {
        pg_error_set(err, "22P02", "malformed array literal");
    }
    arena_free(&a);
    return ok;
}

/* PostgreSQL's datum_to_json: numbers and booleans bare, date/time in ISO 8601 with 'T',
 * json as is, arrays element by element, everything else its text output as a string. */
static bool to_json(strbuf *out, const type_settings *ts, pg_oid oid, int32_t typmod, const sql_value *v,
                    pg_error *err, int depth)
{
    if (depth > 64) {
        pg_error_set(err, "54001", "stack depth limit exceeded");
        return false;
    }
    if (v->kind == VALUE_NULL) {
        strbuf_puts(out, "null");
        return true;
    }
    const pg_type_info *t = types_by_oid(oid);
    if (t && types_is_array(t) && v->kind == VALUE_TEXT)
        return array_to_json(out, ts, t, v, err, depth);
    switch (oid) {
    case PG_OID_BOOL:
        strbuf_puts(out, v->i ? "true" : "false");
        return true;
    case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8: case PG_OID_OID:
        if (v->kind == VALUE_INT) {
            strbuf_printf(out, "%lld", (long long)v->i);
            return true;
        }
        break;
    case PG_OID_JSON: case PG_OID_JSONB:
        strbuf_append(out, v->ptr, v->len);
        return true;
    default:
        break;
    }
    strbuf text;
    strbuf_init(&text);
    type_settings iso = *ts;
    iso.datestyle = DATESTYLE_ISO;
    iso.intervalstyle = ts->intervalstyle;
    if (!types_text_out(&iso, oid, typmod, v, &text, err)) {
        strbuf_free(&text);
        return false;
    }
    const char *s = text.data ? text.data : "";
    size_t n = text.len;
    bool number = oid == PG_OID_FLOAT4 || oid == PG_OID_FLOAT8 || oid == PG_OID_NUMERIC || oid == PG_OID_INT2 ||
                  oid == PG_OID_INT4 || oid == PG_OID_INT8;
    if (number && n && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') && strcmp(s, "-Infinity") != 0) {
        strbuf_append(out, s, n);
    } else if (oid == PG_OID_TIMESTAMP || oid == PG_OID_TIMESTAMPTZ || oid == PG_OID_DATE) {
        /* JsonEncodeDateTime: "2024-01-31T12:34:56.5+01:00" */
        strbuf iso8601;
        strbuf_init(&iso8601);
        for (size_t i = 0; i < n; i++)
            strbuf_putc(&iso8601, s[i] == ' ' && oid != PG_OID_DATE ? 'T' : s[i]);
        if (oid == PG_OID_TIMESTAMPTZ && n > 3 && (s[n - 3] == '+' || s[n - 3] == '-'))
            strbuf_puts(&iso8601, ":00");
        jv_write_string(out, iso8601.data ? iso8601.data : "", iso8601.len);
        strbuf_free(&iso8601);
    } else {
        jv_write_string(out, s, n);
    }
    strbuf_free(&text);
    return true;
}

/* pgw_to_json(value, type_oid, typmod) */
static void fn_to_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    type_settings fallback;
    const type_settings *ts = fnu_settings(ctx, &fallback);
    sql_value v;
    sqlite_fn_value(argv[0], &v);
    strbuf out;
    strbuf_init(&out);
    pg_error err = {0};
    if (!to_json(&out, ts, (pg_oid)sqlite3_value_int64(argv[1]), (int32_t)sqlite3_value_int(argv[2]), &v, &err, 0)) {
        strbuf_free(&out);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    fnu_result_text(ctx, &out);
}

/* pgw_json_to_jsonb(json): the canonical jsonb text. */
static void fn_json_to_jsonb(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v)
        result_jsonb(ctx, v);
    arena_free(&a);
}

/* ---------------------------------------------------------------- -> ->> #> #>> */

/* Index into an array, negative from the end; NULL when out of range. */
static jv *array_index(const jv *arr, int64_t i)
{
    if (!arr || arr->kind != JV_ARRAY)
        return NULL;
    if (i < 0)
        i += arr->n;
    return i >= 0 && i < arr->n ? arr->items[i] : NULL;
}

static jv *step(const jv *v, sqlite3_value *key)
{
    if (sqlite3_value_type(key) == SQLITE_INTEGER)
        return array_index(v, sqlite3_value_int64(key));
    return jv_get(v, (const char *)sqlite3_value_text(key), (size_t)sqlite3_value_bytes(key));
}

/* A path element: an object key, or an array index when it reads as an integer. */
static jv *path_step(const jv *v, const jv *elem)
{
    if (elem->kind != JV_STRING)
        return NULL;
    if (v->kind == JV_OBJECT)
        return jv_get(v, elem->s, elem->len);
    if (v->kind == JV_ARRAY) {
        char buf[32];
        if (elem->len == 0 || elem->len >= sizeof buf)
            return NULL;
        memcpy(buf, elem->s, elem->len);
        buf[elem->len] = 0;
        char *end;
        long long i = strtoll(buf, &end, 10);
        if (*end)
            return NULL;
        return array_index(v, i);
    }
    return NULL;
}

static void get_op(sqlite3_context *ctx, sqlite3_value **argv, bool as_text)
{
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        jv *r = step(v, argv[1]);
        if (!r)
            sqlite3_result_null(ctx);
        else if (as_text)
            result_as_text(ctx, r);
        else
            sqlite3_result_text64(ctx, r->raw, r->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    arena_free(&a);
}

static void fn_get(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        get_op(ctx, argv, false);
}

static void fn_get_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        get_op(ctx, argv, true);
}

/* #> and #>> with a text[] path (JSON array storage). */
static void path_op(sqlite3_context *ctx, sqlite3_value **argv, bool as_text)
{
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    jv *path = NULL;
    pg_error err = {0};
    if (v && !fnu_array_parse(&a, argv[1], &path, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        v = NULL;
    }
    if (v) {
        for (int i = 0; v && i < path->n; i++)
            v = path_step(v, path->items[i]);
        if (!v)
            sqlite3_result_null(ctx);
        else if (as_text)
            result_as_text(ctx, v);
        else
            sqlite3_result_text64(ctx, v->raw, v->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    arena_free(&a);
}

static void fn_path(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        path_op(ctx, argv, false);
}

static void fn_path_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        path_op(ctx, argv, true);
}

/* jsonb_extract_path(j, VARIADIC keys) */
static void extract_path(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool as_text)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        for (int i = 1; v && i < argc; i++) {
            jv key = {.kind = JV_STRING, .s = (const char *)sqlite3_value_text(argv[i]),
                      .len = (size_t)sqlite3_value_bytes(argv[i])};
            v = path_step(v, &key);
        }
        if (!v)
            sqlite3_result_null(ctx);
        else if (as_text)
            result_as_text(ctx, v);
        else
            sqlite3_result_text64(ctx, v->raw, v->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    arena_free(&a);
}

static void fn_extract_path(sqlite3_context *ctx, int argc, sqlite3_value **argv) { extract_path(ctx, argc, argv, false); }
static void fn_extract_path_text(sqlite3_context *ctx, int argc, sqlite3_value **argv) { extract_path(ctx, argc, argv, true); }

/* ---------------------------------------------------------------- predicates */

static void fn_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *x = arg_json(ctx, &a, argv, 0);
    jv *y = x ? arg_json(ctx, &a, argv, 1) : NULL;
    if (y)
        sqlite3_result_int(ctx, jv_contains(x, y, true));
    arena_free(&a);
}

static bool has_key(const jv *v, const char *k, size_t n)
{
    if (v->kind == JV_OBJECT)
        return jv_get(v, k, n) != NULL;
    if (v->kind == JV_ARRAY) {
        for (int i = 0; i < v->n; i++)
            if (v->items[i]->kind == JV_STRING && v->items[i]->len == n && memcmp(v->items[i]->s, k, n) == 0)
                return true;
        return false;
    }
    return v->kind == JV_STRING && v->len == n && memcmp(v->s, k, n) == 0;
}

static void fn_exists(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v)
        sqlite3_result_int(ctx, has_key(v, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1])));
    arena_free(&a);
}

/* ?| (any) and ?& (all) with a text[] of keys. */
static void exists_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool all)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0), *keys = NULL;
    pg_error err = {0};
    if (v && !fnu_array_parse(&a, argv[1], &keys, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        v = NULL;
    }
    if (v) {
        bool result = all;
        for (int i = 0; i < keys->n; i++) {
            if (keys->items[i]->kind != JV_STRING)
                continue;
            bool h = has_key(v, keys->items[i]->s, keys->items[i]->len);
            if (all && !h) {
                result = false;
                break;
            }
            if (!all && h) {
                result = true;
                break;
            }
        }
        sqlite3_result_int(ctx, result);
    }
    arena_free(&a);
}

static void fn_exists_any(sqlite3_context *ctx, int argc, sqlite3_value **argv) { exists_keys(ctx, argc, argv, false); }
static void fn_exists_all(sqlite3_context *ctx, int argc, sqlite3_value **argv) { exists_keys(ctx, argc, argv, true); }

static void fn_typeof(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        static const char *const names[] = {"null", "boolean", "boolean", "number", "string", "array", "object"};
        sqlite3_result_text(ctx, names[v->kind], -1, SQLITE_STATIC);
    }
    arena_free(&a);
}

static void fn_array_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        if (v->kind == JV_ARRAY)
            sqlite3_result_int(ctx, v->n);
        else
            sqlite_fn_error(ctx, "22023", "cannot get array length of a %s", v->kind == JV_OBJECT ? "non-array" : "scalar");
    }
    arena_free(&a);
}

/* ---------------------------------------------------------------- modification */

static jv *as_array(arena *a, jv *v)
{
    if (v->kind == JV_ARRAY)
        return v;
    jv *arr = jv_new(a, JV_ARRAY);
    if (arr && !jv_push(a, arr, NULL, 0, v))
        return NULL;
    return arr;
}

/* jsonb || jsonb: objects merge (right wins), otherwise both sides as arrays, concatenated. */
static void fn_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *x = arg_json(ctx, &a, argv, 0);
    jv *y = x ? arg_json(ctx, &a, argv, 1) : NULL;
    if (y) {
        jv *r = NULL;
        if (x->kind == JV_OBJECT && y->kind == JV_OBJECT) {
            r = jv_new(&a, JV_OBJECT);
            for (int i = 0; r && i < x->n; i++)
                if (!jv_push(&a, r, x->keys[i], x->klens[i], x->items[i]))
                    r = NULL;
            for (int i = 0; r && i < y->n; i++)
                if (!jv_push(&a, r, y->keys[i], y->klens[i], y->items[i]))
                    r = NULL;
        } else {
            jv *xa = as_array(&a, x), *ya = as_array(&a, y);
            r = xa && ya ? jv_new(&a, JV_ARRAY) : NULL;
            for (int i = 0; r && i < xa->n; i++)
                if (!jv_push(&a, r, NULL, 0, xa->items[i]))
                    r = NULL;
            for (int i = 0; r && i < ya->n; i++)
                if (!jv_push(&a, r, NULL, 0, ya->items[i]))
                    r = NULL;
        }
        if (r)
            result_jsonb(ctx, r);
        else
            sqlite3_result_error_nomem(ctx);
    }
    arena_free(&a);
}

/* jsonb - text (key, or string elements of an array), jsonb - int (array index),
 * jsonb - text[] (several keys). */
static void fn_delete(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (!v)
        goto done;
    if (v->kind != JV_OBJECT && v->kind != JV_ARRAY) {
        sqlite_fn_error(ctx, "22023", "cannot delete from scalar");
        goto done;
    }
    jv *keys = NULL;
    bool by_index = sqlite3_value_type(argv[1]) == SQLITE_INTEGER;
    int64_t index = by_index ? sqlite3_value_int64(argv[1]) : 0;
    bool many = argc > 2 && sqlite3_value_int(argv[2]);
    if (by_index && v->kind == JV_OBJECT) {
        sqlite_fn_error(ctx, "22023", "cannot delete from object using integer index");
        goto done;
    }
    if (many) {
        pg_error err = {0};
        if (!fnu_array_parse(&a, argv[1], &keys, &err)) {
            sqlite_fn_pg_error(ctx, &err);
            goto done;
        }
    }
    jv *r = jv_new(&a, v->kind);
    if (by_index && index < 0)
        index += v->n;
    for (int i = 0; r && i < v->n; i++) {
        const char *k = v->kind == JV_OBJECT ? v->keys[i] : v->items[i]->s;
        size_t kl = v->kind == JV_OBJECT ? v->klens[i] : v->items[i]->len;
        bool drop;
        if (by_index)
            drop = i == index;
        else if (v->kind == JV_ARRAY && v->items[i]->kind != JV_STRING)
            drop = false;
        else if (many) {
            drop = false;
            for (int j = 0; j < keys->n && !drop; j++)
                drop = keys->items[j]->kind == JV_STRING && keys->items[j]->len == kl && memcmp(keys->items[j]->s, k, kl) == 0;
        } else {
            drop = (size_t)sqlite3_value_bytes(argv[1]) == kl && memcmp(sqlite3_value_text(argv[1]), k, kl) == 0;
        }
        if (!drop && !jv_push(&a, r, v->kind == JV_OBJECT ? v->keys[i] : NULL, v->kind == JV_OBJECT ? v->klens[i] : 0,
                              v->items[i]))
            r = NULL;
    }
    if (r)
        result_jsonb(ctx, r);
    else
        sqlite3_result_error_nomem(ctx);
done:
    arena_free(&a);
}

/* Copy of a container without member i (for #- and jsonb_set). */
static jv *copy_container(arena *a, const jv *v)
{
    jv *c = jv_new(a, v->kind);
    for (int i = 0; c && i < v->n; i++)
        if (!jv_push(a, c, v->kind == JV_OBJECT ? v->keys[i] : NULL, v->kind == JV_OBJECT ? v->klens[i] : 0, v->items[i]))
            return NULL;
    return c;
}

/* jsonb_set / #- on a path: returns the new value (shares untouched parts). */
static jv *set_path(arena *a, jv *v, jv **path, int npath, jv *newval, bool create, bool *oom)
{
    if (npath == 0)
        return newval;
    if (v->kind != JV_OBJECT && v->kind != JV_ARRAY)
        return v;
    const jv *key = path[0];
    if (key->kind != JV_STRING)
        return v;
    jv *c = copy_container(a, v);
    if (!c) {
        *oom = true;
        return v;
    }
    if (v->kind == JV_OBJECT) {
        for (int i = c->n - 1; i >= 0; i--)
            if (c->klens[i] == key->len && memcmp(c->keys[i], key->s, key->len) == 0) {
                if (!newval && npath == 1) {
                    memmove(&c->items[i], &c->items[i + 1], sizeof *c->items * (size_t)(c->n - i - 1));
                    memmove(&c->keys[i], &c->keys[i + 1], sizeof *c->keys * (size_t)(c->n - i - 1));
                    memmove(&c->klens[i], &c->klens[i + 1], sizeof *c->klens * (size_t)(c->n - i - 1));
                    c->n--;
                } else {
                    c->items[i] = set_path(a, c->items[i], path + 1, npath - 1, newval, create, oom);
                }
                return c;
            }
        if (create && newval && npath == 1 && !jv_push(a, c, key->s, key->len, newval))
            *oom = true;
        return c;
    }
    char buf[32];
    if (key->len == 0 || key->len >= sizeof buf)
        return v;
    memcpy(buf, key->s, key->len);
    buf[key->len] = 0;
    char *end;
    long long idx = strtoll(buf, &end, 10);
    if (*end)
        return v;
    long long pos = idx < 0 ? idx + c->n : idx;
    if (pos >= 0 && pos < c->n) {
        if (!newval && npath == 1) {
            memmove(&c->items[pos], &c->items[pos + 1], sizeof *c->items * (size_t)(c->n - pos - 1));
            c->n--;
        } else {
            c->items[pos] = set_path(a, c->items[pos], path + 1, npath - 1, newval, create, oom);
        }
        return c;
    }
    if (create && newval && npath == 1) {
        if (pos < 0) {   /* before the start: prepend */
            jv *d = jv_new(a, JV_ARRAY);
            if (!d || !jv_push(a, d, NULL, 0, newval)) {
                *oom = true;
                return v;
            }
            for (int i = 0; i < c->n; i++)
                if (!jv_push(a, d, NULL, 0, c->items[i]))
                    *oom = true;
            return d;
        }
        if (!jv_push(a, c, NULL, 0, newval))
            *oom = true;
    }
    return c;
}

/* pgw_jsonb_set(target, path text[], new jsonb, create_missing) */
static void fn_set(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0), *path = NULL, *nv = NULL;
    pg_error err = {0};
    if (v && !fnu_array_parse(&a, argv[1], &path, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        v = NULL;
    }
    if (v)
        nv = arg_json(ctx, &a, argv, 2);
    if (nv) {
        if (v->kind != JV_OBJECT && v->kind != JV_ARRAY) {
            sqlite_fn_error(ctx, "22023", "cannot set path in scalar");
        } else {
            bool oom = false;
            jv *r = set_path(&a, v, path->items, path->n, nv, sqlite3_value_int(argv[3]) != 0, &oom);
            if (oom)
                sqlite3_result_error_nomem(ctx);
            else
                result_jsonb(ctx, r);
        }
    }
    arena_free(&a);
}

/* jsonb_insert on a path: the new value goes into the array at the last step (before the
 * element, or after with `after`; out of range: at that end) or into the object under a key
 * it must not have yet. */
static jv *insert_path(sqlite3_context *ctx, arena *a, jv *v, jv **path, int npath, jv *newval, bool after, bool *failed)
{
    if (v->kind != JV_OBJECT && v->kind != JV_ARRAY)
        return v;
    const jv *key = path[0];
    if (key->kind != JV_STRING)
        return v;
    jv *c = copy_container(a, v);
    if (!c) {
        *failed = true;
        sqlite3_result_error_nomem(ctx);
        return v;
    }
    if (v->kind == JV_OBJECT) {
        for (int i = c->n - 1; i >= 0; i--)
            if (c->klens[i] == key->len && memcmp(c->keys[i], key->s, key->len) == 0) {
                if (npath == 1) {
                    sqlite_fn_error(ctx, "22023", "cannot replace existing key");
                    *failed = true;
                    return v;
                }
                c->items[i] = insert_path(ctx, a, c->items[i], path + 1, npath - 1, newval, after, failed);
                return c;
            }
        if (npath == 1 && !jv_push(a, c, key->s, key->len, newval)) {
            *failed = true;
            sqlite3_result_error_nomem(ctx);
        }
        return c;
    }
    char buf[32];
    if (key->len == 0 || key->len >= sizeof buf)
        return v;
    memcpy(buf, key->s, key->len);
    buf[key->len] = 0;
    char *end;
    long long idx = strtoll(buf, &end, 10);
    if (*end) {
        sqlite_fn_error(ctx, "22P02", "path element at position %d is not an integer: \"%s\"", 1, buf);
        *failed = true;
        return v;
    }
    long long pos = idx < 0 ? idx + c->n : idx;
    if (npath > 1) {
        if (pos >= 0 && pos < c->n)
            c->items[pos] = insert_path(ctx, a, c->items[pos], path + 1, npath - 1, newval, after, failed);
        return c;
    }
    long long at = pos < 0 ? 0 : pos >= c->n ? c->n : pos + (after ? 1 : 0);
    jv *d = jv_new(a, JV_ARRAY);
    bool ok = d != NULL;
    for (long long i = 0; ok && i <= c->n; i++) {
        if (i == at)
            ok = jv_push(a, d, NULL, 0, newval);
        if (ok && i < c->n)
            ok = jv_push(a, d, NULL, 0, c->items[i]);
    }
    if (!ok) {
        *failed = true;
        sqlite3_result_error_nomem(ctx);
        return v;
    }
    return d;
}

/* pgw_jsonb_insert(target, path text[], new jsonb, insert_after) */
static void fn_insert(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0), *path = NULL, *nv = NULL;
    pg_error err = {0};
    if (v && !fnu_array_parse(&a, argv[1], &path, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        v = NULL;
    }
    if (v)
        nv = arg_json(ctx, &a, argv, 2);
    if (nv) {
        if (v->kind != JV_OBJECT && v->kind != JV_ARRAY) {
            sqlite_fn_error(ctx, "22023", "cannot set path in scalar");
        } else if (path->n == 0) {
            result_jsonb(ctx, v);
        } else {
            bool failed = false;
            jv *r = insert_path(ctx, &a, v, path->items, path->n, nv, sqlite3_value_int(argv[3]) != 0, &failed);
            if (!failed)
                result_jsonb(ctx, r);
        }
    }
    arena_free(&a);
}

/* jsonb #- text[] */
static void fn_delete_path(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0), *path = NULL;
    pg_error err = {0};
    if (v && !fnu_array_parse(&a, argv[1], &path, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        v = NULL;
    }
    if (v) {
        if (v->kind != JV_OBJECT && v->kind != JV_ARRAY) {
            sqlite_fn_error(ctx, "22023", "cannot delete path in scalar");
        } else {
            bool oom = false;
            jv *r = set_path(&a, v, path->items, path->n, NULL, false, &oom);
            if (oom)
                sqlite3_result_error_nomem(ctx);
            else
                result_jsonb(ctx, r);
        }
    }
    arena_free(&a);
}

static jv *strip_nulls(arena *a, jv *v)
{
    if (v->kind != JV_OBJECT && v->kind != JV_ARRAY)
        return v;
    jv *c = jv_new(a, v->kind);
    for (int i = 0; c && i < v->n; i++) {
        if (v->kind == JV_OBJECT && v->items[i]->kind == JV_NULL)
            continue;
        jv *item = strip_nulls(a, v->items[i]);
        if (!item || !jv_push(a, c, v->kind == JV_OBJECT ? v->keys[i] : NULL, v->kind == JV_OBJECT ? v->klens[i] : 0, item))
            return NULL;
    }
    return c;
}

static void fn_strip_nulls(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        jv *r = strip_nulls(&a, v);
        if (r)
            result_jsonb(ctx, r);
        else
            sqlite3_result_error_nomem(ctx);
    }
    arena_free(&a);
}

/* jsonb_pretty: four spaces per level, as PostgreSQL's JsonbToCStringIndent. */
static void pretty(strbuf *out, const jv *v, int level)
{
    if (v->kind != JV_OBJECT && v->kind != JV_ARRAY) {
        jv_write_jsonb(out, v);
        return;
    }
    bool obj = v->kind == JV_OBJECT;
    strbuf_putc(out, obj ? '{' : '[');
    if (v->n == 0) {
        strbuf_putc(out, obj ? '}' : ']');
        return;
    }
    /* jsonb keeps keys sorted: write through a canonical copy's order */
    strbuf canon;
    strbuf_init(&canon);
    jv_write_jsonb(&canon, v);
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *c;
    if (!jv_parse(&a, canon.data ? canon.data : "", canon.len, &c, &err)) {
        pg_error_clear(&err);
        c = (jv *)v;
    }
    for (int i = 0; i < c->n; i++) {
        strbuf_puts(out, i ? ",\n" : "\n");
        for (int k = 0; k <= level; k++)
            strbuf_puts(out, "    ");
        if (obj) {
            jv_write_string(out, c->keys[i], c->klens[i]);
            strbuf_puts(out, ": ");
        }
        pretty(out, c->items[i], level + 1);
    }
    strbuf_putc(out, '\n');
    for (int k = 0; k < level; k++)
        strbuf_puts(out, "    ");
    strbuf_putc(out, obj ? '}' : ']');
    arena_free(&a);
    strbuf_free(&canon);
}

static void fn_pretty(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    jv *v = arg_json(ctx, &a, argv, 0);
    if (v) {
        strbuf out;
        strbuf_init(&out);
        pretty(&out, v, 0);
        fnu_result_text(ctx, &out);
    }
    arena_free(&a);
}

/* ---------------------------------------------------------------- builders */

/* A builder argument (already to_json text; SQL NULL is JSON null). */
static void put_fragment(strbuf *out, sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        strbuf_puts(out, "null");
    else
        strbuf_append(out, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
}

/* An object key from its to_json text: strings unquoted, other scalars as written. */
static bool put_key(sqlite3_context *ctx, strbuf *out, sqlite3_value *v, int argno)
{
    if (sqlite3_value_type(v) == SQLITE_NULL) {
        sqlite_fn_error(ctx, "22004", "argument %d cannot be null", argno);
        return false;
    }
    const char *s = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    if (n && (s[0] == '{' || s[0] == '[')) {
        sqlite_fn_error(ctx, "22023", "key value must be scalar, not array, composite, or json");
        return false;
    }
    if (n && s[0] == '"') {
        strbuf_append(out, s, n);
        return true;
    }
    jv_write_string(out, s, n);
    return true;
}

static bool build_object_text(sqlite3_context *ctx, int argc, sqlite3_value **argv, strbuf *out, bool spaced)
{
    if (argc % 2) {
        sqlite_fn_error(ctx, "22023", "argument list must have even number of elements");
        return false;
    }
    strbuf_putc(out, '{');
    for (int i = 0; i < argc; i += 2) {
        if (i)
            strbuf_puts(out, ", ");
        if (!put_key(ctx, out, argv[i], i + 1))
            return false;
        strbuf_puts(out, spaced ? " : " : ": ");
        put_fragment(out, argv[i + 1]);
    }
    strbuf_putc(out, '}');
    return true;
}

static void result_normalized(sqlite3_context *ctx, strbuf *text)
{
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *v;
    if (text->failed) {
        sqlite3_result_error_nomem(ctx);
    } else if (!jv_parse(&a, text->data ? text->data : "", text->len, &v, &err)) {
        sqlite_fn_pg_error(ctx, &err);
    } else {
        result_jsonb(ctx, v);
    }
    arena_free(&a);
    strbuf_free(text);
}

static void fn_json_build_object(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    if (build_object_text(ctx, argc, argv, &out, true))
        fnu_result_text(ctx, &out);
    else
        strbuf_free(&out);
}

/* pgw_json_row(name, json, ...): a record as row_to_json writes it, without spaces */
static void fn_json_row(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '{');
    for (int i = 0; i + 1 < argc; i += 2) {
        if (i)
            strbuf_putc(&out, ',');
        if (!put_key(ctx, &out, argv[i], i + 1)) {
            strbuf_free(&out);
            return;
        }
        strbuf_putc(&out, ':');
        put_fragment(&out, argv[i + 1]);
    }
    strbuf_putc(&out, '}');
    fnu_result_text(ctx, &out);
}

static void fn_jsonb_build_object(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    if (build_object_text(ctx, argc, argv, &out, false))
        result_normalized(ctx, &out);
    else
        strbuf_free(&out);
}

static void build_array_text(int argc, sqlite3_value **argv, strbuf *out)
{
    strbuf_putc(out, '[');
    for (int i = 0; i < argc; i++) {
        if (i)
            strbuf_puts(out, ", ");
        put_fragment(out, argv[i]);
    }
    strbuf_putc(out, ']');
}

static void fn_json_build_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    build_array_text(argc, argv, &out);
    fnu_result_text(ctx, &out);
}

static void fn_jsonb_build_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    build_array_text(argc, argv, &out);
    result_normalized(ctx, &out);
}

/* json_object(text[]) / json_object(keys text[], values text[]) */
static void object_from_arrays(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool jsonb)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *k = NULL, *vals = NULL;
    if (!fnu_array_parse(&a, argv[0], &k, &err) || (argc > 1 && !fnu_array_parse(&a, argv[1], &vals, &err))) {
        sqlite_fn_pg_error(ctx, &err);
        arena_free(&a);
        return;
    }
    int n = argc > 1 ? k->n : k->n / 2;
    if ((argc == 1 && k->n % 2) || (argc > 1 && k->n != vals->n)) {
        sqlite_fn_error(ctx, argc == 1 ? "2202E" : "22023",
                        argc == 1 ? "array must have even number of elements" : "mismatched array dimensions");
        arena_free(&a);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '{');
    for (int i = 0; i < n; i++) {
        jv *key = argc > 1 ? k->items[i] : k->items[2 * i];
        jv *val = argc > 1 ? vals->items[i] : k->items[2 * i + 1];
        if (key->kind == JV_NULL) {
            strbuf_free(&out);
            sqlite_fn_error(ctx, "22004", "null value not allowed for object key");
            arena_free(&a);
            return;
        }
        if (i)
            strbuf_puts(&out, ", ");
        jv_write_string(&out, key->s, key->len);
        strbuf_puts(&out, " : ");
        if (val->kind == JV_NULL)
            strbuf_puts(&out, "null");
        else
            jv_write_string(&out, val->s, val->len);
    }
    strbuf_putc(&out, '}');
    arena_free(&a);
    if (jsonb)
        result_normalized(ctx, &out);
    else
        fnu_result_text(ctx, &out);
}

static void fn_json_object(sqlite3_context *ctx, int argc, sqlite3_value **argv) { object_from_arrays(ctx, argc, argv, false); }
static void fn_jsonb_object(sqlite3_context *ctx, int argc, sqlite3_value **argv) { object_from_arrays(ctx, argc, argv, true); }

/* ---------------------------------------------------------------- registration */

typedef struct json_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    bool deterministic;
} json_fn;

static const json_fn json_functions[] = {
    {"pgw_to_json", 3, fn_to_json, false},
    {"pgw_json_to_jsonb", 1, fn_json_to_jsonb, true},
    {"pgw_jsonb_get", 2, fn_get, true},
    {"pgw_jsonb_get_text", 2, fn_get_text, true},
    {"pgw_jsonb_path", 2, fn_path, true},
    {"pgw_jsonb_path_text", 2, fn_path_text, true},
    {"pgw_jsonb_extract_path", -1, fn_extract_path, true},
    {"pgw_jsonb_extract_path_text", -1, fn_extract_path_text, true},
    {"pgw_jsonb_contains", 2, fn_contains, true},
    {"pgw_jsonb_exists", 2, fn_exists, true},
    {"pgw_jsonb_exists_any", 2, fn_exists_any, true},
    {"pgw_jsonb_exists_all", 2, fn_exists_all, true},
    {"pgw_jsonb_typeof", 1, fn_typeof, true},
    {"pgw_json_array_length", 1, fn_array_length, true},
    {"pgw_jsonb_concat", 2, fn_concat, true},
    {"pgw_jsonb_delete", 2, fn_delete, true},
    {"pgw_jsonb_delete", 3, fn_delete, true},
    {"pgw_jsonb_delete_path", 2, fn_delete_path, true},
    {"pgw_jsonb_set", 4, fn_set, true},
    {"pgw_jsonb_insert", 4, fn_insert, true},
    {"pgw_jsonb_strip_nulls", 1, fn_strip_nulls, true},
    {"pgw_jsonb_pretty", 1, fn_pretty, true},
    {"pgw_json_build_object", -1, fn_json_build_object, true},
    {"pgw_json_row", -1, fn_json_row, true},
    {"pgw_jsonb_build_object", -1, fn_jsonb_build_object, true},
    {"pgw_json_build_array", -1, fn_json_build_array, true},
    {"pgw_jsonb_build_array", -1, fn_jsonb_build_array, true},
    {"pgw_json_object", 1, fn_json_object, true},
    {"pgw_json_object", 2, fn_json_object, true},
    {"pgw_jsonb_object", 1, fn_jsonb_object, true},
    {"pgw_jsonb_object", 2, fn_jsonb_object, true},
};

int sqlite_register_json(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(json_functions); i++) {
        const json_fn *f = &json_functions[i];
        int flags = SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0);
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, flags, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
