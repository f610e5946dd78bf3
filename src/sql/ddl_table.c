/*
 * ddl_table.c — a table definition turned into SQLite DDL and metadata rows.
 *
 * Column declarations give SQLite the affinity of the storage form (INTEGER, REAL, TEXT,
 * BLOB) and, where PostgreSQL compares differently from bytes, a collation (numeric,
 * char(n)).  A single-column integer primary key becomes SQLite's INTEGER PRIMARY KEY (the
 * rowid), which is what makes point lookups by primary key cost what they cost in
 * PostgreSQL.  Defaults are not part of the engine's DDL: the translator supplies them in
 * every INSERT (so DEFAULT, ALTER ... SET DEFAULT and COPY agree), and the metadata records
 * them as PostgreSQL text.
 */
#include "sql/ddl.h"
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

bool ddl_step(sql_xlate *x, sql_plan *p, const char *sql)
{
    if (!plan_add_step(p, sql, 0, NULL, false, false)) {
        pg_error_oom(x->err);
        return false;
    }
    return true;
}

bool ddl_stepf(sql_xlate *x, sql_plan *p, const char *fmt, ...)
{
    strbuf b;
    strbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    bool ok = !b.failed && ddl_step(x, p, b.data);
    if (b.failed)
        pg_error_oom(x->err);
    strbuf_free(&b);
    return ok;
}

void ddl_oid_expr(const oid_block *b, int i, strbuf *out)
{
    if (i == 0 && b->table_oid) {
        strbuf_printf(out, "%u", b->table_oid);
        return;
    }
    strbuf_printf(out, "(SELECT value - %d FROM " CAT_META_MISC " WHERE key = 'next_oid')", b->count - i);
}

static bool name_taken(sql_xlate *x, const char *schema, const char *name, ddl_table *t)
{
    if (cat_find_relation(x->catalog, schema, name))
        return true;
    for (int i = 0; t && i < t->ncons; i++)
        if (t->cons[i].name && strcmp(t->cons[i].name, name) == 0)
            return true;
    for (int i = 0; t && i < t->ncols; i++)
        if (t->cols[i].sequence_name && strcmp(t->cols[i].sequence_name, name) == 0)
            return true;
    return false;
}

/* PostgreSQL's makeObjectName + ChooseRelationName: "t_col_suffix", each part truncated so
 * the whole fits in 63 bytes, then "t_col_suffix1", "2"... until unused. */
const char *ddl_choose_name(sql_xlate *x, const char *schema, const char *table, const char *column,
                            const char *suffix, ddl_table *t)
{
    char base[128];
    size_t tl = strlen(table), cl = column ? strlen(column) : 0, sl = strlen(suffix);
    size_t overhead = sl + 1 + (column ? 1 : 0);
    while (tl + cl + overhead > 63) {
        if (tl > cl)
            tl--;
        else
            cl--;
    }
    if (column)
        snprintf(base, sizeof base, "%.*s_%.*s", (int)tl, table, (int)cl, column);
    else
        snprintf(base, sizeof base, "%.*s", (int)tl, table);
    for (int n = 0; n < 1000; n++) {
        char name[160];
        if (n == 0)
            snprintf(name, sizeof name, "%s_%s", base, suffix);
        else
            snprintf(name, sizeof name, "%s_%s%d", base, suffix, n);
        if (!name_taken(x, schema, name, t))
            return xlate_strdup(x, name);
    }
    return xlate_strdup(x, base);
}

static const char *sqlite_declared_type(pg_oid type)
{
    if (type == PG_OID_NUMERIC)
        return "TEXT COLLATE pgw_numeric";
    if (type == PG_OID_BPCHAR)
        return "TEXT COLLATE RTRIM";
    const pg_type_info *t = types_by_oid(type);
    switch (t ? t->storage : STORAGE_TEXT) {
    case STORAGE_INT: return "INTEGER";
    case STORAGE_FLOAT: return "REAL";
    case STORAGE_BLOB: return "BLOB";
    default: return "TEXT";
    }
}

static bool is_int_type(pg_oid t)
{
    return t == PG_OID_INT2 || t == PG_OID_INT4 || t == PG_OID_INT8;
}

/* A relation describing `t` for analysing its CHECK expressions. */
static const cat_relation *fake_relation(sql_xlate *x, ddl_table *t)
{
    cat_relation *r = xlate_alloc(x, sizeof *r);
    cat_column *cols = xlate_alloc(x, sizeof *cols * (size_t)(t->ncols + 1));
    if (!r || !cols)
        return NULL;
    for (int i = 0; i < t->ncols; i++) {
        cols[i].name = t->cols[i].name;
        cols[i].attnum = t->cols[i].attnum;
        cols[i].type = t->cols[i].type;
        cols[i].typmod = t->cols[i].typmod;
        cols[i].notnull = t->cols[i].notnull;
    }
    r->schema = t->schema;
    r->name = t->name;
    r->kind = 'r';
    r->engine_name = t->engine_name;
    r->ncolumns = t->ncols;
    r->columns = cols;
    return r;
}

