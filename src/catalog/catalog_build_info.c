/*
 * catalog_build_info.c — information_schema's rows from a snapshot, with the values
 * PostgreSQL 15's views compute (data_type spelled as the SQL standard does, character
 * octet lengths for UTF8, numeric precision with its radix, NOT NULL shown as CHECK
 * constraints named "<nsp>_<rel>_<attnum>_not_null" ...).  The views hold every relation the
 * superuser sees, PostgreSQL's own included, as they do for a superuser in PostgreSQL.
 */
#include "catalog/catalog_store.h"
#include "catalog/catalog_facts.h"

#include <string.h>

static bool open_info(build_ctx *b, rowwriter *w, const char *name)
{
    const cat_relation *r = catalog_system_relation("information_schema", name);
    if (!r) {
        pg_error_set(b->err, "XX000", "catalog relation information_schema.%s is missing", name);
        return false;
    }
    return rw_open(w, b->conn, b->schema, r, b->err);
}

static bool done(rowwriter *w, bool ok)
{
    ok = ok && !w->failed;
    rw_close(w);
    return ok;
}

static const char *yes_no(bool b) { return b ? "YES" : "NO"; }

/* data_type as information_schema spells it. */
static const char *data_type_of(pg_oid type, strbuf *scratch)
{
    const catfact_type *f = catfact_type_by_oid(type);
    const pg_type_info *t = types_by_oid(type);
    if ((f && f->category == 'A' && f->name[0] == '_') || (!f && t && types_is_array(t)))
        return "ARRAY";
    if (!f)
        return "USER-DEFINED";
    if (type == PG_OID_BPCHAR)
        return "character";     /* format_type(oid, NULL) */
    strbuf_reset(scratch);
    types_format_type(type, -1, scratch);
    return scratch->data ? scratch->data : "";
}

static const char *udt_name_of(pg_oid type)
{
    const catfact_type *f = catfact_type_by_oid(type);
    if (f)
        return f->name;
    const pg_type_info *t = types_by_oid(type);
    return t ? t->name : "unknown";
}

static const char *udt_schema_of(pg_oid type)
{
    const catfact_type *f = catfact_type_by_oid(type);
    if (!f)
        return "public";
    return f->namespace == CAT_OID_PG_CATALOG ? "pg_catalog" : "information_schema";
}

/* ---------------------------------------------------------------- catalog name, schemata, tables */

static bool catalog_name(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "information_schema_catalog_name"))
        return false;
    rw_text(&w, rw_col(&w, "catalog_name"), b->database);
    return done(&w, rw_insert(&w));
}

static bool character_sets(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "character_sets"))
        return false;
    rw_text(&w, rw_col(&w, "character_set_name"), "UTF8");
    rw_text(&w, rw_col(&w, "character_repertoire"), "UCS");
    rw_text(&w, rw_col(&w, "form_of_use"), "UTF8");
    rw_text(&w, rw_col(&w, "default_collate_catalog"), b->database);
    return done(&w, rw_insert(&w));
}

static bool schemata(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "schemata"))
        return false;
    int c_cat = rw_col(&w, "catalog_name"), c_name = rw_col(&w, "schema_name"), c_owner = rw_col(&w, "schema_owner");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_namespace_count(b->s); i++) {
        const cat_namespace *ns = cat_namespace_at(b->s, i);
        rw_text(&w, c_cat, b->database);
        rw_text(&w, c_name, ns->name);
        rw_text(&w, c_owner, ns->oid == CAT_OID_PUBLIC ? "pg_database_owner" : "postgres");
        ok = rw_insert(&w);
    }
    return done(&w, ok);
}

static bool tables(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "tables"))
        return false;
    int c_cat = rw_col(&w, "table_catalog"), c_schema = rw_col(&w, "table_schema"), c_name = rw_col(&w, "table_name"),
        c_type = rw_col(&w, "table_type"), c_ins = rw_col(&w, "is_insertable_into"), c_typed = rw_col(&w, "is_typed");
    bool ok = !w.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        if (r->kind != 'r' && r->kind != 'v' && r->kind != 'p' && r->kind != 'f')
            continue;
        rw_text(&w, c_cat, b->database);
        rw_text(&w, c_schema, r->schema);
        rw_text(&w, c_name, r->name);
        rw_text(&w, c_type, r->kind == 'v' ? "VIEW" : r->kind == 'f' ? "FOREIGN" : "BASE TABLE");
        /* Views are not updatable on this server (PostgreSQL's simple views are). */
        rw_text(&w, c_ins, r->kind == 'r' || r->kind == 'p' ? "YES" : "NO");
        rw_text(&w, c_typed, "NO");
        ok = rw_insert(&w);
    }
    return done(&w, ok);
}

