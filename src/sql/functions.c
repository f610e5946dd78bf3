/*
 * functions.c — resolving function and operator calls as PostgreSQL does (parse_func.c's
 * func_select_candidate, simplified but faithful on the cases applications meet), over the
 * table of functions the server knows (function_table.c).
 *
 * Resolution steps, each applied only if the previous one left several candidates:
 *   1. candidates with the name and argument count (variadic ones expanded);
 *   2. an exact match on every argument;
 *   3. candidates every argument can reach by implicit coercion (unknown reaches anything);
 *   4. most exact matches; 5. most preferred types where coercion is needed;
 *   6. unknown arguments: the category every remaining candidate accepts, preferring 'S'
 *      (string), then a preferred type of that category;
 *   7. a binary operator with one unknown side: assume it has the other side's type.
 */
#include "sql/sql_internal.h"
#include "sql/function_table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 64

static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static hashmap name_index;   /* name → (void*)(first index + 1); entries with one name are contiguous after sorting */
static const sql_function **sorted_functions;
static size_t nfunctions;

static int by_name(const void *a, const void *b)
{
    const sql_function *fa = *(const sql_function *const *)a, *fb = *(const sql_function *const *)b;
    int c = strcmp(fa->name, fb->name);
    if (c)
        return c;
    return fa < fb ? -1 : fa > fb;
}

/* The index is built once and never changes: read-only after pthread_once. */
static void build_index(void)
{
    const struct { const sql_function *table; size_t size; } tables[] = {
        {function_table_core, function_table_core_size},
        {function_table_catalog, function_table_catalog_size},
        {function_table_vector, function_table_vector_size},
    };
    nfunctions = 0;
    for (size_t t = 0; t < ARRAY_LEN(tables); t++)
        nfunctions += tables[t].size;
    sorted_functions = calloc(nfunctions, sizeof *sorted_functions);
    hashmap_init(&name_index);
    if (!sorted_functions)
        return;
    size_t k = 0;
    for (size_t t = 0; t < ARRAY_LEN(tables); t++)
        for (size_t i = 0; i < tables[t].size; i++)
            sorted_functions[k++] = &tables[t].table[i];
    qsort(sorted_functions, nfunctions, sizeof *sorted_functions, by_name);
    for (size_t i = 0; i < nfunctions; i++) {
        if (i == 0 || strcmp(sorted_functions[i]->name, sorted_functions[i - 1]->name) != 0) {
            if (!hashmap_put(&name_index, sorted_functions[i]->name, (void *)(uintptr_t)(i + 1)))
                return;
        }
    }
}

const sql_function *sql_function_at(size_t i)
{
    pthread_once(&index_once, build_index);
    return i < nfunctions ? sorted_functions[i] : NULL;
}

bool sql_function_exists(const char *name)
{
    pthread_once(&index_once, build_index);
    return hashmap_get(&name_index, name) != NULL;
}

/* The concrete type an argument slot takes, given the actual argument type (polymorphic
 * slots take the actual type, resolved across the call by resolve_polymorphic). */
static bool slot_accepts(pg_oid slot, pg_oid actual)
{
    if (slot == actual || slot == PG_OID_ANY || actual == PG_OID_UNKNOWN)
        return true;
    return sql_can_coerce(actual, slot, COERCE_IMPLICIT);
}

static pg_oid slot_type(const sql_function *f, int i)
{
    if (i < f->nargs)
        return f->args[i];
    return f->args[f->nargs - 1];   /* variadic repeat */
}

typedef struct candidate {
    const sql_function *fn;
    int exact;
    int preferred;
} candidate;

/* Polymorphic functions: every anyelement slot must agree on one type (PostgreSQL's
 * enforce_generic_type_consistency); anyarray slots must be its array type. */
