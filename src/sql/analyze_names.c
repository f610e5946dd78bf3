/*
 * analyze_names.c — name resolution as PostgreSQL does it: relations through search_path
 * (pg_catalog first unless listed), WITH queries before tables, columns through the query's
 * namespace and then the enclosing queries' (correlation), `*` expansion, type names.
 */
#include "sql/pg_nodes.h"

#include <string.h>

bool ir_add_ns(sql_xlate *x, ir_query *q, int rte, bool rel_visible, bool cols_visible)
{
    if (q->nns == q->ns_cap) {
        int cap = q->ns_cap ? q->ns_cap * 2 : 8;
        ir_ns_item *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        if (q->nns)
            memcpy(grown, q->ns, sizeof *grown * (size_t)q->nns);
        q->ns = grown;
        q->ns_cap = cap;
    }
    q->ns[q->nns++] = (ir_ns_item){.rte = rte, .rel_visible = rel_visible, .cols_visible = cols_visible};
    return true;
}

/* A unique alias for the emitted SQL: the PostgreSQL alias unless already taken. */
static const char *engine_alias(sql_xlate *x, const char *alias)
{
    x->alias_counter++;
    if (!alias || !*alias)
        return arena_printf(x->mem, "_r%d", x->alias_counter);
    return arena_printf(x->mem, "%s_%d", alias, x->alias_counter);
}

int ir_add_rte(sql_xlate *x, ir_query *q, ir_rte *r)
{
    if (!r)
        return -1;
    ir_rte **grown = xlate_alloc(x, sizeof *grown * (size_t)(q->nrte + 1));
    if (!grown)
        return -1;
    if (q->nrte)
        memcpy(grown, q->rtes, sizeof *grown * (size_t)q->nrte);
    q->rtes = grown;
    if (!r->engine_alias)
        r->engine_alias = engine_alias(x, r->alias);
    q->rtes[q->nrte] = r;
    return q->nrte++;
}

int analyze_add_relation_rte(sql_xlate *x, ir_query *q, const cat_relation *rel, const char *alias)
{
    ir_rte *r = xlate_alloc(x, sizeof *r);
    if (!r)
        return -1;
    if (rel->is_system) {
        /* pg_catalog / information_schema: the statement reads the catalog store. */
        x->uses_catalog = true;
        x->session_rels |= catalog_session_bit(rel);
    } else {
        x->uses_user_relations = true;
    }
    r->kind = IR_RTE_RELATION;
    r->rel = rel;
    r->alias = alias ? alias : rel->name;
    r->ncols = rel->ncolumns;
    r->colnames = xlate_alloc(x, sizeof *r->colnames * (size_t)(rel->ncolumns + 1));
    r->coltypes = xlate_alloc(x, sizeof *r->coltypes * (size_t)(rel->ncolumns + 1));
    r->coltypmods = xlate_alloc(x, sizeof *r->coltypmods * (size_t)(rel->ncolumns + 1));
    if (!r->colnames || !r->coltypes || !r->coltypmods)
        return -1;
    for (int i = 0; i < rel->ncolumns; i++) {
        r->colnames[i] = rel->columns[i].name;
        r->coltypes[i] = rel->columns[i].type;
        r->coltypmods[i] = rel->columns[i].typmod;
        /* A domain column reads as its base type with the domain's typmod, as PostgreSQL's
         * RowDescription gives it (getBaseTypeAndTypmod). */
        if (rel->columns[i].domain && r->coltypmods[i] < 0)
            r->coltypmods[i] = catalog_domain_typmod(rel->columns[i].domain);
    }
    return ir_add_rte(x, q, r);
}

const char *analyze_creation_schema(sql_xlate *x, const char *explicit_schema, int location)
{
    if (explicit_schema) {
        if (!cat_find_namespace(x->catalog, explicit_schema)) {
            xlate_error(x, location, "3F000", "schema \"%s\" does not exist", explicit_schema);
            return NULL;
        }
        return explicit_schema;
    }
    const char *path[16];
    size_t n = guc_search_path(x->session, x->catalog, path, ARRAY_LEN(path));
    for (size_t i = 0; i < n; i++)
        if (strcmp(path[i], "pg_catalog") != 0 && cat_find_namespace(x->catalog, path[i]))
            return path[i];
    xlate_error(x, location, "3F000", "no schema has been selected to create in");
    return NULL;
}

