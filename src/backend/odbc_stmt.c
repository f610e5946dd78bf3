/*
 * odbc_stmt.c — prepared statements over ODBC: SQLPrepare once per connection and SQL text
 * (the generic statement cache keeps them), SQLBindParameter + SQLExecute per execution,
 * result metadata from SQLDescribeCol, rows fetched in blocks with row-wise binding.
 *
 * Block fetch: each row of the block is [indicator, value] per column, 8-byte aligned; the
 * block holds as many rows as fit in ROW_BLOCK_BYTES (at most MAX_ROWSET).  A result with a
 * long column (LONGVARCHAR/LONGVARBINARY, or a size the driver does not bound) cannot be
 * bound without guessing a size, so such a result is read one row at a time with SQLGetData
 * for every column (nothing bound, which every driver allows).
 *
 * DML that matches no row returns SQL_NO_DATA from SQLExecute (IRIS's SQLCODE 100): that is
 * success with 0 rows.
 */
#include "backend/odbc_internal.h"

#include <stdlib.h>
#include <string.h>

#define ROW_BLOCK_BYTES (256 * 1024)
#define MAX_ROWSET 512

static odbc_stmt *st_of(engine_stmt *s) { return s->native; }
static odbc_conn *conn_of(engine_stmt *s) { return s->conn->native; }

static void free_columns(odbc_stmt *o)
{
    for (int i = 0; i < o->ncols; i++) {
        strbuf_free(&o->cols[i].scratch);
        strbuf_free(&o->cols[i].raw);
    }
    free(o->cols);
    o->cols = NULL;
    o->ncols = 0;
    free(o->rows);
    o->rows = NULL;
    free(o->status);
    o->status = NULL;
}

bool odbc_prepare(engine_stmt *s, pg_error *err)
{
    odbc_conn *oc = conn_of(s);
    odbc_stmt *o = calloc(1, sizeof *o);
    if (!o) {
        pg_error_oom(err);
        return false;
    }
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, oc->dbc, &o->hstmt))) {
        odbc_diag_error(s->conn, SQL_HANDLE_DBC, oc->dbc, SQL_ERROR, err);
        free(o);
        return false;
    }
    SQLRETURN rc = SQLPrepare(o->hstmt, (SQLCHAR *)s->sql, SQL_NTS);
    if (!odbc_ok(rc)) {
        odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
        SQLFreeHandle(SQL_HANDLE_STMT, o->hstmt);
        free(o);
        return false;
    }
    SQLSMALLINT n = 0;
    if (!odbc_ok(SQLNumParams(o->hstmt, &n)))
        n = 0;
    o->nparams = n;
    if (n) {
        o->params = calloc((size_t)n, sizeof *o->params);
        if (!o->params) {
            SQLFreeHandle(SQL_HANDLE_STMT, o->hstmt);
            free(o);
            pg_error_oom(err);
            return false;
        }
        for (int i = 0; i < n; i++) {
            strbuf_init(&o->params[i].bytes);
            o->params[i].indicator = SQL_NULL_DATA;
            o->params[i].c_type = SQL_C_CHAR;
            o->params[i].sql_type = SQL_VARCHAR;
            o->params[i].column_size = 1;
        }
    }
    s->native = o;
    return true;
}

void odbc_finalize(engine_stmt *s)
{
    odbc_stmt *o = st_of(s);
    if (!o)
        return;
    SQLFreeHandle(SQL_HANDLE_STMT, o->hstmt);
    for (int i = 0; i < o->nparams; i++)
        strbuf_free(&o->params[i].bytes);
    free(o->params);
    free_columns(o);
    free(o->expect);
    free(o->expect_typmods);
    free(o);
}

void odbc_reset(engine_stmt *s, bool clear_bindings)
{
    odbc_stmt *o = st_of(s);
    if (o->executed)
        odbc_watch_stop(s->conn);
    SQLFreeStmt(o->hstmt, SQL_CLOSE);
    SQLFreeStmt(o->hstmt, SQL_UNBIND);
    o->executed = false;
    o->done = false;
    free_columns(o);
    if (clear_bindings) {
        SQLFreeStmt(o->hstmt, SQL_RESET_PARAMS);
        for (int i = 0; i < o->nparams; i++)
            o->params[i].indicator = SQL_NULL_DATA;
        o->nexpect = 0;
    }
}

