/*
 * test_copy_format.c — the COPY reader gives the same rows, errors and CONTEXT lines however
 * the stream is cut: every input is fed whole, then split at every byte into two chunks,
 * then one byte at a time (CR/LF pairs, \. markers, escapes, quotes, UTF-8 characters and
 * binary length words cut in two).  And the writer's escaping and quoting on known values
 * (PostgreSQL's output, checked against it by tests/integration/test_copy.py).
 */
#include "proto/copy.h"
#include "unit.h"

static sql_column columns[3] = {{.name = "a", .type_oid = PG_OID_TEXT, .typmod = -1},
                                {.name = "b", .type_oid = PG_OID_TEXT, .typmod = -1},
                                {.name = "c", .type_oid = PG_OID_TEXT, .typmod = -1}};

static sql_copy spec_of(sql_copy_format format, int ncolumns)
{
    sql_copy s = {0};
    s.is_from = true;
    s.format = format;
    s.relation = "t";
    s.delimiter = format == SQL_COPY_CSV ? ',' : '\t';
    s.null_string = format == SQL_COPY_CSV ? "" : "\\N";
    s.null_len = strlen(s.null_string);
    s.quote = '"';
    s.escape = '"';
    s.ncolumns = ncolumns;
    s.columns = columns;
    s.batch_rows = 1;
    return s;
}

/* Rows as "line N: [f|f|NULL]" lines. */
static bool collect(void *arg, copy_reader *r, pg_error *err)
{
    UNUSED(err);
    strbuf *out = arg;
    strbuf_printf(out, "line %llu: [", (unsigned long long)r->lineno);
    for (int i = 0; i < r->nfields; i++) {
        if (i)
            strbuf_putc(out, '|');
        if (r->fields[i].null)
            strbuf_puts(out, "NULL");
        else
            strbuf_append(out, r->fields[i].ptr, r->fields[i].len);
    }
    strbuf_puts(out, "]\n");
    return true;
}

/* Feed `data` cut at the given points; the rows, then the error and its context. */
static void run(const sql_copy *spec, const char *data, size_t len, const size_t *cuts, int ncuts, strbuf *out)
{
    copy_reader r;
    copy_reader_init(&r, spec);
    pg_error err = {0};
    size_t at = 0;
    bool ok = true;
    for (int i = 0; i <= ncuts && ok; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        ok = copy_reader_feed(&r, data + at, end - at, collect, out, &err);
        at = end;
    }
    if (ok)
        ok = copy_reader_finish(&r, collect, out, &err);
    if (!ok)
        strbuf_printf(out, "ERROR %s: %s | %s\n", err.sqlstate, err.message, err.context ? err.context : "");
    pg_error_clear(&err);
    copy_reader_free(&r);
}

static int chunkings_checked;

static void check_all_chunkings(const sql_copy *spec, const char *data, size_t len, const char *expected)
{
    strbuf whole;
    strbuf_init(&whole);
    run(spec, data, len, NULL, 0, &whole);
    if (expected)
        CHECK_STR(whole.data ? whole.data : "", expected);
    for (size_t k = 1; k < len; k++) {
        strbuf two;
        strbuf_init(&two);
        run(spec, data, len, &k, 1, &two);
        if (strcmp(two.data ? two.data : "", whole.data ? whole.data : "") != 0) {
            fprintf(stderr, "  cut at %zu of %zu: got\n%s  expected\n%s", k, len, two.data, whole.data);
            unit_failures_in_test++;
        }
        strbuf_free(&two);
        chunkings_checked++;
    }
    size_t *cuts = malloc(sizeof *cuts * (len + 1));
    for (size_t k = 1; k < len; k++)
        cuts[k - 1] = k;
    strbuf bytes;
    strbuf_init(&bytes);
    run(spec, data, len, cuts, len ? (int)len - 1 : 0, &bytes);
    CHECK_STR(bytes.data ? bytes.data : "", whole.data ? whole.data : "");
    free(cuts);
    strbuf_free(&bytes);
    strbuf_free(&whole);
}

