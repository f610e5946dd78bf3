/*
 * deparse.c — PostgreSQL's text of what the catalog records as written: defaults
 * (pg_get_expr), CHECK constraints (pg_get_constraintdef), index definitions
 * (pg_get_indexdef) and views (pg_get_viewdef), as ruleutils.c prints them.
 *
 * The recorded text is parsed and analysed again over its relation (the same analysis any
 * statement gets), and the typed tree is printed with ruleutils' conventions:
 *   - constants: int4 and float/numeric-looking numerics bare, negative numbers quoted,
 *     others quoted; a label (::type) when the constant would not read back as its type
 *     (numeric without a decimal point, floats, anything quoted), in non-pretty mode around
 *     a parenthesised number: "(0)::numeric";
 *   - casts of non-constants shown ("c::text", "(c)::text" non-pretty), implicit or not;
 *   - operators and boolean connectives fully parenthesised in non-pretty mode; in pretty
 *     mode only where precedence needs it ((n % 2) = 0, a > (2 + 3), (1 + 2) * 3);
 *   - IN lists as "= ANY (ARRAY[...])", BETWEEN as two comparisons (as the parser does);
 *   - CURRENT_TIMESTAMP & co. as their keywords.
 * A default is analysed alone (PostgreSQL hides the assignment cast to the column type),
 * an unknown literal taking the column's type without its typmod ('q'::character varying).
 * Anything the printer does not know makes it give up: the recorded text is kept.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

typedef struct printer {
    strbuf *out;
    bool pretty;
    ir_query *q;              /* the query whose columns are printed */
    bool qualify;             /* views: columns as relation.column */
    bool qualify_all;         /* relations outside pg_catalog with their schema (CAT_DEPARSE_QUALIFIED) */
    const type_settings *ts;
    cat_refs *refs;           /* relations and columns printed, or NULL */
    int indent;               /* ruleutils' indentLevel (CASE spreads over lines) */
    bool failed;
} printer;

static void print_expr(printer *p, const ir_expr *e, const ir_expr *parent);

static const char *type_label(pg_oid type, int32_t typmod, strbuf *scratch)
{
    strbuf_reset(scratch);
    types_format_type(type, typmod, scratch);
    return scratch->data ? scratch->data : "";
}

/* Operator spelling of a call: the function table names operators by their symbols. */
static bool is_operator(const sql_function *fn)
{
    char c = fn->name[0];
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
}

static bool arithmetic(const char *op, bool *high)
{
    if (!op || !op[0] || op[1])
        return false;
    if (strchr("+-", op[0])) {
        *high = false;
        return true;
    }
    if (strchr("*/%", op[0])) {
        *high = true;
        return true;
    }
    return false;
}

static const char *binary_op(const ir_expr *e)
{
    if (e && e->kind == IRE_CALL && e->u.call.nargs == 2 && is_operator(e->u.call.fn))
        return e->u.call.fn->name;
    return NULL;
}

/* ruleutils' isSimpleNode for pretty mode: whether `e` needs no parentheses under `parent`. */
static bool simple_under(const ir_expr *e, const ir_expr *parent)
{
    if (!parent || e->display)
        return true;
    switch (e->kind) {
    case IRE_CONST: case IRE_COLUMN: case IRE_PARAM: case IRE_COALESCE: case IRE_NULLIF: case IRE_GREATEST:
    case IRE_LEAST: case IRE_CASE: case IRE_ARRAY: case IRE_ROW: case IRE_AGG: case IRE_WINDOW: case IRE_SETTING:
        return true;
    case IRE_CAST:
        return true;
    case IRE_CALL:
        if (!is_operator(e->u.call.fn))
            return true;
        if (binary_op(parent)) {
            bool hi, phi;
            if (!arithmetic(binary_op(e), &hi) || !arithmetic(binary_op(parent), &phi))
                return false;
            if (hi && !phi)
                return true;
            if (!hi && phi)
                return false;
            return parent->u.call.args[0] == e;
        }
        /* fall through */
    case IRE_NULLTEST: case IRE_BOOLTEST: case IRE_DISTINCT: case IRE_ANY_ARRAY: case IRE_IN_LIST:
    case IRE_SUBLINK:
        switch (parent->kind) {
        case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_ARRAY: case IRE_ROW: case IRE_COALESCE:
        case IRE_GREATEST: case IRE_LEAST: case IRE_NULLIF: case IRE_AGG: case IRE_WINDOW: case IRE_CASE:
            return true;
        case IRE_CALL:
            return !is_operator(parent->u.call.fn);
        default:
            return false;
        }
    case IRE_AND:
    case IRE_OR:
    case IRE_NOT:
        /* AND under OR and NOT under either bind tighter; the same connective nests freely. */
        if (parent->kind == IRE_AND || parent->kind == IRE_OR) {
            if (e->kind == IRE_NOT || e->kind == parent->kind)
                return true;
            return e->kind == IRE_AND && parent->kind == IRE_OR;
        }
        return parent->kind != IRE_NOT && !(parent->kind == IRE_CALL && is_operator(parent->u.call.fn)) &&
               parent->kind != IRE_CAST;
    default:
        return false;
    }
}

