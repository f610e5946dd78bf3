/*
 * catalog_build_static.c — the rows of the catalogs that do not depend on the user's schema,
 * built once per process into the static store: PostgreSQL 15's rows (catalog_facts.c) for
 * pg_am, pg_opclass, pg_opfamily, pg_collation, pg_authid, pg_tablespace, pg_language,
 * pg_range, and for pg_type and pg_proc filtered to what the server has:
 *
 *   pg_type   the types the types layer knows, the types of pg_catalog's own columns and the
 *             row types of pg_catalog's relations; a type the types layer has beyond
 *             PostgreSQL's built-ins (pgvector's vector) gets a row made from its description;
 *   pg_proc   the functions the SQL layer implements (by name) and every function pg_type,
 *             pg_am and pg_range refer to (type input/output ...);
 *
 * and the views over them (pg_roles, pg_user, pg_shadow).  Every other catalog of the
 * static store stays empty (pg_trigger, pg_policy, pg_inherits, pg_publication ...): the
 * server has none of those objects.
 */
#include "catalog/catalog_store.h"
#include "catalog/catalog_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const catfact_type *catfact_type_by_oid(pg_oid oid)
{
    size_t lo = 0, hi = catfact_type_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (catfact_types[mid].oid == oid)
            return &catfact_types[mid];
        if (catfact_types[mid].oid < oid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

pg_oid build_type_collation(pg_oid type)
{
    const catfact_type *t = catfact_type_by_oid(type);
    if (t)
        return t->collation;
    return 0;
}

pg_oid build_default_opclass(pg_oid type, pg_oid am)
{
    /* An exact default first, then one of the type's binary-compatible family (varchar and
     * name index with text's operator class in PostgreSQL). */
    for (size_t i = 0; i < catfact_opclass_count; i++)
        if (catfact_opclasses[i].isdefault && catfact_opclasses[i].method == am && catfact_opclasses[i].intype == type)
            return catfact_opclasses[i].oid;
    pg_oid alt = type == PG_OID_VARCHAR ? PG_OID_TEXT : 0;
    const catfact_type *t = catfact_type_by_oid(type);
    if (t && t->category == 'A')
        alt = PG_OID_ANYARRAY;
    for (size_t i = 0; alt && i < catfact_opclass_count; i++)
        if (catfact_opclasses[i].isdefault && catfact_opclasses[i].method == am && catfact_opclasses[i].intype == alt)
            return catfact_opclasses[i].oid;
    return 0;
}

static pg_oid eqop(pg_oid family, pg_oid left, pg_oid right)
{
    for (size_t i = 0; i < catfact_eqop_count; i++)
        if (catfact_eqops[i].family == family && catfact_eqops[i].left == left && catfact_eqops[i].right == right)
            return catfact_eqops[i].oper;
    return 0;
}

void build_fk_operators(pg_oid pktype, pg_oid fktype, pg_oid *pf, pg_oid *pp, pg_oid *ff)
{
    *pf = *pp = *ff = 0;
    pg_oid opclass = build_default_opclass(pktype, 403);
    const catfact_opclass *oc = NULL;
    for (size_t i = 0; i < catfact_opclass_count && opclass; i++)
        if (catfact_opclasses[i].oid == opclass)
            oc = &catfact_opclasses[i];
    if (!oc)
        return;
    /* ATAddForeignKeyConstraint: pk = pk in the key's operator family; pk = fk and fk = fk in
     * the same family if it has them, else the fk side is coerced and pk = pk serves all. */
    *pp = eqop(oc->family, oc->intype, oc->intype);
    *pf = eqop(oc->family, oc->intype, fktype);
    *ff = *pf ? eqop(oc->family, fktype, fktype) : 0;
    if (!*pf || !*ff)
        *pf = *ff = *pp;
}

static const catfact_table *facts_table(const char *name)
{
    for (size_t i = 0; i < catfact_table_count; i++)
        if (strcmp(catfact_tables[i].name, name) == 0)
            return &catfact_tables[i];
    return NULL;
}

/* INSERT the chosen rows of a facts table, many per statement. */
typedef bool (*row_filter)(const catfact_row *row, void *arg);

static bool insert_facts(engine_conn *conn, const char *schema, const char *table, row_filter keep, void *arg,
                         pg_error *err)
{
    const catfact_table *t = facts_table(table);
    const cat_relation *r = catalog_system_relation("pg_catalog", table);
    if (!t || !r) {
        pg_error_set(err, "XX000", "catalog facts for %s are missing", table);
        return false;
    }
    strbuf sql;
    strbuf_init(&sql);
    bool ok = true;
    int pending = 0;
    for (int i = 0; ok && i <= t->nrows; i++) {
        bool flush = i == t->nrows || pending == 200;
        if (flush && pending) {
            ok = !sql.failed && engine_exec(conn, sql.data, err);
            if (sql.failed)
                pg_error_oom(err);
            strbuf_reset(&sql);
            pending = 0;
        }
        if (i == t->nrows || !ok)
            break;
        if (keep && !keep(&t->rows[i], arg))
            continue;
        if (!pending) {
            strbuf_printf(&sql, "INSERT INTO %s.", schema);
            catalog_quote_ident(r->engine_name, &sql);
            strbuf_puts(&sql, " VALUES ");
        } else {
            strbuf_puts(&sql, ", ");
        }
        strbuf_printf(&sql, "(%s)", t->rows[i].values);
        pending++;
    }
    strbuf_free(&sql);
    return ok;
}

/* ---------------------------------------------------------------- pg_type */

static bool type_needed(pg_oid oid)
{
    if (types_by_oid(oid))
        return true;
    for (size_t i = 0; i < catalog_system_relation_count(); i++) {
        const cat_relation *r = catalog_system_relation_at(i);
        if (r->reltype == oid)
            return true;
        for (int c = 0; c < r->ncolumns; c++)
            if (r->columns[c].type == oid || r->columns[c].domain == oid)
                return true;
    }
    return false;
}

static bool keep_type(const catfact_row *row, void *arg)
{
    UNUSED(arg);
    pg_oid oid = (pg_oid)row->key;
    if (type_needed(oid))
        return true;
    /* The array of a needed type, and the element of a needed array. */
    const catfact_type *t = catfact_type_by_oid(oid);
    return t && ((t->elem && t->category == 'A' && type_needed(t->elem)) || (t->array && type_needed(t->array)));
}

static pg_oid proc_oid_by_name(const char *name)
{
    const catfact_table *t = facts_table("pg_proc");
    for (int i = 0; t && name && *name && strcmp(name, "-") != 0 && i < t->nrows; i++)
        if (t->rows[i].label && strcmp(t->rows[i].label, name) == 0)
            return (pg_oid)t->rows[i].key;
    return 0;
}

/* A type the types layer has and PostgreSQL's catalog does not (vector): its row from the
 * type description, in the public schema as an extension would put it. */
static bool synthesised_types(engine_conn *conn, const char *schema, pg_error *err)
{
    rowwriter w;
    if (!rw_open(&w, conn, schema, catalog_system_relation("pg_catalog", "pg_type"), err))
        return false;
    int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "typname"), c_ns = rw_col(&w, "typnamespace"),
        c_owner = rw_col(&w, "typowner"), c_len = rw_col(&w, "typlen"), c_byval = rw_col(&w, "typbyval"),
        c_type = rw_col(&w, "typtype"), c_cat = rw_col(&w, "typcategory"), c_pref = rw_col(&w, "typispreferred"),
        c_def = rw_col(&w, "typisdefined"), c_delim = rw_col(&w, "typdelim"), c_relid = rw_col(&w, "typrelid"),
        c_subs = rw_col(&w, "typsubscript"), c_elem = rw_col(&w, "typelem"), c_arr = rw_col(&w, "typarray"),
        c_in = rw_col(&w, "typinput"), c_out = rw_col(&w, "typoutput"), c_recv = rw_col(&w, "typreceive"),
        c_send = rw_col(&w, "typsend"), c_modin = rw_col(&w, "typmodin"), c_modout = rw_col(&w, "typmodout"),
        c_anal = rw_col(&w, "typanalyze"), c_align = rw_col(&w, "typalign"), c_stor = rw_col(&w, "typstorage"),
        c_notnull = rw_col(&w, "typnotnull"), c_base = rw_col(&w, "typbasetype"), c_tmod = rw_col(&w, "typtypmod"),
        c_ndims = rw_col(&w, "typndims"), c_coll = rw_col(&w, "typcollation");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < types_count(); i++) {
        const pg_type_info *t = types_at(i);
        if (!t || catfact_type_by_oid(t->oid))
            continue;
        bool array = types_is_array(t);
        rw_int(&w, c_oid, t->oid);
        rw_text(&w, c_name, t->name);
        rw_int(&w, c_ns, CAT_OID_PUBLIC);
        rw_int(&w, c_owner, 10);
        rw_int(&w, c_len, t->typlen);
        rw_bool(&w, c_byval, t->typbyval);
        rw_textf(&w, c_type, "%c", t->typtype ? t->typtype : 'b');
        rw_textf(&w, c_cat, "%c", t->typcategory ? t->typcategory : 'U');
        rw_bool(&w, c_pref, t->typispreferred);
        rw_bool(&w, c_def, true);
        rw_textf(&w, c_delim, "%c", t->typdelim ? t->typdelim : ',');
        rw_int(&w, c_relid, 0);
        rw_int(&w, c_subs, array ? proc_oid_by_name("array_subscript_handler") : 0);
        rw_int(&w, c_elem, t->typelem);
        rw_int(&w, c_arr, t->typarray);
        rw_int(&w, c_in, proc_oid_by_name(t->typinput));
        rw_int(&w, c_out, proc_oid_by_name(t->typoutput));
        rw_int(&w, c_recv, proc_oid_by_name(t->typreceive));
        rw_int(&w, c_send, proc_oid_by_name(t->typsend));
        rw_int(&w, c_modin, proc_oid_by_name(t->typmodin));
        rw_int(&w, c_modout, proc_oid_by_name(t->typmodout));
        rw_int(&w, c_anal, array ? proc_oid_by_name("array_typanalyze") : 0);
        rw_textf(&w, c_align, "%c", t->typalign ? t->typalign : 'i');
        rw_textf(&w, c_stor, "%c", t->typstorage ? t->typstorage : 'x');
        rw_bool(&w, c_notnull, false);
        rw_int(&w, c_base, 0);
        rw_int(&w, c_tmod, -1);
        rw_int(&w, c_ndims, 0);
        rw_int(&w, c_coll, 0);
        ok = rw_insert(&w);
    }
    ok = ok && !w.failed;
    rw_close(&w);
    return ok;
}

