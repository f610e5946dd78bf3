/*
 * vector_ddl.c — CREATE INDEX ... USING hnsw | ivfflat and the DROP / table-rewrite side of
 * vector indexes, for the embedded engine (ddl.c and ddl_table.c call in here).
 *
 * A vector index has no SQLite index behind it.  Its plan steps, in the DDL's transaction:
 *   1. the engine's metadata tables if this is the database's first vector index;
 *   2. its row in _pgwire_hnsw (table, column, distance, dims, m, ef_construction);
 *   3. triggers on the table that log every change of the column (and of rowids) to
 *      _pgwire_hnsw_log, named after the table OID and column attnum, shared by every
 *      vector index of that column;
 *   4. SELECT pgw_hnsw_build(oid): the build over the table, on all cores, published to
 *      the other sessions when the transaction commits (src/backend/sqlite_hnsw.c).
 * The catalog rows (_pgwire_class with an empty engine name, _pgwire_index with amname
 * hnsw/ivfflat and pg_get_indexdef's text) are written by create_index as for any index.
 *
 * Validation and messages are pgvector's: one column of type vector with dimensions,
 * operator classes vector_{l2,ip,cosine,l1}_ops (l1 for hnsw only; vector_l2_ops is the
 * default), m 2..100, ef_construction 4..1000 and >= 2 * m, lists 1..32768.
 */
#include "sql/pg_nodes.h"
#include "sql/vector_index.h"

#include <stdlib.h>
#include <string.h>

#define HNSW_META "_pgwire_hnsw"
#define HNSW_LOG "_pgwire_hnsw_log"
#define HNSW_STORE "_pgwire_hnsw_store"

bool vector_ddl_is_access_method(const char *am)
{
    return strcmp(am, "hnsw") == 0 || strcmp(am, "ivfflat") == 0;
}

bool vector_ddl_is_vector_index(const cat_index *ix)
{
    return ix->method && vector_ddl_is_access_method(ix->method) && ix->nkeys == 1;
}

const cat_index *vector_ddl_find(const cat_snapshot *s, pg_oid index_oid, const cat_relation **table)
{
    for (size_t i = 0; i < cat_relation_count(s); i++) {
        const cat_relation *r = cat_relation_at(s, i);
        for (int k = 0; k < r->nindexes; k++)
            if (r->indexes[k].oid == index_oid && vector_ddl_is_vector_index(&r->indexes[k])) {
                *table = r;
                return &r->indexes[k];
            }
    }
    *table = NULL;
    return NULL;
}

/* ---------------------------------------------------------------- CREATE INDEX */

static const struct {
    const char *name;
    vec_metric metric;
    bool hnsw_only;
} opclasses[] = {
    {"vector_l2_ops", VEC_L2, false},
    {"vector_ip_ops", VEC_IP, false},
    {"vector_cosine_ops", VEC_COSINE, false},
    {"vector_l1_ops", VEC_L1, true},
};

/* An integer reloption as PostgreSQL reads it ("16", 16, '16'). */
static bool option_int(sql_xlate *x, DefElem *d, int min, int max, int *out)
{
    char buf[64];
    const char *text = NULL;
    if (!d->arg) {
        text = "";
    } else if (IsA(d->arg, Integer)) {
        snprintf(buf, sizeof buf, "%d", intVal(d->arg));
        text = buf;
    } else if (IsA(d->arg, String) || IsA(d->arg, Float)) {
        text = IsA(d->arg, String) ? strVal(d->arg) : castNode(Float, d->arg)->fval;
    } else {
        text = "";
    }
    int64_t v;
    if (!parse_int64(text, &v)) {
        xlate_error(x, -1, "22023", "invalid value for integer option \"%s\": %s", d->defname, text);
        return false;
    }
    if (v < min || v > max) {
        xlate_error(x, -1, "22023", "value %s out of bounds for option \"%s\"", text, d->defname);
        pg_error_detail(x->err, "Valid values are between \"%d\" and \"%d\".", min, max);
        return false;
    }
    *out = (int)v;
    return true;
}