static void child(printer *p, const ir_expr *e, const ir_expr *parent)
{
    bool paren = p->pretty && !simple_under(e, parent);
    if (paren)
        strbuf_putc(p->out, '(');
    print_expr(p, e, p->pretty ? parent : NULL);
    if (paren)
        strbuf_putc(p->out, ')');
}

/* get_const_expr */
static void print_const(printer *p, const ir_expr *e)
{
    const sql_value *v = &e->u.constant.value;
    if (v->kind == VALUE_NULL) {
        strbuf_puts(p->out, "NULL");
        if (e->type != PG_OID_UNKNOWN) {
            strbuf scratch;
            strbuf_init(&scratch);
            strbuf_printf(p->out, "::%s", type_label(e->type, -1, &scratch));
            strbuf_free(&scratch);
        }
        return;
    }
    strbuf text, scratch;
    strbuf_init(&text);
    strbuf_init(&scratch);
    pg_error err = {0};
    if (!types_text_out(p->ts, e->type, e->typmod, v, &text, &err)) {
        pg_error_clear(&err);
        p->failed = true;
        strbuf_free(&text);
        return;
    }
    const char *t = text.data ? text.data : "";
    bool needlabel = true, bare = false;
    switch (e->type) {
    case PG_OID_BOOL:
        strbuf_puts(p->out, v->i ? "true" : "false");
        strbuf_free(&text);
        strbuf_free(&scratch);
        return;
    case PG_OID_INT4:
        bare = t[0] != '-';
        needlabel = !bare;
        break;
    case PG_OID_NUMERIC:
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8: {
        bare = t[0] >= '0' && t[0] <= '9' && strspn(t, "0123456789+-eE.") == strlen(t);
        bool isfloat = strcspn(t, "eE.") != strlen(t);
        needlabel = e->type == PG_OID_NUMERIC ? !(bare && isfloat) : true;
        break;
    }
    case PG_OID_UNKNOWN:
        needlabel = false;
        break;
    default:
        break;
    }
    bool paren = bare && needlabel && !p->pretty;
    if (paren)
        strbuf_putc(p->out, '(');
    if (bare) {
        strbuf_puts(p->out, t);
    } else {
        strbuf_putc(p->out, '\'');
        for (const char *c = t; *c; c++) {
            if (*c == '\'')
                strbuf_putc(p->out, '\'');
            strbuf_putc(p->out, *c);
        }
        strbuf_putc(p->out, '\'');
    }
    if (paren)
        strbuf_putc(p->out, ')');
    if (needlabel)
        strbuf_printf(p->out, "::%s", type_label(e->type, -1, &scratch));
    strbuf_free(&text);
    strbuf_free(&scratch);
}

static void print_column(printer *p, const ir_expr *e)
{
    ir_rte *r = ir_rte_at(p->q, e->u.column.levels_up, e->u.column.rte);
    if (!r || e->u.column.column >= r->ncols) {
        p->failed = true;
        return;
    }
    if (p->qualify) {
        catalog_quote_ident_pg(r->alias, p->out);
        strbuf_putc(p->out, '.');
    }
    catalog_quote_ident_pg(r->colnames[e->u.column.column], p->out);
    if (p->refs && r->kind == IR_RTE_RELATION && r->rel && e->u.column.column < r->rel->ncolumns)
        cat_refs_add(p->refs, r->rel->oid, r->rel->columns[e->u.column.column].attnum);
}

