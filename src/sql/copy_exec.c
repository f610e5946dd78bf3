/*
 * copy_exec.c — COPY FROM rows into the engine, many rows per engine statement.
 *
 * The plan has two INSERTs made by the analyser from the same text: one row (steps[0],
 * the portal's statement) and batch_rows rows (`VALUES (...), (...), ...`).  Rows are
 * copied into the batch (values, and their bytes into one buffer) until it is full; then
 * the batch statement is bound and stepped once.  That is what makes COPY fast on SQLite:
 * a statement's fixed cost (opening the table's cursor, halting, the transaction checks) is
 * paid once per batch instead of once per row.  The last, partial batch goes through the
 * one-row statement.
 *
 * Errors keep PostgreSQL's row: NOT NULL is checked as a row is added (PostgreSQL checks
 * it before its own batching too); an engine error in a batch (a unique key, a CHECK)
 * undoes that statement only, and the batch's rows are then inserted one by one to find
 * the row the error belongs to, whose number is reported.
 *
 * Memory: the batch's values and bytes, reused from batch to batch; nothing per row.
 * Invariant: rows reach the engine in the order they were given.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

struct copy_batch {
    sql_session *s;
    const copy_plan *plan;
    engine_stmt *one;              /* the portal's one-row statement (not owned) */
    const plan_step *one_step;
    engine_stmt *many;             /* the batch statement (owned) */
    int ncols;
    int capacity;                  /* rows per batch statement */
    int count;                     /* rows buffered */
    int64_t given;                 /* rows added so far */
    sql_value *values;             /* capacity × ncols; TEXT/BLOB ptr = offset into bytes */
    strbuf bytes;
};

bool copy_batch_create(sql_session *s, sql_plan *p, engine_stmt *one, copy_batch **out, pg_error *err)
{
    copy_plan *cp = p->copy;
    copy_batch *b = calloc(1, sizeof *b);
    if (!b) {
        pg_error_oom(err);
        return false;
    }
    b->s = s;
    b->plan = cp;
    b->one = one;
    b->one_step = &p->steps[0];
    b->ncols = cp->pub.ncolumns;
    b->capacity = cp->pub.batch_rows > 1 && cp->batch.sql ? cp->pub.batch_rows : 1;
    strbuf_init(&b->bytes);
    b->values = calloc((size_t)b->capacity * (size_t)(b->ncols ? b->ncols : 1), sizeof *b->values);
    if (!b->values) {
        copy_batch_destroy(b);
        pg_error_oom(err);
        return false;
    }
    if (b->capacity > 1 && !engine_prepare(s->conn, cp->batch.sql, &b->many, err)) {
        copy_batch_destroy(b);
        return false;
    }
    *out = b;
    return true;
}

void copy_batch_destroy(copy_batch *b)
{
    if (!b)
        return;
    if (b->many)
        engine_stmt_release(b->many);
    free(b->values);
    strbuf_free(&b->bytes);
    free(b);
}

int64_t copy_batch_rows(const copy_batch *b)
{
    return b->given;
}

/* Bind `base` (rows of values, TEXT/BLOB as offsets into bytes) to st's placeholders. */
static bool bind_values(copy_batch *b, engine_stmt *st, const plan_step *step, const sql_value *base, pg_error *err)
{
    const sql_column *cols = b->plan->pub.columns;
    for (int j = 0; j < step->nparams; j++) {
        int pg = step->param_map[j] - 1;
        sql_value v = base[pg];
        if (v.kind == VALUE_TEXT || v.kind == VALUE_BLOB)
            v.ptr = b->bytes.data + (uintptr_t)v.ptr;
        const sql_column *c = &cols[pg % b->ncols];
        if (!engine_bind_borrowed(st, j + 1, &v, c->type_oid, c->typmod, err))
            return false;
    }
    return true;
}

static bool step_done(engine_stmt *st, pg_error *err)
{
    engine_step_result r;
    while ((r = engine_step(st, err)) == ENGINE_ROW)
        ;
    if (r == ENGINE_ERROR)
        return false;
    engine_stmt_reset(st);
    return true;
}

/* The buffered rows one by one through the one-row statement. */
static bool insert_singly(copy_batch *b, int64_t *failed_row, pg_error *err)
{
    for (int r = 0; r < b->count; r++) {
        const sql_value *row = &b->values[(size_t)r * (size_t)b->ncols];
        if (!bind_values(b, b->one, b->one_step, row, err) || !step_done(b->one, err)) {
            *failed_row = b->given - b->count + r;
            return false;
        }
    }
    return true;
}

static void clear(copy_batch *b)
{
    b->count = 0;
    strbuf_reset(&b->bytes);
}

static bool flush_full(copy_batch *b, int64_t *failed_row, pg_error *err)
{
    bool ok = bind_values(b, b->many, &b->plan->batch, b->values, err);
    if (ok && step_done(b->many, err)) {
        clear(b);
        return true;
    }
    if (!ok) {
        *failed_row = b->given - 1;
        return false;
    }
    /* The statement failed and was undone.  A constraint names a row: find it. */
    if (err->sqlstate[0] != '2' || err->sqlstate[1] != '3') {
        *failed_row = b->given - 1;
        return false;
    }
    pg_error_clear(err);
    memset(err, 0, sizeof *err);
    if (!insert_singly(b, failed_row, err))
        return false;
    clear(b);
    return true;
}

bool copy_batch_add(copy_batch *b, const sql_value *values, int64_t *failed_row, pg_error *err)
{
    const copy_plan *cp = b->plan;
    *failed_row = b->given;
    if (cp->null_default) {
        pg_error_set(err, "23502", "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                     cp->null_default, cp->pub.relation);
        return false;
    }
    for (int i = 0; i < b->ncols; i++)
        if (values[i].kind == VALUE_NULL && cp->notnull && cp->notnull[i]) {
            pg_error_set(err, "23502", "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                         cp->pub.columns[i].name, cp->pub.relation);
            err->column_name = xstrdup(cp->pub.columns[i].name);
            err->table_name = xstrdup(cp->pub.relation);
            return false;
        }
    sql_value *row = &b->values[(size_t)b->count * (size_t)b->ncols];
    for (int i = 0; i < b->ncols; i++) {
        row[i] = values[i];
        if (values[i].kind == VALUE_TEXT || values[i].kind == VALUE_BLOB) {
            /* An offset until the batch is bound: the buffer may move while it grows. */
            row[i].ptr = (const char *)(uintptr_t)b->bytes.len;
            strbuf_append(&b->bytes, values[i].ptr, values[i].len);
        }
    }
    if (b->bytes.failed) {
        pg_error_oom(err);
        return false;
    }
    b->count++;
    b->given++;
    if (b->count < b->capacity)
        return true;
    if (b->capacity == 1) {
        bool ok = insert_singly(b, failed_row, err);
        clear(b);
        return ok;
    }
    return flush_full(b, failed_row, err);
}

bool copy_batch_flush(copy_batch *b, int64_t *failed_row, pg_error *err)
{
    *failed_row = -1;
    bool ok = insert_singly(b, failed_row, err);
    clear(b);
    return ok;
}
