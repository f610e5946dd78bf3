/*
 * sqlite_fn_util.c — helpers of the pgw_* engine functions: UTF-8, results, the JSON tree
 * used for json/jsonb values and for arrays (whose storage form is a JSON array), jsonb's
 * canonical output.
 *
 * Invariants: a jv tree never outlives the arena it was built in; the parser accepts
 * exactly PostgreSQL's json grammar (RFC 8259 values, any value at the top level).
 */
#include "backend/sqlite_fn_util.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* ---------------------------------------------------------------- UTF-8 */

int fnu_utf8_decode(const unsigned char *s, int n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len == 1 || len > n) {
        *cp = c;
        return 1;
    }
    uint32_t v = c & (0x3Fu >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

int fnu_utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

void fnu_utf8_put(strbuf *b, uint32_t cp)
{
    unsigned char enc[4];
    int n = fnu_utf8_encode(cp, enc);
    strbuf_append(b, enc, (size_t)n);
}

int fnu_utf8_chars(const char *s, int n)
{
    int chars = 0;
    for (int i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

int fnu_utf8_offset(const char *s, int n, int chars)
{
    int i = 0;
    while (i < n && chars > 0) {
        uint32_t cp;
        i += fnu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        chars--;
    }
    return i;
}

/* PostgreSQL's oracle runs with LC_CTYPE C.UTF-8: case maps and classes are glibc's tables
 * for that locale.  The locale object is made once and only read afterwards. */
static pthread_once_t locale_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void make_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t loc(void)
{
    pthread_once(&locale_once, make_locale);
    return utf8_locale;
}

uint32_t fnu_lower(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    locale_t l = loc();
    return l ? (uint32_t)towlower_l((wint_t)cp, l) : cp;
}

uint32_t fnu_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
    locale_t l = loc();
    return l ? (uint32_t)towupper_l((wint_t)cp, l) : cp;
}

bool fnu_isalnum(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    locale_t l = loc();
    return l && iswalnum_l((wint_t)cp, l);
}

/* ---------------------------------------------------------------- results */

void fnu_result_text(sqlite3_context *ctx, strbuf *b)
{
    if (b->failed) {
        strbuf_free(b);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text64(ctx, b->data ? b->data : "", b->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    strbuf_free(b);
}

void fnu_result_blob(sqlite3_context *ctx, strbuf *b)
{
    if (b->failed) {
        strbuf_free(b);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_blob64(ctx, b->data ? b->data : "", b->len, SQLITE_TRANSIENT);
    strbuf_free(b);
}

bool fnu_null_args(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(ctx);
            return true;
        }
    return false;
}

const type_settings *fnu_settings(sqlite3_context *ctx, type_settings *fallback)
{
    engine_context *ec = sqlite_fn_context(ctx);
    if (ec && ec->settings)
        return ec->settings;
    type_settings_default(fallback);
    return fallback;
}

/* ---------------------------------------------------------------- JSON parsing */

typedef struct jparser {
    arena *a;
    const char *p, *end, *start;
    pg_error *err;
    int depth;
} jparser;

static bool jfail(jparser *jp)
{
    if (!pg_error_is_set(jp->err)) {
        pg_error_set(jp->err, "22P02", "invalid input syntax for type json");
        if (jp->p >= jp->end)
            pg_error_detail(jp->err, "The input string ended unexpectedly.");
        else
            pg_error_detail(jp->err, "Token \"%.*s\" is invalid.", (int)(jp->end - jp->p > 20 ? 1 : jp->end - jp->p),
                            jp->p);
    }
    return false;
}

static void jskip(jparser *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

jv *jv_new(arena *a, jv_kind kind)
{
    jv *v = arena_zalloc(a, sizeof *v);
    if (v)
        v->kind = kind;
    return v;
}

bool jv_push(arena *a, jv *c, const char *key, size_t klen, jv *value)
{
    if ((c->n & (c->n - 1)) == 0) {   /* grow at powers of two */
        int cap = c->n ? c->n * 2 : 4;
        jv **items = arena_alloc(a, sizeof *items * (size_t)cap);
        if (!items)
            return false;
        if (c->n)
            memcpy(items, c->items, sizeof *items * (size_t)c->n);
        c->items = items;
        if (c->kind == JV_OBJECT) {
            const char **keys = arena_alloc(a, sizeof *keys * (size_t)cap);
            size_t *klens = arena_alloc(a, sizeof *klens * (size_t)cap);
            if (!keys || !klens)
                return false;
            if (c->n) {
                memcpy(keys, c->keys, sizeof *keys * (size_t)c->n);
                memcpy(klens, c->klens, sizeof *klens * (size_t)c->n);
            }
            c->keys = keys;
            c->klens = klens;
        }
    }
    if (c->kind == JV_OBJECT) {
        c->keys[c->n] = key;
        c->klens[c->n] = klen;
    }
    c->items[c->n++] = value;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool jstring(jparser *jp, const char **out, size_t *outlen)
{
    jp->p++;   /* opening quote */
    const char *s = jp->p;
    bool plain = true;
    while (jp->p < jp->end && *jp->p != '"') {
        if ((unsigned char)*jp->p < 0x20)
            return jfail(jp);
        if (*jp->p == '\\') {
            plain = false;
            jp->p++;
            if (jp->p >= jp->end)
                return jfail(jp);
        }
        jp->p++;
    }
    if (jp->p >= jp->end)
        return jfail(jp);
    const char *e = jp->p;
    jp->p++;
    if (plain) {
        *out = s;
        *outlen = (size_t)(e - s);
        return true;
    }
    strbuf b;
    strbuf_init(&b);
    for (const char *q = s; q < e; q++) {
        if (*q != '\\') {
            strbuf_putc(&b, *q);
            continue;
        }
        q++;
        switch (*q) {
        case '"': strbuf_putc(&b, '"'); break;
        case '\\': strbuf_putc(&b, '\\'); break;
        case '/': strbuf_putc(&b, '/'); break;
        case 'b': strbuf_putc(&b, '\b'); break;
        case 'f': strbuf_putc(&b, '\f'); break;
        case 'n': strbuf_putc(&b, '\n'); break;
        case 'r': strbuf_putc(&b, '\r'); break;
        case 't': strbuf_putc(&b, '\t'); break;
        case 'u': {
            uint32_t cp = 0;
            for (int i = 1; i <= 4; i++) {
                int h = q + i < e ? hexval(q[i]) : -1;
                if (h < 0) {
                    strbuf_free(&b);
                    jp->p = q;
                    pg_error_set(jp->err, "22P02", "invalid input syntax for type json");
                    pg_error_detail(jp->err, "\"\\u\" must be followed by four hexadecimal digits.");
                    return false;
                }
                cp = cp * 16 + (uint32_t)h;
            }
            q += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && q + 6 < e && q[1] == '\\' && q[2] == 'u') {
                uint32_t lo = 0;
                bool ok = true;
                for (int i = 3; i <= 6; i++) {
                    int h = hexval(q[i]);
                    if (h < 0)
                        ok = false;
                    lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                }
            }
            if (cp == 0) {
                strbuf_free(&b);
                pg_error_set(jp->err, "22P05", "unsupported Unicode escape sequence");
                pg_error_detail(jp->err, "\\u0000 cannot be converted to text.");
                return false;
            }
            fnu_utf8_put(&b, cp);
            break;
        }
        default:
            strbuf_free(&b);
            jp->p = q;
            pg_error_set(jp->err, "22P02", "invalid input syntax for type json");
            pg_error_detail(jp->err, "Escape sequence \"\\%c\" is invalid.", *q);
            return false;
        }
    }
    if (b.failed) {
        strbuf_free(&b);
        pg_error_oom(jp->err);
        return false;
    }
    char *copy = arena_alloc(jp->a, b.len + 1);
    if (!copy) {
        strbuf_free(&b);
        pg_error_oom(jp->err);
        return false;
    }
    memcpy(copy, b.data ? b.data : "", b.len);
    copy[b.len] = 0;
    *out = copy;
    *outlen = b.len;
    strbuf_free(&b);
    return true;
}

static bool jdigits(jparser *jp)
{
    const char *s = jp->p;
    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
        jp->p++;
    return jp->p > s;
}

static jv *jvalue(jparser *jp)
{
    jskip(jp);
    if (jp->p >= jp->end) {
        jfail(jp);
        return NULL;
    }
    if (++jp->depth > 6400) {
        pg_error_set(jp->err, "54001", "stack depth limit exceeded");
        return NULL;
    }
    const char *start = jp->p;
    jv *v = NULL;
    char c = *jp->p;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        v = jv_new(jp->a, obj ? JV_OBJECT : JV_ARRAY);
        if (!v)
            goto oom;
        jp->p++;
        jskip(jp);
        if (jp->p < jp->end && *jp->p == (obj ? '}' : ']')) {
            jp->p++;
        } else {
            for (;;) {
                const char *key = NULL;
                size_t klen = 0;
                if (obj) {
                    jskip(jp);
                    if (jp->p >= jp->end || *jp->p != '"') {
                        jfail(jp);
                        return NULL;
                    }
                    if (!jstring(jp, &key, &klen))
                        return NULL;
                    jskip(jp);
                    if (jp->p >= jp->end || *jp->p != ':') {
                        jfail(jp);
                        return NULL;
                    }
                    jp->p++;
                }
                jv *item = jvalue(jp);
                if (!item)
                    return NULL;
                if (!jv_push(jp->a, v, key, klen, item))
                    goto oom;
                jskip(jp);
                if (jp->p < jp->end && *jp->p == ',') {
                    jp->p++;
                    continue;
                }
                if (jp->p < jp->end && *jp->p == (obj ? '}' : ']')) {
                    jp->p++;
                    break;
                }
                jfail(jp);
                return NULL;
            }
        }
    } else if (c == '"') {
        v = jv_new(jp->a, JV_STRING);
        if (!v)
            goto oom;
        if (!jstring(jp, &v->s, &v->len))
            return NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (c == '-')
            jp->p++;
        if (jp->p < jp->end && *jp->p == '0')
            jp->p++;
        else if (!jdigits(jp)) {
            jfail(jp);
            return NULL;
        }
        if (jp->p < jp->end && *jp->p == '.') {
            jp->p++;
            if (!jdigits(jp)) {
                jfail(jp);
                return NULL;
            }
        }
        if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
            jp->p++;
            if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
                jp->p++;
            if (!jdigits(jp)) {
                jfail(jp);
                return NULL;
            }
        }
        v = jv_new(jp->a, JV_NUMBER);
        if (!v)
            goto oom;
        v->s = start;
        v->len = (size_t)(jp->p - start);
    } else {
        static const struct { const char *word; jv_kind kind; } words[] = {
            {"true", JV_TRUE}, {"false", JV_FALSE}, {"null", JV_NULL}};
        for (size_t i = 0; i < ARRAY_LEN(words) && !v; i++) {
            size_t wl = strlen(words[i].word);
            if ((size_t)(jp->end - jp->p) >= wl && memcmp(jp->p, words[i].word, wl) == 0) {
                const char *after = jp->p + wl;
                if (after < jp->end && ((*after >= 'a' && *after <= 'z') || (*after >= '0' && *after <= '9')))
                    break;
                jp->p += wl;
                v = jv_new(jp->a, words[i].kind);
                if (!v)
                    goto oom;
            }
        }
        if (!v) {
            jfail(jp);
            return NULL;
        }
    }
    v->raw = start;
    v->rawlen = (size_t)(jp->p - start);
    jp->depth--;
    return v;
oom:
    pg_error_oom(jp->err);
    return NULL;
}

bool jv_parse(arena *a, const char *text, size_t len, jv **out, pg_error *err)
{
    jparser jp = {a, text, text + len, text, err, 0};
    jv *v = jvalue(&jp);
    if (!v)
        return false;
    jskip(&jp);
    if (jp.p != jp.end)
        return jfail(&jp);
    *out = v;
    return true;
}

jv *jv_get(const jv *obj, const char *key, size_t klen)
{
    if (!obj || obj->kind != JV_OBJECT)
        return NULL;
    for (int i = obj->n - 1; i >= 0; i--)
        if (obj->klens[i] == klen && memcmp(obj->keys[i], key, klen) == 0)
            return obj->items[i];
    return NULL;
}

/* ---------------------------------------------------------------- JSON output */

void jv_write_string(strbuf *out, const char *s, size_t len)
{
    strbuf_putc(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char buf[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(buf, sizeof buf, "\\u%04x", c);
                esc = buf;
            }
        }
        if (esc) {
            strbuf_append(out, s + run, i - run);
            strbuf_puts(out, esc);
            run = i + 1;
        }
    }
    strbuf_append(out, s + run, len - run);
    strbuf_putc(out, '"');
}

void jv_write_number(strbuf *out, const char *s, size_t len)
{
    /* sign, digits (integer and fraction), exponent: value = digits * 10^(exp - frac) */
    size_t i = 0;
    bool neg = false;
    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    char digits[512];
    size_t nd = 0;
    long frac = 0;
    bool point = false;
    for (; i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
        if (s[i] == '.') {
            point = true;
            continue;
        }
        if (nd < sizeof digits - 1) {
            digits[nd++] = s[i];
            if (point)
                frac++;
        }
    }
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (exp < 100000)
                exp = exp * 10 + (s[i] - '0');
        if (eneg)
            exp = -exp;
    }
    if (nd == 0 || exp > 1000 || exp < -1000) {
        strbuf_append(out, s, len);   /* beyond what we normalise: keep as written */
        return;
    }
    long scale = frac - exp;          /* digits after the point */
    bool zero = true;
    for (size_t k = 0; k < nd; k++)
        if (digits[k] != '0')
            zero = false;
    strbuf num;
    strbuf_init(&num);
    if (scale <= 0) {
        strbuf_append(&num, digits, nd);
        for (long k = 0; k < -scale; k++)
            strbuf_putc(&num, '0');
    } else {
        long intlen = (long)nd - scale;
        if (intlen <= 0) {
            strbuf_putc(&num, '0');
            strbuf_putc(&num, '.');
            for (long k = 0; k < -intlen; k++)
                strbuf_putc(&num, '0');
            strbuf_append(&num, digits, nd);
        } else {
            strbuf_append(&num, digits, (size_t)intlen);
            strbuf_putc(&num, '.');
            strbuf_append(&num, digits + intlen, (size_t)scale);
        }
    }
    /* Leading zeros of the integer part. */
    const char *d = num.data ? num.data : "0";
    size_t dl = num.len;
    while (dl > 1 && d[0] == '0' && d[1] != '.') {
        d++;
        dl--;
    }
    if (neg && !zero)
        strbuf_putc(out, '-');
    strbuf_append(out, d, dl);
    strbuf_free(&num);
}

static int key_order(const char *a, size_t al, const char *b, size_t bl)
{
    if (al != bl)
        return al < bl ? -1 : 1;
    return memcmp(a, b, al);
}

typedef struct member_ref {
    const char *key;
    size_t klen;
    int index;
} member_ref;

static int member_cmp(const void *pa, const void *pb)
{
    const member_ref *a = pa, *b = pb;
    int c = key_order(a->key, a->klen, b->key, b->klen);
    if (c)
        return c;
    return a->index - b->index;
}

void jv_write_jsonb(strbuf *out, const jv *v)
{
    switch (v->kind) {
    case JV_NULL: strbuf_puts(out, "null"); return;
    case JV_TRUE: strbuf_puts(out, "true"); return;
    case JV_FALSE: strbuf_puts(out, "false"); return;
    case JV_NUMBER: jv_write_number(out, v->s, v->len); return;
    case JV_STRING: jv_write_string(out, v->s, v->len); return;
    case JV_ARRAY:
        strbuf_putc(out, '[');
        for (int i = 0; i < v->n; i++) {
            if (i)
                strbuf_puts(out, ", ");
            jv_write_jsonb(out, v->items[i]);
        }
        strbuf_putc(out, ']');
        return;
    case JV_OBJECT: {
        member_ref stack[16];
        member_ref *m = v->n <= 16 ? stack : malloc(sizeof *m * (size_t)v->n);
        if (!m) {
            out->failed = true;
            return;
        }
        for (int i = 0; i < v->n; i++)
            m[i] = (member_ref){v->keys[i], v->klens[i], i};
        qsort(m, (size_t)v->n, sizeof *m, member_cmp);
        strbuf_putc(out, '{');
        bool first = true;
        for (int i = 0; i < v->n; i++) {
            /* Duplicates: the last one (highest index) wins, and sorts last. */
            if (i + 1 < v->n && key_order(m[i].key, m[i].klen, m[i + 1].key, m[i + 1].klen) == 0)
                continue;
            if (!first)
                strbuf_puts(out, ", ");
            first = false;
            jv_write_string(out, m[i].key, m[i].klen);
            strbuf_puts(out, ": ");
            jv_write_jsonb(out, v->items[m[i].index]);
        }
        strbuf_putc(out, '}');
        if (m != stack)
            free(m);
        return;
    }
    }
}

/* Canonical decimal text without trailing fraction zeros: "1.50e1" -> "15", "-0.0" -> "0". */
static void decimal_key(strbuf *out, const char *s, size_t len)
{
    jv_write_number(out, s, len);
    if (out->data && strchr(out->data, '.')) {
        while (out->len && out->data[out->len - 1] == '0')
            out->len--;
        if (out->len && out->data[out->len - 1] == '.')
            out->len--;
        out->data[out->len] = 0;
    }
}

static bool decimal_text_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    strbuf x, y;
    strbuf_init(&x);
    strbuf_init(&y);
    decimal_key(&x, a, alen);
    decimal_key(&y, b, blen);
    bool eq = !x.failed && !y.failed && x.len == y.len && memcmp(x.data ? x.data : "", y.data ? y.data : "", x.len) == 0;
    strbuf_free(&x);
    strbuf_free(&y);
    return eq;
}