/* ruleutils' appendContextKeyword with PRETTYFLAG_INDENT (on in every function we mirror):
 * trailing spaces dropped, a new line indented to the current level plus `plus`. */
static void context_keyword(printer *p, const char *word, int before, int after, int plus)
{
    strbuf *out = p->out;
    while (out->len && out->data[out->len - 1] == ' ')
        out->data[--out->len] = 0;
    strbuf_putc(out, '\n');
    p->indent += before;
    for (int i = 0; i < (p->indent > 0 ? p->indent : 0) + plus; i++)
        strbuf_putc(out, ' ');
    strbuf_puts(out, word);
    p->indent += after;
}

static void print_list(printer *p, ir_expr *const *args, int n, const ir_expr *parent)
{
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(p->out, ", ");
        print_expr(p, args[i], p->pretty ? parent : NULL);
    }
}

static void print_expr(printer *p, const ir_expr *e, const ir_expr *parent)
{
    (void)parent;
    if (p->failed)
        return;
    if (!e) {
        p->failed = true;
        return;
    }
    if (e->display) {
        strbuf_puts(p->out, e->display);
        return;
    }
    strbuf *out = p->out;
    bool np = !p->pretty;
    switch (e->kind) {
    case IRE_CONST:
        print_const(p, e);
        return;
    case IRE_COLUMN:
        print_column(p, e);
        return;
    case IRE_CAST: {
        strbuf scratch;
        strbuf_init(&scratch);
        const ir_expr *arg = e->u.cast.arg;
        bool paren = np || !(arg->kind == IRE_COLUMN || arg->kind == IRE_CONST ||
                             (arg->kind == IRE_CALL && !is_operator(arg->u.call.fn)));
        if (paren)
            strbuf_putc(out, '(');
        print_expr(p, arg, e);
        if (paren)
            strbuf_putc(out, ')');
        strbuf_printf(out, "::%s", type_label(e->type, e->typmod, &scratch));
        strbuf_free(&scratch);
        return;
    }
    case IRE_CALL: {
        const sql_function *fn = e->u.call.fn;
        if (is_operator(fn) && e->u.call.nargs == 2) {
            if (np)
                strbuf_putc(out, '(');
            child(p, e->u.call.args[0], e);
            strbuf_printf(out, " %s ", fn->name);
            child(p, e->u.call.args[1], e);
            if (np)
                strbuf_putc(out, ')');
            return;
        }
        if (is_operator(fn) && e->u.call.nargs == 1) {
            if (np)
                strbuf_putc(out, '(');
            strbuf_printf(out, "%s ", fn->name);
            child(p, e->u.call.args[0], e);
            if (np)
                strbuf_putc(out, ')');
            return;
        }
        strbuf_printf(out, "%s(", fn->name);
        print_list(p, e->u.call.args, e->u.call.nargs, e);
        strbuf_putc(out, ')');
        return;
    }
    case IRE_AND:
    case IRE_OR: {
        const char *word = e->kind == IRE_AND ? " AND " : " OR ";
        if (np)
            strbuf_putc(out, '(');
        for (int i = 0; i < e->u.list.nargs; i++) {
            if (i)
                strbuf_puts(out, word);
            child(p, e->u.list.args[i], e);
        }
        if (np)
            strbuf_putc(out, ')');
        return;
    }
    case IRE_NOT:
        if (np)
            strbuf_putc(out, '(');
        strbuf_puts(out, "NOT ");
        child(p, e->u.list.args[0], e);
        if (np)
            strbuf_putc(out, ')');
        return;
    case IRE_NULLTEST:
        if (np)
            strbuf_putc(out, '(');
        child(p, e->u.list.args[0], e);
        strbuf_puts(out, e->u.list.negated ? " IS NOT NULL" : " IS NULL");
        if (np)
            strbuf_putc(out, ')');
        return;
    case IRE_BOOLTEST: {
        static const char *const words[] = {" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE",
                                            " IS UNKNOWN", " IS NOT UNKNOWN"};
        if (np)
            strbuf_putc(out, '(');
        child(p, e->u.booltest.arg, e);
        strbuf_puts(out, words[e->u.booltest.test]);
        if (np)
            strbuf_putc(out, ')');
        return;
    }
    case IRE_DISTINCT:
        if (np)
            strbuf_putc(out, '(');
        child(p, e->u.list.args[0], e);
        strbuf_puts(out, e->u.list.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
        child(p, e->u.list.args[1], e);
        if (np)
            strbuf_putc(out, ')');
        return;
    case IRE_IN_LIST:
        /* The parser turns x IN (a, b) into x = ANY (ARRAY[a, b]). */
        if (np)
            strbuf_putc(out, '(');
        child(p, e->u.list.args[0], e);
        strbuf_puts(out, e->u.list.negated ? " <> ALL (ARRAY[" : " = ANY (ARRAY[");
        print_list(p, e->u.list.args + 1, e->u.list.nargs - 1, NULL);
        strbuf_puts(out, "])");
        if (np)
            strbuf_putc(out, ')');
        return;
    case IRE_ANY_ARRAY:
        if (np)
            strbuf_putc(out, '(');
        child(p, e->u.list.args[0], e);
        strbuf_printf(out, " %s %s (", e->u.list.op->name, e->u.list.all ? "ALL" : "ANY");
        print_expr(p, e->u.list.args[1], NULL);
        strbuf_putc(out, ')');
        if (np)
            strbuf_putc(out, ')');
        return;
    case IRE_ARRAY:
        strbuf_puts(out, "ARRAY[");
        print_list(p, e->u.list.args, e->u.list.nargs, e);
        strbuf_putc(out, ']');
        return;
    case IRE_COALESCE:
        strbuf_puts(out, "COALESCE(");
        print_list(p, e->u.list.args, e->u.list.nargs, e);
        strbuf_putc(out, ')');
        return;
    case IRE_GREATEST:
    case IRE_LEAST:
        strbuf_puts(out, e->kind == IRE_GREATEST ? "GREATEST(" : "LEAST(");
        print_list(p, e->u.list.args, e->u.list.nargs, e);
        strbuf_putc(out, ')');
        return;
    case IRE_NULLIF:
        strbuf_puts(out, "NULLIF(");
        print_list(p, e->u.list.args, 2, e);
        strbuf_putc(out, ')');
        return;
    case IRE_CASE:
        context_keyword(p, "CASE", 0, 4, 0);
        if (e->u.case_.arg) {
            strbuf_putc(out, ' ');
            print_expr(p, e->u.case_.arg, e);
        }
        for (int i = 0; i < e->u.case_.nwhen; i++) {
            context_keyword(p, "WHEN ", 0, 0, 0);
            /* CASE x WHEN v: the analyser made "x = v"; PostgreSQL shows v. */
            const ir_expr *cond = e->u.case_.when[i].cond;
            if (e->u.case_.arg && cond->kind == IRE_CALL && cond->u.call.nargs == 2)
                print_expr(p, cond->u.call.args[1], e);
            else
                print_expr(p, cond, e);
            strbuf_puts(out, " THEN ");
            print_expr(p, e->u.case_.when[i].result, e);
        }
        if (e->u.case_.otherwise) {
            context_keyword(p, "ELSE ", 0, 0, 0);
            print_expr(p, e->u.case_.otherwise, e);
        }
        context_keyword(p, "END", -4, 0, 0);
        return;
    case IRE_AGG: {
        strbuf_printf(out, "%s(", e->u.call.fn->name);
        if (e->u.call.star)
            strbuf_putc(out, '*');
        else {
            if (e->u.call.distinct)
                strbuf_puts(out, "DISTINCT ");
            print_list(p, e->u.call.args, e->u.call.nargs, e);
        }
        strbuf_putc(out, ')');
        return;
    }
    default:
        p->failed = true;
        return;
    }
}

/* ---------------------------------------------------------------- analysis again */

typedef struct reanalysis {
    arena mem;
    sql_xlate x;
    pg_error err;
    raw_parse parse;
    bool parsed;
    ir_query *q;
    const char *saved_path;   /* the session's search_path_override before */
} reanalysis;

static bool reanalysis_begin(reanalysis *r, sql_session *s, const cat_snapshot *cat, const char *sql)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->mem);
    r->x = (sql_xlate){.session = s, .catalog = (cat_snapshot *)cat, .mem = &r->mem, .text = sql, .err = &r->err,
                       .dialect = DIALECT_SQLITE};
    /* Recorded definitions are read and printed under the default search_path, whatever
     * the session that builds the store has set (pg_dump sets ''): they resolve names as
     * when they were made, and every session sees the same text. */
    r->saved_path = s->search_path_override;
    s->search_path_override = DEFAULT_SEARCH_PATH;
    r->parsed = raw_parse_text(sql, &r->parse, NULL, 0, &r->err);
    return r->parsed && list_length(r->parse.statements) == 1;
}

