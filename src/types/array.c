/*
 * array.c — one-dimensional arrays of any type with a codec: PostgreSQL's text form
 * ({1,2,"a b",NULL,"\"q\""}) and binary form (ndim, has-null flag, element OID, dimension and
 * lower bound, then int32 length + bytes per element, -1 for NULL), to and from the storage
 * form: a JSON array of the elements' storage forms (null; INT/FLOAT as numbers, with float
 * NaN/Infinity/-Infinity as the strings "NaN", "Infinity", "-Infinity" since JSON has no such
 * numbers; TEXT as strings; BLOB as "\x…" hex strings).
 *
 * Two work buffers are allocated per array value (not per element).  Multi-dimensional
 * arrays and lower bounds other than 1 are refused (0A000): the storage form has neither.
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

static const char hexdigits[] = "0123456789abcdef";

static void json_string(strbuf *out, const char *p, size_t n)
{
    strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') {
            strbuf_putc(out, '\\');
            strbuf_putc(out, (char)c);
        } else if (c < 0x20) {
            strbuf_printf(out, "\\u%04x", c);
        } else {
            strbuf_putc(out, (char)c);
        }
    }
    strbuf_putc(out, '"');
}

/* Append one element's storage value as JSON. */
static void json_element(strbuf *out, const sql_value *v)
{
    switch (v->kind) {
    case VALUE_NULL:
        strbuf_puts(out, "null");
        break;
    case VALUE_INT:
        types_append_int64(out, v->i);
        break;
    case VALUE_FLOAT:
        if (isnan(v->f))
            strbuf_puts(out, "\"NaN\"");
        else if (isinf(v->f))
            strbuf_puts(out, v->f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        else {
            char buf[40];
            strbuf_append(out, buf, types_float8_shortest(v->f, buf));
        }
        break;
    case VALUE_TEXT:
        json_string(out, v->ptr, v->len);
        break;
    case VALUE_BLOB:
        strbuf_puts(out, "\"\\\\x");
        for (size_t i = 0; i < v->len; i++) {
            unsigned char c = (unsigned char)v->ptr[i];
            strbuf_putc(out, hexdigits[c >> 4]);
            strbuf_putc(out, hexdigits[c & 15]);
        }
        strbuf_putc(out, '"');
        break;
    }
}

/* ---------------------------------------------------------------- reading the storage form */

typedef struct jreader {
    const char *p;
    size_t n, i;
} jreader;

static void jskip(jreader *r)
{
    while (r->i < r->n && types_isspace(r->p[r->i]))
        r->i++;
}

/* Decode a JSON string at r->i (on the quote) into buf. */
static bool jstring(jreader *r, strbuf *buf)
{
    r->i++;
    while (r->i < r->n && r->p[r->i] != '"') {
        char c = r->p[r->i++];
        if (c != '\\') {
            strbuf_putc(buf, c);
            continue;
        }
        if (r->i >= r->n)
            return false;
        char e = r->p[r->i++];
        switch (e) {
        case 'b': strbuf_putc(buf, '\b'); break;
        case 'f': strbuf_putc(buf, '\f'); break;
        case 'n': strbuf_putc(buf, '\n'); break;
        case 'r': strbuf_putc(buf, '\r'); break;
        case 't': strbuf_putc(buf, '\t'); break;
        case 'u': {
            uint32_t cp = 0;
            for (int k = 0; k < 4; k++) {
                int h = r->i < r->n ? types_hexval(r->p[r->i++]) : -1;
                if (h < 0)
                    return false;
                cp = (cp << 4) | (uint32_t)h;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF && r->i + 6 <= r->n && r->p[r->i] == '\\' && r->p[r->i + 1] == 'u') {
                uint32_t lo = 0;
                for (int k = 0; k < 4; k++) {
                    int h = types_hexval(r->p[r->i + 2 + k]);
                    if (h < 0)
                        return false;
                    lo = (lo << 4) | (uint32_t)h;
                }
                r->i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            char u[4];
            size_t len;
            if (cp < 0x80) { u[0] = (char)cp; len = 1; }
            else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); len = 2; }
            else if (cp < 0x10000) { u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F)); len = 3; }
            else { u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); len = 4; }
            strbuf_append(buf, u, len);
            break;
        }
        default: strbuf_putc(buf, e); break;
        }
    }
    if (r->i >= r->n)
        return false;
    r->i++;
    return true;
}

