/*
 * catalog_names.c — the session's answers to "what is the name of OID n" and "which OID does
 * this name denote" for the reg* types (regclass, regtype, regproc, regnamespace, regrole),
 * and to pg_table_is_visible & co., installed in the session's type settings
 * (types.h reg_resolver) so that codecs and engine functions (casts in the engine) print and
 * read reg* values as PostgreSQL does: through the session's catalog snapshot and search_path.
 *
 * Names are read as PostgreSQL's stringToQualifiedNameList reads them: dot-separated,
 * double-quoted parts kept as written ("" for a quote), others folded to lower case.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- qualified names */

typedef struct qualified_name {
    char parts[8][NAMEDATALEN * 2];
    int n;
} qualified_name;

static bool parse_qualified(const char *text, size_t len, qualified_name *q, pg_error *err)
{
    memset(q, 0, sizeof *q);
    size_t i = 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
            i++;
        if (q->n == 8)
            goto bad;
        char *out = q->parts[q->n];
        size_t o = 0;
        if (i < len && text[i] == '"') {
            i++;
            for (;;) {
                if (i >= len)
                    goto bad;
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        i += 2;
                        if (o + 1 < sizeof q->parts[0])
                            out[o++] = '"';
                        continue;
                    }
                    i++;
                    break;
                }
                if (o + 1 < sizeof q->parts[0])
                    out[o++] = text[i];
                i++;
            }
            if (o == 0)
                goto bad;
        } else {
            while (i < len && text[i] != '.' && text[i] != ' ' && text[i] != '\t' && text[i] != '"') {
                char c = text[i++];
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                if (o + 1 < sizeof q->parts[0])
                    out[o++] = c;
            }
            if (o == 0)
                goto bad;
        }
        out[o] = 0;
        q->n++;
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
            i++;
        if (i == len)
            return true;
        if (text[i] != '.')
            goto bad;
        i++;
    }
bad:
    pg_error_set(err, "42602", "invalid name syntax");
    return false;
}

/* ---------------------------------------------------------------- the resolver */

typedef struct lookup {
    sql_session *s;
    cat_snapshot *cat;
    const char *path[16];
    size_t npath;
} lookup;

static bool lookup_begin(const void *arg, lookup *l)
{
    pg_error ignore = {0};
    l->s = (sql_session *)arg;
    l->cat = NULL;
    if (!session_catalog(l->s, &l->cat, &ignore)) {
        pg_error_clear(&ignore);
        return false;
    }
    /* The session's temporary schema comes first, as PostgreSQL searches pg_temp implicitly
     * ('ts'::regclass finds a temporary sequence). */
    size_t n = 0;
    const char *temp = l->s->temp_schema;
    if (temp && cat_find_namespace(l->cat, temp))
        l->path[n++] = temp;
    l->npath = n + guc_search_path(l->s, l->cat, l->path + n, ARRAY_LEN(l->path) - n);
    return true;
}

static void lookup_end(lookup *l)
{
    if (l->cat)
        cat_snapshot_unref(l->cat);
}

static bool path_has(const lookup *l, const char *schema)
{
    for (size_t i = 0; i < l->npath; i++)
        if (strcmp(l->path[i], schema) == 0)
            return true;
    return false;
}

