/*
 * ddl.c — CREATE / ALTER / DROP translated into engine DDL plus metadata, as one plan run
 * in one engine transaction.  PostgreSQL's names (t_pkey, t_col_key, t_col_fkey,
 * t_col_check, t_col_seq, t_col_idx), its errors (42P07, 42701, 42P16, 42830, 2BP01 ...) and
 * its notices ("... already exists, skipping") are reproduced.
 *
 * Plans here are never cached: they are built against the catalog of the moment.
 */
#include "sql/ddl.h"
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

sql_plan *ddl_plan(sql_xlate *x, const char *command)
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
    return p;
}

sql_plan *ddl_noop_plan(sql_xlate *x, const char *command)
{
    sql_plan *p = plan_new(PLAN_UTILITY, command);
    if (!p)
        pg_error_oom(x->err);
    else
        p->utility = UTIL_NOOP;
    x->uncacheable = true;
    return p;
}

bool ddl_reserve_oids(sql_xlate *x, sql_plan *p, oid_block *b, int count)
{
    b->count = count;
    b->used = 1;
    return ddl_stepf(x, p, "UPDATE " CAT_META_MISC " SET value = value + %d WHERE key = 'next_oid'", count);
}

static const char *tname(pg_oid t)
{
    const pg_type_info *ti = types_by_oid(t);
    return ti ? ti->sql_name : "unknown";
}

/* ---------------------------------------------------------------- CREATE TABLE */

static ddl_column *add_column(sql_xlate *x, ddl_table *t)
{
    if (t->ncols == t->cols_cap) {
        int cap = t->cols_cap ? t->cols_cap * 2 : 16;
        ddl_column *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        if (t->ncols)
            memcpy(grown, t->cols, sizeof *grown * (size_t)t->ncols);
        t->cols = grown;
        t->cols_cap = cap;
    }
    ddl_column *c = &t->cols[t->ncols++];
    memset(c, 0, sizeof *c);
    return c;
}

static ddl_constraint *add_constraint(sql_xlate *x, ddl_table *t)
{
    if (t->ncons == t->cons_cap) {
        int cap = t->cons_cap ? t->cons_cap * 2 : 8;
        ddl_constraint *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        if (t->ncons)
            memcpy(grown, t->cons, sizeof *grown * (size_t)t->ncons);
        t->cons = grown;
        t->cons_cap = cap;
    }
    ddl_constraint *k = &t->cons[t->ncons++];
    memset(k, 0, sizeof *k);
    return k;
}

static ddl_column *find_col(ddl_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
    return NULL;
}

/* Type of a column definition: serial types are int + sequence + default. */
static bool column_type(sql_xlate *x, TypeName *tn, pg_oid *type, int32_t *typmod, bool *serial)
{
    *serial = false;
    const char *name = name_list_last(tn->names);
    if (name && list_length(tn->names) == 1 && !tn->arrayBounds) {
        static const struct { const char *name; pg_oid type; } serials[] = {
            {"serial", PG_OID_INT4}, {"serial4", PG_OID_INT4}, {"bigserial", PG_OID_INT8},
            {"serial8", PG_OID_INT8}, {"smallserial", PG_OID_INT2}, {"serial2", PG_OID_INT2},
        };
        for (size_t i = 0; i < ARRAY_LEN(serials); i++)
            if (strcmp(name, serials[i].name) == 0) {
                *type = serials[i].type;
                *typmod = -1;
                *serial = true;
                return true;
            }
    }
    return analyze_type_name(x, (Node *)tn, type, typmod);
}

/* Check that a default expression's text is valid for the column's type. */
static bool check_default(sql_xlate *x, const char *text, pg_oid type, int32_t typmod, const char *column, int location)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT %s", text);
    raw_parse p;
    pg_error perr = {0};
    if (sql.failed || !raw_parse_text(sql.data, &p, NULL, 0, &perr)) {
        pg_error_clear(&perr);
        strbuf_free(&sql);
        xlate_error(x, location, "42601", "invalid default expression for column \"%s\"", column);
        return false;
    }
    ResTarget *rt = linitial(((SelectStmt *)((RawStmt *)linitial(p.statements))->stmt)->targetList);
    ir_query *q = ir_query_new(x, QUERY_SELECT, NULL);
    const char *saved = x->text;
    int saved_offset = x->position_offset;
    x->text = sql.data;
    x->position_offset = 0;
    ir_expr *e = q ? analyze_expr(x, q, rt->val) : NULL;
    x->text = saved;
    x->position_offset = saved_offset;
    if (e && e->kind == IRE_COLUMN) {
        xlate_error(x, location, "0A000", "cannot use column reference in DEFAULT expression");
        e = NULL;
    }
    bool ok = false;
    if (e) {
        char what[300];
        snprintf(what, sizeof what, "column \"%s\"", column);
        ok = ir_coerce(x, e, type, typmod, COERCE_ASSIGNMENT, what) != NULL;
    }
    if (!ok && x->err->position)
        x->err->position = location >= 0 ? xlate_char_position(x, location) + x->position_offset : 0;
    raw_parse_free(&p);
    strbuf_free(&sql);
    return ok;
}

static const char **string_list(sql_xlate *x, List *l, int *n)
{
    *n = list_length(l);
    const char **out = xlate_alloc(x, sizeof *out * (size_t)(*n + 1));
    if (!out)
        return NULL;
    int i = 0;
    ListCell *lc;
    foreach (lc, l)
        out[i++] = strVal(lfirst(lc));
    return out;
}

static char fk_action_code(char c)
{
    /* gram.y's codes are PostgreSQL's: a no action, r restrict, c cascade, n set null, d default */
    return c ? c : 'a';
}

static bool apply_constraint(sql_xlate *x, ddl_table *t, Constraint *c, ddl_column *col)
{
    switch (c->contype) {
    case CONSTR_NULL:
        if (col)
            col->notnull = false;
        return true;
    case CONSTR_NOTNULL:
        if (col)
            col->notnull = true;
        return true;
    case CONSTR_DEFAULT:
        if (!col)
            return true;
        if (col->generated) {
            xlate_error(x, c->location, "42601", "both default and generation expression specified for column \"%s\" of table \"%s\"",
                        col->name, t->name);
            return false;
        }
        if (col->default_text) {
            xlate_error(x, c->location, "42601", "multiple default values specified for column \"%s\" of table \"%s\"",
                        col->name, t->name);
            return false;
        }
        col->default_text = scan_expression(x->text, exprLocation(c->raw_expr));
        if (!col->default_text) {
            xlate_error(x, c->location, "42601", "could not read the default expression of column \"%s\"", col->name);
            return false;
        }
        {
            char *copy = xlate_strdup(x, col->default_text);
            free((char *)col->default_text);
            col->default_text = copy;
        }
        return check_default(x, col->default_text, col->type, col->typmod, col->name, exprLocation(c->raw_expr));
    case CONSTR_IDENTITY:
        if (!col)
            return true;
        if (col->type != PG_OID_INT2 && col->type != PG_OID_INT4 && col->type != PG_OID_INT8) {
            xlate_error(x, c->location, "22023", "identity column type must be smallint, integer, or bigint");
            return false;
        }
        col->identity = c->generated_when == ATTRIBUTE_IDENTITY_ALWAYS ? 'a' : 'd';
        col->notnull = true;
        col->sequence_name = ddl_choose_name(x, t->schema, t->name, col->name, "seq", t);
        return true;
    case CONSTR_GENERATED:
        if (!col)
            return true;
        if (col->identity) {
            xlate_error(x, c->location, "42601", "both identity and generation expression specified for column \"%s\" of table \"%s\"",
                        col->name, t->name);
            return false;
        }
        if (col->default_text) {
            xlate_error(x, c->location, "42601", "both default and generation expression specified for column \"%s\" of table \"%s\"",
                        col->name, t->name);
            return false;
        }
        if (c->generated_when != ATTRIBUTE_IDENTITY_ALWAYS) {
            xlate_error(x, c->location, "42601", "for a generated column, GENERATED ALWAYS must be specified");
            return false;
        }
        {
            char *text = scan_expression(x->text, exprLocation(c->raw_expr));
            if (!text) {
                xlate_error(x, c->location, "42601", "could not read the generation expression of column \"%s\"", col->name);
                return false;
            }
            col->default_text = xlate_strdup(x, text);
            free(text);
        }
        col->generated = 's';
        return true;
    case CONSTR_CHECK: {
        ddl_constraint *k = add_constraint(x, t);
        if (!k)
            return false;
        k->type = 'c';
        k->location = c->location;
        char *text = scan_parenthesized(x->text, c->location);
        if (!text) {
            xlate_error(x, c->location, "42601", "could not read the CHECK expression");
            return false;
        }
        k->check_text = xlate_strdup(x, text);
        free(text);
        k->name = c->conname ? xlate_strdup(x, c->conname)
                             : ddl_choose_name(x, t->schema, t->name, col ? col->name : NULL, "check", t);
        return true;
    }
    case CONSTR_PRIMARY:
    case CONSTR_UNIQUE: {
        ddl_constraint *k = add_constraint(x, t);
        if (!k)
            return false;
        k->type = c->contype == CONSTR_PRIMARY ? 'p' : 'u';
        k->location = c->location;
        if (col) {
            k->nkeys = 1;
            k->keys = xlate_alloc(x, sizeof *k->keys);
            if (!k->keys)
                return false;
            k->keys[0] = col->name;
        } else {
            k->keys = string_list(x, c->keys, &k->nkeys);
            if (!k->keys)
                return false;
        }
        k->name = c->conname ? xlate_strdup(x, c->conname) : NULL;   /* named after all columns are known */
        return true;
    }
    case CONSTR_FOREIGN: {
        ddl_constraint *k = add_constraint(x, t);
        if (!k)
            return false;
        k->type = 'f';
        k->location = c->location;
        if (col) {
            k->nkeys = 1;
            k->keys = xlate_alloc(x, sizeof *k->keys);
            if (!k->keys)
                return false;
            k->keys[0] = col->name;
        } else {
            k->keys = string_list(x, c->fk_attrs, &k->nkeys);
        }
        k->ref_keys = string_list(x, c->pk_attrs, &k->nref);
        RangeVar *pk = c->pktable;
        bool self = strcmp(pk->relname, t->name) == 0 && (!pk->schemaname || strcmp(pk->schemaname, t->schema) == 0);
        if (!self) {
            k->ref = analyze_find_relation(x, pk->schemaname, pk->relname, pk->location, false);
            if (!k->ref)
                return false;
            if (k->ref->kind != 'r') {
                xlate_error(x, pk->location, "42809", "referenced relation \"%s\" is not a table", pk->relname);
                return false;
            }
        }
        k->on_update = fk_action_code(c->fk_upd_action);
        k->on_delete = fk_action_code(c->fk_del_action);
        k->match = c->fk_matchtype ? c->fk_matchtype : 's';
        k->deferrable = c->deferrable;
        k->deferred = c->initdeferred;
        k->name = c->conname ? xlate_strdup(x, c->conname) : NULL;
        return true;
    }
    case CONSTR_ATTR_DEFERRABLE:
    case CONSTR_ATTR_NOT_DEFERRABLE:
    case CONSTR_ATTR_DEFERRED:
    case CONSTR_ATTR_IMMEDIATE:
        /* Modifiers of the previous constraint. */
        if (t->ncons > 0) {
            ddl_constraint *k = &t->cons[t->ncons - 1];
            if (c->contype == CONSTR_ATTR_DEFERRABLE)
                k->deferrable = true;
            else if (c->contype == CONSTR_ATTR_DEFERRED)
                k->deferred = k->deferrable = true;
        }
        return true;
    default:
        xlate_error(x, c->location, "0A000", "this kind of constraint is not supported");
        return false;
    }
}