/* The session's temporary schema if it exists in the catalog (pg_temp_<pid>), else NULL. */
const char *analyze_temp_schema(sql_xlate *x)
{
    const char *t = x->session->temp_schema;
    return t && cat_find_namespace(x->catalog, t) ? t : NULL;
}

/* pg_temp_N of another session: PostgreSQL refuses to touch it. */
static bool other_sessions_temp(sql_xlate *x, const char *schema, int location)
{
    if (strncmp(schema, "pg_temp_", 8) != 0)
        return false;
    const char *mine = x->session->temp_schema;
    if (mine && strcmp(mine, schema) == 0)
        return false;
    xlate_error(x, location, "0A000", "cannot access temporary tables of other sessions");
    return true;
}

const cat_relation *analyze_find_relation(sql_xlate *x, const char *schema, const char *name,
                                          int location, bool missing_ok)
{
    if (schema && strcmp(schema, "pg_temp") == 0) {
        /* pg_temp: this session's temporary schema */
        schema = analyze_temp_schema(x);
        if (!schema) {
            if (!missing_ok)
                xlate_error(x, location, "42P01", "relation \"pg_temp.%s\" does not exist", name);
            return NULL;
        }
    }
    if (schema) {
        if (other_sessions_temp(x, schema, location))
            return NULL;
        if (!cat_find_namespace(x->catalog, schema)) {
            if (!missing_ok)
                xlate_error(x, location, "3F000", "schema \"%s\" does not exist", schema);
            return NULL;
        }
        const cat_relation *r = cat_find_relation(x->catalog, schema, name);
        if (!r && !missing_ok)
            xlate_error(x, location, "42P01", "relation \"%s.%s\" does not exist", schema, name);
        return r;
    }
    /* The temporary schema is searched first, then pg_catalog unless listed, then the path
     * (PostgreSQL's implicit search order for relations). */
    const char *temp = analyze_temp_schema(x);
    if (temp) {
        const cat_relation *r = cat_find_relation(x->catalog, temp, name);
        if (r)
            return r;
    }
    const char *path[16];
    size_t n = guc_search_path(x->session, x->catalog, path, ARRAY_LEN(path));
    bool catalog_listed = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(path[i], "pg_catalog") == 0)
            catalog_listed = true;
    if (!catalog_listed) {
        const cat_relation *r = cat_find_relation(x->catalog, "pg_catalog", name);
        if (r)
            return r;
    }
    for (size_t i = 0; i < n; i++) {
        const cat_relation *r = cat_find_relation(x->catalog, path[i], name);
        if (r)
            return r;
    }
    if (!missing_ok)
        xlate_error(x, location, "42P01", "relation \"%s\" does not exist", name);
    return NULL;
}

ir_expr *analyze_reg_literal(sql_xlate *x, const char *text, pg_oid oid, int location)
{
    /* With the session's catalog resolver (catalog_names.c): every reg* type, with
     * PostgreSQL's lookup rules and errors, reported at the literal. */
    if (x->session && x->session->types.reg) {
        sql_value v;
        strbuf scratch;
        strbuf_init(&scratch);
        bool ok = types_text_in(&x->session->types, oid, -1, text, strlen(text), &v, &scratch, x->err);
        strbuf_free(&scratch);
        if (!ok) {
            pg_error saved = {0};
            pg_error_move(&saved, x->err);
            xlate_error(x, location, saved.sqlstate, "%s", saved.message ? saved.message : "");
            pg_error_clear(&saved);
            return NULL;
        }
        return ir_const_int(x, oid, v.i, location);
    }
    if (oid == PG_OID_REGTYPE) {
        const pg_type_info *t = types_by_name(text);
        if (!t) {
            xlate_error(x, location, "42704", "type \"%s\" does not exist", text);
            return NULL;
        }
        return ir_const_int(x, PG_OID_REGTYPE, t->oid, location);
    }
    if (oid == PG_OID_REGNAMESPACE) {
        const cat_namespace *ns = cat_find_namespace(x->catalog, text);
        if (!ns) {
            xlate_error(x, location, "3F000", "schema \"%s\" does not exist", text);
            return NULL;
        }
        return ir_const_int(x, PG_OID_REGNAMESPACE, ns->oid, location);
    }
    /* A number is an OID already. */
    int64_t num;
    if (parse_int64(text, &num) && num >= 0 && num <= UINT32_MAX)
        return ir_const_int(x, oid, num, location);
    /* "schema.name" or "name", with PostgreSQL's quoting rules. */
    char schema[256] = "", name[256] = "";
    const char *dot = NULL;
    bool quoted = false;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '.' && !quoted)
            dot = p;
    }
    const char *rel = dot ? dot + 1 : text;
    if (dot)
        snprintf(schema, sizeof schema, "%.*s", (int)(dot - text), text);
    snprintf(name, sizeof name, "%s", rel);
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z' && name[0] != '"')
            *c = (char)(*c - 'A' + 'a');
    if (name[0] == '"') {
        size_t len = strlen(name);
        memmove(name, name + 1, len);
        if (len >= 2 && name[len - 2] == '"')
            name[len - 2] = 0;
    }
    const cat_relation *r = analyze_find_relation(x, dot ? schema : NULL, name, location, false);
    if (!r)
        return NULL;
    return ir_const_int(x, PG_OID_REGCLASS, r->oid, location);
}

