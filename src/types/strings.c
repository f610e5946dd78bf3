/*
 * strings.c — the character types (text, varchar, bpchar, name, "char") and the opaque
 * text codec used for every type whose storage form is its own text output.
 *
 * Storage form: TEXT, UTF-8.  Lengths of varchar(n)/bpchar(n) count characters, not bytes.
 * The typmod rules are those of the input functions (varchar_input / bpchar_input): excess
 * characters are an error unless they are all spaces, which are cut; bpchar pads to n.
 * (Explicit casts truncate instead; that is the SQL layer's business.)
 */
#include "types/types_internal.h"

#define NAMEDATALEN 64

/* Byte length of the first `chars` UTF-8 characters of (p, n), or n if there are fewer. */
static size_t utf8_prefix_bytes(const char *p, size_t n, size_t chars, size_t *counted)
{
    size_t i = 0, c = 0;
    while (i < n && c < chars) {
        i++;
        while (i < n && ((unsigned char)p[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    if (counted)
        *counted = c;
    return i;
}

static size_t utf8_chars(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* 22021 for bytes that are not UTF-8 (binary input does not pass the client-encoding check
 * that text messages get). */
bool types_check_utf8(const char *p, size_t n, pg_error *err)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = c != 0 && len != 0 && i + len <= n;
        if (ok && len > 1) {
            for (size_t k = 1; k < len; k++)
                ok = ok && (s[i + k] & 0xC0) == 0x80;
            if (ok) {
                uint32_t cp = c & (0x7F >> len);
                for (size_t k = 1; k < len; k++)
                    cp = (cp << 6) | (s[i + k] & 0x3F);
                static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
                ok = cp >= min_cp[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
            }
        }
        if (!ok) {
            char bytes[40];
            size_t show = len ? len : 1, b = 0;
            if (i + show > n)
                show = n - i;
            for (size_t k = 0; k < show; k++)
                b += (size_t)snprintf(bytes + b, sizeof bytes - b, "%s0x%02x", k ? " " : "", s[i + k]);
            pg_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\": %s", bytes);
            return false;
        }
        i += len;
    }
    return true;
}

/* Text of any value: the storage form printed as text (engines may return INT or FLOAT for
 * a text column). */
static bool value_text_out(const type_settings *s, const sql_value *v, strbuf *out)
{
    switch (v->kind) {
    case VALUE_INT:
        types_append_int64(out, v->i);
        return true;
    case VALUE_FLOAT:
        types_float8_out(v->f, s ? s->extra_float_digits : 1, out);
        return true;
    case VALUE_TEXT:
    case VALUE_BLOB:
        strbuf_append(out, v->ptr, v->len);
        return true;
    case VALUE_NULL:
        break;
    }
    return true;
}

static bool text_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod), UNUSED(err);
    return value_text_out(s, v, out);
}

static bool text_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    types_scratch_text(scratch, p, n, out);
    return true;
}

static bool text_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    return text_text_out(s, typmod, v, out, err);
}

static bool text_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    if (!types_check_utf8(p, n, err))
        return false;
    return text_text_in(s, typmod, p, n, out, scratch, err);
}

const type_codec types_codec_text = {text_text_out, text_text_in, text_binary_out, text_binary_in};
/* Opaque types: text round trip, no binary form. */
const type_codec types_codec_opaque_text = {text_text_out, text_text_in, NULL, NULL};

/* ---------------------------------------------------------------- varchar / bpchar */

/* Apply a length limit of `maxlen` characters: cut trailing spaces beyond it, else 22001. */
static bool fit_length(const char *p, size_t n, int32_t maxlen, const char *sqltype, size_t *keep, size_t *chars, pg_error *err)
{
    size_t counted;
    size_t cut = utf8_prefix_bytes(p, n, (size_t)maxlen, &counted);
    for (size_t i = cut; i < n; i++) {
        if (p[i] != ' ') {
            pg_error_set(err, "22001", "value too long for type %s(%d)", sqltype, maxlen);
            return false;
        }
    }
    *keep = cut;
    *chars = counted;
    return true;
}