/* Names, keys, referenced keys and types, once every column is known. */
static bool finish_constraints(sql_xlate *x, ddl_table *t)
{
    int pk = -1;
    for (int i = 0; i < t->ncons; i++) {
        ddl_constraint *k = &t->cons[i];
        if (k->type == 'p') {
            if (pk >= 0) {
                xlate_error(x, k->location, "42P16", "multiple primary keys for table \"%s\" are not allowed", t->name);
                return false;
            }
            pk = i;
        }
        for (int j = 0; j < k->nkeys; j++) {
            ddl_column *c = find_col(t, k->keys[j]);
            if (!c) {
                xlate_error(x, k->location, "42703", "column \"%s\" named in key does not exist", k->keys[j]);
                return false;
            }
            if (k->type == 'p')
                c->notnull = true;
        }
    }
    for (int i = 0; i < t->ncons; i++) {
        ddl_constraint *k = &t->cons[i];
        if (k->name)
            continue;
        if (k->type == 'p') {
            k->name = ddl_choose_name(x, t->schema, t->name, NULL, "pkey", t);
        } else if (k->type == 'u' || k->type == 'f') {
            /* Column names joined with '_' (PostgreSQL's ChooseIndexColumnNames). */
            strbuf cols;
            strbuf_init(&cols);
            for (int j = 0; j < k->nkeys; j++)
                strbuf_printf(&cols, "%s%s", j ? "_" : "", k->keys[j]);
            k->name = ddl_choose_name(x, t->schema, t->name, cols.data ? cols.data : "", k->type == 'u' ? "key" : "fkey", t);
            strbuf_free(&cols);
        }
        if (!k->name)
            return false;
    }
    for (int i = 0; i < t->ncons; i++) {
        ddl_constraint *k = &t->cons[i];
        if (k->type != 'f')
            continue;
        /* Referenced columns: given, or the referenced table's primary key. */
        if (!k->nref) {
            if (k->ref) {
                const cat_constraint *rpk = NULL;
                for (int j = 0; j < k->ref->nconstraints; j++)
                    if (k->ref->constraints[j].type == 'p')
                        rpk = &k->ref->constraints[j];
                if (!rpk) {
                    xlate_error(x, k->location, "42830", "there is no primary key for referenced table \"%s\"", k->ref->name);
                    return false;
                }
                k->nref = rpk->nkeys;
                k->ref_keys = xlate_alloc(x, sizeof *k->ref_keys * (size_t)(rpk->nkeys + 1));
                if (!k->ref_keys)
                    return false;
                for (int j = 0; j < rpk->nkeys; j++)
                    for (int c = 0; c < k->ref->ncolumns; c++)
                        if (k->ref->columns[c].attnum == rpk->keys[j])
                            k->ref_keys[j] = k->ref->columns[c].name;
            } else if (pk >= 0) {
                k->nref = t->cons[pk].nkeys;
                k->ref_keys = t->cons[pk].keys;
            } else {
                xlate_error(x, k->location, "42830", "there is no primary key for referenced table \"%s\"", t->name);
                return false;
            }
        }
        if (k->nref != k->nkeys) {
            xlate_error(x, k->location, "42830", "number of referencing and referenced columns for foreign key disagree");
            return false;
        }
        /* The referenced columns must be exactly a unique or primary key. */
        bool unique = false;
        if (k->ref) {
            for (int j = 0; j < k->ref->nconstraints && !unique; j++) {
                const cat_constraint *rc = &k->ref->constraints[j];
                if ((rc->type != 'p' && rc->type != 'u') || rc->nkeys != k->nref)
                    continue;
                bool all = true;
                for (int a = 0; a < k->nref && all; a++) {
                    const cat_column *col = cat_find_column(k->ref, k->ref_keys[a]);
                    bool found = false;
                    for (int b = 0; col && b < rc->nkeys; b++)
                        if (rc->keys[b] == col->attnum)
                            found = true;
                    all = found;
                }
                unique = all;
            }
        } else {
            for (int j = 0; j < t->ncons && !unique; j++) {
                ddl_constraint *rc = &t->cons[j];
                if ((rc->type != 'p' && rc->type != 'u') || rc->nkeys != k->nref)
                    continue;
                bool all = true;
                for (int a = 0; a < k->nref && all; a++) {
                    bool found = false;
                    for (int b = 0; b < rc->nkeys; b++)
                        if (strcmp(rc->keys[b], k->ref_keys[a]) == 0)
                            found = true;
                    all = found;
                }
                unique = all;
            }
        }
        if (!unique) {
            xlate_error(x, k->location, "42830", "there is no unique constraint matching given keys for referenced table \"%s\"",
                        k->ref ? k->ref->name : t->name);
            return false;
        }
        for (int a = 0; a < k->nkeys; a++) {
            ddl_column *mine = find_col(t, k->keys[a]);
            pg_oid theirs;
            if (k->ref) {
                const cat_column *rc = cat_find_column(k->ref, k->ref_keys[a]);
                if (!rc) {
                    xlate_error(x, k->location, "42703", "column \"%s\" referenced in foreign key constraint does not exist",
                                k->ref_keys[a]);
                    return false;
                }
                theirs = rc->type;
            } else {
                ddl_column *rc = find_col(t, k->ref_keys[a]);
                if (!rc) {
                    xlate_error(x, k->location, "42703", "column \"%s\" referenced in foreign key constraint does not exist",
                                k->ref_keys[a]);
                    return false;
                }
                theirs = rc->type;
            }
            pg_oid pair[2] = {mine->type, theirs};
            if (sql_common_type(pair, 2) == PG_OID_INVALID) {
                xlate_error(x, k->location, "42804", "foreign key constraint \"%s\" cannot be implemented", k->name);
                pg_error_detail(x->err, "Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
                                mine->name, k->ref_keys[a], tname(mine->type), tname(theirs));
                return false;
            }
        }
    }
    return true;
}

/* LIKE source [INCLUDING ...]: the source's columns with their types and NOT NULL, and as
 * asked its defaults, generation expressions, identity, CHECK constraints and unique /
 * primary keys (which get this table's names, as PostgreSQL's indexes do). */
static bool like_table(sql_xlate *x, ddl_table *t, TableLikeClause *like)
{
    RangeVar *rv = like->relation;
    const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, false);
    if (!rel)
        return false;
    if (rel->kind != 'r' && rel->kind != 'v') {
        xlate_error(x, rv->location, "42809", "\"%s\" is not a table, view, materialized view, composite type, or foreign table",
                    rel->name);
        return false;
    }
    ddl_table src;
    if (!ddl_table_from_catalog(x, rel, &src))
        return false;
    bits32 o = like->options;
    for (int i = 0; i < src.ncols; i++) {
        const ddl_column *from = &src.cols[i];
        if (find_col(t, from->name)) {
            xlate_error(x, rv->location, "42701", "column \"%s\" specified more than once", from->name);
            return false;
        }
        ddl_column *c = add_column(x, t);
        if (!c)
            return false;
        c->name = from->name;
        c->type = from->type;
        c->typmod = from->typmod;
        c->notnull = from->notnull;
        c->attnum = t->next_attnum++;
        if (from->generated && (o & CREATE_TABLE_LIKE_GENERATED)) {
            c->generated = 's';
            c->default_text = from->default_text;
        } else if (from->identity && (o & CREATE_TABLE_LIKE_IDENTITY)) {
            c->identity = from->identity;
            c->sequence_name = ddl_choose_name(x, t->schema, t->name, c->name, "seq", t);
            strbuf d;
            strbuf_init(&d);
            strbuf_puts(&d, "nextval('");
            if (strcmp(t->schema, "public") != 0)
                strbuf_printf(&d, "%s.", t->schema);
            strbuf_printf(&d, "%s'::regclass)", c->sequence_name);
            c->default_text = xlate_strdup(x, d.data);
            strbuf_free(&d);
        } else if (!from->generated && !from->identity && (o & CREATE_TABLE_LIKE_DEFAULTS))
            c->default_text = from->default_text;
    }
    for (int i = 0; i < src.ncons; i++) {
        const ddl_constraint *from = &src.cons[i];
        bool want = (from->type == 'c' && (o & CREATE_TABLE_LIKE_CONSTRAINTS)) ||
                    ((from->type == 'p' || from->type == 'u') && (o & CREATE_TABLE_LIKE_INDEXES));
        if (!want)
            continue;
        ddl_constraint *k = add_constraint(x, t);
        if (!k)
            return false;
        *k = *from;
        k->location = rv->location;
        if (from->type == 'p')
            k->name = ddl_choose_name(x, t->schema, t->name, NULL, "pkey", t);
        else if (from->type == 'u')
            k->name = ddl_choose_name(x, t->schema, t->name, from->nkeys == 1 ? from->keys[0] : NULL, "key", t);
    }
    return true;
}

static bool build_table(sql_xlate *x, CreateStmt *cs, const char *schema, ddl_table *t)
{
    memset(t, 0, sizeof *t);
    t->schema = schema;
    const cat_namespace *ns = cat_find_namespace(x->catalog, schema);
    t->namespace_oid = ns ? ns->oid : 0;   /* 0: created by this plan (the temporary schema) */
    t->name = xlate_strdup(x, cs->relation->relname);
    strbuf en;
    strbuf_init(&en);
    catalog_engine_table_name(schema, t->name, &en);
    t->engine_name = xlate_strdup(x, en.data ? en.data : t->name);
    strbuf_free(&en);
    t->next_attnum = 1;
    ListCell *lc;
    foreach (lc, cs->tableElts) {
        Node *n = lfirst(lc);
        if (IsA(n, ColumnDef)) {
            ColumnDef *cd = (ColumnDef *)n;
            if (find_col(t, cd->colname)) {
                xlate_error(x, cd->location, "42701", "column \"%s\" specified more than once", cd->colname);
                return false;
            }
            ddl_column *c = add_column(x, t);
            if (!c)
                return false;
            c->name = xlate_strdup(x, cd->colname);
            c->attnum = t->next_attnum++;
            bool serial;
            if (!column_type(x, cd->typeName, &c->type, &c->typmod, &serial))
                return false;
            if (cd->is_not_null)
                c->notnull = true;
            ListCell *cc;
            foreach (cc, cd->constraints)
                if (!apply_constraint(x, t, lfirst_node(Constraint, cc), c))
                    return false;
            if (serial) {
                if (c->default_text) {
                    xlate_error(x, cd->location, "42601", "multiple default values specified for column \"%s\" of table \"%s\"",
                                c->name, t->name);
                    return false;
                }
                c->sequence_name = ddl_choose_name(x, t->schema, t->name, c->name, "seq", t);
                c->notnull = true;
                strbuf d;
                strbuf_init(&d);
                strbuf_puts(&d, "nextval('");
                if (strcmp(t->schema, "public") != 0)
                    strbuf_printf(&d, "%s.", t->schema);
                strbuf_printf(&d, "%s'::regclass)", c->sequence_name);
                c->default_text = xlate_strdup(x, d.data);
                strbuf_free(&d);
            }
            if (c->identity) {
                strbuf d;
                strbuf_init(&d);
                strbuf_puts(&d, "nextval('");
                if (strcmp(t->schema, "public") != 0)
                    strbuf_printf(&d, "%s.", t->schema);
                strbuf_printf(&d, "%s'::regclass)", c->sequence_name);
                c->default_text = xlate_strdup(x, d.data);
                strbuf_free(&d);
            }
        } else if (IsA(n, Constraint)) {
            if (!apply_constraint(x, t, (Constraint *)n, NULL))
                return false;
        } else if (IsA(n, TableLikeClause)) {
            if (!like_table(x, t, (TableLikeClause *)n))
                return false;
        } else {
            xlate_error(x, -1, "0A000", "this CREATE TABLE element is not supported");
            return false;
        }
    }
    return finish_constraints(x, t);
}

