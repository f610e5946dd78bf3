/*
 * sqlite_fn_text.c — string functions with PostgreSQL's semantics on UTF-8 text: lengths and
 * positions count characters, case maps cover every letter (SQLite's own lower()/upper()
 * fold ASCII only), ILIKE folds non-ASCII letters, and each function raises PostgreSQL's
 * error where PostgreSQL does (negative substring length, zero field position, format()
 * misuse ...).
 *
 * Arguments arrive in storage form already coerced by the analyser (text is TEXT, bytea
 * BLOB, integers INT); NULL in gives NULL out except where PostgreSQL says otherwise
 * (concat, concat_ws, format).  Regular expressions are in sqlite_fn_regex.c.
 */
#include "backend/sqlite_fn_util.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_ARG(i) ((const char *)sqlite3_value_text(argv[i]))
#define LEN_ARG(i) (sqlite3_value_bytes(argv[i]))

/* ---------------------------------------------------------------- case */

static void case_map(sqlite3_context *ctx, sqlite3_value *v, uint32_t (*map)(uint32_t))
{
    if (sqlite3_value_type(v) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(v);
    int n = sqlite3_value_bytes(v);
    strbuf out;
    strbuf_init(&out);
    if (!strbuf_reserve(&out, (size_t)n + 8)) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    for (int i = 0; i < n;) {
        uint32_t cp;
        int len = fnu_utf8_decode(s + i, n - i, &cp);
        if (len == 1 && cp >= 0x80)
            strbuf_putc(&out, (char)s[i]);   /* invalid byte: kept */
        else if (cp < 0x80)
            strbuf_putc(&out, (char)map(cp));
        else
            fnu_utf8_put(&out, map(cp));
        i += len;
    }
    fnu_result_text(ctx, &out);
}

static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    case_map(ctx, argv[0], fnu_lower);
}

static void fn_upper(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    case_map(ctx, argv[0], fnu_upper);
}

/* initcap: the first letter of each run of alphanumerics upper-cased, the rest lowered. */
static void fn_initcap(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    strbuf out;
    strbuf_init(&out);
    bool in_word = false;
    for (int i = 0; i < n;) {
        uint32_t cp;
        int len = fnu_utf8_decode(s + i, n - i, &cp);
        if (len == 1 && cp >= 0x80) {
            strbuf_putc(&out, (char)s[i]);
        } else {
            fnu_utf8_put(&out, in_word ? fnu_lower(cp) : fnu_upper(cp));
            in_word = fnu_isalnum(cp);
        }
        i += len;
    }
    fnu_result_text(ctx, &out);
}

/* ---------------------------------------------------------------- ILIKE */

/* LIKE with case folding on code points; '\' escapes, '_' one character, '%' any run. */
static bool ilike_match(const unsigned char *s, int sn, const unsigned char *p, int pn)
{
    while (pn > 0) {
        uint32_t pc;
        int pl = fnu_utf8_decode(p, pn, &pc);
        if (pc == '%') {
            while (pn > 0 && (*p == '%' || *p == '_')) {
                if (*p == '_') {
                    if (sn <= 0)
                        return false;
                    uint32_t sc;
                    int sl = fnu_utf8_decode(s, sn, &sc);
                    s += sl;
                    sn -= sl;
                }
                p++;
                pn--;
            }
            if (pn == 0)
                return true;
            while (sn >= 0) {
                if (ilike_match(s, sn, p, pn))
                    return true;
                if (sn == 0)
                    return false;
                uint32_t sc;
                int sl = fnu_utf8_decode(s, sn, &sc);
                s += sl;
                sn -= sl;
            }
            return false;
        }
        if (sn <= 0)
            return false;
        uint32_t sc;
        int sl = fnu_utf8_decode(s, sn, &sc);
        if (pc == '_') {
            p += pl;
            pn -= pl;
            s += sl;
            sn -= sl;
            continue;
        }
        if (pc == '\\' && pn > pl) {
            p += pl;
            pn -= pl;
            pl = fnu_utf8_decode(p, pn, &pc);
        }
        if (fnu_lower(pc) != fnu_lower(sc))
            return false;
        p += pl;
        pn -= pl;
        s += sl;
        sn -= sl;
    }
    return sn == 0;
}

