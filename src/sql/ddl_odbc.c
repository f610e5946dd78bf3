/*
 * ddl_odbc.c — CREATE/DROP/ALTER for engines reached through ODBC (IRIS, PostgreSQL through
 * psqlODBC, SQLite through its driver).  Unlike the embedded engine there are no metadata
 * tables: the engine's own catalog is the truth and is read back after every DDL
 * (catalog/meta_odbc.c), so a plan here is only the engine statement.
 *
 * IRIS rules (docs/iris.md, DocBook keys RSQL_createtable, RSQL_createindex, GSQL_vecsearch):
 *  - public is the configured engine schema (SQLUser);
 *  - serial / GENERATED ... AS IDENTITY become an IDENTITY column (one per table in IRIS);
 *  - DOUBLE PRECISION is DOUBLE, boolean BIT, vector(n) VECTOR(FLOAT, n);
 *  - CREATE INDEX ... USING hnsw (col vector_cosine_ops | vector_ip_ops) WITH (m, ef_construction)
 *    becomes CREATE INDEX ... ON t (col) AS HNSW(Distance='Cosine'|'DotProduct', M=…,
 *    efConstruction=…); IRIS's HNSW has no L2 distance, so vector_l2_ops is 0A000;
 *  - CHECK constraints are not part of IRIS's CREATE TABLE: 0A000 rather than dropping them.
 */
#include "sql/emit_odbc.h"
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

typedef struct ddl_ctx {
    sql_xlate *x;
    sql_dialect d;
    bool iris, sqlite;
    const char *public_schema;
    strbuf sql;
} ddl_ctx;

static sql_plan *engine_ddl_plan(sql_xlate *x, const char *command, const char *sql)
{
    sql_plan *p = plan_new(PLAN_ENGINE, command);
    if (!p) {
        pg_error_oom(x->err);
        return NULL;
    }
    p->ddl = true;
    p->writes = true;
    p->tag = TAG_PLAIN;
    x->uncacheable = true;
    if (sql && !plan_add_step(p, sql, 0, NULL, false, false)) {
        sql_plan_unref(p);
        pg_error_oom(x->err);
        return NULL;
    }
    return p;
}

static sql_plan *noop(sql_xlate *x, const char *command)
{
    sql_plan *p = plan_new(PLAN_UTILITY, command);
    if (!p)
        pg_error_oom(x->err);
    else
        p->utility = UTIL_NOOP;
    x->uncacheable = true;
    return p;
}

static void qident(strbuf *b, const char *name) { catalog_quote_ident(name, b); }

static void table_name(ddl_ctx *c, const char *schema, const char *name)
{
    const char *engine_schema = schema && strcmp(schema, "public") == 0 ? c->public_schema : schema;
    if (engine_schema && *engine_schema && !c->sqlite) {
        qident(&c->sql, engine_schema);
        strbuf_putc(&c->sql, '.');
    }
    qident(&c->sql, name);
}

static void rel_name(ddl_ctx *c, const cat_relation *rel)
{
    if (rel->engine_schema && !c->sqlite) {
        qident(&c->sql, rel->engine_schema);
        strbuf_putc(&c->sql, '.');
    } else if (!rel->engine_schema) {
        table_name(c, rel->schema, rel->engine_name);
        return;
    }
    qident(&c->sql, rel->engine_name);
}

static const char *serial_kind(TypeName *tn, pg_oid *type)
{
    const char *name = name_list_last(tn->names);
    static const struct { const char *name; pg_oid type; } serials[] = {
        {"serial", PG_OID_INT4}, {"serial4", PG_OID_INT4}, {"bigserial", PG_OID_INT8},
        {"serial8", PG_OID_INT8}, {"smallserial", PG_OID_INT2}, {"serial2", PG_OID_INT2},
    };
    if (name && list_length(tn->names) == 1 && !tn->arrayBounds)
        for (size_t i = 0; i < ARRAY_LEN(serials); i++)
            if (strcmp(name, serials[i].name) == 0) {
                *type = serials[i].type;
                return serials[i].name;
            }
    return NULL;
}

