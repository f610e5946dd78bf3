/*
 * copy_read.c — COPY FROM's data: text, csv and binary read in any chunking, with
 * PostgreSQL 15's rules and messages (docs/copy.md).
 *
 * Reading text/csv happens in two steps, as PostgreSQL does it: find the end of the next
 * line (newline style fixed by the first line, backslash escapes in text, quotes in csv,
 * the end-of-data marker \.), then split that line into fields.  Lines that are complete
 * inside the chunk are parsed where they are; only a line cut by the chunk's end is copied
 * into `pending`, and its scan resumes where it stopped when more data comes, so every byte
 * is scanned once however long the line.  Fields without escapes point into the input; the
 * others are de-escaped into `fieldbuf`, which is sized to the line before the split so that
 * pointers to earlier fields stay valid.
 *
 * Binary input is PostgreSQL's file format: signature, flags, header extension, then
 * tuples (int16 field count, int32 length + bytes per field, -1 for NULL), int16 -1 at the
 * end.  A tuple is handed over only when all its bytes are there.
 *
 * Memory: `pending` holds at most one line or tuple plus the chunk that completes it;
 * nothing is allocated per row once the buffers reached the longest row's size.
 */
#include "proto/copy.h"

#include <stdlib.h>
#include <string.h>

/* PostgreSQL's limit for a string buffer (MaxAllocSize - 1). */
#define COPY_MAX_LINE ((size_t)0x3fffffff - 1)
/* PostgreSQL prints at most this many bytes of a value or line in CONTEXT. */
#define COPY_MAX_DISPLAY 100

const char copy_binary_signature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};

/* ---------------------------------------------------------------- errors and context */

static void append_context(pg_error *err, const char *text)
{
    if (err->context) {
        strbuf b;
        strbuf_init(&b);
        strbuf_printf(&b, "%s\n%s", err->context, text);
        if (!b.failed) {
            free(err->context);
            err->context = strbuf_steal(&b);
            return;
        }
        strbuf_free(&b);
        return;
    }
    pg_error_context(err, "%s", text);
}

/* limit_printout_length: at most 100 bytes, cut at a character boundary, then "...". */
static void printable(const char *s, size_t len, strbuf *out)
{
    if (len <= COPY_MAX_DISPLAY) {
        strbuf_append(out, s, len);
        return;
    }
    size_t n = COPY_MAX_DISPLAY;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    strbuf_append(out, s, n);
    strbuf_puts(out, "...");
}

void copy_line_context(const sql_copy *spec, uint64_t lineno, const char *line, size_t len, pg_error *err)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "COPY %s, line %llu", spec->relation ? spec->relation : "", (unsigned long long)lineno);
    if (line && spec->format != SQL_COPY_BINARY) {
        strbuf_puts(&b, ": \"");
        printable(line, len, &b);
        strbuf_putc(&b, '"');
    }
    if (!b.failed)
        append_context(err, b.data);
    strbuf_free(&b);
}

void copy_reader_line_context(const copy_reader *r, bool with_line, pg_error *err)
{
    bool text = with_line && r->line_valid;
    copy_line_context(r->spec, r->lineno, text ? r->line : NULL, text ? r->line_len : 0, err);
}

void copy_reader_column_context(const copy_reader *r, const char *column, const copy_field *f, pg_error *err)
{
    strbuf b;
    strbuf_init(&b);
    const char *rel = r->spec->relation ? r->spec->relation : "";
    strbuf_printf(&b, "COPY %s, line %llu, column %s", rel, (unsigned long long)r->lineno, column);
    if (r->spec->format != SQL_COPY_BINARY) {
        if (!f || f->null) {
            strbuf_puts(&b, ": null input");
        } else {
            strbuf_puts(&b, ": \"");
            printable(f->ptr, f->len, &b);
            strbuf_putc(&b, '"');
        }
    }
    if (!b.failed)
        append_context(err, b.data);
    strbuf_free(&b);
}

