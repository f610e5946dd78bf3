/*
 * catalog_defs.c — PostgreSQL's own relations (pg_catalog.*, information_schema.*) as
 * relations of every snapshot, so that the analyser resolves them like user tables: with
 * PostgreSQL 15's column names and types, and an engine name in the catalog store
 * ("pg_catalog.pg_class").
 *
 * The definitions come from catalog_facts.c and are built once per process into static
 * cat_relation objects; every snapshot points at the same ones (they are never freed).
 */
#include "catalog/catalog_internal.h"
#include "catalog/catalog_facts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t defs_once = PTHREAD_ONCE_INIT;
static cat_relation *system_relations;
static size_t nsystem;
static bool defs_failed;

static const char *namespace_name(pg_oid oid)
{
    for (size_t i = 0; i < catfact_namespace_count; i++)
        if (catfact_namespaces[i].oid == oid)
            return catfact_namespaces[i].name;
    return "pg_catalog";
}

static void build_defs(void)
{
    system_relations = calloc(catfact_relation_count, sizeof *system_relations);
    if (!system_relations) {
        defs_failed = true;
        return;
    }
    for (size_t i = 0; i < catfact_relation_count; i++) {
        const catfact_relation *f = &catfact_relations[i];
        cat_relation *r = &system_relations[i];
        r->oid = f->oid;
        r->namespace_oid = f->namespace_oid;
        r->schema = namespace_name(f->namespace_oid);
        r->name = f->name;
        r->kind = f->kind;
        r->is_system = true;
        r->reltype = f->reltype;
        r->relacl = f->relacl;
        size_t len = strlen(r->schema) + strlen(r->name) + 2;
        char *engine = malloc(len);
        cat_column *cols = calloc((size_t)(f->ncolumns ? f->ncolumns : 1), sizeof *cols);
        if (!engine || !cols) {
            free(engine);
            free(cols);
            defs_failed = true;
            return;
        }
        snprintf(engine, len, "%s.%s", r->schema, r->name);
        r->engine_name = engine;
        for (int c = 0; c < f->ncolumns; c++) {
            const catfact_column *fc = &catfact_columns[f->first_column + c];
            cols[c].name = fc->name;
            cols[c].attnum = (int16_t)(c + 1);
            /* information_schema's domains (sql_identifier ...): the analyser works on the
             * base type, as PostgreSQL's operators and RowDescription do. */
            const catfact_type *t = catfact_type_by_oid(fc->type);
            cols[c].type = t && t->typtype == 'd' ? t->basetype : fc->type;
            cols[c].domain = t && t->typtype == 'd' ? fc->type : 0;
            cols[c].typmod = fc->typmod;
            cols[c].notnull = fc->notnull;
            cols[c].collation = fc->collation;
        }
        r->columns = cols;
        r->ncolumns = f->ncolumns;
    }
    nsystem = catfact_relation_count;
}

size_t catalog_system_relation_count(void)
{
    pthread_once(&defs_once, build_defs);
    return defs_failed ? 0 : nsystem;
}

const cat_relation *catalog_system_relation_at(size_t i)
{
    pthread_once(&defs_once, build_defs);
    return !defs_failed && i < nsystem ? &system_relations[i] : NULL;
}

const cat_relation *catalog_system_relation(const char *schema, const char *name)
{
    pthread_once(&defs_once, build_defs);
    for (size_t i = 0; !defs_failed && i < nsystem; i++)
        if (strcmp(system_relations[i].name, name) == 0 && strcmp(system_relations[i].schema, schema) == 0)
            return &system_relations[i];
    return NULL;
}

bool catalog_add_system_relations(cat_snapshot *s)
{
    pthread_once(&defs_once, build_defs);
    if (defs_failed)
        return false;
    for (size_t i = 0; i < catfact_namespace_count; i++) {
        const catfact_namespace *ns = &catfact_namespaces[i];
        if (!cat_namespace_by_oid(s, ns->oid) && !cat_snapshot_add_namespace(s, ns->oid, ns->name))
            return false;
    }
    for (size_t i = 0; i < nsystem; i++)
        if (!cat_snapshot_add_relation(s, &system_relations[i]))
            return false;
    return true;
}