/* A default: analysed as PostgreSQL types it, then written in the dialect. */
static bool emit_default(ddl_ctx *c, Node *raw, pg_oid type, int32_t typmod)
{
    ir_query *q = ir_query_new(c->x, QUERY_SELECT, NULL);
    if (!q)
        return false;
    ir_expr *e = analyze_expr(c->x, q, raw);
    if (!e)
        return false;
    e = ir_coerce(c->x, e, type, typmod, COERCE_ASSIGNMENT, "DEFAULT");
    if (!e)
        return false;
    emit_result r = {0};
    strbuf_init(&r.sql);
    bool ok = emit_expr_odbc(c->x, q, e, &r);
    if (ok && r.nparams) {
        xlate_error(c->x, -1, "42P02", "there is no parameter $1");
        ok = false;
    }
    if (ok) {
        strbuf_puts(&c->sql, " DEFAULT ");
        strbuf_append(&c->sql, r.sql.data, r.sql.len);
    }
    emit_result_free(&r);
    return ok;
}

static bool key_list(ddl_ctx *c, List *keys)
{
    strbuf_putc(&c->sql, '(');
    ListCell *lc;
    int i = 0;
    foreach (lc, keys) {
        if (i++)
            strbuf_puts(&c->sql, ", ");
        qident(&c->sql, strVal(lfirst(lc)));
    }
    strbuf_putc(&c->sql, ')');
    return true;
}

static bool references(ddl_ctx *c, Constraint *k)
{
    const cat_relation *ref = analyze_find_relation(c->x, k->pktable->schemaname, k->pktable->relname,
                                                    k->pktable->location, true);
    strbuf_puts(&c->sql, " REFERENCES ");
    if (ref)
        rel_name(c, ref);
    else
        table_name(c, k->pktable->schemaname ? k->pktable->schemaname : "public", k->pktable->relname);
    if (k->pk_attrs) {
        strbuf_putc(&c->sql, ' ');
        key_list(c, k->pk_attrs);
    }
    return true;
}

static bool column_constraint(ddl_ctx *c, Constraint *k, pg_oid type, int32_t typmod, bool *identity)
{
    switch (k->contype) {
    case CONSTR_NOTNULL: strbuf_puts(&c->sql, " NOT NULL"); return true;
    case CONSTR_NULL: return true;
    case CONSTR_PRIMARY: strbuf_puts(&c->sql, " PRIMARY KEY"); return true;
    case CONSTR_UNIQUE: strbuf_puts(&c->sql, " UNIQUE"); return true;
    case CONSTR_DEFAULT: return emit_default(c, k->raw_expr, type, typmod);
    case CONSTR_IDENTITY: *identity = true; return true;
    case CONSTR_FOREIGN: return references(c, k);
    case CONSTR_CHECK:
        if (c->iris) {
            xlate_error(c->x, k->location, "0A000", "CHECK constraints are not supported by IRIS");
            return false;
        }
        xlate_error(c->x, k->location, "0A000", "CHECK constraints are not supported through the ODBC backend yet");
        return false;
    default:
        xlate_error(c->x, k->location, "0A000", "this column constraint is not supported by the ODBC backend");
        return false;
    }
}