/* Parse and analyse an expression's text over the table's columns, emit it: a CHECK
 * (gen == NULL) or the generation expression of column `gen`. */
static bool emit_table_expr(sql_xlate *x, ddl_table *t, const char *text, const ddl_column *gen, strbuf *out)
{
    const char *what = gen ? "column generation expression" : "check constraint";
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT (%s)", text);
    raw_parse p;
    pg_error perr = {0};
    if (sql.failed || !raw_parse_text(sql.data, &p, NULL, 0, &perr)) {
        xlate_error(x, -1, perr.sqlstate[0] ? perr.sqlstate : "42601", "invalid %s: %s", what,
                    perr.message ? perr.message : "out of memory");
        pg_error_clear(&perr);
        strbuf_free(&sql);
        return false;
    }
    RawStmt *rs = linitial(p.statements);
    ResTarget *rt = linitial(((SelectStmt *)rs->stmt)->targetList);
    ir_query *q = ir_query_new(x, QUERY_SELECT, NULL);
    const cat_relation *rel = fake_relation(x, t);
    bool ok = false;
    if (q && rel) {
        int rte = analyze_add_relation_rte(x, q, rel, t->name);
        if (rte >= 0 && ir_add_ns(x, q, rte, true, true)) {
            const char *saved = x->text;
            int saved_offset = x->position_offset;
            x->text = sql.data;
            x->position_offset = 0;
            ir_expr *e = gen ? analyze_expr(x, q, rt->val) : analyze_condition(x, q, rt->val, "CHECK");
            x->text = saved;
            x->position_offset = saved_offset;
            if (e && ir_contains_aggregate(e)) {
                xlate_error(x, -1, "42803", "aggregate functions are not allowed in %s%s", gen ? "" : "",
                            gen ? "column generation expressions" : "check constraints");
                e = NULL;
            }
            if (e && ir_contains_sublink(e)) {
                xlate_error(x, -1, "0A000", "cannot use subquery in %s", what);
                e = NULL;
            }
            if (e && gen) {
                for (int i = 0; i < t->ncols; i++)
                    if (t->cols[i].generated && &t->cols[i] != gen && ir_references_column(e, i)) {
                        xlate_error(x, -1, "42P17", "cannot use generated column \"%s\" in column generation expression",
                                    t->cols[i].name);
                        pg_error_detail(x->err, "A generated column cannot reference another generated column.");
                        e = NULL;
                        break;
                    }
                if (e && ir_references_column(e, (int)(gen - t->cols))) {
                    xlate_error(x, -1, "42P17", "cannot use generated column \"%s\" in column generation expression",
                                gen->name);
                    pg_error_detail(x->err, "A generated column cannot reference another generated column.");
                    e = NULL;
                }
                if (e && ir_contains_volatile(e)) {
                    xlate_error(x, -1, "42P17", "generation expression is not immutable");
                    e = NULL;
                }
                if (e) {
                    char where[300];
                    snprintf(where, sizeof where, "column \"%s\"", gen->name);
                    e = ir_coerce(x, e, gen->type, gen->typmod, COERCE_ASSIGNMENT, where);
                }
            }
            ok = e && emit_expr_sqlite(x, q, e, out);
        }
    }
    raw_parse_free(&p);
    strbuf_free(&sql);
    return ok;
}