static bool numbers_equal(const jv *a, const jv *b)
{
    return decimal_text_equal(a->s, a->len, b->s, b->len);
}

static bool looks_decimal(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !(s[i] >= '0' && s[i] <= '9'))
        return false;
    for (; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
            return false;
    return true;
}

bool jv_equal(const jv *a, const jv *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case JV_NULL: case JV_TRUE: case JV_FALSE: return true;
    case JV_NUMBER: return numbers_equal(a, b);
    case JV_STRING: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case JV_ARRAY:
        if (a->n != b->n)
            return false;
        for (int i = 0; i < a->n; i++)
            if (!jv_equal(a->items[i], b->items[i]))
                return false;
        return true;
    case JV_OBJECT: {
        /* Distinct keys of a must all be in b with equal values, and the other way. */
        for (int i = 0; i < a->n; i++) {
            jv *o = jv_get(b, a->keys[i], a->klens[i]);
            if (!o || !jv_equal(jv_get(a, a->keys[i], a->klens[i]), o))
                return false;
        }
        for (int i = 0; i < b->n; i++)
            if (!jv_get(a, b->keys[i], b->klens[i]))
                return false;
        return true;
    }
    }
    return false;
}

bool jv_contains(const jv *a, const jv *b, bool top)
{
    if (a->kind == JV_ARRAY && b->kind != JV_ARRAY && b->kind != JV_OBJECT && top) {
        /* A raw scalar on the right is contained in an array holding it. */
        for (int i = 0; i < a->n; i++)
            if (jv_equal(a->items[i], b))
                return true;
        return false;
    }
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case JV_OBJECT:
        for (int i = 0; i < b->n; i++) {
            jv *o = jv_get(a, b->keys[i], b->klens[i]);
            if (!o || !jv_contains(o, b->items[i], false))
                return false;
        }
        return true;
    case JV_ARRAY:
        for (int i = 0; i < b->n; i++) {
            bool found = false;
            for (int k = 0; k < a->n && !found; k++) {
                const jv *x = a->items[k], *y = b->items[i];
                if (y->kind == JV_ARRAY || y->kind == JV_OBJECT)
                    found = x->kind == y->kind && jv_contains(x, y, false);
                else
                    found = jv_equal(x, y);
            }
            if (!found)
                return false;
        }
        return true;
    default:
        return jv_equal(a, b);
    }
}