/*
 * Next element of the stored JSON array as a storage value of class `storage`; decoded bytes
 * go to `buf` (reset per element).  Returns 0 at the end, 1 for an element, -1 if malformed.
 */
static int next_element(jreader *r, storage_class storage, bool first, strbuf *buf, sql_value *v)
{
    jskip(r);
    if (r->i >= r->n)
        return -1;
    if (r->p[r->i] == ']') {
        r->i++;
        return 0;
    }
    if (!first) {
        if (r->p[r->i] != ',')
            return -1;
        r->i++;
        jskip(r);
    }
    strbuf_reset(buf);
    char c = r->i < r->n ? r->p[r->i] : 0;
    if (c == 'n' && r->i + 4 <= r->n && memcmp(r->p + r->i, "null", 4) == 0) {
        r->i += 4;
        *v = value_null();
        return 1;
    }
    if (c == 't' && r->i + 4 <= r->n && memcmp(r->p + r->i, "true", 4) == 0) {
        r->i += 4;
        *v = value_int(1);
        return 1;
    }
    if (c == 'f' && r->i + 5 <= r->n && memcmp(r->p + r->i, "false", 5) == 0) {
        r->i += 5;
        *v = value_int(0);
        return 1;
    }
    if (c == '"') {
        if (!jstring(r, buf) || buf->failed)
            return -1;
        if (storage == STORAGE_FLOAT) {
            double d;
            pg_error e = {0};
            bool ok = types_parse_float8(buf->data, buf->len, &d, &e);
            pg_error_clear(&e);
            if (!ok)
                return -1;
            *v = value_float(d);
        } else if (storage == STORAGE_BLOB) {
            if (buf->len < 2 || buf->data[0] != '\\' || buf->data[1] != 'x' || buf->len % 2)
                return -1;
            size_t nb = (buf->len - 2) / 2;
            for (size_t k = 0; k < nb; k++) {
                int hi = types_hexval(buf->data[2 + 2 * k]), lo = types_hexval(buf->data[3 + 2 * k]);
                if (hi < 0 || lo < 0)
                    return -1;
                buf->data[k] = (char)((hi << 4) | lo);
            }
            buf->len = nb;
            *v = value_blob(buf->data, nb);
        } else if (storage == STORAGE_INT) {
            int64_t i;
            pg_error e = {0};
            bool ok = types_parse_int(buf->data, buf->len, 64, &i, &e);
            pg_error_clear(&e);
            if (!ok)
                return -1;
            *v = value_int(i);
        } else {
            *v = value_text(buf->data ? buf->data : "", buf->len);
        }
        return 1;
    }
    size_t start = r->i;
    bool integral = true;
    while (r->i < r->n && (types_isdigit(r->p[r->i]) || r->p[r->i] == '-' || r->p[r->i] == '+' || r->p[r->i] == '.' ||
                           r->p[r->i] == 'e' || r->p[r->i] == 'E')) {
        if (!types_isdigit(r->p[r->i]) && r->p[r->i] != '-')
            integral = false;
        r->i++;
    }
    if (r->i == start)
        return -1;
    strbuf_append(buf, r->p + start, r->i - start);
    if (buf->failed)
        return -1;
    if (storage == STORAGE_TEXT || storage == STORAGE_BLOB) {
        *v = value_text(buf->data, buf->len);
        return 1;
    }
    pg_error e = {0};
    if (integral && storage == STORAGE_INT) {
        int64_t i;
        bool ok = types_parse_int(buf->data, buf->len, 64, &i, &e);
        pg_error_clear(&e);
        if (ok) {
            *v = value_int(i);
            return 1;
        }
    }
    double d;
    bool ok = types_parse_float8(buf->data, buf->len, &d, &e);
    pg_error_clear(&e);
    if (!ok)
        return -1;
    *v = value_float(d);
    return 1;
}

static bool bad_storage(pg_error *err)
{
    pg_error_set(err, "XX000", "array value is not in storage form");
    return false;
}

static bool open_array(const sql_value *v, jreader *r, pg_error *err)
{
    if (v->kind != VALUE_TEXT && v->kind != VALUE_BLOB)
        return bad_storage(err);
    r->p = v->ptr ? v->ptr : "";
    r->n = v->len;
    r->i = 0;
    jskip(r);
    if (r->i >= r->n || r->p[r->i] != '[')
        return bad_storage(err);
    r->i++;
    return true;
}