static bool column_def(ddl_ctx *c, ColumnDef *cd)
{
    pg_oid type = 0;
    int32_t typmod = -1;
    const char *serial = serial_kind(cd->typeName, &type);
    if (!serial && !analyze_type_name(c->x, (Node *)cd->typeName, &type, &typmod))
        return false;
    bool identity = serial != NULL;
    ListCell *lc;
    foreach (lc, cd->constraints)
        if (((Constraint *)lfirst(lc))->contype == CONSTR_IDENTITY)
            identity = true;
    qident(&c->sql, cd->colname);
    strbuf_putc(&c->sql, ' ');
    if (identity && c->iris) {
        /* IRIS: an IDENTITY field (integer values the engine assigns; one per table). */
        strbuf_puts(&c->sql, type == PG_OID_INT8 ? "BIGINT IDENTITY" : "IDENTITY");
    } else if (identity && c->d == DIALECT_POSTGRES) {
        strbuf_puts(&c->sql, serial ? serial : type == PG_OID_INT8 ? "bigint GENERATED BY DEFAULT AS IDENTITY"
                                    : type == PG_OID_INT2 ? "smallint GENERATED BY DEFAULT AS IDENTITY"
                                    : "integer GENERATED BY DEFAULT AS IDENTITY");
    } else if (identity && c->sqlite) {
        /* SQLite assigns values only to an INTEGER PRIMARY KEY (the rowid). */
        bool pk = false;
        foreach (lc, cd->constraints)
            pk = pk || ((Constraint *)lfirst(lc))->contype == CONSTR_PRIMARY;
        if (!pk) {
            xlate_error(c->x, cd->location, "0A000", "serial columns must be the primary key with SQLite over ODBC");
            return false;
        }
        strbuf_puts(&c->sql, "INTEGER");
    } else if (!emit_odbc_type_name(c->d, c->x->session->srv->b, type, typmod, &c->sql)) {
        const pg_type_info *ti = types_by_oid(type);
        xlate_error(c->x, cd->location, "0A000", "type %s is not supported by this engine", ti ? ti->sql_name : "?");
        return false;
    }
    if (cd->is_not_null)
        strbuf_puts(&c->sql, " NOT NULL");
    bool dummy = false;
    foreach (lc, cd->constraints) {
        Constraint *k = lfirst(lc);
        if (k->contype == CONSTR_IDENTITY)
            continue;
        if (!column_constraint(c, k, type, typmod, &dummy))
            return false;
    }
    return true;
}

static bool table_constraint(ddl_ctx *c, Constraint *k)
{
    if (k->conname) {
        strbuf_puts(&c->sql, "CONSTRAINT ");
        qident(&c->sql, k->conname);
        strbuf_putc(&c->sql, ' ');
    }
    switch (k->contype) {
    case CONSTR_PRIMARY:
        strbuf_puts(&c->sql, "PRIMARY KEY ");
        return key_list(c, k->keys);
    case CONSTR_UNIQUE:
        strbuf_puts(&c->sql, "UNIQUE ");
        return key_list(c, k->keys);
    case CONSTR_FOREIGN:
        strbuf_puts(&c->sql, "FOREIGN KEY ");
        key_list(c, k->fk_attrs);
        return references(c, k);
    case CONSTR_CHECK:
        xlate_error(c->x, k->location, "0A000", c->iris ? "CHECK constraints are not supported by IRIS"
                                                        : "CHECK constraints are not supported through the ODBC backend yet");
        return false;
    default:
        xlate_error(c->x, k->location, "0A000", "this table constraint is not supported by the ODBC backend");
        return false;
    }
}

