/*
 * json.c — json (validated, kept as given) and jsonb (parsed and printed in PostgreSQL's
 * jsonb_out form: object keys sorted by length then bytes, the last of duplicate keys kept,
 * ", " and ": " separators, numbers in numeric's canonical form, strings with \u escapes
 * decoded and re-escaped as escape_json does).
 *
 * Errors follow PostgreSQL's JSON parser: 22P02 "invalid input syntax for type json" with its
 * DETAIL texts and the "JSON data, line N: ..." CONTEXT; 22P05 for \u0000 in jsonb.
 * Storage form: TEXT for both; binary json is the text, binary jsonb is version 1 + text.
 */
#include "types/types_internal.h"

#include <stdlib.h>

#define JSON_MAX_DEPTH 1000

typedef enum { T_OBJ_START, T_OBJ_END, T_ARR_START, T_ARR_END, T_COLON, T_COMMA, T_STRING, T_NUMBER, T_TRUE, T_FALSE, T_NULL, T_END, T_INVALID } tok_type;

typedef struct lexer {
    const char *in;
    size_t len;
    size_t pos;           /* next unread byte */
    size_t tok_start, tok_end;
    tok_type tok;
    bool jsonb;
    strbuf *strings;      /* decoded string of the current T_STRING (jsonb) */
    pg_error *err;
} lexer;

typedef struct jnode {
    uint8_t type;         /* tok_type of the value: T_OBJ_START, T_ARR_START, scalars */
    uint32_t str_off, str_len;   /* decoded string / number text in the string pool */
    uint32_t first, next, count; /* children (objects: key node then value node) */
    uint32_t order;
} jnode;

static bool is_delim(char c)
{
    return types_isspace(c) || c == ',' || c == ':' || c == '{' || c == '}' || c == '[' || c == ']' || c == '"';
}

