/*
 * copy.c — COPY statements → plans (docs/copy.md).
 *
 * COPY FROM becomes a plan whose one step is an INSERT of the COPY's columns with one
 * parameter per column, built by the analyser exactly as `INSERT INTO t (cols) VALUES
 * ($1, ...)` would be: omitted columns get their defaults and serials, values are coerced
 * to the column types, constraints are the engine's.  The executor prepares it once and
 * steps it once per row (exec.c: sql_portal_copy_row).  COPY TO becomes the query's plan
 * (`SELECT cols FROM t`, or the COPY's own query).  Either way the plan carries a sql_copy
 * that tells the protocol layer the format, the options and the columns.
 *
 * Options are checked in PostgreSQL 15's order (commands/copy.c ProcessCopyOptions) with
 * its SQLSTATEs, messages and positions, so a client sees the same first error.
 *
 * Invariant: a COPY plan has no parameters of its own and no result columns.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

typedef struct copy_options {
    bool format_given, freeze_given, header_given, encoding_given;
    sql_copy_format format;
    bool freeze;
    sql_copy_header header;
    const char *delimiter;
    const char *null_string;
    const char *quote;
    const char *escape;
    bool force_quote_all;
    List *force_quote, *force_not_null, *force_null;
    bool convert_selectively;
} copy_options;

/* ---------------------------------------------------------------- DefElem values */

static bool conflicting(sql_xlate *x, DefElem *d)
{
    xlate_error(x, d->location, "42601", "conflicting or redundant options");
    return false;
}

/* PostgreSQL's defGetString: NULL (and 42601) when the option has no value. */
static const char *def_string(sql_xlate *x, DefElem *d)
{
    if (!d->arg) {
        xlate_error(x, -1, "42601", "%s requires a parameter", d->defname);
        return NULL;
    }
    switch (nodeTag(d->arg)) {
    case T_Integer:
        return arena_printf(x->mem, "%ld", (long)intVal(d->arg));
    case T_Float:
        return castNode(Float, d->arg)->fval;
    case T_Boolean:
        return boolVal(d->arg) ? "true" : "false";
    case T_String:
        return strVal(d->arg);
    case T_A_Star:
        return "*";
    case T_List: {
        strbuf b;
        strbuf_init(&b);
        ListCell *lc;
        foreach (lc, (List *)d->arg) {
            if (b.len)
                strbuf_putc(&b, '.');
            const char *s = node_string(lfirst(lc));
            strbuf_puts(&b, s ? s : "?");
        }
        char *out = xlate_strdup(x, b.data ? b.data : "");
        strbuf_free(&b);
        return out;
    }
    default:
        xlate_error(x, -1, "XX000", "unrecognized node type: %d", (int)nodeTag(d->arg));
        return NULL;
    }
}

/* defGetBoolean: -1 on error. */
static int def_boolean(sql_xlate *x, DefElem *d)
{
    if (!d->arg)
        return 1;
    if (IsA(d->arg, Integer)) {
        if (intVal(d->arg) == 0 || intVal(d->arg) == 1)
            return intVal(d->arg);
    } else {
        const char *v = def_string(x, d);
        if (!v)
            return -1;
        if (ascii_streq_ci(v, "true") || ascii_streq_ci(v, "on"))
            return 1;
        if (ascii_streq_ci(v, "false") || ascii_streq_ci(v, "off"))
            return 0;
    }
    xlate_error(x, -1, "42601", "%s requires a Boolean value", d->defname);
    return -1;
}

static bool def_header(sql_xlate *x, DefElem *d, bool is_from, sql_copy_header *out)
{
    if (!d->arg) {
        *out = SQL_COPY_HEADER_TRUE;
        return true;
    }
    if (IsA(d->arg, Integer)) {
        if (intVal(d->arg) == 0 || intVal(d->arg) == 1) {
            *out = intVal(d->arg) ? SQL_COPY_HEADER_TRUE : SQL_COPY_HEADER_NONE;
            return true;
        }
    } else {
        const char *v = def_string(x, d);
        if (!v)
            return false;
        if (ascii_streq_ci(v, "true") || ascii_streq_ci(v, "on")) {
            *out = SQL_COPY_HEADER_TRUE;
            return true;
        }
        if (ascii_streq_ci(v, "false") || ascii_streq_ci(v, "off")) {
            *out = SQL_COPY_HEADER_NONE;
            return true;
        }
        if (ascii_streq_ci(v, "match")) {
            if (is_from) {
                *out = SQL_COPY_HEADER_MATCH;
                return true;
            }
            xlate_error(x, -1, "0A000", "cannot use \"%s\" with HEADER in COPY TO", v);
            return false;
        }
    }
    xlate_error(x, -1, "42601", "%s requires a Boolean value or \"match\"", d->defname);
    return false;
}

