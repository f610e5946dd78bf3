/*
 * ddl_sequence.c — CREATE SEQUENCE and ALTER SEQUENCE with PostgreSQL's options, defaults
 * and checks (sequence.c's init_params), recorded in _pgwire_class / _pgwire_sequence; and
 * the per-session currval()/lastval() memory the engine's nextval reports into.
 *
 * A sequence has no engine table: nextval reads and updates its _pgwire_sequence row
 * (src/backend/sqlite_fn_sequence.c).
 */
#include "sql/ddl.h"
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

typedef struct seq_options {
    pg_oid type;
    bool has_increment, has_min, has_max, has_start, has_restart, has_cache, has_cycle, has_type;
    bool no_min, no_max, restart_default;
    int64_t increment, min, max, start, restart, cache;
    bool cycle;
    List *owned_by;
} seq_options;

static bool option_int(sql_xlate *x, DefElem *d, int64_t *out)
{
    Node *arg = d->arg;
    if (arg && IsA(arg, Integer)) {
        *out = intVal(arg);
        return true;
    }
    if (arg && IsA(arg, Float) && parse_int64(castNode(Float, arg)->fval, out))
        return true;
    xlate_error(x, d->location, "22023", "%s requires a numeric value", d->defname);
    return false;
}

static bool parse_options(sql_xlate *x, List *options, seq_options *o)
{
    memset(o, 0, sizeof *o);
    o->type = PG_OID_INT8;
    ListCell *lc;
    foreach (lc, options) {
        DefElem *d = lfirst_node(DefElem, lc);
        const char *n = d->defname;
        if (strcmp(n, "as") == 0) {
            int32_t typmod;
            if (!analyze_type_name(x, d->arg, &o->type, &typmod))
                return false;
            if (o->type != PG_OID_INT2 && o->type != PG_OID_INT4 && o->type != PG_OID_INT8) {
                xlate_error(x, d->location, "22023", "sequence type must be smallint, integer, or bigint");
                return false;
            }
            o->has_type = true;
        } else if (strcmp(n, "increment") == 0) {
            if (!option_int(x, d, &o->increment))
                return false;
            o->has_increment = true;
        } else if (strcmp(n, "minvalue") == 0) {
            if (d->arg && !option_int(x, d, &o->min))
                return false;
            o->has_min = d->arg != NULL;
            o->no_min = d->arg == NULL;
        } else if (strcmp(n, "maxvalue") == 0) {
            if (d->arg && !option_int(x, d, &o->max))
                return false;
            o->has_max = d->arg != NULL;
            o->no_max = d->arg == NULL;
        } else if (strcmp(n, "start") == 0) {
            if (!option_int(x, d, &o->start))
                return false;
            o->has_start = true;
        } else if (strcmp(n, "restart") == 0) {
            o->has_restart = true;
            if (d->arg) {
                if (!option_int(x, d, &o->restart))
                    return false;
            } else {
                o->restart_default = true;
            }
        } else if (strcmp(n, "cache") == 0) {
            if (!option_int(x, d, &o->cache))
                return false;
            if (o->cache <= 0) {
                xlate_error(x, d->location, "22023", "CACHE (%lld) must be greater than zero", (long long)o->cache);
                return false;
            }
            o->has_cache = true;
        } else if (strcmp(n, "cycle") == 0) {
            o->cycle = d->arg && IsA(d->arg, Boolean) ? boolVal(d->arg) : d->arg ? intVal(d->arg) != 0 : true;
            o->has_cycle = true;
        } else if (strcmp(n, "owned_by") == 0) {
            o->owned_by = (List *)d->arg;
        } else if (strcmp(n, "sequence_name") == 0) {
            /* identity columns' generated name: not from SQL */
        } else {
            xlate_error(x, d->location, "42601", "option \"%s\" not recognized", n);
            return false;
        }
    }
    return true;
}

static const char *type_name(pg_oid t)
{
    return t == PG_OID_INT2 ? "smallint" : t == PG_OID_INT4 ? "integer" : "bigint";
}

/* The final parameters, PostgreSQL's defaults filled in, checked. */
typedef struct seq_params {
    pg_oid type;
    int64_t increment, min, max, start, cache;
    bool cycle;
} seq_params;