static void reanalysis_end(reanalysis *r)
{
    r->x.session->search_path_override = r->saved_path;
    if (r->parsed)
        raw_parse_free(&r->parse);
    pg_error_clear(&r->err);
    arena_free(&r->mem);
}

/* "SELECT <text>" analysed over the relation's columns; the expression's tree. */
static ir_expr *expression_over(reanalysis *r, const cat_relation *rel, const char *text)
{
    SelectStmt *sel = (SelectStmt *)((RawStmt *)linitial(r->parse.statements))->stmt;
    if (!IsA(sel, SelectStmt) || list_length(sel->targetList) != 1 || sel->fromClause)
        return NULL;
    r->q = ir_query_new(&r->x, QUERY_SELECT, NULL);
    int rte = r->q ? analyze_add_relation_rte(&r->x, r->q, rel, rel->name) : -1;
    if (rte < 0 || !ir_add_ns(&r->x, r->q, rte, true, true))
        return NULL;
    UNUSED(text);
    return analyze_expr(&r->x, r->q, ((ResTarget *)linitial(sel->targetList))->val);
}

/* Printing for a search_path without public: regclass constants and relation names come out
 * qualified (the names were resolved before, under the default path). */
static void print_qualified(reanalysis *r, printer *p)
{
    r->x.session->search_path_override = "";
    p->qualify_all = true;
}

