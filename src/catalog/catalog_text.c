/*
 * catalog_text.c — names and definitions as PostgreSQL prints them: quote_ident (quoting
 * only when needed, keywords told apart by PostgreSQL's own scanner), relation names as
 * regclass prints them, visibility through search_path (pg_table_is_visible), and the
 * definitions pg_get_constraintdef / pg_get_indexdef / pg_get_expr return for a snapshot's
 * constraints, indexes and defaults.
 */
#include "catalog/catalog_store.h"

#include <ctype.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- quote_ident */

/* Keyword category by PostgreSQL's scanner; results cached (names repeat a lot). */
static pthread_mutex_t keyword_lock = PTHREAD_MUTEX_INITIALIZER;
static hashmap keyword_cache;   /* name → (void*)(1 + needs quoting) */

static bool keyword_needs_quotes(const char *name)
{
    pthread_mutex_lock(&keyword_lock);
    void *hit = hashmap_get(&keyword_cache, name);
    pthread_mutex_unlock(&keyword_lock);
    if (hit)
        return (uintptr_t)hit == 2;
    bool quote = false;
    PgQueryScanResult raw = pg_query_scan(name);
    if (!raw.error) {
        PgQuery__ScanResult *r =
            pg_query__scan_result__unpack(NULL, raw.pbuf.len, (const uint8_t *)raw.pbuf.data);
        if (r) {
            if (r->n_tokens == 1 && r->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                r->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD)
                quote = true;
            pg_query__scan_result__free_unpacked(r, NULL);
        }
    }
    pg_query_free_scan_result(raw);
    pthread_mutex_lock(&keyword_lock);
    if (keyword_cache.count < 10000 && !hashmap_put(&keyword_cache, name, (void *)(uintptr_t)(quote ? 2 : 1))) {
        /* Only a cache: a failed insert costs a later rescan. */
    }
    pthread_mutex_unlock(&keyword_lock);
    return quote;
}

void catalog_quote_ident_pg(const char *name, strbuf *out)
{
    bool safe = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
    for (const char *p = name; safe && *p; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (safe && !keyword_needs_quotes(name)) {
        strbuf_puts(out, name);
        return;
    }
    catalog_quote_ident(name, out);
}

/* ---------------------------------------------------------------- visibility */

bool catalog_relation_visible(const cat_snapshot *s, const cat_relation *r, const char *const *path, size_t npath)
{
    /* pg_catalog is searched first unless the path names it. */
    bool catalog_listed = false;
    for (size_t i = 0; i < npath; i++)
        if (strcmp(path[i], "pg_catalog") == 0)
            catalog_listed = true;
    if (!catalog_listed) {
        if (strcmp(r->schema, "pg_catalog") == 0)
            return true;
        if (cat_find_relation(s, "pg_catalog", r->name))
            return false;
    }
    for (size_t i = 0; i < npath; i++) {
        if (strcmp(path[i], r->schema) == 0)
            return true;
        if (cat_find_relation(s, path[i], r->name))
            return false;
    }
    return false;
}

void catalog_format_relation(const cat_snapshot *s, const cat_relation *r, const char *const *path, size_t npath,
                             strbuf *out)
{
    if (!catalog_relation_visible(s, r, path, npath)) {
        catalog_quote_ident_pg(r->schema, out);
        strbuf_putc(out, '.');
    }
    catalog_quote_ident_pg(r->name, out);
}

/* ---------------------------------------------------------------- definitions */

const cat_column *build_column_by_attnum(const cat_relation *r, int attnum)
{
    for (int i = 0; i < r->ncolumns; i++)
        if (r->columns[i].attnum == attnum)
            return &r->columns[i];
    return NULL;
}

static void column_list(strbuf *out, const cat_relation *r, const int16_t *keys, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(out, ", ");
        const cat_column *c = build_column_by_attnum(r, keys[i]);
        catalog_quote_ident_pg(c ? c->name : "?", out);
    }
}

const cat_relation *build_index_relation(const cat_snapshot *s, const cat_index *ix)
{
    return cat_relation_by_oid(s, ix->oid);
}

pg_oid build_fk_index(const cat_snapshot *s, const cat_relation *ref, const int16_t *keys, int nkeys)
{
    UNUSED(s);
    if (!ref)
        return 0;
    for (int i = 0; i < ref->nindexes; i++) {
        const cat_index *ix = &ref->indexes[i];
        if (!ix->unique || ix->nkeys != nkeys || ix->predicate)
            continue;
        bool same = true;
        for (int k = 0; k < nkeys && same; k++) {
            bool found = false;
            for (int j = 0; j < nkeys; j++)
                if (ix->keys[j] == keys[k])
                    found = true;
            same = found;
        }
        if (same)
            return ix->oid;
    }
    return 0;
}