static bool create_table(ddl_ctx *c, CreateStmt *cs, sql_plan **out)
{
    const char *schema = analyze_creation_schema(c->x, cs->relation->schemaname, cs->relation->location);
    if (!schema)
        return false;
    if (analyze_find_relation(c->x, schema, cs->relation->relname, -1, true)) {
        if (cs->if_not_exists) {
            session_notice(c->x->session, PG_SEVERITY_NOTICE, "42P07", "relation \"%s\" already exists, skipping",
                           cs->relation->relname);
            *out = noop(c->x, "CREATE TABLE");
            return *out != NULL;
        }
        xlate_error(c->x, cs->relation->location, "42P07", "relation \"%s\" already exists", cs->relation->relname);
        return false;
    }
    if (cs->inhRelations || cs->partspec || cs->ofTypename) {
        xlate_error(c->x, cs->relation->location, "0A000", "inheritance and partitioning are not supported by the ODBC backend");
        return false;
    }
    strbuf_puts(&c->sql, "CREATE TABLE ");
    table_name(c, schema, cs->relation->relname);
    strbuf_puts(&c->sql, " (");
    ListCell *lc;
    int n = 0;
    foreach (lc, cs->tableElts) {
        Node *el = lfirst(lc);
        if (n++)
            strbuf_puts(&c->sql, ", ");
        if (IsA(el, ColumnDef)) {
            if (!column_def(c, (ColumnDef *)el))
                return false;
        } else if (IsA(el, Constraint)) {
            if (!table_constraint(c, (Constraint *)el))
                return false;
        } else {
            xlate_error(c->x, -1, "0A000", "LIKE in CREATE TABLE is not supported by the ODBC backend");
            return false;
        }
    }
    foreach (lc, cs->constraints) {
        strbuf_puts(&c->sql, ", ");
        if (!table_constraint(c, lfirst(lc)))
            return false;
    }
    strbuf_putc(&c->sql, ')');
    if (c->sql.failed) {
        pg_error_oom(c->x->err);
        return false;
    }
    *out = engine_ddl_plan(c->x, "CREATE TABLE", c->sql.data);
    return *out != NULL;
}

static const char *index_method_distance(ddl_ctx *c, IndexElem *ie)
{
    const char *opclass = ie->opclass ? name_list_last(ie->opclass) : "vector_l2_ops";
    if (strcmp(opclass, "vector_cosine_ops") == 0)
        return "Cosine";
    if (strcmp(opclass, "vector_ip_ops") == 0)
        return "DotProduct";
    xlate_error(c->x, -1, "0A000", "IRIS HNSW indexes support vector_cosine_ops and vector_ip_ops, not %s", opclass);
    pg_error_hint(c->x->err, "IRIS's HNSW distances are 'Cosine' and 'DotProduct'.");
    return NULL;
}