static void fn_ilike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const unsigned char *s = sqlite3_value_text(argv[0]), *p = sqlite3_value_text(argv[1]);
    sqlite3_result_int(ctx, ilike_match(s, sqlite3_value_bytes(argv[0]), p, sqlite3_value_bytes(argv[1])));
}

/* ---------------------------------------------------------------- substrings */

static void result_chars(sqlite3_context *ctx, const char *s, int n, int from_char, int64_t count)
{
    /* characters [from_char, from_char + count) of s, 0-based, clamped */
    if (count <= 0) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    int start = fnu_utf8_offset(s, n, from_char);
    int end = count >= n ? n : start + fnu_utf8_offset(s + start, n - start, (int)count);
    sqlite3_result_text(ctx, s + start, end - start, SQLITE_TRANSIENT);
}

/* substr(s, start [, count]): characters start .. start+count-1 (1-based) within the string. */
static void fn_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0);
    int n = LEN_ARG(0);
    int64_t start = sqlite3_value_int64(argv[1]);
    int64_t end;
    if (argc > 2) {
        int64_t count = sqlite3_value_int64(argv[2]);
        if (count < 0) {
            sqlite_fn_error(ctx, "22011", "negative substring length not allowed");
            return;
        }
        end = start + count;   /* exclusive, 1-based */
    } else {
        end = INT64_MAX;
    }
    if (start < 1)
        start = 1;
    if (end <= start) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    result_chars(ctx, s, n, (int)(start - 1 > INT32_MAX ? INT32_MAX : start - 1), end == INT64_MAX ? INT64_MAX : end - start);
}

static void fn_left(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0);
    int n = LEN_ARG(0);
    int64_t k = sqlite3_value_int64(argv[1]);
    int chars = fnu_utf8_chars(s, n);
    if (k < 0)
        k = chars + k;
    result_chars(ctx, s, n, 0, k);
}

static void fn_right(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0);
    int n = LEN_ARG(0);
    int64_t k = sqlite3_value_int64(argv[1]);
    int chars = fnu_utf8_chars(s, n);
    int64_t from = k < 0 ? -k : chars - k;
    if (from < 0)
        from = 0;
    if (from >= chars) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    result_chars(ctx, s, n, (int)from, chars - from);
}

static void fn_repeat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0);
    int n = LEN_ARG(0);
    int64_t k = sqlite3_value_int64(argv[1]);
    if (k <= 0 || n == 0) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if ((int64_t)n * k > 1073741823) {
        sqlite_fn_error(ctx, "54000", "requested length too large");
        return;
    }
    strbuf out;
    strbuf_init(&out);
    for (int64_t i = 0; i < k; i++)
        strbuf_append(&out, s, (size_t)n);
    fnu_result_text(ctx, &out);
}

static void fn_reverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char *out = sqlite3_malloc(n + 1);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int o = n;
    for (int i = 0; i < n;) {
        uint32_t cp;
        int len = fnu_utf8_decode(s + i, n - i, &cp);
        o -= len;
        memcpy(out + o, s + i, (size_t)len);
        i += len;
    }
    sqlite3_result_text(ctx, out, n, sqlite3_free);
}

