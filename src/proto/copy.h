/*
 * copy.h — the COPY sub-protocol and the COPY data formats (private to proto; docs/copy.md).
 *
 * copy_read.c and copy_write.c know the bytes: it splits a COPY FROM stream (text, csv, binary) into rows
 * of fields, in any chunking, with PostgreSQL's rules and messages, and encodes rows for
 * COPY TO.  copy.c knows the protocol: CopyInResponse/CopyOutResponse, CopyData, CopyDone,
 * CopyFail, the session state while a COPY FROM STDIN runs, server-side files, and the
 * conversion of fields to values through the types layer.
 */
#ifndef PGWIRE_PROTO_COPY_H
#define PGWIRE_PROTO_COPY_H

#include "proto/proto_internal.h"

/* PostgreSQL's binary COPY signature: "PGCOPY\n\377\r\n\0". */
extern const char copy_binary_signature[11];

/* ---------------------------------------------------------------- COPY FROM: reading (copy_read.c) */

/* One field of a row: bytes in the input or in the reader's field buffer, valid until the
 * row callback returns. */
typedef struct copy_field {
    const char *ptr;
    size_t len;
    bool null;
} copy_field;

typedef enum { COPY_EOL_UNKNOWN, COPY_EOL_NL, COPY_EOL_CR, COPY_EOL_CRNL } copy_eol;

/* Where the scan of an incomplete line stopped, so that more data resumes it there. */
typedef struct copy_line_scan {
    size_t pos;               /* bytes of the pending line already scanned */
    bool in_quote;
    bool last_was_escape;
    uint64_t embedded_lines;  /* csv: newlines inside quotes, counted as PostgreSQL counts them */
} copy_line_scan;

typedef struct copy_reader {
    const sql_copy *spec;
    copy_eol eol;
    uint64_t lineno;              /* PostgreSQL's cur_lineno: line (or tuple) being read */
    bool header_done;             /* text/csv header line, binary file header */
    bool ended;                   /* end-of-data marker seen: the rest of the stream is ignored */
    strbuf pending;               /* an incomplete line or tuple, carried to the next chunk */
    copy_line_scan scan;
    strbuf fieldbuf;              /* de-escaped fields (sized to the line before parsing) */
    copy_field *fields;
    int nfields, fields_cap;
    const char *line;             /* the current line, for error contexts (text/csv) */
    size_t line_len;
    bool line_valid;
    bool line_plain;              /* ASCII, no escapes or quotes: split without copying */
} copy_reader;

/* Called for every data row; r->fields[0..nfields) are its fields.  Returning false stops
 * the stream with `err` set. */
typedef bool (*copy_row_fn)(void *arg, copy_reader *r, pg_error *err);

void copy_reader_init(copy_reader *r, const sql_copy *spec);
void copy_reader_free(copy_reader *r);
/* Feed the next bytes of the stream (any chunking).  Complete rows go to `fn`; an
 * incomplete one waits in `pending`. */
bool copy_reader_feed(copy_reader *r, const char *data, size_t len, copy_row_fn fn, void *arg,
                      pg_error *err) MUST_CHECK;
/* The stream ended (CopyDone, end of file): the last line without a newline is a row. */
bool copy_reader_finish(copy_reader *r, copy_row_fn fn, void *arg, pg_error *err) MUST_CHECK;
/* PostgreSQL's CONTEXT line for an error at the current line: "COPY t, line 3[: "..."]". */
void copy_reader_line_context(const copy_reader *r, bool with_line, pg_error *err);
/* ... for any line (`line` NULL: without its text). */
void copy_line_context(const sql_copy *spec, uint64_t lineno, const char *line, size_t len, pg_error *err);
/* ... and for an error in a column: "COPY t, line 3, column c: "value"" (or ": null input"). */
void copy_reader_column_context(const copy_reader *r, const char *column, const copy_field *f, pg_error *err);
/* Verify UTF-8 as PostgreSQL does (22021 "invalid byte sequence for encoding "UTF8": 0x..");
 * NUL bytes are invalid too. */
bool copy_verify_utf8(const char *s, size_t len, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- COPY TO: writing (copy_write.c) */

typedef struct copy_writer {
    const sql_copy *spec;
    strbuf text;                  /* one value's text form before escaping */
    bool binary_header_pending;   /* the file header goes before the first row */
} copy_writer;

void copy_writer_init(copy_writer *w, const sql_copy *spec);
void copy_writer_free(copy_writer *w);
/* The header line (text/csv HEADER) as its own CopyData; false when there is none. */
bool copy_writer_header_line(copy_writer *w, strbuf *out);
/* Append one row's bytes (no protocol framing). */
bool copy_writer_row(copy_writer *w, const type_settings *ts, const sql_value *values, strbuf *out,
                     pg_error *err) MUST_CHECK;
/* Append what ends the data: the binary trailer (and header if no row was written). */
void copy_writer_finish(copy_writer *w, strbuf *out);

/* ---------------------------------------------------------------- the sub-protocol (copy.c) */

typedef struct copy_state copy_state;

/* COPY FROM: the portal answered SQL_RUN_COPY_IN.  From STDIN: CopyInResponse and the
 * session takes only COPY messages until the data ends; from a server file: the file is
 * loaded now.  The statement's success or failure is reported through the normal paths
 * (the portal is done, or query/extended failure). */
void copy_in_begin(proto_session *s, sql_portal *portal);
bool copy_in_active(const proto_session *s);
typedef enum { COPY_IN_NEED_INPUT, COPY_IN_PROGRESS, COPY_IN_CLOSE } copy_in_result;
/* Process the input buffer while COPY FROM STDIN runs. */
copy_in_result copy_in_input(proto_session *s);

/* COPY TO: CopyOutResponse (and header) before the portal runs, a CopyData per row, the
 * end (trailer, CopyDone) before CommandComplete.  To a server file: the same bytes to it. */
bool copy_out_begin(proto_session *s, sql_portal *portal, pg_error *err) MUST_CHECK;
bool copy_out_row(proto_session *s, sql_portal *portal, pg_error *err) MUST_CHECK;
bool copy_out_end(proto_session *s, pg_error *err) MUST_CHECK;

/* The statement ended or failed: drop the COPY state (except the skipping of the rest of a
 * CopyData after an error, which copy_in_input finishes). */
void copy_state_free(proto_session *s);
/* The session ends: drop everything. */
void copy_state_destroy(proto_session *s);

#endif