static bool views(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "views"))
        return false;
    int c_cat = rw_col(&w, "table_catalog"), c_schema = rw_col(&w, "table_schema"), c_name = rw_col(&w, "table_name"),
        c_def = rw_col(&w, "view_definition"), c_check = rw_col(&w, "check_option"),
        c_upd = rw_col(&w, "is_updatable"), c_ins = rw_col(&w, "is_insertable_into"),
        c_tu = rw_col(&w, "is_trigger_updatable"), c_td = rw_col(&w, "is_trigger_deletable"),
        c_ti = rw_col(&w, "is_trigger_insertable_into");
    bool ok = !w.failed;
    strbuf text;
    strbuf_init(&text);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        if (r->kind != 'v')
            continue;
        rw_text(&w, c_cat, b->database);
        rw_text(&w, c_schema, r->schema);
        rw_text(&w, c_name, r->name);
        const char *def = r->view_definition, *pretty;
        const cat_refs *refs;
        if (!r->is_system)
            build_view_text(b, r, &def, &pretty, &refs);
        rw_text(&w, c_def, def);
        rw_text(&w, c_check, "NONE");
        /* Simple views over one table are updatable in PostgreSQL; ours are not. */
        rw_text(&w, c_upd, "NO");
        rw_text(&w, c_ins, "NO");
        rw_text(&w, c_tu, "NO");
        rw_text(&w, c_td, "NO");
        rw_text(&w, c_ti, "NO");
        ok = rw_insert(&w);
    }
    strbuf_free(&text);
    return done(&w, ok);
}

/* ---------------------------------------------------------------- columns */

static const cat_relation *owned_sequence(const cat_snapshot *s, const cat_relation *r, int16_t attnum)
{
    for (size_t i = 0; i < cat_relation_count(s); i++) {
        const cat_relation *q = cat_relation_at(s, i);
        if (q->kind == 'S' && q->owned_by == r->oid && q->owned_by_attnum == attnum)
            return q;
    }
    return NULL;
}

typedef struct column_cols {
    int cat, schema, table, name, pos, dflt, nullable, type, charlen, octlen, prec, radix, scale, dtprec, cscat,
        csschema, csname, colcat, colschema, colname, udtcat, udtschema, udtname, dtd, selfref, identity, idgen,
        idstart, idinc, idmax, idmin, idcycle, generated, genexpr, updatable, domcat, domschema, domname;
} column_cols;

static void type_metrics(rowwriter *w, const column_cols *k, pg_oid type, int32_t typmod)
{
    switch (type) {
    case PG_OID_VARCHAR:
    case PG_OID_BPCHAR:
        if (typmod >= 4) {
            rw_int(w, k->charlen, typmod - 4);
            rw_int(w, k->octlen, (int64_t)(typmod - 4) * 4);
        } else {
            rw_int(w, k->octlen, 1073741824);
        }
        break;
    case PG_OID_TEXT:
        rw_int(w, k->octlen, 1073741824);
        break;
    case PG_OID_BIT:
    case PG_OID_VARBIT:   /* _pg_char_max_length: the typmod, in bits */
        if (typmod >= 0)
            rw_int(w, k->charlen, typmod);
        break;
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
        rw_int(w, k->prec, type == PG_OID_INT2 ? 16 : type == PG_OID_INT4 ? 32 : 64);
        rw_int(w, k->radix, 2);
        rw_int(w, k->scale, 0);
        break;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
        rw_int(w, k->prec, type == PG_OID_FLOAT4 ? 24 : 53);
        rw_int(w, k->radix, 2);
        break;
    case PG_OID_NUMERIC:
        if (typmod >= 4) {
            rw_int(w, k->prec, ((typmod - 4) >> 16) & 0xFFFF);
            rw_int(w, k->scale, (int16_t)((typmod - 4) & 0xFFFF));
        }
        rw_int(w, k->radix, 10);
        break;
    case PG_OID_DATE:
        rw_int(w, k->dtprec, 0);
        break;
    case PG_OID_TIME:
    case PG_OID_TIMETZ:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_INTERVAL:
        rw_int(w, k->dtprec, typmod >= 0 ? (type == PG_OID_INTERVAL ? typmod & 0xFFFF : typmod) : 6);
        break;
    default:
        break;
    }
}