bool deparse_recorded_expr(void *arg, const cat_snapshot *s, const cat_relation *rel, const char *text,
                           bool is_check, unsigned mode, strbuf *out, cat_refs *refs)
{
    sql_session *session = arg;
    if (!session || !text)
        return false;
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT %s", text);
    reanalysis r;
    bool ok = !sql.failed && reanalysis_begin(&r, session, s, sql.data);
    ir_expr *e = ok ? expression_over(&r, rel, text) : NULL;
    if (e && !is_check && e->type == PG_OID_UNKNOWN) {
        /* A default's literal takes the column's type (not its typmod: the length
         * coercion is hidden, as the assignment cast is). */
        for (int i = 0; i < rel->ncolumns; i++) {
            const cat_column *c = &rel->columns[i];
            if (c->default_expr && strcmp(c->default_expr, text) == 0)
                e = ir_coerce(&r.x, e, c->type, -1, COERCE_ASSIGNMENT, NULL);
        }
    }
    ok = e != NULL;
    if (ok) {
        printer p = {.out = out, .pretty = mode & CAT_DEPARSE_PRETTY, .q = r.q, .ts = &session->types, .refs = refs};
        if (mode & CAT_DEPARSE_QUALIFIED)
            print_qualified(&r, &p);
        strbuf_reset(out);
        print_expr(&p, e, NULL);
        ok = !p.failed && !out->failed;
    }
    reanalysis_end(&r);
    strbuf_free(&sql);
    return ok;
}

/* ---------------------------------------------------------------- views */