/* ---------------------------------------------------------------- arrays */

bool fnu_array_parse(arena *a, sqlite3_value *v, jv **out, pg_error *err)
{
    const char *text = (const char *)sqlite3_value_text(v);
    size_t len = (size_t)sqlite3_value_bytes(v);
    if (!text) {
        pg_error_oom(err);
        return false;
    }
    if (!jv_parse(a, text, len, out, err) || (*out)->kind != JV_ARRAY) {
        pg_error_clear(err);
        pg_error_set(err, "22P02", "malformed array literal: \"%.*s\"", (int)(len > 200 ? 200 : len), text);
        return false;
    }
    return true;
}

static void put_double(strbuf *out, double d)
{
    if (isnan(d))
        strbuf_puts(out, "\"NaN\"");
    else if (isinf(d))
        strbuf_puts(out, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", d);
        /* Shortest text that reads back the same double. */
        for (int prec = 1; prec <= 17; prec++) {
            char tryb[40];
            snprintf(tryb, sizeof tryb, "%.*g", prec, d);
            if (strtod(tryb, NULL) == d) {
                memcpy(buf, tryb, sizeof buf);
                break;
            }
        }
        strbuf_puts(out, buf);
        if (!strpbrk(buf, ".eEn"))
            strbuf_puts(out, ".0");
    }
}