static bool name_of(const void *arg, pg_oid type, pg_oid value, strbuf *out)
{
    switch (type) {
    case PG_OID_REGTYPE: {
        /* regtypeout is format_type without a typmod: bpchar is "character". */
        if (value == PG_OID_BPCHAR || value == PG_OID_BPCHAR_ARRAY) {
            strbuf_puts(out, value == PG_OID_BPCHAR ? "character" : "character[]");
            return true;
        }
        if (types_by_oid(value)) {
            types_format_type(value, -1, out);
            return true;
        }
        const char *name = catalog_type_name(value);
        if (!name)
            return false;
        /* An array the types layer does not know (of a catalog's row type): element[]. */
        pg_oid elem = catalog_type_array_elem(value);
        if (elem && elem != value && name_of(arg, PG_OID_REGTYPE, elem, out)) {
            strbuf_puts(out, "[]");
            return true;
        }
        /* Qualified when its schema is not on the search path (information_schema's domains). */
        pg_oid nsp = catalog_type_namespace(value);
        if (nsp != CAT_OID_PG_CATALOG) {
            lookup l;
            if (!lookup_begin(arg, &l))
                return false;
            const cat_namespace *ns = cat_namespace_by_oid(l.cat, nsp);
            if (ns && !path_has(&l, ns->name)) {
                catalog_quote_ident_pg(ns->name, out);
                strbuf_putc(out, '.');
            }
            lookup_end(&l);
        }
        catalog_quote_ident_pg(name, out);
        return true;
    }
    case PG_OID_REGPROC:
    case PG_OID_REGPROCEDURE: {
        const char *name = catalog_proc_name(value);
        if (!name)
            return false;
        pg_oid first = 0;
        if (type == PG_OID_REGPROC) {
            /* regprocout: qualified unless the name alone finds this function. */
            if (catalog_proc_lookup(name, &first) != 1)
                strbuf_puts(out, "pg_catalog.");
            catalog_quote_ident_pg(name, out);
            return true;
        }
        /* regprocedureout (format_procedure): name(argtype,argtype). */
        pg_oid args[FUNC_MAX_ARGS];
        int n = catalog_proc_args(value, args, FUNC_MAX_ARGS);
        catalog_quote_ident_pg(name, out);
        strbuf_putc(out, '(');
        for (int i = 0; i < n; i++) {
            if (i)
                strbuf_putc(out, ',');
            if (!name_of(arg, PG_OID_REGTYPE, args[i], out))
                strbuf_printf(out, "%u", args[i]);
        }
        strbuf_putc(out, ')');
        return true;
    }
    case PG_OID_REGROLE: {
        const char *name = catalog_role_name(value);
        if (!name)
            return false;
        catalog_quote_ident_pg(name, out);
        return true;
    }
    case PG_OID_REGCLASS:
    case PG_OID_REGNAMESPACE: {
        lookup l;
        if (!lookup_begin(arg, &l))
            return false;
        bool found = false;
        if (type == PG_OID_REGCLASS) {
            const cat_relation *r = cat_relation_by_oid(l.cat, value);
            if (r) {
                catalog_format_relation(l.cat, r, l.path, l.npath, out);
                found = true;
            }
        } else {
            const cat_namespace *ns = cat_namespace_by_oid(l.cat, value);
            if (ns) {
                catalog_quote_ident_pg(ns->name, out);
                found = true;
            }
        }
        lookup_end(&l);
        return found;
    }
    default:
        return false;
    }
}

/* "SELECT NULL::<text>" parsed with PostgreSQL's grammar, as parseTypeString does: the text
 * must be exactly one type name. */
static bool type_from_text(sql_session *s, cat_snapshot *cat, const char *text, size_t len, pg_oid *out,
                           pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT NULL::");
    strbuf_append(&sql, text, len);
    if (sql.failed) {
        pg_error_oom(err);
        return false;
    }
    raw_parse p;
    pg_error ignore = {0};
    bool ok = false;
    if (raw_parse_text(sql.data, &p, NULL, 0, &ignore)) {
        if (list_length(p.statements) == 1) {
            SelectStmt *sel = (SelectStmt *)((RawStmt *)linitial(p.statements))->stmt;
            if (IsA(sel, SelectStmt) && list_length(sel->targetList) == 1 && !sel->fromClause &&
                !sel->whereClause && sel->op == SETOP_NONE) {
                ResTarget *rt = linitial(sel->targetList);
                if (rt->val && IsA(rt->val, TypeCast) && IsA(((TypeCast *)rt->val)->arg, A_Const) && !rt->name) {
                    arena mem;
                    arena_init(&mem);
                    sql_xlate x = {.session = s, .catalog = cat, .mem = &mem, .text = sql.data, .err = err};
                    int32_t typmod;
                    TypeName *tn = ((TypeCast *)rt->val)->typeName;
                    ok = analyze_type_name(&x, (Node *)tn, out, &typmod);
                    arena_free(&mem);
                    /* Types only the catalog has (information_schema's domains, the row types
                     * of PostgreSQL's own relations): found by name there. */
                    if (!ok && strcmp(err->sqlstate, "42704") == 0 && !tn->typmods && tn->names &&
                        list_length(tn->names) <= 2) {
                        const char *schema = list_length(tn->names) == 2 ? strVal(linitial(tn->names)) : NULL;
                        const char *name = strVal(llast(tn->names));
                        lookup l;
                        pg_oid found = 0;
                        if (lookup_begin(s, &l)) {
                            found = catalog_type_lookup(schema, name, l.path, l.npath);
                            lookup_end(&l);
                        }
                        for (int i = 0; found && tn->arrayBounds && i < list_length(tn->arrayBounds); i++)
                            found = catalog_type_array_of(found);
                        if (found) {
                            pg_error_clear(err);
                            *out = found;
                            ok = true;
                        }
                    }
                    if (!ok)
                        err->position = 0;
                }
            }
        }
        raw_parse_free(&p);
    } else {
        pg_error_clear(&ignore);
    }
    if (!ok && !pg_error_is_set(err))
        pg_error_set(err, "42601", "invalid type name \"%.*s\"", (int)len, text);
    strbuf_free(&sql);
    return ok;
}