/* Copy an expression that belongs to query level L so it can be used `add` levels deeper:
 * column references to outer levels move up by `add`. */
static ir_expr *copy_with_levels(sql_xlate *x, const ir_expr *e, int add)
{
    if (!e)
        return NULL;
    ir_expr *c = xlate_alloc(x, sizeof *c);
    if (!c)
        return NULL;
    *c = *e;
    switch (e->kind) {
    case IRE_COLUMN:
        c->u.column.levels_up += add;
        break;
    case IRE_COALESCE: {
        c->u.list.args = xlate_alloc(x, sizeof *c->u.list.args * (size_t)e->u.list.nargs);
        if (!c->u.list.args)
            return NULL;
        for (int i = 0; i < e->u.list.nargs; i++)
            c->u.list.args[i] = copy_with_levels(x, e->u.list.args[i], add);
        break;
    }
    case IRE_CAST:
        c->u.cast.arg = copy_with_levels(x, e->u.cast.arg, add);
        break;
    default:
        break;
    }
    return c;
}

static ir_expr *column_expr(sql_xlate *x, ir_query *owner, int levels_up, int rte, int col, int location)
{
    ir_rte *r = owner->rtes[rte];
    if (r->kind == IR_RTE_JOIN && r->join_columns)
        return copy_with_levels(x, r->join_columns[col], levels_up);
    ir_expr *e = ir_new(x, IRE_COLUMN, r->coltypes[col], location);
    if (e) {
        e->typmod = r->coltypmods ? r->coltypmods[col] : -1;
        e->u.column.levels_up = levels_up;
        e->u.column.rte = rte;
        e->u.column.column = col;
    }
    return e;
}

static int find_column(const ir_rte *r, const char *name, int *second)
{
    int found = -1;
    *second = -1;
    for (int i = 0; i < r->ncols; i++) {
        if (r->coldropped && r->coldropped[i])
            continue;
        if (strcmp(r->colnames[i], name) == 0) {
            if (found < 0)
                found = i;
            else if (*second < 0)
                *second = i;
        }
    }
    return found;
}

/* The system column tableoid of a base relation: its OID, a constant.  Catalog queries
 * (psql's \dd, \dL) join pg_description on classoid = x.tableoid.  The other system columns
 * (ctid, xmin, ...) have no engine counterpart and stay unknown. */
static ir_expr *tableoid_expr(sql_xlate *x, const ir_rte *r, int location)
{
    if (r->kind != IR_RTE_RELATION || !r->rel)
        return NULL;
    return ir_const_int(x, PG_OID_OID, r->rel->oid, location);
}

/* `t` for range entry t: a record of its columns (named, for row_to_json and json_agg);
 * for a function returning one column, that column (PostgreSQL's scalar function rows). */