static bool columns(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "columns"))
        return false;
    column_cols k = {
        rw_col(&w, "table_catalog"), rw_col(&w, "table_schema"), rw_col(&w, "table_name"), rw_col(&w, "column_name"),
        rw_col(&w, "ordinal_position"), rw_col(&w, "column_default"), rw_col(&w, "is_nullable"),
        rw_col(&w, "data_type"), rw_col(&w, "character_maximum_length"), rw_col(&w, "character_octet_length"),
        rw_col(&w, "numeric_precision"), rw_col(&w, "numeric_precision_radix"), rw_col(&w, "numeric_scale"),
        rw_col(&w, "datetime_precision"), rw_col(&w, "character_set_catalog"), rw_col(&w, "character_set_schema"),
        rw_col(&w, "character_set_name"), rw_col(&w, "collation_catalog"), rw_col(&w, "collation_schema"),
        rw_col(&w, "collation_name"), rw_col(&w, "udt_catalog"), rw_col(&w, "udt_schema"), rw_col(&w, "udt_name"),
        rw_col(&w, "dtd_identifier"), rw_col(&w, "is_self_referencing"), rw_col(&w, "is_identity"),
        rw_col(&w, "identity_generation"), rw_col(&w, "identity_start"), rw_col(&w, "identity_increment"),
        rw_col(&w, "identity_maximum"), rw_col(&w, "identity_minimum"), rw_col(&w, "identity_cycle"),
        rw_col(&w, "is_generated"), rw_col(&w, "generation_expression"), rw_col(&w, "is_updatable"),
        rw_col(&w, "domain_catalog"), rw_col(&w, "domain_schema"), rw_col(&w, "domain_name"),
    };
    bool ok = !w.failed;
    strbuf scratch, def;
    strbuf_init(&scratch);
    strbuf_init(&def);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!build_wants(b, r))
            continue;
        if (r->kind != 'r' && r->kind != 'v' && r->kind != 'p' && r->kind != 'f' && r->kind != 'm')
            continue;
        for (int c = 0; ok && c < r->ncolumns; c++) {
            const cat_column *col = &r->columns[c];
            rw_text(&w, k.cat, b->database);
            rw_text(&w, k.schema, r->schema);
            rw_text(&w, k.table, r->name);
            rw_text(&w, k.name, col->name);
            rw_int(&w, k.pos, col->attnum);
            if (col->default_expr && !col->identity && !col->generated)
                rw_text(&w, k.dflt, build_column_default(b, r, col, false, &def));
            rw_text(&w, k.nullable, yes_no(!col->notnull));
            rw_text(&w, k.type, data_type_of(col->type, &scratch));
            type_metrics(&w, &k, col->type, col->typmod);
            /* A collation other than the default (name's "C"): _pg_... collation_* columns. */
            pg_oid coll = r->is_system ? col->collation : build_type_collation(col->type);
            if (coll && coll != 100) {
                rw_text(&w, k.colcat, b->database);
                rw_text(&w, k.colschema, "pg_catalog");
                rw_text(&w, k.colname, build_collation_name(coll));
            }
            rw_text(&w, k.udtcat, b->database);
            rw_text(&w, k.udtschema, udt_schema_of(col->type));
            rw_text(&w, k.udtname, udt_name_of(col->type));
            if (col->domain) {
                rw_text(&w, k.domcat, b->database);
                rw_text(&w, k.domschema, udt_schema_of(col->domain));
                rw_text(&w, k.domname, udt_name_of(col->domain));
            }
            rw_textf(&w, k.dtd, "%d", col->attnum);
            rw_text(&w, k.selfref, "NO");
            rw_text(&w, k.identity, yes_no(col->identity != 0));
            if (col->identity) {
                rw_text(&w, k.idgen, col->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
                const cat_relation *seq = owned_sequence(b->s, r, col->attnum);
                if (seq && seq->sequence) {
                    rw_textf(&w, k.idstart, "%lld", (long long)seq->sequence->start);
                    rw_textf(&w, k.idinc, "%lld", (long long)seq->sequence->increment);
                    rw_textf(&w, k.idmax, "%lld", (long long)seq->sequence->max);
                    rw_textf(&w, k.idmin, "%lld", (long long)seq->sequence->min);
                }
                rw_text(&w, k.idcycle, yes_no(seq && seq->sequence && seq->sequence->cycle));
            } else {
                rw_text(&w, k.idcycle, "NO");
            }
            rw_text(&w, k.generated, col->generated ? "ALWAYS" : "NEVER");
            if (col->generated)
                rw_text(&w, k.genexpr, build_column_default(b, r, col, false, &def));
            rw_text(&w, k.updatable, yes_no(r->kind == 'r' || r->kind == 'p'));
            ok = rw_insert(&w);
        }
    }
    strbuf_free(&scratch);
    strbuf_free(&def);
    return done(&w, ok);
}

/* ---------------------------------------------------------------- constraints */

static const char *constraint_type_word(char t)
{
    switch (t) {
    case 'p': return "PRIMARY KEY";
    case 'u': return "UNIQUE";
    case 'f': return "FOREIGN KEY";
    default: return "CHECK";
    }
}