#define CHECK_TEXT(spec, input, expected) check_all_chunkings(spec, input, sizeof(input) - 1, expected)

static void test_text_lines_and_escapes(void)
{
    sql_copy s = spec_of(SQL_COPY_TEXT, 2);
    CHECK_TEXT(&s, "1\tone\n2\t\\N\n", "line 1: [1|one]\nline 2: [2|NULL]\n");
    CHECK_TEXT(&s, "a\\tb\tc\\\\d\\x41\\101\\n\n", "line 1: [a\tb|c\\dAA\n]\n");
    CHECK_TEXT(&s, "x\tsplit\\\nline\n", "line 1: [x|split\nline]\n");
    CHECK_TEXT(&s, "1\tcr\r\n2\tlf\r\n", "line 1: [1|cr]\nline 2: [2|lf]\n");
    CHECK_TEXT(&s, "1\tcr\r2\tonly\r", "line 1: [1|cr]\nline 2: [2|only]\n");
    CHECK_TEXT(&s, "1\tno newline", "line 1: [1|no newline]\n");
    CHECK_TEXT(&s, "1\tx\n\\.\n2\tignored\n", "line 1: [1|x]\n");
    CHECK_TEXT(&s, "1\tx\r\n\\.\r\n2\tignored\r\n", "line 1: [1|x]\n");
    CHECK_TEXT(&s, "1\tab\\.\n2\tignored\n", "line 1: [1|ab]\n");
    CHECK_TEXT(&s, "1\tx\n\\.y\n",
               "line 1: [1|x]\nERROR 22P04: end-of-copy marker corrupt | COPY t, line 2\n");
    CHECK_TEXT(&s, "1\tx\n2\ty\r\n",
               "line 1: [1|x]\nERROR 22P04: literal carriage return found in data | COPY t, line 2\n");
    CHECK_TEXT(&s, "1\tx\r\n2\ty\n",
               "line 1: [1|x]\nERROR 22P04: literal newline found in data | COPY t, line 2\n");
    CHECK_TEXT(&s, "1\tcaf\xc3\xa9 \xe2\x9c\x93\n", "line 1: [1|caf\xc3\xa9 \xe2\x9c\x93]\n");
    CHECK_TEXT(&s, "1\tbad\xc3\x28\n",
               "ERROR 22021: invalid byte sequence for encoding \"UTF8\": 0xc3 0x28 | COPY t, line 1\n");
    CHECK_TEXT(&s, "1\t\\0\n", "ERROR 22021: invalid byte sequence for encoding \"UTF8\": 0x00 | COPY t, line 1: "
                                "\"1\t\\0\"\n");
    CHECK_TEXT(&s, "trailing\\", "line 1: [trailing]\n");
    CHECK_TEXT(&s, "", "");
}

static void test_csv_quotes_and_lines(void)
{
    sql_copy s = spec_of(SQL_COPY_CSV, 2);
    CHECK_TEXT(&s, "1,\"a \"\"b\"\" c\"\n2,\n3,\"\"\n", "line 1: [1|a \"b\" c]\nline 2: [2|NULL]\nline 3: [3|]\n");
    CHECK_TEXT(&s, "1,\"multi\nline\"\n2,x\n", "line 1: [1|multi\nline]\nline 2: [2|x]\n");
    CHECK_TEXT(&s, "1,\"ab\nc\"\n2,\"x\ny\",z\n",
               "line 1: [1|ab\nc]\nline 3: [2|x\ny|z]\n");
    CHECK_TEXT(&s, "1,\"open\n2,x\n",
               "ERROR 22P04: unterminated CSV quoted field | COPY t, line 1: \"1,\"open\n2,x\n\"\n");
    /* Embedded newlines count as lines: with \r\n lines, each \r in quotes (PostgreSQL). */
    CHECK_TEXT(&s, "1,a\r\n2,\"b\r\nc\"\r\n", "line 1: [1|a]\nline 3: [2|b\r\nc]\n");
    CHECK_TEXT(&s, "1,a\n\\.\n2,b\n", "line 1: [1|a]\n");
    CHECK_TEXT(&s, "1,a\n\\.x\n", "line 1: [1|a]\nline 2: [\\.x]\n");
    CHECK_TEXT(&s, "\"\\.\"\n", "line 1: [\\.]\n");
    sql_copy e = spec_of(SQL_COPY_CSV, 2);
    e.quote = '\'';
    e.escape = '\\';
    CHECK_TEXT(&e, "1,'it\\'s'\n2,'a\\\\b'\n", "line 1: [1|it's]\nline 2: [2|a\\b]\n");
}