static bool finish_params(sql_xlate *x, const seq_options *o, seq_params *p, bool for_alter)
{
    if (o->has_type)
        p->type = o->type;
    int64_t tmin = p->type == PG_OID_INT2 ? INT16_MIN : p->type == PG_OID_INT4 ? INT32_MIN : INT64_MIN;
    int64_t tmax = p->type == PG_OID_INT2 ? INT16_MAX : p->type == PG_OID_INT4 ? INT32_MAX : INT64_MAX;
    if (o->has_increment)
        p->increment = o->increment;
    if (p->increment == 0) {
        xlate_error(x, -1, "22023", "INCREMENT must not be zero");
        return false;
    }
    if (o->has_max)
        p->max = o->max;
    else if (o->no_max || !for_alter || o->has_type)
        p->max = p->increment > 0 ? tmax : -1;
    if (o->has_min)
        p->min = o->min;
    else if (o->no_min || !for_alter || o->has_type)
        p->min = p->increment > 0 ? 1 : tmin;
    if (p->max < tmin || p->max > tmax) {
        xlate_error(x, -1, "22023", "MAXVALUE (%lld) is out of range for sequence data type %s", (long long)p->max,
                    type_name(p->type));
        return false;
    }
    if (p->min < tmin || p->min > tmax) {
        xlate_error(x, -1, "22023", "MINVALUE (%lld) is out of range for sequence data type %s", (long long)p->min,
                    type_name(p->type));
        return false;
    }
    if (p->min >= p->max) {
        xlate_error(x, -1, "22023", "MINVALUE (%lld) must be less than MAXVALUE (%lld)", (long long)p->min,
                    (long long)p->max);
        return false;
    }
    if (o->has_start)
        p->start = o->start;
    else if (!for_alter)
        p->start = p->increment > 0 ? p->min : p->max;
    if (p->start < p->min) {
        xlate_error(x, -1, "22023", "START value (%lld) cannot be less than MINVALUE (%lld)", (long long)p->start,
                    (long long)p->min);
        return false;
    }
    if (p->start > p->max) {
        xlate_error(x, -1, "22023", "START value (%lld) cannot be greater than MAXVALUE (%lld)", (long long)p->start,
                    (long long)p->max);
        return false;
    }
    if (o->has_cache)
        p->cache = o->cache;
    else if (!for_alter)
        p->cache = 1;
    if (o->has_cycle)
        p->cycle = o->cycle;
    return true;
}

/* OWNED BY table.column: a dependency row (deptype 'a'), checked against the catalog. */
static bool owned_by_step(sql_xlate *x, sql_plan *p, List *owned_by, const char *oid_expr)
{
    if (!owned_by)
        return true;
    int n = list_length(owned_by);
    if (n == 1 && strcmp(strVal(linitial(owned_by)), "none") == 0)
        return true;
    if (n < 2) {
        xlate_error(x, -1, "42601", "invalid OWNED BY option");
        pg_error_hint(x->err, "Specify OWNED BY table.column or OWNED BY NONE.");
        return false;
    }
    const char *col = strVal(llast(owned_by));
    const char *table = strVal(list_nth(owned_by, n - 2));
    const char *schema = n > 2 ? strVal(list_nth(owned_by, n - 3)) : NULL;
    const cat_relation *rel = analyze_find_relation(x, schema, table, -1, false);
    if (!rel)
        return false;
    const cat_column *c = cat_find_column(rel, col);
    if (!c) {
        xlate_error(x, -1, "42703", "column \"%s\" of relation \"%s\" does not exist", col, table);
        return false;
    }
    return ddl_stepf(x, p,
                     "INSERT INTO " CAT_META_DEPEND " (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)"
                     " VALUES (1259, %s, 0, 1259, %u, %d, 'a')",
                     oid_expr, rel->oid, c->attnum);
}