/* The primary key or unique constraint a foreign key refers to (through its index). */
static const cat_constraint *referenced_key(const cat_snapshot *s, const cat_constraint *fk,
                                            const cat_relation **ref_out)
{
    const cat_relation *ref = cat_relation_by_oid(s, fk->ref_relation);
    *ref_out = ref;
    pg_oid index = build_fk_index(s, ref, fk->ref_keys, fk->nkeys);
    for (int i = 0; ref && index && i < ref->nconstraints; i++)
        if ((ref->constraints[i].type == 'p' || ref->constraints[i].type == 'u') &&
            ref->constraints[i].index_oid == index)
            return &ref->constraints[i];
    return NULL;
}

static bool constraints(build_ctx *b)
{
    rowwriter tc, kcu, rc, ccu, ctu, cc;
    rowwriter *all[] = {&tc, &kcu, &rc, &ccu, &ctu, &cc};
    const char *names[] = {"table_constraints", "key_column_usage", "referential_constraints",
                           "constraint_column_usage", "constraint_table_usage", "check_constraints"};
    int opened = 0;
    bool ok = true;
    for (; opened < 6 && ok; opened++)
        ok = open_info(b, all[opened], names[opened]);
    if (!ok) {
        for (int i = 0; i < opened - 1; i++)
            rw_close(all[i]);
        return false;
    }
    int tc_cat = rw_col(&tc, "constraint_catalog"), tc_schema = rw_col(&tc, "constraint_schema"),
        tc_name = rw_col(&tc, "constraint_name"), tc_tcat = rw_col(&tc, "table_catalog"),
        tc_tschema = rw_col(&tc, "table_schema"), tc_table = rw_col(&tc, "table_name"),
        tc_type = rw_col(&tc, "constraint_type"), tc_def = rw_col(&tc, "is_deferrable"),
        tc_init = rw_col(&tc, "initially_deferred"), tc_enf = rw_col(&tc, "enforced"),
        tc_nulls = rw_col(&tc, "nulls_distinct");
    int k_cat = rw_col(&kcu, "constraint_catalog"), k_schema = rw_col(&kcu, "constraint_schema"),
        k_name = rw_col(&kcu, "constraint_name"), k_tcat = rw_col(&kcu, "table_catalog"),
        k_tschema = rw_col(&kcu, "table_schema"), k_table = rw_col(&kcu, "table_name"),
        k_col = rw_col(&kcu, "column_name"), k_pos = rw_col(&kcu, "ordinal_position"),
        k_upos = rw_col(&kcu, "position_in_unique_constraint");
    int r_cat = rw_col(&rc, "constraint_catalog"), r_schema = rw_col(&rc, "constraint_schema"),
        r_name = rw_col(&rc, "constraint_name"), r_ucat = rw_col(&rc, "unique_constraint_catalog"),
        r_uschema = rw_col(&rc, "unique_constraint_schema"), r_uname = rw_col(&rc, "unique_constraint_name"),
        r_match = rw_col(&rc, "match_option"), r_upd = rw_col(&rc, "update_rule"), r_del = rw_col(&rc, "delete_rule");
    int u_tcat = rw_col(&ccu, "table_catalog"), u_tschema = rw_col(&ccu, "table_schema"),
        u_table = rw_col(&ccu, "table_name"), u_col = rw_col(&ccu, "column_name"),
        u_cat = rw_col(&ccu, "constraint_catalog"), u_schema = rw_col(&ccu, "constraint_schema"),
        u_name = rw_col(&ccu, "constraint_name");
    int t_tcat = rw_col(&ctu, "table_catalog"), t_tschema = rw_col(&ctu, "table_schema"),
        t_table = rw_col(&ctu, "table_name"), t_cat = rw_col(&ctu, "constraint_catalog"),
        t_schema = rw_col(&ctu, "constraint_schema"), t_name = rw_col(&ctu, "constraint_name");
    int c_cat = rw_col(&cc, "constraint_catalog"), c_schema = rw_col(&cc, "constraint_schema"),
        c_name = rw_col(&cc, "constraint_name"), c_clause = rw_col(&cc, "check_clause");
    for (int i = 0; i < 6; i++)
        ok = ok && !all[i]->failed;
    strbuf def;
    strbuf_init(&def);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->is_system || (r->kind != 'r' && r->kind != 'p'))
            continue;
        for (int n = 0; ok && n < r->nconstraints; n++) {
            const cat_constraint *k = &r->constraints[n];
            if (k->type == 'n')
                continue;
            bool deferrable = k->definition && strstr(k->definition, "DEFERRABLE");
            rw_text(&tc, tc_cat, b->database);
            rw_text(&tc, tc_schema, r->schema);
            rw_text(&tc, tc_name, k->name);
            rw_text(&tc, tc_tcat, b->database);
            rw_text(&tc, tc_tschema, r->schema);
            rw_text(&tc, tc_table, r->name);
            rw_text(&tc, tc_type, constraint_type_word(k->type));
            rw_text(&tc, tc_def, yes_no(deferrable));
            rw_text(&tc, tc_init, yes_no(deferrable && strstr(k->definition, "INITIALLY DEFERRED")));
            rw_text(&tc, tc_enf, "YES");
            if (k->type == 'u')
                rw_text(&tc, tc_nulls, "YES");
            ok = rw_insert(&tc);
            /* Key columns: primary, unique and foreign keys. */
            const cat_relation *ref = NULL;
            const cat_constraint *uk = k->type == 'f' ? referenced_key(b->s, k, &ref) : NULL;
            for (int c = 0; ok && k->type != 'c' && c < k->nkeys; c++) {
                const cat_column *col = build_column_by_attnum(r, k->keys[c]);
                rw_text(&kcu, k_cat, b->database);
                rw_text(&kcu, k_schema, r->schema);
                rw_text(&kcu, k_name, k->name);
                rw_text(&kcu, k_tcat, b->database);
                rw_text(&kcu, k_tschema, r->schema);
                rw_text(&kcu, k_table, r->name);
                rw_text(&kcu, k_col, col ? col->name : NULL);
                rw_int(&kcu, k_pos, c + 1);
                if (k->type == 'f' && uk) {
                    for (int j = 0; j < uk->nkeys; j++)
                        if (uk->keys[j] == k->ref_keys[c])
                            rw_int(&kcu, k_upos, j + 1);
                }
                ok = rw_insert(&kcu);
            }
            if (ok && k->type == 'f') {
                rw_text(&rc, r_cat, b->database);
                rw_text(&rc, r_schema, r->schema);
                rw_text(&rc, r_name, k->name);
                if (uk && ref) {
                    rw_text(&rc, r_ucat, b->database);
                    rw_text(&rc, r_uschema, ref->schema);
                    rw_text(&rc, r_uname, uk->name);
                }
                rw_text(&rc, r_match, k->match_type == 'f' ? "FULL" : k->match_type == 'p' ? "PARTIAL" : "NONE");
                static const struct { char code; const char *rule; } rules[] = {
                    {'a', "NO ACTION"}, {'r', "RESTRICT"}, {'c', "CASCADE"}, {'n', "SET NULL"}, {'d', "SET DEFAULT"}};
                for (size_t j = 0; j < ARRAY_LEN(rules); j++) {
                    if (rules[j].code == k->on_update)
                        rw_text(&rc, r_upd, rules[j].rule);
                    if (rules[j].code == k->on_delete)
                        rw_text(&rc, r_del, rules[j].rule);
                }
                ok = rw_insert(&rc);
            }
            /* constraint_column_usage / constraint_table_usage: the columns and table a
             * constraint depends on (for a foreign key, the referenced ones). */
            const cat_relation *target = k->type == 'f' ? ref : r;
            const int16_t *cols = k->type == 'f' ? k->ref_keys : k->keys;
            int ncols = k->nkeys;
            int16_t check_cols[64];
            if (k->type == 'c') {
                /* A CHECK uses the columns its expression names. */
                const cat_refs *refs = build_check_refs(b, r, k);
                ncols = 0;
                for (int j = 0; refs && j < refs->n && ncols < 64; j++)
                    if (refs->rel[j] == r->oid && refs->attnum[j] > 0)
                        check_cols[ncols++] = refs->attnum[j];
                cols = check_cols;
            }
            for (int c = 0; ok && target && c < ncols; c++) {
                const cat_column *col = build_column_by_attnum(target, cols[c]);
                rw_text(&ccu, u_tcat, b->database);
                rw_text(&ccu, u_tschema, target->schema);
                rw_text(&ccu, u_table, target->name);
                rw_text(&ccu, u_col, col ? col->name : NULL);
                rw_text(&ccu, u_cat, b->database);
                rw_text(&ccu, u_schema, r->schema);
                rw_text(&ccu, u_name, k->name);
                ok = rw_insert(&ccu);
            }
            /* constraint_table_usage: keys only (the referenced table for a foreign key). */
            if (ok && target && k->type != 'c') {
                rw_text(&ctu, t_tcat, b->database);
                rw_text(&ctu, t_tschema, target->schema);
                rw_text(&ctu, t_table, target->name);
                rw_text(&ctu, t_cat, b->database);
                rw_text(&ctu, t_schema, r->schema);
                rw_text(&ctu, t_name, k->name);
                ok = rw_insert(&ctu);
            }
            if (ok && k->type == 'c') {
                const char *text = build_constraint_def(b, r, k, false, &def, NULL);
                rw_text(&cc, c_cat, b->database);
                rw_text(&cc, c_schema, r->schema);
                rw_text(&cc, c_name, k->name);
                if (text && strncmp(text, "CHECK ", 6) == 0)
                    rw_text(&cc, c_clause, text + 6);
                ok = rw_insert(&cc);
            }
        }
        /* NOT NULL columns, as PostgreSQL 15 shows them: CHECK constraints with made-up names. */
        for (int c = 0; ok && c < r->ncolumns; c++) {
            const cat_column *col = &r->columns[c];
            if (!col->notnull)
                continue;
            char name[96];
            snprintf(name, sizeof name, "%u_%u_%d_not_null", r->namespace_oid, r->oid, col->attnum);
            rw_text(&tc, tc_cat, b->database);
            rw_text(&tc, tc_schema, r->schema);
            rw_text(&tc, tc_name, name);
            rw_text(&tc, tc_tcat, b->database);
            rw_text(&tc, tc_tschema, r->schema);
            rw_text(&tc, tc_table, r->name);
            rw_text(&tc, tc_type, "CHECK");
            rw_text(&tc, tc_def, "NO");
            rw_text(&tc, tc_init, "NO");
            rw_text(&tc, tc_enf, "YES");
            ok = rw_insert(&tc);
            if (ok) {
                strbuf_reset(&def);
                catalog_quote_ident_pg(col->name, &def);
                strbuf_puts(&def, " IS NOT NULL");
                rw_text(&cc, c_cat, b->database);
                rw_text(&cc, c_schema, r->schema);
                rw_text(&cc, c_name, name);
                rw_text(&cc, c_clause, def.data);
                ok = rw_insert(&cc);
            }
        }
    }
    strbuf_free(&def);
    for (int i = 0; i < 6; i++)
        ok = done(all[i], ok);
    return ok;
}