bool vector_ddl_check(sql_xlate *x, IndexStmt *is, const cat_relation *rel, const char *am, vector_index_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ivfflat = strcmp(am, "ivfflat") == 0;
    spec->m = 16;
    spec->ef_construction = 64;
    if (x->dialect != DIALECT_SQLITE) {
        xlate_error(x, -1, "0A000", "access method \"%s\" is only available with the embedded engine", am);
        return false;
    }
    if (list_length(is->indexParams) != 1) {
        xlate_error(x, -1, "0A000", "access method \"%s\" does not support multicolumn indexes", am);
        return false;
    }
    if (is->unique) {
        xlate_error(x, -1, "0A000", "access method \"%s\" does not support unique indexes", am);
        return false;
    }
    if (is->indexIncludingParams) {
        xlate_error(x, -1, "0A000", "access method \"%s\" does not support included columns", am);
        return false;
    }
    if (is->whereClause) {
        xlate_error(x, exprLocation(is->whereClause), "0A000", "partial %s indexes are not supported", am);
        pg_error_hint(x->err, "Index the whole table; a WHERE clause on the query filters the search.");
        return false;
    }
    IndexElem *ie = linitial_node(IndexElem, is->indexParams);
    if (!ie->name) {
        xlate_error(x, exprLocation(ie->expr), "0A000", "expression %s indexes are not supported", am);
        return false;
    }
    const cat_column *col = cat_find_column(rel, ie->name);
    if (!col) {
        xlate_error(x, -1, "42703", "column \"%s\" does not exist", ie->name);
        return false;
    }
    spec->column = col;
    const char *opclass = ie->opclass ? name_list_last(ie->opclass) : NULL;
    int found = -1;
    for (size_t i = 0; opclass && i < ARRAY_LEN(opclasses); i++)
        if (strcmp(opclass, opclasses[i].name) == 0 && !(opclasses[i].hnsw_only && spec->ivfflat))
            found = (int)i;
    if (opclass && found < 0) {
        xlate_error(x, -1, "42704", "operator class \"%s\" does not exist for access method \"%s\"", opclass, am);
        return false;
    }
    const pg_type_info *ti = types_by_oid(col->type);
    /* pgvector: vector_l2_ops is the default operator class for ivfflat only. */
    if (col->type != PG_OID_VECTOR || (!opclass && !spec->ivfflat)) {
        if (opclass)
            xlate_error(x, -1, "42804", "operator class \"%s\" does not accept data type %s", opclass,
                        ti ? ti->sql_name : "unknown");
        else {
            xlate_error(x, -1, "42704", "data type %s has no default operator class for access method \"%s\"",
                        ti ? ti->sql_name : "unknown", am);
            pg_error_hint(x->err, "You must specify an operator class for the index or define a default operator "
                                  "class for the data type.");
        }
        return false;
    }
    if (ie->opclassopts) {
        xlate_error(x, -1, "0A000", "operator class options are not supported for access method \"%s\"", am);
        return false;
    }
    spec->opclass = opclass;
    spec->metric = found >= 0 ? opclasses[found].metric : VEC_L2;
    if (col->typmod < 1) {
        xlate_error(x, -1, "XX000", "column does not have dimensions");
        return false;
    }
    int lists = 100;
    ListCell *lc;
    foreach (lc, is->options) {
        DefElem *d = lfirst_node(DefElem, lc);
        bool ok;
        if (!spec->ivfflat && strcmp(d->defname, "m") == 0)
            ok = option_int(x, d, 2, 100, &spec->m);
        else if (!spec->ivfflat && strcmp(d->defname, "ef_construction") == 0)
            ok = option_int(x, d, 4, 1000, &spec->ef_construction);
        else if (spec->ivfflat && strcmp(d->defname, "lists") == 0)
            ok = option_int(x, d, 1, 32768, &lists);
        else {
            xlate_error(x, -1, "22023", "unrecognized parameter \"%s\"", d->defname);
            ok = false;
        }
        if (!ok)
            return false;
    }
    if (spec->ef_construction < 2 * spec->m) {
        xlate_error(x, -1, "22023", "ef_construction must be greater than or equal to 2 * m");
        return false;
    }
    if (spec->ivfflat)
        session_notice(x->session, PG_SEVERITY_NOTICE, "00000",
                       "ivfflat index is served by an HNSW index (m = %d, ef_construction = %d); lists = %d "
                       "and ivfflat.probes are not used",
                       spec->m, spec->ef_construction, lists);
    return true;
}

/* As pg_get_indexdef: the operator class unless it is the type's default for the method. */
void vector_ddl_append_opclass(const vector_index_spec *spec, strbuf *def)
{
    if (spec->opclass && !(spec->ivfflat && strcmp(spec->opclass, "vector_l2_ops") == 0))
        strbuf_printf(def, " %s", spec->opclass);
}