int odbc_param_count(engine_stmt *s) { return st_of(s)->nparams; }

bool odbc_bind_typed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod, pg_error *err)
{
    UNUSED(typmod);
    odbc_stmt *o = st_of(s);
    if (index < 1 || index > o->nparams) {
        pg_error_set(err, "08P01", "bind message supplies %d parameters, but the engine statement has %d", index,
                     o->nparams);
        return false;
    }
    odbc_param *p = &o->params[index - 1];
    odbc_param_from_value(p, v, type, conn_of(s)->driver);
    if (p->bytes.failed) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

bool odbc_bind(engine_stmt *s, int index, const sql_value *v, pg_error *err)
{
    pg_oid type = v->kind == VALUE_INT ? PG_OID_INT8 : v->kind == VALUE_FLOAT ? PG_OID_FLOAT8
                  : v->kind == VALUE_BLOB ? PG_OID_BYTEA : PG_OID_TEXT;
    return odbc_bind_typed(s, index, v, type, -1, err);
}

void odbc_expect_columns(engine_stmt *s, int n, const pg_oid *types, const int32_t *typmods)
{
    odbc_stmt *o = st_of(s);
    pg_oid *t = realloc(o->expect, sizeof *t * (size_t)(n ? n : 1));
    int32_t *m = realloc(o->expect_typmods, sizeof *m * (size_t)(n ? n : 1));
    if (t)
        o->expect = t;
    if (m)
        o->expect_typmods = m;
    if (!t || !m) {
        o->nexpect = 0;
        return;
    }
    memcpy(o->expect, types, sizeof *t * (size_t)n);
    memcpy(o->expect_typmods, typmods, sizeof *m * (size_t)n);
    o->nexpect = n;
}

static bool bind_parameters(engine_stmt *s, pg_error *err)
{
    odbc_stmt *o = st_of(s);
    for (int i = 0; i < o->nparams; i++) {
        odbc_param *p = &o->params[i];
        SQLPOINTER ptr;
        SQLLEN buflen;
        switch (p->c_type) {
        case SQL_C_SBIGINT: ptr = &p->fixed.i; buflen = sizeof p->fixed.i; break;
        case SQL_C_DOUBLE: ptr = &p->fixed.f; buflen = sizeof p->fixed.f; break;
        case SQL_C_TYPE_DATE: ptr = &p->fixed.date; buflen = sizeof p->fixed.date; break;
        case SQL_C_TYPE_TIMESTAMP: ptr = &p->fixed.ts; buflen = sizeof p->fixed.ts; break;
        default:
            ptr = p->bytes.data ? p->bytes.data : (SQLPOINTER) "";
            buflen = (SQLLEN)p->bytes.len;
            break;
        }
        SQLRETURN rc = SQLBindParameter(o->hstmt, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, p->c_type, p->sql_type,
                                        p->column_size, p->decimal_digits, ptr, buflen, &p->indicator);
        if (!odbc_ok(rc)) {
            odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
            return false;
        }
    }
    return true;
}

static bool describe_result(engine_stmt *s, pg_error *err)
{
    odbc_stmt *o = st_of(s);
    SQLSMALLINT n = 0;
    SQLRETURN rc = SQLNumResultCols(o->hstmt, &n);
    if (!odbc_ok(rc)) {
        odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
        return false;
    }
    free_columns(o);
    if (n == 0)
        return true;
    o->cols = calloc((size_t)n, sizeof *o->cols);
    if (!o->cols) {
        pg_error_oom(err);
        return false;
    }
    o->ncols = n;
    o->long_mode = false;
    size_t row_len = 0;
    for (int i = 0; i < n; i++) {
        odbc_column *c = &o->cols[i];
        strbuf_init(&c->scratch);
        strbuf_init(&c->raw);
        SQLSMALLINT namelen, nullable;
        rc = SQLDescribeCol(o->hstmt, (SQLUSMALLINT)(i + 1), (SQLCHAR *)c->name, sizeof c->name, &namelen,
                            &c->sql_type, &c->size, &c->digits, &nullable);
        if (!odbc_ok(rc)) {
            odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
            return false;
        }
        if (i < o->nexpect) {
            c->expect = o->expect[i];
            c->expect_typmod = o->expect_typmods[i];
        } else {
            c->expect_typmod = -1;
        }
        odbc_choose_c_type(c);
        if (c->buflen == 0)
            o->long_mode = true;
        c->offset = row_len + sizeof(SQLLEN);
        row_len = c->offset + ((c->buflen + 7) & ~(size_t)7);
    }
    if (o->long_mode) {
        o->rowset_size = 1;
        return true;
    }
    o->row_len = row_len;
    size_t rows = ROW_BLOCK_BYTES / row_len;
    o->rowset_size = rows < 1 ? 1 : rows > MAX_ROWSET ? MAX_ROWSET : rows;
    o->rows = malloc(o->row_len * o->rowset_size);
    o->status = calloc(o->rowset_size, sizeof *o->status);
    if (!o->rows || !o->status) {
        pg_error_oom(err);
        return false;
    }
    SQLSetStmtAttr(o->hstmt, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)(uintptr_t)o->row_len, 0);
    SQLSetStmtAttr(o->hstmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)(uintptr_t)o->rowset_size, 0);
    SQLSetStmtAttr(o->hstmt, SQL_ATTR_ROW_STATUS_PTR, o->status, 0);
    SQLSetStmtAttr(o->hstmt, SQL_ATTR_ROWS_FETCHED_PTR, &o->fetched, 0);
    for (int i = 0; i < n; i++) {
        odbc_column *c = &o->cols[i];
        rc = SQLBindCol(o->hstmt, (SQLUSMALLINT)(i + 1), c->c_type, o->rows + c->offset, (SQLLEN)c->buflen,
                        (SQLLEN *)(void *)(o->rows + c->offset - sizeof(SQLLEN)));
        if (!odbc_ok(rc)) {
            odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
            return false;
        }
    }
    return true;
}

