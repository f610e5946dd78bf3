/*
 * catalog_build_schema.c — the pg_catalog rows a snapshot decides: pg_namespace, pg_class,
 * pg_attribute, pg_attrdef, pg_constraint, pg_index, pg_description, pg_sequence,
 * pg_depend, and the views pg_tables, pg_views, pg_indexes.  Engine-neutral: everything comes
 * from the snapshot (and catalog_facts.c for PostgreSQL's own relations), so an engine whose
 * snapshot is built from its INFORMATION_SCHEMA gets the same catalog.
 *
 * Values follow what PostgreSQL 15 stores for a freshly created object of the same kind
 * (relpages 0, reltuples -1 for tables, relreplident 'd' for tables and 'n' otherwise ...).
 * What we keep no OID for (pg_attrdef rows) gets an OID above 3000000000 that is unique in
 * the build, not stable across schema changes.
 */
#include "catalog/catalog_store.h"
#include "catalog/catalog_facts.h"

#include <string.h>

#define OWNER_OID 10   /* the bootstrap superuser; every object belongs to it */

/* pg_class OIDs of the catalogs that pg_depend and pg_description rows name. */
#define CLASS_REL 1259
#define CLASS_CONSTRAINT 2606
#define CLASS_NAMESPACE 2615
#define CLASS_ATTRDEF 2604
#define CLASS_REWRITE 2618
#define CLASS_TYPE 1247
#define CLASS_EXTENSION 3079

static bool open_writer(build_ctx *b, rowwriter *w, const char *name)
{
    const cat_relation *r = catalog_system_relation("pg_catalog", name);
    if (!r) {
        pg_error_set(b->err, "XX000", "catalog relation %s is missing", name);
        return false;
    }
    return rw_open(w, b->conn, b->schema, r, b->err);
}

static bool finish(rowwriter *w, bool ok)
{
    ok = ok && !w->failed;
    rw_close(w);
    return ok;
}

/* Physical facts of a column type: the types layer first, PostgreSQL's catalog second. */
typedef struct type_phys {
    int16_t len;
    bool byval;
    char align, storage;
    pg_oid collation;
    bool array;
} type_phys;

static type_phys phys_of(pg_oid type)
{
    type_phys p = {-1, false, 'i', 'x', 0, false};
    const catfact_type *f = catfact_type_by_oid(type);
    const pg_type_info *t = types_by_oid(type);
    if (f) {
        p.len = f->len;
        p.byval = f->byval;
        p.align = f->align;
        p.storage = f->storage;
        p.collation = f->collation;
        p.array = f->category == 'A' && f->elem != 0 && f->name[0] == '_';
    } else if (t) {
        p.len = t->typlen;
        p.byval = t->typbyval;
        p.align = t->typalign ? t->typalign : 'i';
        p.storage = t->typstorage ? t->typstorage : 'x';
        p.array = types_is_array(t);
    }
    return p;
}

/* ---------------------------------------------------------------- pg_namespace */