void vector_ddl_append_with(IndexStmt *is, strbuf *def)
{
    if (!is->options)
        return;
    strbuf_puts(def, " WITH (");
    ListCell *lc;
    int i = 0;
    foreach (lc, is->options) {
        DefElem *d = lfirst_node(DefElem, lc);
        const char *v = "";
        char buf[32];
        if (d->arg && IsA(d->arg, Integer)) {
            snprintf(buf, sizeof buf, "%d", intVal(d->arg));
            v = buf;
        } else if (d->arg && IsA(d->arg, String)) {
            v = strVal(d->arg);
        } else if (d->arg && IsA(d->arg, Float)) {
            v = castNode(Float, d->arg)->fval;
        }
        strbuf_printf(def, "%s%s='%s'", i++ ? ", " : "", d->defname, v);
    }
    strbuf_putc(def, ')');
}

/* The triggers of (table, column) that log changes for its vector indexes. */
static bool trigger_steps(sql_xlate *x, sql_plan *p, pg_oid relid, int attnum, const char *table_engine,
                          const char *column)
{
    static const char *const kinds[] = {"i", "u", "d"};
    bool ok = true;
    for (int k = 0; ok && k < 3; k++) {
        strbuf sql;
        strbuf_init(&sql);
        strbuf_printf(&sql, "CREATE TRIGGER IF NOT EXISTS \"_pgwire_hnsw_%u_%d_%s\" AFTER %s ON ", relid, attnum,
                      kinds[k], k == 0 ? "INSERT" : k == 1 ? "UPDATE" : "DELETE");
        catalog_quote_ident(table_engine, &sql);
        if (k == 0) {
            strbuf_puts(&sql, " WHEN NEW.");
            catalog_quote_ident(column, &sql);
            strbuf_printf(&sql, " IS NOT NULL BEGIN INSERT INTO " HNSW_LOG " (relid, attnum, rid) VALUES (%u, %d, "
                                "NEW.rowid);", relid, attnum);
        } else if (k == 1) {
            strbuf_puts(&sql, " WHEN OLD.rowid IS NOT NEW.rowid OR OLD.");
            catalog_quote_ident(column, &sql);
            strbuf_puts(&sql, " IS NOT NEW.");
            catalog_quote_ident(column, &sql);
            strbuf_printf(&sql, " BEGIN INSERT INTO " HNSW_LOG " (relid, attnum, rid) SELECT %u, %d, OLD.rowid "
                                "UNION SELECT %u, %d, NEW.rowid;", relid, attnum, relid, attnum);
        } else {
            strbuf_puts(&sql, " WHEN OLD.");
            catalog_quote_ident(column, &sql);
            strbuf_printf(&sql, " IS NOT NULL BEGIN INSERT INTO " HNSW_LOG " (relid, attnum, rid) VALUES (%u, %d, "
                                "OLD.rowid);", relid, attnum);
        }
        strbuf_puts(&sql, " SELECT pgw_hnsw_touched(); END");
        ok = !sql.failed && ddl_step(x, p, sql.data);
        if (sql.failed)
            pg_error_oom(x->err);
        strbuf_free(&sql);
    }
    return ok;
}

bool vector_ddl_create_steps(sql_xlate *x, sql_plan *p, const cat_relation *rel, const oid_block *oids,
                             const vector_index_spec *spec)
{
    strbuf oid;
    strbuf_init(&oid);
    ddl_oid_expr(oids, 0, &oid);
    bool ok = !oid.failed &&
              ddl_step(x, p,
                       "CREATE TABLE IF NOT EXISTS " HNSW_META " (indexrelid INTEGER PRIMARY KEY, relid INTEGER NOT "
                       "NULL, attnum INTEGER NOT NULL, metric INTEGER NOT NULL, dims INTEGER NOT NULL, m INTEGER NOT "
                       "NULL, ef_construction INTEGER NOT NULL, persisted_seq INTEGER NOT NULL DEFAULT 0, store_bytes "
                       "INTEGER NOT NULL DEFAULT 0, full_bytes INTEGER NOT NULL DEFAULT 0)") &&
              ddl_step(x, p,
                       "CREATE TABLE IF NOT EXISTS " HNSW_LOG " (seq INTEGER PRIMARY KEY AUTOINCREMENT, relid INTEGER "
                       "NOT NULL, attnum INTEGER NOT NULL, rid INTEGER NOT NULL)") &&
              ddl_step(x, p,
                       "CREATE TABLE IF NOT EXISTS " HNSW_STORE " (indexrelid INTEGER NOT NULL, part INTEGER NOT NULL, "
                       "bytes BLOB NOT NULL, UNIQUE (indexrelid, part))") &&
              ddl_stepf(x, p,
                        "INSERT INTO " HNSW_META " (indexrelid, relid, attnum, metric, dims, m, ef_construction) "
                        "VALUES (%s, %u, %d, %d, %d, %d, %d)",
                        oid.data, rel->oid, spec->column->attnum, (int)spec->metric, spec->column->typmod, spec->m,
                        spec->ef_construction) &&
              trigger_steps(x, p, rel->oid, spec->column->attnum, rel->engine_name, spec->column->name) &&
              ddl_stepf(x, p, "SELECT pgw_hnsw_build(%s)", oid.data);
    if (oid.failed)
        pg_error_oom(x->err);
    strbuf_free(&oid);
    return ok;
}