static bool format_error(pg_error *err, const char *message, const char *hint)
{
    pg_error_set(err, "22P04", "%s", message);
    if (hint)
        pg_error_hint(err, "%s", hint);
    return false;
}

/* ---------------------------------------------------------------- UTF-8 */

/* pg_utf_mblen: the length a lead byte announces. */
static int utf8_lead_length(unsigned char c)
{
    if ((c & 0x80) == 0)
        return 1;
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

/* One character starting at s (n bytes available): its length, or 0 if invalid
 * (pg_utf8_islegal: no overlong forms, no surrogates, nothing above U+10FFFF). */
static int utf8_char(const unsigned char *s, size_t n)
{
    unsigned char a = s[0];
    if (a < 0x80)
        return a ? 1 : 0;
    int len = utf8_lead_length(a);
    if (len == 1 || (size_t)len > n)
        return 0;
    unsigned char b = s[1];
    switch (len) {
    case 4:
        if ((s[3] & 0xc0) != 0x80)
            return 0;
        /* fall through */
    case 3:
        if ((s[2] & 0xc0) != 0x80)
            return 0;
        /* fall through */
    case 2:
        if ((b & 0xc0) != 0x80)
            return 0;
        break;
    }
    switch (a) {
    case 0xe0:
        if (b < 0xa0)
            return 0;
        break;
    case 0xed:
        if (b > 0x9f)
            return 0;
        break;
    case 0xf0:
        if (b < 0x90)
            return 0;
        break;
    case 0xf4:
        if (b > 0x8f)
            return 0;
        break;
    default:
        if (a < 0xc2 || a > 0xf4)
            return 0;
        break;
    }
    return len;
}

/* `avail` >= len bytes may be shown in the message: PostgreSQL verifies the raw stream, so
 * the bytes it prints for a character cut by the end of the line include the newline. */
static bool verify_utf8(const char *text, size_t len, size_t avail, pg_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* ASCII without NUL, eight bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & UINT64_C(0x8080808080808080)) ||
                ((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        int l = utf8_char(s + i, len - i);
        if (l == 0) {
            int show = utf8_lead_length(s[i]);
            if ((size_t)show > avail - i)
                show = (int)(avail - i);
            char buf[48];
            size_t at = 0;
            for (int j = 0; j < show && j < 8; j++)
                at += (size_t)snprintf(buf + at, sizeof buf - at, j ? " 0x%02x" : "0x%02x", s[i + (size_t)j]);
            pg_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\": %s", buf);
            return false;
        }
        i += (size_t)l;
    }
    return true;
}

bool copy_verify_utf8(const char *text, size_t len, pg_error *err)
{
    return verify_utf8(text, len, len, err);
}

/* ---------------------------------------------------------------- reader */

void copy_reader_init(copy_reader *r, const sql_copy *spec)
{
    memset(r, 0, sizeof *r);
    r->spec = spec;
    strbuf_init(&r->pending);
    strbuf_init(&r->fieldbuf);
    r->header_done = spec->format != SQL_COPY_BINARY && spec->header == SQL_COPY_HEADER_NONE;
}

void copy_reader_free(copy_reader *r)
{
    strbuf_free(&r->pending);
    strbuf_free(&r->fieldbuf);
    free(r->fields);
    r->fields = NULL;
    r->fields_cap = 0;
}

static __attribute__((noinline)) bool grow_fields(copy_reader *r, pg_error *err)
{
    int cap = r->fields_cap ? r->fields_cap * 2 : 16;
    copy_field *grown = realloc(r->fields, sizeof *grown * (size_t)cap);
    if (!grown) {
        pg_error_oom(err);
        return false;
    }
    r->fields = grown;
    r->fields_cap = cap;
    return true;
}

static inline copy_field *next_field(copy_reader *r, pg_error *err)
{
    if (r->nfields == r->fields_cap && !grow_fields(r, err))
        return NULL;
    copy_field *f = &r->fields[r->nfields++];
    f->ptr = NULL;
    f->len = 0;
    f->null = false;
    return f;
}