static bool namespaces(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_namespace"))
        return false;
    int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "nspname"), c_owner = rw_col(&w, "nspowner"),
        c_acl = rw_col(&w, "nspacl");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_namespace_count(b->s); i++) {
        const cat_namespace *ns = cat_namespace_at(b->s, i);
        rw_int(&w, c_oid, ns->oid);
        rw_text(&w, c_name, ns->name);
        /* As initdb leaves them: public belongs to pg_database_owner in PostgreSQL 15. */
        rw_int(&w, c_owner, ns->oid == CAT_OID_PUBLIC ? 6171 : OWNER_OID);
        if (ns->oid == CAT_OID_PUBLIC)
            rw_text(&w, c_acl, "[\"pg_database_owner=UC/pg_database_owner\",\"=U/pg_database_owner\"]");
        else if (ns->oid == CAT_OID_PG_CATALOG || ns->oid == CAT_OID_INFORMATION_SCHEMA)
            rw_text(&w, c_acl, "[\"postgres=UC/postgres\",\"=U/postgres\"]");
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_class */

static int check_count(const cat_relation *r)
{
    int n = 0;
    for (int i = 0; i < r->nconstraints; i++)
        n += r->constraints[i].type == 'c';
    return n;
}

/* Tables taking part in a foreign key (either side) have RI triggers in PostgreSQL. */
static bool has_fk_triggers(const cat_snapshot *s, const cat_relation *r)
{
    for (int i = 0; i < r->nconstraints; i++)
        if (r->constraints[i].type == 'f')
            return true;
    for (size_t i = 0; i < cat_relation_count(s); i++) {
        const cat_relation *o = cat_relation_at(s, i);
        for (int k = 0; !o->is_system && k < o->nconstraints; k++)
            if (o->constraints[k].type == 'f' && o->constraints[k].ref_relation == r->oid)
                return true;
    }
    return false;
}

/* The table an index relation belongs to, and its cat_index. */
static const cat_relation *index_owner(const cat_snapshot *s, pg_oid index_oid, const cat_index **ix)
{
    for (size_t i = 0; i < cat_relation_count(s); i++) {
        const cat_relation *r = cat_relation_at(s, i);
        for (int k = 0; !r->is_system && k < r->nindexes; k++)
            if (r->indexes[k].oid == index_oid) {
                *ix = &r->indexes[k];
                return r;
            }
    }
    *ix = NULL;
    return NULL;
}

static bool classes(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_class"))
        return false;
    int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "relname"), c_ns = rw_col(&w, "relnamespace"),
        c_type = rw_col(&w, "reltype"), c_oftype = rw_col(&w, "reloftype"), c_owner = rw_col(&w, "relowner"),
        c_am = rw_col(&w, "relam"), c_node = rw_col(&w, "relfilenode"), c_space = rw_col(&w, "reltablespace"),
        c_pages = rw_col(&w, "relpages"), c_tuples = rw_col(&w, "reltuples"),
        c_visible = rw_col(&w, "relallvisible"), c_toast = rw_col(&w, "reltoastrelid"),
        c_hasindex = rw_col(&w, "relhasindex"), c_shared = rw_col(&w, "relisshared"),
        c_persist = rw_col(&w, "relpersistence"), c_kind = rw_col(&w, "relkind"), c_natts = rw_col(&w, "relnatts"),
        c_checks = rw_col(&w, "relchecks"), c_rules = rw_col(&w, "relhasrules"),
        c_triggers = rw_col(&w, "relhastriggers"), c_subclass = rw_col(&w, "relhassubclass"),
        c_rls = rw_col(&w, "relrowsecurity"), c_frls = rw_col(&w, "relforcerowsecurity"),
        c_populated = rw_col(&w, "relispopulated"), c_replident = rw_col(&w, "relreplident"),
        c_partition = rw_col(&w, "relispartition"), c_rewrite = rw_col(&w, "relrewrite"),
        c_frozen = rw_col(&w, "relfrozenxid"), c_minmxid = rw_col(&w, "relminmxid"), c_acl = rw_col(&w, "relacl");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        char kind = r->kind;
        int natts = r->ncolumns;
        pg_oid am = 0;
        bool hasindex = r->nindexes > 0;
        if (kind == 'r' || kind == 'm')
            am = 2;   /* heap */
        if (kind == 'i') {
            const cat_index *ix;
            index_owner(b->s, r->oid, &ix);
            natts = ix ? ix->nkeys : 0;
            am = ix && ix->method && strcmp(ix->method, "hash") == 0 ? 405 : 403;
        }
        if (kind == 'S')
            natts = 3;
        if (r->is_system) {
            for (size_t f = 0; f < catfact_relation_count; f++)
                if (catfact_relations[f].oid == r->oid)
                    hasindex = catfact_relations[f].hasindex;
        }
        bool table = kind == 'r' || kind == 'p' || kind == 'm';
        rw_int(&w, c_oid, r->oid);
        rw_text(&w, c_name, r->name);
        rw_int(&w, c_ns, r->namespace_oid);
        rw_int(&w, c_type, r->reltype);
        rw_int(&w, c_oftype, 0);
        rw_int(&w, c_owner, OWNER_OID);
        rw_int(&w, c_am, am);
        rw_int(&w, c_node, kind == 'v' ? 0 : r->oid);
        rw_int(&w, c_space, 0);
        rw_int(&w, c_pages, kind == 'i' || kind == 'S' ? 1 : 0);
        rw_float(&w, c_tuples, kind == 'i' ? 0 : kind == 'S' ? 1 : -1);
        rw_int(&w, c_visible, 0);
        rw_int(&w, c_toast, 0);
        rw_bool(&w, c_hasindex, hasindex);
        rw_bool(&w, c_shared, false);
        rw_text(&w, c_persist, "p");
        rw_textf(&w, c_kind, "%c", kind);
        rw_int(&w, c_natts, natts);
        rw_int(&w, c_checks, check_count(r));
        rw_bool(&w, c_rules, kind == 'v');
        rw_bool(&w, c_triggers, table && !r->is_system && has_fk_triggers(b->s, r));
        rw_bool(&w, c_subclass, false);
        rw_bool(&w, c_rls, false);
        rw_bool(&w, c_frls, false);
        rw_bool(&w, c_populated, true);
        rw_text(&w, c_replident, table ? "d" : "n");
        rw_bool(&w, c_partition, false);
        rw_int(&w, c_rewrite, 0);
        rw_int(&w, c_frozen, table ? 1 : 0);
        rw_int(&w, c_minmxid, table ? 1 : 0);
        rw_text(&w, c_acl, r->relacl);
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_attribute */

typedef struct attr_cols {
    int relid, name, type, stattarget, len, num, ndims, cacheoff, typmod, byval, align, storage, compression,
        notnull, hasdef, hasmissing, identity, generated, dropped, islocal, inhcount, collation;
} attr_cols;

static void attr_row(rowwriter *w, const attr_cols *k, pg_oid relid, const char *name, pg_oid type, int32_t typmod,
                     int attnum, bool notnull, bool hasdef, char identity, char generated, pg_oid collation)
{
    type_phys p = phys_of(type);
    rw_int(w, k->relid, relid);
    rw_text(w, k->name, name);
    rw_int(w, k->type, type);
    rw_int(w, k->stattarget, attnum > 0 ? -1 : 0);
    rw_int(w, k->len, p.len);
    rw_int(w, k->num, attnum);
    rw_int(w, k->ndims, p.array ? 1 : 0);
    rw_int(w, k->cacheoff, -1);
    rw_int(w, k->typmod, typmod);
    rw_bool(w, k->byval, p.byval);
    rw_textf(w, k->align, "%c", p.align);
    rw_textf(w, k->storage, "%c", p.storage);
    rw_text(w, k->compression, "");
    rw_bool(w, k->notnull, notnull);
    rw_bool(w, k->hasdef, hasdef);
    rw_bool(w, k->hasmissing, false);
    rw_text(w, k->identity, identity ? (identity == 'a' ? "a" : "d") : "");
    rw_text(w, k->generated, generated ? "s" : "");
    rw_bool(w, k->dropped, false);
    rw_bool(w, k->islocal, true);
    rw_int(w, k->inhcount, 0);
    rw_int(w, k->collation, collation);
}

/* The system columns every table (and sequence) has, with their negative attnums. */
static bool system_columns(rowwriter *w, const attr_cols *k, pg_oid relid)
{
    static const struct { const char *name; pg_oid type; int num; } sys[] = {
        {"tableoid", PG_OID_OID, -6}, {"cmax", PG_OID_CID, -5}, {"xmax", PG_OID_XID, -4},
        {"cmin", PG_OID_CID, -3}, {"xmin", PG_OID_XID, -2}, {"ctid", PG_OID_TID, -1},
    };
    for (size_t i = 0; i < ARRAY_LEN(sys); i++) {
        attr_row(w, k, relid, sys[i].name, sys[i].type, -1, sys[i].num, true, false, 0, 0, 0);
        if (!rw_insert(w))
            return false;
    }
    return true;
}

static bool attributes(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_attribute"))
        return false;
    attr_cols k = {
        rw_col(&w, "attrelid"), rw_col(&w, "attname"), rw_col(&w, "atttypid"), rw_col(&w, "attstattarget"),
        rw_col(&w, "attlen"), rw_col(&w, "attnum"), rw_col(&w, "attndims"), rw_col(&w, "attcacheoff"),
        rw_col(&w, "atttypmod"), rw_col(&w, "attbyval"), rw_col(&w, "attalign"), rw_col(&w, "attstorage"),
        rw_col(&w, "attcompression"), rw_col(&w, "attnotnull"), rw_col(&w, "atthasdef"),
        rw_col(&w, "atthasmissing"), rw_col(&w, "attidentity"), rw_col(&w, "attgenerated"),
        rw_col(&w, "attisdropped"), rw_col(&w, "attislocal"), rw_col(&w, "attinhcount"),
        rw_col(&w, "attcollation"),
    };
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        switch (r->kind) {
        case 'i': {
            const cat_index *ix;
            const cat_relation *table = index_owner(b->s, r->oid, &ix);
            const cat_index_text *t = ix && table ? build_index_text(b, table, ix) : NULL;
            const char *name = t ? t->names.data : NULL;
            for (int c = 0; ok && ix && c < ix->nkeys; c++) {
                const cat_column *col = ix->keys[c] ? build_column_by_attnum(table, ix->keys[c]) : NULL;
                pg_oid type = col ? col->type : t && t->expr_types[c] ? t->expr_types[c] : PG_OID_TEXT;
                attr_row(&w, &k, r->oid, name ? name : col ? col->name : "expr", type, col ? col->typmod : -1, c + 1,
                         false, false, 0, 0, build_type_collation(type));
                ok = rw_insert(&w);
                if (name)
                    name += strlen(name) + 1;
            }
            break;
        }
        case 'S': {
            static const struct { const char *name; pg_oid type; } seqcols[] = {
                {"last_value", PG_OID_INT8}, {"log_cnt", PG_OID_INT8}, {"is_called", PG_OID_BOOL}};
            for (size_t c = 0; ok && c < ARRAY_LEN(seqcols); c++) {
                attr_row(&w, &k, r->oid, seqcols[c].name, seqcols[c].type, -1, (int)c + 1, true, false, 0, 0, 0);
                ok = rw_insert(&w);
            }
            ok = ok && system_columns(&w, &k, r->oid);
            break;
        }
        default:
            for (int c = 0; ok && c < r->ncolumns; c++) {
                const cat_column *col = &r->columns[c];
                pg_oid coll = r->is_system ? col->collation : build_type_collation(col->type);
                attr_row(&w, &k, r->oid, col->name, col->domain ? col->domain : col->type, col->typmod,
                         col->attnum, col->notnull,
                         col->default_expr != NULL && !col->identity, col->identity, col->generated, coll);
                ok = rw_insert(&w);
            }
            if (ok && (r->kind == 'r' || r->kind == 'm' || r->kind == 'p'))
                ok = system_columns(&w, &k, r->oid);
            break;
        }
    }
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_attrdef */

static bool attrdefs(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_attrdef"))
        return false;
    int c_oid = rw_col(&w, "oid"), c_rel = rw_col(&w, "adrelid"), c_num = rw_col(&w, "adnum"),
        c_bin = rw_col(&w, "adbin");
    rowwriter xw;
    if (!rw_open(&xw, b->conn, b->schema, store_internal_relation("exprs"), b->err)) {
        rw_close(&w);
        return false;
    }
    bool ok = !w.failed;
    strbuf text, pretty, qualified;
    strbuf_init(&text);
    strbuf_init(&pretty);
    strbuf_init(&qualified);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->is_system)
            continue;
        for (int c = 0; ok && c < r->ncolumns; c++) {
            const cat_column *col = &r->columns[c];
            if (!col->default_expr || col->identity)
                continue;
            const char *def = build_column_default(b, r, col, false, &text);
            const char *pdef = build_column_default(b, r, col, true, &pretty);
            b->qualified = true;
            const char *qdef = build_column_default(b, r, col, false, &qualified);
            b->qualified = false;
            rw_int(&w, c_oid, build_attrdef_oid(b, r->oid, col->attnum));
            rw_int(&w, c_rel, r->oid);
            rw_int(&w, c_num, col->attnum);
            rw_text(&w, c_bin, def ? def : col->default_expr);
            ok = rw_insert(&w);
            /* pg_get_expr(adbin, relid, true): the pretty text of the same expression, and
             * the text under a search_path without public (nextval('public.s'::regclass)). */
            if (ok && def && pdef && qdef && (strcmp(def, pdef) != 0 || strcmp(def, qdef) != 0)) {
                rw_text(&xw, 0, def);
                rw_text(&xw, 1, pdef);
                rw_text(&xw, 2, qdef);
                ok = rw_insert(&xw);
            }
        }
    }
    strbuf_free(&text);
    strbuf_free(&pretty);
    strbuf_free(&qualified);
    ok = finish(&xw, ok);
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_constraint */