static engine_step_result fail_step(engine_stmt *s, SQLRETURN rc, pg_error *err)
{
    odbc_stmt *o = st_of(s);
    odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
    odbc_set_active(s->conn, NULL);
    odbc_watch_stop(s->conn);
    SQLFreeStmt(o->hstmt, SQL_CLOSE);
    o->executed = false;
    o->done = true;
    return ENGINE_ERROR;
}

static engine_step_result finish_step(engine_stmt *s)
{
    odbc_stmt *o = st_of(s);
    odbc_set_active(s->conn, NULL);
    odbc_watch_stop(s->conn);
    o->done = true;
    return ENGINE_DONE;
}

/* Long mode: read every column of the fetched row with SQLGetData, in order. */
static bool get_long_row(engine_stmt *s, pg_error *err)
{
    odbc_stmt *o = st_of(s);
    for (int i = 0; i < o->ncols; i++) {
        odbc_column *c = &o->cols[i];
        strbuf_reset(&c->raw);
        size_t fixed = c->c_type == SQL_C_CHAR || c->c_type == SQL_C_BINARY ? 0 : c->buflen;
        if (fixed) {
            if (!strbuf_reserve(&c->raw, fixed)) {
                pg_error_oom(err);
                return false;
            }
            SQLRETURN rc = SQLGetData(o->hstmt, (SQLUSMALLINT)(i + 1), c->c_type, c->raw.data, (SQLLEN)fixed, &c->raw_ind);
            if (!odbc_ok(rc)) {
                odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
                return false;
            }
            c->raw.len = fixed;
            continue;
        }
        /* Variable length: in pieces until SQL_NO_DATA or the whole value. */
        c->raw_ind = SQL_NULL_DATA;
        size_t chunk = 8192;
        for (;;) {
            if (!strbuf_reserve(&c->raw, chunk + 1)) {
                pg_error_oom(err);
                return false;
            }
            SQLLEN ind = 0;
            SQLRETURN rc = SQLGetData(o->hstmt, (SQLUSMALLINT)(i + 1), c->c_type, c->raw.data + c->raw.len,
                                      (SQLLEN)(chunk + 1), &ind);
            if (rc == SQL_NO_DATA)
                break;
            if (!odbc_ok(rc)) {
                odbc_diag_error(s->conn, SQL_HANDLE_STMT, o->hstmt, rc, err);
                return false;
            }
            if (ind == SQL_NULL_DATA) {
                c->raw_ind = SQL_NULL_DATA;
                break;
            }
            size_t room = c->c_type == SQL_C_CHAR ? chunk : chunk + 1;
            bool more = rc == SQL_SUCCESS_WITH_INFO && (ind == SQL_NO_TOTAL || (size_t)ind > room);
            size_t got = more ? room : (size_t)ind;
            c->raw.len += got;
            c->raw_ind = (SQLLEN)c->raw.len;
            if (!more)
                break;
            chunk *= 2;
        }
        if (c->raw.data)
            c->raw.data[c->raw.len] = 0;
    }
    return true;
}