/* ---------------------------------------------------------------- DROP and rewrites */

/* Whether another vector index than `ix` uses the same column of `table`. */
static bool column_shared(const cat_relation *table, const cat_index *ix)
{
    for (int k = 0; k < table->nindexes; k++) {
        const cat_index *o = &table->indexes[k];
        if (o->oid != ix->oid && vector_ddl_is_vector_index(o) && o->keys[0] == ix->keys[0])
            return true;
    }
    return false;
}

static bool forget_steps(sql_xlate *x, sql_plan *p, const cat_index *ix)
{
    return ddl_stepf(x, p, "SELECT pgw_hnsw_forget(%u)", ix->oid) &&
           ddl_stepf(x, p, "DELETE FROM " HNSW_META " WHERE indexrelid = %u", ix->oid) &&
           ddl_stepf(x, p, "DELETE FROM " HNSW_STORE " WHERE indexrelid = %u", ix->oid);
}

bool vector_ddl_drop_index(sql_xlate *x, sql_plan *p, const cat_relation *table, const cat_index *ix)
{
    if (!forget_steps(x, p, ix))
        return false;
    if (column_shared(table, ix))
        return true;
    static const char *const kinds[] = {"i", "u", "d"};
    for (int k = 0; k < 3; k++)
        if (!ddl_stepf(x, p, "DROP TRIGGER IF EXISTS \"_pgwire_hnsw_%u_%d_%s\"", table->oid, ix->keys[0], kinds[k]))
            return false;
    return ddl_stepf(x, p, "DELETE FROM " HNSW_LOG " WHERE relid = %u AND attnum = %d", table->oid, ix->keys[0]);
}

bool vector_ddl_forget_table(sql_xlate *x, sql_plan *p, const cat_relation *rel)
{
    bool any = false;
    for (int k = 0; k < rel->nindexes; k++) {
        const cat_index *ix = &rel->indexes[k];
        if (!vector_ddl_is_vector_index(ix))
            continue;
        any = true;
        if (!forget_steps(x, p, ix))
            return false;
    }
    /* The triggers went with the table. */
    return !any || ddl_stepf(x, p, "DELETE FROM " HNSW_LOG " WHERE relid = %u", rel->oid);
}

bool vector_ddl_after_rebuild(sql_xlate *x, sql_plan *p, const cat_relation *rel, const ddl_table *t)
{
    bool any = false;
    for (int k = 0; k < rel->nindexes; k++) {
        const cat_index *ix = &rel->indexes[k];
        if (!vector_ddl_is_vector_index(ix))
            continue;
        const ddl_column *col = NULL;
        for (int c = 0; c < t->ncols; c++)
            if (t->cols[c].attnum == ix->keys[0])
                col = &t->cols[c];
        if (!col || col->type != PG_OID_VECTOR || col->typmod < 1) {
            xlate_error(x, -1, "0A000", "index \"%s\" depends on a changed column; drop it first", ix->name);
            return false;
        }
        /* The rewritten table has new triggers to gain and maybe new row ids: rebuild. */
        if (!trigger_steps(x, p, rel->oid, ix->keys[0], rel->engine_name, col->name) ||
            !ddl_stepf(x, p, "DELETE FROM " HNSW_STORE " WHERE indexrelid = %u", ix->oid) ||
            !ddl_stepf(x, p,
                       "UPDATE " HNSW_META " SET dims = %d, persisted_seq = 0, store_bytes = 0, full_bytes = 0 "
                       "WHERE indexrelid = %u",
                       col->typmod, ix->oid) ||
            !ddl_stepf(x, p, "SELECT pgw_hnsw_build(%u)", ix->oid))
            return false;
        any = true;
    }
    return !any || ddl_stepf(x, p, "DELETE FROM " HNSW_LOG " WHERE relid = %u", rel->oid);
}