/* pg_char_to_encoding: PostgreSQL's encoding names, compared as it does (case and
 * punctuation ignored).  The server speaks UTF8 only; see encoding_supported. */
static bool encoding_name_valid(const char *name, bool *is_utf8)
{
    static const char *const names[] = {
        "abc", "alt", "big5", "euccn", "eucjis2004", "eucjp", "euckr", "euctw", "gb18030", "gbk",
        "iso88591", "iso885910", "iso885913", "iso885914", "iso885915", "iso885916", "iso88592",
        "iso88593", "iso88594", "iso88595", "iso88596", "iso88597", "iso88598", "iso88599",
        "johab", "koi8", "koi8r", "koi8u", "latin1", "latin10", "latin2", "latin3", "latin4",
        "latin5", "latin6", "latin7", "latin8", "latin9", "mskanji", "muleinternal", "shiftjis",
        "shiftjis2004", "sjis", "sqlascii", "tcvn", "tcvn5712", "uhc", "unicode", "utf8", "vscii",
        "win", "win1250", "win1251", "win1252", "win1253", "win1254", "win1255", "win1256",
        "win1257", "win1258", "win866", "win874", "win932", "win936", "win949", "win950",
        "windows1250", "windows1251", "windows1252", "windows1253", "windows1254", "windows1255",
        "windows1256", "windows1257", "windows1258", "windows866", "windows874", "windows932",
        "windows936", "windows949", "windows950",
    };
    char key[64];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (n + 1 >= sizeof key)
                return false;
            key[n++] = c;
        }
    }
    key[n] = 0;
    *is_utf8 = strcmp(key, "utf8") == 0 || strcmp(key, "unicode") == 0;
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(names[i], key) == 0)
            return true;
    return false;
}

static bool column_list_option(sql_xlate *x, DefElem *d, List **slot, bool allow_star, bool *star)
{
    if (*slot || (star && *star))
        return conflicting(x, d);
    if (allow_star && d->arg && IsA(d->arg, A_Star)) {
        *star = true;
        return true;
    }
    if (d->arg && IsA(d->arg, List)) {
        *slot = (List *)d->arg;
        return true;
    }
    xlate_error(x, d->location, "22023", "argument to option \"%s\" must be a list of column names", d->defname);
    return false;
}