bool ddl_column_value_sql(sql_xlate *x, ddl_table *t, const char *text, pg_oid type, int32_t typmod, const char *column,
                          strbuf *out)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT (%s)", text);
    raw_parse p;
    pg_error perr = {0};
    if (sql.failed || !raw_parse_text(sql.data, &p, NULL, 0, &perr)) {
        xlate_error(x, -1, perr.sqlstate[0] ? perr.sqlstate : "42601", "invalid expression for column \"%s\": %s", column,
                    perr.message ? perr.message : "out of memory");
        pg_error_clear(&perr);
        strbuf_free(&sql);
        return false;
    }
    RawStmt *rs = linitial(p.statements);
    ResTarget *rt = linitial(((SelectStmt *)rs->stmt)->targetList);
    ir_query *q = ir_query_new(x, QUERY_SELECT, NULL);
    const cat_relation *rel = fake_relation(x, t);
    bool ok = false;
    if (q && rel) {
        int rte = analyze_add_relation_rte(x, q, rel, t->name);
        if (rte >= 0 && ir_add_ns(x, q, rte, true, true)) {
            const char *saved = x->text;
            int saved_offset = x->position_offset;
            x->text = sql.data;
            x->position_offset = 0;
            ir_expr *e = analyze_expr(x, q, rt->val);
            x->text = saved;
            x->position_offset = saved_offset;
            if (e && (ir_contains_aggregate(e) || ir_contains_sublink(e))) {
                xlate_error(x, -1, "0A000", "cannot use subquery or aggregate in the value of column \"%s\"", column);
                e = NULL;
            }
            char where[300];
            snprintf(where, sizeof where, "column \"%s\"", column);
            if (e)
                e = ir_coerce(x, e, type, typmod, COERCE_ASSIGNMENT, where);
            ok = e && emit_expr_sqlite(x, q, e, out);
        }
    }
    raw_parse_free(&p);
    strbuf_free(&sql);
    return ok;
}

bool ddl_check_uses_column(sql_xlate *x, ddl_table *t, const char *check_text, int column)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT (%s)", check_text);
    raw_parse p;
    pg_error perr = {0};
    if (sql.failed || !raw_parse_text(sql.data, &p, NULL, 0, &perr)) {
        pg_error_clear(&perr);
        strbuf_free(&sql);
        return false;
    }
    RawStmt *rs = linitial(p.statements);
    ResTarget *rt = linitial(((SelectStmt *)rs->stmt)->targetList);
    ir_query *q = ir_query_new(x, QUERY_SELECT, NULL);
    const cat_relation *rel = fake_relation(x, t);
    bool uses = false;
    if (q && rel) {
        int rte = analyze_add_relation_rte(x, q, rel, t->name);
        if (rte >= 0 && ir_add_ns(x, q, rte, true, true)) {
            const char *saved = x->text;
            int saved_offset = x->position_offset;
            x->text = sql.data;
            x->position_offset = 0;
            ir_expr *e = analyze_expr(x, q, rt->val);
            x->text = saved;
            x->position_offset = saved_offset;
            if (e)
                uses = ir_references_column(e, column);
            else
                pg_error_clear(x->err);
        }
    }
    raw_parse_free(&p);
    strbuf_free(&sql);
    return uses;
}

static const char *fk_action(char a)
{
    switch (a) {
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    case 'r': return "RESTRICT";
    default: return "NO ACTION";
    }
}

static void quoted_list(strbuf *out, const char *const *names, int n)
{
    strbuf_putc(out, '(');
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(out, ", ");
        catalog_quote_ident(names[i], out);
    }
    strbuf_putc(out, ')');
}