/* lpad/rpad(s, length, fill): cut to `length` characters, or filled with repeats of fill. */
static void pad(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool left)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0), *fill = TEXT_ARG(2);
    int n = LEN_ARG(0), fn = LEN_ARG(2);
    int64_t len = sqlite3_value_int64(argv[1]);
    if (len <= 0) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if (len > 268435455) {
        sqlite_fn_error(ctx, "54000", "requested length too large");
        return;
    }
    int chars = fnu_utf8_chars(s, n);
    if (chars >= len || fn == 0) {
        result_chars(ctx, s, n, 0, len);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    if (!left)
        strbuf_append(&out, s, (size_t)n);
    int64_t need = len - chars;
    int fi = 0;
    while (need > 0) {
        uint32_t cp;
        int l = fnu_utf8_decode((const unsigned char *)fill + fi, fn - fi, &cp);
        strbuf_append(&out, fill + fi, (size_t)l);
        fi += l;
        if (fi >= fn)
            fi = 0;
        need--;
    }
    if (left)
        strbuf_append(&out, s, (size_t)n);
    fnu_result_text(ctx, &out);
}

static void fn_lpad(sqlite3_context *ctx, int argc, sqlite3_value **argv) { pad(ctx, argc, argv, true); }
static void fn_rpad(sqlite3_context *ctx, int argc, sqlite3_value **argv) { pad(ctx, argc, argv, false); }

/* split_part(s, delimiter, n): n-th field, counting from the end when negative. */
static void fn_split_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0), *d = TEXT_ARG(1);
    int n = LEN_ARG(0), dn = LEN_ARG(1);
    int64_t field = sqlite3_value_int64(argv[2]);
    if (field == 0) {
        sqlite_fn_error(ctx, "22023", "field position must not be zero");
        return;
    }
    if (n == 0) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if (dn == 0) {
        if (field == 1 || field == -1)
            sqlite3_result_text(ctx, s, n, SQLITE_TRANSIENT);
        else
            sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    int64_t want = field;
    if (field < 0) {
        /* Count the fields first. */
        int64_t total = 1;
        for (int i = 0; i + dn <= n;) {
            if (memcmp(s + i, d, (size_t)dn) == 0) {
                total++;
                i += dn;
            } else {
                i++;
            }
        }
        want = total + field + 1;
        if (want < 1) {
            sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
            return;
        }
    }
    int64_t idx = 1;
    int begin = 0;
    for (int i = 0; i <= n;) {
        if (i + dn <= n && memcmp(s + i, d, (size_t)dn) == 0) {
            if (idx == want) {
                sqlite3_result_text(ctx, s + begin, i - begin, SQLITE_TRANSIENT);
                return;
            }
            idx++;
            i += dn;
            begin = i;
        } else {
            i++;
        }
    }
    if (idx == want)
        sqlite3_result_text(ctx, s + begin, n - begin, SQLITE_TRANSIENT);
    else
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
}

/* translate(s, from, to): characters of `from` replaced by the same position in `to`,
 * removed when `to` is shorter. */
static void fn_translate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const unsigned char *s = sqlite3_value_text(argv[0]), *f = sqlite3_value_text(argv[1]),
                        *t = sqlite3_value_text(argv[2]);
    int n = sqlite3_value_bytes(argv[0]), fn = sqlite3_value_bytes(argv[1]), tn = sqlite3_value_bytes(argv[2]);
    strbuf out;
    strbuf_init(&out);
    for (int i = 0; i < n;) {
        uint32_t cp;
        int len = fnu_utf8_decode(s + i, n - i, &cp);
        int pos = -1, k = 0;
        for (int j = 0; j < fn;) {
            uint32_t fc;
            int fl = fnu_utf8_decode(f + j, fn - j, &fc);
            if (fc == cp) {
                pos = k;
                break;
            }
            j += fl;
            k++;
        }
        if (pos < 0) {
            strbuf_append(&out, s + i, (size_t)len);
        } else {
            int off = fnu_utf8_offset((const char *)t, tn, pos);
            if (off < tn) {
                uint32_t tc;
                int tl = fnu_utf8_decode(t + off, tn - off, &tc);
                strbuf_append(&out, t + off, (size_t)tl);
            }
        }
        i += len;
    }
    fnu_result_text(ctx, &out);
}

/* ---------------------------------------------------------------- concat, format */