typedef enum { SCAN_LINE, SCAN_END_MARKER, SCAN_MORE, SCAN_ERROR } scan_result;

/* The first byte of buf[0, len) that is a newline, a carriage return, `special`, a NUL or
 * not ASCII, eight bytes at a time (the zero-byte test of "Bit Twiddling Hacks"); len if
 * there is none. */
static size_t first_interesting(const char *buf, size_t len, char special)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    const uint64_t nl = ones * '\n', cr = ones * '\r', sp = ones * (unsigned char)special;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        uint64_t a = w ^ nl, b = w ^ cr, c = w ^ sp;
        uint64_t zero = ((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) | ((w - ones) & ~w);
        if ((zero | w) & highs)
            break;
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n' || c == '\r' || c == (unsigned char)special || c == 0 || c >= 0x80)
            return i;
    }
    return len;
}

/*
 * Find the end of the line that starts at buf (CopyReadLineText).  `st` holds where an
 * earlier call stopped for lack of data.  At `at_eof` the data ends without a newline.
 * SCAN_LINE: the line is buf[0, *line_len), the newline included *consumed bytes.
 * SCAN_END_MARKER: \. ended the data; buf[0, *line_len) before it is still a line.
 */
static scan_result scan_line(copy_reader *r, const char *buf, size_t len, bool at_eof, copy_line_scan *st,
                             size_t *line_len, size_t *consumed, pg_error *err)
{
    bool csv = r->spec->format == SQL_COPY_CSV;
    char quote = r->spec->quote, escape = r->spec->escape;
    if (escape == quote)
        escape = 0;   /* the quote character toggles; no separate escape processing */
    bool in_quote = st->in_quote, last_esc = st->last_was_escape;
    size_t i = st->pos;
    r->line_plain = false;
    if (i == 0 && (r->eol == COPY_EOL_NL || r->eol == COPY_EOL_UNKNOWN) && (!csv || len == 0 || buf[0] != '\\')) {
        /* The common line: ASCII up to a \n, without a backslash (text), a quote (csv), a
         * \r or a NUL.  One pass finds its end, and it needs neither the UTF-8 check nor
         * de-escaping (r->line_plain). */
        size_t n = first_interesting(buf, len, csv ? quote : '\\');
        if (n < len && buf[n] == '\n') {
            r->eol = COPY_EOL_NL;
            r->line_plain = true;
            *line_len = n;
            *consumed = n + 1;
            return SCAN_LINE;
        }
    }
    /* Out of data in the middle of a look-ahead: stop before this character, with the
     * state it had, so that the next call processes it once. */
#define NEED_MORE_DATA()            \
    do {                            \
        i = at;                     \
        in_quote = quote_before;    \
        last_esc = escape_before;   \
        st->embedded_lines = embedded_before; \
        goto more;                  \
    } while (0)
    while (i < len) {
        size_t at = i;
        bool quote_before = in_quote, escape_before = last_esc;
        uint64_t embedded_before = st->embedded_lines;
        char c = buf[i++];
        if (csv) {
            if ((c == '\\' || c == '\r') && i >= len && !at_eof)
                NEED_MORE_DATA();
            if (in_quote && c == escape && escape)
                last_esc = !last_esc;
            if (c == quote && !last_esc)
                in_quote = !in_quote;
            if (c != escape || !escape)
                last_esc = false;
            if (in_quote && c == (r->eol == COPY_EOL_NL ? '\n' : '\r'))
                st->embedded_lines++;
        }
        if (c == '\r' && (!csv || !in_quote)) {
            if (r->eol == COPY_EOL_UNKNOWN || r->eol == COPY_EOL_CRNL) {
                if (i >= len && !at_eof)
                    NEED_MORE_DATA();
                if (i < len && buf[i] == '\n') {
                    i++;
                    r->eol = COPY_EOL_CRNL;
                } else {
                    if (r->eol == COPY_EOL_CRNL)
                        goto literal_cr;
                    r->eol = COPY_EOL_CR;
                }
            } else if (r->eol == COPY_EOL_NL) {
                goto literal_cr;
            }
            *line_len = at;
            *consumed = i;
            return SCAN_LINE;
        }
        if (c == '\n' && (!csv || !in_quote)) {
            if (r->eol == COPY_EOL_CR || r->eol == COPY_EOL_CRNL) {
                if (csv)
                    return format_error(err, "unquoted newline found in data", "Use quoted CSV field to represent newline."),
                           SCAN_ERROR;
                return format_error(err, "literal newline found in data", "Use \"\\n\" to represent newline."),
                       SCAN_ERROR;
            }
            r->eol = COPY_EOL_NL;
            *line_len = at;
            *consumed = i;
            return SCAN_LINE;
        }
        if (c == '\\' && (!csv || at == 0)) {
            if (i >= len) {
                if (!at_eof)
                    NEED_MORE_DATA();
                /* A backslash just before the end of the data is a data character. */
                *line_len = i;
                *consumed = i;
                return SCAN_LINE;
            }
            if (buf[i] == '.') {
                i++;
                char c2;
                if (r->eol == COPY_EOL_CRNL) {
                    if (i >= len && !at_eof)
                        NEED_MORE_DATA();
                    c2 = i < len ? buf[i++] : 0;
                    if (c2 == '\n') {
                        if (!csv)
                            return format_error(err, "end-of-copy marker does not match previous newline style", NULL),
                                   SCAN_ERROR;
                        i = at + 1;
                        continue;
                    }
                    if (c2 != '\r') {
                        if (!csv)
                            return format_error(err, "end-of-copy marker corrupt", NULL), SCAN_ERROR;
                        i = at + 1;
                        continue;
                    }
                }
                if (i >= len && !at_eof)
                    NEED_MORE_DATA();
                c2 = i < len ? buf[i++] : 0;
                if (c2 != '\r' && c2 != '\n') {
                    if (!csv)
                        return format_error(err, "end-of-copy marker corrupt", NULL), SCAN_ERROR;
                    i = at + 1;
                    continue;
                }
                if ((r->eol == COPY_EOL_NL && c2 != '\n') || (r->eol == COPY_EOL_CRNL && c2 != '\n') ||
                    (r->eol == COPY_EOL_CR && c2 != '\r'))
                    return format_error(err, "end-of-copy marker does not match previous newline style", NULL),
                           SCAN_ERROR;
                *line_len = at;
                *consumed = i;
                return SCAN_END_MARKER;
            }
            if (!csv)
                i++;   /* text: the escaped character is data, even a newline */
        }
    }
    if (at_eof) {
        /* The data ends without a newline: what is there is the last line. */
        *line_len = len;
        *consumed = len;
        return SCAN_LINE;
    }
more:
    st->pos = i;
    st->in_quote = in_quote;
    st->last_was_escape = last_esc;
    return SCAN_MORE;
#undef NEED_MORE_DATA

literal_cr:
    if (csv)
        return format_error(err, "unquoted carriage return found in data", "Use quoted CSV field to represent carriage return."),
               SCAN_ERROR;
    return format_error(err, "literal carriage return found in data", "Use \"\\r\" to represent carriage return."),
           SCAN_ERROR;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A line without escapes or quotes: fields are the bytes between delimiters, NULL when
 * equal to the NULL string (what split_text and split_csv do when nothing is escaped). */
static bool split_plain(copy_reader *r, const char *line, size_t len, pg_error *err)
{
    const sql_copy *spec = r->spec;
    r->nfields = 0;
    if (spec->ncolumns == 0) {
        if (len)
            return format_error(err, "extra data after last expected column", NULL);
        return true;
    }
    const char *p = line, *end = line + len;
    char delim = spec->delimiter;
    for (;;) {
        copy_field *f = next_field(r, err);
        if (!f)
            return false;
        const char *start = p;
        while (p < end && *p != delim)
            p++;
        f->len = (size_t)(p - start);
        f->null = f->len == spec->null_len && memcmp(start, spec->null_string, f->len) == 0;
        f->ptr = f->null ? NULL : start;
        if (p == end)
            return true;
        p++;
    }
}

/* CopyReadAttributesText: fields separated by the delimiter, backslash escapes, the NULL
 * string compared with the field as written. */
static bool split_text(copy_reader *r, const char *line, size_t len, pg_error *err)
{
    const sql_copy *spec = r->spec;
    char delim = spec->delimiter;
    r->nfields = 0;
    if (spec->ncolumns == 0) {
        if (len)
            return format_error(err, "extra data after last expected column", NULL);
        return true;
    }
    strbuf_reset(&r->fieldbuf);
    if (!strbuf_reserve(&r->fieldbuf, len + 1)) {
        pg_error_oom(err);
        return false;
    }
    char *out = r->fieldbuf.data;
    const char *p = line, *end = line + len;
    for (;;) {
        copy_field *f = next_field(r, err);
        if (!f)
            return false;
        const char *start = p;
        /* Fast path: a field without escapes is used where it is. */
        while (p < end && *p != delim && *p != '\\')
            p++;
        const char *raw_end = p;
        bool found_delim = false, escaped = false, saw_non_ascii = false;
        char *field_out = out;
        if (p < end && *p == '\\') {
            escaped = true;
            memcpy(out, start, (size_t)(p - start));
            out += p - start;
            for (;;) {
                raw_end = p;
                if (p >= end)
                    break;
                char c = *p++;
                if (c == delim) {
                    found_delim = true;
                    break;
                }
                if (c == '\\') {
                    if (p >= end)
                        break;
                    c = *p++;
                    switch (c) {
                    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                        int v = c - '0';
                        if (p < end && *p >= '0' && *p <= '7') {
                            v = (v << 3) + (*p++ - '0');
                            if (p < end && *p >= '0' && *p <= '7')
                                v = (v << 3) + (*p++ - '0');
                        }
                        c = (char)(v & 0377);
                        if (c == 0 || (c & 0x80))
                            saw_non_ascii = true;
                        break;
                    }
                    case 'x':
                        if (p < end && hex_value(*p) >= 0) {
                            int v = hex_value(*p++);
                            if (p < end && hex_value(*p) >= 0)
                                v = (v << 4) + hex_value(*p++);
                            c = (char)(v & 0xff);
                            if (c == 0 || (c & 0x80))
                                saw_non_ascii = true;
                        }
                        break;
                    case 'b': c = '\b'; break;
                    case 'f': c = '\f'; break;
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'v': c = '\v'; break;
                    default: break;   /* any other character stands for itself */
                    }
                }
                *out++ = c;
            }
        } else if (p < end) {
            found_delim = true;
            p++;
        }
        size_t raw_len = (size_t)(raw_end - start);
        if (raw_len == spec->null_len && memcmp(start, spec->null_string, raw_len) == 0) {
            f->null = true;
            f->ptr = NULL;
            f->len = 0;
        } else if (escaped) {
            f->ptr = field_out;
            f->len = (size_t)(out - field_out);
            if (saw_non_ascii && !copy_verify_utf8(f->ptr, f->len, err))
                return false;
        } else {
            f->ptr = start;
            f->len = raw_len;
        }
        if (!found_delim)
            break;
    }
    r->fieldbuf.len = (size_t)(out - r->fieldbuf.data);
    return true;
}

