/*
 * copy_write.c — COPY TO's data: a row in text (backslash escapes), csv (quoting as
 * PostgreSQL decides it) or binary (PostgreSQL's file format: the header before the first
 * row, a field count and length-prefixed values per row, -1 at the end).
 */
#include "proto/copy.h"

#include <string.h>

void copy_writer_init(copy_writer *w, const sql_copy *spec)
{
    memset(w, 0, sizeof *w);
    w->spec = spec;
    strbuf_init(&w->text);
    w->binary_header_pending = spec->format == SQL_COPY_BINARY;
}

void copy_writer_free(copy_writer *w)
{
    strbuf_free(&w->text);
}

static void put_binary_header(strbuf *out)
{
    strbuf_append(out, copy_binary_signature, sizeof copy_binary_signature);
    strbuf_append(out, "\0\0\0\0\0\0\0\0", 8);   /* flags, header extension length */
}

/* CopyAttributeOutText: backslash escapes for control characters, the backslash and the
 * delimiter.  Runs of ordinary bytes are copied at once. */
static void put_text_escaped(const char *s, size_t len, char delim, strbuf *out)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '\\' && c != (unsigned char)delim)
            continue;
        char esc;
        if (c < 0x20) {
            switch (c) {
            case '\b': esc = 'b'; break;
            case '\f': esc = 'f'; break;
            case '\n': esc = 'n'; break;
            case '\r': esc = 'r'; break;
            case '\t': esc = 't'; break;
            case '\v': esc = 'v'; break;
            default:
                if (c != (unsigned char)delim)
                    continue;
                esc = (char)c;
                break;
            }
        } else if (c == '\\' || c == (unsigned char)delim) {
            esc = (char)c;
        } else {
            continue;
        }
        strbuf_append(out, s + start, i - start);
        strbuf_putc(out, '\\');
        strbuf_putc(out, esc);
        start = i + 1;
    }
    strbuf_append(out, s + start, len - start);
}

/* CopyAttributeOutCSV: quoted when asked, when equal to the NULL string, when holding the
 * delimiter, the quote or a newline, or when it is \. alone in a one-column row. */
static void put_csv(const copy_writer *w, const char *s, size_t len, bool force, bool single_column, strbuf *out)
{
    const sql_copy *spec = w->spec;
    char delim = spec->delimiter, quote = spec->quote, escape = spec->escape;
    bool use_quote = force;
    if (!use_quote && len == spec->null_len && memcmp(s, spec->null_string, len) == 0)
        use_quote = true;
    if (!use_quote) {
        if (single_column && len == 2 && s[0] == '\\' && s[1] == '.')
            use_quote = true;
        for (size_t i = 0; i < len && !use_quote; i++) {
            char c = s[i];
            if (c == delim || c == quote || c == '\n' || c == '\r')
                use_quote = true;
        }
    }
    if (!use_quote) {
        strbuf_append(out, s, len);
        return;
    }
    strbuf_putc(out, quote);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == quote || s[i] == escape) {
            strbuf_append(out, s + start, i - start);
            strbuf_putc(out, escape);
            start = i;   /* the character itself goes out with the next run */
        }
    }
    strbuf_append(out, s + start, len - start);
    strbuf_putc(out, quote);
}

bool copy_writer_header_line(copy_writer *w, strbuf *out)
{
    const sql_copy *spec = w->spec;
    if (spec->format == SQL_COPY_BINARY || spec->header == SQL_COPY_HEADER_NONE)
        return false;
    for (int i = 0; i < spec->ncolumns; i++) {
        if (i)
            strbuf_putc(out, spec->delimiter);
        const char *name = spec->columns[i].name;
        if (spec->format == SQL_COPY_CSV)
            put_csv(w, name, strlen(name), false, spec->ncolumns == 1, out);
        else
            put_text_escaped(name, strlen(name), spec->delimiter, out);
    }
    strbuf_putc(out, '\n');
    return true;
}

bool copy_writer_row(copy_writer *w, const type_settings *ts, const sql_value *values, strbuf *out, pg_error *err)
{
    const sql_copy *spec = w->spec;
    if (spec->format == SQL_COPY_BINARY) {
        if (w->binary_header_pending) {
            put_binary_header(out);
            w->binary_header_pending = false;
        }
        char count[2] = {(char)((unsigned)spec->ncolumns >> 8), (char)spec->ncolumns};
        strbuf_append(out, count, 2);
        for (int i = 0; i < spec->ncolumns; i++) {
            const sql_value *v = &values[i];
            if (v->kind == VALUE_NULL) {
                strbuf_append(out, "\377\377\377\377", 4);
                continue;
            }
            size_t len_at = out->len;
            strbuf_append(out, "\0\0\0\0", 4);
            if (out->failed) {
                pg_error_oom(err);
                return false;
            }
            size_t before = out->len;
            if (!types_binary_out(ts, spec->columns[i].type_oid, spec->columns[i].typmod, v, out, err))
                return false;
            if (out->failed)
                break;
            uint32_t n = (uint32_t)(out->len - before);
            out->data[len_at] = (char)(n >> 24);
            out->data[len_at + 1] = (char)(n >> 16);
            out->data[len_at + 2] = (char)(n >> 8);
            out->data[len_at + 3] = (char)n;
        }
    } else {
        bool csv = spec->format == SQL_COPY_CSV;
        for (int i = 0; i < spec->ncolumns; i++) {
            if (i)
                strbuf_putc(out, spec->delimiter);
            const sql_value *v = &values[i];
            if (v->kind == VALUE_NULL) {
                strbuf_append(out, spec->null_string, spec->null_len);
                continue;
            }
            const char *s;
            size_t n;
            pg_oid type = spec->columns[i].type_oid;
            if (v->kind == VALUE_TEXT && (type == PG_OID_TEXT || (type == PG_OID_VARCHAR))) {
                /* text's output function is the identity: escape the engine's bytes. */
                s = v->ptr;
                n = v->len;
            } else {
                strbuf_reset(&w->text);
                if (!types_text_out(ts, type, spec->columns[i].typmod, v, &w->text, err))
                    return false;
                if (w->text.failed) {
                    pg_error_oom(err);
                    return false;
                }
                s = w->text.data ? w->text.data : "";
                n = w->text.len;
            }
            if (csv)
                put_csv(w, s, n, spec->force_quote_all || (spec->force_quote && spec->force_quote[i]),
                        spec->ncolumns == 1, out);
            else
                put_text_escaped(s, n, spec->delimiter, out);
        }
        strbuf_putc(out, '\n');
    }
    if (out->failed) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

void copy_writer_finish(copy_writer *w, strbuf *out)
{
    if (w->spec->format != SQL_COPY_BINARY)
        return;
    if (w->binary_header_pending) {
        put_binary_header(out);
        w->binary_header_pending = false;
    }
    strbuf_append(out, "\377\377", 2);
}