static bool needs_quotes(const char *p, size_t n, char delim)
{
    if (n == 0 || (n == 4 && types_word_eq(p, 4, "null")))
        return true;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == delim || types_isspace(c))
            return true;
    }
    return false;
}

bool types_array_text_out(const type_settings *s, const pg_type_info *elem, int32_t typmod, const sql_value *v,
                          strbuf *out, pg_error *err)
{
    jreader r;
    if (!open_array(v, &r, err))
        return false;
    strbuf buf, text;
    strbuf_init(&buf);
    strbuf_init(&text);
    bool ok = true;
    char delim = elem->typdelim;
    strbuf_putc(out, '{');
    for (bool first = true;; first = false) {
        sql_value ev;
        int got = next_element(&r, elem->storage, first, &buf, &ev);
        if (got == 0)
            break;
        if (got < 0) {
            ok = bad_storage(err);
            break;
        }
        if (!first)
            strbuf_putc(out, delim);
        if (ev.kind == VALUE_NULL) {
            strbuf_puts(out, "NULL");
            continue;
        }
        strbuf_reset(&text);
        if (!types_text_out(s, elem->oid, typmod, &ev, &text, err)) {
            ok = false;
            break;
        }
        const char *t = text.data ? text.data : "";
        if (!needs_quotes(t, text.len, delim)) {
            strbuf_append(out, t, text.len);
            continue;
        }
        strbuf_putc(out, '"');
        for (size_t i = 0; i < text.len; i++) {
            if (t[i] == '"' || t[i] == '\\')
                strbuf_putc(out, '\\');
            strbuf_putc(out, t[i]);
        }
        strbuf_putc(out, '"');
    }
    strbuf_putc(out, '}');
    if (ok && (buf.failed || text.failed)) {
        pg_error_oom(err);
        ok = false;
    }
    strbuf_free(&buf);
    strbuf_free(&text);
    return ok;
}

/* ---------------------------------------------------------------- text input */

static bool malformed(pg_error *err, const char *p, size_t n, const char *detail)
{
    pg_error_set(err, "22P02", "malformed array literal: \"%.*s\"", (int)n, p);
    pg_error_detail(err, "%s", detail);
    return false;
}

static bool unsupported_dims(pg_error *err)
{
    pg_error_set(err, "0A000", "multidimensional arrays and lower bounds other than 1 are not supported");
    return false;
}

/*
 * A literal whose first element is a sub-array: check it the way array_in would, so that a
 * malformed one gets PostgreSQL's 22P02 and DETAIL, and only a well-formed multidimensional
 * array gets our 0A000.  `i` is just past the outer '{'.  Returns the error detail, or NULL
 * when the literal is a valid multidimensional array.
 */
typedef struct dim_check {
    const char *p;
    size_t n, i;
    char delim;
    int counts[7];   /* elements per level seen in the first sub-array at that level */
    bool seen[7];
} dim_check;

static const char *check_level(dim_check *c, int level)
{
    if (level + 2 > 6)   /* the outer braces are the first dimension, this level the (level+2)th */
        return "too many dimensions";
    int count = 0;
    int kind = 0;   /* 1 sub-arrays, 2 scalars */
    for (;;) {
        while (c->i < c->n && types_isspace(c->p[c->i]))
            c->i++;
        if (c->i >= c->n)
            return "Unexpected end of input.";
        char ch = c->p[c->i];
        if (ch == '}') {
            if (count == 0 || kind == 0)
                return "Unexpected \"}\" character.";
            c->i++;
            break;
        }
        if (ch == c->delim)
            return "Unexpected \",\" character.";
        if (ch == '{') {
            if (kind == 2)
                return "Unexpected \"{\" character.";
            kind = 1;
            c->i++;
            const char *e = check_level(c, level + 1);
            if (e)
                return e;
        } else {
            if (kind == 1)
                return "Unexpected array element.";
            kind = 2;
            bool quoted = false;
            while (c->i < c->n) {
                ch = c->p[c->i];
                if (ch == '\\') {
                    c->i += 2;
                    continue;
                }
                if (ch == '"')
                    quoted = !quoted;
                else if (!quoted && (ch == c->delim || ch == '}'))
                    break;
                else if (!quoted && ch == '{')
                    return "Unexpected \"{\" character.";
                c->i++;
            }
            if (c->i >= c->n)
                return "Unexpected end of input.";
        }
        count++;
        while (c->i < c->n && types_isspace(c->p[c->i]))
            c->i++;
        if (c->i < c->n && c->p[c->i] == c->delim) {
            c->i++;
            continue;
        }
        if (c->i < c->n && c->p[c->i] == '}') {
            c->i++;
            break;
        }
        if (c->i >= c->n)
            return "Unexpected end of input.";
        return kind == 1 ? "Unexpected array element." : "Unexpected \"{\" character.";
    }
    if (c->seen[level] && c->counts[level] != count)
        return "Multidimensional arrays must have sub-arrays with matching dimensions.";
    c->seen[level] = true;
    c->counts[level] = count;
    return NULL;
}