static bool varchar_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    size_t keep = n, chars;
    if (typmod >= 4 && !fit_length(p, n, typmod - 4, "character varying", &keep, &chars, err))
        return false;
    types_scratch_text(scratch, p, keep, out);
    return true;
}

static bool varchar_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    return types_check_utf8(p, n, err) && varchar_text_in(s, typmod, p, n, out, scratch, err);
}

const type_codec types_codec_varchar = {text_text_out, varchar_text_in, text_binary_out, varchar_binary_in};

/* n spaces at once (COPY pads every row of a char(84) column: pgbench). */
static void pad_spaces(strbuf *b, size_t n)
{
    if (!n || !strbuf_reserve(b, n))
        return;
    memset(b->data + b->len, ' ', n);
    b->len += n;
    b->data[b->len] = 0;
}

static bool bpchar_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    if (typmod < 4) {
        types_scratch_text(scratch, p, n, out);
        return true;
    }
    size_t keep, chars;
    if (!fit_length(p, n, typmod - 4, "character", &keep, &chars, err))
        return false;
    size_t start = scratch->len;
    strbuf_append(scratch, p, keep);
    pad_spaces(scratch, (size_t)(typmod - 4) - chars);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

/* bpchar values are stored padded; an engine that lost the padding gets it back here. */
static bool bpchar_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(err);
    size_t start = out->len;
    value_text_out(s, v, out);
    if (typmod >= 4 && !out->failed) {
        size_t chars = utf8_chars(out->data + start, out->len - start);
        if (chars < (size_t)(typmod - 4))
            pad_spaces(out, (size_t)(typmod - 4) - chars);
    }
    return true;
}

static bool bpchar_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    return types_check_utf8(p, n, err) && bpchar_text_in(s, typmod, p, n, out, scratch, err);
}

const type_codec types_codec_bpchar = {bpchar_text_out, bpchar_text_in, bpchar_text_out, bpchar_binary_in};

/* ---------------------------------------------------------------- name */

static bool name_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    size_t keep = n;
    if (keep > NAMEDATALEN - 1) {
        /* Cut at NAMEDATALEN-1 bytes without splitting a character (pg_mbcliplen). */
        keep = NAMEDATALEN - 1;
        while (keep > 0 && ((unsigned char)p[keep] & 0xC0) == 0x80)
            keep--;
    }
    types_scratch_text(scratch, p, keep, out);
    return true;
}

static bool name_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    if (!types_check_utf8(p, n, err))
        return false;
    if (n >= NAMEDATALEN) {
        pg_error_set(err, "42622", "identifier too long");
        pg_error_detail(err, "Identifier must be less than %d characters.", NAMEDATALEN);
        return false;
    }
    return name_text_in(s, typmod, p, n, out, scratch, err);
}

const type_codec types_codec_name = {text_text_out, name_text_in, text_binary_out, name_binary_in};

/* ---------------------------------------------------------------- "char" */

/* One byte; stored raw (empty for the zero byte); printed as \ooo when the high bit is set. */
static bool char_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    const char *p;
    size_t n;
    if (!types_value_bytes(v, &p, &n) || n == 0)
        return true;
    unsigned char c = (unsigned char)p[0];
    if (c & 0x80)
        strbuf_printf(out, "\\%03o", c);
    else
        strbuf_putc(out, (char)c);
    return true;
}

static bool char_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    if (n == 4 && p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
        char c = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
        types_scratch_text(scratch, &c, c ? 1 : 0, out);
        return true;
    }
    types_scratch_text(scratch, p, n && p[0] ? 1 : 0, out);
    return true;
}

static bool char_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    const char *p;
    size_t n;
    char c = types_value_bytes(v, &p, &n) && n ? p[0] : 0;
    strbuf_putc(out, c);
    return true;
}

static bool char_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (n < 1) {
        /* pq_getmsgbyte's words, not pq_getmsgint's */
        pg_error_set(err, "08P01", "no data left in message");
        return false;
    }
    if (n > 1)
        return types_err_binary(err);
    types_scratch_text(scratch, p, p[0] ? 1 : 0, out);
    return true;
}

const type_codec types_codec_char = {char_text_out, char_text_in, char_binary_out, char_binary_in};