/* get_from_clause_item: a join is parenthesised, with its condition, unless pretty. */
static void print_from(printer *p, ir_query *q, ir_from *f)
{
    if (f->is_join) {
        if (!p->pretty)
            strbuf_putc(p->out, '(');
        print_from(p, q, f->left);
        static const char *const words[] = {[IRJ_INNER] = " JOIN ", [IRJ_LEFT] = " LEFT JOIN ",
                                            [IRJ_RIGHT] = " RIGHT JOIN ", [IRJ_FULL] = " FULL JOIN ",
                                            [IRJ_CROSS] = " CROSS JOIN "};
        strbuf_puts(p->out, "\n     ");
        strbuf_puts(p->out, words[f->join_type] + 1);
        print_from(p, q, f->right);
        if (f->on) {
            strbuf_puts(p->out, p->pretty ? " ON " : " ON (");
            print_expr(p, f->on, NULL);
            if (!p->pretty)
                strbuf_putc(p->out, ')');
        }
        if (!p->pretty)
            strbuf_putc(p->out, ')');
        return;
    }
    ir_rte *r = q->rtes[f->rte];
    if (r->kind != IR_RTE_RELATION) {
        p->failed = true;
        return;
    }
    if (p->refs && r->rel)
        cat_refs_add(p->refs, r->rel->oid, 0);
    if (strcmp(r->rel->schema, "pg_catalog") != 0 && (p->qualify_all || strcmp(r->rel->schema, "public") != 0)) {
        catalog_quote_ident_pg(r->rel->schema, p->out);
        strbuf_putc(p->out, '.');
    }
    catalog_quote_ident_pg(r->rel->name, p->out);
    if (strcmp(r->alias, r->rel->name) != 0) {
        strbuf_putc(p->out, ' ');
        catalog_quote_ident_pg(r->alias, p->out);
    }
}

/* pg_get_viewdef's layout: " SELECT a,\n    b\n   FROM t\n  WHERE c;" */
static void print_view(printer *p, ir_query *q)
{
    strbuf *out = p->out;
    if (q->kind != QUERY_SELECT || q->ncte || q->ndistinct_on || q->nwindows) {
        p->failed = true;
        return;
    }
    p->q = q;
    p->qualify = q->nfrom > 0;
    p->indent = 8;     /* get_basic_select_query: PRETTYINDENT_STD inside the SELECT */
    strbuf_puts(out, q->distinct ? " SELECT DISTINCT " : " SELECT ");
    int visible = 0;
    for (int i = 0; i < q->ntargets; i++) {
        ir_target *t = &q->targets[i];
        if (t->junk)
            continue;
        /* Items after the first go on a new line, unless the item starts one itself (CASE). */
        bool own_line = t->expr && t->expr->kind == IRE_CASE;
        if (visible++)
            strbuf_puts(out, own_line ? "," : ",\n    ");
        print_expr(p, t->expr, NULL);
        bool named_as_column = false;
        if (t->expr->kind == IRE_COLUMN) {
            ir_rte *r = ir_rte_at(q, t->expr->u.column.levels_up, t->expr->u.column.rte);
            named_as_column = r && strcmp(r->colnames[t->expr->u.column.column], t->name) == 0;
        }
        if (!named_as_column) {
            strbuf_puts(out, " AS ");
            catalog_quote_ident_pg(t->name, out);
        }
    }
    if (q->nfrom) {
        strbuf_puts(out, "\n   FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                strbuf_puts(out, ",\n    ");
            print_from(p, q, q->from[i]);
        }
    }
    if (q->where) {
        strbuf_puts(out, "\n  WHERE ");
        print_expr(p, q->where, NULL);
    }
    if (q->ngroup) {
        strbuf_puts(out, "\n  GROUP BY ");
        print_list(p, q->group, q->ngroup, NULL);
    }
    if (q->having) {
        strbuf_puts(out, "\n HAVING ");
        print_expr(p, q->having, NULL);
    }
    if (q->nsort) {
        strbuf_puts(out, "\n  ORDER BY ");
        for (int i = 0; i < q->nsort; i++) {
            if (i)
                strbuf_puts(out, ", ");
            print_expr(p, q->sort[i].expr, NULL);
            if (q->sort[i].descending)
                strbuf_puts(out, " DESC");
            if (q->sort[i].nulls)
                strbuf_puts(out, q->sort[i].nulls == 1 ? " NULLS FIRST" : " NULLS LAST");
        }
    }
    if (q->offset) {
        strbuf_puts(out, "\n OFFSET ");
        print_expr(p, q->offset, NULL);
    }
    if (q->limit) {
        strbuf_puts(out, "\n LIMIT ");
        print_expr(p, q->limit, NULL);
    }
    strbuf_putc(out, ';');
}