/* ProcessCopyOptions: the loop over the options, then the checks, in PostgreSQL's order. */
static bool process_options(sql_xlate *x, List *options, bool is_from, copy_options *o)
{
    ListCell *lc;
    foreach (lc, options) {
        DefElem *d = lfirst_node(DefElem, lc);
        const char *name = d->defname;
        if (strcmp(name, "format") == 0) {
            const char *f = def_string(x, d);
            if (!f)
                return false;
            if (o->format_given)
                return conflicting(x, d);
            o->format_given = true;
            if (strcmp(f, "text") == 0)
                o->format = SQL_COPY_TEXT;
            else if (strcmp(f, "csv") == 0)
                o->format = SQL_COPY_CSV;
            else if (strcmp(f, "binary") == 0)
                o->format = SQL_COPY_BINARY;
            else {
                xlate_error(x, d->location, "22023", "COPY format \"%s\" not recognized", f);
                return false;
            }
        } else if (strcmp(name, "freeze") == 0) {
            if (o->freeze_given)
                return conflicting(x, d);
            o->freeze_given = true;
            int b = def_boolean(x, d);
            if (b < 0)
                return false;
            o->freeze = b;
        } else if (strcmp(name, "delimiter") == 0) {
            if (o->delimiter)
                return conflicting(x, d);
            if (!(o->delimiter = def_string(x, d)))
                return false;
        } else if (strcmp(name, "null") == 0) {
            if (o->null_string)
                return conflicting(x, d);
            if (!(o->null_string = def_string(x, d)))
                return false;
        } else if (strcmp(name, "header") == 0) {
            if (o->header_given)
                return conflicting(x, d);
            o->header_given = true;
            if (!def_header(x, d, is_from, &o->header))
                return false;
        } else if (strcmp(name, "quote") == 0) {
            if (o->quote)
                return conflicting(x, d);
            if (!(o->quote = def_string(x, d)))
                return false;
        } else if (strcmp(name, "escape") == 0) {
            if (o->escape)
                return conflicting(x, d);
            if (!(o->escape = def_string(x, d)))
                return false;
        } else if (strcmp(name, "force_quote") == 0) {
            if (!column_list_option(x, d, &o->force_quote, true, &o->force_quote_all))
                return false;
        } else if (strcmp(name, "force_not_null") == 0) {
            if (!column_list_option(x, d, &o->force_not_null, false, NULL))
                return false;
        } else if (strcmp(name, "force_null") == 0) {
            if (!column_list_option(x, d, &o->force_null, false, NULL))
                return false;
        } else if (strcmp(name, "convert_selectively") == 0) {
            /* PostgreSQL's internal option (file_fdw); accepted and without effect here. */
            if (o->convert_selectively)
                return conflicting(x, d);
            o->convert_selectively = true;
            if (d->arg && !IsA(d->arg, List)) {
                xlate_error(x, d->location, "22023", "argument to option \"%s\" must be a list of column names",
                            d->defname);
                return false;
            }
        } else if (strcmp(name, "encoding") == 0) {
            if (o->encoding_given)
                return conflicting(x, d);
            o->encoding_given = true;
            const char *e = def_string(x, d);
            if (!e)
                return false;
            bool utf8 = false;
            if (!encoding_name_valid(e, &utf8)) {
                xlate_error(x, d->location, "22023", "argument to option \"%s\" must be a valid encoding name", name);
                return false;
            }
            if (!utf8) {
                /* A deliberate difference: the server keeps and speaks UTF8 only. */
                xlate_error(x, d->location, "0A000", "COPY ENCODING \"%s\" is not supported: this server converts only UTF8", e);
                return false;
            }
        } else {
            xlate_error(x, d->location, "42601", "option \"%s\" not recognized", name);
            return false;
        }
    }
    bool csv = o->format == SQL_COPY_CSV, binary = o->format == SQL_COPY_BINARY;
    if (binary && o->delimiter) {
        xlate_error(x, -1, "42601", "cannot specify DELIMITER in BINARY mode");
        return false;
    }
    if (binary && o->null_string) {
        xlate_error(x, -1, "42601", "cannot specify NULL in BINARY mode");
        return false;
    }
    if (!o->delimiter)
        o->delimiter = csv ? "," : "\t";
    if (!o->null_string)
        o->null_string = csv ? "" : "\\N";
    bool quote_given = o->quote != NULL, escape_given = o->escape != NULL;
    if (csv) {
        if (!o->quote)
            o->quote = "\"";
        if (!o->escape)
            o->escape = o->quote;
    }
    if (strlen(o->delimiter) != 1) {
        xlate_error(x, -1, "0A000", "COPY delimiter must be a single one-byte character");
        return false;
    }
    if (strchr(o->delimiter, '\r') || strchr(o->delimiter, '\n')) {
        xlate_error(x, -1, "22023", "COPY delimiter cannot be newline or carriage return");
        return false;
    }
    if (strchr(o->null_string, '\r') || strchr(o->null_string, '\n')) {
        xlate_error(x, -1, "22023", "COPY null representation cannot use newline or carriage return");
        return false;
    }
    if (!csv && strchr("\\.abcdefghijklmnopqrstuvwxyz0123456789", o->delimiter[0])) {
        xlate_error(x, -1, "22023", "COPY delimiter cannot be \"%s\"", o->delimiter);
        return false;
    }
    if (binary && o->header != SQL_COPY_HEADER_NONE) {
        xlate_error(x, -1, "0A000", "cannot specify HEADER in BINARY mode");
        return false;
    }
    if (!csv && quote_given) {
        xlate_error(x, -1, "0A000", "COPY quote available only in CSV mode");
        return false;
    }
    if (csv && strlen(o->quote) != 1) {
        xlate_error(x, -1, "0A000", "COPY quote must be a single one-byte character");
        return false;
    }
    if (csv && o->delimiter[0] == o->quote[0]) {
        xlate_error(x, -1, "22023", "COPY delimiter and quote must be different");
        return false;
    }
    if (!csv && escape_given) {
        xlate_error(x, -1, "0A000", "COPY escape available only in CSV mode");
        return false;
    }
    if (csv && strlen(o->escape) != 1) {
        xlate_error(x, -1, "0A000", "COPY escape must be a single one-byte character");
        return false;
    }
    bool force_quote = o->force_quote || o->force_quote_all;
    if (!csv && force_quote) {
        xlate_error(x, -1, "0A000", "COPY force quote available only in CSV mode");
        return false;
    }
    if (force_quote && is_from) {
        xlate_error(x, -1, "0A000", "COPY force quote only available using COPY TO");
        return false;
    }
    if (!csv && o->force_not_null) {
        xlate_error(x, -1, "0A000", "COPY force not null available only in CSV mode");
        return false;
    }
    if (o->force_not_null && !is_from) {
        xlate_error(x, -1, "0A000", "COPY force not null only available using COPY FROM");
        return false;
    }
    if (!csv && o->force_null) {
        xlate_error(x, -1, "0A000", "COPY force null available only in CSV mode");
        return false;
    }
    if (o->force_null && !is_from) {
        xlate_error(x, -1, "0A000", "COPY force null only available using COPY FROM");
        return false;
    }
    if (strchr(o->null_string, o->delimiter[0])) {
        xlate_error(x, -1, "0A000", "COPY delimiter must not appear in the NULL specification");
        return false;
    }
    if (csv && strchr(o->null_string, o->quote[0])) {
        xlate_error(x, -1, "0A000", "CSV quote character must not appear in the NULL specification");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- columns */

/* CopyGetAttnums: the relation's columns named in `attlist` (or all but generated ones),
 * as 0-based indexes into rel->columns. */
static int relation_columns(sql_xlate *x, const cat_relation *rel, List *attlist, int **out)
{
    int *cols = xlate_alloc(x, sizeof *cols * (size_t)(rel->ncolumns + list_length(attlist) + 1));
    if (!cols)
        return -1;
    int n = 0;
    if (!attlist) {
        for (int i = 0; i < rel->ncolumns; i++)
            if (!rel->columns[i].generated)
                cols[n++] = i;
        *out = cols;
        return n;
    }
    ListCell *lc;
    foreach (lc, attlist) {
        const char *name = node_string(lfirst(lc));
        int found = -1;
        for (int i = 0; name && i < rel->ncolumns; i++)
            if (strcmp(rel->columns[i].name, name) == 0)
                found = i;
        if (found < 0) {
            xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", name ? name : "?", rel->name);
            return -1;
        }
        if (rel->columns[found].generated) {
            xlate_error(x, -1, "42P10", "column \"%s\" is a generated column", name);
            pg_error_detail(x->err, "Generated columns cannot be used in COPY.");
            return -1;
        }
        for (int k = 0; k < n; k++)
            if (cols[k] == found) {
                xlate_error(x, -1, "42701", "column \"%s\" specified more than once", name);
                return -1;
            }
        cols[n++] = found;
    }
    *out = cols;
    return n;
}

/* FORCE_QUOTE / FORCE_NOT_NULL / FORCE_NULL name lists → flags per COPY column.  A name must
 * be a column of the relation (or of the query) and one the COPY reads or writes. */
static bool force_flags(sql_xlate *x, sql_plan *p, const cat_relation *rel, List *names, const char *option,
                        bool **out)
{
    if (!names)
        return true;
    sql_copy *c = &p->copy->pub;
    bool *flags = arena_zalloc(&p->mem, sizeof *flags * (size_t)(c->ncolumns + 1));
    if (!flags) {
        pg_error_oom(x->err);
        return false;
    }
    ListCell *lc;
    foreach (lc, names) {
        const char *name = node_string(lfirst(lc));
        if (!name)
            name = "?";
        bool exists = false;
        for (int i = 0; rel && i < rel->ncolumns; i++)
            if (strcmp(rel->columns[i].name, name) == 0 && !rel->columns[i].generated)
                exists = true;
        int found = -1;
        for (int i = 0; i < c->ncolumns; i++)
            if (strcmp(c->columns[i].name, name) == 0)
                found = i;
        if (rel && !exists) {
            xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", name, rel->name);
            return false;
        }
        if (!rel && found < 0) {
            xlate_error(x, -1, "42703", "column \"%s\" does not exist", name);
            return false;
        }
        if (found < 0) {
            xlate_error(x, -1, "42P10", "%s column \"%s\" not referenced by COPY", option, name);
            return false;
        }
        flags[found] = true;
    }
    *out = flags;
    return true;
}

static bool set_copy_columns(sql_xlate *x, sql_plan *p, const char *const *names, const pg_oid *types,
                             const int32_t *typmods, int n)
{
    sql_column *cols = arena_zalloc(&p->mem, sizeof *cols * (size_t)(n + 1));
    if (!cols) {
        pg_error_oom(x->err);
        return false;
    }
    for (int i = 0; i < n; i++) {
        cols[i].name = arena_strdup(&p->mem, names[i]);
        cols[i].type_oid = types[i] == PG_OID_UNKNOWN ? PG_OID_TEXT : types[i];
        cols[i].typmod = typmods[i];
        cols[i].typlen = types_typlen(cols[i].type_oid);
        if (!cols[i].name) {
            pg_error_oom(x->err);
            return false;
        }
    }
    p->copy->pub.columns = cols;
    p->copy->pub.ncolumns = n;
    return true;
}

/* ---------------------------------------------------------------- engine steps */

/* COPY's values come from the columns' input functions, which applied the typmod already
 * (PostgreSQL's COPY does no assignment cast): the INSERT must not apply it again (a bpchar
 * padded twice per row cost 20 % of pgbench's load). */
static void drop_typmod_casts(ir_query *q)
{
    ir_query *src = q ? q->insert_source : NULL;
    if (!src || src->kind != QUERY_VALUES)
        return;
    for (int r = 0; r < src->nrows; r++)
        for (int c = 0; c < src->ntargets; c++) {
            ir_expr *e = src->rows[r][c];
            if (e && e->kind == IRE_CAST && e->u.cast.arg->kind == IRE_PARAM && e->u.cast.arg->type == e->type)
                src->rows[r][c] = e->u.cast.arg;
        }
}

/* Parse and analyse statement text this file wrote, as if it were the client's.  The
 * parameters it declares ($1.. typed as the columns) belong to that statement only.  The
 * engine statement becomes the plan's next step, or fills `into`. */
static bool synthesized_step(sql_xlate *x, sql_plan *p, const char *sql, int nparams, const pg_oid *param_types,
                             bool returns_rows, plan_step *into)
{
    raw_parse parsed;
    if (!raw_parse_text(sql, &parsed, NULL, 0, x->err))
        return false;
    int saved_nparams = x->nparams, saved_cap = x->params_cap;
    pg_oid *saved_types = x->param_types;
    const char *saved_text = x->text;
    x->nparams = 0;
    x->params_cap = 0;
    x->param_types = NULL;
    x->text = sql;
    bool ok = true;
    for (int i = 0; ok && i < nparams; i++)
        ok = xlate_param(x, i + 1, param_types[i], -1);
    Node *stmt = ((RawStmt *)linitial(parsed.statements))->stmt;
    ir_query *q = NULL;
    if (ok)
        q = IsA(stmt, InsertStmt) ? analyze_insert(x, NULL, stmt) : analyze_select(x, NULL, stmt);
    if (q && IsA(stmt, InsertStmt))
        drop_typmod_casts(q);
    emit_result r = {0};
    strbuf_init(&r.sql);
    ok = q && emit_query(x, q, &r);
    if (ok && into) {
        into->sql = arena_strdup(&p->mem, r.sql.data);
        into->nparams = r.nparams;
        into->param_map = arena_alloc(&p->mem, sizeof *into->param_map * (size_t)(r.nparams + 1));
        if (!into->sql || !into->param_map) {
            pg_error_oom(x->err);
            ok = false;
        } else if (r.nparams) {
            memcpy(into->param_map, r.param_map, sizeof *into->param_map * (size_t)r.nparams);
        }
    } else if (ok && !plan_add_step(p, r.sql.data, r.nparams, r.param_map, returns_rows, !returns_rows)) {
        pg_error_oom(x->err);
        ok = false;
    }
    emit_result_free(&r);
    raw_parse_free(&parsed);
    x->text = saved_text;
    x->nparams = saved_nparams;
    x->params_cap = saved_cap;
    x->param_types = saved_types;
    return ok;
}

static void qualified_name(const cat_relation *rel, strbuf *out)
{
    catalog_quote_ident(rel->schema, out);
    strbuf_putc(out, '.');
    catalog_quote_ident(rel->name, out);
}

/* INSERT INTO t (cols) VALUES ($1, ..., $n) [, ($n+1, ...) ...]: `rows` rows. */
static bool insert_text(const cat_relation *rel, const int *cols, int n, int rows, strbuf *sql)
{
    strbuf_puts(sql, "INSERT INTO ");
    qualified_name(rel, sql);
    if (!n) {
        strbuf_puts(sql, " DEFAULT VALUES");
        return !sql->failed;
    }
    strbuf_puts(sql, " (");
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(sql, ", ");
        catalog_quote_ident(rel->columns[cols[i]].name, sql);
    }
    strbuf_puts(sql, ") VALUES ");
    for (int r = 0; r < rows; r++) {
        strbuf_puts(sql, r ? ", (" : "(");
        for (int i = 0; i < n; i++)
            strbuf_printf(sql, i ? ", $%d" : "$%d", r * n + i + 1);
        strbuf_putc(sql, ')');
    }
    return !sql->failed;
}

/* Rows per batch statement: enough to spread a statement's fixed cost (measured: 64 rows
 * cut SQLite's per-row insert cost by about 40 %), within SQLite's 32766 parameters. */
#define COPY_BATCH_ROWS 64
#define COPY_MAX_ENGINE_PARAMS 32766

static bool copy_from_relation(sql_xlate *x, sql_plan *p, const cat_relation *rel, const int *cols, int n)
{
    copy_plan *cp = p->copy;
    int batch = n ? COPY_MAX_ENGINE_PARAMS / n : 1;
    if (batch > COPY_BATCH_ROWS)
        batch = COPY_BATCH_ROWS;
    /* IRIS has no multi-row VALUES; a zero-column row is DEFAULT VALUES. */
    if (x->dialect != DIALECT_SQLITE || n == 0)
        batch = 1;
    pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(n * batch + 1));
    bool *notnull = arena_zalloc(&p->mem, sizeof *notnull * (size_t)(n + 1));
    if (!types || !notnull) {
        pg_error_oom(x->err);
        return false;
    }
    for (int r = 0; r < batch; r++)
        for (int i = 0; i < n; i++)
            types[r * n + i] = rel->columns[cols[i]].type;
    for (int i = 0; i < n; i++)
        notnull[i] = rel->columns[cols[i]].notnull;
    cp->notnull = notnull;
    /* A NOT NULL column the COPY leaves out and that has no default fails every row. */
    for (int c = 0; c < rel->ncolumns && !cp->null_default; c++) {
        const cat_column *col = &rel->columns[c];
        bool listed = false;
        for (int i = 0; i < n; i++)
            listed |= cols[i] == c;
        if (!listed && col->notnull && !col->default_expr && !col->identity && !col->generated)
            cp->null_default = arena_strdup(&p->mem, col->name);
    }
    strbuf sql;
    strbuf_init(&sql);
    bool ok = insert_text(rel, cols, n, 1, &sql) && synthesized_step(x, p, sql.data, n, types, false, NULL);
    if (ok && batch > 1) {
        strbuf_reset(&sql);
        ok = insert_text(rel, cols, n, batch, &sql) &&
             synthesized_step(x, p, sql.data, n * batch, types, false, &cp->batch);
    }
    if (sql.failed && !pg_error_is_set(x->err))
        pg_error_oom(x->err);
    strbuf_free(&sql);
    cp->pub.batch_rows = batch;
    return ok;
}