/* CopyReadAttributesCSV: quotes, the escape character inside quotes, NULL only when the
 * field was not quoted. */
static bool split_csv(copy_reader *r, const char *line, size_t len, pg_error *err)
{
    const sql_copy *spec = r->spec;
    char delim = spec->delimiter, quote = spec->quote, escape = spec->escape;
    r->nfields = 0;
    if (spec->ncolumns == 0) {
        if (len)
            return format_error(err, "extra data after last expected column", NULL);
        return true;
    }
    strbuf_reset(&r->fieldbuf);
    if (!strbuf_reserve(&r->fieldbuf, len + 1)) {
        pg_error_oom(err);
        return false;
    }
    char *out = r->fieldbuf.data;
    const char *p = line, *end = line + len;
    for (;;) {
        copy_field *f = next_field(r, err);
        if (!f)
            return false;
        const char *start = p;
        while (p < end && *p != delim && *p != quote)
            p++;
        const char *raw_end = p;
        bool found_delim = false, saw_quote = false;
        char *field_out = out;
        if (p < end && *p == quote) {
            saw_quote = true;
            memcpy(out, start, (size_t)(p - start));
            out += p - start;
            p++;
            for (;;) {
                /* In quotes. */
                for (;;) {
                    if (p >= end)
                        return format_error(err, "unterminated CSV quoted field", NULL);
                    char c = *p++;
                    if (c == escape && p < end && (*p == escape || *p == quote)) {
                        *out++ = *p++;
                        continue;
                    }
                    if (c == quote)
                        break;
                    *out++ = c;
                }
                /* Not in quotes. */
                for (;;) {
                    raw_end = p;
                    if (p >= end)
                        goto field_end;
                    char c = *p++;
                    if (c == delim) {
                        found_delim = true;
                        goto field_end;
                    }
                    if (c == quote)
                        break;
                    *out++ = c;
                }
            }
        } else if (p < end) {
            found_delim = true;
            p++;
        }
    field_end:;
        size_t raw_len = (size_t)(raw_end - start);
        if (!saw_quote && raw_len == spec->null_len && memcmp(start, spec->null_string, raw_len) == 0) {
            f->null = true;
        } else if (saw_quote) {
            f->ptr = field_out;
            f->len = (size_t)(out - field_out);
        } else {
            f->ptr = start;
            f->len = raw_len;
        }
        if (!found_delim)
            break;
    }
    r->fieldbuf.len = (size_t)(out - r->fieldbuf.data);
    return true;
}