bool ddl_create_sequence(sql_xlate *x, CreateSeqStmt *cs, sql_plan **out)
{
    RangeVar *rv = cs->sequence;
    bool temp = rv->relpersistence == 't';
    const char *schema = temp ? ddl_temp_schema(x) : analyze_creation_schema(x, rv->schemaname, rv->location);
    if (!schema)
        return false;
    if (cat_find_relation(x->catalog, schema, rv->relname)) {
        if (cs->if_not_exists) {
            session_notice(x->session, PG_SEVERITY_NOTICE, "42P07", "relation \"%s\" already exists, skipping", rv->relname);
            *out = ddl_noop_plan(x, "CREATE SEQUENCE");
            return *out != NULL;
        }
        xlate_error(x, rv->location, "42P07", "relation \"%s\" already exists", rv->relname);
        return false;
    }
    seq_options o;
    seq_params sp = {.type = PG_OID_INT8, .increment = 1};
    if (!parse_options(x, cs->options, &o) || !finish_params(x, &o, &sp, false))
        return false;
    if (o.has_restart) {
        xlate_error(x, -1, "42601", "RESTART cannot be used in CREATE SEQUENCE");
        return false;
    }
    sql_plan *p = ddl_plan(x, "CREATE SEQUENCE");
    if (!p)
        return false;
    oid_block oids = {0};
    strbuf oid_expr, sql;
    strbuf_init(&oid_expr);
    strbuf_init(&sql);
    bool ok = ddl_ensure_schema_step(x, p, schema) && ddl_reserve_oids(x, p, &oids, 1);
    ddl_oid_expr(&oids, 0, &oid_expr);
    const cat_namespace *ns = cat_find_namespace(x->catalog, schema);
    if (ok) {
        strbuf_printf(&sql, "INSERT INTO " CAT_META_CLASS " (oid, relnamespace, relname, relkind, engine_name) VALUES (%s, ",
                      oid_expr.data);
        if (ns)
            strbuf_printf(&sql, "%u", ns->oid);
        else
            strbuf_puts(&sql, "(SELECT oid FROM " CAT_META_NAMESPACE " WHERE nspname = ");
        if (!ns) {
            catalog_quote_literal(schema, &sql);
            strbuf_putc(&sql, ')');
        }
        strbuf_puts(&sql, ", ");
        catalog_quote_literal(rv->relname, &sql);
        strbuf_puts(&sql, ", 'S', '')");
        ok = !sql.failed && ddl_step(x, p, sql.data);
    }
    ok = ok && ddl_stepf(x, p,
                         "INSERT INTO " CAT_META_SEQUENCE " (seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin,"
                         " seqcache, seqcycle, last_value, is_called) VALUES (%s, %u, %lld, %lld, %lld, %lld, %lld, %d, %lld, 0)",
                         oid_expr.data, sp.type, (long long)sp.start, (long long)sp.increment, (long long)sp.max,
                         (long long)sp.min, (long long)sp.cache, sp.cycle ? 1 : 0, (long long)sp.start);
    ok = ok && owned_by_step(x, p, o.owned_by, oid_expr.data);
    strbuf_free(&oid_expr);
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* The current parameters of a sequence: read at translation through the snapshot's
 * connection is not possible, so ALTER writes only what it changes, with SQL that keeps
 * the rest (and checks the combination in the engine). */
bool ddl_alter_sequence(sql_xlate *x, AlterSeqStmt *as, sql_plan **out)
{
    RangeVar *rv = as->sequence;
    const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, as->missing_ok);
    if (!rel) {
        if (pg_error_is_set(x->err))
            return false;
        session_notice(x->session, PG_SEVERITY_NOTICE, "00000", "relation \"%s\" does not exist, skipping", rv->relname);
        *out = ddl_noop_plan(x, "ALTER SEQUENCE");
        return *out != NULL;
    }
    if (rel->kind != 'S') {
        xlate_error(x, rv->location, "42809", "\"%s\" is not a sequence", rv->relname);
        return false;
    }
    seq_options o;
    if (!parse_options(x, as->options, &o))
        return false;
    if (o.has_increment && o.increment == 0) {
        xlate_error(x, -1, "22023", "INCREMENT must not be zero");
        return false;
    }
    sql_plan *p = ddl_plan(x, "ALTER SEQUENCE");
    if (!p)
        return false;
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "UPDATE " CAT_META_SEQUENCE " SET seqrelid = seqrelid");
    if (o.has_type)
        strbuf_printf(&sql, ", seqtypid = %u", o.type);
    if (o.has_increment)
        strbuf_printf(&sql, ", seqincrement = %lld", (long long)o.increment);
    int64_t tmin = o.type == PG_OID_INT2 ? INT16_MIN : o.type == PG_OID_INT4 ? INT32_MIN : INT64_MIN;
    int64_t tmax = o.type == PG_OID_INT2 ? INT16_MAX : o.type == PG_OID_INT4 ? INT32_MAX : INT64_MAX;
    if (o.has_min)
        strbuf_printf(&sql, ", seqmin = %lld", (long long)o.min);
    else if (o.no_min)
        strbuf_printf(&sql, ", seqmin = CASE WHEN %s > 0 THEN 1 ELSE %lld END",
                      o.has_increment ? "1" : "seqincrement", (long long)tmin);
    if (o.has_max)
        strbuf_printf(&sql, ", seqmax = %lld", (long long)o.max);
    else if (o.no_max)
        strbuf_printf(&sql, ", seqmax = CASE WHEN %s > 0 THEN %lld ELSE -1 END",
                      o.has_increment ? (o.increment > 0 ? "1" : "-1") : "seqincrement", (long long)tmax);
    if (o.has_start)
        strbuf_printf(&sql, ", seqstart = %lld", (long long)o.start);
    if (o.has_cache)
        strbuf_printf(&sql, ", seqcache = %lld", (long long)o.cache);
    if (o.has_cycle)
        strbuf_printf(&sql, ", seqcycle = %d", o.cycle ? 1 : 0);
    if (o.has_restart) {
        if (o.restart_default)
            strbuf_puts(&sql, ", last_value = seqstart, is_called = 0");
        else
            strbuf_printf(&sql, ", last_value = %lld, is_called = 0", (long long)o.restart);
    }
    strbuf_printf(&sql, " WHERE seqrelid = %u", rel->oid);
    bool ok = !sql.failed && ddl_step(x, p, sql.data) &&
              ddl_stepf(x, p, "SELECT pgw_sequence_forget(%u)", rel->oid);   /* the table's position rules now */
    /* PostgreSQL's checks on the result, in the engine (pgw_error aborts the plan). */
    ok = ok && ddl_stepf(x, p,
                         "SELECT CASE WHEN seqmin >= seqmax THEN pgw_error('22023', 'MINVALUE (' || seqmin ||"
                         " ') must be less than MAXVALUE (' || seqmax || ')')"
                         " WHEN last_value < seqmin AND is_called = 0 THEN pgw_error('22023', 'RESTART value (' ||"
                         " last_value || ') cannot be less than MINVALUE (' || seqmin || ')')"
                         " WHEN last_value > seqmax AND is_called = 0 THEN pgw_error('22023', 'RESTART value (' ||"
                         " last_value || ') cannot be greater than MAXVALUE (' || seqmax || ')') END"
                         " FROM " CAT_META_SEQUENCE " WHERE seqrelid = %u",
                         rel->oid);
    if (ok && o.owned_by) {
        char oid_text[16];
        snprintf(oid_text, sizeof oid_text, "%u", rel->oid);
        ok = ddl_stepf(x, p, "DELETE FROM " CAT_META_DEPEND " WHERE objid = %u AND deptype = 'a'", rel->oid) &&
             owned_by_step(x, p, o.owned_by, oid_text);
    }
    strbuf_free(&sql);
    if (!ok) {
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

/* ---------------------------------------------------------------- currval / lastval */

struct session_sequences {
    hashmap values;     /* "oid" → int64_t* */
    int64_t last;
    bool has_last;
};

void session_sequence_value(void *session, pg_oid sequence, int64_t value)
{
    sql_session *s = session;
    if (!s->sequences) {
        s->sequences = calloc(1, sizeof *s->sequences);
        if (!s->sequences)
            return;
        hashmap_init(&s->sequences->values);
    }
    char key[16];
    snprintf(key, sizeof key, "%u", sequence);
    int64_t *slot = hashmap_get(&s->sequences->values, key);
    if (!slot) {
        slot = malloc(sizeof *slot);
        if (!slot)
            return;
        if (!hashmap_put(&s->sequences->values, key, slot)) {
            free(slot);
            return;
        }
    }
    *slot = value;
    s->sequences->last = value;
    s->sequences->has_last = true;
}

bool session_sequence_current(void *session, pg_oid sequence, int64_t *value)
{
    sql_session *s = session;
    if (!s->sequences)
        return false;
    char key[16];
    snprintf(key, sizeof key, "%u", sequence);
    int64_t *slot = hashmap_get(&s->sequences->values, key);
    if (!slot)
        return false;
    *value = *slot;
    return true;
}

bool session_sequence_last(void *session, int64_t *value)
{
    sql_session *s = session;
    if (!s->sequences || !s->sequences->has_last)
        return false;
    *value = s->sequences->last;
    return true;
}

/* DISCARD SEQUENCES / ALL, and the end of the session. */
void session_sequences_reset(sql_session *s)
{
    if (!s->sequences)
        return;
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->sequences->values, &cur, NULL, &v))
        free(v);
    hashmap_free(&s->sequences->values);
    free(s->sequences);
    s->sequences = NULL;
}