static void test_header_match(void)
{
    sql_copy s = spec_of(SQL_COPY_CSV, 2);
    s.header = SQL_COPY_HEADER_MATCH;
    CHECK_TEXT(&s, "a,b\n1,2\n", "line 2: [1|2]\n");
    CHECK_TEXT(&s, "a,x\n1,2\n", "ERROR 22P04: column name mismatch in header line field 2: got \"x\", expected \"b\" "
                                  "| COPY t, line 1: \"a,x\"\n");
    s.header = SQL_COPY_HEADER_TRUE;
    CHECK_TEXT(&s, "anything,at all\n1,2\n", "line 2: [1|2]\n");
}

static void test_binary_tuples(void)
{
    sql_copy s = spec_of(SQL_COPY_BINARY, 2);
    static const char data[] = "PGCOPY\n\377\r\n\0"
                               "\0\0\0\0" "\0\0\0\0"
                               "\0\2" "\0\0\0\3abc" "\377\377\377\377"
                               "\0\2" "\0\0\0\0" "\0\0\0\1z"
                               "\377\377";
    CHECK_TEXT(&s, data, "line 1: [abc|NULL]\nline 2: [|z]\n");
    static const char truncated[] = "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0" "\0\2" "\0\0\0\3ab";
    CHECK_TEXT(&s, truncated, "ERROR 22P04: unexpected EOF in COPY data | COPY t, line 1, column a\n");
    static const char count[] = "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0" "\0\3";
    CHECK_TEXT(&s, count, "ERROR 22P04: row field count is 3, expected 2 | COPY t, line 1\n");
    static const char after[] = "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0" "\377\377x";
    CHECK_TEXT(&s, after, "ERROR 22P04: received copy data after EOF marker | COPY t, line 1\n");
    CHECK_TEXT(&s, "PGCOPY\n", "ERROR 22P04: COPY file signature not recognized | \n");
}

static void test_writer_escapes_and_quotes(void)
{
    type_settings ts;
    type_settings_default(&ts);
    sql_copy s = spec_of(SQL_COPY_TEXT, 3);
    s.is_from = false;
    copy_writer w;
    strbuf out;
    strbuf_init(&out);
    sql_value row[3] = {value_text("a\tb\\c\nd\r\x01", 9), value_null(), value_text("", 0)};
    copy_writer_init(&w, &s);
    CHECK(copy_writer_row(&w, &ts, row, &out, &(pg_error){0}));
    CHECK_STR(out.data, "a\\tb\\\\c\\nd\\r\x01\t\\N\t\n");
    copy_writer_free(&w);
    strbuf_reset(&out);
    s = spec_of(SQL_COPY_CSV, 3);
    s.is_from = false;
    copy_writer_init(&w, &s);
    sql_value csv[3] = {value_text("x,\"y\"", 5), value_null(), value_text("", 0)};
    CHECK(copy_writer_row(&w, &ts, csv, &out, &(pg_error){0}));
    CHECK_STR(out.data, "\"x,\"\"y\"\"\",,\"\"\n");
    copy_writer_free(&w);
    strbuf_free(&out);
}

int main(void)
{
    RUN(test_text_lines_and_escapes);
    RUN(test_csv_quotes_and_lines);
    RUN(test_header_match);
    RUN(test_binary_tuples);
    RUN(test_writer_escapes_and_quotes);
    fprintf(stderr, "  (%d two-chunk cuts checked)\n", chunkings_checked);
    return UNIT_DONE();
}