static ir_expr *whole_row(sql_xlate *x, ir_query *owner, int levels_up, int rte, int location)
{
    ir_rte *r = owner->rtes[rte];
    if (r->kind == IR_RTE_FUNCTION && r->ncols - (r->with_ordinality ? 1 : 0) == 1) {
        ir_expr *e = column_expr(x, owner, levels_up, rte, 0, location);
        ir_expr *row = e ? ir_new(x, IRE_ROW, e->type, location) : NULL;
        ir_expr **args = xlate_alloc(x, sizeof *args);
        if (!row || !args)
            return NULL;
        /* a one-element "row" that is its value, named after the entry */
        args[0] = e;
        row->typmod = e->typmod;
        row->u.list.args = args;
        row->u.list.nargs = 1;
        row->u.list.alias = r->alias;
        return row;
    }
    int n = 0;
    for (int i = 0; i < r->ncols; i++)
        n += !(r->coldropped && r->coldropped[i]);
    ir_expr *row = ir_new(x, IRE_ROW, PG_OID_RECORD, location);
    ir_expr **args = xlate_alloc(x, sizeof *args * (size_t)(n + 1));
    const char **names = xlate_alloc(x, sizeof *names * (size_t)(n + 1));
    if (!row || !args || !names)
        return NULL;
    for (int i = 0, k = 0; i < r->ncols; i++) {
        if (r->coldropped && r->coldropped[i])
            continue;
        if (!(args[k] = column_expr(x, owner, levels_up, rte, i, location)))
            return NULL;
        names[k++] = r->colnames[i];
    }
    row->u.list.args = args;
    row->u.list.nargs = n;
    row->u.list.names = names;
    row->u.list.alias = r->alias;
    return row;
}

ir_expr *analyze_column_ref(sql_xlate *x, ir_query *q, const char **names, int nnames, int location)
{
    const char *colname = names[nnames - 1];
    const char *qualifier = nnames >= 2 ? names[nnames - 2] : NULL;
    const char *schema = nnames >= 3 ? names[nnames - 3] : NULL;
    int level = 0;
    for (ir_query *cur = q; cur; cur = cur->parent, level++) {
        if (!qualifier) {
            int hits = 0, hit_rte = -1, hit_col = -1;
            for (int i = 0; i < cur->nns; i++) {
                if (!cur->ns[i].cols_visible)
                    continue;
                ir_rte *r = cur->rtes[cur->ns[i].rte];
                int second;
                int c = find_column(r, colname, &second);
                if (c < 0)
                    continue;
                hits += second >= 0 ? 2 : 1;
                hit_rte = cur->ns[i].rte;
                hit_col = c;
            }
            if (hits > 1) {
                xlate_error(x, location, "42702", "column reference \"%s\" is ambiguous", colname);
                return NULL;
            }
            if (hits == 1)
                return column_expr(x, cur, level, hit_rte, hit_col, location);
            if (strcmp(colname, "tableoid") == 0) {
                const ir_rte *only = NULL;
                int rels = 0;
                for (int i = 0; i < cur->nns; i++) {
                    const ir_rte *r = cur->rtes[cur->ns[i].rte];
                    if (cur->ns[i].cols_visible && r->kind == IR_RTE_RELATION && r->rel) {
                        only = r;
                        rels++;
                    }
                }
                if (rels > 1) {
                    xlate_error(x, location, "42702", "column reference \"%s\" is ambiguous", colname);
                    return NULL;
                }
                if (rels == 1)
                    return tableoid_expr(x, only, location);
            }
            continue;
        }
        for (int i = 0; i < cur->nns; i++) {
            if (!cur->ns[i].rel_visible)
                continue;
            ir_rte *r = cur->rtes[cur->ns[i].rte];
            if (strcmp(r->alias, qualifier) != 0)
                continue;
            if (schema && (!r->rel || strcmp(r->rel->schema, schema) != 0))
                continue;
            int second;
            int c = find_column(r, colname, &second);
            if (c < 0 && strcmp(colname, "tableoid") == 0 && r->kind == IR_RTE_RELATION && r->rel)
                return tableoid_expr(x, r, location);
            if (c < 0) {
                xlate_error(x, location, "42703", "column %s.%s does not exist", qualifier, colname);
                return NULL;
            }
            if (second >= 0) {
                xlate_error(x, location, "42702", "column reference \"%s\" is ambiguous", colname);
                return NULL;
            }
            return column_expr(x, cur, level, cur->ns[i].rte, c, location);
        }
    }
    if (!qualifier) {
        /* No such column: a range entry's name is a whole-row reference. */
        level = 0;
        for (ir_query *cur = q; cur; cur = cur->parent, level++)
            for (int i = 0; i < cur->nns; i++) {
                if (!cur->ns[i].rel_visible)
                    continue;
                ir_rte *r = cur->rtes[cur->ns[i].rte];
                if (r->alias && strcmp(r->alias, colname) == 0)
                    return whole_row(x, cur, level, cur->ns[i].rte, location);
            }
    }
    if (qualifier)
        xlate_error(x, location, "42P01", "missing FROM-clause entry for table \"%s\"", qualifier);
    else
        xlate_error(x, location, "42703", "column \"%s\" does not exist", colname);
    return NULL;
}