/* ---------------------------------------------------------------- pg_init_privs */

/* The privileges initdb gave: pg_catalog's and public's, and those of pg_catalog's relations
 * (information_schema's are not initial privileges in PostgreSQL either).  pg_dump compares
 * an object's ACL with these and dumps GRANTs only for what changed since. */
static bool init_privs(engine_conn *conn, const char *schema, pg_error *err)
{
    rowwriter w;
    if (!rw_open(&w, conn, schema, catalog_system_relation("pg_catalog", "pg_init_privs"), err))
        return false;
    int c_oid = rw_col(&w, "objoid"), c_class = rw_col(&w, "classoid"), c_sub = rw_col(&w, "objsubid"),
        c_type = rw_col(&w, "privtype"), c_privs = rw_col(&w, "initprivs");
    bool ok = !w.failed;
    static const struct {
        pg_oid oid;
        const char *acl;
    } namespaces[] = {
        {CAT_OID_PG_CATALOG, "[\"postgres=UC/postgres\",\"=U/postgres\"]"},
        {CAT_OID_PUBLIC, "[\"pg_database_owner=UC/pg_database_owner\",\"=U/pg_database_owner\"]"},
    };
    for (size_t i = 0; ok && i < ARRAY_LEN(namespaces); i++) {
        rw_int(&w, c_oid, namespaces[i].oid);
        rw_int(&w, c_class, 2615);
        rw_int(&w, c_sub, 0);
        rw_text(&w, c_type, "i");
        rw_text(&w, c_privs, namespaces[i].acl);
        ok = rw_insert(&w);
    }
    for (size_t i = 0; ok && i < catfact_relation_count; i++) {
        const catfact_relation *r = &catfact_relations[i];
        if (r->namespace_oid != CAT_OID_PG_CATALOG || !r->relacl)
            continue;
        rw_int(&w, c_oid, r->oid);
        rw_int(&w, c_class, 1259);
        rw_int(&w, c_sub, 0);
        rw_text(&w, c_type, "i");
        rw_text(&w, c_privs, r->relacl);
        ok = rw_insert(&w);
    }
    ok = ok && !w.failed;
    rw_close(&w);
    return ok;
}