static const char *fk_action_words(char a)
{
    switch (a) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return NULL;
    }
}

static unsigned deparse_mode(const build_ctx *b, bool pretty)
{
    return (pretty ? CAT_DEPARSE_PRETTY : 0) | (b->qualified ? CAT_DEPARSE_QUALIFIED : 0);
}

/* pg_get_constraintdef(oid, pretty).  The CHECK expression is PostgreSQL's deparsed text
 * when the SQL layer can give it; pretty mode drops the outer parentheses PostgreSQL's
 * non-pretty mode keeps. */
const char *build_constraint_def(build_ctx *b, const cat_relation *r, const cat_constraint *k, bool pretty,
                                 strbuf *out, cat_refs *refs)
{
    strbuf_reset(out);
    switch (k->type) {
    case 'p':
    case 'u':
        strbuf_puts(out, k->type == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
        column_list(out, r, k->keys, k->nkeys);
        strbuf_putc(out, ')');
        break;
    case 'f': {
        const cat_relation *ref = cat_relation_by_oid(b->s, k->ref_relation);
        strbuf_puts(out, "FOREIGN KEY (");
        column_list(out, r, k->keys, k->nkeys);
        strbuf_puts(out, ") REFERENCES ");
        if (ref) {
            /* Qualified unless in the creator's schema path (PostgreSQL qualifies when the
             * name would not be found through search_path; public is on it). */
            if (strcmp(ref->schema, "pg_catalog") != 0 && (b->qualified || strcmp(ref->schema, "public") != 0)) {
                catalog_quote_ident_pg(ref->schema, out);
                strbuf_putc(out, '.');
            }
            catalog_quote_ident_pg(ref->name, out);
            strbuf_putc(out, '(');
            column_list(out, ref, k->ref_keys, k->nkeys);
            strbuf_putc(out, ')');
        }
        if (k->match_type == 'f')
            strbuf_puts(out, " MATCH FULL");
        const char *u = fk_action_words(k->on_update), *d = fk_action_words(k->on_delete);
        if (u)
            strbuf_printf(out, " ON UPDATE %s", u);
        if (d)
            strbuf_printf(out, " ON DELETE %s", d);
        if (k->definition && strstr(k->definition, "INITIALLY DEFERRED"))
            strbuf_puts(out, " DEFERRABLE INITIALLY DEFERRED");
        else if (k->definition && strstr(k->definition, "DEFERRABLE"))
            strbuf_puts(out, " DEFERRABLE");
        break;
    }
    case 'c': {
        /* The recorded definition is "CHECK ((text))" with the text as written. */
        const char *def = k->definition ? k->definition : "";
        const char *open = strstr(def, "((");
        size_t len = strlen(def);
        strbuf expr, deparsed;
        strbuf_init(&expr);
        strbuf_init(&deparsed);
        if (open && len >= 2 && strcmp(def + len - 2, "))") == 0)
            strbuf_append(&expr, open + 2, (size_t)(def + len - 2 - (open + 2)));
        else
            strbuf_puts(&expr, def);
        const char *text = expr.data ? expr.data : "";
        bool have = b->env && b->env->deparse_expr &&
                    b->env->deparse_expr(b->env->arg, b->s, r, text, true, deparse_mode(b, pretty), &deparsed, refs) &&
                    deparsed.data;
        /* Non-pretty keeps PostgreSQL's parentheses around the whole expression. */
        if (have)
            strbuf_printf(out, pretty ? "CHECK (%s)" : "CHECK (%s)", deparsed.data);
        else
            strbuf_printf(out, "CHECK ((%s))", text);
        strbuf_free(&expr);
        strbuf_free(&deparsed);
        break;
    }
    default:
        if (k->definition)
            strbuf_puts(out, k->definition);
        break;
    }
    return out->failed ? NULL : out->data;
}

const char *build_column_default(build_ctx *b, const cat_relation *r, const cat_column *c, bool pretty, strbuf *out)
{
    strbuf_reset(out);
    if (!c->default_expr)
        return NULL;
    if (!(b->env && b->env->deparse_expr &&
          b->env->deparse_expr(b->env->arg, b->s, r, c->default_expr, false, deparse_mode(b, pretty), out, NULL) &&
          out->data)) {
        strbuf_reset(out);
        strbuf_puts(out, c->default_expr);
    }
    return out->failed ? NULL : out->data;
}

/* ---------------------------------------------------------------- derived texts, once per build */

void cat_refs_add(cat_refs *r, pg_oid rel, int16_t attnum)
{
    for (int i = 0; i < r->n; i++)
        if (r->rel[i] == rel && r->attnum[i] == attnum)
            return;
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 8;
        pg_oid *nr = realloc(r->rel, sizeof *nr * (size_t)cap);
        if (nr)
            r->rel = nr;
        int16_t *na = realloc(r->attnum, sizeof *na * (size_t)cap);
        if (na)
            r->attnum = na;
        if (!nr || !na) {
            r->failed = true;
            return;
        }
        r->cap = cap;
    }
    r->rel[r->n] = rel;
    r->attnum[r->n] = attnum;
    r->n++;
}