ir_expr *analyze_whole_row_ref(sql_xlate *x, ir_query *q, const char *schema, const char *relname, int location)
{
    int level = 0;
    for (ir_query *cur = q; cur; cur = cur->parent, level++)
        for (int i = 0; i < cur->nns; i++) {
            if (!cur->ns[i].rel_visible)
                continue;
            ir_rte *r = cur->rtes[cur->ns[i].rte];
            if (!r->alias || strcmp(r->alias, relname) != 0)
                continue;
            if (schema && (!r->rel || strcmp(r->rel->schema, schema) != 0))
                continue;
            return whole_row(x, cur, level, cur->ns[i].rte, location);
        }
    xlate_error(x, location, "42P01", "missing FROM-clause entry for table \"%s\"", relname);
    return NULL;
}

int analyze_expand_star(sql_xlate *x, ir_query *q, const char *qualifier, int location,
                        ir_expr ***exprs, const char ***names)
{
    int total = 0;
    for (int pass = 0; pass < 2; pass++) {
        int n = 0;
        bool matched = false;
        for (int i = 0; i < q->nns; i++) {
            ir_ns_item *it = &q->ns[i];
            ir_rte *r = q->rtes[it->rte];
            if (qualifier) {
                if (!it->rel_visible || strcmp(r->alias, qualifier) != 0)
                    continue;
            } else if (!it->cols_visible) {
                continue;
            }
            matched = true;
            for (int c = 0; c < r->ncols; c++) {
                if (r->coldropped && r->coldropped[c])
                    continue;
                if (pass == 1) {
                    (*exprs)[n] = column_expr(x, q, 0, it->rte, c, location);
                    (*names)[n] = r->colnames[c];
                    if (!(*exprs)[n])
                        return -1;
                }
                n++;
            }
            if (qualifier)
                break;
        }
        if (qualifier && !matched) {
            xlate_error(x, location, "42P01", "missing FROM-clause entry for table \"%s\"", qualifier);
            return -1;
        }
        if (!qualifier && !matched && pass == 0) {
            xlate_error(x, location, "42601", "SELECT * with no tables specified is not valid");
            return -1;
        }
        if (pass == 0) {
            total = n;
            *exprs = xlate_alloc(x, sizeof **exprs * (size_t)(n + 1));
            *names = xlate_alloc(x, sizeof **names * (size_t)(n + 1));
            if (!*exprs || !*names)
                return -1;
        }
    }
    return total;
}

/* ---------------------------------------------------------------- type names */

static int32_t const_int(Node *n, bool *ok)
{
    if (n && IsA(n, A_Const) && !((A_Const *)n)->isnull && IsA(&((A_Const *)n)->val, Integer))
        return (int32_t)intVal(&((A_Const *)n)->val);
    *ok = false;
    return -1;
}