/* ---------------------------------------------------------------- VACUUM, REINDEX, CHECKPOINT */

/* Add the vector indexes of `rel` (all of them, or only `index_oid`) as steps. */
static bool maintenance_steps(sql_xlate *x, sql_plan *p, const cat_relation *rel, pg_oid index_oid, const char *fn,
                              int *count)
{
    for (int k = 0; k < rel->nindexes; k++) {
        const cat_index *ix = &rel->indexes[k];
        if (!vector_ddl_is_vector_index(ix) || (index_oid && ix->oid != index_oid))
            continue;
        if (!ddl_stepf(x, p, "SELECT %s(%u)", fn, ix->oid))
            return false;
        (*count)++;
    }
    return true;
}

bool vector_ddl_maintenance(sql_xlate *x, Node *stmt, sql_plan **out, bool *handled)
{
    *handled = false;
    if (x->dialect != DIALECT_SQLITE)
        return true;
    const char *command;
    const char *fn = "pgw_hnsw_vacuum";
    List *names = NULL;          /* RangeVars (VACUUM) */
    RangeVar *one = NULL;        /* REINDEX TABLE / INDEX */
    bool one_is_index = false;
    switch (nodeTag(stmt)) {
    case T_VacuumStmt: {
        VacuumStmt *vs = (VacuumStmt *)stmt;
        if (!vs->is_vacuumcmd)
            return true;
        command = "VACUUM";
        ListCell *lc;
        foreach (lc, vs->rels)
            names = lappend(names, lfirst_node(VacuumRelation, lc)->relation);
        break;
    }
    case T_ReindexStmt: {
        ReindexStmt *rs = (ReindexStmt *)stmt;
        command = "REINDEX";
        fn = "pgw_hnsw_reindex";
        one = rs->relation;
        one_is_index = rs->kind == REINDEX_OBJECT_INDEX;
        break;
    }
    case T_CheckPointStmt:
        command = "CHECKPOINT";
        fn = NULL;
        break;
    default:
        return true;
    }
    sql_plan *p = plan_new(PLAN_ENGINE, command);
    if (!p) {
        pg_error_oom(x->err);
        return false;
    }
    p->tag = TAG_PLAIN;
    x->uncacheable = true;
    int count = 0;
    bool ok = true;
    if (!fn) {
        /* CHECKPOINT: the indexes' pending changes too, when there are vector indexes. */
        for (size_t i = 0; ok && i < cat_relation_count(x->catalog) && !count; i++) {
            const cat_relation *r = cat_relation_at(x->catalog, i);
            for (int k = 0; k < r->nindexes; k++)
                count += vector_ddl_is_vector_index(&r->indexes[k]);
        }
        ok = !count || ddl_step(x, p, "SELECT pgw_hnsw_checkpoint()");
    } else if (one) {
        const cat_relation *rel = analyze_find_relation(x, one->schemaname, one->relname, one->location, true);
        const cat_relation *table = rel;
        pg_oid index_oid = 0;
        if (rel && one_is_index) {
            index_oid = rel->oid;
            if (!vector_ddl_find(x->catalog, rel->oid, &table))
                table = NULL;
        }
        ok = !pg_error_is_set(x->err) && (!table || maintenance_steps(x, p, table, index_oid, fn, &count));
    } else if (names) {
        ListCell *lc;
        foreach (lc, names) {
            RangeVar *rv = lfirst(lc);
            const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, true);
            ok = ok && !pg_error_is_set(x->err) && (!rel || maintenance_steps(x, p, rel, 0, fn, &count));
        }
    } else {
        for (size_t i = 0; ok && i < cat_relation_count(x->catalog); i++)
            ok = maintenance_steps(x, p, cat_relation_at(x->catalog, i), 0, fn, &count);
    }
    if (!ok || !count) {
        /* Nothing of ours involved: the statement stays what it was (accepted, no effect). */
        sql_plan_unref(p);
        if (!ok && !pg_error_is_set(x->err))
            pg_error_oom(x->err);
        return ok;
    }
    *handled = true;
    *out = p;
    return true;
}