static void int2_array(strbuf *out, const int16_t *keys, int n)
{
    strbuf_putc(out, '[');
    for (int i = 0; i < n; i++)
        strbuf_printf(out, "%s%d", i ? "," : "", keys[i]);
    strbuf_putc(out, ']');
}

static bool constraints(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_constraint"))
        return false;
    int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "conname"), c_ns = rw_col(&w, "connamespace"),
        c_type = rw_col(&w, "contype"), c_deferrable = rw_col(&w, "condeferrable"),
        c_deferred = rw_col(&w, "condeferred"), c_validated = rw_col(&w, "convalidated"),
        c_rel = rw_col(&w, "conrelid"), c_typid = rw_col(&w, "contypid"), c_ind = rw_col(&w, "conindid"),
        c_parent = rw_col(&w, "conparentid"), c_frel = rw_col(&w, "confrelid"), c_upd = rw_col(&w, "confupdtype"),
        c_del = rw_col(&w, "confdeltype"), c_match = rw_col(&w, "confmatchtype"), c_local = rw_col(&w, "conislocal"),
        c_inh = rw_col(&w, "coninhcount"), c_noinherit = rw_col(&w, "connoinherit"), c_key = rw_col(&w, "conkey"),
        c_fkey = rw_col(&w, "confkey"), c_bin = rw_col(&w, "conbin"), c_pfeq = rw_col(&w, "conpfeqop"),
        c_ppeq = rw_col(&w, "conppeqop"), c_ffeq = rw_col(&w, "conffeqop");
    rowwriter dw, xw;
    if (!rw_open(&dw, b->conn, b->schema, store_internal_relation("constraintdef"), b->err)) {
        rw_close(&w);
        return false;
    }
    if (!rw_open(&xw, b->conn, b->schema, store_internal_relation("exprs"), b->err)) {
        rw_close(&dw);
        rw_close(&w);
        return false;
    }
    bool ok = !w.failed;
    strbuf def;
    strbuf_init(&def);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        for (int n = 0; ok && !r->is_system && n < r->nconstraints; n++) {
            const cat_constraint *k = &r->constraints[n];
            if (k->type == 'n')
                continue;
            bool deferrable = k->definition && strstr(k->definition, "DEFERRABLE");
            rw_int(&w, c_oid, k->oid);
            rw_text(&w, c_name, k->name);
            rw_int(&w, c_ns, r->namespace_oid);
            rw_textf(&w, c_type, "%c", k->type);
            rw_bool(&w, c_deferrable, deferrable);
            rw_bool(&w, c_deferred, deferrable && strstr(k->definition, "INITIALLY DEFERRED"));
            rw_bool(&w, c_validated, true);
            rw_int(&w, c_rel, r->oid);
            rw_int(&w, c_typid, 0);
            pg_oid index = k->index_oid;
            if (k->type == 'f')
                index = build_fk_index(b->s, cat_relation_by_oid(b->s, k->ref_relation), k->ref_keys, k->nkeys);
            rw_int(&w, c_ind, index);
            rw_int(&w, c_parent, 0);
            rw_int(&w, c_frel, k->type == 'f' ? k->ref_relation : 0);
            rw_textf(&w, c_upd, "%c", k->type == 'f' ? k->on_update : ' ');
            rw_textf(&w, c_del, "%c", k->type == 'f' ? k->on_delete : ' ');
            rw_textf(&w, c_match, "%c", k->type == 'f' ? (k->match_type == ' ' ? 's' : k->match_type) : ' ');
            rw_bool(&w, c_local, true);
            rw_int(&w, c_inh, 0);
            /* Index-backed and foreign-key constraints are never inherited (PostgreSQL 15). */
            rw_bool(&w, c_noinherit, k->type == 'p' || k->type == 'u' || k->type == 'f');
            if (k->type != 'c' && k->nkeys) {
                int2_array(rw_buf(&w, c_key), k->keys, k->nkeys);
            } else if (k->type == 'c') {
                /* A CHECK's conkey: the columns its expression uses, in order of appearance. */
                const cat_refs *refs = build_check_refs(b, r, k);
                int16_t cols[64];
                int n = 0;
                for (int j = 0; refs && j < refs->n && n < 64; j++)
                    if (refs->rel[j] == r->oid && refs->attnum[j] > 0)
                        cols[n++] = refs->attnum[j];
                if (n)
                    int2_array(rw_buf(&w, c_key), cols, n);
            }
            if (k->type == 'f') {
                int2_array(rw_buf(&w, c_fkey), k->ref_keys, k->nkeys);
                const cat_relation *ref = cat_relation_by_oid(b->s, k->ref_relation);
                strbuf *pf = rw_buf(&w, c_pfeq), *pp = rw_buf(&w, c_ppeq), *ff = rw_buf(&w, c_ffeq);
                strbuf_putc(pf, '[');
                strbuf_putc(pp, '[');
                strbuf_putc(ff, '[');
                for (int j = 0; j < k->nkeys; j++) {
                    const cat_column *fc = build_column_by_attnum(r, k->keys[j]);
                    const cat_column *pc = ref ? build_column_by_attnum(ref, k->ref_keys[j]) : NULL;
                    pg_oid o1 = 0, o2 = 0, o3 = 0;
                    if (fc && pc)
                        build_fk_operators(pc->type, fc->type, &o1, &o2, &o3);
                    strbuf_printf(pf, "%s%u", j ? "," : "", o1);
                    strbuf_printf(pp, "%s%u", j ? "," : "", o2);
                    strbuf_printf(ff, "%s%u", j ? "," : "", o3);
                }
                strbuf_putc(pf, ']');
                strbuf_putc(pp, ']');
                strbuf_putc(ff, ']');
            }
            const char *text = build_constraint_def(b, r, k, false, &def, NULL);
            rw_int(&dw, 0, k->oid);
            rw_text(&dw, 1, text);
            bool check = k->type == 'c' && text && strncmp(text, "CHECK (", 7) == 0;
            strbuf plain;
            strbuf_init(&plain);
            if (check) {
                /* conbin holds the expression: the CHECK (...) text without its keyword. */
                strbuf_append(&plain, text + 7, strlen(text) - 8);
                rw_text(&w, c_bin, plain.data);
            }
            text = build_constraint_def(b, r, k, true, &def, NULL);
            rw_text(&dw, 2, text);
            bool pretty_check = check && plain.data && text && strncmp(text, "CHECK (", 7) == 0;
            if (pretty_check)
                rw_textf(&xw, 1, "%.*s", (int)(strlen(text) - 8), text + 7);
            b->qualified = true;
            text = build_constraint_def(b, r, k, false, &def, NULL);
            rw_text(&dw, 3, text);
            if (pretty_check && text && strncmp(text, "CHECK (", 7) == 0)
                rw_textf(&xw, 2, "%.*s", (int)(strlen(text) - 8), text + 7);
            rw_text(&dw, 4, build_constraint_def(b, r, k, true, &def, NULL));
            b->qualified = false;
            ok = rw_insert(&w) && rw_insert(&dw);
            /* pg_get_expr(conbin, rel[, true]): the pretty and the qualified texts. */
            if (ok && pretty_check) {
                rw_text(&xw, 0, plain.data);
                ok = rw_insert(&xw);
            }
            strbuf_free(&plain);
        }
    }
    strbuf_free(&def);
    ok = finish(&xw, ok);
    ok = finish(&dw, ok);
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_index */