bool analyze_type_name(sql_xlate *x, Node *node, pg_oid *oid, int32_t *typmod)
{
    TypeName *tn = (TypeName *)node;
    const char *name = name_list_last(tn->names);
    const char *schema = name_list_schema(tn->names);
    if (!name) {
        xlate_error(x, tn->location, "42601", "improper type name");
        return false;
    }
    const pg_type_info *t = NULL;
    /* Names from the grammar are typnames ("char" quoted is the one-byte type; CHAR
     * unquoted arrives as bpchar); SQL spellings are accepted after them. */
    if (!schema || strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "public") == 0) {
        t = types_by_typname(name);
        if (!t)
            t = types_by_name(name);
    }
    if (!t) {
        if (schema)   /* TypeNameToString: the name as written, qualified */
            xlate_error(x, tn->location, "42704", "type \"%s.%s\" does not exist", schema, name);
        else
            xlate_error(x, tn->location, "42704", "type \"%s\" does not exist", name);
        return false;
    }
    int32_t mod = -1;
    int nmods = list_length(tn->typmods);
    if (nmods > 0) {
        bool ok = true;
        int32_t a = const_int(list_nth(tn->typmods, 0), &ok);
        int32_t b = nmods > 1 ? const_int(list_nth(tn->typmods, 1), &ok) : 0;
        if (!ok) {
            xlate_error(x, tn->location, "22023", "type modifiers must be simple constants or identifiers");
            return false;
        }
        switch (t->oid) {
        case PG_OID_VARCHAR:
        case PG_OID_BPCHAR:
            if (nmods > 1 || a < 1) {
                xlate_error(x, tn->location, "22023", "length for type %s must be at least 1", t->name);
                return false;
            }
            if (a > 10485760) {
                xlate_error(x, tn->location, "22023", "length for type %s cannot exceed 10485760", t->name);
                return false;
            }
            mod = types_typmod_varchar(a);
            break;
        case PG_OID_NUMERIC:
            if (a < 1 || a > 1000) {
                xlate_error(x, tn->location, "22023", "NUMERIC precision %d must be between 1 and 1000", a);
                return false;
            }
            if (nmods > 1 && (b < 0 || b > a)) {
                xlate_error(x, tn->location, "22023", "NUMERIC scale %d must be between 0 and precision %d", b, a);
                return false;
            }
            mod = types_typmod_numeric(a, nmods > 1 ? b : 0);
            break;
        case PG_OID_INTERVAL: {
            /* The grammar gives (range mask, precision) for interval(p) and its field
             * forms; PostgreSQL's typmod is (range << 16) | precision, 0xFFFF = none. */
            int32_t range = nmods > 1 ? a : a == 0x7FFF || a > 6 ? a : 0x7FFF;
            int32_t prec = nmods > 1 ? b : (a == range ? 0xFFFF : a);
            if (prec != 0xFFFF && prec < 0) {
                xlate_error(x, tn->location, "22023", "INTERVAL(%d) precision must not be negative", prec);
                return false;
            }
            if (prec != 0xFFFF && prec > 6) {
                session_notice(x->session, PG_SEVERITY_WARNING, "01000",
                               "interval(%d) precision reduced to maximum allowed, 6", prec);
                prec = 6;
            }
            mod = (int32_t)(((uint32_t)range << 16) | (uint32_t)prec);
            if (range == 0x7FFF && prec == 0xFFFF)
                mod = -1;
            break;
        }
        case PG_OID_TIME:
        case PG_OID_TIMETZ:
        case PG_OID_TIMESTAMP:
        case PG_OID_TIMESTAMPTZ:
            if (a < 0) {
                xlate_error(x, tn->location, "22023", "%s(%d) precision must not be negative", t->sql_name, a);
                return false;
            }
            mod = a > 6 ? 6 : a;
            if (a > 6)
                session_notice(x->session, PG_SEVERITY_WARNING, "01000",
                               "%s(%d) precision reduced to maximum allowed, 6", t->sql_name, a);
            break;
        case PG_OID_VECTOR:
            if (a < 1 || a > 16000) {
                xlate_error(x, tn->location, "22023",
                            a < 1 ? "dimensions for type vector must be at least 1"
                                  : "dimensions for type vector cannot exceed 16000");
                return false;
            }
            mod = a;
            break;
        case PG_OID_BIT:
        case PG_OID_VARBIT:
            mod = a;
            break;
        default:
            xlate_error(x, tn->location, "42601", "type modifier is not allowed for type \"%s\"", t->name);
            return false;
        }
    }
    pg_oid result = t->oid;
    if (tn->arrayBounds && list_length(tn->arrayBounds) > 0) {
        if (!t->typarray) {
            xlate_error(x, tn->location, "42704", "could not find array type for data type %s", t->sql_name);
            return false;
        }
        result = t->typarray;
    }
    *oid = result;
    *typmod = mod;
    return true;
}

/* ---------------------------------------------------------------- result column names */