static bool create_table(sql_xlate *x, CreateStmt *cs, sql_plan **out)
{
    if (cs->inhRelations || cs->partspec || cs->partbound || cs->ofTypename) {
        xlate_error(x, cs->relation->location, "0A000", "table inheritance and partitioning are not supported");
        return false;
    }
    bool temp = cs->relation->relpersistence == 't';
    if (temp && cs->relation->schemaname && strcmp(cs->relation->schemaname, "pg_temp") != 0) {
        xlate_error(x, cs->relation->location, "42P16", "cannot create temporary relation in non-temporary schema");
        return false;
    }
    if (!temp && cs->relation->schemaname && strcmp(cs->relation->schemaname, "pg_temp") == 0)
        temp = true;
    if (temp && cs->oncommit == ONCOMMIT_DELETE_ROWS) {
        xlate_error(x, cs->relation->location, "0A000", "ON COMMIT DELETE ROWS is not supported");
        return false;
    }
    if (temp && cs->oncommit == ONCOMMIT_DROP) {
        xlate_error(x, cs->relation->location, "0A000", "ON COMMIT DROP is not supported");
        return false;
    }
    const char *schema = temp ? ddl_temp_schema(x)
                              : analyze_creation_schema(x, cs->relation->schemaname, cs->relation->location);
    if (!schema)
        return false;
    if (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0) {
        xlate_error(x, cs->relation->location, "42501", "permission denied to create \"%s.%s\"", schema,
                    cs->relation->relname);
        return false;
    }
    if (cat_find_relation(x->catalog, schema, cs->relation->relname)) {
        if (cs->if_not_exists) {
            session_notice(x->session, PG_SEVERITY_NOTICE, "42P07", "relation \"%s\" already exists, skipping",
                           cs->relation->relname);
            *out = ddl_noop_plan(x, "CREATE TABLE");
            return *out != NULL;
        }
        xlate_error(x, cs->relation->location, "42P07", "relation \"%s\" already exists", cs->relation->relname);
        return false;
    }
    if (strncmp(cs->relation->relname, "_pgwire_", 8) == 0 || strncmp(cs->relation->relname, "sqlite_", 7) == 0) {
        xlate_error(x, cs->relation->location, "42939", "table name \"%s\" is reserved", cs->relation->relname);
        return false;
    }
    ddl_table t;
    if (!build_table(x, cs, schema, &t))
        return false;
    sql_plan *p = ddl_plan(x, "CREATE TABLE");
    if (!p)
        return false;
    int nobjects = 1;
    for (int i = 0; i < t.ncols; i++)
        nobjects += t.cols[i].sequence_name ? 1 : 0;
    for (int i = 0; i < t.ncons; i++)
        nobjects += (t.cons[i].type == 'p' || t.cons[i].type == 'u') ? 2 : 1;
    oid_block oids = {0};
    strbuf sql;
    strbuf_init(&sql);
    bool ok = ddl_ensure_schema_step(x, p, schema) && ddl_reserve_oids(x, p, &oids, nobjects) &&
              ddl_sqlite_create_table(x, &t, t.engine_name, &sql) &&
              ddl_step(x, p, sql.data) && ddl_record_table(x, p, &t, &oids, 0, 'r');
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- CREATE TABLE AS, SELECT INTO */

/* The schema a new relation goes to (the temporary schema for TEMP), after PostgreSQL's
 * checks; NULL with the error, or NULL and *noop for IF NOT EXISTS of an existing one. */
static const char *creation_target(sql_xlate *x, RangeVar *rv, bool if_not_exists, const char *command, sql_plan **noop)
{
    *noop = NULL;
    bool temp = rv->relpersistence == 't';
    if (temp && rv->schemaname && strcmp(rv->schemaname, "pg_temp") != 0) {
        xlate_error(x, rv->location, "42P16", "cannot create temporary relation in non-temporary schema");
        return NULL;
    }
    if (!temp && rv->schemaname && strcmp(rv->schemaname, "pg_temp") == 0)
        temp = true;
    const char *schema = temp ? ddl_temp_schema(x) : analyze_creation_schema(x, rv->schemaname, rv->location);
    if (!schema)
        return NULL;
    if (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0) {
        xlate_error(x, rv->location, "42501", "permission denied to create \"%s.%s\"", schema, rv->relname);
        return NULL;
    }
    if (cat_find_relation(x->catalog, schema, rv->relname)) {
        if (if_not_exists) {
            session_notice(x->session, PG_SEVERITY_NOTICE, "42P07", "relation \"%s\" already exists, skipping", rv->relname);
            *noop = ddl_noop_plan(x, command);
            return NULL;
        }
        xlate_error(x, rv->location, "42P07", "relation \"%s\" already exists", rv->relname);
        return NULL;
    }
    if (strncmp(rv->relname, "_pgwire_", 8) == 0 || strncmp(rv->relname, "sqlite_", 7) == 0) {
        xlate_error(x, rv->location, "42939", "table name \"%s\" is reserved", rv->relname);
        return NULL;
    }
    return schema;
}

/* A table made from a query's result columns (their names, types and typmods; an unknown
 * literal's column is text), filled by INSERT ... SELECT in the same plan.  The tag is
 * "SELECT n" as PostgreSQL's, "CREATE TABLE AS" for WITH NO DATA. */
static bool create_table_as(sql_xlate *x, IntoClause *into, Node *query, bool if_not_exists, sql_plan **out)
{
    RangeVar *rv = into->rel;
    if (into->onCommit == ONCOMMIT_DELETE_ROWS || into->onCommit == ONCOMMIT_DROP) {
        xlate_error(x, rv->location, "0A000", "ON COMMIT DELETE ROWS and ON COMMIT DROP are not supported");
        return false;
    }
    if (!IsA(query, SelectStmt)) {
        xlate_error(x, rv->location, "0A000", "CREATE TABLE AS EXECUTE is not supported");
        return false;
    }
    sql_plan *noop;
    const char *schema = creation_target(x, rv, if_not_exists, "CREATE TABLE AS", &noop);
    if (!schema) {
        *out = noop;
        return noop != NULL;
    }
    ir_query *q = analyze_select(x, NULL, query);
    if (!q)
        return false;
    emit_result r = {0};
    strbuf_init(&r.sql);
    if (!emit_query(x, q, &r)) {
        emit_result_free(&r);
        return false;
    }
    if (r.nparams || r.next) {
        bool params = r.nparams > 0;
        emit_result_free(&r);
        xlate_error(x, -1, params ? "42P02" : "0A000", params ? "there is no parameter $1" : "this query cannot fill a new table");
        return false;
    }
    int ncol = 0;
    for (int i = 0; i < q->ntargets; i++)
        ncol += !q->targets[i].junk;
    int nnames = list_length(into->colNames);
    if (nnames > ncol) {
        emit_result_free(&r);
        xlate_error(x, -1, "42601", "too many column names were specified");
        return false;
    }
    ddl_table t = {0};
    t.schema = schema;
    const cat_namespace *ns = cat_find_namespace(x->catalog, schema);
    t.namespace_oid = ns ? ns->oid : 0;
    t.name = xlate_strdup(x, rv->relname);
    strbuf en;
    strbuf_init(&en);
    catalog_engine_table_name(schema, t.name, &en);
    t.engine_name = xlate_strdup(x, en.data ? en.data : t.name);
    strbuf_free(&en);
    t.cols = xlate_alloc(x, sizeof *t.cols * (size_t)(ncol + 1));
    t.cols_cap = ncol + 1;
    if (!t.cols || !t.name || !t.engine_name) {
        emit_result_free(&r);
        return false;
    }
    for (int i = 0, k = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk)
            continue;
        ddl_column *c = &t.cols[t.ncols++];
        c->name = k < nnames ? strVal(list_nth(into->colNames, k)) : q->targets[i].name;
        pg_oid type = q->targets[i].expr->type;
        c->type = type == PG_OID_UNKNOWN ? PG_OID_TEXT : type;
        c->typmod = type == PG_OID_UNKNOWN ? -1 : q->targets[i].expr->typmod;
        c->attnum = (int16_t)(k + 1);
        if (!types_by_oid(c->type) || c->type == PG_OID_RECORD) {
            emit_result_free(&r);
            xlate_error(x, -1, "42P16", "column \"%s\" has pseudo-type %s", c->name, tname(c->type));
            return false;
        }
        for (int j = 0; j < t.ncols - 1; j++)
            if (strcmp(t.cols[j].name, c->name) == 0) {
                emit_result_free(&r);
                xlate_error(x, -1, "42701", "column \"%s\" specified more than once", c->name);
                return false;
            }
        k++;
    }
    t.next_attnum = (int16_t)(t.ncols + 1);
    sql_plan *p = ddl_plan(x, "CREATE TABLE AS");
    oid_block oids = {0};
    strbuf sql;
    strbuf_init(&sql);
    bool ok = p && ddl_ensure_schema_step(x, p, schema) && ddl_reserve_oids(x, p, &oids, 1) &&
              ddl_sqlite_create_table(x, &t, t.engine_name, &sql) && ddl_step(x, p, sql.data) &&
              ddl_record_table(x, p, &t, &oids, 0, 'r');
    if (ok && !into->skipData) {
        strbuf_reset(&sql);
        strbuf_puts(&sql, "INSERT INTO ");
        catalog_quote_ident(t.engine_name, &sql);
        strbuf_puts(&sql, " (");
        for (int i = 0; i < t.ncols; i++) {
            if (i)
                strbuf_puts(&sql, ", ");
            catalog_quote_ident(t.cols[i].name, &sql);
        }
        strbuf_puts(&sql, ") ");
        strbuf_append(&sql, r.sql.data, r.sql.len);
        ok = !sql.failed && plan_add_step(p, sql.data, 0, NULL, false, true);
        if (!ok && !pg_error_is_set(x->err))
            pg_error_oom(x->err);
        p->tag = TAG_SELECT_COUNT;
    }
    strbuf_free(&sql);
    emit_result_free(&r);
    if (!ok) {
        if (p)
            sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- DROP */

static bool in_set(const cat_relation *const *set, int n, const cat_relation *r)
{
    for (int i = 0; i < n; i++)
        if (set[i] == r)
            return true;
    return false;
}

/* A foreign key of a table outside `dropping` (the tables the statement drops) to `rel`. */
static bool referenced_by_others(sql_xlate *x, const cat_relation *rel, const cat_relation **by, const char **conname,
                                 const cat_relation *const *dropping, int ndropping)
{
    for (size_t i = 0; i < cat_relation_count(x->catalog); i++) {
        const cat_relation *other = cat_relation_at(x->catalog, i);
        if (other == rel || in_set(dropping, ndropping, other))
            continue;
        for (int c = 0; c < other->nconstraints; c++)
            if (other->constraints[c].type == 'f' && other->constraints[c].ref_relation == rel->oid) {
                *by = other;
                *conname = other->constraints[c].name;
                return true;
            }
    }
    return false;
}

static const char *kind_word(char kind)
{
    switch (kind) {
    case 'r': return "table";
    case 'v': return "view";
    case 'i': return "index";
    case 'S': return "sequence";
    case 'm': return "materialized view";
    default: return "relation";
    }
}

/* ---------------------------------------------------------------- dependencies of DROP */

typedef struct rel_hit {
    pg_oid oid;
    bool hit;
} rel_hit;

static void note_rel(const cat_relation *r, void *arg)
{
    rel_hit *h = arg;
    if (r->oid == h->oid)
        h->hit = true;
}

/* Whether view v reads relation `oid`: its definition is analysed again (the catalog keeps
 * the text, not the dependencies). */
static bool view_reads(sql_xlate *x, const cat_relation *v, pg_oid oid)
{
    if (!v->view_definition || !*v->view_definition)
        return false;
    raw_parse rp;
    pg_error perr = {0};
    if (!raw_parse_text(v->view_definition, &rp, NULL, 0, &perr)) {
        pg_error_clear(&perr);
        return false;
    }
    bool hit = false;
    if (list_length(rp.statements) == 1) {
        RawStmt *rs = linitial(rp.statements);
        const char *saved_text = x->text;
        int saved_offset = x->position_offset;
        x->text = v->view_definition;
        x->position_offset = 0;
        ir_query *q = analyze_select(x, NULL, rs->stmt);
        x->text = saved_text;
        x->position_offset = saved_offset;
        if (q) {
            rel_hit h = {oid, false};
            ir_query_relations(q, note_rel, &h);
            hit = h.hit;
        } else {
            pg_error_clear(x->err);   /* a view that no longer analyses reads nothing we drop */
        }
    }
    raw_parse_free(&rp);
    return hit;
}

/* Views reading `rel`, directly or through other views (breadth first), leaving out the
 * relations the statement drops itself.  Without CASCADE the first one is PostgreSQL's
 * 2BP01; with it they are dropped first (NOTICE "drop cascades to view v"). */
static bool drop_dependent_views(sql_xlate *x, sql_plan *p, const cat_relation *rel, const cat_relation *const *dropping,
                                 int ndropping, bool cascade)
{
    size_t nrel = cat_relation_count(x->catalog);
    const cat_relation **found = xlate_alloc(x, sizeof *found * (nrel + 1));
    if (!found)
        return false;
    int n = 0;
    const cat_relation *from = rel;
    for (int next = 0;; next++) {
        for (size_t i = 0; i < nrel; i++) {
            const cat_relation *v = cat_relation_at(x->catalog, i);
            if (v->kind != 'v' || v == rel || in_set(dropping, ndropping, v) || in_set(found, n, v))
                continue;
            if (view_reads(x, v, from->oid))
                found[n++] = v;
        }
        if (next >= n)
            break;
        from = found[next];
    }
    if (!n)
        return true;
    if (!cascade) {
        xlate_error(x, -1, "2BP01", "cannot drop %s %s because other objects depend on it", kind_word(rel->kind), rel->name);
        pg_error_detail(x->err, "view %s depends on %s %s", found[0]->name, kind_word(rel->kind), rel->name);
        pg_error_hint(x->err, "Use DROP ... CASCADE to drop the dependent objects too.");
        return false;
    }
    for (int i = 0; i < n; i++) {
        session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "drop cascades to view %s", found[i]->name);
        strbuf sql;
        strbuf_init(&sql);
        strbuf_puts(&sql, "DROP VIEW IF EXISTS ");
        catalog_quote_ident(found[i]->engine_name, &sql);
        bool ok = !sql.failed && ddl_step(x, p, sql.data) && ddl_forget_relation(x, p, found[i]);
        strbuf_free(&sql);
        if (!ok)
            return false;
    }
    return true;
}

/* DROP TABLE ... CASCADE of a table other tables reference: their foreign keys to it go
 * (each such table is rebuilt without them), as PostgreSQL drops the constraints. */
static bool drop_referencing_constraints(sql_xlate *x, sql_plan *p, const cat_relation *rel,
                                         const cat_relation *const *dropping, int ndropping)
{
    for (size_t i = 0; i < cat_relation_count(x->catalog); i++) {
        const cat_relation *child = cat_relation_at(x->catalog, i);
        if (child == rel || child->kind != 'r' || in_set(dropping, ndropping, child))
            continue;
        bool refers = false;
        for (int c = 0; c < child->nconstraints; c++)
            if (child->constraints[c].type == 'f' && child->constraints[c].ref_relation == rel->oid)
                refers = true;
        if (!refers)
            continue;
        ddl_table t;
        if (!ddl_table_from_catalog(x, child, &t))
            return false;
        for (int k = 0; k < t.ncons;) {
            if (t.cons[k].type == 'f' && t.cons[k].ref == rel) {
                session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "drop cascades to constraint %s on table %s",
                               t.cons[k].name, child->name);
                t.cons[k] = t.cons[--t.ncons];
            } else {
                k++;
            }
        }
        int nobjects = 1;
        for (int k = 0; k < t.ncons; k++)
            nobjects += (t.cons[k].type == 'p' || t.cons[k].type == 'u') ? 2 : 1;
        oid_block oids = {.table_oid = child->oid};
        if (!ddl_reserve_oids(x, p, &oids, nobjects) || !ddl_rebuild_table(x, p, child, &t, &oids) ||
            !ddl_record_table(x, p, &t, &oids, 0, 'r'))
            return false;
    }
    return true;
}