/* regprocedurein (parseNameAndArgTypes): "name(type, type ...)" names one function. */
static bool procedure_from_text(sql_session *s, cat_snapshot *cat, const char *text, size_t len, pg_oid *out,
                                pg_error *err)
{
    size_t lp = 0, rp = len;
    bool quoted = false;
    while (lp < len && (quoted || text[lp] != '(')) {
        if (text[lp] == '"')
            quoted = !quoted;
        lp++;
    }
    if (lp == len) {
        pg_error_set(err, "22P02", "expected a left parenthesis");
        return false;
    }
    while (rp > lp && text[rp - 1] != ')')
        rp--;
    if (rp == lp) {
        pg_error_set(err, "22P02", "expected a right parenthesis");
        return false;
    }
    for (size_t i = rp; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
            pg_error_set(err, "22P02", "expected a right parenthesis");
            return false;
        }
    qualified_name q;
    if (!parse_qualified(text, lp, &q, err))
        return false;
    if (q.n > 3) {
        pg_error_set(err, "42601", "improper qualified name (too many dotted names): %.*s", (int)lp, text);
        return false;
    }
    const char *schema = q.n >= 2 ? q.parts[q.n - 2] : NULL;
    pg_oid args[FUNC_MAX_ARGS];
    int nargs = 0;
    size_t start = lp + 1, end = rp - 1;
    bool blank = true;
    for (size_t i = start; i < end; i++)
        blank &= text[i] == ' ' || text[i] == '\t' || text[i] == '\n';
    int depth = 0;
    quoted = false;
    for (size_t i = start; !blank && i <= end; i++) {
        if (i < end && text[i] == '"')
            quoted = !quoted;
        if (i < end && !quoted && text[i] == '(')
            depth++;
        if (i < end && !quoted && text[i] == ')')
            depth--;
        if (i == end || (!quoted && depth == 0 && text[i] == ',')) {
            if (nargs == FUNC_MAX_ARGS) {
                pg_error_set(err, "54023", "too many arguments");
                return false;
            }
            if (!type_from_text(s, cat, text + start, i - start, &args[nargs], err))
                return false;
            nargs++;
            start = i + 1;
        }
    }
    pg_oid found = !schema || strcmp(schema, "pg_catalog") == 0 ? catalog_proc_find(q.parts[q.n - 1], args, nargs) : 0;
    if (!found) {
        pg_error_set(err, "42883", "function \"%.*s\" does not exist", (int)len, text);
        return false;
    }
    *out = found;
    return true;
}