/* ---------------------------------------------------------------- pg_extension */

/* vector, as `CREATE EXTENSION vector` leaves it (its pg_depend and pg_description rows are
 * the schema store's): \dx lists it, pg_dump writes CREATE EXTENSION instead of the type. */
static bool extensions(engine_conn *conn, const char *schema, pg_error *err)
{
    rowwriter w;
    if (!rw_open(&w, conn, schema, catalog_system_relation("pg_catalog", "pg_extension"), err))
        return false;
    rw_int(&w, rw_col(&w, "oid"), CAT_OID_VECTOR_EXTENSION);
    rw_text(&w, rw_col(&w, "extname"), "vector");
    rw_int(&w, rw_col(&w, "extowner"), 10);
    rw_int(&w, rw_col(&w, "extnamespace"), CAT_OID_PUBLIC);
    rw_bool(&w, rw_col(&w, "extrelocatable"), true);
    rw_text(&w, rw_col(&w, "extversion"), CAT_VECTOR_EXTENSION_VERSION);
    bool ok = !w.failed && rw_insert(&w);
    rw_close(&w);
    return ok;
}

/* ---------------------------------------------------------------- pg_proc */

static bool keep_proc(const catfact_row *row, void *arg)
{
    const catalog_build_env *env = arg;
    for (size_t i = 0; i < catfact_referenced_proc_count; i++)
        if (catfact_referenced_procs[i] == (pg_oid)row->key)
            return true;
    return env && env->function_exists && row->label && env->function_exists(row->label);
}