static bool multidim_literal(const char *p, size_t n, size_t i, char delim, pg_error *err)
{
    dim_check c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.n = n;
    c.i = i;
    c.delim = delim;
    const char *detail = check_level(&c, 0);
    if (!detail) {
        while (c.i < n && types_isspace(p[c.i]))
            c.i++;
        if (c.i != n)
            detail = "Junk after closing right brace.";
    }
    if (detail && strcmp(detail, "too many dimensions") == 0) {
        pg_error_set(err, "54000", "number of array dimensions (%d) exceeds the maximum allowed (%d)", 7, 6);
        return false;
    }
    if (detail)
        return malformed(err, p, n, detail);
    return unsupported_dims(err);
}

bool types_array_text_in(const type_settings *s, const pg_type_info *elem, int32_t typmod, const char *p, size_t n,
                         sql_value *out, strbuf *scratch, pg_error *err)
{
    size_t i = 0;
    char delim = elem->typdelim;
    while (i < n && types_isspace(p[i]))
        i++;
    if (i < n && p[i] == '[') {
        /* "[lb:ub]=" dimension decoration: only [1:n] of one dimension fits the storage form */
        size_t j = i + 1;
        long lb = 1, ub = 0;
        bool neg = false;
        if (j < n && (p[j] == '-' || p[j] == '+'))
            neg = p[j++] == '-';
        if (j >= n || !types_isdigit(p[j]))
            return malformed(err, p, n, "\"[\" must introduce explicitly-specified array dimensions.");
        lb = 0;
        while (j < n && types_isdigit(p[j])) {
            if (lb < 100000000)
                lb = lb * 10 + (p[j] - '0');
            j++;
        }
        if (neg)
            lb = -lb;
        if (j < n && p[j] == ':') {
            j++;
            while (j < n && types_isdigit(p[j])) {
                if (ub < 100000000)
                    ub = ub * 10 + (p[j] - '0');
                j++;
            }
        } else {
            ub = lb;
            lb = 1;
        }
        if (j >= n || p[j] != ']')
            return malformed(err, p, n, "Missing \"]\" after array dimensions.");
        j++;
        if (j < n && p[j] == '[')
            return unsupported_dims(err);
        if (j >= n || p[j] != '=')
            return malformed(err, p, n, "Missing \"=\" after array dimensions.");
        if (lb != 1)
            return unsupported_dims(err);
        UNUSED(ub);
        i = j + 1;
        while (i < n && types_isspace(p[i]))
            i++;
    }
    if (i >= n || p[i] != '{')
        return malformed(err, p, n, "Array value must start with \"{\" or dimension information.");
    i++;
    strbuf elem_scratch, text;
    strbuf_init(&elem_scratch);
    strbuf_init(&text);
    size_t start = scratch->len;
    strbuf_putc(scratch, '[');
    bool ok = true, closed = false, first = true;
    while (ok) {
        while (i < n && types_isspace(p[i]))
            i++;
        if (i >= n) {
            ok = malformed(err, p, n, "Unexpected end of input.");
            break;
        }
        if (p[i] == '}' && first) {
            i++;
            closed = true;
            break;
        }
        if (p[i] == '{') {
            ok = first ? multidim_literal(p, n, i, delim, err) : malformed(err, p, n, "Unexpected \"{\" character.");
            break;
        }
        /* One element: quoted parts, backslash escapes, unquoted text with outer spaces cut. */
        strbuf_reset(&text);
        bool quoted_any = false, escaped_any = false, in_quotes = false;
        size_t trailing_ws_keep = 0;   /* length of text up to the last non-space unquoted byte */
        while (i < n) {
            char c = p[i];
            if (c == '\\') {
                if (i + 1 >= n)
                    break;
                strbuf_putc(&text, p[i + 1]);
                i += 2;
                escaped_any = true;
                trailing_ws_keep = text.len;
                continue;
            }
            if (c == '"') {
                in_quotes = !in_quotes;
                quoted_any = true;
                i++;
                trailing_ws_keep = text.len;
                continue;
            }
            if (!in_quotes && (c == delim || c == '}'))
                break;
            if (!in_quotes && c == '{') {
                ok = malformed(err, p, n, "Unexpected \"{\" character.");
                break;
            }
            strbuf_putc(&text, c);
            i++;
            if (in_quotes || !types_isspace(c))
                trailing_ws_keep = text.len;
        }
        if (!ok)
            break;
        if (i >= n || in_quotes) {
            ok = malformed(err, p, n, "Unexpected end of input.");
            break;
        }
        text.len = trailing_ws_keep;
        if (text.data)
            text.data[text.len] = 0;
        if (!quoted_any && !escaped_any && text.len == 0) {
            ok = malformed(err, p, n, p[i] == '}' ? "Unexpected \"}\" character." : "Unexpected \",\" character.");
            break;
        }
        if (!first)
            strbuf_putc(scratch, ',');
        first = false;
        if (!quoted_any && !escaped_any && text.len == 4 && types_word_eq(text.data, 4, "null")) {
            strbuf_puts(scratch, "null");
        } else {
            sql_value ev;
            strbuf_reset(&elem_scratch);
            if (!types_text_in(s, elem->oid, typmod, text.data ? text.data : "", text.len, &ev, &elem_scratch, err)) {
                ok = false;
                break;
            }
            json_element(scratch, &ev);
        }
        char sep = p[i++];
        if (sep == '}') {
            closed = true;
            break;
        }
    }
    if (ok && closed) {
        while (i < n && types_isspace(p[i]))
            i++;
        if (i != n)
            ok = malformed(err, p, n, "Junk after closing right brace.");
    }
    strbuf_putc(scratch, ']');
    if (ok && (scratch->failed || elem_scratch.failed || text.failed)) {
        pg_error_oom(err);
        ok = false;
    }
    strbuf_free(&elem_scratch);
    strbuf_free(&text);
    if (!ok) {
        if (!scratch->failed) {
            scratch->len = start;
            if (scratch->data)
                scratch->data[start] = 0;
        }
        return false;
    }
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

/* ---------------------------------------------------------------- binary */

bool types_array_binary_out(const type_settings *s, const pg_type_info *elem, int32_t typmod, const sql_value *v,
                            strbuf *out, pg_error *err)
{
    jreader r;
    if (!open_array(v, &r, err))
        return false;
    strbuf buf;
    strbuf_init(&buf);
    /* Header first with placeholders for the count and the NULL flag, patched at the end. */
    size_t header = out->len;
    bin_put_i32(out, 1);
    bin_put_i32(out, 0);
    bin_put_i32(out, (int32_t)elem->oid);
    size_t dims_at = out->len;
    bin_put_i32(out, 0);
    bin_put_i32(out, 1);
    int32_t count = 0;
    bool has_null = false, ok = true;
    for (bool first = true;; first = false) {
        sql_value ev;
        int got = next_element(&r, elem->storage, first, &buf, &ev);
        if (got == 0)
            break;
        if (got < 0) {
            ok = bad_storage(err);
            break;
        }
        count++;
        if (ev.kind == VALUE_NULL) {
            has_null = true;
            bin_put_i32(out, -1);
            continue;
        }
        size_t len_at = out->len;
        bin_put_i32(out, 0);
        if (!types_binary_out(s, elem->oid, typmod, &ev, out, err)) {
            ok = false;
            break;
        }
        if (!out->failed) {
            uint32_t len = (uint32_t)(out->len - len_at - 4);
            unsigned char *q = (unsigned char *)out->data + len_at;
            q[0] = (unsigned char)(len >> 24);
            q[1] = (unsigned char)(len >> 16);
            q[2] = (unsigned char)(len >> 8);
            q[3] = (unsigned char)len;
        }
    }
    strbuf_free(&buf);
    if (!ok || out->failed)
        return ok ? (pg_error_oom(err), false) : false;
    unsigned char *h = (unsigned char *)out->data + header;
    if (count == 0) {
        /* An empty array has no dimensions: ndim 0 and no dimension words. */
        h[3] = 0;
        memmove(out->data + dims_at, out->data + dims_at + 8, out->len - dims_at - 8);
        out->len -= 8;
        out->data[out->len] = 0;
        return true;
    }
    h[7] = has_null ? 1 : 0;
    unsigned char *d = (unsigned char *)out->data + dims_at;
    d[0] = (unsigned char)((uint32_t)count >> 24);
    d[1] = (unsigned char)((uint32_t)count >> 16);
    d[2] = (unsigned char)((uint32_t)count >> 8);
    d[3] = (unsigned char)count;
    return true;
}

bool types_array_binary_in(const type_settings *s, const pg_type_info *elem, int32_t typmod, const char *p, size_t n,
                           sql_value *out, strbuf *scratch, pg_error *err)
{
    bin_cursor c = {(const unsigned char *)p, n};
    int32_t ndim, flags, elem_oid;
    if (!bin_get_i32(&c, &ndim) || !bin_get_i32(&c, &flags) || !bin_get_i32(&c, &elem_oid))
        return types_err_insufficient(err);
    if (ndim < 0) {
        pg_error_set(err, "22P03", "invalid number of dimensions: %d", ndim);
        return false;
    }
    if (ndim > 6) {
        pg_error_set(err, "54000", "number of array dimensions (%d) exceeds the maximum allowed (%d)", ndim, 6);
        return false;
    }
    if (flags != 0 && flags != 1) {
        pg_error_set(err, "22P03", "invalid array flags");
        return false;
    }
    if ((pg_oid)elem_oid != elem->oid) {
        strbuf a, b;
        strbuf_init(&a);
        strbuf_init(&b);
        types_format_type((pg_oid)elem_oid, -1, &a);
        types_format_type(elem->oid, -1, &b);
        pg_error_set(err, "42804", "binary data has array element type %u (%s) instead of expected %u (%s)",
                     (unsigned)elem_oid, a.failed ? "?" : a.data, (unsigned)elem->oid, b.failed ? "?" : b.data);
        strbuf_free(&a);
        strbuf_free(&b);
        return false;
    }
    int32_t count = 0;
    if (ndim > 1)
        return unsupported_dims(err);
    if (ndim == 1) {
        int32_t lbound;
        if (!bin_get_i32(&c, &count) || !bin_get_i32(&c, &lbound))
            return types_err_insufficient(err);
        /* PostgreSQL's MaxArraySize: MaxAllocSize / sizeof(Datum). */
        if (count < 0 || count > 0x3FFFFFFF / 8) {
            pg_error_set(err, "54000", "array size exceeds the maximum allowed (%d)", (int)(0x3FFFFFFF / 8));
            return false;
        }
        if (lbound != 1 && count > 0)
            return unsupported_dims(err);
    }
    strbuf elem_scratch;
    strbuf_init(&elem_scratch);
    size_t start = scratch->len;
    strbuf_putc(scratch, '[');
    bool ok = true;
    for (int32_t k = 0; k < count && ok; k++) {
        int32_t len;
        if (!bin_get_i32(&c, &len)) {
            ok = types_err_insufficient(err);
            break;
        }
        if (len < -1 || (len >= 0 && (size_t)len > c.left)) {
            /* array_recv's own check says it with 22P03, not pq_getmsg*'s 08P01 */
            pg_error_set(err, "22P03", "insufficient data left in message");
            ok = false;
            break;
        }
        if (k)
            strbuf_putc(scratch, ',');
        if (len == -1) {
            strbuf_puts(scratch, "null");
            continue;
        }
        sql_value ev;
        strbuf_reset(&elem_scratch);
        pg_error sub = {0};
        if (!types_binary_in(s, elem->oid, typmod, (const char *)c.p, (size_t)len, &ev, &elem_scratch, &sub)) {
            if (strcmp(sub.sqlstate, "22P03") == 0 && sub.message && strcmp(sub.message, "incorrect binary data format") == 0) {
                pg_error_clear(&sub);
                pg_error_set(err, "22P03", "improper binary format in array element %d", k + 1);
            } else {
                pg_error_move(err, &sub);
            }
            ok = false;
            break;
        }
        c.p += len;
        c.left -= (size_t)len;
        json_element(scratch, &ev);
    }
    if (ok && c.left)
        ok = types_err_binary(err);
    strbuf_putc(scratch, ']');
    if (ok && (scratch->failed || elem_scratch.failed)) {
        pg_error_oom(err);
        ok = false;
    }
    strbuf_free(&elem_scratch);
    if (!ok) {
        if (!scratch->failed) {
            scratch->len = start;
            if (scratch->data)
                scratch->data[start] = 0;
        }
        return false;
    }
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}