/* pgw_record(text, ...): a record's text output as record_out writes it: "(a,,\"b c\")"
 * — NULL fields empty, fields quoted when empty or holding quotes, backslashes, commas,
 * parentheses or spaces, with quotes and backslashes doubled. */
static void fn_record(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '(');
    for (int i = 0; i < argc; i++) {
        if (i)
            strbuf_putc(&out, ',');
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            continue;
        const char *v = (const char *)sqlite3_value_text(argv[i]);
        size_t n = (size_t)sqlite3_value_bytes(argv[i]);
        bool quote = n == 0;
        for (size_t k = 0; k < n && !quote; k++)
            quote = v[k] == '"' || v[k] == '\\' || v[k] == ',' || v[k] == '(' || v[k] == ')' || v[k] == ' ' ||
                    v[k] == '\t' || v[k] == '\n' || v[k] == '\r' || v[k] == '\v' || v[k] == '\f';
        if (quote)
            strbuf_putc(&out, '"');
        for (size_t k = 0; k < n; k++) {
            if (v[k] == '"' || v[k] == '\\')
                strbuf_putc(&out, v[k]);
            strbuf_putc(&out, v[k]);
        }
        if (quote)
            strbuf_putc(&out, '"');
    }
    strbuf_putc(&out, ')');
    fnu_result_text(ctx, &out);
}

static void fn_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) != SQLITE_NULL)
            strbuf_append(&out, sqlite3_value_text(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
    fnu_result_text(ctx, &out);
}

static void fn_concat_ws(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *sep = TEXT_ARG(0);
    size_t seplen = (size_t)LEN_ARG(0);
    strbuf out;
    strbuf_init(&out);
    bool first = true;
    for (int i = 1; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            continue;
        if (!first)
            strbuf_append(&out, sep, seplen);
        first = false;
        strbuf_append(&out, sqlite3_value_text(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
    }
    fnu_result_text(ctx, &out);
}

/* Keywords quote_ident quotes: every PostgreSQL 15 keyword that is not unreserved. */
static const char *const quoted_keywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
    "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
    "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group",
    "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval",
    "into", "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
    "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
    "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "table", "tablesample",
    "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using",
    "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat",
    "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize",
    "xmltable",
};

static void quote_ident(strbuf *out, const char *s, size_t n)
{
    bool safe = n > 0 && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
    for (size_t i = 0; i < n && safe; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            safe = false;
    if (safe) {
        for (size_t k = 0; k < ARRAY_LEN(quoted_keywords); k++)
            if (strlen(quoted_keywords[k]) == n && memcmp(quoted_keywords[k], s, n) == 0) {
                safe = false;
                break;
            }
    }
    if (safe) {
        strbuf_append(out, s, n);
        return;
    }
    strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            strbuf_putc(out, '"');
        strbuf_putc(out, s[i]);
    }
    strbuf_putc(out, '"');
}

static void quote_literal(strbuf *out, const char *s, size_t n)
{
    if (memchr(s, '\\', n))
        strbuf_putc(out, 'E');
    strbuf_putc(out, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '\\')
            strbuf_putc(out, s[i]);
        strbuf_putc(out, s[i]);
    }
    strbuf_putc(out, '\'');
}

static void fn_quote_ident(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf out;
    strbuf_init(&out);
    quote_ident(&out, TEXT_ARG(0), (size_t)LEN_ARG(0));
    fnu_result_text(ctx, &out);
}

static void fn_quote_literal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf out;
    strbuf_init(&out);
    quote_literal(&out, TEXT_ARG(0), (size_t)LEN_ARG(0));
    fnu_result_text(ctx, &out);
}

/* A number in a format specifier; false if none. */
static bool format_number(const char **p, const char *end, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        if (v > INT32_MAX)
            v = INT32_MAX;
        (*p)++;
    }
    *out = v;
    return *p > s;
}

static void pad_append(strbuf *out, const char *s, size_t n, int64_t width, bool left_align)
{
    int64_t chars = fnu_utf8_chars(s, (int)n);
    if (left_align)
        strbuf_append(out, s, n);
    for (int64_t i = chars; i < width; i++)
        strbuf_putc(out, ' ');
    if (!left_align)
        strbuf_append(out, s, n);
}