bool deparse_view_definition(void *arg, const cat_snapshot *s, const cat_relation *rel, unsigned mode, strbuf *out,
                             cat_refs *refs)
{
    sql_session *session = arg;
    if (!session || !rel->view_definition)
        return false;
    reanalysis r;
    bool ok = reanalysis_begin(&r, session, s, rel->view_definition);
    ir_query *q = NULL;
    if (ok) {
        Node *stmt = ((RawStmt *)linitial(r.parse.statements))->stmt;
        q = IsA(stmt, SelectStmt) ? analyze_select(&r.x, NULL, stmt) : NULL;
    }
    ok = q != NULL;
    if (ok) {
        printer p = {.out = out, .pretty = mode & CAT_DEPARSE_PRETTY, .ts = &session->types, .refs = refs};
        if (mode & CAT_DEPARSE_QUALIFIED)
            print_qualified(&r, &p);
        strbuf_reset(out);
        print_view(&p, q);
        ok = !p.failed && !out->failed;
    }
    reanalysis_end(&r);
    return ok;
}

/* ---------------------------------------------------------------- indexes */

/* Whether `name` is among the first `count` NUL-separated names in `names`. */
static bool name_taken(const strbuf *names, int count, const char *name)
{
    const char *p = names->data;
    for (int i = 0; p && i < count; i++) {
        if (strcmp(p, name) == 0)
            return true;
        p += strlen(p) + 1;
    }
    return false;
}

/* One expression of an index over `rel`, analysed; NULL if it cannot be. */
static ir_expr *index_expression(reanalysis *r, const cat_relation *rel, Node *expr)
{
    r->q = ir_query_new(&r->x, QUERY_SELECT, NULL);
    int rte = r->q ? analyze_add_relation_rte(&r->x, r->q, rel, rel->name) : -1;
    return rte >= 0 && ir_add_ns(&r->x, r->q, rte, true, true) ? analyze_expr(&r->x, r->q, expr) : NULL;
}

static bool print_both(reanalysis *r, sql_session *session, const ir_expr *e, strbuf *plain, strbuf *pretty,
                       cat_refs *refs)
{
    printer p = {.out = plain, .pretty = false, .q = r->q, .ts = &session->types, .refs = refs};
    print_expr(&p, e, NULL);
    printer pp = {.out = pretty, .pretty = true, .q = r->q, .ts = &session->types};
    print_expr(&pp, e, NULL);
    return !p.failed && !pp.failed && !plain->failed && !pretty->failed;
}