static bool resolve_polymorphic(const sql_function *f, int nargs, const pg_oid *args, pg_oid *coerce_to)
{
    pg_oid elem = PG_OID_INVALID;
    pg_oid types[MAX_CANDIDATES];
    int n = 0;
    for (int i = 0; i < nargs; i++) {
        pg_oid s = slot_type(f, i);
        if (s == PG_OID_ANYELEMENT || s == PG_OID_ANYNONARRAY) {
            if (s == PG_OID_ANYNONARRAY && types_is_array(types_by_oid(args[i])))
                return false;
            if (n < MAX_CANDIDATES)
                types[n++] = args[i];
        } else if (s == PG_OID_ANYARRAY && args[i] != PG_OID_UNKNOWN) {
            const pg_type_info *t = types_by_oid(ir_vector_array_type(args[i]) ? ir_vector_array_type(args[i]) : args[i]);
            if (!t || !types_is_array(t))
                return false;
            if (n < MAX_CANDIDATES)
                types[n++] = t->typelem;
        }
    }
    if (n) {
        elem = sql_common_type(types, n);
        if (elem == PG_OID_INVALID)
            return false;
    }
    for (int i = 0; i < nargs; i++) {
        pg_oid s = slot_type(f, i);
        if (s == PG_OID_ANYELEMENT || s == PG_OID_ANYNONARRAY)
            coerce_to[i] = elem ? elem : PG_OID_TEXT;
        else if (s == PG_OID_ANYARRAY) {
            const pg_type_info *t = types_by_oid(elem ? elem : PG_OID_TEXT);
            coerce_to[i] = t && t->typarray ? t->typarray : args[i];
        } else if (s == PG_OID_ANY)
            coerce_to[i] = args[i] == PG_OID_UNKNOWN ? PG_OID_TEXT : args[i];
        else
            coerce_to[i] = s;
    }
    return true;
}