/* format(fmt, args...): %s %I %L %%, with n$ positions, '-' and widths (also * and *n$). */
static void fn_format(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *p = TEXT_ARG(0), *end = p + LEN_ARG(0);
    int nargs = argc - 1;
    int next = 0;   /* next argument, 0-based */
    strbuf out;
    strbuf_init(&out);
    while (p < end) {
        if (*p != '%') {
            const char *q = memchr(p, '%', (size_t)(end - p));
            if (!q)
                q = end;
            strbuf_append(&out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        p++;
        if (p >= end)
            goto unterminated;
        if (*p == '%') {
            strbuf_putc(&out, '%');
            p++;
            continue;
        }
        /* [n$][-][width|*|*n$] type */
        int64_t num;
        const char *save = p;
        int argpos = -1;
        if (format_number(&p, end, &num)) {
            if (p < end && *p == '$') {
                if (num == 0) {
                    strbuf_free(&out);
                    sqlite_fn_error(ctx, "22023", "format specifies argument 0, but arguments are numbered from 1");
                    return;
                }
                argpos = (int)num - 1;
                p++;
            } else {
                p = save;
            }
        }
        bool left_align = false;
        while (p < end && *p == '-') {
            left_align = true;
            p++;
        }
        int64_t width = 0;
        if (p < end && *p == '*') {
            p++;
            int wpos = next;
            const char *s2 = p;
            if (format_number(&p, end, &num) && p < end && *p == '$') {
                wpos = (int)num - 1;
                p++;
            } else {
                p = s2;
                next++;
            }
            if (wpos >= nargs) {
                strbuf_free(&out);
                sqlite_fn_error(ctx, "22023", "too few arguments for format()");
                return;
            }
            if (sqlite3_value_type(argv[1 + wpos]) != SQLITE_NULL) {
                width = sqlite3_value_int64(argv[1 + wpos]);
                if (width < 0) {
                    left_align = true;
                    width = -width;
                }
            }
        } else {
            format_number(&p, end, &width);
        }
        if (p >= end)
            goto unterminated;
        char type = *p++;
        if (type != 's' && type != 'I' && type != 'L') {
            strbuf_free(&out);
            sqlite_fn_error(ctx, "22023", "unrecognized format() type specifier \"%c\"", type);
            return;
        }
        int ai = argpos >= 0 ? argpos : next;
        if (argpos >= 0)
            next = argpos + 1;
        else
            next++;
        if (ai >= nargs) {
            strbuf_free(&out);
            sqlite_fn_error(ctx, "22023", "too few arguments for format()");
            return;
        }
        sqlite3_value *a = argv[1 + ai];
        bool isnull = sqlite3_value_type(a) == SQLITE_NULL;
        strbuf piece;
        strbuf_init(&piece);
        if (type == 's') {
            if (!isnull)
                strbuf_append(&piece, sqlite3_value_text(a), (size_t)sqlite3_value_bytes(a));
        } else if (type == 'I') {
            if (isnull) {
                strbuf_free(&piece);
                strbuf_free(&out);
                sqlite_fn_error(ctx, "22004", "null values cannot be formatted as an SQL identifier");
                return;
            }
            quote_ident(&piece, (const char *)sqlite3_value_text(a), (size_t)sqlite3_value_bytes(a));
        } else {
            if (isnull)
                strbuf_puts(&piece, "NULL");
            else
                quote_literal(&piece, (const char *)sqlite3_value_text(a), (size_t)sqlite3_value_bytes(a));
        }
        pad_append(&out, piece.data ? piece.data : "", piece.len, width, left_align);
        strbuf_free(&piece);
    }
    fnu_result_text(ctx, &out);
    return;
unterminated:
    strbuf_free(&out);
    sqlite_fn_error(ctx, "22023", "unterminated format() type specifier");
}

/* ---------------------------------------------------------------- hashing, hex */

static void fn_md5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const void *data = sqlite3_value_type(argv[0]) == SQLITE_BLOB ? sqlite3_value_blob(argv[0])
                                                                  : (const void *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_Digest(data ? data : "", n, digest, &dlen, EVP_md5(), NULL)) {
        sqlite_fn_error(ctx, "XX000", "could not compute MD5 hash");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    char out[33];
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    sqlite3_result_text(ctx, out, 32, SQLITE_TRANSIENT);
}

/* to_hex(v, bits): two's complement in the argument's width (int4 or int8). */
static void fn_to_hex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t v = sqlite3_value_int64(argv[0]);
    int bits = argc > 1 ? sqlite3_value_int(argv[1]) : 64;
    char buf[32];
    if (bits == 32)
        snprintf(buf, sizeof buf, "%x", (uint32_t)v);
    else
        snprintf(buf, sizeof buf, "%llx", (unsigned long long)v);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ---------------------------------------------------------------- bytea */

static void fn_bytea_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf out;
    strbuf_init(&out);
    for (int i = 0; i < argc; i++)
        strbuf_append(&out, sqlite3_value_blob(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
    fnu_result_blob(ctx, &out);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void encode_base64(strbuf *out, const unsigned char *b, size_t n)
{
    size_t line = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) | (i + 2 < n ? b[i + 2] : 0);
        if (line >= 76) {   /* PostgreSQL breaks lines at 76 characters */
            strbuf_putc(out, '\n');
            line = 0;
        }
        strbuf_putc(out, b64chars[(v >> 18) & 63]);
        strbuf_putc(out, b64chars[(v >> 12) & 63]);
        strbuf_putc(out, i + 1 < n ? b64chars[(v >> 6) & 63] : '=');
        strbuf_putc(out, i + 2 < n ? b64chars[v & 63] : '=');
        line += 4;
    }
}

static void fn_encode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const unsigned char *b = sqlite3_value_blob(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    const char *fmt = TEXT_ARG(1);
    strbuf out;
    strbuf_init(&out);
    if (ascii_streq_ci(fmt, "hex")) {
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
            strbuf_putc(&out, hex[b[i] >> 4]);
            strbuf_putc(&out, hex[b[i] & 15]);
        }
    } else if (ascii_streq_ci(fmt, "base64")) {
        encode_base64(&out, b, n);
    } else if (ascii_streq_ci(fmt, "escape")) {
        for (size_t i = 0; i < n; i++) {
            if (b[i] == '\\')
                strbuf_puts(&out, "\\\\");
            else if (b[i] == 0 || b[i] >= 0x80)
                strbuf_printf(&out, "\\%03o", b[i]);
            else
                strbuf_putc(&out, (char)b[i]);
        }
    } else {
        strbuf_free(&out);
        sqlite_fn_error(ctx, "22023", "unrecognized encoding: \"%s\"", fmt);
        return;
    }
    fnu_result_text(ctx, &out);
}

static int b64val(char c)
{
    const char *p = strchr(b64chars, c);
    return c && p ? (int)(p - b64chars) : -1;
}

static void fn_decode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *s = TEXT_ARG(0), *fmt = TEXT_ARG(1);
    size_t n = (size_t)LEN_ARG(0);
    strbuf out;
    strbuf_init(&out);
    if (ascii_streq_ci(fmt, "hex")) {
        int hi = -1;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
                continue;
            int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            if (v < 0) {
                strbuf_free(&out);
                sqlite_fn_error(ctx, "22023", "invalid hexadecimal digit: \"%c\"", c);
                return;
            }
            if (hi < 0)
                hi = v;
            else {
                strbuf_putc(&out, (char)(hi * 16 + v));
                hi = -1;
            }
        }
        if (hi >= 0) {
            strbuf_free(&out);
            sqlite_fn_error(ctx, "22023", "invalid hexadecimal data: odd number of digits");
            return;
        }
    } else if (ascii_streq_ci(fmt, "base64")) {
        uint32_t acc = 0;
        int bits = 0, pad = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
                continue;
            if (c == '=') {
                pad++;
                continue;
            }
            int v = b64val(c);
            if (v < 0 || pad) {
                strbuf_free(&out);
                sqlite_fn_error(ctx, "22023", "invalid symbol \"%c\" found while decoding base64 sequence", c);
                return;
            }
            acc = (acc << 6) | (uint32_t)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                strbuf_putc(&out, (char)((acc >> bits) & 0xFF));
            }
        }
    } else if (ascii_streq_ci(fmt, "escape")) {
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '\\') {
                strbuf_putc(&out, s[i]);
            } else if (i + 1 < n && s[i + 1] == '\\') {
                strbuf_putc(&out, '\\');
                i++;
            } else if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
                       s[i + 3] >= '0' && s[i + 3] <= '7') {
                strbuf_putc(&out, (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
                i += 3;
            } else {
                strbuf_free(&out);
                sqlite_fn_error(ctx, "22P02", "invalid input syntax for type bytea");
                return;
            }
        }
    } else {
        strbuf_free(&out);
        sqlite_fn_error(ctx, "22023", "unrecognized encoding: \"%s\"", fmt);
        return;
    }
    fnu_result_blob(ctx, &out);
}