static bool copy_to_relation(sql_xlate *x, sql_plan *p, const cat_relation *rel, const int *cols, int n)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT ");
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sql, ", ");
        catalog_quote_ident(rel->columns[cols[i]].name, &sql);
    }
    if (!n)
        strbuf_puts(&sql, "FROM ");   /* a zero-column table still has rows */
    else
        strbuf_puts(&sql, " FROM ");
    qualified_name(rel, &sql);
    bool ok = !sql.failed && synthesized_step(x, p, sql.data, 0, NULL, true, NULL);
    if (sql.failed)
        pg_error_oom(x->err);
    strbuf_free(&sql);
    return ok;
}

/* COPY (query) TO: a SELECT, VALUES, or DML with RETURNING. */
static bool copy_to_query(sql_xlate *x, sql_plan *p, Node *query)
{
    ir_query *q = NULL;
    switch (nodeTag(query)) {
    case T_SelectStmt:
        if (((SelectStmt *)query)->intoClause) {
            xlate_error(x, -1, "0A000", "COPY (SELECT INTO) is not supported");
            return false;
        }
        q = analyze_select(x, NULL, query);
        break;
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt: {
        List *returning = IsA(query, InsertStmt)   ? ((InsertStmt *)query)->returningList
                          : IsA(query, UpdateStmt) ? ((UpdateStmt *)query)->returningList
                                                   : ((DeleteStmt *)query)->returningList;
        if (!returning) {
            xlate_error(x, -1, "0A000", "COPY query must have a RETURNING clause");
            return false;
        }
        q = IsA(query, InsertStmt)   ? analyze_insert(x, NULL, query)
            : IsA(query, UpdateStmt) ? analyze_update(x, NULL, query)
                                     : analyze_delete(x, NULL, query);
        p->writes = true;
        break;
    }
    default:
        xlate_error(x, -1, "0A000", "COPY of this statement is not supported");
        return false;
    }
    if (!q)
        return false;
    bool select = q->kind == QUERY_SELECT || q->kind == QUERY_SETOP || q->kind == QUERY_VALUES;
    const ir_target *targets = select ? q->targets : q->returning;
    int ntargets = select ? q->ntargets : q->nreturning;
    if (select && q->locking)
        p->writes = true;
    const char **names = xlate_alloc(x, sizeof *names * (size_t)(ntargets + 1));
    pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(ntargets + 1));
    int32_t *typmods = xlate_alloc(x, sizeof *typmods * (size_t)(ntargets + 1));
    if (!names || !types || !typmods)
        return false;
    int n = 0;
    for (int i = 0; i < ntargets; i++) {
        if (targets[i].junk)
            continue;
        names[n] = targets[i].name ? targets[i].name : "?column?";
        types[n] = targets[i].expr->type;
        typmods[n] = targets[i].expr->typmod;
        n++;
    }
    if (!set_copy_columns(x, p, names, types, typmods, n))
        return false;
    emit_result r = {0};
    strbuf_init(&r.sql);
    bool ok = emit_query(x, q, &r);
    if (ok && !plan_add_step(p, r.sql.data, r.nparams, r.param_map, true, false)) {
        pg_error_oom(x->err);
        ok = false;
    }
    emit_result_free(&r);
    return ok;
}