static bool create_index(ddl_ctx *c, IndexStmt *is, sql_plan **out)
{
    const cat_relation *rel = analyze_find_relation(c->x, is->relation->schemaname, is->relation->relname,
                                                    is->relation->location, false);
    if (!rel)
        return false;
    bool hnsw = is->accessMethod && strcmp(is->accessMethod, "hnsw") == 0;
    if (is->accessMethod && !hnsw && strcmp(is->accessMethod, "btree") != 0) {
        xlate_error(c->x, -1, "0A000", "access method \"%s\" is not supported by the ODBC backend", is->accessMethod);
        return false;
    }
    if (is->whereClause || is->indexIncludingParams) {
        xlate_error(c->x, -1, "0A000", "partial and covering indexes are not supported by the ODBC backend");
        return false;
    }
    const char *first_col = NULL;
    ListCell *lc;
    foreach (lc, is->indexParams) {
        IndexElem *ie = lfirst(lc);
        if (!ie->name) {
            xlate_error(c->x, -1, "0A000", "expression indexes are not supported by the ODBC backend");
            return false;
        }
        if (!first_col)
            first_col = ie->name;
    }
    char name[128];
    if (is->idxname)
        snprintf(name, sizeof name, "%s", is->idxname);
    else
        snprintf(name, sizeof name, "%s_%s_idx", rel->name, first_col ? first_col : "expr");
    strbuf_printf(&c->sql, "CREATE %sINDEX ", is->unique ? "UNIQUE " : "");
    if (c->d == DIALECT_POSTGRES && is->if_not_exists)
        strbuf_puts(&c->sql, "IF NOT EXISTS ");
    qident(&c->sql, name);
    strbuf_puts(&c->sql, " ON ");
    rel_name(c, rel);
    if (hnsw && c->d == DIALECT_POSTGRES)
        strbuf_puts(&c->sql, " USING hnsw");
    strbuf_puts(&c->sql, " (");
    int n = 0;
    foreach (lc, is->indexParams) {
        IndexElem *ie = lfirst(lc);
        if (n++)
            strbuf_puts(&c->sql, ", ");
        qident(&c->sql, ie->name);
        if (hnsw && c->d == DIALECT_POSTGRES && ie->opclass) {
            strbuf_putc(&c->sql, ' ');
            strbuf_puts(&c->sql, name_list_last(ie->opclass));
        }
        if (ie->ordering == SORTBY_DESC && !hnsw)
            strbuf_puts(&c->sql, " DESC");
    }
    strbuf_putc(&c->sql, ')');
    int64_t m = -1, ef = -1;
    foreach (lc, is->options) {
        DefElem *d = lfirst(lc);
        int64_t v = d->arg && IsA(d->arg, Integer) ? intVal(d->arg) : -1;
        if (strcmp(d->defname, "m") == 0)
            m = v;
        else if (strcmp(d->defname, "ef_construction") == 0)
            ef = v;
        else {
            xlate_error(c->x, -1, "22023", "unrecognized parameter \"%s\"", d->defname);
            return false;
        }
    }
    if (hnsw) {
        if (c->sqlite) {
            xlate_error(c->x, -1, "0A000", "hnsw indexes are not supported by SQLite over ODBC");
            return false;
        }
        if (c->iris) {
            if (n != 1) {
                xlate_error(c->x, -1, "0A000", "an IRIS HNSW index has exactly one vector column");
                return false;
            }
            const char *distance = index_method_distance(c, linitial(is->indexParams));
            if (!distance)
                return false;
            strbuf_printf(&c->sql, " AS HNSW(Distance='%s'", distance);
            if (m > 0)
                strbuf_printf(&c->sql, ", M=%lld", (long long)m);
            if (ef > 0)
                strbuf_printf(&c->sql, ", efConstruction=%lld", (long long)ef);
            strbuf_putc(&c->sql, ')');
        } else if (m > 0 || ef > 0) {
            strbuf_puts(&c->sql, " WITH (");
            if (m > 0)
                strbuf_printf(&c->sql, "m = %lld", (long long)m);
            if (ef > 0)
                strbuf_printf(&c->sql, "%sef_construction = %lld", m > 0 ? ", " : "", (long long)ef);
            strbuf_putc(&c->sql, ')');
        }
    } else if (m > 0 || ef > 0) {
        xlate_error(c->x, -1, "22023", "unrecognized parameter \"%s\"", m > 0 ? "m" : "ef_construction");
        return false;
    }
    if (c->sql.failed) {
        pg_error_oom(c->x->err);
        return false;
    }
    *out = engine_ddl_plan(c->x, "CREATE INDEX", c->sql.data);
    return *out != NULL;
}

static const cat_relation *index_owner(ddl_ctx *c, const char *schema, const char *name, const cat_index **ix)
{
    for (size_t i = 0; i < cat_relation_count(c->x->catalog); i++) {
        const cat_relation *r = cat_relation_at(c->x->catalog, i);
        if (schema && strcmp(r->schema, schema) != 0)
            continue;
        for (int k = 0; k < r->nindexes; k++)
            if (strcmp(r->indexes[k].name, name) == 0) {
                *ix = &r->indexes[k];
                return r;
            }
    }
    return NULL;
}