static void index_head(strbuf *out, const cat_index *ix, const cat_relation *self, const cat_relation *rel,
                       bool qualified)
{
    strbuf_printf(out, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
    catalog_quote_ident_pg(self ? self->name : ix->name, out);
    strbuf_puts(out, " ON ");
    if (qualified) {
        catalog_quote_ident_pg(rel->schema, out);
        strbuf_putc(out, '.');
    }
    catalog_quote_ident_pg(rel->name, out);
    strbuf_printf(out, " USING %s (", ix->method ? ix->method : "btree");
}

/* pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON schema.table USING am (key, ...)
 * [WHERE predicate]", keys as column names, function calls, or other expressions in
 * parentheses, DESC / NULLS when not the default; the pretty form drops redundant
 * parentheses and the schema of a table on the default search path.  The recorded
 * definition (CREATE INDEX as we generated it at DDL time) gives the key options and
 * expressions. */
bool deparse_index(void *arg, const cat_snapshot *s, const cat_relation *rel, const cat_index *ix,
                   cat_index_text *out)
{
    sql_session *session = arg;
    if (!session || ix->nkeys > CAT_INDEX_MAX_KEYS)
        return false;
    const cat_relation *self = cat_relation_by_oid(s, ix->oid);
    IndexStmt *is = NULL;
    reanalysis r;
    bool begun = ix->definition != NULL;
    bool parsed = begun && reanalysis_begin(&r, session, s, ix->definition);
    if (parsed) {
        Node *stmt = ((RawStmt *)linitial(r.parse.statements))->stmt;
        if (IsA(stmt, IndexStmt))
            is = (IndexStmt *)stmt;
    }
    bool ok = true;
    bool visible = strcmp(rel->schema, "public") == 0 || strcmp(rel->schema, "pg_catalog") == 0;
    index_head(&out->def, ix, self, rel, true);
    index_head(&out->def_pretty, ix, self, rel, !visible);
    ListCell *lc = is ? list_head(is->indexParams) : NULL;
    int nexpr = 0;
    for (int k = 0; ok && k < ix->nkeys; k++) {
        IndexElem *ie = is && lc ? lfirst_node(IndexElem, lc) : NULL;
        if (is && lc)
            lc = lnext(is->indexParams, lc);
        strbuf key, pkey, name;
        strbuf_init(&key);
        strbuf_init(&pkey);
        strbuf_init(&name);
        if (ix->keys[k]) {
            const cat_column *c = NULL;
            for (int i = 0; i < rel->ncolumns; i++)
                if (rel->columns[i].attnum == ix->keys[k])
                    c = &rel->columns[i];
            catalog_quote_ident_pg(c ? c->name : "?", &key);
            catalog_quote_ident_pg(c ? c->name : "?", &pkey);
            strbuf_puts(&name, c ? c->name : "?");
        } else if (ie && ie->expr) {
            ir_expr *e = index_expression(&r, rel, ie->expr);
            strbuf plain, pretty;
            strbuf_init(&plain);
            strbuf_init(&pretty);
            ok = e && print_both(&r, session, e, &plain, &pretty, &out->refs);
            if (ok) {
                strbuf_printf(&out->exprs, "%s%s", nexpr ? ", " : "", plain.data);
                strbuf_printf(&out->exprs_pretty, "%s%s", nexpr ? ", " : "", pretty.data);
                nexpr++;
                /* A function call stands alone; other expressions are parenthesised. */
                bool bare = e->kind == IRE_CALL && !is_operator(e->u.call.fn);
                out->expr_types[k] = e->type;
                strbuf_printf(&key, bare ? "%s" : "(%s)", plain.data);
                strbuf_printf(&pkey, bare ? "%s" : "(%s)", pretty.data);
            }
            strbuf_free(&plain);
            strbuf_free(&pretty);
            /* FigureIndexColname: what FigureColname finds, else "expr". */
            const char *fig = figure_colname(ie->expr);
            if (strcmp(fig, "?column?") == 0)
                fig = "expr";
            /* ChooseIndexColumnNames: a name taken already gets the first free number. */
            strbuf_puts(&name, fig);
            for (int n = 1; name_taken(&out->names, k, name.data ? name.data : ""); n++) {
                strbuf_reset(&name);
                strbuf_printf(&name, "%s%d", fig, n);
            }
        } else {
            ok = false;
        }
        int16_t opt = 0;
        if (ie && ie->ordering == SORTBY_DESC)
            opt |= 1;
        if (ie && (ie->nulls_ordering == SORTBY_NULLS_FIRST ||
                   (ie->ordering == SORTBY_DESC && ie->nulls_ordering != SORTBY_NULLS_LAST)))
            opt |= 2;
        out->options[k] = opt;
        const char *suffix = (opt & 1) ? ((opt & 2) ? " DESC" : " DESC NULLS LAST") : ((opt & 2) ? " NULLS FIRST" : "");
        strbuf_printf(&out->def, "%s%s%s", k ? ", " : "", key.data ? key.data : "", suffix);
        strbuf_printf(&out->def_pretty, "%s%s%s", k ? ", " : "", pkey.data ? pkey.data : "", suffix);
        strbuf_append(&out->keys, key.data ? key.data : "", key.len + 1);
        strbuf_append(&out->keys_pretty, pkey.data ? pkey.data : "", pkey.len + 1);
        strbuf_append(&out->names, name.data ? name.data : "", name.len + 1);
        strbuf_free(&key);
        strbuf_free(&pkey);
        strbuf_free(&name);
    }
    strbuf_putc(&out->def, ')');
    strbuf_putc(&out->def_pretty, ')');
    if (ok && ix->predicate && is && is->whereClause) {
        /* pg_get_indexdef(oid): "WHERE (c > 0)"; pretty: "WHERE c > 0". */
        ir_expr *e = index_expression(&r, rel, is->whereClause);
        ok = e && print_both(&r, session, e, &out->pred, &out->pred_pretty, &out->refs);
        if (ok) {
            strbuf_printf(&out->def, " WHERE %s", out->pred.data);
            strbuf_printf(&out->def_pretty, " WHERE %s", out->pred_pretty.data);
        }
    } else if (ix->predicate) {
        ok = false;
    }
    if (begun)
        reanalysis_end(&r);
    return ok && !out->def.failed && !out->def_pretty.failed && !out->keys.failed && !out->names.failed &&
           !out->exprs.failed && !out->refs.failed;
}