static void set_context(lexer *lx, size_t end)
{
    size_t line_start = 0;
    int line = 1;
    for (size_t i = 0; i < end && i < lx->len; i++) {
        if (lx->in[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    size_t start = line_start;
    while (end - start >= 50) {
        start++;
        while (start < end && ((unsigned char)lx->in[start] & 0xC0) == 0x80)
            start++;
    }
    const char *prefix = start > line_start ? "..." : "";
    const char *suffix = (lx->tok != T_END && end < lx->len && lx->in[end] != '\n' && lx->in[end] != '\r') ? "..." : "";
    pg_error_context(lx->err, "JSON data, line %d: %s%.*s%s", line, prefix, (int)(end - start), lx->in + start, suffix);
}

static bool fail(lexer *lx, size_t ctx_end, const char *fmt, const char *arg, size_t arg_len)
{
    pg_error_set(lx->err, "22P02", "invalid input syntax for type json");
    if (arg)
        pg_error_detail(lx->err, fmt, (int)arg_len, arg);
    else
        pg_error_detail(lx->err, "%s", fmt);
    set_context(lx, ctx_end);
    return false;
}

static bool fail_end(lexer *lx)
{
    lx->tok = T_END;
    return fail(lx, lx->len, "The input string ended unexpectedly.", NULL, 0);
}

static bool fail_token(lexer *lx)
{
    size_t end = lx->tok_start + 1;
    while (end < lx->len && !is_delim(lx->in[end]))
        end++;
    return fail(lx, end, "Token \"%.*s\" is invalid.", lx->in + lx->tok_start, end - lx->tok_start);
}

static void put_utf8(strbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    strbuf_append(b, u, n);
}

static bool lex_string(lexer *lx)
{
    size_t i = lx->pos + 1;   /* after the quote */
    uint32_t high = 0;
    if (lx->strings)
        strbuf_reset(lx->strings);
    while (true) {
        if (i >= lx->len) {
            lx->tok_start = lx->pos;
            return fail_end(lx);
        }
        unsigned char c = (unsigned char)lx->in[i];
        if (c == '"')
            break;
        if (c < 0x20) {
            char detail[64];
            snprintf(detail, sizeof detail, "Character with value 0x%02x must be escaped.", c);
            return fail(lx, i, "%.*s", detail, strlen(detail));
        }
        if (c != '\\') {
            if (high)
                return fail(lx, i, "Unicode low surrogate must follow a high surrogate.", NULL, 0);
            if (lx->strings)
                strbuf_putc(lx->strings, (char)c);
            i++;
            continue;
        }
        if (i + 1 >= lx->len) {
            lx->tok_start = lx->pos;
            return fail_end(lx);
        }
        char e = lx->in[i + 1];
        if (e == 'u') {
            uint32_t cp = 0;
            for (int k = 0; k < 4; k++) {
                int h = i + 2 + (size_t)k < lx->len ? types_hexval(lx->in[i + 2 + k]) : -1;
                if (h < 0) {
                    size_t end = i + 2 + (size_t)k;
                    while (end < lx->len && !is_delim(lx->in[end]) && end < i + 6)
                        end++;
                    return fail(lx, end, "\"\\u\" must be followed by four hexadecimal digits.", NULL, 0);
                }
                cp = (cp << 4) | (uint32_t)h;
            }
            size_t esc_end = i + 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (high)
                    return fail(lx, esc_end, "Unicode high surrogate must not follow a high surrogate.", NULL, 0);
                high = cp;
                i = esc_end;
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (!high)
                    return fail(lx, esc_end, "Unicode low surrogate must follow a high surrogate.", NULL, 0);
                cp = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00);
                high = 0;
            } else if (high) {
                return fail(lx, esc_end, "Unicode low surrogate must follow a high surrogate.", NULL, 0);
            }
            if (lx->strings) {
                if (cp == 0) {
                    pg_error_set(lx->err, "22P05", "unsupported Unicode escape sequence");
                    pg_error_detail(lx->err, "\\u0000 cannot be converted to text.");
                    set_context(lx, esc_end);
                    return false;
                }
                put_utf8(lx->strings, cp);
            }
            i = esc_end;
            continue;
        }
        if (high)
            return fail(lx, i + 2, "Unicode low surrogate must follow a high surrogate.", NULL, 0);
        char decoded;
        switch (e) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        default: {
            size_t clen = 1;
            while (i + 1 + clen < lx->len && ((unsigned char)lx->in[i + 1 + clen] & 0xC0) == 0x80)
                clen++;
            return fail(lx, i + 1 + clen, "Escape sequence \"\\%.*s\" is invalid.", lx->in + i + 1, clen);
        }
        }
        if (lx->strings)
            strbuf_putc(lx->strings, decoded);
        i += 2;
    }
    if (high)
        return fail(lx, i, "Unicode low surrogate must follow a high surrogate.", NULL, 0);
    lx->tok = T_STRING;
    lx->tok_start = lx->pos;
    lx->tok_end = i + 1;
    lx->pos = i + 1;
    return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter. */
static bool lex_number(lexer *lx)
{
    size_t i = lx->pos;
    bool ok = true;
    if (lx->in[i] == '-')
        i++;
    if (i < lx->len && lx->in[i] == '0') {
        i++;
    } else if (i < lx->len && lx->in[i] >= '1' && lx->in[i] <= '9') {
        while (i < lx->len && types_isdigit(lx->in[i]))
            i++;
    } else {
        ok = false;
    }
    if (ok && i < lx->len && lx->in[i] == '.') {
        i++;
        if (i >= lx->len || !types_isdigit(lx->in[i]))
            ok = false;
        while (i < lx->len && types_isdigit(lx->in[i]))
            i++;
    }
    if (ok && i < lx->len && (lx->in[i] == 'e' || lx->in[i] == 'E')) {
        i++;
        if (i < lx->len && (lx->in[i] == '+' || lx->in[i] == '-'))
            i++;
        if (i >= lx->len || !types_isdigit(lx->in[i]))
            ok = false;
        while (i < lx->len && types_isdigit(lx->in[i]))
            i++;
    }
    lx->tok_start = lx->pos;
    if (!ok || (i < lx->len && !is_delim(lx->in[i])))
        return fail_token(lx);
    lx->tok = T_NUMBER;
    lx->tok_end = i;
    lx->pos = i;
    return true;
}

static bool lex(lexer *lx)
{
    while (lx->pos < lx->len && (lx->in[lx->pos] == ' ' || lx->in[lx->pos] == '\t' || lx->in[lx->pos] == '\n' || lx->in[lx->pos] == '\r'))
        lx->pos++;
    lx->tok_start = lx->pos;
    if (lx->pos >= lx->len) {
        lx->tok = T_END;
        lx->tok_end = lx->pos;
        return true;
    }
    char c = lx->in[lx->pos];
    tok_type single = T_INVALID;
    switch (c) {
    case '{': single = T_OBJ_START; break;
    case '}': single = T_OBJ_END; break;
    case '[': single = T_ARR_START; break;
    case ']': single = T_ARR_END; break;
    case ':': single = T_COLON; break;
    case ',': single = T_COMMA; break;
    case '"': return lex_string(lx);
    default: break;
    }
    if (single != T_INVALID) {
        lx->tok = single;
        lx->tok_end = ++lx->pos;
        return true;
    }
    if (c == '-' || types_isdigit(c))
        return lex_number(lx);
    size_t end = lx->pos;
    while (end < lx->len && !is_delim(lx->in[end]))
        end++;
    size_t n = end - lx->pos;
    const char *w = lx->in + lx->pos;
    if (n == 4 && memcmp(w, "true", 4) == 0)
        lx->tok = T_TRUE;
    else if (n == 5 && memcmp(w, "false", 5) == 0)
        lx->tok = T_FALSE;
    else if (n == 4 && memcmp(w, "null", 4) == 0)
        lx->tok = T_NULL;
    else
        return fail_token(lx);
    lx->tok_end = end;
    lx->pos = end;
    return true;
}

typedef struct parser {
    lexer lx;
    strbuf *nodes;    /* jnode array (jsonb only) */
    strbuf *pool;     /* decoded strings and numbers (jsonb only) */
    int depth;
} parser;

static jnode *node_at(parser *ps, uint32_t i)
{
    return (jnode *)(void *)ps->nodes->data + i;
}

static bool new_node(parser *ps, uint8_t type, uint32_t *index)
{
    if (!ps->nodes) {
        *index = 0;
        return true;
    }
    jnode n = {0};
    n.type = type;
    n.first = n.next = UINT32_MAX;
    *index = (uint32_t)(ps->nodes->len / sizeof(jnode));
    strbuf_append(ps->nodes, &n, sizeof n);
    if (ps->nodes->failed) {
        pg_error_oom(ps->lx.err);
        return false;
    }
    return true;
}

static bool found(parser *ps, const char *expected)
{
    lexer *lx = &ps->lx;
    if (lx->tok == T_END)
        return fail_end(lx);
    char fmt[96];
    snprintf(fmt, sizeof fmt, "Expected %s, but found \"%%.*s\".", expected);
    return fail(lx, lx->tok_end, fmt, lx->in + lx->tok_start, lx->tok_end - lx->tok_start);
}

/* The current token's scalar into the pool (jsonb). */
static bool pool_scalar(parser *ps, uint32_t idx)
{
    if (!ps->nodes)
        return true;
    lexer *lx = &ps->lx;
    jnode *n = node_at(ps, idx);
    n->str_off = (uint32_t)ps->pool->len;
    if (lx->tok == T_STRING) {
        strbuf_append(ps->pool, lx->strings->data ? lx->strings->data : "", lx->strings->len);
    } else if (lx->tok == T_NUMBER) {
        num x;
        num_init(&x);
        if (!num_parse(lx->in + lx->tok_start, lx->tok_end - lx->tok_start, &x, lx->err)) {
            num_free(&x);
            return false;
        }
        num_format(&x, ps->pool);
        num_free(&x);
    }
    n = node_at(ps, idx);
    n->str_len = (uint32_t)(ps->pool->len - n->str_off);
    return true;
}

static bool parse_value(parser *ps, uint32_t *out, const char *expected);

static void link_child(parser *ps, uint32_t parent, uint32_t *last, uint32_t child)
{
    if (!ps->nodes)
        return;
    if (*last == UINT32_MAX)
        node_at(ps, parent)->first = child;
    else
        node_at(ps, *last)->next = child;
    *last = child;
    node_at(ps, parent)->count++;
}

static bool parse_object(parser *ps, uint32_t *out)
{
    lexer *lx = &ps->lx;
    uint32_t self, last = UINT32_MAX;
    if (!new_node(ps, T_OBJ_START, &self) || !lex(lx))
        return false;
    if (lx->tok == T_OBJ_END)
        goto done;
    for (uint32_t order = 0;; order++) {
        if (lx->tok != T_STRING)
            return found(ps, order == 0 ? "string or \"}\"" : "string");
        uint32_t key;
        if (!new_node(ps, T_STRING, &key) || !pool_scalar(ps, key))
            return false;
        if (ps->nodes)
            node_at(ps, key)->order = order;
        link_child(ps, self, &last, key);
        if (!lex(lx))
            return false;
        if (lx->tok != T_COLON)
            return found(ps, "\":\"");
        if (!lex(lx))
            return false;
        uint32_t value;
        if (!parse_value(ps, &value, "JSON value"))
            return false;
        link_child(ps, self, &last, value);
        if (!lex(lx))
            return false;
        if (lx->tok == T_OBJ_END)
            break;
        if (lx->tok != T_COMMA)
            return found(ps, "\",\" or \"}\"");
        if (!lex(lx))
            return false;
    }
done:
    *out = self;
    return true;
}

static bool parse_array(parser *ps, uint32_t *out)
{
    lexer *lx = &ps->lx;
    uint32_t self, last = UINT32_MAX;
    if (!new_node(ps, T_ARR_START, &self) || !lex(lx))
        return false;
    if (lx->tok != T_ARR_END) {
        for (bool first = true;; first = false) {
            uint32_t value;
            if (!parse_value(ps, &value, first ? "array element or \"]\"" : "JSON value"))
                return false;
            link_child(ps, self, &last, value);
            if (!lex(lx))
                return false;
            if (lx->tok == T_ARR_END)
                break;
            if (lx->tok != T_COMMA)
                return found(ps, "\",\" or \"]\"");
            if (!lex(lx))
                return false;
        }
    }
    *out = self;
    return true;
}

/* The current token starts a value. */
static bool parse_value(parser *ps, uint32_t *out, const char *expected)
{
    lexer *lx = &ps->lx;
    switch (lx->tok) {
    case T_OBJ_START:
    case T_ARR_START: {
        if (++ps->depth > JSON_MAX_DEPTH) {
            pg_error_set(lx->err, "54001", "stack depth limit exceeded");
            return false;
        }
        bool ok = lx->tok == T_OBJ_START ? parse_object(ps, out) : parse_array(ps, out);
        ps->depth--;
        return ok;
    }
    case T_STRING:
    case T_NUMBER:
    case T_TRUE:
    case T_FALSE:
    case T_NULL:
        if (!new_node(ps, (uint8_t)lx->tok, out))
            return false;
        return pool_scalar(ps, *out);
    default:
        return found(ps, expected);
    }
}

static bool parse_document(parser *ps, uint32_t *root)
{
    if (!lex(&ps->lx) || !parse_value(ps, root, "JSON value") || !lex(&ps->lx))
        return false;
    if (ps->lx.tok != T_END)
        return found(ps, "end of input");
    return true;
}

/* ---------------------------------------------------------------- jsonb output */

static void escape_json(strbuf *out, const char *p, size_t n)
{
    strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '\b': strbuf_append(out, "\\b", 2); break;
        case '\f': strbuf_append(out, "\\f", 2); break;
        case '\n': strbuf_append(out, "\\n", 2); break;
        case '\r': strbuf_append(out, "\\r", 2); break;
        case '\t': strbuf_append(out, "\\t", 2); break;
        case '"': strbuf_append(out, "\\\"", 2); break;
        case '\\': strbuf_append(out, "\\\\", 2); break;
        default:
            if (c < 0x20)
                strbuf_printf(out, "\\u%04x", c);
            else
                strbuf_putc(out, (char)c);
        }
    }
    strbuf_putc(out, '"');
}