static bool drop_objects(ddl_ctx *c, DropStmt *d, sql_plan **out)
{
    bool index = d->removeType == OBJECT_INDEX;
    const char *command = index ? "DROP INDEX" : d->removeType == OBJECT_VIEW ? "DROP VIEW" : "DROP TABLE";
    sql_plan *p = engine_ddl_plan(c->x, command, NULL);
    if (!p)
        return false;
    ListCell *lc;
    foreach (lc, d->objects) {
        List *names = lfirst(lc);
        const char *name = name_list_last(names);
        const char *schema = list_length(names) > 1 ? strVal(list_nth(names, list_length(names) - 2)) : NULL;
        strbuf_reset(&c->sql);
        if (index) {
            const cat_index *ix = NULL;
            const cat_relation *owner = index_owner(c, schema, name, &ix);
            if (!owner) {
                if (d->missing_ok) {
                    session_notice(c->x->session, PG_SEVERITY_NOTICE, "00000", "index \"%s\" does not exist, skipping", name);
                    continue;
                }
                xlate_error(c->x, -1, "42704", "index \"%s\" does not exist", name);
                sql_plan_unref(p);
                return false;
            }
            strbuf_puts(&c->sql, "DROP INDEX ");
            if (c->d == DIALECT_POSTGRES && owner->engine_schema) {
                qident(&c->sql, owner->engine_schema);
                strbuf_putc(&c->sql, '.');
            }
            qident(&c->sql, ix->engine_name && *ix->engine_name ? ix->engine_name : ix->name);
            if (c->iris) {
                /* IRIS index names are per table: DROP INDEX name ON table (RSQL_dropindex). */
                strbuf_puts(&c->sql, " ON ");
                rel_name(c, owner);
            }
        } else {
            const cat_relation *rel = analyze_find_relation(c->x, schema, name, -1, true);
            char want = d->removeType == OBJECT_VIEW ? 'v' : 'r';
            if (!rel || rel->kind != want) {
                if (rel && rel->kind != want) {
                    xlate_error(c->x, -1, "42809", "\"%s\" is not a %s", name, want == 'v' ? "view" : "table");
                    sql_plan_unref(p);
                    return false;
                }
                if (d->missing_ok) {
                    session_notice(c->x->session, PG_SEVERITY_NOTICE, "00000", "%s \"%s\" does not exist, skipping",
                                   want == 'v' ? "view" : "table", name);
                    continue;
                }
                xlate_error(c->x, -1, "42P01", "%s \"%s\" does not exist", want == 'v' ? "view" : "table", name);
                sql_plan_unref(p);
                return false;
            }
            strbuf_puts(&c->sql, want == 'v' ? "DROP VIEW " : "DROP TABLE ");
            rel_name(c, rel);
            if (d->behavior == DROP_CASCADE && c->d == DIALECT_POSTGRES)
                strbuf_puts(&c->sql, " CASCADE");
        }
        if (c->sql.failed || !plan_add_step(p, c->sql.data, 0, NULL, false, false)) {
            pg_error_oom(c->x->err);
            sql_plan_unref(p);
            return false;
        }
    }
    if (p->nsteps == 0) {
        sql_plan_unref(p);
        *out = noop(c->x, command);
        return *out != NULL;
    }
    *out = p;
    return true;
}

static bool truncate_tables(ddl_ctx *c, TruncateStmt *ts, sql_plan **out)
{
    sql_plan *p = engine_ddl_plan(c->x, "TRUNCATE TABLE", NULL);
    if (!p)
        return false;
    p->ddl = false;
    ListCell *lc;
    foreach (lc, ts->relations) {
        RangeVar *rv = lfirst(lc);
        const cat_relation *rel = analyze_find_relation(c->x, rv->schemaname, rv->relname, rv->location, false);
        if (!rel) {
            sql_plan_unref(p);
            return false;
        }
        strbuf_reset(&c->sql);
        strbuf_puts(&c->sql, c->sqlite ? "DELETE FROM " : "TRUNCATE TABLE ");
        rel_name(c, rel);
        if (c->sql.failed || !plan_add_step(p, c->sql.data, 0, NULL, false, false)) {
            pg_error_oom(c->x->err);
            sql_plan_unref(p);
            return false;
        }
    }
    *out = p;
    return true;
}