static bool indexes(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_index"))
        return false;
    int c_index = rw_col(&w, "indexrelid"), c_rel = rw_col(&w, "indrelid"), c_natts = rw_col(&w, "indnatts"),
        c_nkey = rw_col(&w, "indnkeyatts"), c_unique = rw_col(&w, "indisunique"),
        c_nulls = rw_col(&w, "indnullsnotdistinct"), c_primary = rw_col(&w, "indisprimary"),
        c_excl = rw_col(&w, "indisexclusion"), c_immediate = rw_col(&w, "indimmediate"),
        c_clustered = rw_col(&w, "indisclustered"), c_valid = rw_col(&w, "indisvalid"),
        c_xmin = rw_col(&w, "indcheckxmin"), c_ready = rw_col(&w, "indisready"), c_live = rw_col(&w, "indislive"),
        c_replident = rw_col(&w, "indisreplident"), c_key = rw_col(&w, "indkey"),
        c_coll = rw_col(&w, "indcollation"), c_class = rw_col(&w, "indclass"), c_option = rw_col(&w, "indoption"),
        c_exprs = rw_col(&w, "indexprs"), c_pred = rw_col(&w, "indpred");
    rowwriter iw, xw;
    if (!rw_open(&iw, b->conn, b->schema, store_internal_relation("indexdef"), b->err)) {
        rw_close(&w);
        return false;
    }
    if (!rw_open(&xw, b->conn, b->schema, store_internal_relation("exprs"), b->err)) {
        rw_close(&iw);
        rw_close(&w);
        return false;
    }
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        for (int n = 0; ok && !r->is_system && n < r->nindexes; n++) {
            const cat_index *ix = &r->indexes[n];
            const cat_index_text *t = build_index_text(b, r, ix);
            if (!t) {
                pg_error_oom(b->err);
                ok = false;
                break;
            }
            pg_oid am = ix->method && strcmp(ix->method, "hash") == 0 ? 405 : 403;
            rw_int(&w, c_index, ix->oid);
            rw_int(&w, c_rel, r->oid);
            rw_int(&w, c_natts, ix->nkeys);
            rw_int(&w, c_nkey, ix->nkeys);
            rw_bool(&w, c_unique, ix->unique);
            rw_bool(&w, c_nulls, false);
            rw_bool(&w, c_primary, ix->primary);
            rw_bool(&w, c_excl, false);
            rw_bool(&w, c_immediate, true);
            rw_bool(&w, c_clustered, false);
            rw_bool(&w, c_valid, true);
            rw_bool(&w, c_xmin, false);
            rw_bool(&w, c_ready, true);
            rw_bool(&w, c_live, true);
            rw_bool(&w, c_replident, false);
            strbuf *kb = rw_buf(&w, c_key), *cb = rw_buf(&w, c_coll), *lb = rw_buf(&w, c_class),
                   *ob = rw_buf(&w, c_option);
            for (int k = 0; k < ix->nkeys; k++) {
                const cat_column *col = ix->keys[k] ? build_column_by_attnum(r, ix->keys[k]) : NULL;
                pg_oid type = col ? col->type : PG_OID_TEXT;
                strbuf_printf(kb, "%s%d", k ? " " : "", ix->keys[k]);
                strbuf_printf(cb, "%s%u", k ? " " : "", build_type_collation(type));
                strbuf_printf(lb, "%s%u", k ? " " : "", build_default_opclass(type, am));
                strbuf_printf(ob, "%s%d", k ? " " : "", t->options[k]);
            }
            /* The expressions (PostgreSQL keeps node trees; pg_get_expr prints them). */
            if (t->exprs.len)
                rw_text(&w, c_exprs, t->exprs.data);
            if (ix->predicate)
                rw_text(&w, c_pred, t->pred.len ? t->pred.data : ix->predicate);
            ok = rw_insert(&w);
            /* pg_get_expr(indexprs / indpred, rel, true): their pretty texts. */
            if (ok && t->exprs.len && strcmp(t->exprs.data, t->exprs_pretty.data) != 0) {
                rw_text(&xw, 0, t->exprs.data);
                rw_text(&xw, 1, t->exprs_pretty.data);
                ok = rw_insert(&xw);
            }
            if (ok && t->pred.len && strcmp(t->pred.data, t->pred_pretty.data) != 0) {
                rw_text(&xw, 0, t->pred.data);
                rw_text(&xw, 1, t->pred_pretty.data);
                ok = rw_insert(&xw);
            }
            /* pg_get_indexdef(oid) and pg_get_indexdef(oid, k, pretty) for each key k. */
            rw_int(&iw, 0, ix->oid);
            rw_text(&iw, 1, t->def.data);
            rw_text(&iw, 3, t->def_pretty.data);
            for (int pass = 0; pass < 2; pass++) {
                strbuf *keys = rw_buf(&iw, pass ? 4 : 2);
                strbuf_putc(keys, '[');
                const char *p = pass ? t->keys_pretty.data : t->keys.data;
                for (int k = 0; k < ix->nkeys && p; k++) {
                    strbuf_puts(keys, k ? ",\"" : "\"");
                    for (const char *q = p; *q; q++) {
                        if (*q == '"' || *q == '\\')
                            strbuf_putc(keys, '\\');
                        if (*q == '\n')
                            strbuf_puts(keys, "\\n");
                        else
                            strbuf_putc(keys, *q);
                    }
                    strbuf_putc(keys, '"');
                    p += strlen(p) + 1;
                }
                strbuf_putc(keys, ']');
            }
            ok = ok && rw_insert(&iw);
        }
    }
    ok = finish(&xw, ok);
    ok = finish(&iw, ok);
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_description */