static bool oid_of(const void *arg, pg_oid type, const char *text, size_t len, pg_oid *out, pg_error *err)
{
    sql_session *s = (sql_session *)arg;
    lookup l;
    if (!lookup_begin(arg, &l)) {
        pg_error_set(err, "XX000", "catalog is not available");
        return false;
    }
    bool ok = false;
    qualified_name q;
    if (type == PG_OID_REGTYPE) {
        ok = type_from_text(s, l.cat, text, len, out, err);
        lookup_end(&l);
        return ok;
    }
    if (type == PG_OID_REGPROCEDURE) {
        ok = procedure_from_text(s, l.cat, text, len, out, err);
        lookup_end(&l);
        return ok;
    }
    if (!parse_qualified(text, len, &q, err)) {
        lookup_end(&l);
        return false;
    }
    const char *last = q.parts[q.n - 1];
    const char *schema = q.n >= 2 ? q.parts[q.n - 2] : NULL;
    if (q.n > 3 && (type == PG_OID_REGCLASS || type == PG_OID_REGPROC || type == PG_OID_REGPROCEDURE)) {
        strbuf joined;
        strbuf_init(&joined);
        for (int i = 0; i < q.n; i++)
            strbuf_printf(&joined, "%s%s", i ? "." : "", q.parts[i]);
        pg_error_set(err, "42601", "improper %s name (too many dotted names): %s",
                     type == PG_OID_REGCLASS ? "relation" : "qualified", joined.data ? joined.data : "");
        strbuf_free(&joined);
    } else if (q.n == 3 && strcmp(q.parts[0], s->database) != 0) {
        pg_error_set(err, "0A000", "cross-database references are not implemented: \"%s.%s.%s\"", q.parts[0],
                     q.parts[1], q.parts[2]);
    } else if (type == PG_OID_REGCLASS) {
        const cat_relation *r = NULL;
        if (schema) {
            if (!cat_find_namespace(l.cat, schema))
                pg_error_set(err, "3F000", "schema \"%s\" does not exist", schema);
            else
                r = cat_find_relation(l.cat, schema, last);
        } else {
            bool catalog_listed = false;
            for (size_t i = 0; i < l.npath; i++)
                catalog_listed |= strcmp(l.path[i], "pg_catalog") == 0;
            if (!catalog_listed)
                r = cat_find_relation(l.cat, "pg_catalog", last);
            for (size_t i = 0; !r && i < l.npath; i++)
                r = cat_find_relation(l.cat, l.path[i], last);
        }
        if (r) {
            *out = r->oid;
            ok = true;
        } else if (!pg_error_is_set(err)) {
            if (schema)
                pg_error_set(err, "42P01", "relation \"%s.%s\" does not exist", schema, last);
            else
                pg_error_set(err, "42P01", "relation \"%s\" does not exist", last);
        }
    } else if (type == PG_OID_REGNAMESPACE) {
        const cat_namespace *ns = q.n == 1 ? cat_find_namespace(l.cat, last) : NULL;
        if (q.n != 1)
            pg_error_set(err, "42602", "invalid name syntax");
        else if (!ns)
            pg_error_set(err, "3F000", "schema \"%s\" does not exist", last);
        else {
            *out = ns->oid;
            ok = true;
        }
    } else if (type == PG_OID_REGROLE) {
        if (q.n != 1)
            pg_error_set(err, "42602", "invalid name syntax");
        else if (!catalog_role_oid(last, out))
            pg_error_set(err, "42704", "role \"%s\" does not exist", last);
        else
            ok = true;
    } else if (type == PG_OID_REGPROC || type == PG_OID_REGPROCEDURE) {
        pg_oid first = 0;
        int n = (!schema || strcmp(schema, "pg_catalog") == 0) ? catalog_proc_lookup(last, &first) : 0;
        if (n == 0)
            pg_error_set(err, "42883", "function \"%.*s\" does not exist", (int)len, text);
        else if (n > 1 && type == PG_OID_REGPROC)
            pg_error_set(err, "42725", "more than one function named \"%.*s\"", (int)len, text);
        else {
            *out = first;
            ok = true;
        }
    } else {
        pg_error_set(err, "0A000", "input of type %u by name is not supported", type);
    }
    lookup_end(&l);
    return ok;
}

static int visible(const void *arg, char kind, pg_oid value)
{
    switch (kind) {
    case 'r': {
        lookup l;
        if (!lookup_begin(arg, &l))
            return -1;
        const cat_relation *r = cat_relation_by_oid(l.cat, value);
        int v = r ? (catalog_relation_visible(l.cat, r, l.path, l.npath) ? 1 : 0) : -1;
        lookup_end(&l);
        return v;
    }
    case 't': {
        if (!catalog_type_name(value))
            return -1;
        pg_oid nsp = catalog_type_namespace(value);
        if (nsp == CAT_OID_PG_CATALOG)
            return 1;
        lookup l;
        if (!lookup_begin(arg, &l))
            return -1;
        const cat_namespace *ns = cat_namespace_by_oid(l.cat, nsp);
        int v = ns && path_has(&l, ns->name) ? 1 : 0;
        lookup_end(&l);
        return v;
    }
    case 'f':
        return catalog_proc_name(value) ? 1 : -1;
    case 'n': {
        /* A schema on the session's search_path (pg_catalog always is). */
        if (value == CAT_OID_PG_CATALOG)
            return 1;
        lookup l;
        if (!lookup_begin(arg, &l))
            return -1;
        const cat_namespace *ns = cat_namespace_by_oid(l.cat, value);
        int v = ns ? (path_has(&l, ns->name) ? 1 : 0) : -1;
        lookup_end(&l);
        return v;
    }
    default:
        return 1;
    }
}

void session_install_reg_resolver(sql_session *s)
{
    s->reg.name_of = name_of;
    s->reg.oid_of = oid_of;
    s->reg.visible = visible;
    s->reg.arg = s;
    s->types.reg = &s->reg;
}