/* ---------------------------------------------------------------- text <-> arrays */

/* string_to_array(s, delimiter [, null_string]): a NULL delimiter splits into characters,
 * an empty one gives the whole string; an empty string gives an empty array. */
static void fn_string_to_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *s = TEXT_ARG(0);
    int n = LEN_ARG(0);
    bool has_delim = sqlite3_value_type(argv[1]) != SQLITE_NULL;
    const char *d = has_delim ? TEXT_ARG(1) : NULL;
    int dn = has_delim ? LEN_ARG(1) : 0;
    bool has_null = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL;
    const char *ns = has_null ? TEXT_ARG(2) : NULL;
    int nn = has_null ? LEN_ARG(2) : 0;
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    int count = 0;
#define EMIT(ptr, len)                                                             \
    do {                                                                           \
        if (count++)                                                               \
            strbuf_puts(&out, ", ");                                               \
        if (has_null && (len) == nn && memcmp((ptr), ns, (size_t)nn) == 0)         \
            strbuf_puts(&out, "null");                                             \
        else                                                                       \
            jv_write_string(&out, (ptr), (size_t)(len));                           \
    } while (0)
    if (n > 0) {
        if (!has_delim) {
            for (int i = 0; i < n;) {
                uint32_t cp;
                int l = fnu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
                EMIT(s + i, l);
                i += l;
            }
        } else if (dn == 0) {
            EMIT(s, n);
        } else {
            int begin = 0;
            for (int i = 0; i <= n;) {
                if (i + dn <= n && memcmp(s + i, d, (size_t)dn) == 0) {
                    EMIT(s + begin, i - begin);
                    i += dn;
                    begin = i;
                } else if (i == n) {
                    EMIT(s + begin, n - begin);
                    break;
                } else {
                    i++;
                }
            }
        }
    }
