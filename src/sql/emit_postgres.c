/*
 * emit_postgres.c — the PostgreSQL dialect, for a PostgreSQL reached through psqlODBC (and
 * the second end-to-end proof of the ODBC backend).  The IR is written back as PostgreSQL:
 * functions by their own names, operators as operators, types by format_type's spelling.
 * Parameters are `?` (psqlODBC turns them into $n) wrapped in CAST(? AS type), because
 * psqlODBC types a text parameter as varchar, which PostgreSQL would not compare with a
 * uuid or jsonb column.
 */
#include "sql/emit_odbc.h"

#include <string.h>

bool postgres_type_name(pg_oid type, int32_t typmod, strbuf *out)
{
    if (type == PG_OID_UNKNOWN) {
        strbuf_puts(out, "text");
        return true;
    }
    if (type == PG_OID_VECTOR) {
        /* pgvector's type: no fixed OID, so format_type cannot know it. */
        if (typmod > 0)
            strbuf_printf(out, "vector(%d)", typmod);
        else
            strbuf_puts(out, "vector");
        return true;
    }
    const pg_type_info *t = types_by_oid(type);
    if (!t)
        return false;
    types_format_type(type, typmod, out);
    return !out->failed;
}

static bool is_operator(const char *name)
{
    return name[0] && !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_');
}

void postgres_emit_call(oemit *em, ir_expr *e)
{
    const sql_function *fn = e->u.call.fn;
    int n = e->u.call.nargs;
    ir_expr **a = e->u.call.args;
    if (is_operator(fn->name)) {
        oe_putc(em, '(');
        if (n == 1) {
            oe_put(em, fn->name);
            oe_putc(em, ' ');
            oe_value(em, a[0]);
        } else {
            oe_value(em, a[0]);
            oe_printf(em, " %s ", fn->name);
            oe_value(em, a[1]);
        }
        oe_putc(em, ')');
        return;
    }
    oe_put(em, fn->name);
    oe_putc(em, '(');
    if (e->u.call.distinct)
        oe_put(em, "DISTINCT ");
    if (e->u.call.star)
        oe_putc(em, '*');
    else
        oe_args(em, a, n);
    if (e->u.call.norder) {
        oe_put(em, " ORDER BY ");
        for (int i = 0; i < e->u.call.norder; i++) {
            if (i)
                oe_put(em, ", ");
            oe_value(em, e->u.call.order[i].expr);
            if (e->u.call.order[i].descending)
                oe_put(em, " DESC");
        }
    }
    oe_putc(em, ')');
    if (e->u.call.filter) {
        oe_put(em, " FILTER (WHERE ");
        oe_pred(em, e->u.call.filter);
        oe_putc(em, ')');
    }
}