void cat_refs_free(cat_refs *r)
{
    free(r->rel);
    free(r->attnum);
    memset(r, 0, sizeof *r);
}

void cat_index_text_init(cat_index_text *t)
{
    memset(t, 0, sizeof *t);
    strbuf *bufs[] = {&t->def, &t->def_pretty, &t->keys, &t->keys_pretty, &t->names,
                      &t->exprs, &t->exprs_pretty, &t->pred, &t->pred_pretty};
    for (size_t i = 0; i < ARRAY_LEN(bufs); i++)
        strbuf_init(bufs[i]);
}

void cat_index_text_free(cat_index_text *t)
{
    strbuf *bufs[] = {&t->def, &t->def_pretty, &t->keys, &t->keys_pretty, &t->names,
                      &t->exprs, &t->exprs_pretty, &t->pred, &t->pred_pretty};
    for (size_t i = 0; i < ARRAY_LEN(bufs); i++)
        strbuf_free(bufs[i]);
    cat_refs_free(&t->refs);
}

typedef struct derived {
    char kind;                 /* 'i' index, 'v' view ('V' qualified), 'c' CHECK constraint */
    bool ok;
    cat_index_text index;
    strbuf def, pretty;        /* views */
    cat_refs refs;             /* views, CHECKs */
} derived;

static derived *derived_get(build_ctx *b, char kind, pg_oid oid, bool *fresh)
{
    char key[24];
    snprintf(key, sizeof key, "%c%u", kind, oid);
    derived *d = hashmap_get(&b->derived, key);
    *fresh = false;
    if (d)
        return d;
    d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->kind = kind;
    cat_index_text_init(&d->index);
    strbuf_init(&d->def);
    strbuf_init(&d->pretty);
    if (!hashmap_put(&b->derived, key, d)) {
        cat_index_text_free(&d->index);
        free(d);
        return NULL;
    }
    *fresh = true;
    return d;
}

static pg_oid synthetic_oid(build_ctx *b, const char *key)
{
    void *v = hashmap_get(&b->attrdefs, key);
    if (v)
        return (pg_oid)(uintptr_t)v;
    pg_oid oid = b->next_synthetic_oid++;
    if (!hashmap_put(&b->attrdefs, key, (void *)(uintptr_t)oid)) {
        /* Out of memory: the OID still serves this caller; a later ask gets another one. */
    }
    return oid;
}

pg_oid build_attrdef_oid(build_ctx *b, pg_oid rel, int attnum)
{
    char key[32];
    snprintf(key, sizeof key, "%u.%d", rel, attnum);
    return synthetic_oid(b, key);
}

pg_oid build_rule_oid(build_ctx *b, pg_oid view)
{
    char key[32];
    snprintf(key, sizeof key, "rule.%u", view);
    return synthetic_oid(b, key);
}

void build_ctx_release(build_ctx *b)
{
    hashmap_free(&b->attrdefs);
    size_t cursor = 0;
    const char *key;
    void *value;
    while (hashmap_next(&b->derived, &cursor, &key, &value)) {
        derived *d = value;
        cat_index_text_free(&d->index);
        strbuf_free(&d->def);
        strbuf_free(&d->pretty);
        cat_refs_free(&d->refs);
        free(d);
    }
    hashmap_free(&b->derived);
}

/* From the structure alone (no SQL layer, or it could not describe the index): columns
 * only, as the catalog records them. */