/* ---------------------------------------------------------------- sequences */

static bool sequences(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "sequences"))
        return false;
    int c_cat = rw_col(&w, "sequence_catalog"), c_schema = rw_col(&w, "sequence_schema"),
        c_name = rw_col(&w, "sequence_name"), c_type = rw_col(&w, "data_type"),
        c_prec = rw_col(&w, "numeric_precision"), c_radix = rw_col(&w, "numeric_precision_radix"),
        c_scale = rw_col(&w, "numeric_scale"), c_start = rw_col(&w, "start_value"),
        c_min = rw_col(&w, "minimum_value"), c_max = rw_col(&w, "maximum_value"), c_inc = rw_col(&w, "increment"),
        c_cycle = rw_col(&w, "cycle_option");
    bool ok = !w.failed;
    strbuf scratch;
    strbuf_init(&scratch);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (r->kind != 'S' || !r->sequence)
            continue;
        /* An identity column's sequence is not listed (PostgreSQL: no 'i' dependency). */
        const cat_relation *owner = r->owned_by ? cat_relation_by_oid(b->s, r->owned_by) : NULL;
        const cat_column *owning = owner ? build_column_by_attnum(owner, r->owned_by_attnum) : NULL;
        if (owning && owning->identity)
            continue;
        const cat_sequence *q = r->sequence;
        rw_text(&w, c_cat, b->database);
        rw_text(&w, c_schema, r->schema);
        rw_text(&w, c_name, r->name);
        rw_text(&w, c_type, data_type_of(q->type, &scratch));
        rw_int(&w, c_prec, q->type == PG_OID_INT2 ? 16 : q->type == PG_OID_INT4 ? 32 : 64);
        rw_int(&w, c_radix, 2);
        rw_int(&w, c_scale, 0);
        rw_textf(&w, c_start, "%lld", (long long)q->start);
        rw_textf(&w, c_min, "%lld", (long long)q->min);
        rw_textf(&w, c_max, "%lld", (long long)q->max);
        rw_textf(&w, c_inc, "%lld", (long long)q->increment);
        rw_text(&w, c_cycle, yes_no(q->cycle));
        ok = rw_insert(&w);
    }
    strbuf_free(&scratch);
    return done(&w, ok);
}