static bool descriptions(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_description"))
        return false;
    int c_obj = rw_col(&w, "objoid"), c_class = rw_col(&w, "classoid"), c_sub = rw_col(&w, "objsubid"),
        c_text = rw_col(&w, "description");
    bool ok = !w.failed;
    if (ok) {
        rw_int(&w, c_obj, CAT_OID_VECTOR_EXTENSION);
        rw_int(&w, c_class, CLASS_EXTENSION);
        rw_int(&w, c_sub, 0);
        rw_text(&w, c_text, CAT_VECTOR_EXTENSION_COMMENT);
        ok = rw_insert(&w);
    }
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->comment) {
            rw_int(&w, c_obj, r->oid);
            rw_int(&w, c_class, 1259);
            rw_int(&w, c_sub, 0);
            rw_text(&w, c_text, r->comment);
            ok = rw_insert(&w);
        }
        for (int c = 0; ok && c < r->ncolumns; c++) {
            if (!r->columns[c].comment)
                continue;
            rw_int(&w, c_obj, r->oid);
            rw_int(&w, c_class, 1259);
            rw_int(&w, c_sub, r->columns[c].attnum);
            rw_text(&w, c_text, r->columns[c].comment);
            ok = rw_insert(&w);
        }
    }
    for (size_t i = 0; ok && i < cat_namespace_count(b->s); i++) {
        const cat_namespace *ns = cat_namespace_at(b->s, i);
        const char *text = ns->comment;
        if (!text && ns->oid == CAT_OID_PUBLIC)
            text = "standard public schema";
        if (!text)
            continue;
        rw_int(&w, c_obj, ns->oid);
        rw_int(&w, c_class, 2615);
        rw_int(&w, c_sub, 0);
        rw_text(&w, c_text, text);
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

/* ---------------------------------------------------------------- pg_sequence, pg_depend */

static bool sequences(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_sequence"))
        return false;
    int c_rel = rw_col(&w, "seqrelid"), c_type = rw_col(&w, "seqtypid"), c_start = rw_col(&w, "seqstart"),
        c_inc = rw_col(&w, "seqincrement"), c_max = rw_col(&w, "seqmax"), c_min = rw_col(&w, "seqmin"),
        c_cache = rw_col(&w, "seqcache"), c_cycle = rw_col(&w, "seqcycle");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->kind != 'S' || !r->sequence)
            continue;
        rw_int(&w, c_rel, r->oid);
        rw_int(&w, c_type, r->sequence->type);
        rw_int(&w, c_start, r->sequence->start);
        rw_int(&w, c_inc, r->sequence->increment);
        rw_int(&w, c_max, r->sequence->max);
        rw_int(&w, c_min, r->sequence->min);
        rw_int(&w, c_cache, r->sequence->cache);
        rw_bool(&w, c_cycle, r->sequence->cycle);
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

typedef struct dep_writer {
    rowwriter w;
    int c_class, c_obj, c_sub, c_refclass, c_ref, c_refsub, c_type;
} dep_writer;

static bool dep(dep_writer *d, pg_oid classid, pg_oid objid, int objsub, pg_oid refclass, pg_oid ref, int refsub,
                char type)
{
    rw_int(&d->w, d->c_class, classid);
    rw_int(&d->w, d->c_obj, objid);
    rw_int(&d->w, d->c_sub, objsub);
    rw_int(&d->w, d->c_refclass, refclass);
    rw_int(&d->w, d->c_ref, ref);
    rw_int(&d->w, d->c_refsub, refsub);
    rw_textf(&d->w, d->c_type, "%c", type);
    return rw_insert(&d->w);
}

/* The constraint an index backs, if any. */
static const cat_constraint *index_constraint(const cat_relation *t, const cat_index *ix)
{
    for (int n = 0; n < t->nconstraints; n++)
        if ((t->constraints[n].type == 'p' || t->constraints[n].type == 'u') && t->constraints[n].index_oid == ix->oid)
            return &t->constraints[n];
    return NULL;
}

/* Whether `refs` names a column of `rel`. */
static bool refs_a_column(const cat_refs *refs, pg_oid rel)
{
    for (int j = 0; j < refs->n; j++)
        if (refs->rel[j] == rel && refs->attnum[j] != 0)
            return true;
    return false;
}

/* A view's rule: internal to the view, normal on the view itself (PostgreSQL 15's rule
 * still has the OLD and NEW entries) and on what it reads, a relation only when none of its
 * columns is named (eliminate_duplicate_dependencies drops the whole-relation entry). */
static bool view_depends(build_ctx *b, dep_writer *d, const cat_relation *view)
{
    pg_oid rule = build_rule_oid(b, view->oid);
    bool ok = dep(d, CLASS_REWRITE, rule, 0, CLASS_REL, view->oid, 0, 'i') &&
              dep(d, CLASS_REWRITE, rule, 0, CLASS_REL, view->oid, 0, 'n');
    const char *def, *pretty;
    const cat_refs *refs = NULL;
    build_view_text(b, view, &def, &pretty, &refs);
    for (int j = 0; ok && refs && j < refs->n; j++)
        if (refs->rel[j] != view->oid && (refs->attnum[j] != 0 || !refs_a_column(refs, refs->rel[j])))
            ok = dep(d, CLASS_REWRITE, rule, 0, CLASS_REL, refs->rel[j], refs->attnum[j], 'n');
    return ok;
}

/* pg_rewrite: each view's _RETURN rule (ev_action holds the query's text, as the other
 * pg_node_tree columns hold theirs). */
static bool rules(build_ctx *b)
{
    rowwriter w;
    if (!open_writer(b, &w, "pg_rewrite"))
        return false;
    int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "rulename"), c_class = rw_col(&w, "ev_class"),
        c_type = rw_col(&w, "ev_type"), c_enabled = rw_col(&w, "ev_enabled"), c_instead = rw_col(&w, "is_instead"),
        c_qual = rw_col(&w, "ev_qual"), c_action = rw_col(&w, "ev_action");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->is_system || r->kind != 'v')
            continue;
        const char *def, *pretty;
        const cat_refs *refs;
        build_view_text(b, r, &def, &pretty, &refs);
        rw_int(&w, c_oid, build_rule_oid(b, r->oid));
        rw_text(&w, c_name, "_RETURN");
        rw_int(&w, c_class, r->oid);
        rw_text(&w, c_type, "1");
        rw_text(&w, c_enabled, "O");
        rw_bool(&w, c_instead, true);
        rw_text(&w, c_qual, "<>");
        rw_text(&w, c_action, def);
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