void fnu_array_put_value(strbuf *out, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        strbuf_printf(out, "%lld", (long long)sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        put_double(out, sqlite3_value_double(v));
        break;
    case SQLITE_TEXT:
        jv_write_string(out, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
        break;
    case SQLITE_BLOB: {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *b = sqlite3_value_blob(v);
        int n = sqlite3_value_bytes(v);
        strbuf_puts(out, "\"\\\\x");
        for (int i = 0; i < n; i++) {
            strbuf_putc(out, hex[b[i] >> 4]);
            strbuf_putc(out, hex[b[i] & 15]);
        }
        strbuf_putc(out, '"');
        break;
    }
    default:
        strbuf_puts(out, "null");
        break;
    }
}

void fnu_array_put_element(strbuf *out, const jv *e)
{
    switch (e->kind) {
    case JV_STRING: jv_write_string(out, e->s, e->len); break;
    case JV_NUMBER: strbuf_append(out, e->s, e->len); break;
    case JV_NULL: strbuf_puts(out, "null"); break;
    case JV_TRUE: strbuf_puts(out, "1"); break;
    case JV_FALSE: strbuf_puts(out, "0"); break;
    default: strbuf_append(out, e->raw, e->rawlen); break;
    }
}

static bool is_integer_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
            return false;
    return true;
}