static void index_text_from_structure(build_ctx *b, const cat_relation *r, const cat_index *ix, cat_index_text *t)
{
    const cat_relation *self = build_index_relation(b->s, ix);
    for (int pass = 0; pass < 2; pass++) {
        strbuf *out = pass ? &t->def_pretty : &t->def;
        strbuf_reset(out);
        strbuf_printf(out, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
        catalog_quote_ident_pg(self ? self->name : ix->name, out);
        strbuf_puts(out, " ON ");
        catalog_quote_ident_pg(r->schema, out);
        strbuf_putc(out, '.');
        catalog_quote_ident_pg(r->name, out);
        strbuf_printf(out, " USING %s (", ix->method ? ix->method : "btree");
        column_list(out, r, ix->keys, ix->nkeys);
        strbuf_putc(out, ')');
        if (ix->predicate)
            strbuf_printf(out, " WHERE (%s)", ix->predicate);
    }
    strbuf_reset(&t->keys);
    strbuf_reset(&t->keys_pretty);
    strbuf_reset(&t->names);
    for (int k = 0; k < ix->nkeys; k++) {
        const cat_column *col = build_column_by_attnum(r, ix->keys[k]);
        strbuf one;
        strbuf_init(&one);
        catalog_quote_ident_pg(col ? col->name : "?", &one);
        strbuf_append(&t->keys, one.data ? one.data : "", one.len + 1);
        strbuf_append(&t->keys_pretty, one.data ? one.data : "", one.len + 1);
        strbuf_free(&one);
        const char *name = col ? col->name : "expr";
        strbuf_append(&t->names, name, strlen(name) + 1);
        t->options[k] = 0;
    }
    if (ix->predicate) {
        strbuf_puts(&t->pred, ix->predicate);
        strbuf_puts(&t->pred_pretty, ix->predicate);
    }
}

const cat_index_text *build_index_text(build_ctx *b, const cat_relation *r, const cat_index *ix)
{
    bool fresh;
    derived *d = derived_get(b, 'i', ix->oid, &fresh);
    if (!d)
        return NULL;
    if (fresh) {
        d->ok = b->env && b->env->describe_index && ix->nkeys <= CAT_INDEX_MAX_KEYS &&
                b->env->describe_index(b->env->arg, b->s, r, ix, &d->index);
        if (!d->ok) {
            cat_index_text_free(&d->index);
            cat_index_text_init(&d->index);
            if (ix->nkeys <= CAT_INDEX_MAX_KEYS)
                index_text_from_structure(b, r, ix, &d->index);
        }
    }
    return &d->index;
}

bool build_view_text(build_ctx *b, const cat_relation *r, const char **def, const char **pretty,
                     const cat_refs **refs)
{
    bool fresh;
    derived *d = derived_get(b, b->qualified ? 'V' : 'v', r->oid, &fresh);
    if (!d)
        return false;
    if (fresh) {
        d->ok = b->env && b->env->deparse_view &&
                b->env->deparse_view(b->env->arg, b->s, r, deparse_mode(b, false), &d->def, &d->refs) &&
                b->env->deparse_view(b->env->arg, b->s, r, deparse_mode(b, true), &d->pretty, NULL) && d->def.data &&
                d->pretty.data;
        if (!d->ok && r->view_definition) {
            /* The text as written, ending with ';' as pg_get_viewdef's always does (pg_dump
             * strips that last character). */
            strbuf_reset(&d->def);
            strbuf_puts(&d->def, r->view_definition);
            while (d->def.len && (d->def.data[d->def.len - 1] == ';' || isspace((unsigned char)d->def.data[d->def.len - 1])))
                d->def.data[--d->def.len] = 0;
            strbuf_putc(&d->def, ';');
        }
    }
    const char *written = d->def.data && !d->def.failed ? d->def.data : r->view_definition;
    *def = d->ok ? d->def.data : written;
    *pretty = d->ok ? d->pretty.data : written;
    *refs = d->ok ? &d->refs : NULL;
    return d->ok;
}

const cat_refs *build_check_refs(build_ctx *b, const cat_relation *r, const cat_constraint *k)
{
    bool fresh;
    derived *d = derived_get(b, 'c', k->oid, &fresh);
    if (!d)
        return NULL;
    if (fresh) {
        strbuf text;
        strbuf_init(&text);
        d->ok = build_constraint_def(b, r, k, false, &text, &d->refs) != NULL && !d->refs.failed;
        strbuf_free(&text);
    }
    return d->ok ? &d->refs : NULL;
}