engine_step_result odbc_step(engine_stmt *s, pg_error *err)
{
    odbc_stmt *o = st_of(s);
    odbc_conn *oc = conn_of(s);
    if (o->done)
        return ENGINE_DONE;
    if (!o->executed) {
        if (!bind_parameters(s, err))
            return ENGINE_ERROR;
        odbc_watch_start(s->conn);
        odbc_set_active(s->conn, o->hstmt);
        o->executed = true;
        SQLRETURN rc = SQLExecute(o->hstmt);
        if (rc == SQL_NO_DATA) {
            /* Nothing matched (IRIS SQLCODE 100): success with 0 rows. */
            oc->changes = 0;
            return finish_step(s);
        }
        if (!odbc_ok(rc))
            return fail_step(s, rc, err);
        if (!describe_result(s, err)) {
            odbc_set_active(s->conn, NULL);
            odbc_watch_stop(s->conn);
            o->done = true;
            return ENGINE_ERROR;
        }
        if (o->ncols == 0) {
            SQLLEN count = 0;
            if (!odbc_ok(SQLRowCount(o->hstmt, &count)) || count < 0)
                count = 0;
            oc->changes = count;
            return finish_step(s);
        }
        o->fetched = 0;
        o->current = 0;
    } else if (!o->long_mode && o->current + 1 < o->fetched) {
        o->current++;
        return ENGINE_ROW;
    }
    odbc_set_active(s->conn, o->hstmt);
    SQLRETURN rc;
    do {
        rc = SQLFetch(o->hstmt);
    } while (!o->long_mode && odbc_ok(rc) && o->fetched == 0);
    if (rc == SQL_NO_DATA)
        return finish_step(s);
    if (!odbc_ok(rc))
        return fail_step(s, rc, err);
    if (o->long_mode) {
        if (!get_long_row(s, err)) {
            odbc_set_active(s->conn, NULL);
            return ENGINE_ERROR;
        }
        o->fetched = 1;
    }
    odbc_set_active(s->conn, NULL);
    /* A statement_timeout or cancel that came between blocks. */
    if (atomic_load(&s->conn->ctx->interrupt) != INTERRUPT_NONE)
        return fail_step(s, SQL_ERROR, err);
    o->current = 0;
    return ENGINE_ROW;
}

int odbc_column_count(engine_stmt *s) { return st_of(s)->ncols; }

const char *odbc_column_name(engine_stmt *s, int col)
{
    odbc_stmt *o = st_of(s);
    return col >= 0 && col < o->ncols ? o->cols[col].name : "";
}

void odbc_column_value(engine_stmt *s, int col, sql_value *out)
{
    odbc_stmt *o = st_of(s);
    if (col < 0 || col >= o->ncols) {
        *out = value_null();
        return;
    }
    odbc_column *c = &o->cols[col];
    if (o->long_mode) {
        odbc_cell_value(c, c->raw.data ? c->raw.data : "", c->raw_ind, out);
        return;
    }
    const char *row = o->rows + o->current * o->row_len;
    SQLLEN ind;
    memcpy(&ind, row + c->offset - sizeof(SQLLEN), sizeof ind);
    if (ind != SQL_NULL_DATA && (c->c_type == SQL_C_CHAR || c->c_type == SQL_C_BINARY) &&
        (ind == SQL_NO_TOTAL || (size_t)ind >= c->buflen + (c->c_type == SQL_C_BINARY))) {
        /* Longer than the column's declared size: the driver truncated it. */
        ind = (SQLLEN)(c->c_type == SQL_C_CHAR ? c->buflen - 1 : c->buflen);
    }
    odbc_cell_value(c, row + c->offset, ind, out);
}