/* A cast between two types the server has (PostgreSQL's pg_cast row, its key the oid: the
 * source and target are read back from the row's VALUES text). */
static bool keep_cast(const catfact_row *row, void *arg)
{
    UNUSED(arg);
    unsigned long oid, source, target;
    if (sscanf(row->values, "%lu, %lu, %lu", &oid, &source, &target) != 3)
        return false;
    return types_by_oid((pg_oid)source) && types_by_oid((pg_oid)target);
}

static bool keep_all(const catfact_row *row, void *arg)
{
    UNUSED(row);
    UNUSED(arg);
    return true;
}

bool build_static(engine_conn *conn, const char *schema, const catalog_build_env *env, pg_error *err)
{
    static const char *const plain[] = {"pg_am", "pg_opclass", "pg_opfamily", "pg_collation", "pg_authid",
                                        "pg_tablespace", "pg_language", "pg_range"};
    for (size_t i = 0; i < ARRAY_LEN(plain); i++)
        if (!insert_facts(conn, schema, plain[i], keep_all, NULL, err))
            return false;
    if (!insert_facts(conn, schema, "pg_type", keep_type, NULL, err) || !synthesised_types(conn, schema, err) ||
        !insert_facts(conn, schema, "pg_cast", keep_cast, NULL, err) ||
        !insert_facts(conn, schema, "pg_proc", keep_proc, (void *)env, err) || !init_privs(conn, schema, err) || !extensions(conn, schema, err))
        return false;
    /* The role views, from pg_authid as PostgreSQL defines them. */
    return store_exec(conn, err,
                      "INSERT INTO %1$s.\"pg_catalog.pg_roles\" SELECT rolname, rolsuper, rolinherit, rolcreaterole,"
                      " rolcreatedb, rolcanlogin, rolreplication, rolconnlimit, '********', rolvaliduntil,"
                      " rolbypassrls, NULL, oid FROM %1$s.\"pg_catalog.pg_authid\";"
                      "INSERT INTO %1$s.\"pg_catalog.pg_user\" SELECT rolname, oid, rolcreatedb, rolsuper,"
                      " rolreplication, rolbypassrls, '********', rolvaliduntil, NULL"
                      " FROM %1$s.\"pg_catalog.pg_authid\" WHERE rolcanlogin;"
                      "INSERT INTO %1$s.\"pg_catalog.pg_shadow\" SELECT rolname, oid, rolcreatedb, rolsuper,"
                      " rolreplication, rolbypassrls, rolpassword, rolvaliduntil, NULL"
                      " FROM %1$s.\"pg_catalog.pg_authid\" WHERE rolcanlogin",
                      schema);
}