static bool drop_relations(sql_xlate *x, DropStmt *d, char want, const char *command, sql_plan **out)
{
    sql_plan *p = ddl_plan(x, command);
    if (!p)
        return false;
    /* Tables dropped together may reference each other: each goes after the tables that
     * reference it (SQLite's DROP TABLE deletes the rows first, checking foreign keys). */
    int nobj = list_length(d->objects), nset = 0;
    List **order = xlate_alloc(x, sizeof *order * (size_t)(nobj + 1));
    const cat_relation **set = xlate_alloc(x, sizeof *set * (size_t)(nobj + 1));
    const cat_relation **set_of = xlate_alloc(x, sizeof *set_of * (size_t)(nobj + 1));
    if (!order || !set || !set_of) {
        sql_plan_unref(p);
        return false;
    }
    for (int i = 0; i < nobj; i++) {
        List *names = list_nth(d->objects, i);
        const cat_relation *r = want == 'r' || want == 'v'
                                    ? analyze_find_relation(x, name_list_schema(names), name_list_last(names), -1, true)
                                    : NULL;
        pg_error_clear(x->err);
        set_of[i] = r && r->kind == want ? r : NULL;
        if (set_of[i])
            set[nset++] = set_of[i];
    }
    {
        bool *placed = xlate_alloc(x, sizeof *placed * (size_t)(nobj + 1));
        if (!placed) {
            sql_plan_unref(p);
            return false;
        }
        int n = 0;
        while (n < nobj) {
            bool progress = false;
            for (int i = 0; i < nobj; i++) {
                if (placed[i])
                    continue;
                bool blocked = false;
                for (int j = 0; j < nobj && set_of[i] && !blocked; j++) {
                    if (j == i || placed[j] || !set_of[j])
                        continue;
                    for (int c = 0; c < set_of[j]->nconstraints; c++)
                        if (set_of[j]->constraints[c].type == 'f' && set_of[j]->constraints[c].ref_relation == set_of[i]->oid)
                            blocked = true;
                }
                if (blocked)
                    continue;
                placed[i] = true;
                order[n++] = list_nth(d->objects, i);
                progress = true;
            }
            if (!progress)   /* a cycle: the statement's order */
                for (int i = 0; i < nobj; i++)
                    if (!placed[i]) {
                        placed[i] = true;
                        order[n++] = list_nth(d->objects, i);
                    }
        }
    }
    int dropped = 0;
    for (int oi = 0; oi < nobj; oi++) {
        List *names = order[oi];
        const char *name = name_list_last(names);
        const char *schema = name_list_schema(names);
        const cat_relation *rel = analyze_find_relation(x, schema, name, -1, true);
        if (pg_error_is_set(x->err)) {
            sql_plan_unref(p);
            return false;
        }
        if (!rel) {
            if (d->missing_ok) {
                session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "%s \"%s\" does not exist, skipping",
                               kind_word(want), name);
                continue;
            }
            xlate_error(x, -1, want == 'i' ? "42704" : "42P01", "%s \"%s\" does not exist", kind_word(want), name);
            sql_plan_unref(p);
            return false;
        }
        if (rel->kind != want) {
            xlate_error(x, -1, "42809", "\"%s\" is not a%s %s", name, want == 'i' ? "n" : "", kind_word(want));
            pg_error_hint(x->err, "Use DROP %s to remove a%s %s.", rel->kind == 'v' ? "VIEW" : rel->kind == 'i' ? "INDEX"
                                  : rel->kind == 'S' ? "SEQUENCE" : "TABLE",
                          rel->kind == 'i' ? "n" : "", kind_word(rel->kind));
            sql_plan_unref(p);
            return false;
        }
        if (strcmp(rel->schema, "pg_catalog") == 0 || strcmp(rel->schema, "information_schema") == 0) {
            xlate_error(x, -1, "42501", "permission denied: \"%s\" is a system catalog", name);
            sql_plan_unref(p);
            return false;
        }
        bool ok = true;
        strbuf sql;
        strbuf_init(&sql);
        if ((want == 'r' || want == 'v') && !drop_dependent_views(x, p, rel, set, nset, d->behavior == DROP_CASCADE)) {
            strbuf_free(&sql);
            sql_plan_unref(p);
            return false;
        }
        if (want == 'r') {
            const cat_relation *by;
            const char *conname;
            if (referenced_by_others(x, rel, &by, &conname, set, nset)) {
                if (d->behavior != DROP_CASCADE) {
                    xlate_error(x, -1, "2BP01", "cannot drop table %s because other objects depend on it", name);
                    pg_error_detail(x->err, "constraint %s on table %s depends on table %s", conname, by->name, name);
                    pg_error_hint(x->err, "Use DROP ... CASCADE to drop the dependent objects too.");
                    strbuf_free(&sql);
                    sql_plan_unref(p);
                    return false;
                }
                /* CASCADE drops the foreign keys (the referencing tables are rebuilt without) */
                if (!drop_referencing_constraints(x, p, rel, set, nset)) {
                    strbuf_free(&sql);
                    sql_plan_unref(p);
                    return false;
                }
            }
            strbuf_puts(&sql, "DROP TABLE ");
            catalog_quote_ident(rel->engine_name, &sql);
            ok = ddl_step(x, p, sql.data) && ddl_forget_relation(x, p, rel);
        } else if (want == 'v') {
            strbuf_puts(&sql, "DROP VIEW ");
            catalog_quote_ident(rel->engine_name, &sql);
            ok = ddl_step(x, p, sql.data) && ddl_forget_relation(x, p, rel);
        } else if (want == 'i') {
            /* An index that backs a constraint goes with the constraint only. */
            for (size_t i = 0; i < cat_relation_count(x->catalog) && ok; i++) {
                const cat_relation *t = cat_relation_at(x->catalog, i);
                for (int c = 0; c < t->nconstraints; c++)
                    if (t->constraints[c].index_oid == rel->oid) {
                        xlate_error(x, -1, "2BP01",
                                    "cannot drop index %s because constraint %s on table %s requires it", name,
                                    t->constraints[c].name, t->name);
                        pg_error_hint(x->err, "You can drop constraint %s on table %s instead.", t->constraints[c].name,
                                      t->name);
                        ok = false;
                        break;
                    }
            }
            if (ok) {
                strbuf_puts(&sql, "DROP INDEX ");
                catalog_quote_ident(rel->engine_name, &sql);
                ok = ddl_step(x, p, sql.data) &&
                     ddl_stepf(x, p, "DELETE FROM " CAT_META_INDEX " WHERE indexrelid = %u", rel->oid) &&
                     ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid = %u", rel->oid);
            }
        } else if (want == 'S') {
            ok = ddl_stepf(x, p, "DELETE FROM " CAT_META_SEQUENCE " WHERE seqrelid = %u", rel->oid) &&
                 ddl_forget_relation(x, p, rel);
        }
        strbuf_free(&sql);
        if (!ok) {
            sql_plan_unref(p);
            return false;
        }
        dropped++;
    }
    if (!dropped) {
        sql_plan_unref(p);
        *out = ddl_noop_plan(x, command);
        return *out != NULL;
    }
    *out = p;
    return true;
}

/* Steps dropping every relation of a schema: views first (they read the tables), then
 * tables, newest first (a table referencing another was made after it), then sequences. */
bool ddl_drop_schema_members(sql_xlate *x, sql_plan *p, const cat_namespace *ns)
{
    size_t n = cat_relation_count(x->catalog);
    const cat_relation **order = xlate_alloc(x, sizeof *order * (n + 1));
    if (!order)
        return false;
    size_t count = 0;
    static const char kinds[] = "vrS";
    for (const char *k = kinds; *k; k++) {
        size_t first = count;
        for (size_t i = 0; i < n; i++) {
            const cat_relation *r = cat_relation_at(x->catalog, i);
            if (r->namespace_oid == ns->oid && r->kind == *k)
                order[count++] = r;
        }
        /* newest (highest OID) first */
        for (size_t i = first + 1; i < count; i++)
            for (size_t j = i; j > first && order[j - 1]->oid < order[j]->oid; j--) {
                const cat_relation *t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
    }
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        const cat_relation *r = order[i];
        if (r->kind == 'r' || r->kind == 'v') {
            strbuf sql;
            strbuf_init(&sql);
            strbuf_printf(&sql, "DROP %s IF EXISTS ", r->kind == 'r' ? "TABLE" : "VIEW");
            catalog_quote_ident(r->engine_name, &sql);
            ok = !sql.failed && ddl_step(x, p, sql.data);
            strbuf_free(&sql);
        } else
            ok = ddl_stepf(x, p, "DELETE FROM " CAT_META_SEQUENCE " WHERE seqrelid = %u", r->oid);
        ok = ok && ddl_forget_relation(x, p, r);
    }
    return ok;
}

/* ---------------------------------------------------------------- the temporary schema */

/*
 * Temporary objects live in pg_temp_<pid>, a schema of this session's own, because the
 * engine connections are pooled (SQLite's TEMP tables belong to a connection, not to a
 * session).  The schema is made by the first CREATE TEMP ..., emptied by DISCARD TEMP/ALL
 * and dropped when the session ends; the server remembers which ones have a live owner, so
 * that ones left by a session that could not clean up (its engine pool was exhausted, the
 * server stopped) are dropped by the next session making its own.
 */
const char *ddl_temp_schema(sql_xlate *x)
{
    sql_session *s = x->session;
    if (s->temp_schema)
        return s->temp_schema;
    char name[32];
    snprintf(name, sizeof name, "pg_temp_%d", s->backend_pid);
    char *copy = strdup(name);
    bool ok = copy != NULL;
    if (ok && s->srv) {
        pthread_mutex_lock(&s->srv->temp_lock);
        ok = hashmap_put(&s->srv->temp_owners, name, s);
        pthread_mutex_unlock(&s->srv->temp_lock);
    }
    if (!ok) {
        free(copy);
        pg_error_oom(x->err);
        return NULL;
    }
    s->temp_schema = copy;
    return copy;
}

static bool temp_schema_has_owner(sql_server *srv, const char *name)
{
    if (!srv)
        return true;
    pthread_mutex_lock(&srv->temp_lock);
    bool live = hashmap_get(&srv->temp_owners, name) != NULL;
    pthread_mutex_unlock(&srv->temp_lock);
    return live;
}

void ddl_forget_temp_schema(sql_session *s)
{
    if (!s->temp_schema)
        return;
    if (s->srv) {
        pthread_mutex_lock(&s->srv->temp_lock);
        hashmap_remove(&s->srv->temp_owners, s->temp_schema);
        pthread_mutex_unlock(&s->srv->temp_lock);
    }
    free(s->temp_schema);
    s->temp_schema = NULL;
    s->temp_schema_checked = false;
}