/* ---------------------------------------------------------------- usage and privileges */

static bool user_table(const cat_relation *r)
{
    return !r->is_system && (r->kind == 'r' || r->kind == 'v' || r->kind == 'p' || r->kind == 'f' || r->kind == 'm');
}

/* view_table_usage / view_column_usage: what each view reads. */
static bool view_usage(build_ctx *b)
{
    rowwriter t, c;
    if (!open_info(b, &t, "view_table_usage"))
        return false;
    if (!open_info(b, &c, "view_column_usage")) {
        rw_close(&t);
        return false;
    }
    int t_vcat = rw_col(&t, "view_catalog"), t_vschema = rw_col(&t, "view_schema"), t_vname = rw_col(&t, "view_name"),
        t_cat = rw_col(&t, "table_catalog"), t_schema = rw_col(&t, "table_schema"), t_name = rw_col(&t, "table_name");
    int c_vcat = rw_col(&c, "view_catalog"), c_vschema = rw_col(&c, "view_schema"), c_vname = rw_col(&c, "view_name"),
        c_cat = rw_col(&c, "table_catalog"), c_schema = rw_col(&c, "table_schema"), c_name = rw_col(&c, "table_name"),
        c_col = rw_col(&c, "column_name");
    bool ok = !t.failed && !c.failed;
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *v = cat_relation_at(b->s, i);
        const char *def, *pretty;
        const cat_refs *refs = NULL;
        if (v->is_system || v->kind != 'v' || !build_view_text(b, v, &def, &pretty, &refs) || !refs)
            continue;
        for (int j = 0; ok && j < refs->n; j++) {
            const cat_relation *r = cat_relation_by_oid(b->s, refs->rel[j]);
            if (!r || r->oid == v->oid)
                continue;
            rowwriter *w = refs->attnum[j] ? &c : &t;
            if (refs->attnum[j]) {
                const cat_column *col = build_column_by_attnum(r, refs->attnum[j]);
                if (!col)
                    continue;
                rw_text(w, c_col, col->name);
            }
            rw_text(w, refs->attnum[j] ? c_vcat : t_vcat, b->database);
            rw_text(w, refs->attnum[j] ? c_vschema : t_vschema, v->schema);
            rw_text(w, refs->attnum[j] ? c_vname : t_vname, v->name);
            rw_text(w, refs->attnum[j] ? c_cat : t_cat, b->database);
            rw_text(w, refs->attnum[j] ? c_schema : t_schema, r->schema);
            rw_text(w, refs->attnum[j] ? c_name : t_name, r->name);
            ok = rw_insert(w);
        }
    }
    ok = done(&c, ok);
    return done(&t, ok);
}