/* ---------------------------------------------------------------- built-in objects by OID and name */

static const catfact_row *facts_row(const char *table, pg_oid key)
{
    const catfact_table *t = facts_table(table);
    size_t lo = 0, hi = t ? (size_t)t->nrows : 0;
    while (lo < hi) {   /* rows are sorted by key */
        size_t mid = (lo + hi) / 2;
        if ((pg_oid)t->rows[mid].key == key)
            return &t->rows[mid];
        if ((pg_oid)t->rows[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *catalog_type_name(pg_oid oid)
{
    const pg_type_info *t = types_by_oid(oid);
    if (t)
        return t->name;
    const catfact_type *f = catfact_type_by_oid(oid);
    return f ? f->name : NULL;
}

pg_oid catalog_type_array_of(pg_oid oid)
{
    const catfact_type *f = catfact_type_by_oid(oid);
    return f ? f->array : 0;
}

pg_oid catalog_type_lookup(const char *schema, const char *name, const char *const *path, size_t npath)
{
    /* pg_catalog first (always searched), then the path's schemas; a schema given explicitly
     * is the only one. */
    pg_oid nsp_first = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < catfact_type_count; i++) {
            const catfact_type *t = &catfact_types[i];
            if (strcmp(t->name, name) != 0)
                continue;
            const char *tnsp = t->namespace == CAT_OID_PG_CATALOG ? "pg_catalog" : "information_schema";
            if (schema) {
                if (strcmp(schema, tnsp) == 0)
                    return t->oid;
                continue;
            }
            if (pass == 0 && t->namespace == CAT_OID_PG_CATALOG)
                return t->oid;
            for (size_t p = 0; pass == 1 && p < npath; p++)
                if (strcmp(path[p], tnsp) == 0 && !nsp_first)
                    nsp_first = t->oid;
        }
    }
    return nsp_first;
}

pg_oid catalog_type_array_elem(pg_oid oid)
{
    const catfact_type *f = catfact_type_by_oid(oid);
    return f && f->category == 'A' && f->elem && f->name[0] == '_' ? f->elem : 0;
}

pg_oid catalog_type_namespace(pg_oid oid)
{
    const catfact_type *f = catfact_type_by_oid(oid);
    if (f)
        return f->namespace;
    return types_by_oid(oid) ? CAT_OID_PUBLIC : CAT_OID_PG_CATALOG;
}

bool catalog_setting_description(const char *name, const char **category, const char **short_desc,
                                 const char **extra_desc)
{
    size_t lo = 0, hi = catfact_setting_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(catfact_settings[mid].name, name);
        if (c == 0) {
            *category = catfact_settings[mid].category;
            *short_desc = catfact_settings[mid].short_desc;
            *extra_desc = catfact_settings[mid].extra_desc;
            return true;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

const char *build_role_at(size_t i)
{
    const catfact_table *t = facts_table("pg_authid");
    return t && i < (size_t)t->nrows ? t->rows[i].label : NULL;
}

const char *build_collation_name(pg_oid collation)
{
    const catfact_row *r = facts_row("pg_collation", collation);
    return r ? r->label : NULL;
}

/* Field `index` (0-based) of a facts row's VALUES text, unquoted; false if NULL or absent. */
#define FUNC_ARGS_MAX 100

static bool values_field(const char *values, int index, strbuf *out)
{
    const char *p = values;
    for (int i = 0; *p; i++) {
        while (*p == ' ')
            p++;
        strbuf_reset(out);
        bool quoted = *p == '\'', null = strncmp(p, "NULL", 4) == 0;
        if (quoted) {
            for (p++; *p; p++) {
                if (*p == '\'' && p[1] == '\'') {
                    strbuf_putc(out, '\'');
                    p++;
                } else if (*p == '\'') {
                    p++;
                    break;
                } else {
                    strbuf_putc(out, *p);
                }
            }
        } else {
            const char *start = p;
            while (*p && *p != ',')
                p++;
            strbuf_append(out, start, (size_t)(p - start));
        }
        if (i == index)
            return !null && !out->failed;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
    }
    return false;
}

int32_t catalog_domain_typmod(pg_oid domain)
{
    const catfact_row *row = facts_row("pg_type", domain);
    int32_t typmod = -1;
    strbuf field;
    strbuf_init(&field);
    /* pg_type's 27th column, typtypmod (the facts keep PostgreSQL's column order). */
    if (row && values_field(row->values, 26, &field) && field.data)
        typmod = (int32_t)strtol(field.data, NULL, 10);
    strbuf_free(&field);
    return typmod;
}

static int facts_column(const char *table, const char *column)
{
    for (size_t i = 0; i < catfact_relation_count; i++) {
        const catfact_relation *r = &catfact_relations[i];
        if (r->namespace_oid != CAT_OID_PG_CATALOG || strcmp(r->name, table) != 0)
            continue;
        for (int c = 0; c < r->ncolumns; c++)
            if (strcmp(catfact_columns[r->first_column + c].name, column) == 0)
                return c;
    }
    return -1;
}

int catalog_proc_args(pg_oid oid, pg_oid *args, int max)
{
    const catfact_row *r = facts_row("pg_proc", oid);
    int column = facts_column("pg_proc", "proargtypes");
    if (!r || column < 0)
        return -1;
    strbuf text;
    strbuf_init(&text);
    int n = 0;
    if (values_field(r->values, column, &text) && text.data) {
        for (char *p = text.data; *p && n < max;) {
            char *end;
            unsigned long v = strtoul(p, &end, 10);
            if (end == p)
                break;
            args[n++] = (pg_oid)v;
            p = end;
            while (*p == ' ')
                p++;
        }
    }
    strbuf_free(&text);
    return n;
}

pg_oid catalog_proc_find(const char *name, const pg_oid *args, int nargs)
{
    const catfact_table *t = facts_table("pg_proc");
    for (int i = 0; t && i < t->nrows; i++) {
        if (!t->rows[i].label || strcmp(t->rows[i].label, name) != 0)
            continue;
        pg_oid have[FUNC_ARGS_MAX];
        int n = catalog_proc_args((pg_oid)t->rows[i].key, have, FUNC_ARGS_MAX);
        if (n == nargs && (n == 0 || memcmp(have, args, sizeof *args * (size_t)n) == 0))
            return (pg_oid)t->rows[i].key;
    }
    return 0;
}

const char *catalog_proc_name(pg_oid oid)
{
    const catfact_row *r = facts_row("pg_proc", oid);
    return r ? r->label : NULL;
}

int catalog_proc_lookup(const char *name, pg_oid *first)
{
    const catfact_table *t = facts_table("pg_proc");
    int n = 0;
    for (int i = 0; t && i < t->nrows; i++)
        if (t->rows[i].label && strcmp(t->rows[i].label, name) == 0) {
            if (!n++)
                *first = (pg_oid)t->rows[i].key;
        }
    return n;
}

const char *catalog_role_name(pg_oid oid)
{
    const catfact_row *r = facts_row("pg_authid", oid);
    return r ? r->label : NULL;
}

bool catalog_role_oid(const char *name, pg_oid *out)
{
    const catfact_table *t = facts_table("pg_authid");
    for (int i = 0; t && i < t->nrows; i++)
        if (strcmp(t->rows[i].label, name) == 0) {
            *out = (pg_oid)t->rows[i].key;
            return true;
        }
    return false;
}

/* PostgreSQL's encodings in pg_enc order (pg_wchar.h), the names pg_encoding_to_char gives. */
static const char *const encodings[] = {
    "SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8", "MULE_INTERNAL", "LATIN1",
    "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATIN10", "WIN1256",
    "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5", "ISO_8859_6", "ISO_8859_7",
    "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U", "SJIS", "BIG5", "GBK", "UHC",
    "GB18030", "JOHAB", "SHIFT_JIS_2004",
};

const char *catalog_encoding_name(int encoding)
{
    return encoding >= 0 && (size_t)encoding < ARRAY_LEN(encodings) ? encodings[encoding] : NULL;
}

int catalog_encoding_number(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(encodings); i++)
        if (ascii_streq_ci(encodings[i], name))
            return (int)i;
    return -1;
}