/* pg_depend as PostgreSQL records it for what the server has: relations on their schema,
 * owned sequences on their column, indexes on their columns (or on the constraint they
 * back), constraints on their columns and a foreign key on the referenced columns and
 * index, defaults on their column and a serial default on its sequence, a view's _RETURN
 * rule on the view and on the relations and columns its query reads (pg_dump orders views
 * after their tables through these). */
static bool depends(build_ctx *b)
{
    dep_writer d;
    if (!open_writer(b, &d.w, "pg_depend"))
        return false;
    d.c_class = rw_col(&d.w, "classid");
    d.c_obj = rw_col(&d.w, "objid");
    d.c_sub = rw_col(&d.w, "objsubid");
    d.c_refclass = rw_col(&d.w, "refclassid");
    d.c_ref = rw_col(&d.w, "refobjid");
    d.c_refsub = rw_col(&d.w, "refobjsubid");
    d.c_type = rw_col(&d.w, "deptype");
    rowwriter sw;
    if (!rw_open(&sw, b->conn, b->schema, store_internal_relation("serial"), b->err)) {
        rw_close(&d.w);
        return false;
    }
    /* The vector type belongs to its extension. */
    bool ok = !d.w.failed && dep(&d, CLASS_TYPE, PG_OID_VECTOR, 0, CLASS_EXTENSION, CAT_OID_VECTOR_EXTENSION, 0, 'e');
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->is_system)
            continue;
        if (r->kind != 'i')
            ok = dep(&d, CLASS_REL, r->oid, 0, CLASS_NAMESPACE, r->namespace_oid, 0, 'n');
        if (ok && r->kind == 'S' && r->owned_by) {
            /* An owned sequence: 'a' for serial, 'i' for identity columns. */
            const cat_relation *t = cat_relation_by_oid(b->s, r->owned_by);
            const cat_column *c = t ? build_column_by_attnum(t, r->owned_by_attnum) : NULL;
            ok = dep(&d, CLASS_REL, r->oid, 0, CLASS_REL, r->owned_by, r->owned_by_attnum,
                     c && c->identity ? 'i' : 'a');
            /* pg_get_serial_sequence's answer: the sequence, qualified and quoted. */
            if (ok && c) {
                rw_int(&sw, 0, r->owned_by);
                rw_text(&sw, 1, c->name);
                strbuf *name = rw_buf(&sw, 2);
                catalog_quote_ident_pg(r->schema, name);
                strbuf_putc(name, '.');
                catalog_quote_ident_pg(r->name, name);
                ok = rw_insert(&sw);
            }
            /* A serial column's default reads the sequence. */
            pg_oid def = c && !c->identity && c->default_expr ? build_attrdef_oid(b, t->oid, c->attnum) : 0;
            if (ok && def)
                ok = dep(&d, CLASS_ATTRDEF, def, 0, CLASS_REL, r->oid, 0, 'n');
        }
        for (int n = 0; ok && n < r->nindexes; n++) {
            const cat_index *ix = &r->indexes[n];
            const cat_constraint *k = index_constraint(r, ix);
            if (k) {
                ok = dep(&d, CLASS_REL, ix->oid, 0, CLASS_CONSTRAINT, k->oid, 0, 'i');
                continue;
            }
            bool simple = false;
            for (int c = 0; ok && c < ix->nkeys; c++)
                if (ix->keys[c]) {
                    ok = dep(&d, CLASS_REL, ix->oid, 0, CLASS_REL, r->oid, ix->keys[c], 'a');
                    simple = true;
                }
            /* index_create: with no plain column key, the index depends on the whole table. */
            if (ok && !simple)
                ok = dep(&d, CLASS_REL, ix->oid, 0, CLASS_REL, r->oid, 0, 'a');
            /* Columns the expressions and the predicate use. */
            const cat_index_text *t = build_index_text(b, r, ix);
            for (int j = 0; ok && t && j < t->refs.n; j++)
                if (t->refs.rel[j] == r->oid && t->refs.attnum[j] > 0)
                    ok = dep(&d, CLASS_REL, ix->oid, 0, CLASS_REL, r->oid, t->refs.attnum[j], 'a');
        }
        for (int n = 0; ok && n < r->nconstraints; n++) {
            const cat_constraint *k = &r->constraints[n];
            if (k->type == 'n')
                continue;
            const cat_refs *refs = k->type == 'c' ? build_check_refs(b, r, k) : NULL;
            if (k->type == 'c') {
                for (int j = 0; ok && refs && j < refs->n; j++)
                    if (refs->rel[j] == r->oid && refs->attnum[j] > 0)
                        ok = dep(&d, CLASS_CONSTRAINT, k->oid, 0, CLASS_REL, r->oid, refs->attnum[j], 'a');
                for (int j = 0; ok && refs && j < refs->n; j++)
                    if (refs->rel[j] == r->oid && refs->attnum[j] > 0)
                        ok = dep(&d, CLASS_CONSTRAINT, k->oid, 0, CLASS_REL, r->oid, refs->attnum[j], 'n');
                continue;
            }
            for (int c = 0; ok && c < k->nkeys; c++)
                ok = dep(&d, CLASS_CONSTRAINT, k->oid, 0, CLASS_REL, r->oid, k->keys[c], 'a');
            if (k->type == 'f') {
                const cat_relation *ref = cat_relation_by_oid(b->s, k->ref_relation);
                pg_oid index = build_fk_index(b->s, ref, k->ref_keys, k->nkeys);
                if (ok && index)
                    ok = dep(&d, CLASS_CONSTRAINT, k->oid, 0, CLASS_REL, index, 0, 'n');
                for (int c = 0; ok && c < k->nkeys; c++)
                    ok = dep(&d, CLASS_CONSTRAINT, k->oid, 0, CLASS_REL, k->ref_relation, k->ref_keys[c], 'n');
            }
        }
        if (ok && r->kind == 'v')
            ok = view_depends(b, &d, r);
        for (int c = 0; ok && c < r->ncolumns; c++) {
            const cat_column *col = &r->columns[c];
            pg_oid def = col->default_expr && !col->identity ? build_attrdef_oid(b, r->oid, col->attnum) : 0;
            if (def)
                ok = dep(&d, CLASS_ATTRDEF, def, 0, CLASS_REL, r->oid, col->attnum, 'a');
        }
    }
    ok = finish(&sw, ok);
    return finish(&d.w, ok);
}