typedef struct pair_ref {
    uint32_t key, value;
} pair_ref;

static int cmp_pairs(const parser *ps, const pair_ref *a, const pair_ref *b)
{
    const jnode *ka = (const jnode *)(const void *)ps->nodes->data + a->key;
    const jnode *kb = (const jnode *)(const void *)ps->nodes->data + b->key;
    if (ka->str_len != kb->str_len)
        return ka->str_len < kb->str_len ? -1 : 1;
    int c = memcmp(ps->pool->data + ka->str_off, ps->pool->data + kb->str_off, ka->str_len);
    if (c)
        return c;
    return ka->order < kb->order ? -1 : ka->order > kb->order;
}

/* Insertion sort on small objects, merge sort otherwise: stable, no global state. */
static void sort_pairs(const parser *ps, pair_ref *v, size_t n, pair_ref *tmp)
{
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            pair_ref x = v[i];
            size_t j = i;
            while (j > 0 && cmp_pairs(ps, &v[j - 1], &x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_pairs(ps, v, h, tmp);
    sort_pairs(ps, v + h, n - h, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_pairs(ps, &v[i], &v[j]) <= 0 ? v[i++] : v[j++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static bool write_node(parser *ps, uint32_t idx, strbuf *out)
{
    jnode n = *node_at(ps, idx);
    switch (n.type) {
    case T_STRING:
        escape_json(out, ps->pool->data + n.str_off, n.str_len);
        return true;
    case T_NUMBER:
        strbuf_append(out, ps->pool->data + n.str_off, n.str_len);
        return true;
    case T_TRUE: strbuf_puts(out, "true"); return true;
    case T_FALSE: strbuf_puts(out, "false"); return true;
    case T_NULL: strbuf_puts(out, "null"); return true;
    case T_ARR_START: {
        strbuf_putc(out, '[');
        uint32_t c = n.first;
        for (uint32_t k = 0; c != UINT32_MAX; k++, c = node_at(ps, c)->next) {
            if (k)
                strbuf_append(out, ", ", 2);
            if (!write_node(ps, c, out))
                return false;
        }
        strbuf_putc(out, ']');
        return true;
    }
    case T_OBJ_START: {
        size_t pairs = n.count / 2;
        pair_ref *v = pairs ? malloc(2 * pairs * sizeof *v) : NULL;
        if (pairs && !v) {
            pg_error_oom(ps->lx.err);
            return false;
        }
        uint32_t c = n.first;
        for (size_t k = 0; k < pairs; k++) {
            v[k].key = c;
            v[k].value = node_at(ps, c)->next;
            c = node_at(ps, v[k].value)->next;
        }
        if (pairs)
            sort_pairs(ps, v, pairs, v + pairs);
        strbuf_putc(out, '{');
        bool first = true, ok = true;
        for (size_t k = 0; k < pairs && ok; k++) {
            /* equal keys sort by order: keep the last */
            if (k + 1 < pairs) {
                const jnode *a = node_at(ps, v[k].key), *b = node_at(ps, v[k + 1].key);
                if (a->str_len == b->str_len && memcmp(ps->pool->data + a->str_off, ps->pool->data + b->str_off, a->str_len) == 0)
                    continue;
            }
            if (!first)
                strbuf_append(out, ", ", 2);
            first = false;
            const jnode *key = node_at(ps, v[k].key);
            escape_json(out, ps->pool->data + key->str_off, key->str_len);
            strbuf_append(out, ": ", 2);
            ok = write_node(ps, v[k].value, out);
        }
        free(v);
        strbuf_putc(out, '}');
        return ok;
    }
    default:
        return true;
    }
}

/* ---------------------------------------------------------------- entry points */

bool types_json_validate(const char *p, size_t n, pg_error *err)
{
    parser ps = {0};
    ps.lx.in = p;
    ps.lx.len = n;
    ps.lx.err = err;
    uint32_t root;
    return parse_document(&ps, &root);
}

bool types_jsonb_normalize(const char *p, size_t n, strbuf *out, pg_error *err)
{
    strbuf nodes, pool, strings;
    strbuf_init(&nodes);
    strbuf_init(&pool);
    strbuf_init(&strings);
    parser ps = {0};
    ps.lx.in = p;
    ps.lx.len = n;
    ps.lx.err = err;
    ps.lx.jsonb = true;
    ps.lx.strings = &strings;
    ps.nodes = &nodes;
    ps.pool = &pool;
    uint32_t root;
    bool ok = parse_document(&ps, &root);
    if (ok && (pool.failed || strings.failed)) {
        pg_error_oom(err);
        ok = false;
    }
    if (ok)
        ok = write_node(&ps, root, out);
    strbuf_free(&nodes);
    strbuf_free(&pool);
    strbuf_free(&strings);
    return ok;
}

static bool json_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    const char *p;
    size_t n;
    if (types_value_bytes(v, &p, &n))
        strbuf_append(out, p, n);
    else if (v->kind == VALUE_INT)
        types_append_int64(out, v->i);
    else
        types_float8_out(v->f, 1, out);
    return true;
}

static bool json_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (!types_json_validate(p, n, err))
        return false;
    types_scratch_text(scratch, p, n, out);
    return true;
}

static bool json_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    return types_check_utf8(p, n, err) && json_text_in(s, typmod, p, n, out, scratch, err);
}

const type_codec types_codec_json = {json_text_out, json_text_in, json_text_out, json_binary_in};

static bool jsonb_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    size_t start = scratch->len;
    if (!types_jsonb_normalize(p, n, scratch, err)) {
        if (!scratch->failed)
            scratch->len = start;
        return false;
    }
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

static bool jsonb_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    strbuf_putc(out, 1);
    return json_text_out(s, typmod, v, out, err);
}

static bool jsonb_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    if (n < 1)
        return types_err_insufficient(err);
    if (p[0] != 1) {
        /* an elog(ERROR) in PostgreSQL's jsonb_recv, hence XX000 */
        pg_error_set(err, "XX000", "unsupported jsonb version number %d", (int)(unsigned char)p[0]);
        return false;
    }
    return types_check_utf8(p + 1, n - 1, err) && jsonb_text_in(s, typmod, p + 1, n - 1, out, scratch, err);
}

const type_codec types_codec_jsonb = {json_text_out, jsonb_text_in, jsonb_binary_out, jsonb_binary_in};