/* HEADER MATCH: the header line's fields must be the COPY's column names, in order. */
static bool check_header(copy_reader *r, pg_error *err)
{
    const sql_copy *spec = r->spec;
    if (r->nfields != spec->ncolumns) {
        pg_error_set(err, "22P04", "wrong number of fields in header line: got %d, expected %d", r->nfields,
                     spec->ncolumns);
        return false;
    }
    for (int i = 0; i < r->nfields; i++) {
        const copy_field *f = &r->fields[i];
        const char *name = spec->columns[i].name;
        if (f->null) {
            pg_error_set(err, "22P04",
                         "column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"",
                         i + 1, spec->null_string, name);
            return false;
        }
        if (strlen(name) != f->len || memcmp(name, f->ptr, f->len) != 0) {
            pg_error_set(err, "22P04", "column name mismatch in header line field %d: got \"%.*s\", expected \"%s\"",
                         i + 1, (int)f->len, f->ptr, name);
            return false;
        }
    }
    return true;
}

/* A complete line (`avail` bytes with its newline): the header, or a row for the callback. */
static bool process_line(copy_reader *r, const char *line, size_t len, size_t avail, copy_row_fn fn, void *arg,
                         pg_error *err)
{
    r->line = line;
    r->line_len = len;
    r->line_valid = false;
    if (!r->line_plain && !verify_utf8(line, len, avail, err)) {
        copy_reader_line_context(r, false, err);
        return false;
    }
    r->line_valid = true;
    bool csv = r->spec->format == SQL_COPY_CSV;
    if (!r->header_done) {
        r->header_done = true;
        if (r->spec->header != SQL_COPY_HEADER_MATCH)
            return true;
        if (!(csv ? split_csv(r, line, len, err) : split_text(r, line, len, err)) || !check_header(r, err)) {
            copy_reader_line_context(r, true, err);
            return false;
        }
        return true;
    }
    bool ok = r->line_plain ? split_plain(r, line, len, err)
              : csv         ? split_csv(r, line, len, err)
                            : split_text(r, line, len, err);
    if (!ok) {
        copy_reader_line_context(r, true, err);
        return false;
    }
    return fn(arg, r, err);
}