/* ---------------------------------------------------------------- relation checks */

static bool check_relation_kind(sql_xlate *x, const cat_relation *rel, bool is_from)
{
    const char *what = NULL;
    switch (rel->kind) {
    case 'r':
        return true;
    case 'p':
        if (is_from)
            return true;
        what = "partitioned table";
        break;
    case 'v': what = "view"; break;
    case 'm': what = "materialized view"; break;
    case 'S': what = "sequence"; break;
    case 'f': what = "foreign table"; break;
    default: what = "non-table relation"; break;
    }
    xlate_error(x, -1, "42809", "cannot copy %s %s \"%s\"", is_from ? "to" : "from", what, rel->name);
    if (rel->kind == 'v' && is_from)
        pg_error_hint(x->err, "To enable copying to a view, provide an INSTEAD OF INSERT trigger.");
    else if (!is_from && (rel->kind == 'v' || rel->kind == 'm' || rel->kind == 'p'))
        pg_error_hint(x->err, "Try the COPY (SELECT ...) TO variant.");
    return false;
}

static bool check_server_file(sql_xlate *x, CopyStmt *cs)
{
    if (!cs->filename)
        return true;
    if (cs->is_program) {
        xlate_error(x, -1, "42501",
                    "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program");
        pg_error_hint(x->err, "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.");
        return false;
    }
    if (!x->session->srv->cfg.copy_server_files) {
        if (cs->is_from)
            xlate_error(x, -1, "42501",
                        "must be superuser or have privileges of the pg_read_server_files role to COPY from a file");
        else
            xlate_error(x, -1, "42501",
                        "must be superuser or have privileges of the pg_write_server_files role to COPY to a file");
        pg_error_hint(x->err, "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.");
        return false;
    }
    if (!cs->is_from && cs->filename[0] != '/') {
        xlate_error(x, -1, "42602", "relative path not allowed for COPY to file");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- entry point */

bool xlate_copy(sql_xlate *x, Node *stmt, sql_plan **out)
{
    CopyStmt *cs = (CopyStmt *)stmt;
    if (!check_server_file(x, cs))
        return false;
    if (cs->whereClause) {
        xlate_error(x, exprLocation(cs->whereClause), "0A000", "COPY FROM ... WHERE is not supported");
        return false;
    }
    const cat_relation *rel = NULL;
    int *cols = NULL, ncols = 0;
    if (cs->relation) {
        /* PostgreSQL opens COPY's relation without a parse position. */
        rel = analyze_find_relation(x, cs->relation->schemaname, cs->relation->relname, -1, false);
        if (!rel)
            return false;
        if (!cs->is_from && !check_relation_kind(x, rel, false))
            return false;
        if ((ncols = relation_columns(x, rel, cs->attlist, &cols)) < 0)
            return false;
    } else if (cs->attlist) {
        /* The grammar allows it; PostgreSQL refuses it. */
        xlate_error(x, -1, "42601", "column list cannot be used with a query");
        return false;
    }
    copy_options o = {0};
    if (!process_options(x, cs->options, cs->is_from, &o))
        return false;
    if (rel && cs->is_from && !check_relation_kind(x, rel, true))
        return false;
    if (rel && cs->is_from && (strcmp(rel->schema, "pg_catalog") == 0 || strcmp(rel->schema, "information_schema") == 0)) {
        xlate_error(x, -1, "42501", "permission denied for table %s", rel->name);
        return false;
    }
    sql_plan *p = plan_new(PLAN_ENGINE, "COPY");
    if (!p) {
        pg_error_oom(x->err);
        return false;
    }
    p->tag = TAG_ROWS;
    p->writes = cs->is_from;
    if (rel && cs->is_from)
        p->target_relation = rel->oid;   /* names the table in constraint errors */
    p->copy = arena_zalloc(&p->mem, sizeof *p->copy);
    bool ok = p->copy != NULL;
    if (!ok)
        pg_error_oom(x->err);
    sql_copy *c = ok ? &p->copy->pub : NULL;
    if (ok) {
        c->batch_rows = 1;
        c->is_from = cs->is_from;
        c->format = o.format;
        c->relation = rel ? arena_strdup(&p->mem, rel->name) : NULL;
        c->filename = cs->filename ? arena_strdup(&p->mem, cs->filename) : NULL;
        c->delimiter = o.delimiter[0];
        c->null_string = arena_strdup(&p->mem, o.null_string);
        c->null_len = strlen(o.null_string);
        c->quote = o.quote ? o.quote[0] : '"';
        c->escape = o.escape ? o.escape[0] : '"';
        c->header = o.header;
        c->freeze = o.freeze;
        c->force_quote_all = o.force_quote_all;
        ok = c->null_string && (!rel || c->relation) && (!cs->filename || c->filename);
        if (!ok)
            pg_error_oom(x->err);
    }
    if (ok && rel) {
        const char **names = xlate_alloc(x, sizeof *names * (size_t)(ncols + 1));
        pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(ncols + 1));
        int32_t *typmods = xlate_alloc(x, sizeof *typmods * (size_t)(ncols + 1));
        ok = names && types && typmods;
        for (int i = 0; ok && i < ncols; i++) {
            names[i] = rel->columns[cols[i]].name;
            types[i] = rel->columns[cols[i]].type;
            typmods[i] = rel->columns[cols[i]].typmod;
        }
        ok = ok && set_copy_columns(x, p, names, types, typmods, ncols);
        ok = ok && (cs->is_from ? copy_from_relation(x, p, rel, cols, ncols) : copy_to_relation(x, p, rel, cols, ncols));
    } else if (ok) {
        ok = copy_to_query(x, p, cs->query);
    }
    bool *flags = NULL;
    if (ok && (ok = force_flags(x, p, rel, o.force_quote, "FORCE_QUOTE", &flags)))
        c->force_quote = flags;
    flags = NULL;
    if (ok && (ok = force_flags(x, p, rel, o.force_not_null, "FORCE_NOT_NULL", &flags)))
        c->force_not_null = flags;
    flags = NULL;
    if (ok && (ok = force_flags(x, p, rel, o.force_null, "FORCE_NULL", &flags)))
        c->force_null = flags;
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

const sql_copy *sql_plan_copy(const sql_plan *p)
{
    return p && p->copy ? &p->copy->pub : NULL;
}