#undef EMIT
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
}

/* ---------------------------------------------------------------- output functions */

/* pgw_text_out(value, type_oid, typmod): the type's output function, as concat() and
 * format() see their "any" arguments (bool prints t/f there, not true/false). */
static void fn_text_out(sqlite3_context *ctx, int argc, sqlite3_value **argv)
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
    if (!types_text_out(ts, (pg_oid)sqlite3_value_int64(argv[1]), (int32_t)sqlite3_value_int(argv[2]), &v, &out, &err)) {
        strbuf_free(&out);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    fnu_result_text(ctx, &out);
}

/* pgw_regtype_out(oid): regtype's output, format_type(oid, NULL) ("integer", "text[]"). */
static void fn_regtype_out(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_oid oid = (pg_oid)sqlite3_value_int64(argv[0]);
    if (!types_by_oid(oid)) {
        char buf[16];
        snprintf(buf, sizeof buf, "%u", oid);
        sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    types_format_type(oid, -1, &out);
    fnu_result_text(ctx, &out);
}

/* pgw_error(sqlstate, message): raise a PostgreSQL error from generated SQL (the emitter's
 * checks that SQLite does not make, e.g. a scalar subquery returning two rows). */
static void fn_error(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *state = (const char *)sqlite3_value_text(argv[0]);
    const char *msg = (const char *)sqlite3_value_text(argv[1]);
    sqlite_fn_error(ctx, state && strlen(state) == 5 ? state : "XX000", "%s", msg ? msg : "error");
}

/* sha224/sha256/sha384/sha512(bytea) */
static void fn_sha(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int bits = sqlite3_value_int(argv[1]);
    const EVP_MD *md = bits == 224 ? EVP_sha224() : bits == 384 ? EVP_sha384() : bits == 512 ? EVP_sha512() : EVP_sha256();
    const void *data = sqlite3_value_type(argv[0]) == SQLITE_BLOB ? sqlite3_value_blob(argv[0])
                                                                  : (const void *)sqlite3_value_text(argv[0]);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_Digest(data ? data : "", (size_t)sqlite3_value_bytes(argv[0]), digest, &dlen, md, NULL)) {
        sqlite_fn_error(ctx, "XX000", "could not compute SHA-2 hash");
        return;
    }
    sqlite3_result_blob(ctx, digest, (int)dlen, SQLITE_TRANSIENT);
}