/* Make sure `schema` exists when the plan's later steps run (it is the temporary schema,
 * the only one created implicitly).  Must come before the plan's own OID reservation. */
bool ddl_ensure_schema_step(sql_xlate *x, sql_plan *p, const char *schema)
{
    sql_session *s = x->session;
    bool temp = s->temp_schema && strcmp(schema, s->temp_schema) == 0;
    const cat_namespace *ns = cat_find_namespace(x->catalog, schema);
    if (!temp)
        return true;
    if (ns) {
        if (s->temp_schema_checked)
            return true;
        /* Left by an earlier server run whose session had this process id. */
        s->temp_schema_checked = true;
        return ddl_drop_schema_members(x, p, ns);
    }
    s->temp_schema_checked = true;
    bool ok = true;
    for (size_t i = 0; i < cat_namespace_count(x->catalog) && ok; i++) {
        const cat_namespace *other = cat_namespace_at(x->catalog, i);
        if (strncmp(other->name, "pg_temp_", 8) != 0 || temp_schema_has_owner(s->srv, other->name))
            continue;
        ok = ddl_drop_schema_members(x, p, other) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_NAMESPACE " WHERE oid = %u", other->oid);
    }
    oid_block oids = {0};
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "INSERT INTO " CAT_META_NAMESPACE " (oid, nspname) VALUES (");
    ddl_oid_expr(&(oid_block){.count = 1}, 0, &sql);
    strbuf_puts(&sql, ", ");
    catalog_quote_literal(schema, &sql);
    strbuf_putc(&sql, ')');
    ok = ok && !sql.failed && ddl_reserve_oids(x, p, &oids, 1) && ddl_step(x, p, sql.data);
    strbuf_free(&sql);
    return ok;
}