int fnu_element_storage(pg_oid array_type)
{
    const pg_type_info *t = types_by_oid(array_type);
    if (!t || !t->typelem)
        return -1;
    const pg_type_info *e = types_by_oid(t->typelem);
    return e ? (int)e->storage : -1;
}

static bool float_special(const jv *e, double *out)
{
    if (e->len == 3 && memcmp(e->s, "NaN", 3) == 0)
        *out = NAN;
    else if (e->len == 8 && memcmp(e->s, "Infinity", 8) == 0)
        *out = INFINITY;
    else if (e->len == 9 && memcmp(e->s, "-Infinity", 9) == 0)
        *out = -INFINITY;
    else
        return false;
    return true;
}

static void result_hex_blob(sqlite3_context *ctx, const jv *e)
{
    size_t nb = e->len >= 2 ? (e->len - 2) / 2 : 0;
    unsigned char *b = sqlite3_malloc64(nb ? nb : 1);
    if (!b) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    bool ok = e->len >= 2 && e->s[0] == '\\' && e->s[1] == 'x' && (e->len - 2) % 2 == 0;
    for (size_t i = 0; i < nb && ok; i++) {
        int hi = hexval(e->s[2 + 2 * i]), lo = hexval(e->s[3 + 2 * i]);
        ok = hi >= 0 && lo >= 0;
        b[i] = (unsigned char)(hi * 16 + lo);
    }
    if (ok)
        sqlite3_result_blob64(ctx, b, nb, sqlite3_free);
    else {
        sqlite3_free(b);
        sqlite3_result_blob64(ctx, e->s, e->len, SQLITE_TRANSIENT);
    }
}