/* PostgreSQL's FigureColnameInternal: the name of an unnamed select-list item comes from the
 * raw expression (a column's name, a function's, a cast's type ...), with a strength so that
 * e.g. x::int keeps "x" but 1::int becomes "int4". */
static int figure(Node *n, const char **name)
{
    if (!n)
        return 0;
    switch (nodeTag(n)) {
    case T_ColumnRef: {
        Node *last = llast(((ColumnRef *)n)->fields);
        if (IsA(last, String)) {
            *name = strVal(last);
            return 2;
        }
        return 0;
    }
    case T_A_Indirection: {
        A_Indirection *ind = (A_Indirection *)n;
        Node *last = llast(ind->indirection);
        if (IsA(last, String)) {
            *name = strVal(last);
            return 2;
        }
        return figure(ind->arg, name);
    }
    case T_FuncCall:
        *name = name_list_last(((FuncCall *)n)->funcname);
        return 2;
    case T_A_Expr:
        if (((A_Expr *)n)->kind == AEXPR_NULLIF) {
            *name = "nullif";
            return 2;
        }
        return 0;
    case T_TypeCast: {
        TypeCast *tc = (TypeCast *)n;
        int strength = figure(tc->arg, name);
        if (strength <= 1 && tc->typeName) {
            *name = name_list_last(tc->typeName->names);
            return 1;
        }
        return strength;
    }
    case T_CollateClause:
        return figure(((CollateClause *)n)->arg, name);
    case T_GroupingFunc:
        *name = "grouping";
        return 2;
    case T_SubLink: {
        SubLink *s = (SubLink *)n;
        switch (s->subLinkType) {
        case EXISTS_SUBLINK:
            *name = "exists";
            return 2;
        case ARRAY_SUBLINK:
            *name = "array";
            return 2;
        case EXPR_SUBLINK: {
            SelectStmt *sel = (SelectStmt *)s->subselect;
            while (sel && sel->op != SETOP_NONE)
                sel = sel->larg;
            if (sel && sel->targetList) {
                ResTarget *rt = linitial(sel->targetList);
                if (rt->name) {
                    *name = rt->name;
                    return 2;
                }
                return figure(rt->val, name);
            }
            return 0;
        }
        default:
            return 0;
        }
    }
    case T_CaseExpr: {
        int strength = figure((Node *)((CaseExpr *)n)->defresult, name);
        if (strength <= 1) {
            *name = "case";
            return 1;
        }
        return strength;
    }
    case T_A_ArrayExpr:
        *name = "array";
        return 2;
    case T_RowExpr:
        *name = "row";
        return 2;
    case T_CoalesceExpr:
        *name = "coalesce";
        return 2;
    case T_MinMaxExpr:
        *name = ((MinMaxExpr *)n)->op == IS_GREATEST ? "greatest" : "least";
        return 2;
    case T_SQLValueFunction:
        switch (((SQLValueFunction *)n)->op) {
        case SVFOP_CURRENT_DATE: *name = "current_date"; return 2;
        case SVFOP_CURRENT_TIME:
        case SVFOP_CURRENT_TIME_N: *name = "current_time"; return 2;
        case SVFOP_CURRENT_TIMESTAMP:
        case SVFOP_CURRENT_TIMESTAMP_N: *name = "current_timestamp"; return 2;
        case SVFOP_LOCALTIME:
        case SVFOP_LOCALTIME_N: *name = "localtime"; return 2;
        case SVFOP_LOCALTIMESTAMP:
        case SVFOP_LOCALTIMESTAMP_N: *name = "localtimestamp"; return 2;
        case SVFOP_CURRENT_ROLE: *name = "current_role"; return 2;
        case SVFOP_CURRENT_USER: *name = "current_user"; return 2;
        case SVFOP_USER: *name = "user"; return 2;
        case SVFOP_SESSION_USER: *name = "session_user"; return 2;
        case SVFOP_CURRENT_CATALOG: *name = "current_catalog"; return 2;
        case SVFOP_CURRENT_SCHEMA: *name = "current_schema"; return 2;
        }
        return 0;
    default:
        return 0;
    }
}

const char *figure_colname(Node *n)
{
    const char *name = NULL;
    if (figure(n, &name) > 0 && name)
        return name;
    return "?column?";
}