static bool drop_schemas(sql_xlate *x, DropStmt *d, sql_plan **out)
{
    sql_plan *p = ddl_plan(x, "DROP SCHEMA");
    if (!p)
        return false;
    ListCell *lc;
    int dropped = 0;
    foreach (lc, d->objects) {
        const char *name = strVal(lfirst(lc));
        const cat_namespace *ns = cat_find_namespace(x->catalog, name);
        if (!ns) {
            if (d->missing_ok) {
                session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "schema \"%s\" does not exist, skipping", name);
                continue;
            }
            xlate_error(x, -1, "3F000", "schema \"%s\" does not exist", name);
            sql_plan_unref(p);
            return false;
        }
        if (ns->oid < CAT_FIRST_USER_OID && strcmp(name, "public") != 0) {
            xlate_error(x, -1, "2BP01", "cannot drop schema %s because it is required by the database system", name);
            sql_plan_unref(p);
            return false;
        }
        int members = 0;
        for (size_t i = 0; i < cat_relation_count(x->catalog); i++)
            if (cat_relation_at(x->catalog, i)->namespace_oid == ns->oid)
                members++;
        if (members && d->behavior != DROP_CASCADE) {
            xlate_error(x, -1, "2BP01", "cannot drop schema %s because other objects depend on it", name);
            pg_error_hint(x->err, "Use DROP ... CASCADE to drop the dependent objects too.");
            sql_plan_unref(p);
            return false;
        }
        bool ok = ddl_drop_schema_members(x, p, ns);
        if (members)
            session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "drop cascades to %d other object%s", members,
                           members == 1 ? "" : "s");
        ok = ok && ddl_stepf(x, p, "DELETE FROM " CAT_META_NAMESPACE " WHERE oid = %u", ns->oid);
        if (!ok) {
            sql_plan_unref(p);
            return false;
        }
        dropped++;
    }
    if (!dropped) {
        sql_plan_unref(p);
        *out = ddl_noop_plan(x, "DROP SCHEMA");
        return *out != NULL;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- CREATE INDEX */

static bool create_index(sql_xlate *x, IndexStmt *is, sql_plan **out)
{
    const cat_relation *rel = analyze_find_relation(x, is->relation->schemaname, is->relation->relname,
                                                    is->relation->location, false);
    if (!rel)
        return false;
    if (rel->kind != 'r') {
        xlate_error(x, is->relation->location, "42809", "cannot create index on relation \"%s\"", rel->name);
        return false;
    }
    const char *am = is->accessMethod ? is->accessMethod : "btree";
    if (strcmp(am, "btree") != 0 && strcmp(am, "hash") != 0) {
        xlate_error(x, -1, "0A000", "access method \"%s\" is not supported yet", am);
        return false;
    }
    /* Columns and expressions, analysed over the table. */
    ir_query *q = ir_query_new(x, QUERY_SELECT, NULL);
    int rte = q ? analyze_add_relation_rte(x, q, rel, rel->name) : -1;
    if (rte < 0 || !ir_add_ns(x, q, rte, true, true))
        return false;
    int n = list_length(is->indexParams);
    strbuf cols, keys, names;
    strbuf_init(&cols);
    strbuf_init(&keys);
    strbuf_init(&names);
    ListCell *lc;
    int i = 0;
    bool ok = true;
    foreach (lc, is->indexParams) {
        IndexElem *ie = lfirst_node(IndexElem, lc);
        if (i)
            strbuf_puts(&cols, ", ");
        if (ie->name) {
            const cat_column *c = cat_find_column(rel, ie->name);
            if (!c) {
                xlate_error(x, -1, "42703", "column \"%s\" does not exist", ie->name);
                ok = false;
                break;
            }
            catalog_quote_ident(c->name, &cols);
            strbuf_printf(&keys, "%s%d", i ? "," : "", c->attnum);
            strbuf_printf(&names, "%s%s", i ? "_" : "", c->name);
        } else {
            ir_expr *e = analyze_expr(x, q, ie->expr);
            if (!e || !emit_expr_sqlite(x, q, e, &cols)) {
                ok = false;
                break;
            }
            strbuf_printf(&keys, "%s0", i ? "," : "");
            strbuf_printf(&names, "%sexpr", i ? "_" : "");
        }
        if (ie->ordering == SORTBY_DESC)
            strbuf_puts(&cols, " DESC");
        i++;
    }
    strbuf pred;
    strbuf_init(&pred);
    char *pred_text = NULL;
    if (ok && is->whereClause) {
        ir_expr *w = analyze_condition(x, q, is->whereClause, "WHERE");
        ok = w && emit_expr_sqlite(x, q, w, &pred);
        pred_text = ok ? scan_expression(x->text, exprLocation(is->whereClause)) : NULL;
    }
    const char *name = NULL;
    if (ok) {
        if (is->idxname) {
            name = xlate_strdup(x, is->idxname);
            if (cat_find_relation(x->catalog, rel->schema, name)) {
                if (is->if_not_exists) {
                    session_notice(x->session, PG_SEVERITY_NOTICE, "42P07", "relation \"%s\" already exists, skipping", name);
                    strbuf_free(&cols);
                    strbuf_free(&keys);
                    strbuf_free(&names);
                    strbuf_free(&pred);
                    free(pred_text);
                    *out = ddl_noop_plan(x, "CREATE INDEX");
                    return *out != NULL;
                }
                xlate_error(x, -1, "42P07", "relation \"%s\" already exists", name);
                ok = false;
            }
        } else {
            name = ddl_choose_name(x, rel->schema, rel->name, names.data ? names.data : "", "idx", NULL);
        }
    }
    sql_plan *p = ok ? ddl_plan(x, "CREATE INDEX") : NULL;
    if (p) {
        strbuf engine_name, sql;
        strbuf_init(&engine_name);
        strbuf_init(&sql);
        catalog_engine_table_name(rel->schema, name, &engine_name);
        strbuf_printf(&sql, "CREATE %sINDEX ", is->unique ? "UNIQUE " : "");
        catalog_quote_ident(engine_name.data, &sql);
        strbuf_puts(&sql, " ON ");
        catalog_quote_ident(rel->engine_name, &sql);
        strbuf_printf(&sql, " (%s)", cols.data ? cols.data : "");
        if (pred.len)
            strbuf_printf(&sql, " WHERE %s", pred.data);
        oid_block oids = {0};
        strbuf meta;
        strbuf_init(&meta);
        ok = ddl_reserve_oids(x, p, &oids, 1) && ddl_step(x, p, sql.data);
        if (ok) {
            strbuf_puts(&meta, "INSERT INTO " CAT_META_CLASS " (oid, relnamespace, relname, relkind, engine_name) VALUES (");
            ddl_oid_expr(&oids, 0, &meta);
            strbuf_printf(&meta, ", %u, ", rel->namespace_oid);
            catalog_quote_literal(name, &meta);
            strbuf_puts(&meta, ", 'i', ");
            catalog_quote_literal(engine_name.data, &meta);
            strbuf_putc(&meta, ')');
            ok = ddl_step(x, p, meta.data);
            strbuf_reset(&meta);
        }
        if (ok) {
            strbuf def;
            strbuf_init(&def);
            strbuf_printf(&def, "CREATE %sINDEX %s ON %s.%s USING %s (", is->unique ? "UNIQUE " : "", name, rel->schema,
                          rel->name, am);
            int k = 0;
            foreach (lc, is->indexParams) {
                IndexElem *ie = lfirst_node(IndexElem, lc);
                if (ie->name)
                    strbuf_printf(&def, "%s%s", k ? ", " : "", ie->name);
                else {
                    char *etext = scan_expression(x->text, exprLocation(ie->expr));
                    strbuf_printf(&def, "%s(%s)", k ? ", " : "", etext ? etext : "?");
                    free(etext);
                }
                if (ie->ordering == SORTBY_DESC)
                    strbuf_puts(&def, " DESC");
                k++;
            }
            strbuf_putc(&def, ')');
            if (pred_text)
                strbuf_printf(&def, " WHERE (%s)", pred_text);
            strbuf_puts(&meta, "INSERT INTO " CAT_META_INDEX
                               " (indexrelid, indrelid, indisunique, indisprimary, indkey, indpred, amname, definition) VALUES (");
            ddl_oid_expr(&oids, 0, &meta);
            strbuf_printf(&meta, ", %u, %d, 0, '[%s]', ", rel->oid, is->unique ? 1 : 0, keys.data ? keys.data : "");
            if (pred_text)
                catalog_quote_literal(pred_text, &meta);
            else
                strbuf_puts(&meta, "NULL");
            strbuf_puts(&meta, ", ");
            catalog_quote_literal(am, &meta);
            strbuf_puts(&meta, ", ");
            catalog_quote_literal(def.data ? def.data : "", &meta);
            strbuf_putc(&meta, ')');
            strbuf_free(&def);
            ok = ddl_step(x, p, meta.data);
        }
        strbuf_free(&meta);
        strbuf_free(&engine_name);
        strbuf_free(&sql);
    }
    UNUSED(n);
    strbuf_free(&cols);
    strbuf_free(&keys);
    strbuf_free(&names);
    strbuf_free(&pred);
    free(pred_text);
    if (!ok) {
        if (p)
            sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- CREATE SCHEMA / VIEW */

static bool create_schema(sql_xlate *x, CreateSchemaStmt *cs, sql_plan **out)
{
    const char *name = cs->schemaname ? cs->schemaname : (cs->authrole ? cs->authrole->rolename : NULL);
    if (!name) {
        xlate_error(x, -1, "42601", "schema name missing");
        return false;
    }
    if (cs->schemaElts) {
        xlate_error(x, -1, "0A000", "CREATE SCHEMA with schema elements is not supported");
        return false;
    }
    if (cat_find_namespace(x->catalog, name)) {
        if (cs->if_not_exists) {
            session_notice(x->session, PG_SEVERITY_NOTICE, "42P06", "schema \"%s\" already exists, skipping", name);
            *out = ddl_noop_plan(x, "CREATE SCHEMA");
            return *out != NULL;
        }
        xlate_error(x, -1, "42P06", "schema \"%s\" already exists", name);
        return false;
    }
    if (strncmp(name, "pg_", 3) == 0) {
        xlate_error(x, -1, "42939", "unacceptable schema name \"%s\"", name);
        pg_error_detail(x->err, "The prefix \"pg_\" is reserved for system schemas.");
        return false;
    }
    sql_plan *p = ddl_plan(x, "CREATE SCHEMA");
    oid_block oids = {0};
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "INSERT INTO " CAT_META_NAMESPACE " (oid, nspname) VALUES (");
    ddl_oid_expr(&(oid_block){.count = 1}, 0, &sql);
    strbuf_puts(&sql, ", ");
    catalog_quote_literal(name, &sql);
    strbuf_putc(&sql, ')');
    bool ok = p && ddl_reserve_oids(x, p, &oids, 1) && ddl_step(x, p, sql.data);
    strbuf_free(&sql);
    if (!ok) {
        if (p)
            sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

static bool create_view(sql_xlate *x, ViewStmt *vs, sql_plan **out)
{
    const char *schema = analyze_creation_schema(x, vs->view->schemaname, vs->view->location);
    if (!schema)
        return false;
    const cat_relation *existing = cat_find_relation(x->catalog, schema, vs->view->relname);
    if (existing && !(vs->replace && existing->kind == 'v')) {
        xlate_error(x, vs->view->location, "42P07", "relation \"%s\" already exists", vs->view->relname);
        return false;
    }
    ir_query *q = analyze_select(x, NULL, vs->query);
    if (!q)
        return false;
    emit_result r = {0};
    strbuf_init(&r.sql);
    if (!emit_query(x, q, &r)) {
        emit_result_free(&r);
        return false;
    }
    if (r.nparams) {
        emit_result_free(&r);
        xlate_error(x, -1, "42P02", "there is no parameter $1");
        return false;
    }
    int ncol = 0;
    for (int i = 0; i < q->ntargets; i++)
        ncol += !q->targets[i].junk;
    int naliases = list_length(vs->aliases);
    if (naliases > ncol) {
        emit_result_free(&r);
        xlate_error(x, -1, "42601", "CREATE VIEW specifies more column names than columns");
        return false;
    }
    ddl_table t = {0};
    t.schema = schema;
    const cat_namespace *ns = cat_find_namespace(x->catalog, schema);
    t.namespace_oid = ns ? ns->oid : 0;
    t.name = vs->view->relname;
    strbuf en;
    strbuf_init(&en);
    catalog_engine_table_name(schema, t.name, &en);
    t.engine_name = xlate_strdup(x, en.data);
    strbuf_free(&en);
    t.cols = xlate_alloc(x, sizeof *t.cols * (size_t)(ncol + 1));
    if (!t.cols) {
        emit_result_free(&r);
        return false;
    }
    for (int i = 0, k = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk)
            continue;
        ddl_column *c = &t.cols[t.ncols++];
        c->name = k < naliases ? strVal(list_nth(vs->aliases, k)) : q->targets[i].name;
        c->type = q->targets[i].expr->type == PG_OID_UNKNOWN ? PG_OID_TEXT : q->targets[i].expr->type;
        c->typmod = q->targets[i].expr->typmod;
        c->attnum = (int16_t)(k + 1);
        for (int j = 0; j < t.ncols - 1; j++)
            if (strcmp(t.cols[j].name, c->name) == 0) {
                emit_result_free(&r);
                xlate_error(x, -1, "42701", "column \"%s\" specified more than once", c->name);
                return false;
            }
        k++;
    }
    if (existing) {
        /* CREATE OR REPLACE VIEW may only add columns at the end (PostgreSQL's rule). */
        if (t.ncols < existing->ncolumns) {
            emit_result_free(&r);
            xlate_error(x, -1, "42P16", "cannot drop columns from view");
            return false;
        }
        for (int i = 0; i < existing->ncolumns; i++) {
            const cat_column *old = &existing->columns[i];
            if (strcmp(old->name, t.cols[i].name) != 0) {
                emit_result_free(&r);
                xlate_error(x, -1, "42P16", "cannot change name of view column \"%s\" to \"%s\"", old->name, t.cols[i].name);
                pg_error_hint(x->err, "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.");
                return false;
            }
            if (old->type != t.cols[i].type || old->typmod != t.cols[i].typmod) {
                emit_result_free(&r);
                xlate_error(x, -1, "42P16", "cannot change data type of view column \"%s\" from %s to %s", old->name,
                            tname(old->type), tname(t.cols[i].type));
                return false;
            }
        }
    }
    sql_plan *p = ddl_plan(x, "CREATE VIEW");
    oid_block oids = {0};
    strbuf sql;
    strbuf_init(&sql);
    bool ok = p != NULL;
    if (ok && existing) {
        strbuf_puts(&sql, "DROP VIEW ");
        catalog_quote_ident(existing->engine_name, &sql);
        ok = ddl_step(x, p, sql.data) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_ATTRIBUTE " WHERE attrelid = %u", existing->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid = %u", existing->oid);
        oids.table_oid = existing->oid;
        strbuf_reset(&sql);
    }
    if (ok) {
        strbuf_puts(&sql, "CREATE VIEW ");
        catalog_quote_ident(t.engine_name, &sql);
        strbuf_puts(&sql, " (");
        for (int i = 0; i < t.ncols; i++) {
            if (i)
                strbuf_puts(&sql, ", ");
            catalog_quote_ident(t.cols[i].name, &sql);
        }
        strbuf_printf(&sql, ") AS %s", r.sql.data);
        ok = ddl_reserve_oids(x, p, &oids, 1) && ddl_step(x, p, sql.data) && ddl_record_table(x, p, &t, &oids, 0, 'v');
    }
    if (ok) {
        int start = scan_view_query_start(x->text);
        const char *def = start >= 0 ? x->text + start : "";
        strbuf_reset(&sql);
        strbuf_puts(&sql, "UPDATE " CAT_META_CLASS " SET definition = ");
        catalog_quote_literal(def, &sql);
        strbuf_puts(&sql, " WHERE oid = ");
        ddl_oid_expr(&oids, 0, &sql);
        ok = ddl_step(x, p, sql.data);
    }
    strbuf_free(&sql);
    emit_result_free(&r);
    if (!ok) {
        if (p)
            sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- TRUNCATE */

static bool truncate_tables(sql_xlate *x, TruncateStmt *ts, sql_plan **out)
{
    sql_plan *p = ddl_plan(x, "TRUNCATE TABLE");
    if (!p)
        return false;
    p->ddl = false;
    const cat_relation *rels[64];
    int n = 0;
    ListCell *lc;
    foreach (lc, ts->relations) {
        RangeVar *rv = lfirst_node(RangeVar, lc);
        const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, false);
        if (!rel || n >= 64) {
            sql_plan_unref(p);
            return false;
        }
        if (rel->kind != 'r') {
            xlate_error(x, rv->location, "42809", "\"%s\" is not a table", rel->name);
            sql_plan_unref(p);
            return false;
        }
        rels[n++] = rel;
    }
    for (int i = 0; i < n; i++) {
        const cat_relation *by;
        const char *conname;
        if (referenced_by_others(x, rels[i], &by, &conname, rels, n)) {
            if (ts->behavior != DROP_CASCADE) {
                xlate_error(x, -1, "0A000", "cannot truncate a table referenced in a foreign key constraint");
                pg_error_detail(x->err, "Table \"%s\" references \"%s\".", by->name, rels[i]->name);
                pg_error_hint(x->err, "Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.", by->name);
                sql_plan_unref(p);
                return false;
            }
        }
    }
    bool ok = true;
    /* Referencing tables first, so that foreign keys never see a dangling row: each table
     * after every listed table that references it (pgbench -i truncates its four tables,
     * which reference each other with --foreign-keys, in alphabetical order). */
    int order[n + 1];
    bool done[n + 1];
    memset(done, 0, sizeof done);
    for (int k = 0; k < n; k++) {
        int pick = -1;
        for (int i = 0; i < n && pick < 0; i++) {
            bool referenced = false;
            for (int j = 0; j < n && !done[i] && !referenced; j++)
                for (int c = 0; j != i && !done[j] && c < rels[j]->nconstraints; c++)
                    referenced |= rels[j]->constraints[c].type == 'f' && rels[j]->constraints[c].ref_relation == rels[i]->oid;
            if (!done[i] && !referenced)
                pick = i;
        }
        for (int i = n - 1; i >= 0 && pick < 0; i--)   /* a cycle: the old order */
            if (!done[i])
                pick = i;
        done[pick] = true;
        order[k] = pick;
    }
    for (int k = 0; k < n && ok; k++) {
        int i = order[k];
        strbuf sql;
        strbuf_init(&sql);
        strbuf_puts(&sql, "DELETE FROM ");
        catalog_quote_ident(rels[i]->engine_name, &sql);
        ok = ddl_step(x, p, sql.data);
        strbuf_free(&sql);
        if (ok && ts->restart_seqs)
            ok = ddl_stepf(x, p, "UPDATE " CAT_META_SEQUENCE " SET last_value = seqstart, is_called = 0 WHERE seqrelid IN"
                                 " (SELECT objid FROM " CAT_META_DEPEND " WHERE refobjid = %u)", rels[i]->oid) &&
                 ddl_stepf(x, p, "SELECT pgw_sequence_forget(objid) FROM " CAT_META_DEPEND " WHERE refobjid = %u",
                           rels[i]->oid);
    }
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- ALTER TABLE */

static bool alter_table(sql_xlate *x, AlterTableStmt *at, sql_plan **out)
{
    const cat_relation *rel = analyze_find_relation(x, at->relation->schemaname, at->relation->relname,
                                                    at->relation->location, at->missing_ok);
    if (!rel) {
        if (pg_error_is_set(x->err))
            return false;
        session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "relation \"%s\" does not exist, skipping",
                       at->relation->relname);
        *out = ddl_noop_plan(x, "ALTER TABLE");
        return *out != NULL;
    }
    if (rel->kind != 'r') {
        xlate_error(x, at->relation->location, "42809", "\"%s\" is not a table", rel->name);
        return false;
    }
    sql_plan *p = ddl_plan(x, "ALTER TABLE");
    if (!p)
        return false;
    ddl_table t;
    bool rebuild = false, ok = ddl_table_from_catalog(x, rel, &t);
    oid_block oids = {0};
    int reserved = 0;
    ListCell *lc;
    foreach (lc, at->cmds) {
        if (!ok)
            break;
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        switch (cmd->subtype) {
        case AT_AddColumn: {
            ColumnDef *cd = (ColumnDef *)cmd->def;
            if (find_col(&t, cd->colname)) {
                if (cmd->missing_ok) {
                    session_notice(x->session, PG_SEVERITY_NOTICE, "42701",
                                   "column \"%s\" of relation \"%s\" already exists, skipping", cd->colname, rel->name);
                    break;
                }
                xlate_error(x, cd->location, "42701", "column \"%s\" of relation \"%s\" already exists", cd->colname,
                            rel->name);
                ok = false;
                break;
            }
            ddl_column *c = add_column(x, &t);
            if (!c) {
                ok = false;
                break;
            }
            c->name = xlate_strdup(x, cd->colname);
            c->attnum = t.next_attnum++;
            bool serial;
            ok = column_type(x, cd->typeName, &c->type, &c->typmod, &serial);
            if (cd->is_not_null)
                c->notnull = true;
            ListCell *cc;
            foreach (cc, cd->constraints)
                if (ok)
                    ok = apply_constraint(x, &t, lfirst_node(Constraint, cc), c);
            if (ok && (serial || c->identity)) {
                xlate_error(x, cd->location, "0A000", "ALTER TABLE ADD COLUMN of a serial or identity column is not supported yet");
                ok = false;
            }
            if (ok && c->default_text && !c->generated) {
                /* existing rows take the default, as PostgreSQL fills them */
                strbuf v;
                strbuf_init(&v);
                ok = ddl_column_value_sql(x, &t, c->default_text, c->type, c->typmod, c->name, &v);
                if (ok) {
                    c->copy_from = xlate_strdup(x, v.data);
                    c->copy_is_expression = true;
                }
                strbuf_free(&v);
            }
            rebuild = true;
            break;
        }
        case AT_DropColumn: {
            int idx = -1;
            for (int i = 0; i < t.ncols; i++)
                if (strcmp(t.cols[i].name, cmd->name) == 0)
                    idx = i;
            if (idx < 0) {
                if (cmd->missing_ok) {
                    session_notice(x->session, PG_SEVERITY_NOTICE, "00000",
                                   "column \"%s\" of relation \"%s\" does not exist, skipping", cmd->name, rel->name);
                    break;
                }
                xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                ok = false;
                break;
            }
            /* Constraints on the column go with it (PostgreSQL drops them implicitly when
             * they involve only this column). */
            for (int k = 0; k < t.ncons; k++) {
                bool uses = t.cons[k].type == 'c' && t.cons[k].check_text &&
                            ddl_check_uses_column(x, &t, t.cons[k].check_text, idx);
                for (int j = 0; j < t.cons[k].nkeys; j++)
                    if (strcmp(t.cons[k].keys[j], cmd->name) == 0)
                        uses = true;
                if (uses) {
                    t.cons[k] = t.cons[--t.ncons];
                    k--;
                }
            }
            memmove(&t.cols[idx], &t.cols[idx + 1], sizeof *t.cols * (size_t)(t.ncols - idx - 1));
            t.ncols--;
            rebuild = true;
            break;
        }
        case AT_ColumnDefault: {
            ddl_column *c = find_col(&t, cmd->name);
            if (!c) {
                xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                ok = false;
                break;
            }
            char *text = cmd->def ? scan_expression(x->text, exprLocation(cmd->def)) : NULL;
            if (cmd->def && !text) {
                xlate_error(x, -1, "42601", "could not read the default expression");
                ok = false;
                break;
            }
            if (text && !check_default(x, text, c->type, c->typmod, c->name, exprLocation(cmd->def))) {
                free(text);
                ok = false;
                break;
            }
            strbuf sql;
            strbuf_init(&sql);
            strbuf_puts(&sql, "UPDATE " CAT_META_ATTRIBUTE " SET attdefault = ");
            if (text)
                catalog_quote_literal(text, &sql);
            else
                strbuf_puts(&sql, "NULL");
            strbuf_printf(&sql, " WHERE attrelid = %u AND attnum = %d", rel->oid, c->attnum);
            ok = ddl_step(x, p, sql.data);
            strbuf_free(&sql);
            c->default_text = text ? xlate_strdup(x, text) : NULL;
            free(text);
            break;
        }
        case AT_SetNotNull:
        case AT_DropNotNull: {
            ddl_column *c = find_col(&t, cmd->name);
            if (!c) {
                xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                ok = false;
                break;
            }
            c->notnull = cmd->subtype == AT_SetNotNull;
            rebuild = true;
            break;
        }
        case AT_AddConstraint: {
            Constraint *con = (Constraint *)cmd->def;
            int before = t.ncons;
            ok = apply_constraint(x, &t, con, NULL) && finish_constraints(x, &t);
            for (int k = before; ok && k < t.ncons; k++)
                for (int j = 0; j < before; j++)
                    if (strcmp(t.cons[j].name, t.cons[k].name) == 0) {
                        xlate_error(x, con->location, "42710", "constraint \"%s\" for relation \"%s\" already exists",
                                    t.cons[k].name, rel->name);
                        ok = false;
                    }
            rebuild = true;
            break;
        }
        case AT_DropConstraint: {
            int idx = -1;
            for (int k = 0; k < t.ncons; k++)
                if (strcmp(t.cons[k].name, cmd->name) == 0)
                    idx = k;
            if (idx < 0) {
                if (cmd->missing_ok) {
                    session_notice(x->session, PG_SEVERITY_NOTICE, "00000",
                                   "constraint \"%s\" of relation \"%s\" does not exist, skipping", cmd->name, rel->name);
                    break;
                }
                xlate_error(x, -1, "42704", "constraint \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                ok = false;
                break;
            }
            t.cons[idx] = t.cons[--t.ncons];
            rebuild = true;
            break;
        }
        case AT_AlterColumnType: {
            ColumnDef *cd = (ColumnDef *)cmd->def;
            ddl_column *c = find_col(&t, cmd->name);
            if (!c) {
                xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", cmd->name, rel->name);
                ok = false;
                break;
            }
            pg_oid type;
            int32_t typmod;
            bool serial;
            ok = column_type(x, cd->typeName, &type, &typmod, &serial);
            if (ok && !cd->raw_default && !sql_can_coerce(c->type, type, COERCE_ASSIGNMENT)) {
                xlate_error(x, -1, "42804", "column \"%s\" cannot be cast automatically to type %s", c->name, tname(type));
                pg_error_hint(x->err, "You might need to specify \"USING %s::%s\".", c->name, tname(type));
                ok = false;
            }
            if (ok && c->copy_is_expression) {
                xlate_error(x, -1, "0A000", "changing a column twice in one ALTER TABLE is not supported");
                ok = false;
            }
            if (ok && (cd->raw_default || c->type != type || c->typmod != typmod)) {
                /* The copy converts as PostgreSQL does: the USING expression (over the old
                 * columns) or the column itself, through the assignment cast. */
                char *using_text = NULL;
                strbuf quoted;
                strbuf_init(&quoted);
                if (cd->raw_default) {
                    using_text = scan_expression(x->text, exprLocation(cd->raw_default));
                    if (!using_text) {
                        xlate_error(x, -1, "42601", "could not read the USING expression");
                        ok = false;
                    }
                } else {
                    catalog_quote_ident(c->name, &quoted);
                }
                strbuf v;
                strbuf_init(&v);
                ok = ok && ddl_column_value_sql(x, &t, using_text ? using_text : quoted.data, type, typmod, c->name, &v);
                if (ok) {
                    c->copy_from = xlate_strdup(x, v.data);
                    c->copy_is_expression = true;
                    c->type = type;
                    c->typmod = typmod;
                    rebuild = true;
                }
                free(using_text);
                strbuf_free(&v);
                strbuf_free(&quoted);
            }
            break;
        }
        case AT_ChangeOwner:
        case AT_SetRelOptions:
        case AT_ResetRelOptions:
        case AT_SetStatistics:
        case AT_SetStorage:
        case AT_ClusterOn:
        case AT_DropCluster:
        case AT_SetLogged:
        case AT_SetUnLogged:
        case AT_EnableTrig:
        case AT_DisableTrig:
        case AT_EnableTrigAll:
        case AT_DisableTrigAll:
        case AT_EnableTrigUser:
        case AT_DisableTrigUser:
        case AT_ReplicaIdentity:
            /* ownership, storage and planner settings: nothing the engine keeps */
            break;
        default:
            xlate_error(x, -1, "0A000", "this form of ALTER TABLE is not supported yet");
            ok = false;
            break;
        }
    }
    if (ok && rebuild) {
        int nobjects = 1;
        for (int i = 0; i < t.ncons; i++)
            nobjects += (t.cons[i].type == 'p' || t.cons[i].type == 'u') ? 2 : 1;
        reserved = nobjects;
        oids.table_oid = rel->oid;
        ok = ddl_reserve_oids(x, p, &oids, reserved) && ddl_rebuild_table(x, p, rel, &t, &oids) &&
             ddl_record_table(x, p, &t, &oids, 0, 'r');
    }
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    if (!p->nsteps) {
        sql_plan_unref(p);
        *out = ddl_noop_plan(x, "ALTER TABLE");
        return *out != NULL;
    }
    *out = p;
    return true;
}

/* Steps re-creating view `rel` in the engine as `new_engine` (SQLite cannot rename or move
 * a view): its definition is translated again. */
static bool recreate_view_steps(sql_xlate *x, sql_plan *p, const cat_relation *rel, const char *new_engine)
{
    if (!rel->view_definition || !*rel->view_definition) {
        xlate_error(x, -1, "0A000", "view \"%s\" has no recorded definition", rel->name);
        return false;
    }
    raw_parse rp;
    pg_error perr = {0};
    if (!raw_parse_text(rel->view_definition, &rp, NULL, 0, &perr)) {
        xlate_error(x, -1, "XX000", "could not read the definition of view \"%s\": %s", rel->name,
                    perr.message ? perr.message : "?");
        pg_error_clear(&perr);
        return false;
    }
    bool ok = false;
    if (list_length(rp.statements) == 1) {
        const char *saved_text = x->text;
        int saved_offset = x->position_offset;
        x->text = rel->view_definition;
        x->position_offset = 0;
        ir_query *q = analyze_select(x, NULL, ((RawStmt *)linitial(rp.statements))->stmt);
        x->text = saved_text;
        x->position_offset = saved_offset;
        emit_result r = {0};
        strbuf_init(&r.sql);
        if (q && emit_query(x, q, &r)) {
            strbuf sql;
            strbuf_init(&sql);
            strbuf_puts(&sql, "DROP VIEW ");
            catalog_quote_ident(rel->engine_name, &sql);
            ok = ddl_step(x, p, sql.data);
            strbuf_reset(&sql);
            strbuf_puts(&sql, "CREATE VIEW ");
            catalog_quote_ident(new_engine, &sql);
            strbuf_puts(&sql, " (");
            for (int i = 0; i < rel->ncolumns; i++) {
                if (i)
                    strbuf_puts(&sql, ", ");
                catalog_quote_ident(rel->columns[i].name, &sql);
            }
            strbuf_printf(&sql, ") AS %s", r.sql.data ? r.sql.data : "");
            ok = ok && !sql.failed && ddl_step(x, p, sql.data);
            strbuf_free(&sql);
        }
        emit_result_free(&r);
    }
    raw_parse_free(&rp);
    return ok;
}

/* ALTER TABLE / VIEW / SEQUENCE ... SET SCHEMA */
static bool set_schema(sql_xlate *x, AlterObjectSchemaStmt *as, sql_plan **out)
{
    const char *command = as->objectType == OBJECT_VIEW ? "ALTER VIEW" : as->objectType == OBJECT_SEQUENCE ? "ALTER SEQUENCE"
                                                                                                         : "ALTER TABLE";
    if (!as->relation || (as->objectType != OBJECT_TABLE && as->objectType != OBJECT_VIEW && as->objectType != OBJECT_SEQUENCE)) {
        xlate_error(x, -1, "0A000", "SET SCHEMA of this kind of object is not supported");
        return false;
    }
    const cat_relation *rel = analyze_find_relation(x, as->relation->schemaname, as->relation->relname,
                                                    as->relation->location, as->missing_ok);
    if (!rel) {
        if (pg_error_is_set(x->err))
            return false;
        session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "relation \"%s\" does not exist, skipping",
                       as->relation->relname);
        *out = ddl_noop_plan(x, command);
        return *out != NULL;
    }
    const cat_namespace *ns = cat_find_namespace(x->catalog, as->newschema);
    if (!ns) {
        xlate_error(x, -1, "3F000", "schema \"%s\" does not exist", as->newschema);
        return false;
    }
    if (strncmp(as->newschema, "pg_", 3) == 0 || strcmp(as->newschema, "information_schema") == 0) {
        xlate_error(x, -1, "0A000", "cannot move objects into or out of system or temporary schemas");
        return false;
    }
    if (strcmp(rel->schema, as->newschema) == 0) {
        *out = ddl_noop_plan(x, command);
        return *out != NULL;
    }
    if (cat_find_relation(x->catalog, as->newschema, rel->name)) {
        xlate_error(x, -1, "42P07", "relation \"%s\" already exists in schema \"%s\"", rel->name, as->newschema);
        return false;
    }
    sql_plan *p = ddl_plan(x, command);
    if (!p)
        return false;
    strbuf en, sql;
    strbuf_init(&en);
    strbuf_init(&sql);
    catalog_engine_table_name(as->newschema, rel->name, &en);
    bool ok = !en.failed;
    if (ok && rel->kind == 'r') {
        strbuf_puts(&sql, "ALTER TABLE ");
        catalog_quote_ident(rel->engine_name, &sql);
        strbuf_puts(&sql, " RENAME TO ");
        catalog_quote_ident(en.data, &sql);
        ok = ddl_step(x, p, sql.data);
    } else if (ok && rel->kind == 'v') {
        ok = recreate_view_steps(x, p, rel, en.data);
    }
    if (ok) {
        strbuf_reset(&sql);
        strbuf_printf(&sql, "UPDATE " CAT_META_CLASS " SET relnamespace = %u", ns->oid);
        if (rel->engine_name[0]) {
            strbuf_puts(&sql, ", engine_name = ");
            catalog_quote_literal(en.data, &sql);
        }
        /* its indexes and owned sequences move with it */
        strbuf_printf(&sql, " WHERE oid = %u OR oid IN (SELECT indexrelid FROM " CAT_META_INDEX " WHERE indrelid = %u)"
                            " OR oid IN (SELECT objid FROM " CAT_META_DEPEND " WHERE refobjid = %u AND deptype IN ('a', 'i'))",
                      rel->oid, rel->oid, rel->oid);
        ok = ddl_step(x, p, sql.data);
    }
    strbuf_free(&en);
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* Steps making index `rel` again as `newname` from its recorded definition, then dropping the
 * old one. */
static bool recreate_index_steps(sql_xlate *x, sql_plan *p, const cat_relation *rel, const char *newname)
{
    const cat_index *ix = NULL;
    for (size_t i = 0; i < cat_relation_count(x->catalog) && !ix; i++) {
        const cat_relation *t = cat_relation_at(x->catalog, i);
        for (int k = 0; k < t->nindexes; k++)
            if (t->indexes[k].oid == rel->oid)
                ix = &t->indexes[k];
    }
    if (!ix || !ix->definition) {
        xlate_error(x, -1, "0A000", "index \"%s\" has no recorded definition", rel->name);
        return false;
    }
    raw_parse rp;
    pg_error perr = {0};
    if (!raw_parse_text(ix->definition, &rp, NULL, 0, &perr)) {
        xlate_error(x, -1, "XX000", "could not read the definition of index \"%s\"", rel->name);
        pg_error_clear(&perr);
        return false;
    }
    bool ok = false;
    if (list_length(rp.statements) == 1 && IsA(((RawStmt *)linitial(rp.statements))->stmt, IndexStmt)) {
        IndexStmt *is = (IndexStmt *)((RawStmt *)linitial(rp.statements))->stmt;
        is->idxname = (char *)newname;
        const char *saved_text = x->text;
        int saved_offset = x->position_offset;
        x->text = ix->definition;
        x->position_offset = 0;
        sql_plan *made = NULL;
        ok = create_index(x, is, &made);
        x->text = saved_text;
        x->position_offset = saved_offset;
        strbuf sql;
        strbuf_init(&sql);
        strbuf_puts(&sql, "DROP INDEX ");
        catalog_quote_ident(rel->engine_name, &sql);
        ok = ok && ddl_step(x, p, sql.data) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_INDEX " WHERE indexrelid = %u", rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_DESCRIPTION " WHERE objoid = %u", rel->oid) &&
             ddl_stepf(x, p, "DELETE FROM " CAT_META_CLASS " WHERE oid = %u", rel->oid);
        for (int i = 0; ok && made && i < made->nsteps; i++)
            ok = plan_add_step(p, made->steps[i].sql, 0, NULL, false, false);
        if (made)
            sql_plan_unref(made);
        strbuf_free(&sql);
    }
    raw_parse_free(&rp);
    return ok;
}

static bool rename_object(sql_xlate *x, RenameStmt *rs, sql_plan **out)
{
    if (rs->renameType != OBJECT_TABLE && rs->renameType != OBJECT_COLUMN && rs->renameType != OBJECT_INDEX &&
        rs->renameType != OBJECT_VIEW && rs->renameType != OBJECT_SEQUENCE && rs->renameType != OBJECT_SCHEMA &&
        rs->renameType != OBJECT_TABCONSTRAINT) {
        xlate_error(x, -1, "0A000", "this form of RENAME is not supported");
        return false;
    }
    sql_plan *p = ddl_plan(x, rs->renameType == OBJECT_SCHEMA ? "ALTER SCHEMA" : rs->renameType == OBJECT_INDEX ? "ALTER INDEX"
                              : rs->renameType == OBJECT_VIEW ? "ALTER VIEW" : rs->renameType == OBJECT_SEQUENCE ? "ALTER SEQUENCE"
                              : "ALTER TABLE");
    if (!p)
        return false;
    bool ok;
    if (rs->renameType == OBJECT_SCHEMA) {
        const cat_namespace *ns = cat_find_namespace(x->catalog, rs->subname);
        if (!ns) {
            xlate_error(x, -1, "3F000", "schema \"%s\" does not exist", rs->subname);
            sql_plan_unref(p);
            return false;
        }
        xlate_error(x, -1, "0A000", "ALTER SCHEMA ... RENAME is not supported yet");
        sql_plan_unref(p);
        return false;
    }
    const cat_relation *rel = analyze_find_relation(x, rs->relation->schemaname, rs->relation->relname,
                                                    rs->relation->location, rs->missing_ok);
    if (!rel) {
        sql_plan_unref(p);
        if (pg_error_is_set(x->err))
            return false;
        *out = ddl_noop_plan(x, "ALTER TABLE");
        return *out != NULL;
    }
    strbuf sql;
    strbuf_init(&sql);
    if (rs->renameType == OBJECT_COLUMN) {
        const cat_column *c = cat_find_column(rel, rs->subname);
        if (!c) {
            xlate_error(x, -1, "42703", "column \"%s\" does not exist", rs->subname);
            strbuf_free(&sql);
            sql_plan_unref(p);
            return false;
        }
        if (cat_find_column(rel, rs->newname)) {
            xlate_error(x, -1, "42701", "column \"%s\" of relation \"%s\" already exists", rs->newname, rel->name);
            strbuf_free(&sql);
            sql_plan_unref(p);
            return false;
        }
        strbuf_puts(&sql, "ALTER TABLE ");
        catalog_quote_ident(rel->engine_name, &sql);
        strbuf_puts(&sql, " RENAME COLUMN ");
        catalog_quote_ident(rs->subname, &sql);
        strbuf_puts(&sql, " TO ");
        catalog_quote_ident(rs->newname, &sql);
        ok = ddl_step(x, p, sql.data);
        strbuf_reset(&sql);
        strbuf_puts(&sql, "UPDATE " CAT_META_ATTRIBUTE " SET attname = ");
        catalog_quote_literal(rs->newname, &sql);
        strbuf_printf(&sql, " WHERE attrelid = %u AND attnum = %d", rel->oid, c->attnum);
        ok = ok && ddl_step(x, p, sql.data);
    } else if (rs->renameType == OBJECT_TABCONSTRAINT) {
        strbuf_puts(&sql, "UPDATE " CAT_META_CONSTRAINT " SET conname = ");
        catalog_quote_literal(rs->newname, &sql);
        strbuf_printf(&sql, " WHERE conrelid = %u AND conname = ", rel->oid);
        catalog_quote_literal(rs->subname, &sql);
        ok = ddl_step(x, p, sql.data);
    } else {
        if (cat_find_relation(x->catalog, rel->schema, rs->newname)) {
            xlate_error(x, -1, "42P07", "relation \"%s\" already exists", rs->newname);
            strbuf_free(&sql);
            sql_plan_unref(p);
            return false;
        }
        strbuf new_engine;
        strbuf_init(&new_engine);
        catalog_engine_table_name(rel->schema, rs->newname, &new_engine);
        ok = true;
        if (rel->kind == 'r' || rel->kind == 'v') {
            if (rel->kind == 'v') {
                ok = recreate_view_steps(x, p, rel, new_engine.data);
            } else {
                strbuf_puts(&sql, "ALTER TABLE ");
                catalog_quote_ident(rel->engine_name, &sql);
                strbuf_puts(&sql, " RENAME TO ");
                catalog_quote_ident(new_engine.data, &sql);
                ok = ddl_step(x, p, sql.data);
            }
        } else if (rel->kind == 'i' && rel->engine_name[0]) {
            /* SQLite cannot rename an index: it is made again under the new name from its
             * definition (a new OID), the old one dropped */
            ok = recreate_index_steps(x, p, rel, rs->newname);
            if (ok) {
                strbuf_free(&sql);
                strbuf_free(&new_engine);
                *out = p;
                return true;
            }
        }
        strbuf_reset(&sql);
        strbuf_puts(&sql, "UPDATE " CAT_META_CLASS " SET relname = ");
        catalog_quote_literal(rs->newname, &sql);
        if (rel->engine_name[0]) {
            strbuf_puts(&sql, ", engine_name = ");
            catalog_quote_literal(new_engine.data, &sql);
        }
        strbuf_printf(&sql, " WHERE oid = %u", rel->oid);
        ok = ok && ddl_step(x, p, sql.data);
        strbuf_free(&new_engine);
    }
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- COMMENT, EXTENSION, SEQUENCE */

static bool comment_on(sql_xlate *x, CommentStmt *cs, sql_plan **out)
{
    if (cs->objtype != OBJECT_TABLE && cs->objtype != OBJECT_COLUMN && cs->objtype != OBJECT_VIEW &&
        cs->objtype != OBJECT_INDEX) {
        xlate_error(x, -1, "0A000", "COMMENT on this kind of object is not supported");
        return false;
    }
    List *names = (List *)cs->object;
    const char *column = NULL;
    int n = list_length(names);
    const char *relname, *schema = NULL;
    if (cs->objtype == OBJECT_COLUMN) {
        column = strVal(llast(names));
        relname = strVal(list_nth(names, n - 2));
        if (n >= 3)
            schema = strVal(list_nth(names, n - 3));
    } else {
        relname = strVal(llast(names));
        if (n >= 2)
            schema = strVal(list_nth(names, n - 2));
    }
    const cat_relation *rel = analyze_find_relation(x, schema, relname, -1, false);
    if (!rel)
        return false;
    int subid = 0;
    if (column) {
        const cat_column *c = cat_find_column(rel, column);
        if (!c) {
            xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", column, relname);
            return false;
        }
        subid = c->attnum;
    }
    sql_plan *p = ddl_plan(x, "COMMENT");
    if (!p)
        return false;
    strbuf sql;
    strbuf_init(&sql);
    bool ok = ddl_stepf(x, p, "DELETE FROM " CAT_META_DESCRIPTION " WHERE objoid = %u AND classoid = 1259 AND objsubid = %d",
                        rel->oid, subid);
    if (ok && cs->comment && *cs->comment) {
        strbuf_printf(&sql, "INSERT INTO " CAT_META_DESCRIPTION " VALUES (%u, 1259, %d, ", rel->oid, subid);
        catalog_quote_literal(cs->comment, &sql);
        strbuf_putc(&sql, ')');
        ok = ddl_step(x, p, sql.data);
    }
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

static bool create_extension(sql_xlate *x, CreateExtensionStmt *ce, sql_plan **out)
{
    static const char *const known[] = {"vector", "plpgsql", "uuid-ossp", "pgcrypto", "pg_trgm", "hstore", "citext"};
    bool found = false;
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (strcmp(ce->extname, known[i]) == 0)
            found = true;
    if (!found) {
        xlate_error(x, -1, "0A000", "extension \"%s\" is not available", ce->extname);
        pg_error_hint(x->err, "iris-pgwire provides: vector (pgvector), plpgsql, uuid-ossp.");
        return false;
    }
    /* The extensions we provide are built in; recording them is the catalog's business. */
    *out = ddl_noop_plan(x, "CREATE EXTENSION");
    return *out != NULL;
}

/* ---------------------------------------------------------------- dispatch */

bool xlate_ddl(sql_xlate *x, Node *stmt, sql_plan **out, bool *handled)
{
    *handled = true;
    switch (nodeTag(stmt)) {
    case T_CreateStmt:
        return create_table(x, (CreateStmt *)stmt, out);
    case T_DropStmt: {
        DropStmt *d = (DropStmt *)stmt;
        switch (d->removeType) {
        case OBJECT_TABLE: return drop_relations(x, d, 'r', "DROP TABLE", out);
        case OBJECT_VIEW: return drop_relations(x, d, 'v', "DROP VIEW", out);
        case OBJECT_INDEX: return drop_relations(x, d, 'i', "DROP INDEX", out);
        case OBJECT_SEQUENCE: return drop_relations(x, d, 'S', "DROP SEQUENCE", out);
        case OBJECT_SCHEMA: return drop_schemas(x, d, out);
        case OBJECT_EXTENSION:
            *out = ddl_noop_plan(x, "DROP EXTENSION");
            return *out != NULL;
        default:
            xlate_error(x, -1, "0A000", "DROP of this kind of object is not supported");
            return false;
        }
    }
    case T_IndexStmt:
        return create_index(x, (IndexStmt *)stmt, out);
    case T_CreateSchemaStmt:
        return create_schema(x, (CreateSchemaStmt *)stmt, out);
    case T_ViewStmt:
        return create_view(x, (ViewStmt *)stmt, out);
    case T_TruncateStmt:
        return truncate_tables(x, (TruncateStmt *)stmt, out);
    case T_AlterTableStmt:
        return alter_table(x, (AlterTableStmt *)stmt, out);
    case T_RenameStmt:
        return rename_object(x, (RenameStmt *)stmt, out);
    case T_CommentStmt:
        return comment_on(x, (CommentStmt *)stmt, out);
    case T_CreateExtensionStmt:
        return create_extension(x, (CreateExtensionStmt *)stmt, out);
    case T_CreateTableAsStmt: {
        CreateTableAsStmt *c = (CreateTableAsStmt *)stmt;
        if (c->objtype != OBJECT_TABLE) {
            xlate_error(x, -1, "0A000", "materialized views are not supported");
            return false;
        }
        return create_table_as(x, c->into, c->query, c->if_not_exists, out);
    }
    case T_SelectStmt: {
        /* SELECT ... INTO t: CREATE TABLE t AS SELECT ... */
        SelectStmt *sel = (SelectStmt *)stmt;
        IntoClause *into = sel->intoClause;
        if (!into) {
            *handled = false;
            return true;
        }
        sel->intoClause = NULL;
        return create_table_as(x, into, stmt, false, out);
    }
    case T_CreateSeqStmt:
        return ddl_create_sequence(x, (CreateSeqStmt *)stmt, out);
    case T_AlterObjectSchemaStmt:
        return set_schema(x, (AlterObjectSchemaStmt *)stmt, out);
    case T_AlterSeqStmt:
        return ddl_alter_sequence(x, (AlterSeqStmt *)stmt, out);
    default:
        *handled = false;
        return true;
    }
}