void fnu_result_element(sqlite3_context *ctx, const jv *e, int storage)
{
    switch (e->kind) {
    case JV_NULL:
        sqlite3_result_null(ctx);
        return;
    case JV_TRUE:
    case JV_FALSE:
        sqlite3_result_int(ctx, e->kind == JV_TRUE);
        return;
    case JV_NUMBER: {
        if (storage == STORAGE_TEXT) {
            sqlite3_result_text64(ctx, e->s, e->len, SQLITE_TRANSIENT, SQLITE_UTF8);
            return;
        }
        char buf[64];
        size_t n = e->len < sizeof buf - 1 ? e->len : sizeof buf - 1;
        memcpy(buf, e->s, n);
        buf[n] = 0;
        if (storage == STORAGE_FLOAT || (storage != STORAGE_INT && !is_integer_text(e->s, e->len)))
            sqlite3_result_double(ctx, strtod(buf, NULL));
        else if (is_integer_text(e->s, e->len))
            sqlite3_result_int64(ctx, strtoll(buf, NULL, 10));
        else
            sqlite3_result_int64(ctx, (int64_t)llround(strtod(buf, NULL)));
        return;
    }
    case JV_STRING: {
        double d;
        if (storage == STORAGE_BLOB) {
            result_hex_blob(ctx, e);
            return;
        }
        if (storage == STORAGE_FLOAT && float_special(e, &d)) {
            sqlite_fn_result_float(ctx, d);
            return;
        }
        if (storage == STORAGE_INT || storage == STORAGE_FLOAT) {
            char buf[64];
            size_t n = e->len < sizeof buf - 1 ? e->len : sizeof buf - 1;
            memcpy(buf, e->s, n);
            buf[n] = 0;
            if (storage == STORAGE_INT)
                sqlite3_result_int64(ctx, strtoll(buf, NULL, 10));
            else
                sqlite3_result_double(ctx, strtod(buf, NULL));
            return;
        }
        sqlite3_result_text64(ctx, e->s, e->len, SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
    }
    default:
        sqlite3_result_text64(ctx, e->raw, e->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
    }
}

bool fnu_element_equal(const jv *a, const jv *b)
{
    if (a->kind == JV_NUMBER && b->kind == JV_NUMBER) {
        if (is_integer_text(a->s, a->len) && is_integer_text(b->s, b->len))
            return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
        return strtod(a->s, NULL) == strtod(b->s, NULL);
    }
    return jv_equal(a, b);
}

bool fnu_element_equals_value(const jv *e, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        return false;
    case SQLITE_INTEGER:
        if (e->kind == JV_TRUE || e->kind == JV_FALSE)
            return sqlite3_value_int64(v) == (e->kind == JV_TRUE);
        if (e->kind != JV_NUMBER)
            return false;
        if (is_integer_text(e->s, e->len)) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_value_int64(v));
            return (size_t)n == e->len && memcmp(buf, e->s, e->len) == 0;
        }
        return strtod(e->s, NULL) == (double)sqlite3_value_int64(v);
    case SQLITE_FLOAT:
        return e->kind == JV_NUMBER && strtod(e->s, NULL) == sqlite3_value_double(v);
    case SQLITE_TEXT: {
        if (e->kind != JV_STRING)
            return false;
        const char *t = (const char *)sqlite3_value_text(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        if (n == e->len && memcmp(t, e->s, n) == 0)
            return true;
        /* numeric elements: equal by value ("1.0" = "1") */
        return looks_decimal(t, n) && looks_decimal(e->s, e->len) && decimal_text_equal(t, n, e->s, e->len);
    }
    case SQLITE_BLOB: {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *b = sqlite3_value_blob(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        if (e->kind != JV_STRING || e->len != 2 + 2 * n || e->s[0] != '\\' || e->s[1] != 'x')
            return false;
        for (size_t i = 0; i < n; i++)
            if (e->s[2 + 2 * i] != hex[b[i] >> 4] || e->s[3 + 2 * i] != hex[b[i] & 15])
                return false;
        return true;
    }
    }
    return false;
}