static bool alter_table(ddl_ctx *c, AlterTableStmt *at, sql_plan **out)
{
    const cat_relation *rel = analyze_find_relation(c->x, at->relation->schemaname, at->relation->relname,
                                                    at->relation->location, at->missing_ok);
    if (!rel) {
        if (pg_error_is_set(c->x->err))
            return false;
        session_notice(c->x->session, PG_SEVERITY_NOTICE, "00000", "relation \"%s\" does not exist, skipping",
                       at->relation->relname);
        *out = noop(c->x, "ALTER TABLE");
        return *out != NULL;
    }
    sql_plan *p = engine_ddl_plan(c->x, "ALTER TABLE", NULL);
    if (!p)
        return false;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst(lc);
        strbuf_reset(&c->sql);
        strbuf_puts(&c->sql, "ALTER TABLE ");
        rel_name(c, rel);
        if (cmd->subtype == AT_AddColumn) {
            strbuf_puts(&c->sql, " ADD COLUMN ");
            if (!column_def(c, (ColumnDef *)cmd->def)) {
                sql_plan_unref(p);
                return false;
            }
        } else if (cmd->subtype == AT_DropColumn) {
            if (!cat_find_column(rel, cmd->name)) {
                if (cmd->missing_ok) {
                    session_notice(c->x->session, PG_SEVERITY_NOTICE, "00000",
                                   "column \"%s\" of relation \"%s\" does not exist, skipping", cmd->name, rel->name);
                    continue;
                }
                xlate_error(c->x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                sql_plan_unref(p);
                return false;
            }
            strbuf_puts(&c->sql, " DROP COLUMN ");
            qident(&c->sql, cmd->name);
        } else {
            xlate_error(c->x, -1, "0A000", "this ALTER TABLE action is not supported by the ODBC backend");
            sql_plan_unref(p);
            return false;
        }
        if (c->sql.failed || !plan_add_step(p, c->sql.data, 0, NULL, false, false)) {
            pg_error_oom(c->x->err);
            sql_plan_unref(p);
            return false;
        }
    }
    *out = p;
    return true;
}

bool xlate_ddl_odbc(sql_xlate *x, Node *stmt, sql_plan **out, bool *handled)
{
    *handled = true;
    backend *b = x->session->srv->b;
    ddl_ctx c = {
        .x = x,
        .d = x->dialect,
        .iris = x->dialect == DIALECT_IRIS,
        .sqlite = x->dialect == DIALECT_SQLITE,
        .public_schema = backend_public_schema(b),
    };
    strbuf_init(&c.sql);
    bool ok;
    switch (nodeTag(stmt)) {
    case T_CreateStmt: ok = create_table(&c, (CreateStmt *)stmt, out); break;
    case T_IndexStmt: ok = create_index(&c, (IndexStmt *)stmt, out); break;
    case T_DropStmt: {
        DropStmt *d = (DropStmt *)stmt;
        if (d->removeType != OBJECT_TABLE && d->removeType != OBJECT_INDEX && d->removeType != OBJECT_VIEW) {
            *handled = false;
            ok = true;
            break;
        }
        ok = drop_objects(&c, d, out);
        break;
    }
    case T_TruncateStmt: ok = truncate_tables(&c, (TruncateStmt *)stmt, out); break;
    case T_AlterTableStmt: ok = alter_table(&c, (AlterTableStmt *)stmt, out); break;
    case T_CreateExtensionStmt: {
        CreateExtensionStmt *ce = (CreateExtensionStmt *)stmt;
        if (strcmp(ce->extname, "vector") != 0 && strcmp(ce->extname, "plpgsql") != 0) {
            xlate_error(x, -1, "0A000", "extension \"%s\" is not available", ce->extname);
            ok = false;
            break;
        }
        /* pgvector's types and operators are translated (vector(n) → VECTOR(FLOAT, n) on IRIS). */
        *out = noop(x, "CREATE EXTENSION");
        ok = *out != NULL;
        break;
    }
    default:
        *handled = false;
        ok = true;
        break;
    }
    strbuf_free(&c.sql);
    return ok;
}