bool ddl_sqlite_create_table(sql_xlate *x, ddl_table *t, const char *engine_name, strbuf *out)
{
    /* Which column, if any, becomes the rowid. */
    for (int c = 0; c < t->ncons; c++) {
        ddl_constraint *k = &t->cons[c];
        if (k->type != 'p' || k->nkeys != 1)
            continue;
        for (int i = 0; i < t->ncols; i++)
            if (strcmp(t->cols[i].name, k->keys[0]) == 0 && is_int_type(t->cols[i].type))
                t->cols[i].rowid_pk = true;
    }
    strbuf_puts(out, "CREATE TABLE ");
    catalog_quote_ident(engine_name, out);
    strbuf_puts(out, " (");
    bool first = true;
    for (int i = 0; i < t->ncols; i++) {
        ddl_column *c = &t->cols[i];
        if (!first)
            strbuf_puts(out, ", ");
        first = false;
        catalog_quote_ident(c->name, out);
        if (c->rowid_pk)
            strbuf_puts(out, " INTEGER PRIMARY KEY");
        else {
            strbuf_putc(out, ' ');
            strbuf_puts(out, sqlite_declared_type(c->type));
        }
        if (c->notnull)
            strbuf_puts(out, " NOT NULL");
        if (c->generated) {
            strbuf_puts(out, " GENERATED ALWAYS AS (");
            if (!emit_table_expr(x, t, c->default_text, c, out))
                return false;
            strbuf_puts(out, ") STORED");
        }
    }
    for (int i = 0; i < t->ncons; i++) {
        ddl_constraint *k = &t->cons[i];
        if (k->type == 'p' && k->nkeys == 1) {
            bool rowid = false;
            for (int c = 0; c < t->ncols; c++)
                if (t->cols[c].rowid_pk && strcmp(t->cols[c].name, k->keys[0]) == 0)
                    rowid = true;
            if (rowid)
                continue;
        }
        strbuf_puts(out, ", CONSTRAINT ");
        catalog_quote_ident(k->name, out);
        switch (k->type) {
        case 'p':
            strbuf_puts(out, " PRIMARY KEY ");
            quoted_list(out, k->keys, k->nkeys);
            break;
        case 'u':
            strbuf_puts(out, " UNIQUE ");
            quoted_list(out, k->keys, k->nkeys);
            break;
        case 'c':
            strbuf_puts(out, " CHECK (");
            if (!emit_table_expr(x, t, k->check_text, NULL, out))
                return false;
            strbuf_puts(out, ")");
            break;
        case 'f':
            strbuf_puts(out, " FOREIGN KEY ");
            quoted_list(out, k->keys, k->nkeys);
            strbuf_puts(out, " REFERENCES ");
            catalog_quote_ident(k->ref ? k->ref->engine_name : engine_name, out);
            strbuf_putc(out, ' ');
            quoted_list(out, k->ref_keys, k->nref);
            strbuf_printf(out, " ON UPDATE %s ON DELETE %s", fk_action(k->on_update), fk_action(k->on_delete));
            if (k->deferrable)
                strbuf_puts(out, k->deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE");
            break;
        }
    }
    strbuf_putc(out, ')');
    if (out->failed) {
        pg_error_oom(x->err);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- metadata */

static void literal_or_null(strbuf *b, const char *s)
{
    if (s)
        catalog_quote_literal(s, b);
    else
        strbuf_puts(b, "NULL");
}

/* The table's namespace OID, or (0: a schema created by the same plan, the temporary
 * schema) its lookup by name at execution. */
static void namespace_ref(strbuf *b, const ddl_table *t)
{
    if (t->namespace_oid) {
        strbuf_printf(b, "%u", t->namespace_oid);
        return;
    }
    strbuf_puts(b, "(SELECT oid FROM " CAT_META_NAMESPACE " WHERE nspname = ");
    catalog_quote_literal(t->schema, b);
    strbuf_putc(b, ')');
}

static int column_attnum(ddl_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return t->cols[i].attnum;
    return 0;
}

static void attnum_json(strbuf *b, ddl_table *t, const char *const *names, int n, const cat_relation *ref)
{
    strbuf_putc(b, '\'');
    strbuf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        int attnum = 0;
        if (ref) {
            const cat_column *c = cat_find_column(ref, names[i]);
            attnum = c ? c->attnum : 0;
        } else {
            attnum = column_attnum(t, names[i]);
        }
        strbuf_printf(b, "%s%d", i ? "," : "", attnum);
    }
    strbuf_puts(b, "]'");
}

static void qualified(strbuf *b, const char *schema, const char *name)
{
    if (schema && strcmp(schema, "public") != 0) {
        strbuf_puts(b, schema);
        strbuf_putc(b, '.');
    }
    strbuf_puts(b, name);
}

/* pg_get_constraintdef's spelling. */
static void constraint_def(strbuf *b, ddl_table *t, ddl_constraint *k)
{
    switch (k->type) {
    case 'p':
    case 'u':
        strbuf_puts(b, k->type == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
        for (int i = 0; i < k->nkeys; i++)
            strbuf_printf(b, "%s%s", i ? ", " : "", k->keys[i]);
        strbuf_putc(b, ')');
        break;
    case 'c':
        strbuf_printf(b, "CHECK ((%s))", k->check_text);
        break;
    case 'f':
        strbuf_puts(b, "FOREIGN KEY (");
        for (int i = 0; i < k->nkeys; i++)
            strbuf_printf(b, "%s%s", i ? ", " : "", k->keys[i]);
        strbuf_puts(b, ") REFERENCES ");
        qualified(b, k->ref ? k->ref->schema : t->schema, k->ref ? k->ref->name : t->name);
        strbuf_putc(b, '(');
        for (int i = 0; i < k->nref; i++)
            strbuf_printf(b, "%s%s", i ? ", " : "", k->ref_keys[i]);
        strbuf_putc(b, ')');
        if (k->on_update && k->on_update != 'a')
            strbuf_printf(b, " ON UPDATE %s", fk_action(k->on_update));
        if (k->on_delete && k->on_delete != 'a')
            strbuf_printf(b, " ON DELETE %s", fk_action(k->on_delete));
        if (k->deferrable)
            strbuf_puts(b, k->deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
        break;
    }
}

bool ddl_record_table(sql_xlate *x, sql_plan *p, ddl_table *t, oid_block *oids, int table_slot, char relkind)
{
    strbuf b;
    strbuf_init(&b);
    bool ok = true;
#define FLUSH()                                                                     \
    do {                                                                            \
        if (b.failed) {                                                             \
            pg_error_oom(x->err);                                                   \
            ok = false;                                                             \
        } else if (ok)                                                              \
            ok = ddl_step(x, p, b.data);                                            \
        strbuf_reset(&b);                                                           \
    } while (0)
    strbuf_puts(&b, "INSERT INTO " CAT_META_CLASS " (oid, relnamespace, relname, relkind, engine_name) VALUES (");
    ddl_oid_expr(oids, table_slot, &b);
    strbuf_puts(&b, ", ");
    namespace_ref(&b, t);
    strbuf_puts(&b, ", ");
    catalog_quote_literal(t->name, &b);
    strbuf_printf(&b, ", '%c', ", relkind);
    catalog_quote_literal(t->engine_name, &b);
    strbuf_putc(&b, ')');
    FLUSH();
    for (int i = 0; ok && i < t->ncols; i++) {
        ddl_column *c = &t->cols[i];
        strbuf_puts(&b, "INSERT INTO " CAT_META_ATTRIBUTE
                        " (attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attdefault, attidentity,"
                        " attgenerated) VALUES (");
        ddl_oid_expr(oids, table_slot, &b);
        strbuf_printf(&b, ", %d, ", c->attnum);
        catalog_quote_literal(c->name, &b);
        strbuf_printf(&b, ", %u, %d, %d, ", c->type, c->typmod, c->notnull ? 1 : 0);
        /* An identity column's default is its sequence's nextval (the catalog shows none). */
        literal_or_null(&b, c->default_text);
        strbuf_printf(&b, ", '%s', '%s')", c->identity == 'a' ? "a" : c->identity == 'd' ? "d" : "",
                      c->generated ? "s" : "");
        FLUSH();
        if (!c->sequence_name || !ok)
            continue;
        /* The owned sequence: a relation of kind S, its parameters, its dependency. */
        int slot = oids->used++;
        strbuf_puts(&b, "INSERT INTO " CAT_META_CLASS " (oid, relnamespace, relname, relkind, engine_name) VALUES (");
        ddl_oid_expr(oids, slot, &b);
        strbuf_puts(&b, ", ");
        namespace_ref(&b, t);
        strbuf_puts(&b, ", ");
        catalog_quote_literal(c->sequence_name, &b);
        strbuf_puts(&b, ", 'S', '')");
        FLUSH();
        int64_t max = c->type == PG_OID_INT2 ? 32767 : c->type == PG_OID_INT4 ? 2147483647 : INT64_MAX;
        strbuf_puts(&b, "INSERT INTO " CAT_META_SEQUENCE
                        " (seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, last_value) VALUES (");
        ddl_oid_expr(oids, slot, &b);
        strbuf_printf(&b, ", %u, 1, 1, %lld, 1, 1)", c->type, (long long)max);
        FLUSH();
        strbuf_puts(&b, "INSERT INTO " CAT_META_DEPEND
                        " (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype) VALUES (1259, ");
        ddl_oid_expr(oids, slot, &b);
        strbuf_puts(&b, ", 0, 1259, ");
        ddl_oid_expr(oids, table_slot, &b);
        strbuf_printf(&b, ", %d, '%c')", c->attnum, c->identity ? 'i' : 'a');
        FLUSH();
    }
    for (int i = 0; ok && i < t->ncons; i++) {
        ddl_constraint *k = &t->cons[i];
        int con_slot = oids->used++;
        int index_slot = -1;
        if (k->type == 'p' || k->type == 'u') {
            /* PostgreSQL backs them with an index relation of the same name. */
            index_slot = oids->used++;
            strbuf_puts(&b, "INSERT INTO " CAT_META_CLASS " (oid, relnamespace, relname, relkind, engine_name) VALUES (");
            ddl_oid_expr(oids, index_slot, &b);
            strbuf_puts(&b, ", ");
            namespace_ref(&b, t);
            strbuf_puts(&b, ", ");
            catalog_quote_literal(k->name, &b);
            strbuf_puts(&b, ", 'i', '')");
            FLUSH();
            strbuf_puts(&b, "INSERT INTO " CAT_META_INDEX
                            " (indexrelid, indrelid, indisunique, indisprimary, indkey, definition) VALUES (");
            ddl_oid_expr(oids, index_slot, &b);
            strbuf_puts(&b, ", ");
            ddl_oid_expr(oids, table_slot, &b);
            strbuf_printf(&b, ", 1, %d, ", k->type == 'p');
            attnum_json(&b, t, k->keys, k->nkeys, NULL);
            strbuf_puts(&b, ", ");
            strbuf def;
            strbuf_init(&def);
            strbuf_printf(&def, "CREATE UNIQUE INDEX %s ON %s.%s USING btree (", k->name, t->schema, t->name);
            for (int j = 0; j < k->nkeys; j++)
                strbuf_printf(&def, "%s%s", j ? ", " : "", k->keys[j]);
            strbuf_putc(&def, ')');
            literal_or_null(&b, def.data);
            strbuf_free(&def);
            strbuf_putc(&b, ')');
            FLUSH();
        }
        strbuf_puts(&b, "INSERT INTO " CAT_META_CONSTRAINT
                        " (oid, conname, connamespace, contype, conrelid, conindid, confrelid, conkey, confkey,"
                        " confupdtype, confdeltype, confmatchtype, condef) VALUES (");
        ddl_oid_expr(oids, con_slot, &b);
        strbuf_puts(&b, ", ");
        catalog_quote_literal(k->name, &b);
        strbuf_puts(&b, ", ");
        namespace_ref(&b, t);
        strbuf_printf(&b, ", '%c', ", k->type);
        ddl_oid_expr(oids, table_slot, &b);
        strbuf_puts(&b, ", ");
        if (index_slot >= 0)
            ddl_oid_expr(oids, index_slot, &b);
        else
            strbuf_puts(&b, "0");
        strbuf_puts(&b, ", ");
        if (k->type == 'f') {
            if (k->ref)
                strbuf_printf(&b, "%u", k->ref->oid);
            else
                ddl_oid_expr(oids, table_slot, &b);
        } else {
            strbuf_puts(&b, "0");
        }
        strbuf_puts(&b, ", ");
        if (k->type == 'c') {
            strbuf_puts(&b, "NULL");
        } else {
            attnum_json(&b, t, k->keys, k->nkeys, NULL);
        }
        strbuf_puts(&b, ", ");
        if (k->type == 'f')
            attnum_json(&b, t, k->ref_keys, k->nref, k->ref);
        else
            strbuf_puts(&b, "NULL");
        strbuf_printf(&b, ", '%c', '%c', '%c', ", k->type == 'f' ? (k->on_update ? k->on_update : 'a') : ' ',
                      k->type == 'f' ? (k->on_delete ? k->on_delete : 'a') : ' ',
                      k->type == 'f' ? (k->match ? k->match : 's') : ' ');
        strbuf def;
        strbuf_init(&def);
        constraint_def(&def, t, k);
        literal_or_null(&b, def.data);
        strbuf_free(&def);
        strbuf_putc(&b, ')');
        FLUSH();
    }
#undef FLUSH
    strbuf_free(&b);
    return ok;
}

/* ---------------------------------------------------------------- rebuilds */

bool ddl_table_from_catalog(sql_xlate *x, const cat_relation *rel, ddl_table *t)
{
    memset(t, 0, sizeof *t);
    t->schema = rel->schema;
    t->namespace_oid = rel->namespace_oid;
    t->name = rel->name;
    t->engine_name = rel->engine_name;
    t->cols = xlate_alloc(x, sizeof *t->cols * (size_t)(rel->ncolumns + 8));
    t->cols_cap = rel->ncolumns + 8;
    t->cons = xlate_alloc(x, sizeof *t->cons * (size_t)(rel->nconstraints + 8));
    t->cons_cap = rel->nconstraints + 8;
    if (!t->cols || !t->cons)
        return false;
    int16_t max_attnum = 0;
    for (int i = 0; i < rel->ncolumns; i++) {
        const cat_column *c = &rel->columns[i];
        ddl_column *d = &t->cols[t->ncols++];
        d->name = c->name;
        d->type = c->type;
        d->typmod = c->typmod;
        d->notnull = c->notnull;
        d->default_text = c->default_expr;
        d->identity = c->identity;
        d->generated = c->generated;
        d->attnum = c->attnum;
        d->copy_from = c->generated ? NULL : c->name;   /* the engine computes it */
        if (c->attnum > max_attnum)
            max_attnum = c->attnum;
    }
    t->next_attnum = (int16_t)(max_attnum + 1);
    for (int i = 0; i < rel->nconstraints; i++) {
        const cat_constraint *c = &rel->constraints[i];
        ddl_constraint *k = &t->cons[t->ncons++];
        k->type = c->type;
        k->name = c->name;
        k->nkeys = c->nkeys;
        k->keys = xlate_alloc(x, sizeof *k->keys * (size_t)(c->nkeys + 1));
        if (!k->keys)
            return false;
        for (int j = 0; j < c->nkeys; j++) {
            k->keys[j] = "?";
            for (int col = 0; col < rel->ncolumns; col++)
                if (rel->columns[col].attnum == c->keys[j])
                    k->keys[j] = rel->columns[col].name;
        }
        if (c->type == 'c' && c->definition) {
            /* "CHECK ((expr))" → expr */
            const char *d = c->definition;
            size_t len = strlen(d);
            if (len > 10 && strncmp(d, "CHECK ((", 8) == 0)
                k->check_text = xlate_strdup(x, arena_strndup(x->mem, d + 8, len - 10));
            else
                k->check_text = d;
        }
        if (c->type == 'f') {
            const cat_relation *ref = cat_relation_by_oid(x->catalog, c->ref_relation);
            k->ref = ref && ref != rel ? ref : NULL;
            const cat_relation *target = ref ? ref : rel;
            k->nref = c->nkeys;
            k->ref_keys = xlate_alloc(x, sizeof *k->ref_keys * (size_t)(c->nkeys + 1));
            if (!k->ref_keys)
                return false;
            for (int j = 0; j < c->nkeys; j++) {
                k->ref_keys[j] = "?";
                for (int col = 0; col < target->ncolumns; col++)
                    if (c->ref_keys && target->columns[col].attnum == c->ref_keys[j])
                        k->ref_keys[j] = target->columns[col].name;
            }
            k->on_update = c->on_update;
            k->on_delete = c->on_delete;
            k->match = c->match_type;
        }
    }
    return true;
}

bool ddl_forget_relation(sql_xlate *x, sql_plan *p, const cat_relation *rel)
{
    /* Owned sequences and index relations first (they hang on this relation). */
    return ddl_stepf(x, p,
                     "DELETE FROM " CAT_META_CLASS " WHERE oid IN (SELECT objid FROM " CAT_META_DEPEND
                     " WHERE refobjid = %u AND deptype IN ('a', 'i'))", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_SEQUENCE " WHERE seqrelid IN (SELECT objid FROM " CAT_META_DEPEND
                           " WHERE refobjid = %u AND deptype IN ('a', 'i'))", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid IN (SELECT indexrelid FROM " CAT_META_INDEX
                           " WHERE indrelid = %u)", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_INDEX " WHERE indrelid = %u", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_CONSTRAINT " WHERE conrelid = %u", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_ATTRIBUTE " WHERE attrelid = %u", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_DESCRIPTION " WHERE objoid = %u", rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_DEPEND " WHERE refobjid = %u OR objid = %u", rel->oid, rel->oid) &&
           ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid = %u", rel->oid);
}

/* SQLite cannot add or drop constraints or change a column's type in place: build the new
 * table beside the old, copy the rows, swap.  The swap renames with legacy_alter_table on,
 * so that views keep naming the table; other tables' foreign keys, which SQLite renames
 * anyway, are pointed back at it; the old copy is then dropped under a name nothing
 * references: its implicit DELETE fires no ON DELETE action of another table. */
bool ddl_rebuild_table(sql_xlate *x, sql_plan *p, const cat_relation *rel, ddl_table *t, oid_block *oids)
{
    strbuf tmpname;
    strbuf_init(&tmpname);
    strbuf_printf(&tmpname, "_pgwire_rebuild_%s", rel->engine_name);
    strbuf sql;
    strbuf_init(&sql);
    bool ok = !tmpname.failed && ddl_sqlite_create_table(x, t, tmpname.data, &sql) && ddl_step(x, p, sql.data);
    if (ok) {
        strbuf_reset(&sql);
        strbuf_puts(&sql, "INSERT INTO ");
        catalog_quote_ident(tmpname.data, &sql);
        strbuf_puts(&sql, " (");
        int n = 0;
        for (int i = 0; i < t->ncols; i++) {
            if (!t->cols[i].copy_from)
                continue;
            strbuf_puts(&sql, n++ ? ", " : "");
            catalog_quote_ident(t->cols[i].name, &sql);
        }
        strbuf_puts(&sql, ") SELECT ");
        n = 0;
        for (int i = 0; i < t->ncols; i++) {
            if (!t->cols[i].copy_from)
                continue;
            strbuf_puts(&sql, n++ ? ", " : "");
            if (t->cols[i].copy_is_expression)
                strbuf_puts(&sql, t->cols[i].copy_from);
            else
                catalog_quote_ident(t->cols[i].copy_from, &sql);
        }
        strbuf_puts(&sql, " FROM ");
        catalog_quote_ident(rel->engine_name, &sql);
        ok = ddl_step(x, p, sql.data);
    }
    strbuf oldname;
    strbuf_init(&oldname);
    strbuf_printf(&oldname, "_pgwire_old_%s", rel->engine_name);
    if (ok)
        ok = !oldname.failed && ddl_step(x, p, "PRAGMA legacy_alter_table = ON");
    if (ok) {
        strbuf_reset(&sql);
        strbuf_puts(&sql, "ALTER TABLE ");
        catalog_quote_ident(rel->engine_name, &sql);
        strbuf_puts(&sql, " RENAME TO ");
        catalog_quote_ident(oldname.data, &sql);
        ok = ddl_step(x, p, sql.data);
    }
    if (ok) {
        strbuf_reset(&sql);
        strbuf_puts(&sql, "ALTER TABLE ");
        catalog_quote_ident(tmpname.data, &sql);
        strbuf_puts(&sql, " RENAME TO ");
        catalog_quote_ident(rel->engine_name, &sql);
        ok = ddl_step(x, p, sql.data);
    }
    if (ok)
        ok = ddl_step(x, p, "PRAGMA legacy_alter_table = OFF");
    if (ok) {
        /* With foreign keys enforced SQLite rewrites other tables' REFERENCES on a rename
         * even in legacy mode, and PRAGMA foreign_keys cannot change inside a transaction:
         * point them back at the table's name (the old copy's name is unique to this plan),
         * and reload the schema, so that dropping the old copy deletes nothing elsewhere. */
        strbuf from, to;
        strbuf_init(&from);
        strbuf_init(&to);
        catalog_quote_ident(oldname.data, &from);
        catalog_quote_ident(rel->engine_name, &to);
        strbuf_reset(&sql);
        strbuf_puts(&sql, "UPDATE sqlite_schema SET sql = replace(sql, ");
        catalog_quote_literal(from.data ? from.data : "", &sql);
        strbuf_puts(&sql, ", ");
        catalog_quote_literal(to.data ? to.data : "", &sql);
        strbuf_puts(&sql, ") WHERE type = 'table' AND tbl_name <> ");
        catalog_quote_literal(oldname.data, &sql);
        strbuf_puts(&sql, " AND instr(sql, ");
        catalog_quote_literal(from.data ? from.data : "", &sql);
        strbuf_puts(&sql, ") > 0");
        ok = !from.failed && !to.failed && ddl_step(x, p, "PRAGMA writable_schema = ON") && ddl_step(x, p, sql.data) &&
             ddl_step(x, p, "PRAGMA writable_schema = RESET");
        strbuf_free(&from);
        strbuf_free(&to);
    }
    if (ok) {
        strbuf_reset(&sql);
        strbuf_puts(&sql, "DROP TABLE ");
        catalog_quote_ident(oldname.data, &sql);
        ok = ddl_step(x, p, sql.data);
    }
    strbuf_free(&oldname);
    /* Indexes that are not constraints are recreated from their definitions' engine SQL. */
    for (int i = 0; ok && i < rel->nindexes; i++) {
        const cat_index *ix = &rel->indexes[i];
        if (!ix->engine_name || !*ix->engine_name)
            continue;
        strbuf_reset(&sql);
        strbuf_printf(&sql, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
        catalog_quote_ident(ix->engine_name, &sql);
        strbuf_puts(&sql, " ON ");
        catalog_quote_ident(rel->engine_name, &sql);
        strbuf_puts(&sql, " (");
        for (int k = 0; k < ix->nkeys; k++) {
            const char *name = NULL;
            for (int c = 0; c < t->ncols; c++)
                if (t->cols[c].attnum == ix->keys[k])
                    name = t->cols[c].name;
            if (!name) {
                xlate_error(x, -1, "0A000", "index \"%s\" depends on a changed column; drop it first", ix->name);
                ok = false;
                break;
            }
            strbuf_puts(&sql, k ? ", " : "");
            catalog_quote_ident(name, &sql);
        }
        strbuf_putc(&sql, ')');
        ok = ok && ddl_step(x, p, sql.data);
    }
    /* Metadata: forget the old description, record the new one under the same OID. */
    if (ok) {
        ok = ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid IN (SELECT indexrelid FROM " CAT_META_INDEX
                             " WHERE indrelid = %u AND indexrelid IN (SELECT conindid FROM " CAT_META_CONSTRAINT
                             " WHERE conrelid = %u))", rel->oid, rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_INDEX " WHERE indrelid = %u AND indexrelid IN (SELECT conindid FROM "
                             CAT_META_CONSTRAINT " WHERE conrelid = %u)", rel->oid, rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_CONSTRAINT " WHERE conrelid = %u", rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_ATTRIBUTE " WHERE attrelid = %u", rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid = %u", rel->oid);
    }
    /* Re-record with the table's own OID (slot -1 means a literal OID): done by the caller
     * through ddl_record_table with a block whose table slot is fixed. */
    strbuf_free(&sql);
    strbuf_free(&tmpname);
    UNUSED(oids);
    return ok;
}