/* Lines of buf (which starts at a line); the bytes used are returned in *used. */
static bool read_lines(copy_reader *r, const char *buf, size_t len, bool at_eof, copy_row_fn fn, void *arg,
                       size_t *used, pg_error *err)
{
    size_t pos = 0;
    *used = 0;
    while (pos < len && !r->ended) {
        size_t line_len = 0, consumed = 0;
        scan_result sr = scan_line(r, buf + pos, len - pos, at_eof, &r->scan, &line_len, &consumed, err);
        if (sr == SCAN_MORE)
            break;
        r->lineno += 1 + r->scan.embedded_lines;
        memset(&r->scan, 0, sizeof r->scan);
        if (sr == SCAN_ERROR) {
            r->line_valid = false;
            copy_reader_line_context(r, false, err);
            return false;
        }
        if (sr == SCAN_END_MARKER) {
            r->ended = true;
            /* Data before \. on the same line is still a line (text format). */
            if (line_len == 0) {
                pos += consumed;
                break;
            }
        }
        if (!process_line(r, buf + pos, line_len, consumed, fn, arg, err))
            return false;
        pos += consumed;
        *used = pos;
    }
    *used = pos;
    return true;
}

/* ---------------------------------------------------------------- binary */

static uint32_t be32(const char *p)
{
    return msg_read_be32(p);
}