/* column_udt_usage (the type of every column) and element_types (of array columns). */
static bool type_usage(build_ctx *b)
{
    rowwriter u, e;
    if (!open_info(b, &u, "column_udt_usage"))
        return false;
    if (!open_info(b, &e, "element_types")) {
        rw_close(&u);
        return false;
    }
    int u_ucat = rw_col(&u, "udt_catalog"), u_uschema = rw_col(&u, "udt_schema"), u_uname = rw_col(&u, "udt_name"),
        u_cat = rw_col(&u, "table_catalog"), u_schema = rw_col(&u, "table_schema"), u_table = rw_col(&u, "table_name"),
        u_col = rw_col(&u, "column_name");
    int e_cat = rw_col(&e, "object_catalog"), e_schema = rw_col(&e, "object_schema"), e_name = rw_col(&e, "object_name"),
        e_type = rw_col(&e, "object_type"), e_coll = rw_col(&e, "collection_type_identifier"),
        e_dtype = rw_col(&e, "data_type"), e_ucat = rw_col(&e, "udt_catalog"), e_uschema = rw_col(&e, "udt_schema"),
        e_uname = rw_col(&e, "udt_name"), e_dtd = rw_col(&e, "dtd_identifier");
    bool ok = !u.failed && !e.failed;
    strbuf scratch;
    strbuf_init(&scratch);
    for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
        const cat_relation *r = cat_relation_at(b->s, i);
        if (!user_table(r))
            continue;
        for (int c = 0; ok && c < r->ncolumns; c++) {
            const cat_column *col = &r->columns[c];
            rw_text(&u, u_ucat, b->database);
            rw_text(&u, u_uschema, udt_schema_of(col->type));
            rw_text(&u, u_uname, udt_name_of(col->type));
            rw_text(&u, u_cat, b->database);
            rw_text(&u, u_schema, r->schema);
            rw_text(&u, u_table, r->name);
            rw_text(&u, u_col, col->name);
            ok = rw_insert(&u);
            const catfact_type *f = catfact_type_by_oid(col->type);
            const pg_type_info *t = types_by_oid(col->type);
            pg_oid elem = f && f->category == 'A' && f->name[0] == '_' ? f->elem
                          : !f && t && types_is_array(t)            ? t->typelem
                                                                    : 0;
            if (ok && elem) {
                rw_text(&e, e_cat, b->database);
                rw_text(&e, e_schema, r->schema);
                rw_text(&e, e_name, r->name);
                rw_text(&e, e_type, "TABLE");
                rw_textf(&e, e_coll, "%d", col->attnum);
                rw_text(&e, e_dtype, data_type_of(elem, &scratch));
                rw_text(&e, e_ucat, b->database);
                rw_text(&e, e_uschema, udt_schema_of(elem));
                rw_text(&e, e_uname, udt_name_of(elem));
                rw_textf(&e, e_dtd, "a%d", col->attnum);
                ok = rw_insert(&e);
            }
        }
    }
    strbuf_free(&scratch);
    ok = done(&e, ok);
    return done(&u, ok);
}