/* ---------------------------------------------------------------- views: pg_tables, pg_views, pg_indexes */

static bool view_rows(build_ctx *b)
{
    rowwriter t, v, x;
    if (!open_writer(b, &t, "pg_tables"))
        return false;
    if (!open_writer(b, &v, "pg_views")) {
        rw_close(&t);
        return false;
    }
    if (!open_writer(b, &x, "pg_indexes")) {
        rw_close(&t);
        rw_close(&v);
        return false;
    }
    int t_schema = rw_col(&t, "schemaname"), t_name = rw_col(&t, "tablename"), t_owner = rw_col(&t, "tableowner"),
        t_space = rw_col(&t, "tablespace"), t_idx = rw_col(&t, "hasindexes"), t_rules = rw_col(&t, "hasrules"),
        t_trig = rw_col(&t, "hastriggers"), t_rls = rw_col(&t, "rowsecurity");
    int v_schema = rw_col(&v, "schemaname"), v_name = rw_col(&v, "viewname"), v_owner = rw_col(&v, "viewowner"),
        v_def = rw_col(&v, "definition");
    int x_schema = rw_col(&x, "schemaname"), x_table = rw_col(&x, "tablename"), x_name = rw_col(&x, "indexname"),
        x_space = rw_col(&x, "tablespace"), x_def = rw_col(&x, "indexdef");
    rowwriter vd;
    if (!rw_open(&vd, b->conn, b->schema, store_internal_relation("viewdef"), b->err)) {
        rw_close(&t);
        rw_close(&v);
        rw_close(&x);
        return false;
    }
    bool ok = !t.failed && !v.failed && !x.failed;
    strbuf text;
    strbuf_init(&text);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        if (r->kind == 'r' || r->kind == 'p') {
            bool hasindex = r->nindexes > 0;
            for (size_t f = 0; r->is_system && f < catfact_relation_count; f++)
                if (catfact_relations[f].oid == r->oid)
                    hasindex = catfact_relations[f].hasindex;
            rw_text(&t, t_schema, r->schema);
            rw_text(&t, t_name, r->name);
            rw_text(&t, t_owner, "postgres");
            rw_bool(&t, t_idx, hasindex);
            rw_bool(&t, t_rules, false);
            rw_bool(&t, t_trig, !r->is_system && has_fk_triggers(b->s, r));
            rw_bool(&t, t_rls, false);
            UNUSED(t_space);
            ok = rw_insert(&t);
        } else if (r->kind == 'v') {
            rw_text(&v, v_schema, r->schema);
            rw_text(&v, v_name, r->name);
            rw_text(&v, v_owner, "postgres");
            const char *def = r->view_definition, *pretty = r->view_definition;
            const cat_refs *refs;
            if (!r->is_system)
                build_view_text(b, r, &def, &pretty, &refs);
            rw_text(&v, v_def, def);
            ok = rw_insert(&v);
            if (ok && !r->is_system) {
                rw_int(&vd, 0, r->oid);
                rw_text(&vd, 1, def);
                rw_text(&vd, 2, pretty);
                b->qualified = true;
                build_view_text(b, r, &def, &pretty, &refs);
                b->qualified = false;
                rw_text(&vd, 3, def);
                rw_text(&vd, 4, pretty);
                ok = rw_insert(&vd);
            }
        }
        for (int n = 0; ok && !r->is_system && n < r->nindexes; n++) {
            const cat_index *ix = &r->indexes[n];
            rw_text(&x, x_schema, r->schema);
            rw_text(&x, x_table, r->name);
            rw_text(&x, x_name, ix->name);
            UNUSED(x_space);
            const cat_index_text *it = build_index_text(b, r, ix);
            rw_text(&x, x_def, it ? it->def.data : NULL);
            ok = it && rw_insert(&x);
        }
    }
    strbuf_free(&text);
    ok = finish(&vd, ok);
    ok = finish(&t, ok);
    ok = finish(&v, ok);
    return finish(&x, ok);
}

/* "pgw.engine": which engine table or index holds a relation (pg_relation_size & co.). */
static bool engine_names(build_ctx *b)
{
    rowwriter w;
    if (!rw_open(&w, b->conn, b->schema, store_internal_relation("engine"), b->err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->is_system || !r->engine_name || !*r->engine_name || r->kind == 'v')
            continue;
        const cat_index *ix = NULL;
        const cat_relation *table = r->kind == 'i' ? index_owner(b->s, r->oid, &ix) : NULL;
        rw_int(&w, 0, r->oid);
        rw_text(&w, 1, r->engine_name);
        rw_textf(&w, 2, "%c", r->kind);
        rw_int(&w, 3, table ? table->oid : 0);
        ok = rw_insert(&w);
    }
    return finish(&w, ok);
}

bool build_schema_system_rows(build_ctx *b)
{
    return classes(b) && attributes(b) && view_rows(b);
}

bool build_schema(build_ctx *b)
{
    return namespaces(b) && classes(b) && attributes(b) && attrdefs(b) && constraints(b) && indexes(b) &&
           descriptions(b) && sequences(b) && depends(b) && rules(b) && view_rows(b) && engine_names(b);
}