static int16_t be16(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (int16_t)(((unsigned)u[0] << 8) | u[1]);
}

/* The file header; *used = 0 while it is incomplete (unless at_eof: then an error). */
static bool binary_header(copy_reader *r, const char *buf, size_t len, bool at_eof, size_t *used, pg_error *err)
{
    *used = 0;
    if (len < 11) {
        if (!at_eof)
            return true;
        return format_error(err, "COPY file signature not recognized", NULL);
    }
    if (memcmp(buf, copy_binary_signature, 11) != 0)
        return format_error(err, "COPY file signature not recognized", NULL);
    if (len < 15) {
        if (!at_eof)
            return true;
        return format_error(err, "invalid COPY file header (missing flags)", NULL);
    }
    uint32_t flags = be32(buf + 11);
    if (flags & (1u << 16))
        return format_error(err, "invalid COPY file header (WITH OIDS)", NULL);
    if ((flags & ~(1u << 16)) >> 16)
        return format_error(err, "unrecognized critical flags in COPY file header", NULL);
    if (len < 19) {
        if (!at_eof)
            return true;
        return format_error(err, "invalid COPY file header (missing length)", NULL);
    }
    int32_t ext = (int32_t)be32(buf + 15);
    if (ext < 0)
        return format_error(err, "invalid COPY file header (missing length)", NULL);
    if (len - 19 < (size_t)ext) {
        if (!at_eof)
            return true;
        return format_error(err, "invalid COPY file header (wrong length)", NULL);
    }
    r->header_done = true;
    *used = 19 + (size_t)ext;
    return true;
}