/* Privileges: the owner (postgres) holds all of them on every relation, grantable, as
 * PostgreSQL shows an object with no ACL of its own; the server has no GRANT. */
static bool privileges(build_ctx *b)
{
    static const char *const table_privs[] = {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE",
                                              "UPDATE"};
    static const char *const column_privs[] = {"INSERT", "REFERENCES", "SELECT", "UPDATE"};
    const char *table_views[] = {"table_privileges", "role_table_grants"};
    const char *column_views[] = {"column_privileges", "role_column_grants"};
    bool ok = true;
    for (int v = 0; ok && v < 2; v++) {
        rowwriter t, c;
        if (!open_info(b, &t, table_views[v]))
            return false;
        if (!open_info(b, &c, column_views[v])) {
            rw_close(&t);
            return false;
        }
        int t_gor = rw_col(&t, "grantor"), t_gee = rw_col(&t, "grantee"), t_cat = rw_col(&t, "table_catalog"),
            t_schema = rw_col(&t, "table_schema"), t_name = rw_col(&t, "table_name"),
            t_priv = rw_col(&t, "privilege_type"), t_grant = rw_col(&t, "is_grantable"),
            t_hier = rw_col(&t, "with_hierarchy");
        int c_gor = rw_col(&c, "grantor"), c_gee = rw_col(&c, "grantee"), c_cat = rw_col(&c, "table_catalog"),
            c_schema = rw_col(&c, "table_schema"), c_name = rw_col(&c, "table_name"), c_col = rw_col(&c, "column_name"),
            c_priv = rw_col(&c, "privilege_type"), c_grant = rw_col(&c, "is_grantable");
        ok = !t.failed && !c.failed;
        for (size_t i = 0; ok && i < cat_relation_count(b->s); i++) {
            const cat_relation *r = cat_relation_at(b->s, i);
            if (!user_table(r))
                continue;
            for (size_t p = 0; ok && p < ARRAY_LEN(table_privs); p++) {
                rw_text(&t, t_gor, "postgres");
                rw_text(&t, t_gee, "postgres");
                rw_text(&t, t_cat, b->database);
                rw_text(&t, t_schema, r->schema);
                rw_text(&t, t_name, r->name);
                rw_text(&t, t_priv, table_privs[p]);
                rw_text(&t, t_grant, "YES");
                rw_text(&t, t_hier, yes_no(strcmp(table_privs[p], "SELECT") == 0));
                ok = rw_insert(&t);
            }
            for (int col = 0; ok && col < r->ncolumns; col++) {
                for (size_t p = 0; ok && p < ARRAY_LEN(column_privs); p++) {
                    rw_text(&c, c_gor, "postgres");
                    rw_text(&c, c_gee, "postgres");
                    rw_text(&c, c_cat, b->database);
                    rw_text(&c, c_schema, r->schema);
                    rw_text(&c, c_name, r->name);
                    rw_text(&c, c_col, r->columns[col].name);
                    rw_text(&c, c_priv, column_privs[p]);
                    rw_text(&c, c_grant, "YES");
                    ok = rw_insert(&c);
                }
            }
        }
        ok = done(&c, ok);
        ok = done(&t, ok);
    }
    return ok;
}

/* enabled_roles: a superuser has every role. */
static bool enabled_roles(build_ctx *b)
{
    rowwriter w;
    if (!open_info(b, &w, "enabled_roles"))
        return false;
    int c_name = rw_col(&w, "role_name");
    bool ok = !w.failed;
    const char *name;
    for (size_t i = 0; ok && (name = build_role_at(i)) != NULL; i++) {
        rw_text(&w, c_name, name);
        ok = rw_insert(&w);
    }
    return done(&w, ok);
}

bool build_information_schema_system_rows(build_ctx *b)
{
    return tables(b) && views(b) && columns(b);
}

bool build_information_schema(build_ctx *b)
{
    return catalog_name(b) && character_sets(b) && schemata(b) && tables(b) && views(b) && columns(b) &&
           constraints(b) && sequences(b) && view_usage(b) && type_usage(b) && privileges(b) && enabled_roles(b);
}
