/*
 * catalog_rows.c — writing rows of pg_catalog / information_schema tables into the catalog
 * store: a prepared INSERT per table, values set by column (resolved once per table), bound
 * in storage form (types.h) and inserted one row at a time.
 *
 * Invariant: after rw_insert() every column of the row is NULL again, so a builder sets only
 * what it knows and the rest stays NULL.
 */
#include "catalog/catalog_store.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

bool rw_open(rowwriter *w, engine_conn *conn, const char *schema, const cat_relation *rel, pg_error *err)
{
    memset(w, 0, sizeof *w);
    w->conn = conn;
    w->rel = rel;
    w->err = err;
    w->vals = calloc((size_t)rel->ncolumns + 1, sizeof *w->vals);
    w->texts = calloc((size_t)rel->ncolumns + 1, sizeof *w->texts);
    if (!w->vals || !w->texts) {
        free(w->vals);
        free(w->texts);
        pg_error_oom(err);
        return false;
    }
    for (int i = 0; i < rel->ncolumns; i++)
        strbuf_init(&w->texts[i]);
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "INSERT INTO ");
    if (schema) {
        strbuf_puts(&sql, schema);
        strbuf_putc(&sql, '.');
    }
    catalog_quote_ident(rel->engine_name, &sql);
    strbuf_puts(&sql, " VALUES (");
    for (int i = 0; i < rel->ncolumns; i++)
        strbuf_printf(&sql, "%s?%d", i ? ", " : "", i + 1);
    strbuf_putc(&sql, ')');
    bool ok = !sql.failed && engine_prepare(conn, sql.data, &w->stmt, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    if (!ok)
        rw_close(w);
    return ok;
}

void rw_close(rowwriter *w)
{
    if (w->stmt)
        engine_stmt_release(w->stmt);
    w->stmt = NULL;
    for (int i = 0; w->texts && i < w->rel->ncolumns; i++)
        strbuf_free(&w->texts[i]);
    free(w->texts);
    free(w->vals);
    w->texts = NULL;
    w->vals = NULL;
}

int rw_col(rowwriter *w, const char *name)
{
    for (int i = 0; i < w->rel->ncolumns; i++)
        if (strcmp(w->rel->columns[i].name, name) == 0)
            return i;
    /* A column PostgreSQL 15 does not have: a programming error, reported once. */
    if (!w->failed)
        pg_error_set(w->err, "XX000", "catalog builder: %s has no column %s", w->rel->name, name);
    w->failed = true;
    return -1;
}

void rw_int(rowwriter *w, int col, int64_t v)
{
    if (col >= 0)
        w->vals[col] = value_int(v);
}

void rw_bool(rowwriter *w, int col, bool v)
{
    rw_int(w, col, v ? 1 : 0);
}

void rw_float(rowwriter *w, int col, double v)
{
    if (col >= 0)
        w->vals[col] = value_float(v);
}

void rw_text(rowwriter *w, int col, const char *s)
{
    if (col < 0)
        return;
    if (!s) {
        w->vals[col] = value_null();
        return;
    }
    strbuf *b = &w->texts[col];
    strbuf_reset(b);
    strbuf_puts(b, s);
    w->vals[col] = value_text(b->data ? b->data : "", b->len);
}

void rw_textf(rowwriter *w, int col, const char *fmt, ...)
{
    if (col < 0)
        return;
    strbuf *b = &w->texts[col];
    strbuf_reset(b);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
    w->vals[col] = value_text(b->data ? b->data : "", b->len);
}

/* The text of column `col` as a buffer to append to (the value is taken at insert). */
strbuf *rw_buf(rowwriter *w, int col)
{
    if (col < 0)
        return NULL;
    strbuf *b = &w->texts[col];
    strbuf_reset(b);
    w->vals[col] = value_text("", 0);
    w->vals[col].len = (size_t)-1;   /* marker: take the buffer's text at insert */
    return b;
}

bool rw_insert(rowwriter *w)
{
    if (w->failed)
        return false;
    for (int i = 0; i < w->rel->ncolumns; i++) {
        sql_value v = w->vals[i];
        if (v.kind == VALUE_TEXT && v.len == (size_t)-1)
            v = value_text(w->texts[i].data ? w->texts[i].data : "", w->texts[i].len);
        if (w->texts[i].failed) {
            pg_error_oom(w->err);
            w->failed = true;
            return false;
        }
        if (!engine_bind(w->stmt, i + 1, &v, w->err)) {
            w->failed = true;
            return false;
        }
    }
    engine_step_result r = engine_step(w->stmt, w->err);
    engine_stmt_reset(w->stmt);
    for (int i = 0; i < w->rel->ncolumns; i++)
        w->vals[i] = value_null();
    if (r == ENGINE_ERROR) {
        w->failed = true;
        return false;
    }
    return true;
}