static fn_lookup_result lookup(const char *name, int nargs, const pg_oid *in_args, sql_fn_kind kind,
                               bool binary_operator, const sql_function **out, pg_oid *coerce_to)
{
    pthread_once(&index_once, build_index);
    uintptr_t first = (uintptr_t)hashmap_get(&name_index, name);
    if (!first)
        return FN_NOT_FOUND;
    pg_oid args[MAX_CANDIDATES];
    if (nargs > MAX_CANDIDATES)
        return FN_NOT_FOUND;
    if (nargs > 0)
        memcpy(args, in_args, sizeof *args * (size_t)nargs);

    candidate cands[MAX_CANDIDATES];
    int ncand = 0;
    for (size_t i = first - 1; i < nfunctions && strcmp(sorted_functions[i]->name, name) == 0; i++) {
        const sql_function *f = sorted_functions[i];
        bool kind_ok = kind == f->kind || (kind == FN_WINDOW && f->kind == FN_AGGREGATE) ||
                       (kind == FN_PLAIN && f->kind == FN_AGGREGATE) ||
                       (kind == FN_PLAIN && f->kind == FN_WINDOW) ||
                       (kind == FN_SET_RETURNING && f->kind == FN_PLAIN) ||
                       (kind == FN_PLAIN && f->kind == FN_SET_RETURNING);
        if (!kind_ok)
            continue;
        /* VARIADIC needs at least one argument for the variadic parameter, as in
         * PostgreSQL (concat() does not exist; zero-argument forms are entries of their own). */
        bool count_ok = f->nargs == nargs || ((f->flags & FN_VARIADIC) && nargs >= f->nargs && f->nargs > 0);
        if (!count_ok || ncand >= MAX_CANDIDATES)
            continue;
        cands[ncand++] = (candidate){.fn = f};
    }
    if (!ncand)
        return FN_NOT_FOUND;

    /* An exact match on every argument wins at once, as in PostgreSQL's func_get_detail
     * (and spares the coercion checks of every candidate, the common case). */
    for (int c = 0; c < ncand; c++) {
        const sql_function *f = cands[c].fn;
        if (f->nargs != nargs)
            continue;
        int i = 0;
        while (i < nargs && f->args[i] == args[i] && args[i] != PG_OID_UNKNOWN &&
               args[i] != PG_OID_ANYELEMENT && args[i] != PG_OID_ANYARRAY && args[i] != PG_OID_ANY)
            i++;
        if (i == nargs) {
            memcpy(coerce_to, args, sizeof *args * (size_t)nargs);
            *out = f;
            return FN_FOUND;
        }
    }

    /* 7. binary operator with one unknown side: try the other side's type for it. */
    if (binary_operator && nargs == 2) {
        if (args[0] == PG_OID_UNKNOWN && args[1] != PG_OID_UNKNOWN) {
            for (int c = 0; c < ncand; c++)
                if (cands[c].fn->args[0] == args[1] && cands[c].fn->args[1] == args[1]) {
                    *out = cands[c].fn;
                    coerce_to[0] = coerce_to[1] = args[1];
                    return FN_FOUND;
                }
        } else if (args[1] == PG_OID_UNKNOWN && args[0] != PG_OID_UNKNOWN) {
            for (int c = 0; c < ncand; c++)
                if (cands[c].fn->args[0] == args[0] && cands[c].fn->args[1] == args[0]) {
                    *out = cands[c].fn;
                    coerce_to[0] = coerce_to[1] = args[0];
                    return FN_FOUND;
                }
        }
    }

    /* 2 and 3: exact matches; reachable candidates.  A polymorphic slot matches its
     * argument's own type exactly (it stands for the per-type functions PostgreSQL has),
     * provided the polymorphic slots of the candidate agree with each other. */
    int kept = 0;
    pg_oid scratch[MAX_CANDIDATES];
    for (int c = 0; c < ncand; c++) {
        const sql_function *f = cands[c].fn;
        bool ok = true, poly = false;
        int exact = 0, preferred = 0;
        /* Only anyelement-only signatures stand for per-type functions (min, max ...);
         * with anyarray or anynonarray they are PostgreSQL's own polymorphic functions, whose
         * polymorphic slots match nothing exactly. */
        bool stand_in = true;
        for (int i = 0; i < nargs; i++) {
            pg_oid s = slot_type(f, i);
            if (s == PG_OID_ANYARRAY || s == PG_OID_ANYNONARRAY)
                stand_in = false;
        }
        for (int i = 0; i < nargs && ok; i++) {
            pg_oid s = slot_type(f, i);
            if (s == args[i])
                exact++;
            else if (s == PG_OID_ANYELEMENT || s == PG_OID_ANYARRAY || s == PG_OID_ANYNONARRAY) {
                /* int2vector and oidvector are arrays of int2 / oid to polymorphic functions */
                bool is_array = args[i] != PG_OID_UNKNOWN &&
                                (types_is_array(types_by_oid(args[i])) || ir_vector_array_type(args[i]) != 0);
                ok = args[i] == PG_OID_UNKNOWN || (s == PG_OID_ANYARRAY ? is_array : s == PG_OID_ANYNONARRAY ? !is_array : true);
                poly = true;
                if (args[i] != PG_OID_UNKNOWN && stand_in)
                    exact++;
            } else if (s == PG_OID_ANY) {
                if (args[i] != PG_OID_UNKNOWN)
                    exact++;
            } else if (!slot_accepts(s, args[i]))
                ok = false;
            else if (args[i] != PG_OID_UNKNOWN && sql_type_preferred(s))
                preferred++;   /* func_select_candidate counts known inputs only */
        }
        if (ok && poly)
            ok = resolve_polymorphic(f, nargs, args, scratch);
        if (!ok)
            continue;
        cands[kept++] = (candidate){.fn = f, .exact = exact, .preferred = preferred};
    }
    ncand = kept;
    if (!ncand)
        return FN_NOT_FOUND;
    if (ncand > 1) {
        /* 4. most exact matches. */
        int best = -1;
        for (int c = 0; c < ncand; c++)
            if (cands[c].exact > best)
                best = cands[c].exact;
        kept = 0;
        for (int c = 0; c < ncand; c++)
            if (cands[c].exact == best)
                cands[kept++] = cands[c];
        ncand = kept;
    }
    if (ncand > 1) {
        /* 5. most preferred types at coerced positions. */
        int best = -1;
        for (int c = 0; c < ncand; c++)
            if (cands[c].preferred > best)
                best = cands[c].preferred;
        kept = 0;
        for (int c = 0; c < ncand; c++)
            if (cands[c].preferred == best)
                cands[kept++] = cands[c];
        ncand = kept;
    }
    if (ncand > 1) {
        /* 6. unknown arguments: string category if any candidate takes one, then preferred. */
        for (int i = 0; i < nargs && ncand > 1; i++) {
            if (args[i] != PG_OID_UNKNOWN)
                continue;
            bool any_string = false;
            for (int c = 0; c < ncand; c++)
                if (sql_type_category(slot_type(cands[c].fn, i)) == 'S')
                    any_string = true;
            if (any_string) {
                kept = 0;
                for (int c = 0; c < ncand; c++)
                    if (sql_type_category(slot_type(cands[c].fn, i)) == 'S')
                        cands[kept++] = cands[c];
                ncand = kept;
            }
            if (ncand > 1) {
                kept = 0;
                for (int c = 0; c < ncand; c++)
                    if (sql_type_preferred(slot_type(cands[c].fn, i)))
                        cands[kept++] = cands[c];
                if (kept)
                    ncand = kept;
            }
        }
    }
    if (ncand > 1) {
        /* 7. unknown and known arguments, the known ones all of one type: take the unknown
         * ones as that type too; if exactly one candidate accepts that, it is the one. */
        pg_oid known = PG_OID_INVALID;
        bool same = true, any_unknown = false;
        for (int i = 0; i < nargs; i++) {
            if (args[i] == PG_OID_UNKNOWN)
                any_unknown = true;
            else if (known == PG_OID_INVALID)
                known = args[i];
            else if (args[i] != known)
                same = false;
        }
        if (any_unknown && same && known != PG_OID_INVALID && nargs <= MAX_CANDIDATES) {
            pg_oid assumed[MAX_CANDIDATES];
            for (int i = 0; i < nargs; i++)
                assumed[i] = args[i] == PG_OID_UNKNOWN ? known : args[i];
            int passing = -1, npass = 0;
            for (int c = 0; c < ncand; c++) {
                const sql_function *f = cands[c].fn;
                bool ok = true, poly = false;
                for (int i = 0; i < nargs && ok; i++) {
                    pg_oid st = slot_type(f, i);
                    if (st == PG_OID_ANYELEMENT || st == PG_OID_ANYARRAY || st == PG_OID_ANYNONARRAY) {
                        bool is_array = types_is_array(types_by_oid(assumed[i]));
                        ok = st == PG_OID_ANYARRAY ? is_array : st == PG_OID_ANYNONARRAY ? !is_array : true;
                        poly = true;
                    } else if (st != PG_OID_ANY && st != assumed[i] && !slot_accepts(st, assumed[i]))
                        ok = false;
                }
                if (ok && poly)
                    ok = resolve_polymorphic(f, nargs, assumed, scratch);
                if (ok) {
                    passing = c;
                    npass++;
                }
            }
            if (npass == 1) {
                cands[0] = cands[passing];
                ncand = 1;
            }
        }
    }
    if (ncand > 1) {
        /* A specific function beats a polymorphic one that matches as well (min(numeric)
         * over min(anyelement) for a numeric argument). */
        kept = 0;
        for (int c = 0; c < ncand; c++) {
            bool poly = false;
            for (int i = 0; i < nargs; i++) {
                pg_oid s = slot_type(cands[c].fn, i);
                poly |= s == PG_OID_ANYELEMENT || s == PG_OID_ANYARRAY || s == PG_OID_ANYNONARRAY || s == PG_OID_ANY;
            }
            if (!poly)
                cands[kept++] = cands[c];
        }
        if (kept)
            ncand = kept;
    }
    if (ncand > 1) {
        /* Identical signatures listed twice (an alias spelling): take the first. */
        bool all_same = true;
        for (int c = 1; c < ncand && all_same; c++)
            for (int i = 0; i < nargs; i++)
                if (slot_type(cands[c].fn, i) != slot_type(cands[0].fn, i))
                    all_same = false;
        if (!all_same)
            return FN_AMBIGUOUS;
    }
    const sql_function *f = cands[0].fn;
    if (!resolve_polymorphic(f, nargs, args, coerce_to))
        return FN_NOT_FOUND;
    *out = f;
    return FN_FOUND;
}

fn_lookup_result sql_function_lookup(const char *name, int nargs, const pg_oid *arg_types,
                                     sql_fn_kind kind, const sql_function **out, pg_oid *coerce_to)
{
    return lookup(name, nargs, arg_types, kind, false, out, coerce_to);
}

fn_lookup_result sql_operator_lookup(const char *op, pg_oid left, pg_oid right,
                                     const sql_function **out, pg_oid *coerce_to)
{
    if (left == PG_OID_INVALID) {   /* prefix operator */
        pg_oid args[1] = {right};
        return lookup(op, 1, args, FN_PLAIN, false, out, coerce_to);
    }
    pg_oid args[2] = {left, right};
    return lookup(op, 2, args, FN_PLAIN, true, out, coerce_to);
}