/* ---------------------------------------------------------------- registration */

typedef struct text_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} text_fn;

static const text_fn text_functions[] = {
    {"pgw_lower", 1, fn_lower},
    {"pgw_upper", 1, fn_upper},
    {"pgw_initcap", 1, fn_initcap},
    {"pgw_ilike", 2, fn_ilike},
    {"pgw_substr", 2, fn_substr},
    {"pgw_substr", 3, fn_substr},
    {"pgw_left", 2, fn_left},
    {"pgw_right", 2, fn_right},
    {"pgw_repeat", 2, fn_repeat},
    {"pgw_reverse", 1, fn_reverse},
    {"pgw_lpad", 3, fn_lpad},
    {"pgw_rpad", 3, fn_rpad},
    {"pgw_split_part", 3, fn_split_part},
    {"pgw_translate", 3, fn_translate},
    {"pgw_concat", -1, fn_concat},
    {"pgw_record", -1, fn_record},
    {"pgw_concat_ws", -1, fn_concat_ws},
    {"pgw_format", -1, fn_format},
    {"pgw_quote_ident", 1, fn_quote_ident},
    {"pgw_quote_literal", 1, fn_quote_literal},
    {"pgw_md5", 1, fn_md5},
    {"pgw_to_hex", 1, fn_to_hex},
    {"pgw_to_hex", 2, fn_to_hex},
    {"pgw_bytea_concat", 2, fn_bytea_concat},
    {"pgw_encode", 2, fn_encode},
    {"pgw_decode", 2, fn_decode},
    {"pgw_string_to_array", 2, fn_string_to_array},
    {"pgw_string_to_array", 3, fn_string_to_array},
    {"pgw_text_out", 3, fn_text_out},
    {"pgw_sha", 2, fn_sha},
    {"pgw_regtype_out", 1, fn_regtype_out},
};

int sqlite_register_text(sqlite3 *db, engine_conn *c)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    for (size_t i = 0; i < ARRAY_LEN(text_functions); i++) {
        const text_fn *f = &text_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, flags, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    /* Not deterministic: SQLite may evaluate deterministic calls with constant arguments
     * once up front, outside the CASE branch that guards this one. */
    int rc = sqlite3_create_function_v2(db, "pgw_error", 2, SQLITE_UTF8, c, fn_error, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    return sqlite_register_regex(db, c);
}