/* Tuples of buf; an incomplete one is left (at_eof: an error, or the end). */
static bool read_tuples(copy_reader *r, const char *buf, size_t len, bool at_eof, copy_row_fn fn, void *arg,
                        size_t *used, pg_error *err)
{
    size_t pos = 0;
    *used = 0;
    if (!r->header_done) {
        size_t h;
        if (!binary_header(r, buf, len, at_eof, &h, err))
            return false;
        if (!r->header_done)
            return true;
        pos = h;
        *used = pos;
    }
    int ncols = r->spec->ncolumns;
    while (!r->ended) {
        size_t avail = len - pos;
        if (avail < 2)
            break;   /* at the end, a lone byte is the end of the data, as in PostgreSQL */
        int16_t count = be16(buf + pos);
        if (count == -1) {
            r->lineno++;
            r->ended = true;
            pos += 2;
            if (pos < len)
                goto after_trailer;
            break;
        }
        if (count != ncols) {
            r->lineno++;
            pg_error_set(err, "22P04", "row field count is %d, expected %d", count, ncols);
            copy_reader_line_context(r, false, err);
            return false;
        }
        /* All the fields' bytes must be here before the row is handed over. */
        size_t at = pos + 2;
        bool complete = true;
        int incomplete_field = 0;
        r->nfields = 0;
        for (int i = 0; i < ncols; i++) {
            incomplete_field = i;
            if (len - at < 4) {
                complete = false;
                break;
            }
            int32_t flen = (int32_t)be32(buf + at);
            at += 4;
            copy_field *f = next_field(r, err);
            if (!f)
                return false;
            if (flen == -1) {
                f->null = true;
                continue;
            }
            if (flen < 0) {
                r->lineno++;
                pg_error_set(err, "22P04", "invalid field size");
                copy_reader_line_context(r, false, err);
                return false;
            }
            if (len - at < (size_t)flen) {
                complete = false;
                break;
            }
            f->ptr = buf + at;
            f->len = (size_t)flen;
            at += (size_t)flen;
        }
        if (!complete) {
            if (at_eof) {
                r->lineno++;
                pg_error_set(err, "22P04", "unexpected EOF in COPY data");
                copy_reader_column_context(r, r->spec->columns[incomplete_field].name, NULL, err);
                return false;
            }
            break;
        }
        r->lineno++;
        if (!fn(arg, r, err))
            return false;
        pos = at;
        *used = pos;
    }
    *used = pos;
    return true;
after_trailer:
    pg_error_set(err, "22P04", "received copy data after EOF marker");
    copy_reader_line_context(r, false, err);
    return false;
}

/* ---------------------------------------------------------------- feeding */

static bool read_some(copy_reader *r, const char *buf, size_t len, bool at_eof, copy_row_fn fn, void *arg,
                      size_t *used, pg_error *err)
{
    if (r->spec->format == SQL_COPY_BINARY)
        return read_tuples(r, buf, len, at_eof, fn, arg, used, err);
    return read_lines(r, buf, len, at_eof, fn, arg, used, err);
}

static bool keep_pending(copy_reader *r, const char *data, size_t len, pg_error *err)
{
    if (r->pending.len + len > COPY_MAX_LINE) {
        pg_error_set(err, "54000", "out of memory");
        pg_error_detail(err, "Cannot enlarge string buffer containing %zu bytes by %zu more bytes.", r->pending.len, len);
        return false;
    }
    strbuf_append(&r->pending, data, len);
    if (r->pending.failed) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

bool copy_reader_feed(copy_reader *r, const char *data, size_t len, copy_row_fn fn, void *arg, pg_error *err)
{
    if (r->ended) {
        /* After \. the rest of the stream is ignored; after the binary trailer it is not. */
        if (r->spec->format == SQL_COPY_BINARY && len) {
            pg_error_set(err, "22P04", "received copy data after EOF marker");
            copy_reader_line_context(r, false, err);
            return false;
        }
        return true;
    }
    size_t used;
    if (r->pending.len) {
        /* A line (or tuple) started in an earlier chunk: continue it in pending. */
        if (!keep_pending(r, data, len, err))
            return false;
        if (!read_some(r, r->pending.data, r->pending.len, false, fn, arg, &used, err))
            return false;
        strbuf_consume(&r->pending, used);
        return true;
    }
    if (!read_some(r, data, len, false, fn, arg, &used, err))
        return false;
    if (used < len && !r->ended)
        return keep_pending(r, data + used, len - used, err);
    return true;
}

bool copy_reader_finish(copy_reader *r, copy_row_fn fn, void *arg, pg_error *err)
{
    size_t used;
    if (!r->ended && (r->pending.len || (r->spec->format == SQL_COPY_BINARY && !r->header_done))) {
        if (!read_some(r, r->pending.data ? r->pending.data : "", r->pending.len, true, fn, arg, &used, err))
            return false;
    }
    strbuf_reset(&r->pending);
    return true;
}
